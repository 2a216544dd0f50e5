"""One row of the bureau's list of subsidies received: its cells, its person, and whether it
is already recorded. No database: ``history_import`` hands in what it looked up.

What a checked row will store is in ``row.values``: kind, training_type, occupation (the
code, or the name when there is no code), level, amount_fen, granted_on (ISO text) and,
once matched, person_id.
"""

from __future__ import annotations

import datetime as dt

from skilldesk.core import catalogue_fields as cf
from skilldesk.core.class_import_rows import ImportRow
from skilldesk.core.class_import_rows import RowContext
from skilldesk.core.history_fields import entrepreneurship_type
from skilldesk.core.history_fields import parse_kind
from skilldesk.core.roster_rows import _raw_id_text
from skilldesk.core.roster_rows import cell_text
from skilldesk.i18n import N_
from skilldesk.rules import identifiers
from skilldesk.rules import values
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.subsidy import ENTREPRENEURSHIP
from skilldesk.rules.subsidy import LEVEL_RANK

MAX_NAME = 100


def check_cells(context: RowContext, row: ImportRow, today: dt.date) -> None:
    """Read every cell of the row into ``row.values``, with an issue for each problem.
    An empty cell of a column the file does not have is not reported on every row (the
    preview warns once about the missing column); the date is needed all the same."""
    present = row.present
    if "id_number" not in present:
        context.issue(row, "id_number", "ID_MISSING", N_(
            "The row has no ID number. Subsidy records are matched to people by ID number "
            "only: fill it in."))
    else:
        raw = _raw_id_text(present["id_number"][1])
        row.values["id_raw"] = identifiers.normalize_id_number(raw)
        row.values["id_checked"] = identifiers.check_id_number(raw, today=today)
    kind = _kind(context, row)
    _level(context, row, kind)
    _occupation(context, row, kind)
    _amount(context, row)
    _date(context, row, today)


def _kind(context: RowContext, row: ImportRow) -> str | None:
    present = row.present
    cell = present.get("kind", (None, None))[1]
    extra = present.get("training_kind", (None, None))[1]
    parsed = parse_kind(cell) if cell is not None else None
    if parsed is None and cell is None and extra is not None:
        parsed, cell, extra = parse_kind(extra), extra, None
        fieldname = "training_kind"
    else:
        fieldname = "kind"
    if parsed is None:
        if cell is None:
            context.issue(row, fieldname, "KIND_MISSING", N_(
                "The subsidy type (补贴类型) is empty: write 职业培训补贴, 技能提升补贴 or "
                "创业培训补贴 (GYB, SYB, IYB, 网络创业)."))
        else:
            context.issue(row, fieldname, "KIND_UNKNOWN", N_(
                "“{value}” is not a subsidy type SkillDesk counts: write 职业培训补贴, "
                "技能提升补贴 (参保职工技能提升补贴), 创业培训补贴 (GYB, SYB, IYB, 网络创业) or "
                "岗前培训补贴."), value=cell_text(cell)[:40])
        return None
    kind, training_type = parsed
    if extra is not None and not training_type:
        if kind == ENTREPRENEURSHIP:
            training_type = entrepreneurship_type(extra)
        else:
            more = parse_kind(extra)
            training_type = more[1] if more and more[0] == kind else ""
    if kind == ENTREPRENEURSHIP and not training_type:
        training_type = entrepreneurship_type(present.get("occupation_name", (None, ""))[1])
        if not training_type:
            context.issue(row, fieldname, "ENTREPRENEURSHIP_TYPE_MISSING", N_(
                "The row does not say which entrepreneurship training it was (GYB, SYB, IYB or "
                "网络创业): it counts toward the three training subsidies, but not toward "
                "“each kind once”. Add the kind to the subsidy type if the list gives it."),
                "warning")
    row.values.update(kind=kind, training_type=training_type)
    return kind


def _level(context: RowContext, row: ImportRow, kind: str | None) -> None:
    level = ""
    if "level" in row.present:
        cell = row.present["level"][1]
        level = cf.parse_level(cell) or ""
        if not level and kind != ENTREPRENEURSHIP:
            context.issue(row, "level", "LEVEL_UNKNOWN", N_(
                "“{value}” is not a level: write 五级 to 一级 (初级工, 中级工, 高级工, 技师, "
                "高级技师), 专项 or 合格证."), value=cell_text(cell)[:40])
    elif kind is not None and kind != ENTREPRENEURSHIP and "level" in context.column_of:
        context.issue(row, "level", "LEVEL_MISSING", N_(
            "The level is empty: the record counts toward the number of subsidies, but cannot "
            "stop a second subsidy for the same occupation and level. Add the level (等级)."),
            "warning")
    row.values["level"] = level


def _occupation(context: RowContext, row: ImportRow, kind: str | None) -> None:
    name = context.text(row, "occupation_name")[:MAX_NAME]
    occupation = ""
    if "occupation_code" in row.present:
        checked = identifiers.check_occupation_code(
            cell_text(row.present["occupation_code"][1]))
        if isinstance(checked, IdentifierProblem):
            context.problem(row, "occupation_code", checked)
        else:
            occupation = checked
    elif name:
        occupation = name
        if kind is not None and kind != ENTREPRENEURSHIP and \
                row.values.get("level") in LEVEL_RANK:
            context.issue(row, "occupation_code", "OCCUPATION_CODE_MISSING", N_(
                "The occupation code (职业编码) is empty, so the record is kept under the name "
                "“{name}” and only counts for classes without a code of exactly that name. "
                "Add the code if the list gives it."), "warning", name=name)
    elif kind is not None and kind != ENTREPRENEURSHIP and \
            context.column_of.keys() & {"occupation_code", "occupation_name"}:
        context.issue(row, "occupation_code", "OCCUPATION_MISSING", N_(
            "The row has no occupation code or name: the record counts toward the number of "
            "subsidies, but cannot stop a second subsidy for the same occupation and level."),
            "warning")
    row.values["occupation"] = occupation


def _amount(context: RowContext, row: ImportRow) -> None:
    row.values["amount_fen"] = 0
    if "amount" not in row.present:
        if "amount" in context.column_of:
            context.issue(row, "amount", "AMOUNT_MISSING", N_(
                "The amount is empty: the record is stored with 0 yuan and still counts toward "
                "the caps."), "warning")
        return
    cell = row.present["amount"][1]
    yuan = cf.parse_amount(cell)
    if yuan is None or yuan < 0:
        context.issue(row, "amount", "AMOUNT_INVALID", N_(
            "“{value}” is not an amount in yuan: write a number such as 1200 or 1200.50."),
            value=cell_text(cell)[:40])
        return
    fen = cf.to_fen(yuan)
    if fen is None:
        context.issue(row, "amount", "AMOUNT_FRACTION", N_(
            "“{value}” has fractions of a fen: write the amount in yuan with at most two "
            "decimals."), value=cell_text(cell)[:40])
        return
    row.values["amount_fen"] = fen


def _date(context: RowContext, row: ImportRow, today: dt.date) -> None:
    if "granted_on" not in row.present:
        context.issue(row, "granted_on", "DATE_MISSING", N_(
            "The date the subsidy was paid (发放日期) is empty: the caps count subsidies per "
            "year, so every record needs its date."))
        return
    day = values.check_date(row.present["granted_on"][1])
    if isinstance(day, IdentifierProblem):
        context.problem(row, "granted_on", day)
    elif day > today:
        context.issue(row, "granted_on", "DATE_IN_FUTURE", N_(
            "The date {day} is after today: a subsidy already received was paid on or before "
            "today. Check the date."), day=day.isoformat())
    else:
        row.values["granted_on"] = day.isoformat()


# -- people and duplicates -------------------------------------------------------------------


def id_candidates(rows: list[ImportRow]) -> set[str]:
    """The ID numbers to look up: as written (normalised) and as checked (15 → 18 digits)."""
    found: set[str] = set()
    for row in rows:
        if "id_raw" in row.values:
            found.add(row.values["id_raw"])
            checked = row.values["id_checked"]
            if isinstance(checked, identifiers.IdNumber):
                found.add(checked.value)
    return found


def _name_key(name: str) -> str:
    return "".join(name.split()).casefold()


def match_person(context: RowContext, row: ImportRow,
                 people: dict[str, tuple[str, str]]) -> None:
    """Find the row's person by ID number: a problem with a number no one has is an error,
    a valid number no one in the school has is a warning (the row is skipped)."""
    if "id_raw" not in row.values:
        return
    raw, checked = row.values["id_raw"], row.values["id_checked"]
    person = people.get(raw)
    if person is None and isinstance(checked, identifiers.IdNumber):
        person = people.get(checked.value)
    if person is None:
        if isinstance(checked, IdentifierProblem) and checked.severity == "error":
            context.problem(row, "id_number", checked)
        else:
            context.issue(row, "id_number", "UNKNOWN_PERSON", N_(
                "No one with the ID number {number} is in the school's records, so this row "
                "was not saved. Import their roster first (or add the person), then import "
                "this file again."), "warning", number=raw)
        return
    person_id, stored_name = person
    row.values["person_id"] = person_id
    name = context.text(row, "name")
    if name and _name_key(name) != _name_key(stored_name):
        context.issue(row, "name", "NAME_DIFFERS", N_(
            "The file says {name}, but this ID number belongs to {stored} in the school's "
            "records. The ID number was used: check that the row is this person's."),
            "warning", name=name, stored=stored_name)


def record_key(person_id: str, kind: str, training_type: str, occupation: str, level: str,
               granted_on: str) -> tuple:
    """What makes two records the same subsidy (the training type only for entrepreneurship,
    whose occupation and level are often empty)."""
    return (person_id, kind, occupation, level, granted_on,
            training_type if kind == ENTREPRENEURSHIP else "")


def classify(context: RowContext, rows: list[ImportRow], stored: set[tuple]) -> None:
    """Each row's status: invalid, skipped (no such person), unchanged (already recorded,
    in the database or on an earlier row of the file) or new."""
    first: dict[tuple, int] = {}
    for row in rows:
        if not row.valid:
            row.status = "invalid"
            continue
        if "person_id" not in row.values:
            row.status = "skipped"
            continue
        v = row.values
        key = record_key(v["person_id"], v["kind"], v["training_type"], v["occupation"],
                         v["level"], v["granted_on"])
        if key in stored:
            row.status = "unchanged"
            context.issue(row, "", "ALREADY_RECORDED", N_(
                "This subsidy is already recorded for this person (same kind, occupation, "
                "level and date), so it was not stored again."), "warning")
        elif key in first:
            row.status = "unchanged"
            context.issue(row, "", "DUPLICATE_IN_FILE", N_(
                "The same subsidy is already on row {other}: it is recorded once."), "warning",
                other=first[key])
        else:
            row.status = "new"
            first[key] = row.row
