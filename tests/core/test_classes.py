"""Training classes through the facade: guards, lifecycle, roster after filing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from skilldesk.core.class_models import ClassDraft
from skilldesk.core.class_models import TeacherDraft
from skilldesk.core.classes import GuardFailed
from skilldesk.core.classes import ReasonRequired
from skilldesk.core.desk import Desk
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.models import PersonDraft
from skilldesk.errors import Conflict
from skilldesk.errors import ValidationError
from skilldesk.rules.class_rules import Slot
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import oplog

TODAY = dt.date(2026, 11, 26)  # a Thursday
START = dt.date(2026, 12, 14)  # a Monday, 12 working days later
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]


def id_number(n: int, born: str = "19900101") -> str:
    body = f"320508{born}{n:03d}"
    return body + id_check_char(body)


@pytest.fixture
def desk():
    desk = Desk.open(None)
    desk.institution.create(InstitutionDraft(name="苏州测试职业培训学校", uscc="91110000600037341L"))
    for n, name in enumerate(NAMES):
        desk.people.save(PersonDraft(name=name, id_number=id_number(n), categories=["migrant_worker"]))
    yield desk
    desk.close()


def draft(**overrides) -> ClassDraft:
    values = dict(code="SZ2026-101", name="电工（初级）第1期", training_type="employment_skill",
                  start_date=START.isoformat(), end_date=(START + dt.timedelta(days=25)).isoformat(),
                  occupation_code="6-31-01-03", occupation_name="电工", level="L5", category="A",
                  theory_hours=16, practice_hours=24, venue="实训楼 201", capacity=40,
                  teaching_plan="电工基础 16 课时；实操 24 课时", assessment_plan="理论+实操考核",
                  fee_fen=120000, teachers=[TeacherDraft("周建国", "高级技师", "", "both")])
    values.update(overrides)
    return ClassDraft(**values)


def people(desk) -> list[str]:
    return [r.id for r in reversed(desk.people.search("").rows)]


def new_class(desk, **overrides) -> str:
    return desk.classes.save(draft(**overrides)).ids[0]


def codes(blockers) -> set[str]:
    return {b.code for b in blockers}


# -- create and edit -------------------------------------------------------------------


def test_create_validates_every_field_and_reports_them_together(desk):
    with pytest.raises(ValidationError) as caught:
        desk.classes.save(draft(code="", name=" ", training_type="knitting", level="L9",
                                category="D", occupation_code="6-31-1", start_date="2026-13-01",
                                theory_hours=-1, teachers=[TeacherDraft("")]))
    assert {i.code for i in caught.value.issues} == {
        "CLASS_CODE_EMPTY", "CLASS_NAME_EMPTY", "CLASS_TYPE_UNKNOWN", "CLASS_LEVEL_UNKNOWN",
        "CLASS_CATEGORY", "OCC_FORMAT", "DATE_FORMAT", "NOT_A_COUNT",
        "TEACHER_NAME_EMPTY"}
    class_id = new_class(desk)
    with pytest.raises(ValidationError) as caught:
        desk.classes.save(draft(name="另一个班"))
    assert [i.code for i in caught.value.issues] == ["CLASS_CODE_TAKEN"]
    with pytest.raises(ValidationError):
        desk.classes.save(draft(end_date="2026-12-01"))  # before the start
    record = desk.classes.get(class_id)
    assert record["state"] == "draft" and record["fee_fen"] == 120000
    assert [t["name"] for t in record["teachers"]] == ["周建国"]


def test_edits_are_logged_and_need_a_reason_after_filing(desk):
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk))
    assert desk.classes.save(draft(venue="实训楼 305"), class_id=class_id).classes
    entry = oplog.entries_for(desk.db, "class", class_id)[-1]
    assert entry["action"] == "update" and entry["after"] == {"venue": "实训楼 305"}
    assert not desk.classes.save(draft(venue="实训楼 305"), class_id=class_id).anything  # no-op
    desk.classes.advance(class_id, "filed", today=TODAY)
    with pytest.raises(ReasonRequired):
        desk.classes.save(draft(venue="实训楼 401"), class_id=class_id)
    desk.classes.save(draft(venue="实训楼 401"), class_id=class_id, reason="原教室维修")
    entry = oplog.entries_for(desk.db, "class", class_id)[-1]
    assert entry["after"] == {"venue": "实训楼 401", "reason": "原教室维修"}
    assert entry["before"] == {"venue": "实训楼 305"}


# -- guards ------------------------------------------------------------------------------


def test_filing_guards_name_each_missing_thing_with_its_tab(desk):
    class_id = new_class(desk, venue="", teaching_plan="", teachers=[], theory_hours=30,
                         practice_hours=6)
    blockers = desk.classes.blockers(class_id, "filed", today=TODAY)
    assert codes(blockers) == {"CLASS_NO_VENUE", "CLASS_NO_TEACHING_PLAN", "CLASS_NO_TEACHERS",
                               "CLASS_PRACTICE_SHARE", "CLASS_HOURS_BELOW_MINIMUM",
                               "CLASS_ROSTER_EMPTY"}
    by_code = {b.code: b for b in blockers}
    assert by_code["CLASS_ROSTER_EMPTY"].target == "roster"
    assert by_code["CLASS_NO_VENUE"].target == "basic"
    assert "36" in by_code["CLASS_HOURS_BELOW_MINIMUM"].message()
    assert "40" in by_code["CLASS_HOURS_BELOW_MINIMUM"].message()
    assert "初级" in by_code["CLASS_HOURS_BELOW_MINIMUM"].clause  # the policy clause it rests on
    assert "17%" in by_code["CLASS_PRACTICE_SHARE"].message()
    with pytest.raises(GuardFailed) as caught:
        desk.classes.advance(class_id, "filed", today=TODAY)
    assert len(caught.value.blockers) == 6
    assert desk.classes.get(class_id)["state"] == "draft"


def test_hour_minimum_and_practice_share_come_from_the_rule_set(desk):
    # 中级 needs 56 periods (Jiangsu 2023); exactly 60% practice passes
    class_id = new_class(desk, level="L4", theory_hours=22, practice_hours=33)
    desk.classes.enrol(class_id, people(desk))
    assert codes(desk.classes.blockers(class_id, "filed", today=TODAY)) == {
        "CLASS_HOURS_BELOW_MINIMUM"}
    desk.classes.save(draft(level="L4", theory_hours=22, practice_hours=34), class_id=class_id)
    assert desk.classes.blockers(class_id, "filed", today=TODAY) == []
    desk.classes.save(draft(level="L4", theory_hours=23, practice_hours=33), class_id=class_id)
    assert codes(desk.classes.blockers(class_id, "filed", today=TODAY)) == {"CLASS_PRACTICE_SHARE"}
    # entrepreneurship training has no practice-share rule
    desk.classes.save(draft(level="", training_type="entrepreneurship_syb", theory_hours=40,
                            practice_hours=0), class_id=class_id)
    assert desk.classes.blockers(class_id, "filed", today=TODAY) == []


def test_filing_lead_time_counts_working_days(desk):
    # Start Monday 2026-12-14: five working days back is Monday 2026-12-07.
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk))
    assert desk.classes.blockers(class_id, "filed", today=dt.date(2026, 12, 7)) == []
    late = desk.classes.blockers(class_id, "filed", today=dt.date(2026, 12, 8))
    assert codes(late) == {"CLASS_FILING_TOO_LATE"}
    message = late[0].message()
    assert "2026-12-07" in message and "2026-12-15" in message  # the earliest possible start


def test_roster_must_be_valid_at_filing(desk):
    young = desk.people.save(PersonDraft(name="小明", id_number=id_number(50, "20110301"))).ids[0]
    class_id = new_class(desk)
    desk.classes.enrol(class_id, [*people(desk)[:2], young])
    blockers = desk.classes.blockers(class_id, "filed", today=TODAY)
    assert codes(blockers) == {"CLASS_TRAINEE_INVALID"}
    assert "小明" in blockers[0].message() and "15" in blockers[0].message()
    assert "20110301" not in blockers[0].message()  # the ID number is masked
    desk.classes.save(draft(capacity=2), class_id=class_id)
    assert "CLASS_OVER_CAPACITY" in codes(desk.classes.blockers(class_id, "filed", today=TODAY))


def test_steps_outside_the_lifecycle_are_refused(desk):
    class_id = new_class(desk)
    assert codes(desk.classes.blockers(class_id, "completed", today=TODAY)) == {
        "CLASS_STEP_NOT_ALLOWED"}
    assert desk.classes.next_states(class_id) == ["filed", "withdrawn"]


# -- the whole lifecycle -------------------------------------------------------------------


def _to_training(desk, class_id) -> None:
    desk.classes.advance(class_id, "filed", today=TODAY)
    desk.classes.advance(class_id, "approved", today=TODAY)
    desk.attendance.generate(class_id, weekdays={0, 1, 2, 3, 4},
                             slots=[Slot("08:30", 4), Slot("13:30", 4)])
    desk.classes.advance(class_id, "in_training", today=START)


def test_lifecycle_from_draft_to_assessed(desk):
    class_id = new_class(desk)
    everyone = people(desk)
    desk.classes.enrol(class_id, everyone)
    desk.classes.advance(class_id, "filed", today=TODAY)
    record = desk.classes.get(class_id)
    assert record["state"] == "filed" and record["rule_set"] == "js-suzhou-2023"
    snapshot = desk.classes.snapshot(class_id)
    assert [t["name"] for t in snapshot["trainees"]] == NAMES and len(snapshot["sha256"]) == 64
    desk.classes.advance(class_id, "approved", today=TODAY)
    assert codes(desk.classes.blockers(class_id, "in_training", today=START)) == {"CLASS_NO_SESSIONS"}
    assert codes(desk.classes.blockers(class_id, "in_training", today=TODAY)) == {
        "CLASS_NOT_STARTED", "CLASS_NO_SESSIONS"}
    _changes, left = desk.attendance.generate(class_id, weekdays={0, 1, 2, 3, 4},
                                              slots=[Slot("08:30", 4), Slot("13:30", 4)])
    assert left == {"theory": 0, "practice": 0}
    sessions = desk.attendance.sessions(class_id)
    assert [s.periods for s in sessions] == [4] * 10
    assert [s.kind for s in sessions] == ["theory"] * 4 + ["practice"] * 6
    assert sessions[0].date == START.isoformat() and sessions[0].end_time == "12:00"  # 4 × 45 min + 3 breaks of 10
    desk.classes.advance(class_id, "in_training", today=START)

    grid = desk.attendance.grid(class_id)
    marks = {(t.enrolment_id, s.id): "present" for t in grid.trainees for s in grid.sessions[:-1]}
    desk.attendance.save(class_id, marks)
    after_last = dt.date.fromisoformat(sessions[-1].date) + dt.timedelta(days=1)
    blockers = desk.classes.blockers(class_id, "completed", today=after_last)
    assert codes(blockers) == {"CLASS_ATTENDANCE_MISSING"}
    assert "10（" in blockers[0].message()
    desk.attendance.mark_all_present(class_id, sessions[-1].id)
    assert codes(desk.classes.blockers(class_id, "completed", today=START)) \
        == {"CLASS_SESSIONS_AHEAD"}
    desk.classes.advance(class_id, "completed", today=after_last)

    roster = desk.classes.roster(class_id)
    assert codes(desk.classes.blockers(class_id, "assessed")) == {"CLASS_RESULTS_MISSING"}
    for trainee in roster:
        desk.outcomes.set_result(trainee["enrolment_id"], "pass", theory_score=80, practice_score=85)
    assert codes(desk.classes.blockers(class_id, "assessed")) == {"CLASS_CERTIFICATE_MISSING"}
    desk.outcomes.set_result(roster[0]["enrolment_id"], "fail", theory_score=40)
    from skilldesk.core.outcomes import CertificateDraft
    for n, trainee in enumerate(roster[1:], 1):
        desk.outcomes.save_certificate(trainee["enrolment_id"], CertificateDraft(
            "training", f"SZPX2026{n:04d}", (START + dt.timedelta(days=30)).isoformat(),
            "苏州市职业技能鉴定中心"), today=START + dt.timedelta(days=40))
    desk.classes.advance(class_id, "assessed")
    states = [(t["from_state"], t["to_state"]) for t in desk.classes.transitions(class_id)]
    assert states == [("draft", "filed"), ("filed", "approved"), ("approved", "in_training"),
                      ("in_training", "completed"), ("completed", "assessed")]
    stats = desk.outcomes.stats(class_id)
    assert (stats.trainees, stats.passed, stats.pass_rate) == (6, 5, 5 / 6)
    assert stats.pass_target == 0.9


def test_reject_withdraw_and_revise_need_reasons(desk):
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk))
    desk.classes.advance(class_id, "filed", today=TODAY)
    with pytest.raises(ReasonRequired):
        desk.classes.advance(class_id, "rejected")
    desk.classes.advance(class_id, "rejected", reason="授课教师资格证明缺失")
    assert desk.classes.next_states(class_id) == ["draft"]
    desk.classes.advance(class_id, "draft", reason="已补充教师证明")
    desk.classes.advance(class_id, "withdrawn", reason="报名人数不足")
    last = desk.classes.transitions(class_id)[-1]
    assert (last["to_state"], last["reason"]) == ("withdrawn", "报名人数不足")


# -- roster after filing -----------------------------------------------------------------


def test_roster_changes_after_filing_need_a_reason_and_are_listed(desk):
    everyone = people(desk)
    class_id = new_class(desk)
    desk.classes.enrol(class_id, everyone[:4])
    first = desk.classes.roster(class_id)[0]["enrolment_id"]
    desk.classes.withdraw(first)  # a draft: simply removed
    assert len(desk.classes.roster(class_id)) == 3
    desk.classes.advance(class_id, "filed", today=TODAY)
    with pytest.raises(ReasonRequired) as caught:
        desk.classes.enrol(class_id, [everyone[4]])
    from skilldesk import i18n
    i18n.set_language("zh_CN")
    assert caught.value.user_message() == (
        "请填写原因：名册已随开班申请报送，报送后的变更需向人社部门说明。")
    i18n.set_language("en")
    desk.classes.enrol(class_id, [everyone[4]], reason="补报名，经人社部门同意")
    leaving = desk.classes.roster(class_id)[0]
    with pytest.raises(ReasonRequired):
        desk.classes.withdraw(leaving["enrolment_id"])
    desk.classes.withdraw(leaving["enrolment_id"], reason="找到工作，退出培训", on=TODAY)
    desk.classes.enrol(class_id, [leaving["person_id"]], reason="工作未成，重新参加")
    changes = desk.classes.roster_changes(class_id)
    assert [(c["action"], c["name"], c["reason"]) for c in changes] == [
        ("add", NAMES[4], "补报名，经人社部门同意"),
        ("withdraw", leaving["name"], "找到工作，退出培训"),
        ("readmit", leaving["name"], "工作未成，重新参加"),
    ]
    # the snapshot still shows the roster as filed
    assert [t["name"] for t in desk.classes.snapshot(class_id)["trainees"]] == NAMES[1:4]


def test_roster_is_closed_once_training_ended(desk):
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:2])
    _to_training(desk, class_id)
    grid = desk.attendance.grid(class_id)
    desk.attendance.save(class_id, {(t.enrolment_id, s.id): "present"
                                    for t in grid.trainees for s in grid.sessions})
    desk.classes.advance(class_id, "completed", today=START + dt.timedelta(days=30))
    with pytest.raises(Conflict):
        desk.classes.enrol(class_id, people(desk)[2:3], reason="迟到的报名")
