"""Checking the rows of a catalogue file: pure functions, no database.

Every problem is a ``RowIssue`` (the roster importer's) with the spreadsheet's own row
number and the column header as written in the file. A row with neither code, level nor
amount (a section heading, a note under the table) is skipped with a warning, never
silently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from skilldesk.core import catalogue_fields as cf
from skilldesk.core.roster_rows import RowIssue
from skilldesk.core.roster_rows import cell_text
from skilldesk.i18n import N_
from skilldesk.i18n import join
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.identifiers import check_occupation_code

MAX_NAME = 100


@dataclass(slots=True)
class CatalogueRow:
    row: int                    # the spreadsheet's row number
    cells: list
    issues: list[RowIssue] = field(default_factory=list)
    status: str = "valid"       # valid | invalid | ignored
    item: CatalogueItem | None = None   # what the row will store (None: ignored)
    item_kind: str = "occupation"

    @property
    def valid(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


@dataclass(frozen=True)
class AmountRange:
    """The amounts the rule set allows for one level, in fen, with its clause."""

    min_fen: int
    max_fen: int
    source: str
    rule_set: str


def ranges_from(rule_set_id: str, subsidy: dict) -> dict[str, AmountRange]:
    """Amount ranges by level from a rule set's ``[subsidy]`` table (where it gives one)."""
    ranges = {}
    table = subsidy.get("training_certificate") or {}
    if "min" in table and "max" in table:
        ranges["certificate"] = AmountRange(
            int(Decimal(str(table["min"])) * 100), int(Decimal(str(table["max"])) * 100),
            str(table.get("source", "")), rule_set_id)
    return ranges


def yuan(fen: int) -> str:
    """Fen as a yuan figure for messages: 120000 → "1200", 12050 → "120.50"."""
    whole, cents = divmod(fen, 100)
    return f"{whole}" if not cents else f"{whole}.{cents:02d}"


class RowChecker:
    """Validates catalogue rows against one header mapping and the rule set's ranges."""

    def __init__(self, headers: list[str], mapping: dict[int, str],
                 ranges: dict[str, AmountRange]) -> None:
        self.headers = headers
        self.columns = sorted(mapping.items())
        self.column_of = {f: c for c, f in mapping.items()}
        self.ranges = ranges

    def header(self, fieldname: str) -> str:
        column = self.column_of.get(fieldname)
        return self.headers[column] if column is not None and column < len(self.headers) else ""

    def issue(self, row: CatalogueRow, fieldname: str, code: str, msgid: str,
              severity: str = "error", /, **params: object) -> None:
        row.issues.append(RowIssue(row.row, self.header(fieldname), fieldname, code, msgid,
                                   params, severity))

    def check(self, number: int, cells: list) -> CatalogueRow | None:
        """The checked row, or None for a row with nothing in its mapped cells."""
        present: dict[str, object] = {}
        for column, fieldname in self.columns:
            cell = cells[column] if column < len(cells) else None
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            present[fieldname] = cell
        serial = present.pop("seq_no", None)
        row = CatalogueRow(number, cells)
        if not present and not (isinstance(serial, str) and not serial.strip().isdigit()):
            return None  # blank, or only a number in the 序号 column
        if not present.keys() & {"code", "level", "amount"}:
            row.status = "ignored"
            self.issue(row, "", "ROW_SKIPPED", N_(
                "Row {row} has no occupation code, level or amount, so it was skipped "
                "(a heading or a note?). If it is an item, fill in those columns."),
                "warning", row=number)
            return row
        self._check(row, present)
        return row

    def _check(self, row: CatalogueRow, present: dict[str, object]) -> None:
        level = self._level(row, present.get("level"))
        name = cell_text(present.get("name"))[:MAX_NAME]
        work_type = cell_text(present.get("work_type"))[:MAX_NAME]
        code = self._code(row, present.get("code"), level)
        if not name:
            if level in ("special", "certificate"):
                self.issue(row, "name", "NAME_MISSING", N_(
                    "A special-ability or training-certificate item needs its project name "
                    "(项目名称): it has no occupation code to find it by."))
            else:
                self.issue(row, "name", "NAME_MISSING", N_(
                    "The occupation name is empty: the item is stored under its code only."),
                    "warning")
        category = cf.parse_category(present.get("category"))
        if category is None:
            self.issue(row, "category", "CATEGORY_INVALID", N_(
                "“{value}” is not a category: write A, B or C (or leave it empty)."),
                value=cell_text(present.get("category")))
        fen = self._amount(row, present.get("amount"), level)
        shortage = cf.parse_shortage(present.get("shortage"))
        if shortage is None:
            self.issue(row, "shortage", "SHORTAGE_INVALID", N_(
                "“{value}” does not say whether the occupation is on the shortage list: "
                "write 是 or 否 (√ or empty also work)."), value=cell_text(present.get("shortage")))
        hours = 0
        if "min_hours" in present:
            parsed = cf.parse_hours(present["min_hours"])
            if parsed is None:
                self.issue(row, "min_hours", "HOURS_INVALID", N_(
                    "“{value}” is not a number of class hours (课时): write a whole number "
                    "such as 40."), value=cell_text(present["min_hours"]))
            else:
                hours = parsed
        if not row.valid:
            row.status = "invalid"
            return
        row.item_kind = cf.item_kind(level)
        row.item = CatalogueItem(
            occupation_code=code, occupation_name=name, work_type=work_type, level=level,
            category=category, standard_fen=fen, shortage=bool(shortage), min_hours=hours)

    def _level(self, row: CatalogueRow, cell: object) -> str:
        if cell is None:
            self.issue(row, "level", "LEVEL_MISSING", N_(
                "The level (等级) is empty: write 五级/初级工 … 一级/高级技师, 专项 or 合格证."))
            return ""
        level = cf.parse_level(cell)
        if level is None:
            self.issue(row, "level", "LEVEL_UNKNOWN", N_(
                "“{value}” is not a level SkillDesk knows: write 五级/初级工, 四级/中级工, "
                "三级/高级工, 二级/技师, 一级/高级技师, 专项 or 合格证."), value=cell_text(cell))
            return ""
        return level

    def _code(self, row: CatalogueRow, cell: object, level: str) -> str:
        if cell is None:
            if level in ("special", "certificate"):
                return ""
            self.issue(row, "code", "CODE_MISSING", N_(
                "The occupation code (职业编码) is empty: copy it from the bureau's catalogue "
                "in the form 6-18-01-01."))
            return ""
        result = check_occupation_code(cell_text(cell))
        if isinstance(result, IdentifierProblem):
            self.issue(row, "code", result.code, result.msgid, result.severity, **result.params)
            return ""
        return result

    def _amount(self, row: CatalogueRow, cell: object, level: str) -> int:
        if cell is None:
            self.issue(row, "amount", "AMOUNT_MISSING", N_(
                "The subsidy amount is empty: write the amount in yuan per trainee, "
                "e.g. 1000."))
            return 0
        value = cf.parse_amount(cell)
        fen = None if value is None else cf.to_fen(value)
        if value is None or fen is None:
            self.issue(row, "amount", "AMOUNT_INVALID", N_(
                "“{value}” is not an amount in yuan: write a number such as 1000 or 1,200 "
                "(at most two decimals)."), value=cell_text(cell))
            return 0
        if fen < 0:
            self.issue(row, "amount", "AMOUNT_NEGATIVE", N_(
                "The amount {value} is negative: write the subsidy in yuan per trainee."),
                value=cell_text(cell))
            return 0
        bounds = self.ranges.get(level)
        if bounds is not None and not bounds.min_fen <= fen <= bounds.max_fen:
            self.issue(row, "amount", "AMOUNT_OUT_OF_RANGE", N_(
                "{amount} yuan is outside {low}–{high} yuan, the range rule set {rule_set} "
                "allows for this item ({source}). Check the amount against the bureau's "
                "catalogue."), amount=yuan(fen), low=yuan(bounds.min_fen),
                high=yuan(bounds.max_fen), rule_set=bounds.rule_set, source=bounds.source)
        return fen


def item_key(item: CatalogueItem) -> tuple[str, str, str, str]:
    """What makes an item one item: code (or, without a code, the name), 工种, level."""
    return (item.occupation_code, "" if item.occupation_code else item.occupation_name,
            item.work_type, item.level)


def mark_duplicates(checker: RowChecker, rows: list[CatalogueRow]) -> None:
    """The same item on two or more rows: an error on each of them."""
    by_key: dict[tuple, list[CatalogueRow]] = defaultdict(list)
    for row in rows:
        if row.item is not None:
            by_key[item_key(row.item)].append(row)
    for same in by_key.values():
        if len(same) < 2:
            continue
        for row in same:
            others = [r.row for r in same if r is not row]
            checker.issue(row, "code" if row.item.occupation_code else "name",
                          "DUPLICATE_IN_FILE", N_(
                              "The same occupation, work type and level is also on row "
                              "{others}: keep one row per item."), others=join(others))
            row.status = "invalid"
            row.item = None
