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

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import python_calamine

from skilldesk.imports.csvread import _read_csv
from skilldesk.imports.limits import DEFAULT_LIMITS
from skilldesk.imports.limits import Limits
from skilldesk.imports.odsscan import _OdsTable
from skilldesk.imports.odsscan import _scan_ods
from skilldesk.imports.refusal import _CELL_TOO_LARGE_AT
from skilldesk.imports.refusal import FileRefused
from skilldesk.imports.refusal import _mb
from skilldesk.imports.refusal import _refuse
from skilldesk.imports.rows import CHECK_EVERY_ROWS
from skilldesk.imports.rows import Cell
from skilldesk.imports.rows import SheetInfo
from skilldesk.imports.rows import SheetRows
from skilldesk.imports.rows import _column_letters
from skilldesk.imports.sniff import _sniff
from skilldesk.imports.xlsscan import _check_xls
from skilldesk.imports.zipscan import _ZIP_ERRORS
from skilldesk.imports.zipscan import _check_package
from skilldesk.imports.zipscan import _check_prolog
from skilldesk.imports.zipscan import _Extent
from skilldesk.imports.zipscan import _is_xml_member
from skilldesk.imports.zipscan import _scan_shared_strings
from skilldesk.imports.zipscan import _scan_sheet
from skilldesk.imports.zipscan import _SharedStrings
from skilldesk.imports.zipscan import _sheet_parts

__all__ = [
    "Cell", "DEFAULT_LIMITS", "FileRefused", "Limits", "SheetInfo", "SheetRows",
    "file_kind", "list_sheets", "read_sheet",
]


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
# Reading the file (here, so that it is the one place the file is opened)
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


# ---------------------------------------------------------------------------------------
# Workbooks (calamine behind the checks)
# ---------------------------------------------------------------------------------------


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
