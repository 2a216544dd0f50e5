"""The 工作台: figures and charts against a demo database, checked through the other
services (not the dashboard's SQL); each to-do kind on a small database, appearing
when due and going away once done."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter

import pytest

from skilldesk.core.dashboard import COUNTED_STATES
from skilldesk.core.dashboard import TOP_OCCUPATIONS
from skilldesk.core.dashboard_todos import LATER
from skilldesk.core.dashboard_todos import OVERDUE
from skilldesk.core.dashboard_todos import SOON
from skilldesk.core.dashboard_todos import TODO_KINDS
from skilldesk.core.dashboard_todos import Target
from skilldesk.core.desk import Desk
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.core.outcomes import FollowupDraft
from skilldesk.core.outcomes import add_months
from skilldesk.rules.values import CATEGORY_LABELS
from tests.core.test_classes import START
from tests.core.test_classes import TODAY
from tests.core.test_classes import _to_training
from tests.core.test_classes import desk  # noqa: F401  (fixture)
from tests.core.test_classes import new_class
from tests.core.test_classes import people
from tests.core.test_claims import KEY
from tests.core.test_claims import decision_file
from tests.sync.devices import laptop
from tests.sync.devices import office
from tests.sync.devices import pair
from tests.sync.devices import send

YEAR = dt.date.today().year  # the demo is built around today


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("dash") / "demo.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=600, seed=2)
    desk.close()
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "demo.skilldesk"
    shutil.copy(demo_file, path)
    desk = Desk.open(path)
    yield desk
    desk.close()


# -- figures and charts against the other services --------------------------------------


def _counted(desk: Desk, year: int) -> list:
    return [c for c in desk.classes.list(year=year).rows if c.state in COUNTED_STATES]


@pytest.mark.parametrize("year", [YEAR - 1, YEAR, YEAR + 1])
def test_figures_agree_with_the_class_and_outcome_services(demo, year):
    figures = demo.dashboard.figures(year)
    page = demo.classes.list(year=year)
    assert figures.classes == len(page.rows)
    assert {s: n for s, n in figures.classes_by_state.items() if n} == \
        {s: n for s, n in Counter(c.state for c in page.rows).items()}
    rosters = {c.id: demo.classes.roster(c.id, include_withdrawn=False)
               for c in _counted(demo, year)}
    assert figures.enrolments == sum(len(r) for r in rosters.values())
    assert figures.trainees == len({t["person_id"] for r in rosters.values() for t in r})
    stats = [demo.outcomes.stats(cid) for cid in rosters]
    assert figures.assessed == sum(s.results_recorded for s in stats)
    assert figures.passed == figures.graduates == sum(s.passed for s in stats)
    assert figures.certified == sum(len(demo.outcomes.certificates(cid)) for cid in rosters)
    assert figures.followed_up == sum(s.followed_up for s in stats)
    assert figures.employed == sum(s.employed for s in stats)
    if figures.assessed:
        assert figures.pass_rate == pytest.approx(figures.passed / figures.assessed)
    else:
        assert figures.pass_rate is None
    if figures.followed_up:
        assert figures.employment_rate == pytest.approx(figures.employed / figures.followed_up)
    assert figures.pass_target == figures.employment_target == 0.9   # js-suzhou-2023 [targets]
    assert "90%" in figures.targets_source


def test_this_year_of_the_demo_has_every_figure(demo):
    figures = demo.dashboard.figures(YEAR)
    assert figures.trainees > 100 and figures.enrolments >= figures.trainees
    assert 0 < figures.passed <= figures.assessed and figures.certified == figures.passed
    assert 0 < figures.employed <= figures.followed_up <= figures.graduates
    assert figures.not_followed_up == figures.graduates - figures.followed_up
    # a year with nothing: zeros and no rates, not errors
    empty = demo.dashboard.figures(1999)
    assert (empty.classes, empty.trainees, empty.pass_rate, empty.employment_rate) == (
        0, 0, None, None)
    assert empty.pass_target is None   # no rule set was in force in 1999


def test_charts_agree_with_the_rosters_and_certificates(demo):
    charts = demo.dashboard.charts(YEAR)
    classes = _counted(demo, YEAR)
    by_month, by_category, by_occupation = Counter(), Counter(), Counter()
    certified = Counter()
    for c in demo.classes.list().rows:
        for cert in demo.outcomes.certificates(c.id).values():
            if cert["issue_date"].startswith(f"{YEAR}-"):
                certified[int(cert["issue_date"][5:7])] += 1
    for c in classes:
        roster = demo.classes.roster(c.id, include_withdrawn=False)
        record = demo.classes.get(c.id)
        by_month[int(record["start_date"][5:7])] += len(roster)
        by_occupation[record["occupation_name"] or record["training_type"]] += len(roster)
        for t in roster:
            by_category[t["person_category"] or "none"] += 1
    assert [b.value for b in charts.trainees_by_month] == [by_month[m] for m in range(1, 13)]
    assert [b.value for b in charts.certificates_by_month] == [certified[m]
                                                               for m in range(1, 13)]
    assert [b.label for b in charts.trainees_by_month][:2] == ["Jan", "Feb"]
    assert {b.key: b.value for b in charts.by_category} == dict(by_category)
    assert all(b.label == CATEGORY_LABELS[b.key] for b in charts.by_category
               if b.key in CATEGORY_LABELS)
    # the largest occupations, then the rest as one bar
    ranked = sorted(by_occupation.values(), reverse=True)
    bars = charts.by_occupation
    assert sum(b.value for b in bars) == sum(by_month.values())
    assert len(bars) <= TOP_OCCUPATIONS + 1
    if len(by_occupation) > TOP_OCCUPATIONS + 1:
        assert [b.value for b in bars[:TOP_OCCUPATIONS]] == ranked[:TOP_OCCUPATIONS]
        assert bars[-1].key == "other" and bars[-1].value == sum(ranked[TOP_OCCUPATIONS:])


def test_subsidy_figures_follow_a_claim_from_signing_to_payment(demo, tmp_path):
    klass = demo.classes.list(state="assessed").rows[0]
    number_year = dt.date.today().year
    assert demo.dashboard.figures(number_year).claims == 0
    number = demo.claims.number_of(demo.claims.create([klass.id]).ids[0])
    assert demo.dashboard.figures(number_year).claimed_fen == 0   # a draft has not left
    demo.claims.sign(number, KEY, tmp_path / "claim.tsclaim")
    total = demo.claims.get(number)["total_fen"]
    figures = demo.dashboard.figures(number_year)
    assert (figures.claims, figures.claimed_fen, figures.approved_fen, figures.paid_fen) == (
        1, total, 0, 0)
    demo.claims.record_submission(number)
    lines = demo.claims.show(number)["lines"]
    demo.claims.import_decision(number, decision_file(
        tmp_path / "decision.xlsx", {"lines": lines},
        lambda x: [x["id_number"], x["name"], "核准", x["amount_fen"] / 100, ""]))
    assert demo.dashboard.figures(number_year).approved_fen == total
    demo.claims.record_payment(number, dt.date.today(), total - 100)
    figures = demo.dashboard.figures(number_year)
    assert (figures.claimed_fen, figures.approved_fen, figures.paid_fen) == (
        total, total, total - 100)
    assert demo.dashboard.figures(number_year - 1).claims == 0   # numbered in its year


def test_certificates_near_the_claim_deadline_leave_the_list_once_signed(demo, tmp_path):
    klass = demo.classes.list(state="assessed").rows[0]
    issued = min(c["issue_date"] for c in demo.outcomes.certificates(klass.id).values())
    deadline = add_months(dt.date.fromisoformat(issued), 12)
    day = deadline - dt.timedelta(days=20)

    def items():
        return [t for t in demo.dashboard.todos(day) if t.kind == "claim_window"
                and t.target.id == klass.id]

    found = items()
    assert len(found) == 1 and found[0].urgency == SOON
    assert found[0].target == Target("class", klass.id, "subsidy")
    assert found[0].due == deadline and deadline.isoformat() in found[0].title
    number = demo.claims.number_of(demo.claims.create([klass.id]).ids[0])
    assert items()                                     # a draft claim is not enough
    demo.claims.sign(number, KEY, tmp_path / "claim.tsclaim")
    assert items() == []


# -- to-dos on small databases -----------------------------------------------------------


def _of(desk, kind, today):
    return [t for t in desk.dashboard.todos(today) if t.kind == kind]


def test_an_opening_application_due_soon_then_overdue_then_filed(desk):  # noqa: F811
    class_id = new_class(desk)           # starts START (Mon 14 Dec), 5 working days: Mon 7 Dec
    desk.classes.enrol(class_id, people(desk))
    deadline = dt.date(2026, 12, 7)
    assert _of(desk, "filing", deadline - dt.timedelta(days=15)) == []   # not yet
    later = _of(desk, "filing", TODAY)
    assert [(t.urgency, t.due, t.target) for t in later] == [
        (LATER, deadline, Target("class", class_id, "basic"))]
    assert "2026-12-07" in later[0].title and "SZ2026-101" in later[0].title
    assert _of(desk, "filing", deadline - dt.timedelta(days=2))[0].urgency == SOON
    assert _of(desk, "filing", deadline + dt.timedelta(days=1))[0].urgency == OVERDUE
    desk.classes.advance(class_id, "filed", today=TODAY)
    assert _of(desk, "filing", TODAY) == []


def test_past_sessions_without_attendance_until_marked(desk):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:3])
    _to_training(desk, class_id)
    day = START + dt.timedelta(days=3)   # Thursday: the Mon–Wed sessions are past
    grid = desk.attendance.grid(class_id)
    past = [s for s in grid.sessions if dt.date.fromisoformat(s.date) < day]
    (item,) = _of(desk, "attendance", day)
    assert item.params["count"] == len(past) and item.target == Target("class", class_id,
                                                                        "sessions")
    assert item.urgency == SOON and item.due == START
    assert _of(desk, "attendance", START + dt.timedelta(days=10))[0].urgency == OVERDUE
    # one trainee still missing in one session keeps it on the list
    marks = {(t.enrolment_id, s.id): "present" for t in grid.trainees for s in past}
    desk.attendance.save(class_id, dict(list(marks.items())[:-1]))
    assert _of(desk, "attendance", day)[0].params["count"] == 1
    desk.attendance.save(class_id, marks)
    assert _of(desk, "attendance", day) == []
    assert _of(desk, "attendance", START) == []   # today's sessions are not past yet


def _assessed(desk):  # noqa: F811
    class_id = new_class(desk)
    desk.classes.enrol(class_id, people(desk)[:3])
    _to_training(desk, class_id)
    grid = desk.attendance.grid(class_id)
    desk.attendance.save(class_id, {(t.enrolment_id, s.id): "present"
                                    for t in grid.trainees for s in grid.sessions})
    desk.classes.advance(class_id, "completed", today=START + dt.timedelta(days=30))
    roster = desk.classes.roster(class_id)
    issued = START + dt.timedelta(days=30)
    for n, trainee in enumerate(roster):
        desk.outcomes.set_result(trainee["enrolment_id"], "pass")
        desk.outcomes.save_certificate(trainee["enrolment_id"], CertificateDraft(
            "skill_level", f"S00003200000126{5}{n + 1:06d}", issued.isoformat()),
            today=issued)
    desk.classes.advance(class_id, "assessed")
    return class_id, roster, issued


def test_followups_due_until_recorded(desk):  # noqa: F811
    class_id, roster, _issued = _assessed(desk)
    end = dt.date.fromisoformat(desk.classes.get(class_id)["end_date"])
    due = add_months(end, 1)
    assert _of(desk, "followup", due - dt.timedelta(days=20)) == []
    (item,) = _of(desk, "followup", due)
    assert item.params == {"code": "SZ2026-101", "name": "电工（初级）第1期", "month": 1,
                           "count": 3, "date": due.isoformat()}
    assert item.target == Target("class", class_id, "followup") and item.urgency == SOON
    assert _of(desk, "followup", due + dt.timedelta(days=1))[0].urgency == OVERDUE
    for trainee in roster:
        desk.outcomes.save_followup(trainee["enrolment_id"], 1, FollowupDraft(
            "employed", due.isoformat(), employer="苏州某公司"))
    assert _of(desk, "followup", due) == []


def test_claim_window_appears_sixty_days_before_and_drops_once_closed(desk):  # noqa: F811
    class_id, _roster, issued = _assessed(desk)
    deadline = add_months(issued, 12)
    assert _of(desk, "claim_window", deadline - dt.timedelta(days=61)) == []
    (item,) = _of(desk, "claim_window", deadline - dt.timedelta(days=60))
    assert (item.urgency, item.params["count"], item.due) == (LATER, 3, deadline)
    assert _of(desk, "claim_window", deadline)[0].urgency == SOON
    assert _of(desk, "claim_window", deadline + dt.timedelta(days=1)) == []  # nothing to do


def test_sync_changes_waiting_until_a_bundle_is_sent():
    a, b = office(people=5), laptop("外勤笔记本")
    try:
        pair(a, b)
        (item,) = _of(a, "sync", TODAY)
        assert item.target == Target("sync_device", b.device_id)
        assert item.params["device"] == "外勤笔记本" and item.params["count"] > 0
        send(a, b)
        send(b, a)   # the laptop's receipt acknowledges what it received
        assert _of(a, "sync", TODAY) == []
    finally:
        a.close()
        b.close()


def test_backup_overdue_until_one_is_made(tmp_path):
    desk = Desk.open(tmp_path / "office.skilldesk", create=True)
    try:
        today = dt.date.today()
        (item,) = _of(desk, "backup", today)
        assert item.target == Target("backups", "") and item.urgency == OVERDUE
        old = dt.datetime.combine(today - dt.timedelta(days=5), dt.time(9, 0))
        desk.backups.create(now=old)
        (item,) = _of(desk, "backup", today)
        assert item.params["date"] == old.date().isoformat()
        desk.backups.create()
        assert _of(desk, "backup", today) == []
    finally:
        desk.close()
    memory = Desk.open(None)
    assert _of(memory, "backup", dt.date.today()) == []   # nothing to back up
    memory.close()


def test_the_list_is_sorted_by_urgency_and_every_title_formats(demo):
    items = demo.dashboard.todos(dt.date.today())
    assert items, "the demo has things to do"
    assert [t.urgency for t in items] == sorted(t.urgency for t in items)
    for item in items:
        assert item.kind in TODO_KINDS and item.title and "{" not in item.title
        assert item.target.kind in ("class", "sync_device", "backups")
    # no ID numbers in titles: 15 or more digits in a row never appear
    import re
    assert not any(re.search(r"\d{15}", t.title) for t in items)
