"""Read the rows of a spreadsheet or CSV file, and refuse files that are unsafe to read.

Formats are decided by content (magic bytes), never by the extension: .xlsx/.xlsm and .ods
(zip packages), .xls (an OLE compound file) and CSV/TSV text. python-calamine (Rust) parses
the spreadsheets; the csv module parses text. What comes back is plain Python values with
the row numbers the user sees in Excel, cells aligned to column A, empty cells as None.

Why the checks below exist. calamine builds, for the sheet it loads, a dense grid of 32
bytes per cell spanning the used range, copies a shared string into every cell that refers
to it, and aborts the whole process when an allocation fails. A 2 KB .xlsx holding a value
in A1 and one in XFD1048576 therefore kills the application. So, before calamine touches a
package, the reader looks at it itself with bounded memory:

1. the whole file is read once (at most ``max_file_bytes``) and every check and the parser
   see those same bytes, so the file cannot change between check and parse;
2. the zip central directory (stdlib ``zipfile``): member count, duplicate names, total
   declared uncompressed size, per-member compression ratio, compression method. The zip
   library inside calamine stops at a member's declared size, so declared sizes bound what
   it will inflate;
3. every XML member's prolog (expat, stopped at the root element): a DOCTYPE is refused, so
   entity expansion ("billion laughs") never reaches any parser;
4. the worksheet part to be loaded (.xlsx), streamed in chunks: the cell references give the
   last row and column; long text runs and shared-string references bound the text the
   sheet expands to. Files written by Excel, WPS, openpyxl and xlsxwriter all use the form
   ``<c r="B7" ...>``, which byte searches and one regular expression cover; anything else
   (cells without references, prefixed element names) falls back to an expat scan that
   follows calamine's own rules for implied positions;
5. .ods: calamine loads every table when it opens the file and expands repeat attributes
   (``table:number-columns-repeated``), so content.xml is scanned with expat first, with the
   same arithmetic calamine uses.

6. .xls: calamine builds (and first reserves, from the DIMENSIONS record) the grid of every
   sheet when it opens the file, so the BIFF record headers of the Workbook stream (which
   olefile extracts) are walked first, the way calamine walks them, for each sheet's
   declared and actual extent. This reads no values; the data still comes from calamine.

After loading, the sizes calamine reports are checked again, and each string cell's length.

Known gap: an .xls whose shared strings are long and referenced by many cells (each
reference becomes its own copy) is not bounded before loading; that needs the SST record
walked too (see `_check_xls`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
import struct
import xml.parsers.expat
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import python_calamine

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.imports.limits import DEFAULT_LIMITS
from skilldesk.imports.limits import Limits

__all__ = [
    "Cell", "DEFAULT_LIMITS", "FileRefused", "Limits", "SheetInfo", "SheetRows",
    "file_kind", "list_sheets", "read_sheet",
]

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None

#: How often (in rows, or in scanned chunks) `check` is called so a caller can cancel.
CHECK_EVERY_ROWS = 1000
_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int  # number of the last row holding a value (0 for an empty sheet)
    columns: int  # number of the last column holding a value, counted from A


@dataclass(frozen=True)
class SheetRows:
    name: str
    #: (row number as shown in the spreadsheet, 1-based; cells from column A, trailing
    #: empties trimmed). Blank rows are left out; the numbering keeps counting them.
    rows: list[tuple[int, list[Cell]]]
    columns: int  # the longest row's length


# ---------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "NOT_FOUND": N_("The file {name} was not found. It may have been moved, renamed or "
                    "deleted; choose it again."),
    "EMPTY": N_("The file {name} is empty (0 bytes). Check that you chose the right file; "
                "if it came from a USB drive or an e-mail, copy it again."),
    "NO_SHEETS": N_("The workbook {name} has no worksheets. Open it in Excel or WPS, check "
                    "that the roster is there, save, and import again."),
    "NO_SUCH_SHEET": N_("The file {name} has no sheet named “{sheet}”."),
    "NOT_A_SPREADSHEET": N_(
        "The file {name} is not a spreadsheet SkillDesk can read (.xlsx, .xls, .ods or .csv), "
        "whatever its name says. If it opens in Excel or WPS, save it there as an Excel "
        "workbook (.xlsx) and import the saved file."),
    "ENCRYPTED": N_(
        "The file {name} is protected with a password. Open it in Excel, remove the password "
        "(文件 → 信息 → 保护工作簿 → 用密码进行加密, clear the password), save, and import "
        "again."),
    "FILE_TOO_LARGE": N_(
        "The file {name} is {size} MB; SkillDesk imports files of up to {limit} MB. Split the "
        "roster into smaller files, or delete unused sheets, pictures and formatting, and "
        "import again."),
    "ZIP_BOMB": N_(
        "The file {name} would unpack to far more data than a spreadsheet of its size can "
        "hold, which is how damaged or malicious files look, so it was not opened. If you "
        "trust the file, open it in Excel, copy the roster into a new workbook, save it, and "
        "import that."),
    "XML_ENTITIES": N_(
        "The file {name} contains XML entity declarations, which Excel never writes and "
        "which are used to attack programs that read spreadsheets, so it was not opened. Ask "
        "the sender for a copy saved directly from Excel or WPS."),
    "TOO_MANY_COLUMNS": N_(
        "The sheet “{sheet}” in {name} uses columns up to number {columns}; SkillDesk reads "
        "at most {limit}. Usually a stray value or formatting far to the right causes this: "
        "delete the unused columns right of the roster in Excel, save, and import again."),
    "TOO_MANY_ROWS": N_(
        "The sheet “{sheet}” in {name} goes down to row {rows}; SkillDesk reads at most "
        "{limit} rows. Delete the unused rows below the roster (or split it into several "
        "files), save, and import again."),
    "TOO_MANY_CELLS": N_(
        "The sheet “{sheet}” in {name} spans {rows} rows × {columns} columns, more than "
        "SkillDesk can read at once. Delete the empty rows and columns around the roster, "
        "save, and import again."),
    "CELL_TOO_LARGE": N_(
        "A cell in {name} holds more than {limit} characters, more than Excel itself "
        "allows; the file is damaged or was not made by Excel. Shorten that cell, save, and "
        "import again."),
    "TEXT_TOO_LARGE": N_(
        "The sheet “{sheet}” in {name} repeats long texts so often that reading it would "
        "need more than {limit} MB of memory. Remove the long texts (notes, pasted pages) "
        "from the cells, save, and import again."),
    "UNREADABLE": N_(
        "The file {name} could not be read; it may be damaged, incompletely downloaded, or "
        "saved by a program SkillDesk does not know. Open it in Excel or WPS, save it again "
        "as an Excel workbook (.xlsx), and import the saved copy."),
    "LOCKED": N_(
        "The file {name} is open in another program (probably Excel or WPS), which keeps "
        "SkillDesk from reading it. Close the file in Excel and try again."),
    "ENCODING": N_(
        "The text file {name} is in an encoding SkillDesk does not recognise (it is neither "
        "UTF-8 nor GBK/GB18030). Open it in Excel or WPS and save it as “CSV UTF-8” or as an "
        "Excel workbook (.xlsx), then import again."),
}

_CELL_TOO_LARGE_AT = N_(
    "The cell {cell} in the sheet “{sheet}” of {name} holds {chars} characters; Excel allows "
    "at most {limit}. Shorten that cell, save, and import again.")


class FileRefused(SkilldeskError):
    """The file cannot be read, or reading it would be unsafe. `reason` is a stable code."""

    code = "E_FILE_REFUSED"
    default_msgid = N_("The file could not be imported.")

    def __init__(self, reason: str, msgid: str | None = None, *, detail: str | None = None,
                 **params: object):
        super().__init__(msgid or _MESSAGES.get(reason), detail=detail, **params)
        self.reason = reason


def _refuse(reason: str, name: str, *, detail: str | None = None, msgid: str | None = None,
            **params: object) -> FileRefused:
    return FileRefused(reason, msgid, detail=detail, name=name, **params)


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def file_kind(path: str | Path) -> str:
    """"xlsx" | "xls" | "ods" | "csv", decided by the content; refuses what is none of them."""
    path = Path(path)
    return _sniff(_read_bytes(path, DEFAULT_LIMITS), path.name)


def list_sheets(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> list[SheetInfo]:
    """The worksheets of a workbook, in workbook order, with their sizes as `read_sheet` sees
    them. A CSV file is one sheet named after the file. Chart sheets are left out."""
    path = Path(path)
    data = _read_bytes(path, limits)
    kind = _sniff(data, path.name)
    if kind == "csv":
        sheet = _read_csv(data, path, limits, None)
        last = sheet.rows[-1][0] if sheet.rows else 0
        return [SheetInfo(sheet.name, last, sheet.columns)]
    with _Workbook(data, kind, path.name, limits) as book:
        infos = []
        for name in book.sheet_names():
            start, end = book.extent(name)
            infos.append(SheetInfo(name, end[0] + 1 if end else 0, end[1] + 1 if end else 0))
        return infos


def read_sheet(path: str | Path, sheet: str | None = None, *, limits: Limits = DEFAULT_LIMITS,
               check: Callable[[], None] | None = None) -> SheetRows:
    """The non-blank rows of one sheet (the first worksheet when *sheet* is None).

    *check* is called every `CHECK_EVERY_ROWS` rows (and between scanned chunks); raising
    from it (e.g. `Cancelled`) stops the read.
    """
    path = Path(path)
    data = _read_bytes(path, limits)
    kind = _sniff(data, path.name)
    if kind == "csv":
        return _read_csv(data, path, limits, check)
    with _Workbook(data, kind, path.name, limits) as book:
        names = book.sheet_names()
        if sheet is None:
            if not names:
                raise _refuse("NO_SHEETS", path.name)
            sheet = names[0]
        elif sheet not in names:
            raise _refuse("NO_SUCH_SHEET", path.name, sheet=sheet)
        return book.read(sheet, check)


class Book:
    """One checked, open file for several reads (see `open_book`)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        data = _read_bytes(path, limits)
        self._path, self._limits = path, limits
        self._kind = _sniff(data, path.name)
        self._csv_data = data if self._kind == "csv" else None
        self._book = None if self._kind == "csv" else _Workbook(data, self._kind, path.name,
                                                               limits)

    def sheet_names(self) -> list[str]:
        if self._book is None:
            return [self._path.stem]
        names = self._book.sheet_names()
        if not names:
            raise _refuse("NO_SHEETS", self._path.name)
        return names

    def read(self, sheet: str | None = None,
             check: Callable[[], None] | None = None) -> SheetRows:
        """Like `read_sheet`, without opening and checking the file again."""
        if self._book is None:
            return _read_csv(self._csv_data, self._path, self._limits, check)
        if sheet is None:
            sheet = self.sheet_names()[0]
        elif sheet not in self._book.sheet_names():
            raise _refuse("NO_SUCH_SHEET", self._path.name, sheet=sheet)
        return self._book.read(sheet, check)

    def close(self) -> None:
        if self._book is not None:
            self._book.__exit__(None, None, None)


@contextmanager
def open_book(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Book]:
    """Open *path* once (all the checks that precede parsing included) for reading its
    sheet names and one or more sheets: a roster import reads each file once this way."""
    book = Book(Path(path), limits)
    try:
        yield book
    finally:
        book.close()


# ---------------------------------------------------------------------------------------
# Reading the file and deciding what it is
# ---------------------------------------------------------------------------------------


def _read_bytes(path: Path, limits: Limits) -> bytes:
    """The whole file, read once. Errors become refusals that say what the user can do."""
    name = path.name
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except PermissionError as exc:  # Windows: the file is open in Excel
        raise _refuse("LOCKED", name, detail=str(exc)) from exc
    except FileNotFoundError as exc:
        raise _refuse("NOT_FOUND", name, detail=str(exc)) from exc
    except IsADirectoryError as exc:
        raise _refuse("NOT_A_SPREADSHEET", name, detail="a folder") from exc
    except OSError as exc:
        raise _refuse("UNREADABLE", name, detail=str(exc)) from exc
    if len(data) > limits.max_file_bytes:
        size = path.stat().st_size if path.exists() else len(data)
        raise _refuse("FILE_TOO_LARGE", name, size=_mb(size), limit=_mb(limits.max_file_bytes))
    if not data:
        raise _refuse("EMPTY", name)
    return data


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 10 * 1024 * 1024 else f"{size / 1048576:.1f}"


# What reading a damaged package can raise (zlib.error: corrupt deflate data; RuntimeError:
# an encrypted member; NotImplementedError: an unknown compression method).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
               ValueError, RuntimeError, NotImplementedError)
# What expat raises for malformed XML, or for an encoding declaration it does not know.
_XML_ERRORS = (xml.parsers.expat.ExpatError, LookupError, UnicodeError)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_BINARY_MAGICS = (
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"), (b"{\\rtf", "an RTF document"), (b"MZ\x90\x00", "a program"),
)
_MARKUP = (b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")
# Bytes that never occur in text: C0 controls other than tab, LF, CR, form feed and the old
# DOS end-of-file mark (Ctrl-Z), which some exporters still append.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_TEXT_EXTENSIONS = (".csv", ".txt", ".tsv", ".tab", "")


def _sniff(data: bytes, name: str) -> str:
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(data, name)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, name)
    for magic, what in _BINARY_MAGICS:
        if data.startswith(magic):
            raise _refuse("NOT_A_SPREADSHEET", name, detail=f"the file is {what}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"  # Excel's "Unicode text" export: UTF-16, tab-separated
    head = data[:65536]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_MARKUP):
        # Web systems often export an HTML table or XML Spreadsheet 2003 named .xls.
        raise _refuse("NOT_A_SPREADSHEET", name, detail="the file is an HTML or XML document")
    controls = len(head.translate(None, _NOT_CONTROL))
    if b"\x00" in head or controls > len(head) // 100:
        raise _refuse("NOT_A_SPREADSHEET", name, detail="the file is binary data")
    return "csv"


def _zip_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = {info.filename.lower(): info for info in package.infolist()}
            is_ods = False
            mimetype = names.get("mimetype")
            if mimetype is not None and mimetype.file_size < 200:
                is_ods = package.read(mimetype).startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet")
    except _ZIP_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"damaged zip package: {exc}") from exc
    is_xlsx = "xl/workbook.xml" in names
    # calamine guesses the format itself and tries the next one when a parse fails, so a
    # package that looks like two formats could be checked as one and parsed as the other.
    if is_xlsx and (is_ods or "content.xml" in names):
        raise _refuse("UNREADABLE", name, detail="package is both .xlsx and .ods")
    if is_xlsx:
        return "xlsx"
    if is_ods:
        return "ods"
    if "xl/workbook.bin" in names:
        raise _refuse("NOT_A_SPREADSHEET", name, detail="binary workbook (.xlsb)")
    if any(n.startswith(("word/", "ppt/")) for n in names):
        raise _refuse("NOT_A_SPREADSHEET", name, detail="a Word or PowerPoint document")
    raise _refuse("NOT_A_SPREADSHEET", name, detail="a zip archive")


def _ole_has_stream(data: bytes, stream: str) -> bool:
    """Whether an OLE compound file has a directory entry named *stream*.

    Not a parser: directory entries are 128-byte records aligned on 128 bytes, starting
    with the UTF-16LE name and a NUL, with the name's byte length at offset 64 and the
    entry type (1 storage, 2 stream) at 66. Finding one such record is a signature check,
    like the magic bytes at the start of a file.
    """
    encoded = stream.encode("utf-16-le")
    pattern = re.compile(re.escape(encoded) + b"\x00\x00", re.IGNORECASE)
    for match in pattern.finditer(data):
        start = match.start()
        if start % 128 or start + 67 > len(data):
            continue
        if (int.from_bytes(data[start + 64:start + 66], "little") == len(encoded) + 2
                and data[start + 66] in (1, 2)):
            return True
    return False


def _ole_kind(data: bytes, name: str) -> str:
    # Excel saves a password-protected .xlsx as an OLE file holding the encrypted package.
    if _ole_has_stream(data, "EncryptedPackage") or _ole_has_stream(data, "EncryptionInfo"):
        raise _refuse("ENCRYPTED", name)
    if _ole_has_stream(data, "Workbook") or _ole_has_stream(data, "Book"):
        return "xls"
    if _ole_has_stream(data, "WordDocument") or _ole_has_stream(data, "PowerPoint Document"):
        raise _refuse("NOT_A_SPREADSHEET", name, detail="a Word or PowerPoint document")
    return "xls"  # let calamine decide; its errors become UNREADABLE


# ---------------------------------------------------------------------------------------
# Zip package checks
# ---------------------------------------------------------------------------------------


def _check_package(package: zipfile.ZipFile, name: str, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Central-directory checks; returns the members by lower-case name."""
    infos = package.infolist()
    if len(infos) > limits.max_members:
        raise _refuse("ZIP_BOMB", name, detail=f"{len(infos)} members")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        key = info.filename.lower()
        # The zip library in calamine and zipfile could pick different copies of a name
        # that appears twice, so what was checked would not be what is parsed.
        if key in members:
            raise _refuse("UNREADABLE", name, detail=f"member {info.filename!r} appears twice")
        members[key] = info
        if info.flag_bits & 0x1:
            raise _refuse("ENCRYPTED", name, detail=f"member {info.filename!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse("UNREADABLE", name,
                          detail=f"member {info.filename!r} uses compression {info.compress_type}")
        total += info.file_size
        if (info.file_size > limits.ratio_floor_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise _refuse("ZIP_BOMB", name, detail=(
                f"member {info.filename!r}: {info.file_size} bytes from {info.compress_size}"))
    if total > limits.max_uncompressed_bytes:
        raise _refuse("ZIP_BOMB", name, detail=f"{total} bytes uncompressed in total")
    return members


class _StopParse(Exception):
    pass


def _guarded_parser(name: str, where: str) -> xml.parsers.expat.XMLParserType:
    """An expat parser that refuses any DOCTYPE or entity declaration (billion laughs):
    Excel never writes them, and nothing in a workbook needs them."""
    parser = xml.parsers.expat.ParserCreate()

    def doctype(*_args: object) -> None:
        raise _refuse("XML_ENTITIES", name, detail=f"DOCTYPE in {where}")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _check_prolog(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a DOCTYPE before the root element of an XML member (entity expansion)."""
    parser = _guarded_parser(name, info.filename)

    def root(*_args: object) -> None:
        raise _StopParse

    parser.StartElementHandler = root
    try:
        with package.open(info) as stream:
            while chunk := stream.read(65536):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _StopParse:
        return
    except _XML_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc
    except _ZIP_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc


def _is_xml_member(key: str) -> bool:
    return key.endswith((".xml", ".rels", ".vml")) or key == "[content_types].xml"


def _chunks(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
            check: Callable[[], None] | None) -> Iterator[bytes]:
    """The member's bytes in chunks that never end inside a tag (so patterns that span a
    tag are always whole in one chunk)."""
    carry = b""
    try:
        with package.open(info) as stream:
            while block := stream.read(_CHUNK):
                if check is not None:
                    check()
                data = carry + block if carry else block
                cut = data.rfind(b"<")
                if cut >= 0 and data.find(b">", cut) < 0:
                    carry, data = data[cut:], data[:cut]
                    if len(carry) > _CHUNK:  # one "tag" longer than 4 MiB: not a spreadsheet
                        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: huge tag")
                else:
                    carry = b""
                yield data
            if carry:
                yield carry
    except _ZIP_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc


# ---------------------------------------------------------------------------------------
# .xlsx scans
# ---------------------------------------------------------------------------------------

_REF = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
_REF_TEXT = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")
_DIGIT_TEXT = re.compile(rb">([0-9]{1,10})<")
_DIGITS = b"0123456789"
_DIGITS_AND_SPACE = b"0123456789 "
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# XML whitespace and the two characters that can end an element name become spaces, so a
# single count finds every start tag of an element named "c" however it is written.
_NAME_END = bytes.maketrans(b"\t\n\r/>", b"     ")


@functools.lru_cache(maxsize=8)
def _long_text(limit_bytes: int) -> re.Pattern[bytes]:
    # Anchored on ">" so each text run is tried once: linear time.
    return re.compile(rb">[^<]{%d}" % limit_bytes)


def _column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class _Extent:
    rows: int = 0  # last row number (1-based) holding a cell
    columns: int = 0  # last column number (1-based)
    cells: int = 0  # cell elements seen
    shared_refs: Counter[int] = field(default_factory=Counter)
    refs_counted: bool = False  # whether shared_refs was filled in


def _scan_sheet(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str,
                limits: Limits, want_refs: bool, check: Callable[[], None] | None) -> _Extent:
    """Where the cells of a worksheet part are, without building anything per cell."""
    extent = _Extent(refs_counted=want_refs)
    long_text = _long_text(4 * limits.max_cell_chars + 4)
    for chunk in _chunks(package, info, name, check):
        if b"<!" in chunk and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):
            raise _refuse("XML_ENTITIES", name, detail=f"DOCTYPE in {info.filename}")
        spaced = chunk.translate(_NAME_END)
        starts = spaced.count(b"<c ")
        refs = _REF.findall(chunk) if starts else []
        # A NUL byte means UTF-16 (or garbage): byte patterns would find nothing at all.
        if len(refs) != starts or b":c " in spaced or b"\x00" in chunk:
            return _scan_sheet_slowly(package, info, name, sheet, limits, want_refs, check)
        if refs:
            joined = b" ".join(refs)
            letters = joined.translate(None, _DIGITS_AND_SPACE)
            if len(letters) == len(refs):  # columns A-Z only (most rosters): max of bytes
                column = max(letters) - 64
            else:
                column = max(map(_column_number, set(joined.translate(None, _DIGITS).split())))
            numbers = set(map(int, set(joined.translate(None, _UPPER).split())))
            if min(numbers) == 0:  # "A0": calamine would wrap row -1 to 4 billion
                raise _refuse("UNREADABLE", name, detail=f"{info.filename}: row 0")
            extent.rows = max(extent.rows, max(numbers))
            extent.columns = max(extent.columns, column)
            extent.cells += starts
        if long_text.search(chunk):
            raise _refuse("CELL_TOO_LARGE", name, sheet=sheet, limit=limits.max_cell_chars)
        if want_refs:
            extent.shared_refs.update(map(int, _DIGIT_TEXT.findall(chunk)))
    return extent


def _scan_sheet_slowly(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                       sheet: str, limits: Limits, want_refs: bool,
                       check: Callable[[], None] | None) -> _Extent:
    """The exact scan for unusual writers: expat, following calamine's rules.

    calamine takes a cell's position from its `r` attribute, otherwise from the previous
    cell (column + 1) and the current row (the row's `r`, or the previous row + 1). Counting
    self-closing elements too can only move positions further out, never closer.
    """
    extent = _Extent(refs_counted=want_refs)
    parser = _guarded_parser(name, info.filename)
    parser.buffer_text = True
    state = {"row": 0, "col": 0, "cell": None, "depth": 0, "cell_depth": -1, "valued": False,
             "text": 0, "digits": ""}
    max_run = 4 * limits.max_cell_chars + 4

    def position(ref: str) -> tuple[int, int]:
        match = _REF_TEXT.match(ref)
        if match is None or int(match.group(2)) == 0:
            raise _refuse("UNREADABLE", name, detail=f"{info.filename}: cell reference {ref!r}")
        return int(match.group(2)) - 1, _column_number(match.group(1)) - 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        state["depth"] += 1
        state["text"] = 0
        if local == "row" and state["cell"] is None:
            ref = attrs.get("r")
            if ref is not None:
                if not ref.isdigit() or int(ref) == 0:
                    raise _refuse("UNREADABLE", name, detail=f"{info.filename}: row {ref!r}")
                state["row"] = int(ref) - 1
        elif local == "c" and state["cell"] is None:
            ref = attrs.get("r")
            if ref is not None:
                row, col = position(ref)
                state["col"] = col
                state["cell"] = (row, col)
            else:
                state["cell"] = (state["row"], state["col"])
            state["cell_depth"] = state["depth"]
            state["valued"] = False
            extent.cells += 1
        elif state["cell"] is not None:
            state["valued"] = True

    def end(tag: str) -> None:
        local = tag.rpartition(":")[2]
        state["text"] = 0
        if state["cell"] is not None and state["depth"] == state["cell_depth"]:
            if state["valued"]:
                row, col = state["cell"]
                extent.rows = max(extent.rows, row + 1)
                extent.columns = max(extent.columns, col + 1)
            state["cell"] = None
            state["col"] += 1
        elif local == "row" and state["cell"] is None:
            state["row"] += 1
            state["col"] = 0
        if want_refs and state["digits"]:
            extent.shared_refs[int(state["digits"])] += 1
        state["digits"] = ""
        state["depth"] -= 1

    def text(data: str) -> None:
        state["text"] += len(data)
        if state["text"] > max_run:
            raise _refuse("CELL_TOO_LARGE", name, sheet=sheet, limit=limits.max_cell_chars)
        if want_refs:
            stripped = data.strip()
            state["digits"] = stripped if stripped.isdigit() and len(stripped) <= 10 else ""

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _parse_member(parser, package, info, name, check)
    return extent


@dataclass
class _SharedStrings:
    longest: int = 0  # upper bound, in bytes, of the longest string
    lengths: list[int] = field(default_factory=list)  # upper bound per index


def _scan_shared_strings(package: zipfile.ZipFile, info: zipfile.ZipInfo | None, name: str,
                         limits: Limits, check: Callable[[], None] | None) -> _SharedStrings:
    """Bounds on the length of each shared string: the bytes from one `<si>` to the next
    (markup included, so never less than the text's UTF-8 length), or, for parts written
    unusually, the exact lengths from an expat pass."""
    if info is None:
        return _SharedStrings()
    long_text = _long_text(4 * limits.max_cell_chars + 4)
    lengths: list[int] = []
    current = -1  # bytes of the string being measured; -1 before the first <si>
    plain = True
    for chunk in _chunks(package, info, name, check):
        if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
            raise _refuse("XML_ENTITIES", name, detail="DOCTYPE in the shared strings")
        if long_text.search(chunk):
            raise _refuse("CELL_TOO_LARGE", name, limit=limits.max_cell_chars)
        # Comments, CDATA, UTF-16 or other spellings of <si> (prefixed, self-closing) would
        # shift the index of each string: then an expat pass measures them instead.
        spaced = chunk.translate(_NAME_END)
        if (b"<!" in chunk or b"\x00" in chunk or b":si " in spaced
                or spaced.count(b"<si ") != chunk.count(b"<si>")):
            plain = False
            break
        pieces = chunk.split(b"<si>")
        if current >= 0:
            current += len(pieces[0])
        for piece in pieces[1:]:
            if current >= 0:
                lengths.append(current)
            current = len(piece)
    if current >= 0:
        lengths.append(current)
    if not plain:
        lengths = _shared_string_lengths_slowly(package, info, name, limits, check)
    return _SharedStrings(max(lengths, default=0), lengths)


def _shared_string_lengths_slowly(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                                  limits: Limits, check: Callable[[], None] | None) -> list[int]:
    """UTF-8 bytes of each shared string, counting `si` elements as calamine does (any
    prefix, self-closing ones included), for parts the byte split cannot index safely."""
    lengths: list[int] = []
    state = {"depth": 0, "si_depth": -1, "bytes": 0}
    parser = _guarded_parser(name, "the shared strings")
    parser.buffer_text = True
    max_run = 4 * limits.max_cell_chars + 4

    def start(tag: str, _attrs: dict[str, str]) -> None:
        state["depth"] += 1
        if state["si_depth"] < 0 and tag.rpartition(":")[2] == "si":
            state["si_depth"], state["bytes"] = state["depth"], 0

    def end(_tag: str) -> None:
        if state["depth"] == state["si_depth"]:
            lengths.append(state["bytes"])
            state["si_depth"] = -1
        state["depth"] -= 1

    def text(data: str) -> None:
        if state["si_depth"] >= 0:
            state["bytes"] += len(data.encode("utf-8", "surrogatepass"))
            if state["bytes"] > max_run:
                raise _refuse("CELL_TOO_LARGE", name, limit=limits.max_cell_chars)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _parse_member(parser, package, info, name, check)
    return lengths


def _parse_member(parser: xml.parsers.expat.XMLParserType, package: zipfile.ZipFile,
                  info: zipfile.ZipInfo, name: str, check: Callable[[], None] | None) -> None:
    """Feed a member to an expat parser in chunks; XML or zip errors mean a damaged file."""
    try:
        with package.open(info) as stream:
            while block := stream.read(_CHUNK // 4):
                if check is not None:
                    check()
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except _XML_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc
    except _ZIP_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc


# ---------------------------------------------------------------------------------------
# .ods scan
# ---------------------------------------------------------------------------------------

_ODS_VALUE_ATTRS = ("office:value", "office:string-value", "office:date-value",
                    "office:time-value", "office:boolean-value")


@dataclass
class _OdsTable:
    rows: int = 0  # last row number holding a value
    columns: int = 0  # last column number holding a value
    text: int = 0  # characters of text once repeats are expanded


def _scan_ods(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits,
              check: Callable[[], None] | None) -> dict[str, _OdsTable]:
    """Sizes of every table in content.xml, computed the way calamine expands repeats.

    calamine pushes, per row, every cell up to the last non-empty one (repeats expanded),
    then repeats non-empty rows; element names are matched literally ("table:table-cell"),
    so namespace processing is off here too.
    """
    tables: dict[str, _OdsTable] = {}
    parser = _guarded_parser(name, "content.xml")
    parser.buffer_text = True
    state: dict = {"table": None, "row_repeat": 1, "row_index": 0, "pushed": 0, "pending": 0,
                   "last_value_end": 0, "cell": None, "cell_text": 0, "cell_repeat": 1,
                   "row_text": 0, "sparse": 0}

    def refuse_size(table: _OdsTable, reason: str) -> FileRefused:
        return _refuse(reason, name, sheet=state["table_name"], rows=table.rows,
                       columns=table.columns, limit=(limits.max_rows if reason == "TOO_MANY_ROWS"
                                                     else limits.max_columns))

    def number(value: str | None) -> int:
        if value is None:
            return 1
        try:
            return max(int(value), 0)
        except ValueError:
            raise _refuse("UNREADABLE", name, detail=f"content.xml: repeat {value!r}") from None

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "table:table":
            state["table_name"] = attrs.get("table:name", "")
            state["table"] = tables.setdefault(state["table_name"], _OdsTable())
            state["row_index"] = 0
        elif state["table"] is None:
            return
        elif tag == "table:table-row":
            state["row_repeat"] = number(attrs.get("table:number-rows-repeated"))
            state["pushed"] = state["pending"] = state["last_value_end"] = state["row_text"] = 0
        elif tag in ("table:table-cell", "table:covered-table-cell") and state["cell"] is None:
            repeat = number(attrs.get("table:number-columns-repeated"))
            valued = (any(a in attrs for a in _ODS_VALUE_ATTRS) or bool(attrs.get("table:formula"))
                      or attrs.get("office:value-type") == "string")
            state["pushed"] += state["pending"]
            state["pending"] = 0
            if valued:
                state["pushed"] += repeat
                state["last_value_end"] = state["pushed"]
            else:
                state["pending"] = repeat
            state["cell"] = tag
            state["cell_repeat"] = repeat
            state["cell_text"] = len(attrs.get("office:string-value", ""))
        elif tag == "text:s" and state["cell"] is not None:
            state["cell_text"] += number(attrs.get("text:c"))
            cell_text_check()

    def cell_text_check() -> None:
        if state["cell_text"] > limits.max_cell_chars:
            raise _refuse("CELL_TOO_LARGE", name, sheet=state["table_name"],
                          limit=limits.max_cell_chars)

    def end(tag: str) -> None:
        table: _OdsTable | None = state["table"]
        if table is None:
            return
        if tag == state["cell"]:
            state["row_text"] += state["cell_text"] * state["cell_repeat"]
            state["cell"] = None
        elif tag == "table:table-row":
            repeat = state["row_repeat"]
            state["sparse"] += state["pushed"]
            state["row_index"] += repeat
            if state["last_value_end"]:
                table.rows = state["row_index"]
                table.columns = max(table.columns, state["last_value_end"])
                table.text += state["row_text"] * repeat
                if table.columns > limits.max_columns:
                    raise refuse_size(table, "TOO_MANY_COLUMNS")
                if table.rows > limits.max_rows:
                    raise refuse_size(table, "TOO_MANY_ROWS")
                if table.rows * table.columns > limits.max_cells:
                    raise _refuse("TOO_MANY_CELLS", name, sheet=state["table_name"],
                                  rows=table.rows, columns=table.columns)
                if 3 * table.text > limits.max_text_bytes:
                    raise _refuse("TEXT_TOO_LARGE", name, sheet=state["table_name"],
                                  limit=_mb(limits.max_text_bytes))
            # calamine keeps the pushed cells of every table (and as many formula strings)
            # until the file is closed.
            if state["sparse"] > limits.max_cells:
                raise _refuse("TOO_MANY_CELLS", name, sheet=state["table_name"],
                              rows=state["row_index"], columns=state["pushed"])
        elif tag == "table:table":
            state["table"] = None

    def text(data: str) -> None:
        if state["cell"] is not None:
            state["cell_text"] += len(data)
            cell_text_check()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _parse_member(parser, package, info, name, check)
    # calamine holds the grids of all tables at once.
    if tables and sum(t.rows * t.columns for t in tables.values()) > limits.max_cells:
        sheet, table = max(tables.items(), key=lambda item: item[1].rows * item[1].columns)
        raise _refuse("TOO_MANY_CELLS", name, sheet=sheet, rows=table.rows, columns=table.columns)
    return tables


# ---------------------------------------------------------------------------------------
# .xls census
# ---------------------------------------------------------------------------------------

# BOF records (BIFF2-8) open a substream: the workbook globals, then one per sheet.
_BIFF_BOF = frozenset({0x0009, 0x0209, 0x0409, 0x0809})
# Records that start with (row u16, column u16): NUMBER, RK, LABELSST, LABEL, BOOLERR,
# FORMULA, RSTRING, BLANK and their BIFF2-4 forms. Blanks are included although they hold
# no value: a bound may be too high, never too low.
_BIFF_CELLS = frozenset({0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0201, 0x0203,
                         0x0204, 0x0205, 0x0206, 0x0406, 0x027E, 0x00FD, 0x00D6})
_BIFF_MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first column ... last column


def _check_xls(data: bytes, name: str, limits: Limits) -> None:
    """The used range of every sheet of an .xls, from record headers, before calamine builds
    (and reserves) a grid for each of them when it opens the file.

    Not a reader: it walks BIFF record headers (type, length) of the Workbook stream, which
    olefile extracts from the compound file, the way calamine walks them: the globals until
    their EOF, where BOUNDSHEET records give the offset of each sheet; then each sheet from
    its offset until its EOF, taking the DIMENSIONS record (calamine reserves that many
    cells) and the row and column fields of cell records. calamine aborts the process when
    an allocation fails, and one damaged byte in such a field is enough to ask for 200 GB.
    """
    try:
        import olefile
    except ImportError as exc:  # a missing dependency must not become a crash later
        raise _refuse("UNREADABLE", name, detail="olefile is not installed") from exc
    try:
        with olefile.OleFileIO(data) as ole:
            stream_name = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream_name is None:
                raise _refuse("NOT_A_SPREADSHEET", name, detail="no Workbook stream")
            stream = ole.openstream(stream_name).read()
    except FileRefused:
        raise
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error...
        raise _refuse("UNREADABLE", name, detail=f"compound file: {exc}") from exc

    def records(position: int) -> Iterator[tuple[int, int, int]]:
        """(type, body offset, body length) from *position* up to and including EOF."""
        while position + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, position)
            yield kind, position + 4, min(length, len(stream) - position - 4)
            if kind == 0x000A:
                return
            position += 4 + length

    offsets: list[int] = []
    sst: list[bytes] = []  # the SST record's body, then its CONTINUE records' bodies
    previous = 0
    for kind, body, length in records(0):
        if kind == 0x0085 and length >= 4:  # BOUNDSHEET: where the sheet's records start
            offsets.append(struct.unpack_from("<I", stream, body)[0])
        elif kind == 0x00FC or (kind == 0x003C and previous in (0x00FC, 0x003C) and sst):
            sst.append(stream[body:body + length])
        previous = kind
    lengths = _sst_lengths(sst)
    total = 0
    text = 0  # bytes of text once every LABELSST cell holds its own copy of its string
    unpack = struct.unpack_from
    cells, multi, size, known = _BIFF_CELLS, _BIFF_MULTI, len(stream), len(lengths)
    for number, offset in enumerate(offsets, start=1):
        rows = columns = 0
        position = offset
        # A plain loop rather than records(): this runs once per cell record.
        while position + 4 <= size:
            kind, length = unpack("<HH", stream, position)
            body = position + 4
            position = body + length
            if kind == 0x00FD:  # LABELSST: row, column, xf, string index
                if length >= 10 and position <= size:
                    row, column, _xf, index = unpack("<HHHI", stream, body)
                    # UTF-16 units become at most 3 UTF-8 bytes; an unknown string counts
                    # as the longest a BIFF string can be
                    text += 3 * (lengths[index] if index < known else 0xFFFF)
                    if row >= rows:
                        rows = row + 1
                    if column >= columns:
                        columns = column + 1
            elif kind in cells:
                if length >= 4 and body + 4 <= size:
                    row, column = unpack("<HH", stream, body)
                    if row >= rows:
                        rows = row + 1
                    if column >= columns:
                        columns = column + 1
            elif kind == 0x000A:  # EOF of this sheet
                break
            elif kind in multi:
                if length >= 6 and position <= size:
                    row, first, last = *unpack("<HH", stream, body), unpack(
                        "<H", stream, position - 2)[0]
                    rows, columns = max(rows, row + 1), max(columns, first + 1, last + 1)
            elif kind == 0x0200 and length >= 8 and position <= size:
                # DIMENSIONS: calamine reserves that many cells, and subtracts in unsigned
                # arithmetic, so "first > last" asks for billions
                if length >= 12:
                    first_row, last_row, first_col, last_col = unpack("<IIHH", stream, body)
                else:
                    first_row, last_row, first_col, last_col = unpack("<HHHH", stream, body)
                rows = max(rows, (last_row - first_row) % 2**32, last_row)
                columns = max(columns, (last_col - first_col) % 2**32, last_col)
        sheet = str(number)
        if columns > limits.max_columns:
            raise _refuse("TOO_MANY_COLUMNS", name, sheet=sheet, columns=columns,
                          limit=limits.max_columns)
        if rows > limits.max_rows:
            raise _refuse("TOO_MANY_ROWS", name, sheet=sheet, rows=rows, limit=limits.max_rows)
        total += rows * columns
        if total > limits.max_cells:
            raise _refuse("TOO_MANY_CELLS", name, sheet=sheet, rows=rows, columns=columns)
        if text > limits.max_text_bytes:
            raise _refuse("TEXT_TOO_LARGE", name, sheet=sheet, limit=_mb(limits.max_text_bytes))


def _sst_lengths(segments: list[bytes]) -> list[int]:
    """Characters of each string of a BIFF8 shared-string table (SST + CONTINUE bodies).

    A string is cch (u16), flags (u8: 1 = two bytes per character, 4 = extended data,
    8 = rich text), [runs u16], [extended size u32], the characters, then the runs and the
    extended data. Characters that cross into the next CONTINUE record start with a fresh
    flags byte there. Walking stops at the first inconsistency: indices past the end then
    count as the longest possible string.
    """
    if not segments or len(segments[0]) < 8:
        return []
    unique = struct.unpack_from("<I", segments[0], 4)[0]
    segments = [segments[0][8:], *segments[1:]]
    lengths: list[int] = []
    seg, pos = 0, 0

    def take(count: int) -> bytes | None:
        nonlocal seg, pos
        out = b""
        while len(out) < count:
            if seg >= len(segments):
                return None
            piece = segments[seg][pos:pos + count - len(out)]
            out += piece
            pos += len(piece)
            if pos >= len(segments[seg]):
                seg, pos = seg + 1, 0
        return out

    while len(lengths) < unique:
        header = take(3)
        if header is None:
            break
        chars, flags = struct.unpack("<HB", header)
        runs = take(2) if flags & 8 else b"\0\0"
        extended = take(4) if flags & 4 else b"\0\0\0\0"
        if runs is None or extended is None:
            break
        wide, left = flags & 1, chars
        while left:
            if seg >= len(segments):
                return lengths
            available = len(segments[seg]) - pos
            if available <= 0:
                seg, pos = seg + 1, 0
                if seg >= len(segments) or not segments[seg]:
                    return lengths
                wide, pos = segments[seg][0] & 1, 1  # the continuation's own flags byte
                continue
            step = min(left, available // (2 if wide else 1))
            if step == 0:
                return lengths
            pos += step * (2 if wide else 1)
            left -= step
            if pos >= len(segments[seg]) and left:
                continue
        skip = 4 * struct.unpack("<H", runs)[0] + struct.unpack("<I", extended)[0]
        if skip and take(skip) is None:
            lengths.append(chars)
            break
        lengths.append(chars)
    return lengths


# ---------------------------------------------------------------------------------------
# Workbooks (calamine behind the checks)
# ---------------------------------------------------------------------------------------


def _small_xml(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str
               ) -> list[tuple[str, dict[str, str]]]:
    """(element name, attributes) of a small XML part such as workbook.xml, in order."""
    if info.file_size > 16 * 1024 * 1024:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename} is {info.file_size} bytes")
    elements: list[tuple[str, dict[str, str]]] = []
    parser = _guarded_parser(name, info.filename)

    parser.StartElementHandler = lambda tag, attrs: elements.append((tag, attrs))
    try:
        parser.Parse(package.read(info), True)
    except _XML_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc
    except _ZIP_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"{info.filename}: {exc}") from exc
    return elements


def _sheet_parts(package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str
                 ) -> dict[str, str]:
    """Sheet name -> worksheet part (lower-case), resolved as calamine resolves it."""
    workbook = members.get("xl/workbook.xml")
    rels = members.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    targets = {attrs.get("Id"): attrs.get("Target", "")
               for tag, attrs in _small_xml(package, rels, name)
               if tag.rpartition(":")[2] == "Relationship"}
    parts = {}
    for tag, attrs in _small_xml(package, workbook, name):
        if tag.rpartition(":")[2] != "sheet":
            continue
        target = targets.get(attrs.get("r:id", attrs.get("relationships:id")))
        if target is None:
            continue
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        parts[attrs.get("name", "")] = target.lower()
    return parts


class _Workbook:
    """A checked workbook: the checks that must precede calamine's open, then calamine."""

    def __init__(self, data: bytes, kind: str, name: str, limits: Limits):
        self.kind, self.name, self.limits = kind, name, limits
        self.package: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.shared = _SharedStrings()
        self.ods_tables: dict[str, _OdsTable] = {}
        self.parts: dict[str, str] = {}
        self.extents: dict[str, _Extent] = {}
        if kind in ("xlsx", "ods"):
            try:
                self.package = zipfile.ZipFile(io.BytesIO(data))
            except _ZIP_ERRORS as exc:
                raise _refuse("UNREADABLE", name, detail=str(exc)) from exc
            self.members = _check_package(self.package, name, limits)
            for key, info in self.members.items():
                if _is_xml_member(key):
                    _check_prolog(self.package, info, name)
            if kind == "xlsx":
                self.shared = _scan_shared_strings(
                    self.package, self.members.get("xl/sharedstrings.xml"), name, limits, None)
            else:
                self._check_ods()
        elif kind == "xls":
            _check_xls(data, name, limits)
        self.book = self._open(data)

    def _check_ods(self) -> None:
        assert self.package is not None
        manifest = self.members.get("meta-inf/manifest.xml")
        if manifest is not None:
            try:
                encrypted = b"encryption-data" in self.package.read(manifest)
            except _ZIP_ERRORS as exc:
                raise _refuse("UNREADABLE", self.name, detail=f"manifest: {exc}") from exc
            if encrypted:
                raise _refuse("ENCRYPTED", self.name)
        content = self.members.get("content.xml")
        if content is None:
            raise _refuse("UNREADABLE", self.name, detail="no content.xml")
        self.ods_tables = _scan_ods(self.package, content, self.name, self.limits, None)

    def _open(self, data: bytes) -> python_calamine.CalamineWorkbook:
        try:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except BaseException as exc:
            failure = self._calamine_failure(exc)
            if failure is exc and isinstance(exc, (OSError, ValueError)):
                failure = _refuse("UNREADABLE", self.name, detail=f"{type(exc).__name__}: {exc}")
            raise failure from exc

    def __enter__(self) -> _Workbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.book.close()
        except python_calamine.CalamineError:
            pass
        if self.package is not None:
            self.package.close()

    def sheet_names(self) -> list[str]:
        return [meta.name for meta in self.book.sheets_metadata
                if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]

    # -- checks before a sheet is loaded ----------------------------------------------

    def _check_before_load(self, sheet: str, check: Callable[[], None] | None) -> None:
        if self.kind != "xlsx":
            return  # .ods and .xls were checked whole before opening
        extent = self._xlsx_extent(sheet, check)
        self._check_size(sheet, extent.rows, extent.columns, extent.rows * extent.columns)
        # When references were not counted, their number times the longest string was
        # already known to fit (see _xlsx_extent).
        if self.shared.longest and extent.refs_counted:
            budget = self.limits.max_text_bytes
            if extent.cells * self.shared.longest > budget:
                lengths = self.shared.lengths
                expanded = sum(count * lengths[index]
                               for index, count in extent.shared_refs.items()
                               if index < len(lengths))
                if expanded > budget:
                    raise _refuse("TEXT_TOO_LARGE", self.name, sheet=sheet,
                                  limit=_mb(budget))

    def _xlsx_extent(self, sheet: str, check: Callable[[], None] | None) -> _Extent:
        if sheet in self.extents:
            return self.extents[sheet]
        assert self.package is not None
        if not self.parts:
            self.parts = _sheet_parts(self.package, self.members, self.name)
        part = self.parts.get(sheet)
        infos = [self.members[part]] if part in self.members else [
            # The sheet could not be located the way calamine locates it: scan every XML
            # part that could be a worksheet and take the largest.
            info for key, info in self.members.items()
            if key.startswith("xl/") and key.endswith(".xml") and key != "xl/sharedstrings.xml"]
        total = _Extent()
        for info in infos:
            # Shared-string references are only counted when the bound "every cell holds the
            # longest string" is too high to accept (cells <= bytes / 15: "<c><v>0</v></c>").
            want_refs = self.shared.longest * (info.file_size // 15) > self.limits.max_text_bytes
            extent = _scan_sheet(self.package, info, self.name, sheet, self.limits, want_refs,
                                 check)
            total.rows = max(total.rows, extent.rows)
            total.columns = max(total.columns, extent.columns)
            total.cells += extent.cells
            total.shared_refs.update(extent.shared_refs)
            total.refs_counted |= extent.refs_counted
        self.extents[sheet] = total
        return total

    def _check_size(self, sheet: str, rows: int, columns: int, cells: int) -> None:
        limits = self.limits
        if columns > limits.max_columns:
            raise _refuse("TOO_MANY_COLUMNS", self.name, sheet=sheet, columns=columns,
                          limit=limits.max_columns)
        if rows > limits.max_rows:
            raise _refuse("TOO_MANY_ROWS", self.name, sheet=sheet, rows=rows,
                          limit=limits.max_rows)
        if cells > limits.max_cells:
            raise _refuse("TOO_MANY_CELLS", self.name, sheet=sheet, rows=rows, columns=columns)

    # -- loading ------------------------------------------------------------------------

    def _load(self, sheet: str, check: Callable[[], None] | None
              ) -> tuple[python_calamine.CalamineSheet, tuple[int, int] | None,
                         tuple[int, int] | None]:
        self._check_before_load(sheet, check)
        try:
            loaded = self.book.get_sheet_by_name(sheet)
            start, end = loaded.start, loaded.end
        except BaseException as exc:
            failure = self._calamine_failure(exc)
            if failure is exc and isinstance(exc, (OSError, ValueError)):
                failure = _refuse("UNREADABLE", self.name, detail=f"{type(exc).__name__}: {exc}")
            raise failure from exc
        if start is not None and end is not None:
            # Checked again on what calamine actually built (the only check for .xls).
            self._check_size(sheet, end[0] + 1, end[1] + 1,
                             (end[0] - start[0] + 1) * (end[1] - start[1] + 1))
        return loaded, start, end

    def extent(self, sheet: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        _loaded, start, end = self._load(sheet, None)
        return start, end

    def read(self, sheet: str, check: Callable[[], None] | None) -> SheetRows:
        loaded, start, end = self._load(sheet, check)
        if start is None or end is None:
            return SheetRows(sheet, [], 0)
        first_row, first_col = start
        pad: list[Cell] = [None] * first_col
        limit = self.limits.max_cell_chars
        blank_to_none = {"": None}.get  # map(get, values, values): "" -> None, else itself
        is_str = str.__instancecheck__
        rows: list[tuple[int, list[Cell]]] = []
        columns = 0
        yielded = 0
        try:
            # python-calamine yields blank rows for the rows above the used range, so the
            # position in the iteration is the 0-based row number.
            for offset, values in enumerate(loaded.iter_rows()):
                yielded = offset + 1
                if check is not None and offset % CHECK_EVERY_ROWS == 0:
                    check()
                size = len(values)
                while size and values[size - 1] == "":
                    size -= 1
                if not size:
                    continue
                if size < len(values):
                    del values[size:]
                cells: list[Cell] = list(map(blank_to_none, values, values))
                kinds = set(map(type, cells))
                if dt.timedelta in kinds:
                    cells = [_duration(v) for v in cells]
                if str in kinds and max(map(len, filter(is_str, cells))) > limit:
                    self._refuse_long_cell(sheet, offset + 1, first_col, cells)
                if first_col:
                    cells = pad + cells
                rows.append((offset + 1, cells))
                if len(cells) > columns:
                    columns = len(cells)
        except FileRefused:
            raise
        except BaseException as exc:
            raise self._calamine_failure(exc) from exc
        if first_row and yielded == end[0] - first_row + 1:
            # A python-calamine that yields only the used range: number from its start.
            rows = [(number + first_row, cells) for number, cells in rows]
        return SheetRows(sheet, rows, columns)

    def _calamine_failure(self, exc: BaseException) -> BaseException:
        """calamine's errors (and Rust panics, which pyo3 raises as a BaseException) mean a
        damaged or hostile file; anything else (Cancelled, KeyboardInterrupt) passes."""
        if isinstance(exc, python_calamine.PasswordError):
            return _refuse("ENCRYPTED", self.name, detail=str(exc))
        if isinstance(exc, python_calamine.CalamineError) or _is_panic(exc):
            return _refuse("UNREADABLE", self.name, detail=f"{type(exc).__name__}: {exc}")
        return exc

    def _refuse_long_cell(self, sheet: str, row: int, first_col: int, cells: list[Cell]) -> None:
        limit = self.limits.max_cell_chars
        for index, value in enumerate(cells):
            if type(value) is str and len(value) > limit:
                raise _refuse("CELL_TOO_LARGE", self.name, msgid=_CELL_TOO_LARGE_AT,
                              sheet=sheet, cell=f"{_column_letters(first_col + index)}{row}",
                              chars=len(value), limit=limit)


def _is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"


def _duration(value: object) -> object:
    """Durations ("[h]:mm" cells) are not a `Cell` type: a time when under a day (what the
    user sees), otherwise the stored number of days, unchanged."""
    if isinstance(value, dt.timedelta):
        if dt.timedelta(0) <= value < dt.timedelta(days=1):
            return (dt.datetime.min + value).time()
        return value.total_seconds() / 86400
    return value


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def _csv_encoding(data: bytes, name: str, suffix: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK).

    Strict UTF-8 is tried first: GBK text is almost never valid UTF-8, while the reverse
    guess would turn every UTF-8 file into mojibake without an error.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            view = memoryview(data)
            for begin in range(0, len(data), _CHUNK):
                decoder.decode(view[begin:begin + _CHUNK])
            decoder.decode(b"", True)
        except UnicodeDecodeError:
            continue
        return encoding
    if suffix not in _TEXT_EXTENSIONS:
        # A ".xlsx" full of undecodable text is not a CSV file with a wrong name.
        raise _refuse("NOT_A_SPREADSHEET", name, detail="text in an unknown encoding")
    raise _refuse("ENCODING", name)


_DELIMITERS = (",", "\t", ";")


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits most sample records into the same number (> 1) of fields.

    Title rows above the header have one field with any delimiter, and a comma inside an
    address in a tab-separated file splits only some rows, so consistency decides, then
    the number of fields; ties go to the comma.
    """
    best, best_score = ",", (False, 0, 0)
    for delimiter in _DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:-1] or \
                list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        counts = Counter(len(r) for r in records[:50] if any(f.strip() for f in r))
        if not counts:
            continue
        width, frequency = counts.most_common(1)[0]
        score = (width > 1, frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, path: Path, limits: Limits, check: Callable[[], None] | None
              ) -> SheetRows:
    name = path.name
    encoding = _csv_encoding(data, name, path.suffix.lower())
    sheet = path.stem
    sample = codecs.getincrementaldecoder(encoding)("replace").decode(data[:65536])
    delimiter = _sniff_delimiter(sample)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    rows: list[tuple[int, list[Cell]]] = []
    columns = 0
    limit = limits.max_cell_chars
    number = 0
    try:
        for number, record in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            if check is not None and number % CHECK_EVERY_ROWS == 0:
                check()
            size = len(record)
            while size and record[size - 1] == "":
                size -= 1
            if not size:
                continue
            if number > limits.max_rows:
                raise _refuse("TOO_MANY_ROWS", name, sheet=sheet, rows=number,
                              limit=limits.max_rows)
            if size > limits.max_columns:
                raise _refuse("TOO_MANY_COLUMNS", name, sheet=sheet, columns=size,
                              limit=limits.max_columns)
            cells: list[Cell] = [v if v else None for v in record[:size]]
            if max(map(len, record)) > limit:
                index = next(i for i, v in enumerate(record) if len(v) > limit)
                raise _refuse("CELL_TOO_LARGE", name, msgid=_CELL_TOO_LARGE_AT, sheet=sheet,
                              cell=f"{_column_letters(index)}{number}",
                              chars=len(record[index]), limit=limit)
            rows.append((number, cells))
            columns = max(columns, size)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _refuse("CELL_TOO_LARGE", name, sheet=sheet, limit=limit,
                          detail=f"record {number + 1}: {exc}") from exc
        raise _refuse("UNREADABLE", name, detail=f"record {number + 1}: {exc}") from exc
    return SheetRows(sheet, rows, columns)
