"""What a read returns (`Cell`, `SheetInfo`, `SheetRows`), and what every reader shares:
how often a caller's `check` runs, the chunk size of streamed reads, and column letters.

Re-exported by `skilldesk.imports.reader`, which is where callers import them from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
