"""The header row of a catalogue, subsidy-history or class-record file, below its title rows.

Header texts are matched against a table of synonyms after normalising them like a
roster's (``imports.headers.normalise_header``: half-width, no spaces, bracketed hints
such as "（元/人）" dropped); the header is the row among the first 20 that maps the most
columns and has the columns the import needs. (The roster's own guess, with its scores
and remembered layouts, is ``imports/headers.py``.) Pure functions: no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable

from skilldesk.imports.headers import normalise_header


@dataclass(frozen=True)
class Header:
    index: int               # into the rows given
    row_number: int          # the spreadsheet's own row number
    headers: list[str]       # as written in the file
    mapping: dict[int, str]  # column -> field


def synonym_table(*synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """normalised spelling -> field; the first field to list a spelling keeps it."""
    table: dict[str, str] = {}
    for group in synonyms:
        for field, spellings in group.items():
            for spelling in spellings:
                table.setdefault(normalise_header(spelling), field)
    return table


def map_header(table: Mapping[str, str], cells: list,
               prefixes: tuple[str, ...] = ()) -> dict[int, str]:
    """column -> field for one row: exact spellings first, then spellings after one of
    *prefixes* ("学员姓名" for "姓名"); the leftmost column wins a field."""
    found: dict[int, tuple[str, bool]] = {}
    for column, cell in enumerate(cells):
        text = normalise_header(cell)
        if text in table:
            found[column] = (table[text], True)
            continue
        for prefix in prefixes:
            if text.startswith(prefix) and text[len(prefix):] in table:
                found[column] = (table[text[len(prefix):]], False)
                break
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for exact in (True, False):
        for column, (field, is_exact) in found.items():
            if is_exact == exact and field not in taken:
                mapping[column] = field
                taken.add(field)
    return dict(sorted(mapping.items()))


def find_header(rows: list[tuple[int, list]], table: Mapping[str, str],
                is_header: Callable[[set[str]], bool], *, prefixes: tuple[str, ...] = (),
                scan: int = 20) -> Header | None:
    """The row among the first *scan* that maps the most columns among those whose fields
    pass *is_header* (the first of those that tie), or None."""
    best: Header | None = None
    for index, (number, cells) in enumerate(rows[:scan]):
        mapping = map_header(table, cells, prefixes)
        if not is_header(set(mapping.values())):
            continue
        if best is None or len(mapping) > len(best.mapping):
            texts = ["" if c is None else str(c).strip() for c in cells]
            best = Header(index, number, texts, mapping)
    return best
