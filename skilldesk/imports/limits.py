"""How much of a file the reader accepts before it refuses it (see `reader.py`).

The figures bound both honest mistakes (a stray value in column XFD) and hostile files
(zip bombs, far-away cells, long texts repeated by reference). Each limit is checked before
the parser allocates what it would cost, where the format allows that; see the module
docstring of `skilldesk.imports.reader` for which check runs when.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    #: Size of the file on disk. Rosters are kilobytes to a few megabytes.
    max_file_bytes: int = 100 * MiB
    #: Sum of the declared uncompressed sizes of all members of an .xlsx/.ods package.
    max_uncompressed_bytes: int = 1024 * MiB
    #: Uncompressed / compressed size of one package member. Real sheet XML compresses
    #: 5-30 times; deflate cannot exceed about 1,030 times, which is what bombs use.
    max_ratio: float = 200.0
    #: The ratio is only checked for members larger than this: tiny members (an empty
    #: sharedStrings.xml) can have any ratio without costing anything.
    ratio_floor_bytes: int = 1 * MiB
    #: Members of one package. An .xlsx has about ten; with pictures a few hundred.
    max_members: int = 10_000
    #: Last row number holding a value (Excel's own maximum is 1,048,576).
    max_rows: int = 1_000_000
    #: Last column holding a value, counted from A (512 = column SR; Excel allows 16,384).
    max_columns: int = 512
    #: Rows x columns of the used range. The spreadsheet parser keeps a dense grid of
    #: 32 bytes per cell, so 16,000,000 cells (1,000,000 rows x 16 columns) is 512 MiB.
    max_cells: int = 16_000_000
    #: Characters in one cell; Excel's own limit.
    max_cell_chars: int = 32_767
    #: Bytes of text all cells of one sheet may hold once shared strings (or .ods repeats)
    #: are copied into every cell that refers to them.
    max_text_bytes: int = 256 * MiB


DEFAULT_LIMITS = Limits()
