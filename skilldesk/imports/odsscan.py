"""The .ods scan: table sizes in content.xml computed the way calamine expands repeated
rows and columns, before calamine loads every table when it opens the file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from skilldesk.imports.limits import Limits
from skilldesk.imports.refusal import FileRefused
from skilldesk.imports.refusal import _mb
from skilldesk.imports.refusal import _refuse
from skilldesk.imports.zipscan import _guarded_parser
from skilldesk.imports.zipscan import _parse_member

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
