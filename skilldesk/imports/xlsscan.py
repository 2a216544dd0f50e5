"""The .xls census: each sheet's extent and shared-string text from the BIFF record
headers of the Workbook stream, before calamine builds (and reserves) every sheet's grid.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from skilldesk.imports.limits import Limits
from skilldesk.imports.refusal import FileRefused
from skilldesk.imports.refusal import _mb
from skilldesk.imports.refusal import _refuse

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
