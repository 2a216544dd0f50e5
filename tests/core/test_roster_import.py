"""Roster import through the facade, on real files with the quirks rosters have."""

from __future__ import annotations

import datetime as dt

import pytest

from skilldesk.core.models import InstitutionDraft
from skilldesk.core.models import PersonDraft
from skilldesk.core.roster_export import export_invalid_rows
from skilldesk.core.roster_import import ClassRosterFrozen
from skilldesk.core.roster_import import NoRosterFound
from skilldesk.errors import Conflict
from skilldesk.imports import reader
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import oplog
from tests.imports.files import write_csv
from tests.imports.files import write_ods
from tests.imports.files import write_xls
from tests.imports.files import write_xlsx

TODAY = dt.date(2026, 11, 26)
TITLE = "苏州市姑苏区示范职业培训学校2026年第3期电工（四级）培训班学员花名册"
HEADER = ["序号", "姓名", "性别", "身份证号码", "出生日期", "联系电话", "人员类别", "户籍所在地"]


def make_id(birth: str, seq: int, area: str = "320508") -> str:
    body = f"{area}{birth.replace('-', '')}{seq:03d}"
    return body + id_check_char(body)


# Odd sequence digits are men, even are women.
A = make_id("1990-01-01", 11)   # man
B = make_id("1985-06-15", 22)   # woman
C = make_id("1979-03-03", 31)   # man
D = make_id("1995-12-31", 42)   # woman
E = make_id("2012-05-05", 51)   # a child
STORED = make_id("1980-02-02", 61)
SAME = make_id("1982-08-08", 71)


def roster_rows() -> list[list]:
    """Rows as a clerk's Excel file has them (spreadsheet row = index + 1)."""
    fullwidth_a = A.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return [
        [TITLE],                                                     # 1 (merged A1:H1)
        ["填报单位：示范学校", None, None, None, None, None, "填报日期：2026年11月20日"],  # 2
        HEADER,                                                      # 3
        [1, "王小明", "男", fullwidth_a, "1990.1.1", "139 1234 5678", "农民工", "安徽省"],  # 4
        [2, "李芳", "女", B[:6] + " " + B[6:14] + " " + B[14:], "1985/06/15", "13812345678",
         "失业人员、残疾人", "苏州市姑苏区"],                          # 5
        [3, "张强", "男", 3.20501199001011e17, None, "13712345678", "农民工", ""],  # 6: Excel number
        [4, "赵敏", "男", D, "1995-12-31", "13612345678", "退役军人", ""],  # 7: sex mismatch
        [5, "钱多多", "男", C, "1979-03-04", "13512345678", "在职职工", ""],  # 8: birth mismatch
        [6, "孙丽", "女", B, "1985-06-15", "12345", "农民工", ""],  # 9: duplicate of 5, bad phone
        [],                                                          # 10: blank
        [7, "周小", "男", E, None, "13312345678", "学生", ""],      # 11: child, unknown category
        [8, "吴存", "男", STORED, None, "13900000000", "在职职工", ""],  # 12: stored, new phone
        [9, "郑同", "男", SAME, None, "13911112222", "", ""],       # 13: stored, identical
        [],                                                          # 14
        ["备注：以上信息由学员本人确认无误。"],                       # 15: a note, not a person
    ]


@pytest.fixture
def school(desk):
    desk.institution.create(InstitutionDraft(name="示范学校", uscc="91110000600037341L"))
    desk.people.save(PersonDraft(name="吴存", id_number=STORED, phone="13800000000",
                                 categories=("employee",)))
    desk.people.save(PersonDraft(name="郑同", id_number=SAME, phone="13911112222"))
    with desk.db.atomic():
        desk.db.execute(
            "INSERT INTO training_class(id, code, name, training_type, start_date, end_date, "
            "state, created_at, updated_at, device_id) VALUES ('k1', 'SZ2026-0099', '电工班', "
            "'employment_skill', '2026-12-07', '2027-01-15', 'draft', 'x', 'x', 'd')")
    return desk


def _xlsx(tmp_path):
    return write_xlsx(tmp_path / "花名册.xlsx", {"说明": [["填表说明"], ["请勿修改表头"]],
                                               "学员花名册": roster_rows()},
                      merges={"学员花名册": ["A1:H1"]})


def _codes(preview, severity="error"):
    return {(i.row, i.code) for i in preview.issues(severity)}


def test_preview_reports_each_problem_with_the_spreadsheets_row_and_column(school, tmp_path):
    preview = school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)
    assert preview.sheet == "学员花名册"  # picked over the instructions sheet
    assert preview.header_row == 3
    assert preview.counts == {"rows": 9, "new": 1, "updated": 1, "unchanged": 1, "invalid": 6,
                              "enrol": 3}
    assert _codes(preview) == {
        (5, "DUPLICATE_IN_FILE"), (9, "DUPLICATE_IN_FILE"), (9, "PHONE_FORMAT"),
        (6, "ID_SCIENTIFIC"), (7, "SEX_MISMATCH"), (8, "BIRTH_MISMATCH"),
        (11, "AGE_UNDER_16"), (11, "CATEGORY_UNKNOWN"),
    }
    by_code = {i.code: i for i in preview.issues("error")}
    assert by_code["ID_SCIENTIFIC"].column == "身份证号码"
    assert by_code["PHONE_FORMAT"].column == "联系电话"
    assert "格式" in by_code["ID_SCIENTIFIC"].message() or "Text" in by_code["ID_SCIENTIFIC"].message()
    assert (15, "ROW_NOT_DATA") in _codes(preview, "warning")
    # messages are translated when shown, so a language switch reaches an open preview
    from skilldesk import i18n
    try:
        i18n.set_language("zh_CN")
        assert by_code["SEX_MISMATCH"].message().startswith("性别填的是“男”，但证件号码显示为女性")
        i18n.set_language("en")
        assert by_code["SEX_MISMATCH"].message().startswith(
            "The sex is given as male, but the ID number belongs to a woman.")
    finally:
        i18n.set_language("en")
    rows = {r.row: r for r in preview.rows}
    assert rows[4].values["id_number"] == A and rows[4].values["phone"] == "13912345678"
    assert rows[4].values["sex"] == "M" and rows[4].categories == ("migrant_worker",)
    assert rows[12].status == "updated" and rows[12].changed == {
        "phone": ("13800000000", "13900000000")}
    assert rows[13].status == "unchanged"
    assert 10 not in rows and 14 not in rows  # blank rows are not rows of people
    assert school.people.total() == 2  # a preview writes nothing


def test_commit_writes_valid_rows_and_enrols_them(school, tmp_path):
    preview = school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)
    result = school.roster.commit(preview)
    assert result.committed and result.counts["new"] == 1
    assert school.people.total() == 3
    new = school.people.search(A).rows[0]
    assert new.name == "王小明" and new.sex == "M" and new.birth_date == "1990-01-01"
    assert school.people.search("王小明").rows[0].id == new.id  # indexed for search
    stored = school.people.search(STORED).rows[0]
    assert stored.phone == "13900000000"
    enrolled = {r[0] for r in school.db.execute(
        "SELECT p.id_number FROM enrolment e JOIN person p ON p.id = e.person_id "
        "WHERE e.class_id = 'k1'").fetchall()}
    assert enrolled == {A, STORED, SAME}
    assert [e["action"] for e in oplog.entries_for(school.db, "person", stored.id)][-1] == "update"
    # the same file again changes nothing and duplicates nobody
    again = school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)
    assert again.counts["new"] == 0 and again.counts["updated"] == 0
    assert again.counts["unchanged"] == 3 and again.counts["enrol"] == 0


def test_strict_commits_nothing_when_any_row_is_invalid(school, tmp_path):
    preview = school.roster.preview(_xlsx(tmp_path), today=TODAY)
    before = school.db.execute("SELECT count(*) FROM op_log").fetchone()[0]
    result = school.roster.commit(preview, strict=True)
    assert not result.committed and result.batch_id is None
    assert school.people.total() == 2
    assert school.db.execute("SELECT count(*) FROM op_log").fetchone()[0] == before


def test_undo_takes_the_whole_batch_back(school, tmp_path):
    stored_before = school.people.get(school.people.search(STORED).rows[0].id)
    preview = school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)
    result = school.roster.commit(preview)
    school.roster.undo(result.batch_id)
    assert school.people.total() == 2
    assert not school.people.search(A).rows
    restored = school.people.get(stored_before.id)
    assert restored.phone == stored_before.phone
    assert restored.categories == stored_before.categories
    assert school.db.execute("SELECT count(*) FROM enrolment").fetchone()[0] == 0
    assert school.roster.batches()[0]["state"] == "undone"
    with pytest.raises(Conflict):
        school.roster.undo(result.batch_id)


def test_undo_is_refused_once_a_record_was_edited_afterwards(school, tmp_path):
    preview = school.roster.preview(_xlsx(tmp_path), today=TODAY)
    result = school.roster.commit(preview)
    person = school.people.search(A).rows[0]
    school.people.save(PersonDraft(name="王小明", id_number=A, phone="13000000000"),
                       person_id=person.id)
    with pytest.raises(Conflict) as info:
        school.roster.undo(result.batch_id)
    assert "1" in info.value.user_message()
    assert school.people.total() == 3


def test_a_class_whose_roster_is_frozen_is_refused(school, tmp_path):
    with school.db.atomic():
        school.db.execute("UPDATE training_class SET state = 'filed' WHERE id = 'k1'")
    with pytest.raises(ClassRosterFrozen):
        school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)


def test_overlapping_class_is_a_warning(school, tmp_path):
    with school.db.atomic():
        school.db.execute(
            "INSERT INTO training_class(id, code, name, training_type, start_date, end_date, "
            "state, created_at, updated_at, device_id) VALUES ('k2', 'SZ2026-0098', '焊工班', "
            "'employment_skill', '2026-12-01', '2026-12-20', 'in_training', 'x', 'x', 'd')")
        school.db.execute(
            "INSERT INTO enrolment(id, class_id, person_id, created_at, updated_at, device_id) "
            "SELECT 'e1', 'k2', id, 'x', 'x', 'd' FROM person WHERE id_number = ?", [SAME])
    preview = school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)
    assert (13, "OVERLAPPING_CLASS") in _codes(preview, "warning")
    assert "SZ2026-0098" in [i for i in preview.issues("warning")
                             if i.code == "OVERLAPPING_CLASS"][0].message()


@pytest.mark.parametrize("writer", ["xls", "ods", "csv-utf8", "csv-bom", "csv-gbk"])
def test_every_format_gives_the_same_answer(school, tmp_path, writer):
    rows = [r for r in roster_rows() if not any(isinstance(c, float) for c in r)]
    if writer == "xls":
        path = write_xls(tmp_path / "r.xls", {"Sheet1": rows})
    elif writer == "ods":
        path = write_ods(tmp_path / "r.ods", {"Sheet1": rows})
    else:
        encoding, bom = {"csv-utf8": ("utf-8", False), "csv-bom": ("utf-8", True),
                         "csv-gbk": ("gbk", False)}[writer]
        path = write_csv(tmp_path / "r.csv", rows, encoding=encoding, bom=bom)
    preview = school.roster.preview(path, today=TODAY)
    assert preview.header_row == 3
    assert preview.counts["new"] == 1 and preview.counts["invalid"] == 5
    assert (8, "BIRTH_MISMATCH") not in _codes(preview)  # row numbers shift: no row 6 here
    assert (7, "BIRTH_MISMATCH") in _codes(preview)
    assert {r.values.get("name") for r in preview.rows
            if r.valid and r.status != "ignored"} == {"王小明", "吴存", "郑同"}


def test_invalid_rows_export_with_an_error_column_and_import_again(school, tmp_path):
    preview = school.roster.preview(_xlsx(tmp_path), today=TODAY)
    out = tmp_path / "errors.xlsx"
    assert export_invalid_rows(preview, out) == 6
    data = reader.read_sheet(out)
    header = data.rows[0][1]
    assert header[:8] == HEADER and header[-1] == "Errors"
    first = data.rows[1][1]
    assert first[1] == "李芳" and "Row 5" in first[-1]
    # fix the rows in "Excel" and import the corrected file
    fixed = [list(r[1][:8]) for r in data.rows]
    for row in fixed[1:]:
        row[3] = str(row[3])
    again = school.roster.preview(write_xlsx(tmp_path / "fixed.xlsx", {"S": fixed}), today=TODAY)
    assert again.header_row == 1
    assert again.counts["rows"] == 6


def test_a_file_without_a_roster_says_so(school, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", {"S": [["月份", "收入"], ["1月", 100]]})
    with pytest.raises(NoRosterFound) as info:
        school.roster.preview(path, today=TODAY)
    assert "S" in info.value.user_message()


def test_a_corrected_mapping_is_used_and_remembered(school, tmp_path):
    rows = [["学员", "证件", "手机"], ["王小明", A, "13912345678"]]
    path = write_xlsx(tmp_path / "odd.xlsx", {"S": rows}, text_columns=[1])
    with pytest.raises(NoRosterFound):
        school.roster.preview(path, today=TODAY)
    mapping = {0: "name", 1: "id_number", 2: "phone"}
    preview = school.roster.preview(path, mapping=mapping, today=TODAY)
    assert preview.counts["new"] == 1
    school.roster.commit(preview)
    # next time the same layout is recognised without help
    path2 = write_xlsx(tmp_path / "odd2.xlsx", {"S": [rows[0], ["李四", B, "13812345678"]]},
                       text_columns=[1])
    assert school.roster.preview(path2, today=TODAY).counts["new"] == 1


def test_commit_compares_again_when_the_database_changed_after_the_preview(school, tmp_path):
    preview = school.roster.preview(_xlsx(tmp_path), today=TODAY)
    assert {r.row: r.status for r in preview.rows}[4] == "new"
    # meanwhile someone adds 王小明 by hand
    school.people.save(PersonDraft(name="王小明", id_number=A, phone="13912345678"))
    result = school.roster.commit(preview)
    assert (result.counts["new"], result.counts["updated"], result.counts["unchanged"]) == (0, 2, 1)
    assert school.db.execute("SELECT count(*) FROM person WHERE id_number = ?",
                             [A]).fetchone()[0] == 1


def test_a_bulk_commit_leaves_the_checkpoint_for_later(tmp_path):
    from skilldesk.core.desk import Desk

    desk = Desk.open(tmp_path / "file.skilldesk", create=True)
    desk.institution.create(InstitutionDraft(name="示范学校", uscc="91110000600037341L"))
    desk.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    file = tmp_path / "file.skilldesk"
    before = file.read_bytes()
    # big enough (over 1,000 WAL pages) that SQLite would otherwise checkpoint at COMMIT
    rows = [["姓名", "身份证号码", "手机号码"]] + [
        [f"学员{chr(0x4e00 + n)}", make_id("1990-01-01", n % 1000, area=f"3205{10 + n // 1000:02d}"),
         f"139{n:08d}"] for n in range(4000)]
    preview = desk.roster.preview(write_xlsx(tmp_path / "big.xlsx", {"S": rows},
                                             text_columns=[1]), today=TODAY)
    assert preview.counts["new"] == 4000
    desk.roster.commit(preview)
    assert desk.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # restored
    assert file.read_bytes() == before  # committed to the WAL, not yet copied over
    desk.checkpoint()
    assert file.read_bytes() != before
    desk.close()
    reopened = Desk.open(tmp_path / "file.skilldesk")
    assert reopened.people.total() == 4000
    reopened.close()


def test_two_columns_mapped_to_one_field_are_refused_by_name(school, tmp_path):
    from skilldesk.core.roster_import import MappingConflict

    path = _xlsx(tmp_path)
    with pytest.raises(MappingConflict) as info:
        school.roster.preview(path, mapping={1: "name", 2: "name", 3: "id_number"}, today=TODAY)
    assert "姓名" in info.value.user_message() and "性别" in info.value.user_message()


def test_an_empty_sheet_is_no_roster(school, tmp_path):
    path = write_csv(tmp_path / "empty.csv", [[""], [""]])
    with pytest.raises((NoRosterFound, reader.FileRefused)):
        school.roster.preview(path, mapping={0: "name"}, today=TODAY)


def test_a_roster_too_large_to_check_in_memory_is_refused(school, tmp_path, monkeypatch):
    from skilldesk.core import roster_import
    from skilldesk.core.roster_import import RosterTooLarge

    monkeypatch.setattr(roster_import, "MAX_ROWS", 10)
    with pytest.raises(RosterTooLarge) as info:
        school.roster.preview(_xlsx(tmp_path), today=TODAY)
    assert "13" in info.value.user_message() and "10" in info.value.user_message()


def test_an_imported_roster_and_its_undo_reach_a_paired_laptop(school, tmp_path):
    """The bulk insert records its rows for sync without the per-row triggers: each new
    person and category exactly once, and the other device gets them (and the undo)."""
    from tests.sync import devices as dv

    laptop = dv.laptop("A")
    dv.pair(school, laptop)
    dv.send(school, laptop)
    before = school.db.execute("SELECT max(local_seq) FROM sync_change").fetchone()[0]
    result = school.roster.commit(school.roster.preview(_xlsx(tmp_path), today=TODAY))
    recorded = school.db.execute(
        "SELECT tbl, count(*), count(DISTINCT row_id) FROM sync_change WHERE local_seq > ? "
        "AND fields = '*' GROUP BY tbl", [before]).fetchall()
    new_people = result.counts["new"]
    assert ("person", new_people, new_people) in recorded
    dv.send(school, laptop)
    assert dv.dump(laptop)["person"] == dv.dump(school)["person"]
    assert laptop.people.search(A).rows
    school.roster.undo(result.batch_id)
    dv.send(school, laptop)
    assert not laptop.people.search(A).rows
    assert dv.dump(laptop) == dv.dump(school)
