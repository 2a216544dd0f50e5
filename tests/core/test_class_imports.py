"""Class record imports (attendance, results, employment) on real files, through a real Desk."""

from __future__ import annotations

import datetime as dt

import pytest

from skilldesk.core.class_import_attendance import AttendanceOptions
from skilldesk.core.class_imports import ClassImportService
from skilldesk.core.class_imports import ClassNotReady
from skilldesk.core.class_imports import ImportOptions
from skilldesk.core.class_imports import NoRecordsFound
from skilldesk.core.class_models import ClassDraft
from skilldesk.core.class_models import TeacherDraft
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.models import PersonDraft
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.rules.class_rules import Slot
from skilldesk.rules.identifiers import id_check_char
from tests.imports.files import write_csv
from tests.imports.files import write_xls
from tests.imports.files import write_xlsx

CODE = "SZ2026-0301"
START = dt.date(2026, 3, 2)  # a Monday; sessions 08:30-12:00 and 13:30-17:00, Mon-Fri


def make_id(birth: str, seq: int) -> str:
    body = f"320508{birth}{seq:03d}"
    return body + id_check_char(body)


A, B, C, D = (make_id("19900101", 11), make_id("19850615", 22), make_id("19790303", 31),
              make_id("19951231", 41))
E, F, G = make_id("19880808", 52), make_id("19920202", 62), make_id("19930303", 71)
OUTSIDER = make_id("19800101", 81)  # a valid ID number of nobody in the class
TRAINEES = [("王小明", A), ("李芳", B), ("张伟", C), ("张伟", D), ("赵敏", E), ("孙丽", F),
            ("周杰", G)]
USCC = "91110000600037341L"
BAD_USCC = "91110000600037341M"  # the check character is wrong


def cert(level: int, serial: int) -> str:
    """A 22-character skill level certificate number issued in 2026 at *level*."""
    return f"S320500000000265{serial:06d}"[:15] + str(level) + f"{serial:06d}"


CERT_A, CERT_B, CERT_DUP, CERT_WRONG = cert(5, 1), cert(5, 2), cert(5, 3), cert(4, 4)


def set_up_class(desk, state: str = "in_training") -> str:
    """A class of seven trainees (two called 张伟) with ten sessions from START."""
    desk.institution.create(InstitutionDraft(name="示范学校", uscc=USCC))
    for name, number in TRAINEES:
        desk.people.save(PersonDraft(name=name, id_number=number))
    desk.people.save(PersonDraft(name="钱多", id_number=OUTSIDER))
    by_number = {r.id_number: r.id for r in desk.people.search("").rows}
    ids = [by_number[number] for _name, number in TRAINEES]
    class_id = desk.classes.save(ClassDraft(
        code=CODE, name="电工（初级）", training_type="employment_skill",
        start_date=START.isoformat(), end_date=(START + dt.timedelta(days=11)).isoformat(),
        occupation_code="6-31-01-03", occupation_name="电工", level="L5", category="A",
        theory_hours=16, practice_hours=24, venue="教室1", capacity=50, teaching_plan="计划",
        assessment_plan="考核", teachers=[TeacherDraft("李老师", "高级技师")])).ids[0]
    desk.classes.enrol(class_id, ids)
    desk.classes.advance(class_id, "filed", today=START - dt.timedelta(days=30))
    desk.classes.advance(class_id, "approved", today=START - dt.timedelta(days=30))
    desk.attendance.generate(class_id, weekdays={0, 1, 2, 3, 4},
                             slots=[Slot("08:30", 4), Slot("13:30", 4)])
    desk.classes.advance(class_id, "in_training", today=START)
    if state == "completed":
        grid = desk.attendance.grid(class_id)
        desk.attendance.save(class_id, {(t.enrolment_id, s.id): "present"
                                        for t in grid.trainees for s in grid.sessions})
        desk.classes.advance(class_id, "completed", today=START + dt.timedelta(days=12))
    return class_id


def enrolment_of(desk, class_id: str, number: str) -> str:
    return next(t.enrolment_id for t in desk.attendance.grid(class_id).trainees
                if t.id_number == number)


def marks(desk, class_id: str) -> dict:
    """{(ID number, session seq): (status, sign_in, sign_out, method)}."""
    rows = desk.db.execute(
        "SELECT p.id_number, s.seq_no, a.status, a.sign_in, a.sign_out, a.method "
        "FROM attendance a JOIN session s ON s.id = a.session_id "
        "JOIN enrolment e ON e.id = a.enrolment_id JOIN person p ON p.id = e.person_id "
        "WHERE s.class_id = ?", [class_id]).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def batches(desk) -> list[tuple]:
    return desk.db.execute("SELECT kind, rows, new, updated, unchanged, invalid FROM "
                           "import_batch").fetchall()


def issue_rows(preview, code: str) -> list[int]:
    return sorted(i.row for sev in ("error", "warning") for i in preview.issues(sev)
                  if i.code == code)


# -- attendance --------------------------------------------------------------------------

def punch(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute)


def attendance_rows() -> list[list]:
    """A face-recognition machine's export (spreadsheet row = index + 1)."""
    return [
        ["2026年3月考勤记录（电工初级班）"],                                       # 1: title
        ["序号", "姓名", "证件号码", "打卡时间", "签到方式"],                       # 2: header
        [1, "王小明", A, punch(2, 8, 20), "人脸识别"],     # 3: session 1 sign-in
        [2, "王小明", A, punch(2, 8, 25), "人脸识别"],     # 4: a second punch: duplicate
        [3, "王小明", A, punch(2, 12, 5), "人脸识别"],     # 5: after the end: the sign-out
        [4, "李芳", None, punch(2, 8, 41), "人脸识别"],    # 6: name only, 11 minutes late
        [5, "张伟", None, punch(2, 8, 29), "人脸识别"],    # 7: two trainees are called 张伟
        [6, "钱多", OUTSIDER, punch(2, 8, 29), "人脸识别"],  # 8: not in the class
        [7, "赵敏", E, punch(2, 19, 0), "人脸识别"],       # 9: no session in the evening
        [8, "张伟", C, punch(2, 8, 40), "人脸识别"],       # 10: exactly 10 minutes: present
        [],                                                  # 11
        [9, "王小明", A, punch(2, 13, 5), "人脸识别"],     # 12: session 2, 25 minutes early
        ["备注：数据由考勤机导出"],                          # 13: a note
    ]


def test_attendance_preview_matches_punches_and_reports_every_row(desk, tmp_path):
    class_id = set_up_class(desk)
    sessions = desk.attendance.sessions(class_id)
    desk.attendance.save(class_id, {(enrolment_of(desk, class_id, C), sessions[0].id): "absent"})
    path = write_xlsx(tmp_path / "考勤.xlsx", {"Sheet1": attendance_rows()}, merges={
        "Sheet1": ["A1:E1"]}, text_columns=["C"])
    preview = ClassImportService(desk).preview("attendance", path, class_code=CODE)
    assert preview.header_row == 2
    assert preview.counts == {"rows": 9, "new": 3, "updated": 1, "unchanged": 0, "invalid": 3}
    assert issue_rows(preview, "NAME_AMBIGUOUS") == [7]
    assert issue_rows(preview, "UNKNOWN_ID") == [8]
    assert issue_rows(preview, "NO_SESSION") == [9]
    assert issue_rows(preview, "DUPLICATE_PUNCH") == [4]
    assert issue_rows(preview, "MARK_CHANGED") == [10]
    assert issue_rows(preview, "ROW_NOT_DATA") == [13]
    error = next(i for i in preview.issues("error") if i.code == "UNKNOWN_ID")
    assert (error.column, OUTSIDER in error.message()) == ("证件号码", True)
    assert next(i for i in preview.issues("error") if i.row == 9).column == "打卡时间"
    assert {r.row: r.status for r in preview.rows} == {
        3: "new", 4: "merged", 5: "new", 6: "new", 7: "invalid", 8: "invalid", 9: "invalid",
        10: "updated", 12: "new", 13: "ignored"}
    assert marks(desk, class_id) == {(C, 1): ("absent", None, None, "")}  # a preview writes nothing


def test_attendance_commit_writes_marks_times_and_batch(desk, tmp_path):
    class_id = set_up_class(desk)
    sessions = desk.attendance.sessions(class_id)
    desk.attendance.save(class_id, {(enrolment_of(desk, class_id, C), sessions[0].id): "absent"})
    path = write_xlsx(tmp_path / "考勤.xlsx", {"Sheet1": attendance_rows()}, text_columns=["C"])
    service = ClassImportService(desk)
    result = service.commit(service.preview("attendance", path, class_code=CODE))
    assert result.committed and result.counts["new"] == 3
    assert marks(desk, class_id) == {
        (A, 1): ("present", "2026-03-02T00:20:00.000Z", "2026-03-02T04:05:00.000Z", "face"),
        (B, 1): ("late", "2026-03-02T00:41:00.000Z", None, "face"),
        (C, 1): ("present", "2026-03-02T00:40:00.000Z", None, "face"),
        (A, 2): ("present", "2026-03-02T05:05:00.000Z", None, "face"),
    }
    assert batches(desk) == [("attendance", 9, 3, 1, 0, 3)]
    again = service.preview("attendance", path, class_code=CODE)
    assert again.counts == {"rows": 9, "new": 0, "updated": 0, "unchanged": 4, "invalid": 3}


def test_attendance_from_gbk_csv_with_date_and_time_columns(desk, tmp_path):
    class_id = set_up_class(desk)
    path = write_csv(tmp_path / "签到.csv", [
        ["姓名", "身份证号", "日期", "签到时间", "签退时间", "方式"],
        ["赵敏", E, "2026/3/3", "08:31", "11:58", "刷身份证"],          # 2: session 3
        ["孙丽", F, "2026-03-03", "8:50", "", "纸质签到"],              # 3: late
        ["周杰", G, "2026-03-03", "13:10", "12:00", ""],                # 4: out before in
        ["周杰", G, "2026年3月3日", "25:10", "", ""],                   # 5: not a time
        ["周杰", G, "", "13:10", "", ""],                               # 6: no date
    ], encoding="gbk")
    service = ClassImportService(desk)
    preview = service.preview("attendance", path, class_code=CODE,
                              options=ImportOptions())
    assert preview.counts == {"rows": 5, "new": 2, "updated": 0, "unchanged": 0, "invalid": 3}
    assert issue_rows(preview, "SIGN_OUT_BEFORE_IN") == [4]
    assert issue_rows(preview, "TIME_FORMAT") == [5]
    assert issue_rows(preview, "PUNCH_NO_DATE") == [6]
    service.commit(preview)
    assert marks(desk, class_id) == {
        (E, 3): ("present", "2026-03-03T00:31:00.000Z", "2026-03-03T03:58:00.000Z", "id_card"),
        (F, 3): ("late", "2026-03-03T00:50:00.000Z", None, "paper"),
    }


def test_attendance_windows_are_parameters(desk, tmp_path):
    set_up_class(desk)
    path = write_csv(tmp_path / "p.csv", [["姓名", "证件号码", "打卡时间"],
                                          ["赵敏", E, "2026-03-02 07:45"],
                                          ["孙丽", F, "2026-03-02 08:36"]], encoding="utf-8",
                     bom=True)
    service = ClassImportService(desk)
    default = service.preview("attendance", path, class_code=CODE)
    assert issue_rows(default, "NO_SESSION") == [2]
    wide = service.preview("attendance", path, class_code=CODE, options=ImportOptions(
        attendance=AttendanceOptions(early_minutes=60, late_minutes=5)))
    assert wide.counts["invalid"] == 0
    assert [m.status for m in wide.marks] == ["present", "late"]


def test_attendance_refused_before_training_and_without_header(desk, tmp_path):
    set_up_class(desk)
    desk.db.execute("UPDATE training_class SET state = 'approved'")
    path = write_csv(tmp_path / "p.csv", [["姓名", "打卡时间"], ["赵敏", "2026-03-02 08:00"]])
    with pytest.raises(ClassNotReady):
        ClassImportService(desk).preview("attendance", path, class_code=CODE)
    desk.db.execute("UPDATE training_class SET state = 'in_training'")
    other = write_csv(tmp_path / "q.csv", [["姓名", "电话"], ["赵敏", "13900000000"]])
    with pytest.raises(NoRecordsFound):
        ClassImportService(desk).preview("attendance", other, class_code=CODE)


# -- results -----------------------------------------------------------------------------

def results_rows() -> list[list]:
    return [
        ["苏州市职业技能鉴定中心 考核结果"],                                        # 1
        ["序号", "姓名", "身份证号", "理论成绩", "实操成绩", "考核结果", "证书编号", "发证日期",
         "发证机构"],                                                                 # 2
        [1, "王小明", A, 85, 90, "合格", CERT_A, dt.date(2026, 3, 20), "鉴定中心"],   # 3 new
        [2, "李芳", B, 80, 80, "合格", None, None, None],                            # 4 scores
        [3, "张伟", C, 80, 75, "合格", CERT_DUP, dt.date(2026, 3, 20), "鉴定中心"],  # 5 dup
        [4, "张伟", D, 90, 90, "合格", CERT_B, dt.date(2026, 3, 20), "鉴定中心"],    # 6 in db
        [5, "赵敏", E, 70, 70, "合格", CERT_WRONG, dt.date(2026, 3, 20), "鉴定中心"],  # 7 level
        [6, "孙丽", F, None, None, "缺考", None, None, None],                        # 8 absent
        [7, "周杰", G, 88, 88, "合格", CERT_DUP, dt.date(2026, 3, 20), "鉴定中心"],  # 9 dup
    ]


def results_class(desk) -> str:
    class_id = set_up_class(desk, "completed")
    b = enrolment_of(desk, class_id, B)
    desk.outcomes.set_result(b, "pass")
    desk.outcomes.save_certificate(b, CertificateDraft("skill_level", CERT_B, "2026-03-20"))
    return class_id


def results_in_db(desk, class_id: str) -> dict:
    grid = desk.attendance.grid(class_id)
    certs = desk.outcomes.certificates(class_id)
    return {t.id_number: (t.result, t.theory_score, t.practice_score,
                          certs.get(t.enrolment_id, {}).get("cert_number"))
            for t in grid.trainees}


def test_results_preview_reuses_the_core_certificate_checks(desk, tmp_path):
    class_id = results_class(desk)
    path = write_xls(tmp_path / "结果.xls", {"结果": results_rows()})
    preview = ClassImportService(desk).preview("results", path, class_code=CODE)
    assert preview.counts == {"rows": 7, "new": 2, "updated": 1, "unchanged": 0, "invalid": 4}
    assert issue_rows(preview, "CERT_DUPLICATE_IN_FILE") == [5, 9]
    assert issue_rows(preview, "CERT_DUPLICATE") == [6]
    assert issue_rows(preview, "CERT_LEVEL_MISMATCH") == [7]
    assert {i.column for i in preview.issues("error")} == {"证书编号"}
    before = results_in_db(desk, class_id)
    assert before[B] == ("pass", None, None, CERT_B) and before[A] == (None, None, None, None)


def test_results_commit_and_rollback_of_everything_on_failure(desk, tmp_path, monkeypatch):
    class_id = results_class(desk)
    path = write_xls(tmp_path / "结果.xls", {"结果": results_rows()})
    service = ClassImportService(desk)
    preview = service.preview("results", path, class_code=CODE)
    before, ops = results_in_db(desk, class_id), desk.db.execute(
        "SELECT count(*) FROM op_log").fetchone()[0]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(desk.outcomes, "save_certificate", broken)
    with pytest.raises(RuntimeError):
        service.commit(preview)  # the results of rows 3 and 4 were written before the failure
    assert results_in_db(desk, class_id) == before
    assert desk.db.execute("SELECT count(*) FROM op_log").fetchone()[0] == ops
    assert batches(desk) == []
    monkeypatch.undo()
    result = service.commit(preview)
    assert result.committed
    after = results_in_db(desk, class_id)
    assert after[A] == ("pass", 85, 90, CERT_A)
    assert after[B] == ("pass", 80, 80, CERT_B)
    assert after[F] == ("absent", None, None, None)
    assert after[C] == after[D] == after[E] == after[G] == (None, None, None, None)
    assert batches(desk) == [("results", 7, 2, 1, 0, 4)]


def test_results_from_scores_with_a_pass_mark_in_utf8_csv(desk, tmp_path):
    class_id = results_class(desk)
    path = write_csv(tmp_path / "r.csv", [
        ["姓名", "身份证号", "总分", "考核结果"],
        ["王小明", A, "75", ""],        # 2: pass by the score
        ["赵敏", E, "59.5", ""],        # 3: fail by the score
        ["周杰", G, "95", "不合格"],    # 4: result and score disagree: warning
        ["孙丽", F, "一百", ""],        # 5: not a score
        ["张伟", C, "", "优秀"],        # 6: unknown result
        ["张伟", D, "", ""],            # 7: nothing to record
    ], encoding="utf-8")
    service = ClassImportService(desk)
    preview = service.preview("results", path, class_code=CODE)
    assert issue_rows(preview, "RESULT_SCORE_MISMATCH") == [4]
    assert issue_rows(preview, "SCORE_FORMAT") == [5]
    assert issue_rows(preview, "RESULT_UNKNOWN") == [6]
    assert issue_rows(preview, "NOTHING_TO_RECORD") == [7]
    assert preview.counts == {"rows": 6, "new": 3, "updated": 0, "unchanged": 1, "invalid": 2}
    service.commit(preview)
    after = results_in_db(desk, class_id)
    assert (after[A][0], after[E][0], after[G][0]) == ("pass", "fail", "fail")


# -- employment --------------------------------------------------------------------------

def employment_rows() -> list[list]:
    return [
        ["姓名", "身份证号", "跟踪月份", "就业状态", "就业单位", "统一社会信用代码",
         "劳动合同签订日期", "记录日期"],                                                # 1
        ["王小明", A, "1个月", "就业", "苏州电气有限公司", USCC, "2026-04-01", "2026-04-14"],  # 2
        ["李芳", B, 3, "灵活就业", "", "", "", "2026-06-14"],                        # 3
        ["张伟", C, "2个月", "就业", "某公司", "", "", "2026-04-14"],               # 4 month
        ["张伟", D, 1, "就业", "某公司", BAD_USCC, "", "2026-04-14"],                # 5 code
        ["赵敏", E, "第一个月", "自主创业", "赵记小吃", "", "", "2026-04-14"],        # 6
        ["孙丽", None, 1, "未就业", "", "", "", "2026-04-14"],                        # 7 name
        ["周杰", G, 1, "出国", "", "", "", "2026-04-14"],                              # 8 status
        ["王小明", A, "1个月", "就业", "另一公司", "", "", "2026-04-15"],              # 9 twice
    ]


def test_employment_preview_commit_from_xls(desk, tmp_path):
    class_id = set_up_class(desk, "completed")
    path = write_xls(tmp_path / "跟踪.xls", {"Sheet1": employment_rows()})
    service = ClassImportService(desk)
    preview = service.preview("employment", path, class_code=CODE)
    assert preview.counts == {"rows": 8, "new": 3, "updated": 0, "unchanged": 0, "invalid": 5}
    assert issue_rows(preview, "FOLLOWUP_MONTH") == [4]
    assert issue_rows(preview, "USCC_CHECK_CHAR") == [5]
    assert issue_rows(preview, "FOLLOWUP_STATUS") == [8]
    assert issue_rows(preview, "DUPLICATE_IN_FILE") == [2, 9]
    assert next(i for i in preview.issues("error") if i.row == 5).column == "统一社会信用代码"
    service.commit(preview)
    stored = {(f["enrolment_id"], m): f["status"]
              for (_e, m), f in desk.outcomes.followups(class_id).items()}
    ids = {enrolment_of(desk, class_id, n): n for _name, n in TRAINEES}
    assert {(ids[e], m): s for (e, m), s in stored.items()} == {
        (B, 3): "flexible", (E, 1): "entrepreneur", (F, 1): "unemployed"}
    assert batches(desk) == [("employment", 8, 3, 0, 0, 5)]


def test_employment_month_from_option_when_the_file_has_none(desk, tmp_path):
    set_up_class(desk, "completed")
    path = write_csv(tmp_path / "e.csv", [["姓名", "证件号码", "就业情况"],
                                          ["王小明", A, "就业"]], encoding="gbk")
    service = ClassImportService(desk)
    with pytest.raises(NoRecordsFound):
        service.preview("employment", path, class_code=CODE)
    preview = service.preview("employment", path, class_code=CODE,
                              options=ImportOptions(month=6))
    assert issue_rows(preview, "NO_RECORDED_ON_COLUMN") == [0]
    assert issue_rows(preview, "EMPLOYER_EMPTY") == [2]  # the core's warning, on the row
    assert preview.counts["new"] == 1 and preview.rows[0].values["month"] == 6
