"""Reading CSV/TSV text: the encoding (UTF-8, UTF-16 with BOM, GB18030), the delimiter,
and the rows, with the same limits and refusals as the spreadsheet formats.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from skilldesk.imports.limits import Limits
from skilldesk.imports.refusal import _CELL_TOO_LARGE_AT
from skilldesk.imports.refusal import _refuse
from skilldesk.imports.rows import _CHUNK
from skilldesk.imports.rows import CHECK_EVERY_ROWS
from skilldesk.imports.rows import Cell
from skilldesk.imports.rows import SheetRows
from skilldesk.imports.rows import _column_letters

_TEXT_EXTENSIONS = (".csv", ".txt", ".tsv", ".tab", "")


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
