"""What the file imports share: reading a file once and choosing its sheet, the size limit,
the file fields of a preview (with the file's SHA-256) and its issues grouped by kind.

Used by the roster (``roster_import``), a class's records (``class_imports``), the
catalogue (``catalogue``) and the subsidy history (``history_import``); each keeps its own
header rules, checks and messages.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from typing import Protocol

from skilldesk.core.roster_rows import RowIssue
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import join
from skilldesk.imports import reader

# Checked rows stay in memory until the user commits (about 6 KB each, with the
# file's cells): this bounds an import at well under 1 GB.
MAX_ROWS = 100_000


class RosterTooLarge(SkilldeskError):
    code = "E_ROSTER_TOO_LARGE"
    default_msgid = N_("The sheet “{sheet}” has {rows} rows; one import takes at most {limit} "
                       "rows, so that checking it fits in memory. Split the roster into "
                       "several files and import them one after another.")


class NoHeaderFound(SkilldeskError):
    """No row among the first 20 has the columns an import needs (``needed``)."""

    code = "E_NO_HEADER"
    default_msgid = N_("No header row with {needed} was found in the first 20 rows of sheet "
                       "“{sheet}”. Check that you chose the right file and sheet.")


#: Chooses among all the sheets read (name -> rows) the one to import; None: the first.
SheetChoice = Callable[[dict[str, reader.SheetRows]], "str | None"]


def read_sheet(path: Path, sheet: str | None, choose: SheetChoice, *,
               check: Callable[[], None] | None = None, limit: int = MAX_ROWS,
               too_large: type[SkilldeskError] = RosterTooLarge
               ) -> tuple[list[str], reader.SheetRows]:
    """The sheet names and the rows of the sheet to import, opening the file once: the
    sheet named *sheet* (``NotFound`` if there is none), else the only one, else the one
    *choose* prefers. A sheet of more than *limit* rows is refused (*too_large*)."""
    with reader.open_book(path) as book:
        sheets = book.sheet_names()
        if sheet is not None:
            if sheet not in sheets:
                raise NotFound(N_("The file has no sheet named “{sheet}”. "
                                  "Its sheets: {names}."), sheet=sheet, names=join(sheets))
            data = book.read(sheet, check)
        elif len(sheets) == 1:
            data = book.read(sheets[0], check)
        else:
            read = {name: book.read(name, check) for name in sheets}
            data = read[choose(read) or sheets[0]]
    if len(data.rows) > limit:
        raise too_large(sheet=data.name, rows=len(data.rows), limit=limit)
    return sheets, data


class _Header(Protocol):
    row_number: int
    headers: list[str]
    mapping: dict[int, str]


def most_columns(find_header: Callable[[list], _Header | None]) -> SheetChoice:
    """A *choose* for ``read_sheet``: the sheet whose header row (``find_header(rows)``)
    maps the most columns; the first of those that tie."""
    def choose(read: dict[str, reader.SheetRows]) -> str | None:
        best, most = None, -2
        for name, data in read.items():
            header = find_header(data.rows)
            columns = len(header.mapping) if header else -1
            if columns > most:
                best, most = name, columns
        return best
    return choose


def sha256_of(path: Path) -> str:
    """The file's SHA-256 (hex), read in blocks of 1 MiB."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class FilePreview:
    """The fields every import's preview starts with. Subclasses add ``rows`` (each with
    its ``issues``) and ``file_issues`` (about the file as a whole, row 0)."""

    path: Path
    file_sha256: str
    sheet: str
    sheets: list[str]
    header_row: int            # the spreadsheet's own row number of the header
    headers: list[str]         # as written in the file
    mapping: dict[int, str]    # column -> field

    def issues(self, severity: str) -> list[RowIssue]:
        found = [i for i in self.file_issues if i.severity == severity]
        for row in self.rows:
            found += [i for i in row.issues if i.severity == severity]
        return sorted(found, key=lambda i: i.row)

    def grouped(self, severity: str = "error") -> list[tuple[str, str, int, list[int]]]:
        """(code, a sample message, count, spreadsheet rows) per kind, commonest first."""
        groups: dict[str, list[RowIssue]] = defaultdict(list)
        for issue in self.issues(severity):
            groups[issue.code].append(issue)
        return sorted(((code, items[0].message(), len(items), sorted({i.row for i in items}))
                       for code, items in groups.items()), key=lambda g: -g[2])


def file_fields(path: Path, sheets: list[str], data: reader.SheetRows, header: _Header) -> dict:
    """The ``FilePreview`` fields of a file read with ``read_sheet`` and its header row
    (``row_number``, ``headers``, ``mapping``); the file's SHA-256 is computed here."""
    return {"path": path, "file_sha256": sha256_of(path), "sheet": data.name,
            "sheets": sheets, "header_row": header.row_number, "headers": list(header.headers),
            "mapping": dict(header.mapping)}
