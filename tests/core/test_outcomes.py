"""Attendance, results, certificates, follow-ups, rates and attachments through the facade."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from skilldesk.core.attachments import AttachmentTooLarge
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.core.outcomes import FollowupDraft
from skilldesk.core.outcomes import add_months
from skilldesk.errors import Conflict
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.storage import oplog
from tests.core.test_classes import START
from tests.core.test_classes import _to_training
from tests.core.test_classes import desk  # noqa: F401  (fixture)
from tests.core.test_classes import new_class
from tests.core.test_classes import people

LATER = START + dt.timedelta(days=60)


def cert22(level: int, serial: int = 1, year: int = 26) -> str:
    """A 22-character skill-level certificate number (人社鉴发〔2019〕2号 layout)."""
    return f"S000032000001{year:02d}{level}{serial:06d}"


@pytest.fixture
def trained(desk):  # noqa: F811
    """A junior (level 5) class in training with four trainees and ten sessions."""
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:4])
    _to_training(desk, class_id)
    return class_id


def _complete(desk, class_id):
    grid = desk.attendance.grid(class_id)
    desk.attendance.save(class_id, {(t.enrolment_id, s.id): "present"
                                    for t in grid.trainees for s in grid.sessions})
    desk.classes.advance(class_id, "completed", today=START + dt.timedelta(days=30))
    return desk.classes.roster(class_id)


# -- attendance ------------------------------------------------------------------------


def test_marks_save_clear_and_credit_present_and_late(desk, trained):
    grid = desk.attendance.grid(trained)
    first, second = grid.trainees[:2]
    s1, s2, s3 = grid.sessions[:3]
    desk.attendance.save(trained, {(first.enrolment_id, s1.id): "present",
                                   (first.enrolment_id, s2.id): "late",
                                   (first.enrolment_id, s3.id): "absent",
                                   (second.enrolment_id, s1.id): "leave"}, method="paper")
    grid = desk.attendance.grid(trained)
    assert grid.marks == {(first.enrolment_id, s1.id): "present",
                          (first.enrolment_id, s2.id): "late",
                          (first.enrolment_id, s3.id): "absent",
                          (second.enrolment_id, s1.id): "leave"}
    summary = desk.attendance.summary(grid)
    assert summary[first.enrolment_id].credited_periods == 8  # present + late, 4 periods each
    assert summary[first.enrolment_id].recorded_periods == 12
    assert summary[first.enrolment_id].rate == pytest.approx(2 / 3)
    assert summary[second.enrolment_id].rate == 0
    assert summary[grid.trainees[2].enrolment_id].rate is None  # nothing recorded yet
    desk.attendance.save(trained, {(first.enrolment_id, s3.id): None,
                                   (second.enrolment_id, s1.id): "present"})
    grid = desk.attendance.grid(trained)
    assert (first.enrolment_id, s3.id) not in grid.marks
    assert grid.marks[(second.enrolment_id, s1.id)] == "present"
    # one op per session touched, listing the marks changed
    entry = oplog.entries_for(desk.db, "session", s1.id)[-1]
    assert entry["action"] == "attendance"
    assert entry["after"]["marks"] == {second.enrolment_id: "present"}


def test_marks_are_refused_outside_training_and_for_strangers(desk, trained):
    other = new_class(desk, code="SZ2026-102")
    with pytest.raises(Conflict):
        desk.attendance.save(other, {})
    grid = desk.attendance.grid(trained)
    with pytest.raises(NotFound):
        desk.attendance.save(trained, {("not-an-enrolment", grid.sessions[0].id): "present"})
    with pytest.raises(ValueError):
        desk.attendance.save(trained, {(grid.trainees[0].enrolment_id, grid.sessions[0].id): "x"})


def test_sessions_edit_renumber_and_protect_recorded_ones(desk, trained):
    sessions = desk.attendance.sessions(trained)
    desk.attendance.save_session(trained, date=(START - dt.timedelta(days=1)).isoformat(),
                                 start_time="18:30", end_time="20:10", periods=2, kind="theory",
                                 topic="安全用电补课")
    renumbered = desk.attendance.sessions(trained)
    assert renumbered[0].topic == "安全用电补课" and [s.seq_no for s in renumbered] == list(
        range(1, 12))
    with pytest.raises(ValidationError) as caught:
        desk.attendance.save_session(trained, session_id=sessions[0].id, date="2026-12-32",
                                     start_time="9:00", end_time="08:00", periods=0, kind="x")
    assert {i.code for i in caught.value.issues} == {"DATE_FORMAT", "TIME_FORMAT", "PERIODS",
                                                    "SESSION_KIND"}
    trainee = desk.attendance.grid(trained).trainees[0]
    desk.attendance.save(trained, {(trainee.enrolment_id, sessions[0].id): "present"})
    with pytest.raises(Conflict):
        desk.attendance.delete_session(sessions[0].id)
    with pytest.raises(Conflict):  # the schedule cannot be regenerated over recorded attendance
        from skilldesk.rules.class_rules import Slot
        desk.attendance.generate(trained, weekdays={5}, slots=[Slot("09:00", 4)])
    desk.attendance.delete_session(renumbered[0].id)
    assert len(desk.attendance.sessions(trained)) == 10


def test_sessions_of_an_assessed_class_cannot_change(desk, trained):
    roster = _complete(desk, trained)
    for trainee in roster:
        desk.outcomes.set_result(trainee["enrolment_id"], "fail")
    desk.classes.advance(trained, "assessed")
    session = desk.attendance.sessions(trained)[0]
    with pytest.raises(Conflict):
        desk.attendance.save_session(trained, session_id=session.id, date=session.date,
                                     start_time="09:00", end_time="10:00", periods=1,
                                     kind="theory")
    with pytest.raises(Conflict):
        desk.attendance.delete_session(session.id)
    assert desk.attendance.sessions(trained)[0] == session


def test_attendance_after_withdrawal_leaves_the_grid(desk, trained):
    leaving = desk.classes.roster(trained)[0]
    desk.classes.withdraw(leaving["enrolment_id"], reason="家中有事退出", on=START)
    grid = desk.attendance.grid(trained)
    assert leaving["enrolment_id"] not in {t.enrolment_id for t in grid.trainees}
    assert len(grid.trainees) == 3


# -- results and certificates ----------------------------------------------------------------


def test_results_need_a_completed_class(desk, trained):
    enrolment_id = desk.classes.roster(trained)[0]["enrolment_id"]
    with pytest.raises(Conflict):
        desk.outcomes.set_result(enrolment_id, "pass")
    _complete(desk, trained)
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.set_result(enrolment_id, "passed", theory_score=120)
    assert {i.code for i in caught.value.issues} == {"RESULT_UNKNOWN", "SCORE_RANGE"}
    desk.outcomes.set_result(enrolment_id, "pass", theory_score=78.5, practice_score=90)
    assert desk.classes.roster(trained)[0]["result"] == "pass"


def test_certificate_numbers_are_checked_for_format_level_and_reuse(desk, trained):
    roster = _complete(desk, trained)
    for trainee in roster:
        desk.outcomes.set_result(trainee["enrolment_id"], "pass")
    first, second, third = (t["enrolment_id"] for t in roster[:3])
    day = (START + dt.timedelta(days=35)).isoformat()

    def save(enrolment_id, number, **kw):
        draft = CertificateDraft("skill_level", number, kw.get("issued", day), "苏州市某评价机构")
        return desk.outcomes.save_certificate(enrolment_id, draft, today=LATER)

    save(first, cert22(5, 1))
    with pytest.raises(ValidationError) as caught:
        save(second, cert22(5, 1))
    issue = caught.value.issues[0]
    assert issue.code == "CERT_DUPLICATE" and issue.params["name"] == roster[0]["name"]
    with pytest.raises(ValidationError) as caught:
        save(second, cert22(4, 2))  # an intermediate-level number in a junior class
    assert [i.code for i in caught.value.issues] == ["CERT_LEVEL_MISMATCH"]
    with pytest.raises(ValidationError) as caught:
        save(second, "S00003200000121500000")  # 21 characters
    assert [i.code for i in caught.value.issues] == ["CERT_FORMAT"]
    with pytest.raises(ValidationError) as caught:
        save(second, cert22(5, 2), issued="2020-01-01")
    assert [i.code for i in caught.value.issues] == ["CERT_BEFORE_CLASS"]
    save(second, " " + cert22(5, 2).lower() + " ")  # typed with spaces, lower case
    assert desk.outcomes.certificate(second)["cert_number"] == cert22(5, 2)
    save(first, cert22(5, 3))  # correcting a number updates the one certificate
    assert desk.outcomes.certificate(first)["cert_number"] == cert22(5, 3)
    desk.outcomes.set_result(third, "fail")
    with pytest.raises(ValidationError) as caught:
        save(third, cert22(5, 4))
    assert "CERT_NOT_PASSED" in {i.code for i in caught.value.issues}


# -- follow-up and rates ----------------------------------------------------------------------


def _assessed_syb(desk):
    class_id = new_class(desk, code="SYB2026-01", name="SYB 创业培训", training_type=(
        "entrepreneurship_syb"), level="", occupation_code="", occupation_name="创办你的企业",
        theory_hours=40, practice_hours=0)
    desk.classes.enrol(class_id, people(desk)[:5])
    _to_training(desk, class_id)
    roster = _complete(desk, class_id)
    for n, trainee in enumerate(roster):
        desk.outcomes.set_result(trainee["enrolment_id"], "pass" if n < 4 else "fail")
        if n < 4:
            desk.outcomes.save_certificate(trainee["enrolment_id"], CertificateDraft(
                "entrepreneurship", f"SYB2026{n:05d}", (START + dt.timedelta(days=30)).isoformat()),
                today=LATER)
    desk.classes.advance(class_id, "assessed")
    return class_id, roster


def test_followups_rates_and_the_one_to_four_target(desk):
    class_id, roster = _assessed_syb(desk)
    recorded = (START + dt.timedelta(days=60)).isoformat()
    plans = [("entrepreneur", 5), ("entrepreneur", 2), ("employed", 0), ("unemployed", 0)]
    for trainee, (status, jobs) in zip(roster, plans):
        desk.outcomes.save_followup(trainee["enrolment_id"], 1, FollowupDraft(
            status, recorded, employer="苏州某公司" if status == "employed" else "",
            jobs_created=jobs))
    stats = desk.outcomes.stats(class_id)
    assert (stats.passed, stats.followed_up, stats.employed) == (4, 4, 3)
    assert stats.pass_rate == pytest.approx(0.8) and stats.employment_rate == pytest.approx(0.75)
    assert stats.is_entrepreneurship and stats.entrepreneurs == 2 and stats.jobs_created == 7
    assert stats.jobs_per_entrepreneur == pytest.approx(3.5) and stats.jobs_target == 4
    # a later follow-up supersedes the earlier one for the rates
    desk.outcomes.save_followup(roster[3]["enrolment_id"], 3, FollowupDraft("flexible", recorded))
    assert desk.outcomes.stats(class_id).employment_rate == 1.0


def test_followup_checks(desk):
    class_id, roster = _assessed_syb(desk)
    enrolment_id = roster[0]["enrolment_id"]
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.save_followup(enrolment_id, 2, FollowupDraft("employed", "2027-01-01"))
    assert caught.value.issues[0].code == "FOLLOWUP_MONTH"
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.save_followup(enrolment_id, 1, FollowupDraft(
            "hired", "2027-13-01", employer_uscc="91320500MA1ABCDE1X", jobs_created=-1))
    assert {i.code for i in caught.value.issues} >= {"FOLLOWUP_STATUS", "DATE_FORMAT",
                                                      "NOT_A_COUNT"}
    assert any(i.field == "employer_uscc" for i in caught.value.issues)
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.save_followup(enrolment_id, 1, FollowupDraft("employed", "2027-02-01",
                                                                   jobs_created=3))
    assert [i.code for i in caught.value.issues if i.severity == "error"] == [
        "JOBS_WITHOUT_BUSINESS"]


def test_due_followups_list_the_passed_trainees_not_yet_followed_up(desk):
    class_id, roster = _assessed_syb(desk)
    end = dt.date.fromisoformat(desk.classes.get(class_id)["end_date"])
    assert desk.outcomes.due_followups(end, horizon_days=0) == []
    due = desk.outcomes.due_followups(add_months(end, 1), horizon_days=0)
    assert [(d.class_code, d.month, len(d.trainees)) for d in due] == [("SYB2026-01", 1, 4)]
    assert due[0].due_on == add_months(end, 1).isoformat()
    desk.outcomes.save_followup(roster[0]["enrolment_id"], 1, FollowupDraft(
        "unemployed", add_months(end, 1).isoformat()))
    due = desk.outcomes.due_followups(add_months(end, 3), horizon_days=0)
    assert [(d.month, len(d.trainees)) for d in due] == [(1, 3), (3, 4)]


def test_add_months_clamps_to_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), -1) == dt.date(2026, 11, 15)


# -- inspections and attachments ------------------------------------------------------------


def test_inspections_are_recorded_with_their_evidence(desk, trained, tmp_path):
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.save_inspection(trained, date="2026-12-15", inspector=" ", method="email")
    assert {i.code for i in caught.value.issues} == {"INSPECTOR_EMPTY", "INSPECTION_METHOD"}
    inspection_id = desk.outcomes.save_inspection(
        trained, date="2026-12-15", inspector="姑苏区人社局 王科长", method="on_site",
        findings="学员 4 人均在场", result="合格").ids[0]
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"x" * 1000)
    desk.attachments.add("inspection", inspection_id, photo, role="photo")
    desk.attachments.add("inspection", inspection_id, photo, role="photo")  # same link: kept once
    session_id = desk.attendance.sessions(trained)[0].id
    desk.attachments.add("session", session_id, photo, role="sign_in_sheet")  # same content
    found = desk.attachments.list("inspection", inspection_id)
    assert len(found) == 1 and found[0]["media_type"] == "image/jpeg"
    assert found[0]["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert desk.db.execute("SELECT count(*) FROM attachment_blob").fetchone()[0] == 1
    out = desk.attachments.save_to(found[0]["attachment_id"], tmp_path / "copy.jpg")
    assert out.read_bytes() == photo.read_bytes()
    assert [i["inspector"] for i in desk.outcomes.inspections(trained)] == ["姑苏区人社局 王科长"]


def test_attachments_refuse_large_files_and_detect_damage(desk, trained, tmp_path, monkeypatch):
    from skilldesk.core import attachments

    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF" + b"0" * 200)
    with pytest.raises(AttachmentTooLarge):
        desk.attachments.add("class", trained, big)
    small = tmp_path / "plan.txt"
    small.write_bytes("教学计划".encode())
    desk.attachments.add("class", trained, small)
    attachment_id = desk.attachments.list("class", trained)[0]["attachment_id"]
    desk.db.execute("UPDATE attachment_blob SET data = ?", [b"tampered"])
    with pytest.raises(attachments.AttachmentUnreadable):
        desk.attachments.data(attachment_id)
