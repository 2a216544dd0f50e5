"""Readiness signals (申领前自查): each signal fires on a crafted case and stays quiet
on the near miss next to it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from skilldesk.core import readiness
from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.rules import retirement
from skilldesk.rules.class_rules import Slot
from skilldesk.storage import sessions as session_sql
from tests.core.test_classes import START
from tests.core.test_classes import TODAY
from tests.core.test_classes import desk  # noqa: F401  (fixture)
from tests.core.test_classes import id_number
from tests.core.test_classes import new_class
from tests.core.test_classes import people
from tests.core.test_outcomes import LATER
from tests.core.test_outcomes import _complete
from tests.core.test_outcomes import cert22

END = START + dt.timedelta(days=25)  # the end date of tests.core.test_classes.draft()
TARGETS = {"basic", "roster", "sessions", "inspections", "results", "followup"}


def signals(desk, class_ids, **kw) -> dict[str, readiness.Signal]:  # noqa: F811
    found = desk.readiness.signals(class_ids, **kw)
    assert len({s.code for s in found}) == len(found)  # one signal per kind
    return {s.code: s for s in found}


def person(desk, n: int, born: str = "19900101", phone: str = "", name: str = "赵敏") -> str:  # noqa: F811
    return desk.people.save(PersonDraft(name=name, id_number=id_number(n, born),
                                        phone=phone)).ids[0]


def to_training(desk, class_id, slots=(Slot("08:30", 4), Slot("13:30", 4))) -> None:  # noqa: F811
    desk.classes.advance(class_id, "filed", today=TODAY)
    desk.classes.advance(class_id, "approved", today=TODAY)
    desk.attendance.generate(class_id, weekdays={0, 1, 2, 3, 4}, slots=list(slots))
    desk.classes.advance(class_id, "in_training", today=START)


def utc(day: dt.date, local_time: str) -> str:
    """The stored UTC stamp of a local (UTC+8) wall-clock time."""
    moment = dt.datetime.combine(day, dt.time.fromisoformat(local_time)) - dt.timedelta(hours=8)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mark_all(desk, class_id, sessions=None, times=None) -> None:  # noqa: F811
    grid = desk.attendance.grid(class_id)
    chosen = grid.sessions if sessions is None else sessions
    desk.attendance.save(class_id, {(t.enrolment_id, s.id): "present"
                                    for t in grid.trainees for s in chosen}, times=times)


# -- people --------------------------------------------------------------------------------


def test_shared_phone_counts_trainees_of_the_batch_up_to_the_threshold(desk):  # noqa: F811
    first = new_class(desk)
    second = new_class(desk, code="SZ2026-102", name="电工（初级）第2期")
    a, b, c = (person(desk, n, phone="13912345678") for n in (11, 12, 13))
    desk.classes.enrol(first, [a, b, *people(desk)[:2]])
    desk.classes.enrol(second, [c])
    # two trainees of the class share it: below shared_phone_min = 3
    assert "SHARED_PHONE" not in signals(desk, [first])
    # the third is in another class of the same batch
    shared = signals(desk, [first, second])["SHARED_PHONE"]
    assert shared.severity == "warning" and shared.count == 3
    assert {r.entity_id for r in shared.records} == {a, b, c}
    assert {r.class_id for r in shared.records} == {first, second}
    assert all(r.entity == "person" and r.target == "roster" for r in shared.records)
    assert "139****5678" in shared.records[0].label and "13912345678" not in shared.records[0].label
    assert shared.params["min"] == 3 and "3" in shared.message()
    assert "审计" in shared.clause  # the TOML [readiness].source


def test_thresholds_come_from_the_rule_set(desk, monkeypatch):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, [person(desk, n, phone="13912345678") for n in (11, 12)])
    assert "SHARED_PHONE" not in signals(desk, [class_id])
    real = readiness._rules

    def lenient(start):
        rules = real(start)
        return dataclasses.replace(rules, raw={**rules.raw, "readiness": {
            **rules.raw["readiness"], "shared_phone_min": 2}})

    monkeypatch.setattr(readiness, "_rules", lenient)
    assert signals(desk, [class_id])["SHARED_PHONE"].count == 2


def _born_retiring_on(day: dt.date) -> dt.date:
    """A man's birth date whose statutory retirement date is *day*."""
    birth = dt.date(day.year - 64, 1, 1)
    while birth < dt.date(day.year - 59, 1, 1):
        if retirement.retirement_date(birth, retirement.RetirementCategory.MALE) == day:
            return birth
        birth += dt.timedelta(days=1)
    raise AssertionError(day)


def test_past_retirement_on_the_class_start_date(desk):  # noqa: F811
    on_start = _born_retiring_on(START)
    tomorrow = _born_retiring_on(START + dt.timedelta(days=1))
    retired = person(desk, 21, on_start.strftime("%Y%m%d"), name="钱刚")  # odd: a man
    working = person(desk, 23, tomorrow.strftime("%Y%m%d"), name="孙强")
    class_id = new_class(desk)
    desk.classes.enrol(class_id, [retired, working])
    found = signals(desk, [class_id])["PAST_RETIREMENT"]
    assert found.severity == "warning"
    assert [r.entity_id for r in found.records] == [retired]
    assert START.isoformat() in found.records[0].label and "钱刚" in found.records[0].label


def test_in_school_is_a_student_graduating_after_the_class_year(desk):  # noqa: F811
    # the class runs 2026-12-14 .. 2027-01-08: graduating in 2027 is the graduation year
    class_id = new_class(desk)
    student = person(desk, 31, "20060301", name="周学")
    finalist = person(desk, 32, "20050301", name="吴毕")
    graduate = person(desk, 33, "20040301", name="郑往")
    desk.classes.enrol(class_id, [student, finalist, graduate])
    for pid, graduation in ((student, "2028-06-30"), (finalist, "2027-06-30"),
                            (graduate, "2026-07-01")):
        desk.db.execute("UPDATE person SET school = '苏州职业大学', graduation_date = ? "
                        "WHERE id = ?", [graduation, pid])
    found = signals(desk, [class_id])["IN_SCHOOL"]
    assert [r.entity_id for r in found.records] == [student]
    assert "2028-06-30" in found.records[0].label and found.severity == "warning"


def test_trainee_under_16_on_the_start_date(desk):  # noqa: F811
    sixteen = START.replace(year=START.year - 16)
    young = person(desk, 41, (sixteen + dt.timedelta(days=1)).strftime("%Y%m%d"), name="小明")
    just = person(desk, 43, sixteen.strftime("%Y%m%d"), name="小亮")
    class_id = new_class(desk)
    desk.classes.enrol(class_id, [young, just])
    found = signals(desk, [class_id])["TRAINEE_UNDER_16"]
    assert found.severity == "blocking" and [r.entity_id for r in found.records] == [young]
    assert "15" in found.records[0].label and found.params["age"] == 16
    assert sixteen.strftime("%Y%m%d") not in found.records[0].label  # ID masked


# -- classes and sessions ----------------------------------------------------------------------


def test_overlapping_classes_look_at_every_class_in_the_database(desk):  # noqa: F811
    someone = people(desk)[0]
    batch = new_class(desk)
    adjacent = new_class(desk, code="SZ2026-102", start_date=(END + dt.timedelta(days=1))
                         .isoformat(), end_date=(END + dt.timedelta(days=20)).isoformat())
    desk.classes.enrol(batch, [someone])
    desk.classes.enrol(adjacent, [someone])
    assert "OVERLAPPING_CLASSES" not in signals(desk, [batch])
    touching = new_class(desk, code="SZ2026-103", start_date=END.isoformat(),
                         end_date=(END + dt.timedelta(days=20)).isoformat())
    desk.classes.enrol(touching, [someone])
    found = signals(desk, [batch])["OVERLAPPING_CLASSES"]
    assert found.severity == "blocking"
    assert {r.class_id for r in found.records} == {batch, touching}  # outside the batch too
    assert all(r.entity == "enrolment" and r.target == "roster" for r in found.records)
    assert any("SZ2026-103" in r.label for r in found.records)
    # withdrawing from the other class (before filing: removed) clears it
    other = desk.classes.roster(touching)[0]["enrolment_id"]
    desk.classes.withdraw(other)
    assert "OVERLAPPING_CLASSES" not in signals(desk, [batch])


def test_attendance_in_two_classes_at_the_same_time(desk):  # noqa: F811
    someone = people(desk)[0]
    morning = new_class(desk)
    also_morning = new_class(desk, code="SZ2026-102")
    afternoon = new_class(desk, code="SZ2026-103")
    for class_id, slot in ((morning, "08:30"), (also_morning, "08:30"), (afternoon, "13:30")):
        desk.classes.enrol(class_id, [someone])
        to_training(desk, class_id, slots=[Slot(slot, 4)])
        mark_all(desk, class_id, desk.attendance.sessions(class_id)[:1])
    found = signals(desk, [morning, afternoon])
    assert "OVERLAPPING_CLASSES" in found  # the three classes share their dates
    clash = found["ATTENDANCE_IN_TWO_CLASSES"]
    assert clash.severity == "blocking"
    # the 13:30 class is on the same day but not at the same time
    assert {r.class_id for r in clash.records} == {morning, also_morning}
    assert all(r.entity == "session" and r.target == "sessions" for r in clash.records)


def test_same_sign_in_second_in_one_session(desk):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:5])
    to_training(desk, class_id)
    grid = desk.attendance.grid(class_id)
    s1, s2 = grid.sessions[:2]
    times = {}
    for n, t in enumerate(grid.trainees):
        times[(t.enrolment_id, s1.id)] = (utc(START, "08:25:07"), None)  # five at once
        times[(t.enrolment_id, s2.id)] = (utc(START, "13:25:07" if n < 4 else "13:25:08"), None)
    mark_all(desk, class_id, [s1, s2], times)
    found = signals(desk, [class_id], today=START)
    same = found["SAME_SIGN_IN"]
    assert same.severity == "warning" and same.params["min"] == 5
    assert [r.entity_id for r in same.records] == [s1.id]  # four identical: below 5
    assert "08:25:07" in same.records[0].label  # local time
    assert "ATTENDANCE_OUTSIDE_DATES" not in found


def test_sessions_and_sign_ins_outside_the_class_dates(desk):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:3])
    to_training(desk, class_id)
    sessions = desk.attendance.sessions(class_id)
    desk.attendance.save_session(class_id, session_id=sessions[-1].id, date=END.isoformat(),
                                 start_time="08:30", end_time="11:40", periods=4,
                                 kind=sessions[-1].kind)  # on the end date: fine
    assert signals(desk, [class_id], today=TODAY) == {}
    desk.attendance.save_session(class_id, session_id=sessions[-1].id,
                                 date=(END + dt.timedelta(days=1)).isoformat(),
                                 start_time="08:30", end_time="11:40", periods=4,
                                 kind=sessions[-1].kind)
    grid = desk.attendance.grid(class_id)
    first, second = grid.sessions[:2]  # START at 08:30 and 13:30
    day2 = dt.date.fromisoformat(second.date)
    night, late_night, early = grid.trainees
    mark_all(desk, class_id, [first, second], {
        # 00:10 and 07:59 local on the next day (still the session's day in UTC): another day
        (night.enrolment_id, second.id): (utc(day2 + dt.timedelta(days=1), "00:10"), None),
        (late_night.enrolment_id, second.id): (utc(day2 + dt.timedelta(days=1), "07:59"),
                                               None),
        # 00:30 local on the session's day, still the previous day in UTC: the same day
        (early.enrolment_id, second.id): (utc(day2, "00:30"), None)})
    found = signals(desk, [class_id], today=TODAY)["ATTENDANCE_OUTSIDE_DATES"]
    assert found.severity == "blocking"
    moved = desk.attendance.sessions(class_id)[-1]
    assert [r.entity_id for r in found.records] == [moved.id, second.id]
    assert "2 sign-ins" in found.records[1].label and second.date in found.records[1].label


def test_attendance_missing_for_past_sessions_once_training_started(desk):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:3])
    desk.classes.advance(class_id, "filed", today=TODAY)
    desk.classes.advance(class_id, "approved", today=TODAY)
    desk.attendance.generate(class_id, weekdays={0, 1, 2, 3, 4}, slots=[Slot("08:30", 4)])
    s1, s2, s3 = desk.attendance.sessions(class_id)[:3]
    later = dt.date.fromisoformat(s3.date)
    assert "ATTENDANCE_MISSING" not in signals(desk, [class_id], today=later)  # not started
    desk.classes.advance(class_id, "in_training", today=START)
    grid = desk.attendance.grid(class_id)
    mark_all(desk, class_id, [s1])
    desk.attendance.save(class_id, {(t.enrolment_id, s2.id): "absent"
                                    for t in grid.trainees[:2]})
    found = signals(desk, [class_id], today=dt.date.fromisoformat(s2.date))
    missing = found["ATTENDANCE_MISSING"]
    assert missing.severity == "blocking"
    assert [r.entity_id for r in missing.records] == [s2.id]  # s3 is after today
    assert "1 trainees" in missing.records[0].label
    # a withdrawn trainee owes no marks
    desk.classes.withdraw(grid.trainees[2].enrolment_id, reason="找到工作", on=START)
    found = signals(desk, [class_id], today=dt.date.fromisoformat(s2.date))
    assert "ATTENDANCE_MISSING" not in found


def test_certificate_dated_before_the_class_ended(desk):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:2])
    to_training(desk, class_id)
    roster = _complete(desk, class_id)
    early, on_time = (t["enrolment_id"] for t in roster)
    for n, (enrolment_id, issued) in enumerate(((early, END - dt.timedelta(days=1)),
                                                (on_time, END)), 1):
        desk.outcomes.set_result(enrolment_id, "pass")
        desk.outcomes.save_certificate(enrolment_id, CertificateDraft(
            "skill_level", cert22(5, n), issued.isoformat(), "苏州市某评价机构"), today=LATER)
    found = signals(desk, [class_id], today=LATER)["CERT_BEFORE_CLASS_END"]
    certificate = desk.outcomes.certificate(early)
    assert found.severity == "blocking"
    assert [(r.entity, r.entity_id, r.target) for r in found.records] == [
        ("certificate", certificate["id"], "results")]


def test_roster_changes_after_filing_carry_their_reason(desk):  # noqa: F811
    everyone = people(desk)
    class_id = new_class(desk)
    desk.classes.enrol(class_id, everyone[:4])
    desk.classes.withdraw(desk.classes.roster(class_id)[3]["enrolment_id"])  # before filing
    assert "ROSTER_CHANGED_AFTER_FILING" not in signals(desk, [class_id])
    desk.classes.advance(class_id, "filed", today=TODAY)
    desk.classes.withdraw(desk.classes.roster(class_id)[0]["enrolment_id"], reason="家中有事")
    desk.classes.enrol(class_id, [everyone[4]], reason="补录报名")
    found = signals(desk, [class_id])["ROSTER_CHANGED_AFTER_FILING"]
    assert found.severity == "warning" and found.count == 2
    labels = [r.label for r in found.records]
    assert "家中有事" in labels[0] and "withdrawn" in labels[0] and "补录报名" in labels[1]


# -- the whole report ------------------------------------------------------------------------


def test_blocking_first_json_and_nothing_for_a_clean_batch(desk):  # noqa: F811
    clean = new_class(desk)
    desk.classes.enrol(clean, people(desk)[:3])
    assert desk.readiness.signals([clean]) == []
    assert desk.readiness.signals([]) == [] and desk.readiness.signals(["nope"]) == []
    young = person(desk, 41, (START.replace(year=START.year - 15)).strftime("%Y%m%d"))
    desk.classes.enrol(clean, [person(desk, n, phone="13912345678") for n in (11, 12, 13)])
    desk.classes.enrol(clean, [young])
    found = desk.readiness.signals([clean, clean])
    assert [s.code for s in found] == ["TRAINEE_UNDER_16", "SHARED_PHONE"]
    document = found[0].as_json()
    assert set(document) == {"code", "severity", "message", "count", "clause", "records"}
    assert document["records"][0] == {"entity": "person", "id": young, "class_id": clean,
                                      "label": found[0].records[0].label, "target": "roster"}
    assert document["count"] == 1 and "16" in document["message"]


def test_demo_institution_signals():
    desk = Desk.open(None)  # noqa: F811
    try:
        desk.build_demo(people=2000, seed=1)
        class_ids = [c[0] for c in desk.db.execute("SELECT id FROM training_class")]
        states = dict(desk.db.execute("SELECT id, state FROM training_class"))
        found = desk.readiness.signals(class_ids)
        assert found and set(s.code for s in found) <= set(readiness.KINDS)
        severities = [s.severity for s in found]
        assert severities == sorted(severities, key=lambda s: s != "blocking")
        for signal in found:
            assert signal.count == len(signal.records) > 0 and signal.message()
            for record in signal.records:
                assert record.class_id in states and record.target in TARGETS
                assert record.label and record.entity in {
                    "person", "enrolment", "session", "certificate", "class"}
        codes = {s.code for s in found}
        # the demo only enrols people aged 16 and over, with no school recorded
        assert not codes & {"TRAINEE_UNDER_16", "IN_SCHOOL"}
        # unmarked past sessions agree with the class page's own query
        today = dt.date.today().isoformat()
        expected = {(class_id, seq) for class_id in class_ids
                    if states[class_id] in ("in_training", "completed", "assessed", "claimed",
                                            "paid")
                    for seq, date in session_sql.unrecorded_sessions(desk.db, class_id)
                    if date <= today}
        seq_of = dict(desk.db.execute("SELECT id, seq_no FROM session"))
        missing = {(r.class_id, seq_of[r.entity_id]) for s in found
                   if s.code == "ATTENDANCE_MISSING" for r in s.records}
        assert missing == expected
        # one class alone: a part of what the batch shows
        some = found[0].records[0].class_id
        alone = {(s.code, r.entity_id) for s in desk.readiness.signals([some]) for r in s.records}
        assert alone and alone <= {(s.code, r.entity_id) for s in found for r in s.records}
    finally:
        desk.close()


@pytest.mark.parametrize("stamp, local", [("2026-11-16T00:31:05Z", "2026-11-16"),
                                          ("2026-11-16T16:00:00Z", "2026-11-17"),
                                          ("junk", "junk")])
def test_local_dates_of_stamps(stamp, local):
    assert readiness._local_date(stamp) == local
