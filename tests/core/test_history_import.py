"""The bureau's list of subsidies already received (历年补贴享受记录): real files in, records
that count toward the caps out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from skilldesk.core.history_fields import find_header
from skilldesk.core.history_fields import parse_kind
from skilldesk.core.history_import import NoHistoryHeader
from skilldesk.errors import NotFound
from tests.core.test_classes import NAMES
from tests.core.test_classes import desk  # noqa: F401  (fixture)
from tests.core.test_classes import id_number
from tests.core.test_classes import people
from tests.core.test_subsidy_service import ELECTRICIAN
from tests.core.test_subsidy_service import LATER
from tests.core.test_subsidy_service import _assessed
from tests.core.test_subsidy_service import _blocking
from tests.core.test_subsidy_service import _catalogue
from tests.imports.files import write_csv
from tests.imports.files import write_xls
from tests.imports.files import write_xlsx

TODAY = dt.date(2026, 11, 26)
HEADER = ["序号", "姓名", "身份证号", "补贴项目", "职业编码", "职业（工种）名称", "等级",
          "补贴金额（元）", "享受日期"]


def history_rows() -> list[list]:
    """A title row, the header on row 2, eight records (rows 3-10) and a total on row 12."""
    return [
        ["2025年度历年补贴享受记录（实名制管理系统导出）"],
        HEADER,
        [1, NAMES[0], id_number(0), "职业培训补贴", ELECTRICIAN, "电工", "五级/初级工", 1000,
         dt.date(2024, 6, 1)],
        [2, NAMES[1], id_number(1), "SYB", None, "SYB创业培训", None, "1,000.00",
         dt.date(2023, 5, 1)],
        [3, "赵六", id_number(40), "职业培训补贴", "4-10-01-01", "保育师", "四级", 1500,
         dt.date(2024, 1, 1)],
        [4, NAMES[0], id_number(0), "职业培训补贴", ELECTRICIAN, "电工", "初级工", 1000,
         dt.date(2024, 6, 1)],
        [5, "张三", id_number(2), "鉴定补贴", "6-31-1", "电工", "九级", "abc", "2026-12-01"],
        [6, NAMES[3], id_number(3), "参保职工技能提升补贴", ELECTRICIAN, "电工", "四级", 1500,
         dt.date(2025, 3, 1)],
        [7, NAMES[4], id_number(4), "专项职业能力培训补贴", None, "西式面点制作", "专项", 600,
         dt.date(2024, 9, 1)],
        [8, NAMES[5], id_number(5), "岗前培训补贴", None, None, "合格证", 500,
         dt.date(2024, 2, 1)],
        [],
        ["合计", None, None, None, None, None, None, 7100],
    ]


def _as_text(rows: list[list]) -> list[list]:
    return [[c.isoformat() if isinstance(c, dt.date) else c for c in row] for row in rows]


BUILDERS = {
    "xlsx": lambda tmp: write_xlsx(tmp / "补贴记录.xlsx", {"享受记录": history_rows()},
                                   text_columns=["C"]),
    "csv-gbk": lambda tmp: write_csv(tmp / "补贴记录.csv", _as_text(history_rows()),
                                     encoding="gbk"),
    "xls": lambda tmp: write_xls(tmp / "补贴记录.xls", {"享受记录": history_rows()}),
}
ERRORS = [(7, "补贴项目", "KIND_UNKNOWN"), (7, "等级", "LEVEL_UNKNOWN"),
          (7, "职业编码", "OCC_FORMAT"), (7, "补贴金额（元）", "AMOUNT_INVALID"),
          (7, "享受日期", "DATE_IN_FUTURE")]
WARNINGS = [(5, "身份证号", "UNKNOWN_PERSON"), (6, "", "DUPLICATE_IN_FILE"),
            (7, "姓名", "NAME_DIFFERS"), (10, "职业编码", "OCCUPATION_MISSING"),
            (12, "", "ROW_NOT_DATA")]


def _issues(preview, severity: str) -> list[tuple]:
    return [(i.row, i.column, i.code) for i in preview.issues(severity)]


def _stored(desk) -> list[tuple]:
    return desk.db.execute(
        "SELECT p.id_number, h.source, h.subsidy_kind, h.training_type, h.occupation_code, "
        "h.level, h.amount_fen, h.granted_on FROM subsidy_history h JOIN person p "
        "ON p.id = h.person_id ORDER BY p.id_number, h.granted_on").fetchall()


def _count(desk, table: str) -> int:
    return desk.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_a_list_with_a_title_row_is_checked_row_by_row(desk, tmp_path, kind):
    preview = desk.subsidy_history.preview(BUILDERS[kind](tmp_path), today=TODAY)
    assert preview.header_row == 2
    assert preview.counts == {"rows": 8, "new": 5, "updated": 0, "unchanged": 1, "skipped": 1,
                              "invalid": 1}
    assert _issues(preview, "error") == ERRORS
    assert _issues(preview, "warning") == WARNINGS
    assert {r.row: r.status for r in preview.rows} == {
        3: "new", 4: "new", 5: "skipped", 6: "unchanged", 7: "invalid", 8: "new", 9: "new",
        10: "new", 12: "ignored"}
    unknown = next(i for i in preview.issues("warning") if i.code == "UNKNOWN_PERSON")
    assert id_number(40) in unknown.message() and "not saved" in unknown.message()
    assert next(i for i in preview.issues("warning") if i.code == "DUPLICATE_IN_FILE"
                ).params == {"other": 3}


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_commit_stores_the_new_records_as_the_bureau_list(desk, tmp_path, kind):
    preview = desk.subsidy_history.preview(BUILDERS[kind](tmp_path), today=TODAY)
    result = desk.subsidy_history.commit(preview)
    assert result.committed and result.counts["new"] == 5 and result.changes.people
    assert _stored(desk) == [
        (id_number(0), "bureau_list", "training", "", ELECTRICIAN, "L5", 100000, "2024-06-01"),
        (id_number(1), "bureau_list", "entrepreneurship", "entrepreneurship_syb", "SYB创业培训",
         "", 100000, "2023-05-01"),
        (id_number(3), "bureau_list", "skill_upgrade", "", ELECTRICIAN, "L4", 150000,
         "2025-03-01"),
        # no code: the project name is the occupation key, as for a 专项 class
        (id_number(4), "bureau_list", "training", "special_ability", "西式面点制作", "special",
         60000, "2024-09-01"),
        (id_number(5), "bureau_list", "training", "pre_job", "", "certificate", 50000,
         "2024-02-01")]
    assert len(result.changes.ids) == 5


def test_importing_the_same_list_again_stores_nothing_new(desk, tmp_path):
    file = BUILDERS["xlsx"](tmp_path)
    desk.subsidy_history.commit(desk.subsidy_history.preview(file, today=TODAY))
    ops = _count(desk, "op_log")
    again = desk.subsidy_history.preview(file, today=TODAY)
    assert again.counts == {"rows": 8, "new": 0, "updated": 0, "unchanged": 6, "skipped": 1,
                            "invalid": 1}
    assert [(r, c) for r, _col, c in _issues(again, "warning") if c == "ALREADY_RECORDED"] == [
        (3, "ALREADY_RECORDED"), (4, "ALREADY_RECORDED"), (6, "ALREADY_RECORDED"),
        (8, "ALREADY_RECORDED"), (9, "ALREADY_RECORDED"), (10, "ALREADY_RECORDED")]
    result = desk.subsidy_history.commit(again)
    assert result.committed and result.log_id is None
    assert _count(desk, "subsidy_history") == 5 and _count(desk, "op_log") == ops


def test_a_stale_preview_is_checked_again_before_it_is_written(desk, tmp_path):
    file = BUILDERS["xlsx"](tmp_path)
    first = desk.subsidy_history.preview(file, today=TODAY)
    second = desk.subsidy_history.preview(file, today=TODAY)
    desk.subsidy_history.commit(first)
    result = desk.subsidy_history.commit(second)  # the database changed since: re-checked
    assert result.counts["new"] == 0 and result.counts["unchanged"] == 6
    assert _count(desk, "subsidy_history") == 5


def test_preview_writes_nothing_and_strict_refuses_a_file_with_an_invalid_row(desk, tmp_path):
    ops = _count(desk, "op_log")
    preview = desk.subsidy_history.preview(BUILDERS["xlsx"](tmp_path), today=TODAY)
    assert _count(desk, "subsidy_history") == 0 and _count(desk, "op_log") == ops
    result = desk.subsidy_history.commit(preview, strict=True)
    assert not result.committed and result.counts["invalid"] == 1
    assert _count(desk, "subsidy_history") == 0 and _count(desk, "op_log") == ops


def test_one_op_log_entry_per_import_with_the_counts_and_the_file_hash(desk, tmp_path):
    preview = desk.subsidy_history.preview(BUILDERS["xlsx"](tmp_path), today=TODAY)
    result = desk.subsidy_history.commit(preview)
    rows = desk.db.execute("SELECT action, entity, entity_id, after_json FROM op_log "
                           "WHERE entity = 'subsidy_history'").fetchall()
    assert len(rows) == 1
    action, entity, entity_id, after = rows[0]
    after = json.loads(after)
    assert (action, entity_id) == ("import", result.log_id)
    assert after["file_sha256"] == preview.file_sha256 and len(after["file_sha256"]) == 64
    assert {k: after[k] for k in ("new", "unchanged", "skipped", "invalid", "rows")} == {
        "new": 5, "unchanged": 1, "skipped": 1, "invalid": 1, "rows": 8}
    stored = {r[0] for r in desk.db.execute("SELECT id FROM subsidy_history")}
    assert set(after["ids"]) == stored and after["source"] == "bureau_list"


def test_serial_dates_amounts_with_fen_and_a_second_sheet(desk, tmp_path):
    file = write_xlsx(tmp_path / "导出.xlsx", {
        "说明": [["本表由实名制管理系统导出"]],
        "明细": [["证件号码", "姓名", "补贴类型", "职业编码", "等级", "补贴金额", "发放日期"],
                 [id_number(0), NAMES[0], "职业培训补贴", ELECTRICIAN, "四级", 1200.5, 45444],
                 [id_number(1), NAMES[1], "GYB创业培训补贴", None,
                  None, "350元", "2022/3/5"],
                 [id_number(2), NAMES[2], "职业培训补贴", ELECTRICIAN, "五级", 1000.005,
                  "2024-13-01"]]}, text_columns=["A"])
    preview = desk.subsidy_history.preview(file, today=TODAY)
    assert preview.sheet == "明细" and preview.sheets == ["说明", "明细"]
    assert _issues(preview, "error") == [(4, "补贴金额", "AMOUNT_FRACTION"),
                                         (4, "发放日期", "DATE_INVALID")]
    assert [r.values.get("granted_on") for r in preview.rows] == [
        "2024-06-01", "2022-03-05", None]
    assert [r.values["amount_fen"] for r in preview.rows[:2]] == [120050, 35000]
    assert preview.rows[1].values["training_type"] == "entrepreneurship_gyb"
    with pytest.raises(NotFound):
        desk.subsidy_history.preview(file, sheet="汇总")


def test_a_file_without_an_id_number_or_type_column_is_refused(desk, tmp_path):
    file = write_xlsx(tmp_path / "名单.xlsx", {"Sheet1": [
        ["姓名", "补贴项目", "发放日期"], [NAMES[0], "职业培训补贴", "2024-01-01"]]})
    with pytest.raises(NoHistoryHeader) as caught:
        desk.subsidy_history.preview(file)
    assert caught.value.code == "E_NO_HEADER"


def test_rows_without_an_id_number_and_missing_columns_are_reported(desk, tmp_path):
    file = write_csv(tmp_path / "名单.csv", [
        ["姓名", "身份证号码", "补贴类型"],
        [NAMES[0], "", "职业培训补贴"],
        [NAMES[1], id_number(1), ""],
        [NAMES[2], id_number(2), "职业培训补贴"]], encoding="gbk")
    preview = desk.subsidy_history.preview(file, today=TODAY)
    assert _issues(preview, "error") == [
        (2, "身份证号码", "ID_MISSING"), (2, "", "DATE_MISSING"),
        (3, "补贴类型", "KIND_MISSING"), (3, "", "DATE_MISSING"), (4, "", "DATE_MISSING")]
    file_warning = preview.issues("warning")[0]
    assert (file_warning.row, file_warning.code) == (0, "COLUMNS_MISSING")
    assert "补贴金额" in file_warning.message() and "职业编码" in file_warning.message()
    assert preview.counts["invalid"] == 3


def test_a_record_by_an_old_15_digit_number_finds_the_person(desk, tmp_path):
    eighteen = id_number(0)
    fifteen = eighteen[:6] + eighteen[8:17]
    file = write_csv(tmp_path / "名单.csv", [
        ["身份证号", "补贴类型", "职业编码", "等级", "补贴金额", "发放日期"],
        [fifteen, "职业培训补贴", ELECTRICIAN, "五级", "1000", "2020-01-02"]])
    preview = desk.subsidy_history.preview(file, today=TODAY)
    assert preview.counts["new"] == 1 and preview.rows[0].values["person_id"] == people(desk)[0]


@pytest.mark.parametrize("text, expected", [
    ("职业培训补贴", ("training", "")),
    ("技能提升补贴", ("skill_upgrade", "")),
    ("参保职工技能提升补贴", ("skill_upgrade", "")),
    ("岗位技能提升培训补贴", ("training", "post_upgrade")),
    ("创业培训补贴", ("entrepreneurship", "")),
    ("GYB", ("entrepreneurship", "entrepreneurship_gyb")),
    ("ＳＹＢ创业培训", ("entrepreneurship", "entrepreneurship_syb")),
    ("iyb", ("entrepreneurship", "entrepreneurship_iyb")),
    ("网络创业培训", ("entrepreneurship", "entrepreneurship_online")),
    ("岗前培训", ("training", "pre_job")),
    ("skill_upgrade", ("skill_upgrade", "")),
    ("技能鉴定补贴", None),
    ("", None),
])
def test_subsidy_type_words(text, expected):
    assert parse_kind(text) == expected


def test_the_header_needs_an_id_number_and_a_type():
    rows = [(1, ["历年补贴享受记录"]), (2, ["姓名", "证件号码", "补贴类型", "发放日期"])]
    header = find_header(rows)
    assert header.row_number == 2 and header.mapping == {
        0: "name", 1: "id_number", 2: "kind", 3: "granted_on"}
    assert find_header([(1, ["姓名", "证件号码", "发放日期"])]) is None


def test_list_for_a_person(desk, tmp_path):
    desk.subsidy_history.commit(desk.subsidy_history.preview(BUILDERS["xlsx"](tmp_path),
                                                             today=TODAY))
    listing = desk.subsidy_history.list_for(" " + id_number(0).lower() + " ")
    assert listing.name == NAMES[0] and listing.id_number == id_number(0)
    assert [(r["subsidy_kind"], r["level"], r["granted_on"]) for r in listing.records] == [
        ("training", "L5", "2024-06-01")]
    with pytest.raises(NotFound):
        desk.subsidy_history.list_for(id_number(40))


# -- the decision sees the imported history ---------------------------------------------------


def test_imported_history_changes_the_subsidy_decision(desk, tmp_path):
    _catalogue(desk)
    everyone = people(desk)
    class_id = _assessed(desk, "SZ2026-401", everyone[:3], 50)
    before = {line.person_id: line.decision for line in
              desk.subsidy.check_class(class_id, today=LATER).lines}
    assert all(d.eligible for d in before.values())
    rows = [["历年补贴享受记录"], HEADER,
            # the same occupation and level, earlier: once per occupation and level
            [1, NAMES[0], id_number(0), "职业培训补贴", ELECTRICIAN, "电工", "五级", 1000,
             dt.date(2024, 6, 1)]]
    # three earlier training subsidies (other occupations): the total cap
    rows += [[n + 2, NAMES[1], id_number(1), "职业培训补贴", code, "", "四级", 1500,
              dt.date(2022 + n, 3, 1)]
             for n, code in enumerate(("4-10-01-01", "4-03-02-01", "4-07-03-02"))]
    file = write_xlsx(tmp_path / "历年补贴.xlsx", {"Sheet1": rows}, text_columns=["C"])
    preview = desk.subsidy_history.preview(file, today=TODAY)
    assert preview.counts["new"] == 4 and not preview.issues("error")
    desk.subsidy_history.commit(preview)
    after = {line.person_id: line.decision for line in
             desk.subsidy.check_class(class_id, today=LATER).lines}
    assert _blocking(after[everyone[0]]) == {"once_per_level"}
    assert _blocking(after[everyone[1]]) == {"cap_total"}
    assert after[everyone[2]].eligible
