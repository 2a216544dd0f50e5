"""The subsidy facts in a roster import: 是否领取养老金 and 失业保险缴费月数.

A blank cell means "not recorded": it never becomes "no" and never erases a stored value.
"""

from __future__ import annotations

import pytest

from skilldesk.core.models import PersonDraft
from skilldesk.core.roster_rows import parse_insured_months
from skilldesk.core.roster_rows import parse_pension
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.storage import oplog
from tests.core.test_roster_import import A
from tests.core.test_roster_import import B
from tests.core.test_roster_import import C
from tests.core.test_roster_import import D
from tests.core.test_roster_import import SAME
from tests.core.test_roster_import import STORED
from tests.core.test_roster_import import TODAY
from tests.core.test_roster_import import make_id
from tests.core.test_roster_import import school  # noqa: F401 (a fixture)
from tests.imports.files import write_csv
from tests.imports.files import write_xlsx

F1, F2, F3, F4, F5, F6 = (make_id("1988-04-04", n) for n in (81, 82, 83, 84, 85, 86))
HEADER = ["姓名", "身份证号码", "联系电话", "是否领取养老金", "失业保险缴费月数"]
ROWS = [                                                          # spreadsheet row
    HEADER,                                                       # 1
    ["王小明", A, "13912345678", "否", 24],                        # 2: a number cell
    ["李芳", B, "13812345678", "是", "24个月"],                    # 3
    ["张强", C, "13712345678", None, None],                       # 4: not recorded
    ["赵敏", D, "13612345678", "Y", "０"],                        # 5: full-width zero
    ["钱多", F1, "13512345678", "√", " 36 个月 "],                 # 6
    ["孙丽", F2, "13412345678", "×", 36.5],                       # 7: not whole
    ["周小", F3, "13312345678", "不知道", 12],                     # 8: not an answer
    ["吴一", F4, "13212345678", "已领取", "两年"],                  # 9: not a number
    ["郑二", F5, "13112345678", "未领取", 700],                     # 10: too many
    ["冯三", F6, "13012345678", "N", 0],                          # 11
]
EXPECTED = {A: (0, 24), B: (1, 24), C: (None, None), D: (1, 0), F1: (1, 36), F6: (0, 0)}


def _file(tmp_path, kind, rows):
    if kind == "xlsx":
        return write_xlsx(tmp_path / "r.xlsx", {"花名册": rows}, text_columns=[1])
    return write_csv(tmp_path / "r.csv", rows, bom=True)


def _facts(desk, id_number):
    return desk.db.execute("SELECT pension, insured_months FROM person WHERE id_number = ?",
                           [id_number]).fetchone()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_answers_and_months_are_read_and_garbage_is_a_row_error(school, tmp_path, kind):
    preview = school.roster.preview(_file(tmp_path, kind, ROWS), today=TODAY)
    assert {f: preview.mapping[c] for c, f in [(3, "pension"), (4, "insured_months")]} == {
        "pension": "pension", "insured_months": "insured_months"}
    errors = {(i.row, i.column, i.code) for i in preview.issues("error")}
    assert errors == {
        (7, "失业保险缴费月数", "INSURED_MONTHS_FORMAT"),
        (8, "是否领取养老金", "PENSION_VALUE"),
        (9, "失业保险缴费月数", "INSURED_MONTHS_FORMAT"),
        (10, "失业保险缴费月数", "INSURED_MONTHS_RANGE"),
    }
    messages = {i.row: i.message() for i in preview.issues("error")}
    assert "36.5" in messages[7] and "24个月" in messages[7]
    assert "不知道" in messages[8] and "是" in messages[8]
    assert "两年" in messages[9]
    assert "700" in messages[10] and "600" in messages[10]
    assert preview.counts == {"rows": 10, "new": 6, "updated": 0, "unchanged": 0,
                              "invalid": 4, "enrol": 0}
    school.roster.commit(preview)
    assert {n: _facts(school, n) for n in EXPECTED} == EXPECTED
    assert all(_facts(school, n) is None for n in (F2, F3, F4, F5))  # invalid rows: not saved
    person = school.people.get(school.people.search(C).rows[0].id)
    assert person.pension is None and person.insured_months is None


def test_a_blank_cell_keeps_the_stored_fact_and_a_change_is_an_update(school, tmp_path):
    stored_id = school.people.search(STORED).rows[0].id
    school.people.save(PersonDraft(name="吴存", id_number=STORED, phone="13800000000",
                                   categories=("employee",), pension=True, insured_months=24),
                       person_id=stored_id)
    same_id = school.people.search(SAME).rows[0].id
    first = [HEADER, ["吴存", STORED, "13800000000", None, ""],   # blank: leave 1 and 24
             ["郑同", SAME, "13911112222", "否", "0"]]            # NULL -> recorded 0
    preview = school.roster.preview(_file(tmp_path, "xlsx", first), today=TODAY)
    rows = {r.row: r for r in preview.rows}
    assert rows[2].status == "unchanged" and rows[2].changed == {}
    assert rows[3].status == "updated"
    assert rows[3].changed == {"pension": (None, 0), "insured_months": (None, 0)}
    batch = school.roster.commit(preview).batch_id
    assert _facts(school, STORED) == (1, 24) and _facts(school, SAME) == (0, 0)
    entry = oplog.entries_for(school.db, "person", same_id)[-1]
    assert entry["before"]["pension"] is None and entry["after"]["pension"] == 0

    second = [HEADER, ["吴存", STORED, "13800000000", "否", "24个月"]]
    preview = school.roster.preview(write_csv(tmp_path / "2.csv", second), today=TODAY)
    (row,) = preview.rows
    assert row.status == "updated" and row.changed == {"pension": (1, 0)}
    second_batch = school.roster.commit(preview).batch_id
    assert _facts(school, STORED) == (0, 24)

    school.roster.undo(second_batch)
    assert _facts(school, STORED) == (1, 24)
    school.roster.undo(batch)
    assert _facts(school, SAME) == (None, None)  # undo takes a fact back to not recorded


@pytest.mark.parametrize("text, answer", [
    ("是", 1), ("否", 0), ("Y", 1), ("n", 0), ("Ｙ", 1), ("√", 1), ("×", 0), ("X", 0),
    ("已领取", 1), ("未领取", 0), (" 是 ", 1), ("Yes", 1), ("No", 0), (True, 1), (False, 0),
    (1.0, 1), (0, 0),
])
def test_pension_answers(text, answer):
    assert parse_pension(text) == answer


@pytest.mark.parametrize("cell, months", [
    (24, 24), (24.0, 24), ("24", 24), ("24个月", 24), ("２４个月", 24), ("24 月", 24),
    ("0", 0), ("600", 600),
])
def test_months_of_insurance(cell, months):
    assert parse_insured_months(cell) == months


@pytest.mark.parametrize("cell, code", [
    ("两年", "INSURED_MONTHS_FORMAT"), ("-3", "INSURED_MONTHS_FORMAT"),
    (12.5, "INSURED_MONTHS_FORMAT"), ("个月", "INSURED_MONTHS_FORMAT"),
    ("²", "INSURED_MONTHS_FORMAT"), ("601", "INSURED_MONTHS_RANGE"),
])
def test_months_that_are_not_a_whole_number_of_months(cell, code):
    problem = parse_insured_months(cell)
    assert isinstance(problem, IdentifierProblem) and problem.code == code
    assert problem.message()
