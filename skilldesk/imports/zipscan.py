"""Checks of zip packages (.xlsx and .ods) before calamine opens them: the central
directory, every XML member's prolog (a guarded expat parser refusing DOCTYPEs), and the
.xlsx scans of worksheet parts and shared strings that bound what loading a sheet builds.
"""

from __future__ import annotations

import functools
import re
import xml.parsers.expat
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from skilldesk.imports.limits import Limits
from skilldesk.imports.refusal import _refuse
from skilldesk.imports.rows import _CHUNK

# What reading a damaged package can raise (zlib.error: corrupt deflate data; RuntimeError:
# an encrypted member; NotImplementedError: an unknown compression method).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
               ValueError, RuntimeError, NotImplementedError)
# What expat raises for malformed XML, or for an encoding declaration it does not know.
_XML_ERRORS = (xml.parsers.expat.ExpatError, LookupError, UnicodeError)


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
# Locating worksheet parts
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
