"""Write rows of plain values to .xlsx (xlsxwriter) or .csv (the csv module).

Both writers stream: rows may be a generator over 100,000 records and are
never held in memory together (xlsxwriter runs in ``constant_memory`` mode).
Both write to a temporary file beside the target and ``os.replace`` it into
place only when everything succeeded, so a failure or a cancel (``check()``
raising, normally ``skilldesk.errors.Cancelled``) never leaves a half-written
file under the final name, and an existing file there is left untouched.

Column kinds
    ``text``       always a string cell (ID numbers, phones, bank accounts keep
                   every digit and leading zero; Excel can't make 3.2E+17 of them).
    ``date``       ``date``/``datetime``/ISO string -> a real Excel date shown
                   ``yyyy-mm-dd``; CSV gets ``YYYY-MM-DD``.
    ``integer``    ``int`` (or a string of ASCII digits) -> a number.
    ``money_fen``  integer fen -> yuan with 2 decimals; CSV text is built from
                   the integer with ``divmod`` so no float rounding can creep in.
A ``None`` or ``""`` value, or a missing key, is an empty cell. A string in a
date/integer/money column that doesn't parse is written as text rather than
dropped, so the export stays faithful to what is stored.

Formula injection (OWASP "CSV Injection")
    CSV has no cell types: Excel evaluates any field that starts with
    ``= + - @`` (also after leading spaces), TAB or CR. So every *text* field
    in a CSV goes through ``neutralise_formula``, which prefixes an apostrophe.
    That changes the data (``+86 139...`` becomes ``'+86 139...``), and it is
    the price of opening a CSV safely; readers of our CSV can drop one leading
    apostrophe from a text field that starts with ``'`` followed by one of those
    characters.

    In .xlsx the original text is written unchanged, because an xlsx string
    cell (``t="inlineStr"``, written with ``write_string``) is data, not a
    formula: a formula exists only as an ``<f>`` element, which we never write,
    so Excel displays ``=HYPERLINK(...)`` literally and never evaluates it.
    Prefixing an apostrophe there would show it in the cell and corrupt the
    value for every program that reads the file. Two guards cover the one way
    such text could still become a formula, a person editing the cell
    (F2, Enter) in Excel: every text cell has the Text number format ``@``, and
    cells that look like formulas also carry Excel's hidden quote prefix
    (``quotePrefix``, the invisible form of a typed apostrophe).
    Numbers and dates are never neutralised: we render them ourselves from
    typed values, so they can't carry a formula (``-12.50`` must stay a number).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

KINDS = ("text", "date", "integer", "money_fen")

# How often the caller's check() runs. Often enough that Cancel feels instant
# (1,000 rows take milliseconds), rarely enough to cost nothing.
CHECK_EVERY = 1000

# Excel's hard limits. xlsxwriter silently ignores a row past the last one and
# silently truncates a long string; both would lose data without a word, so we
# refuse instead (module attributes so tests can lower them).
EXCEL_MAX_ROW = 1_048_575  # zero-based index of row 1,048,576
EXCEL_MAX_CHARS = 32_767

# Excel shows 15 significant digits; a bigger integer would be silently altered
# as a number, so it is written as text instead.
_EXACT_NUMBER_LIMIT = 10**15

_FORMULA_CHARS = frozenset("=+-@")
_INTEGER_TEXT = re.compile(r"-?[0-9]+")  # str.isdigit/int() also accept full-width digits

_MIN_WIDTH = 6.0
_MAX_WIDTH = 60.0
_PADDING = 2.0


@dataclass(frozen=True)
class Column:
    key: str  # field in each row dict
    title: str  # header text, already translated by the caller (e.g. "证件号码")
    kind: str = "text"  # one of KINDS
    width: float | None = None  # Excel character units; None = fit the content

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.key!r}")


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe if Excel would read ``text`` as a formula in a CSV.

    Rule (OWASP CSV Injection): a field starting with ``= + - @``, possibly
    after leading whitespace, or starting with TAB or CR. Idempotent, since
    the result starts with ``'``.
    """
    if _looks_like_formula(text):
        return "'" + text
    return text


def _looks_like_formula(text: str) -> bool:
    if not text:
        return False
    if text[0] in "\t\r":
        return True
    return text.lstrip()[:1] in _FORMULA_CHARS


def format_fen(fen: int) -> str:
    """Integer fen as a yuan string with two decimals, exactly: -1999 -> "-19.99"."""
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan}.{cents:02d}"


def display_width(text: str) -> float:
    """Approximate Excel column width of ``text``: CJK and full-width count double."""
    if text.isascii():
        return float(max(len(line) for line in text.split("\n")))
    widest = 0
    for line in text.split("\n"):
        width = 0
        for ch in line:
            width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        widest = max(widest, width)
    return float(widest)


# --- values -----------------------------------------------------------------
# Each kind converts a stored value into a typed value or a fallback string.
# Returns None for an empty cell.


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None


def _as_date(column: Column, value: Any) -> dt.date | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            return value  # e.g. a partial date "2024-05": keep it as text
    raise TypeError(f"column {column.key!r}: a date cannot be {type(value).__name__}")


def _as_int(column: Column, value: Any) -> int | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # bool is an int subclass; True is not 1 here
        raise TypeError(f"column {column.key!r}: a number cannot be bool")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value) if _INTEGER_TEXT.fullmatch(value) else value
    # A float fen would already carry rounding error; refuse rather than guess.
    raise TypeError(f"column {column.key!r}: expected int, not {type(value).__name__}")


# --- temp file then replace -------------------------------------------------


@contextlib.contextmanager
def _replace_on_success(path: Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; move it into place only on success.

    Same folder so ``os.replace`` is an atomic rename on the same volume.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        # BaseException: a KeyboardInterrupt must not leave the part file either.
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _check_columns(columns: list[Column]) -> None:
    if not columns:
        raise ValueError("an export needs at least one column")
    if any(not isinstance(c, Column) for c in columns):
        raise TypeError("columns must be Column instances")


# --- XLSX -------------------------------------------------------------------


@dataclass(frozen=True)
class _Formats:
    title: Any
    header: Any
    text: Any
    text_guarded: Any
    date: Any
    integer: Any
    money: Any


def _make_formats(workbook: Workbook) -> _Formats:
    return _Formats(
        title=workbook.add_format({"bold": True, "font_size": 14, "align": "center",
                                   "valign": "vcenter"}),
        header=workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                    "align": "center", "valign": "vcenter",
                                    "num_format": "@"}),
        text=workbook.add_format({"num_format": "@"}),
        text_guarded=workbook.add_format({"num_format": "@", "quote_prefix": True}),
        date=workbook.add_format({"num_format": "yyyy-mm-dd"}),
        integer=workbook.add_format({"num_format": "0"}),
        money=workbook.add_format({"num_format": "#,##0.00"}),
    )


_CellWriter = Callable[[Worksheet, int, int, Any], float]


def _xlsx_writer(column: Column, f: _Formats) -> _CellWriter:
    """A function that writes one value of ``column`` and returns its width."""

    def text(ws: Worksheet, r: int, c: int, value: Any) -> float:
        s = _as_text(value)
        if s is None:
            return 0.0
        if len(s) > EXCEL_MAX_CHARS:
            # Never say the value: logs must not contain personal data.
            raise ValueError(f"column {column.key!r}: text longer than Excel's "
                             f"{EXCEL_MAX_CHARS}-character cell limit")
        if "\ufffe" in s or "\uffff" in s:
            # Unicode non-characters XML cannot carry: xlsxwriter escapes them as
            # _xFFFE_ and readers show that literally, so write the replacement mark
            s = s.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")
        ws.write_string(r, c, s, f.text_guarded if _looks_like_formula(s) else f.text)
        return display_width(s)

    def date(ws: Worksheet, r: int, c: int, value: Any) -> float:
        d = _as_date(column, value)
        # Excel's calendar starts in 1900; an earlier (bad) date would show as
        # #### or a wrong day, so it is kept as its ISO text instead.
        if isinstance(d, dt.date) and d.year >= 1900:
            ws.write_datetime(r, c, d, f.date)
            return 10.0
        return text(ws, r, c, d.isoformat() if isinstance(d, dt.date) else d)

    def integer(ws: Worksheet, r: int, c: int, value: Any) -> float:
        n = _as_int(column, value)
        if not isinstance(n, int):
            return text(ws, r, c, n)
        if abs(n) >= _EXACT_NUMBER_LIMIT:
            return text(ws, r, c, str(n))
        ws.write_number(r, c, n, f.integer)
        return float(len(str(n)))

    def money(ws: Worksheet, r: int, c: int, value: Any) -> float:
        fen = _as_int(column, value)
        if not isinstance(fen, int):
            return text(ws, r, c, fen)
        shown = format_fen(fen)
        if abs(fen) >= _EXACT_NUMBER_LIMIT:
            return text(ws, r, c, shown)
        # int / int is correctly rounded, so 1999 / 100 is the double nearest
        # 19.99, the same number Excel stores when someone types 19.99.
        ws.write_number(r, c, fen / 100, f.money)
        return float(len(shown) + len(shown) // 4)  # room for thousands separators

    return {"text": text, "date": date, "integer": integer, "money_fen": money}[column.kind]


def _column_width(column: Column, content: float) -> float:
    if column.width is not None:
        return column.width
    return min(max(content + _PADDING, _MIN_WIDTH), _MAX_WIDTH)


def _discard(workbook: Workbook) -> None:
    """Release a workbook abandoned before close().

    In constant_memory mode each worksheet keeps its rows in an open temp
    file (personal data). xlsxwriter only closes it in close(), which would
    first build the whole xlsx; its per-sheet _opt_close() just closes the
    handle, so the scratch folder can be deleted (Windows refuses to delete
    an open file). Private API, hence the defensive getattr.
    """
    for sheet in workbook.worksheets():
        close = getattr(sheet, "_opt_close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()
    workbook.fileclosed = True


def write_xlsx(
    path: str | os.PathLike[str],
    columns: list[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    sheet_name: str = "花名册",
    title: str | None = None,
    check: Callable[[], None] | None = None,
) -> int:
    """Write ``rows`` to an .xlsx file at ``path``; return the number of data rows.

    Optional ``title`` is a bold merged row above the header; the header is
    bold on a light fill, with panes frozen below it and an autofilter.
    ``check()`` runs before the first row, every ``CHECK_EVERY`` rows and once
    more before the file is moved into place; whatever it raises aborts the
    export with no file left behind.
    """
    columns = list(columns)
    _check_columns(columns)
    target = Path(os.fspath(path))
    # Our own scratch folder for xlsxwriter's row files, removed in every case,
    # so no temp file with names and ID numbers outlives the export.
    with tempfile.TemporaryDirectory(prefix="skilldesk-export-",
                                     ignore_cleanup_errors=True) as scratch, \
            _replace_on_success(target) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True,
            "tmpdir": scratch,
            # We only call write_string/number/datetime, which never convert;
            # these make sure no helper (merge_range) converts either.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        })
        try:
            count = _fill_sheet(workbook, columns, rows, sheet_name, title, check)
            workbook.close()
        except BaseException:
            _discard(workbook)
            raise
        if check is not None:
            check()  # closing 100k rows takes a moment; honour a cancel made meanwhile
    return count


def _fill_sheet(
    workbook: Workbook,
    columns: list[Column],
    rows: Iterable[Mapping[str, Any]],
    sheet_name: str,
    title: str | None,
    check: Callable[[], None] | None,
) -> int:
    ws = workbook.add_worksheet(sheet_name)
    f = _make_formats(workbook)
    last_col = len(columns) - 1

    # constant_memory flushes a row as soon as a later row is written, so
    # everything is written strictly top to bottom, left to right.
    row = 0
    if title:
        ws.set_row(0, 26)
        if last_col > 0:
            ws.merge_range(0, 0, 0, last_col, "", f.title)
        ws.write_string(0, 0, title, f.title)
        row = 1
    header_row = row
    ws.set_row(header_row, 20)
    for c, column in enumerate(columns):
        ws.write_string(header_row, c, column.title, f.header)
    ws.freeze_panes(header_row + 1, 0)

    widths = [display_width(column.title) for column in columns]
    writers = list(enumerate(zip(columns, (_xlsx_writer(col, f) for col in columns))))
    first = header_row + 1
    count = 0
    for record in rows:
        if check is not None and count % CHECK_EVERY == 0:
            check()
        r = first + count
        if r > EXCEL_MAX_ROW:
            raise ValueError(f"more rows than an Excel sheet holds "
                             f"({EXCEL_MAX_ROW + 1 - first} data rows)")
        get = record.get
        for c, (column, write) in writers:
            width = write(ws, r, c, get(column.key))
            if width > widths[c]:
                widths[c] = width
        count += 1

    # Column widths and formats are stored apart from the rows, so they can be
    # set now that every value has been measured.
    for c, column in enumerate(columns):
        fmt = f.text if column.kind == "text" else None
        ws.set_column(c, c, _column_width(column, widths[c]), fmt)
    ws.autofilter(header_row, 0, header_row + count, last_col)
    return count


# --- CSV --------------------------------------------------------------------


def _csv_cell(column: Column) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        s = _as_text(value)
        return "" if s is None else neutralise_formula(s)

    def date(value: Any) -> str:
        d = _as_date(column, value)
        return d.isoformat() if isinstance(d, dt.date) else text(d)

    def integer(value: Any) -> str:
        n = _as_int(column, value)
        return str(n) if isinstance(n, int) else text(n)

    def money(value: Any) -> str:
        fen = _as_int(column, value)
        return format_fen(fen) if isinstance(fen, int) else text(fen)

    return {"text": text, "date": date, "integer": integer, "money_fen": money}[column.kind]


def write_csv(
    path: str | os.PathLike[str],
    columns: list[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    check: Callable[[], None] | None = None,
) -> int:
    """Write ``rows`` to a CSV file at ``path``; return the number of data rows.

    UTF-8 with a BOM (without it Excel on Chinese Windows reads the file as
    GBK and shows mojibake), CRLF line ends, the header row first, fields
    quoted only when needed. Every text field is neutralised against formula
    injection. ``check()`` runs as in ``write_xlsx``.
    """
    columns = list(columns)
    _check_columns(columns)
    target = Path(os.fspath(path))
    cells = [(column.key, _csv_cell(column)) for column in columns]
    count = 0
    with _replace_on_success(target) as tmp:
        # newline="" hands line ends to the csv module (CRLF), and keeps a
        # newline inside a quoted field exactly as stored.
        with open(tmp, "x", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh, lineterminator="\r\n")
            out.writerow([neutralise_formula(column.title) for column in columns])
            for record in rows:
                if check is not None and count % CHECK_EVERY == 0:
                    check()
                get = record.get
                out.writerow([cell(get(key)) for key, cell in cells])
                count += 1
        if check is not None:
            check()
    return count
