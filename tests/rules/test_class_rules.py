"""Rule sets as data, working days, the schedule generator."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skilldesk.rules import class_rules
from skilldesk.rules.class_rules import Slot
from skilldesk.rules.policy import NoRuleSet
from skilldesk.rules.policy import RuleSetError
from skilldesk.rules.policy import bundled_rule_sets
from skilldesk.rules.policy import parse_rule_set
from skilldesk.rules.policy import rule_set_for

D = dt.date


def _bundled_data() -> dict:
    text = (resources.files("skilldesk.resources") / "rules" / "js-suzhou-2023.toml").read_text(
        "utf-8")
    return tomllib.loads(text)


def test_the_bundled_rule_set_carries_the_jiangsu_2023_figures_and_their_sources():
    rules = rule_set_for(D(2026, 11, 26))
    assert rules.id == "js-suzhou-2023" and rules.effective_from == D(2023, 1, 1)
    assert rules.min_hours == {"L5": 40, "L4": 56, "L3": 56, "L2": 56, "L1": 56}
    assert rules.practice_share.value == 0.6 and "60%" in rules.practice_share.source
    assert rules.period_minutes == 45
    assert rules.targets == {"pass_rate": 0.9, "employment_rate": 0.9,
                             "entrepreneurship_jobs_per_trainee": 4}
    assert "1:4" in rules.targets_source
    assert rules.filing_lead_working_days.value == 5


def test_rule_sets_are_chosen_by_date_and_missing_ones_say_so():
    base = bundled_rule_sets()[0]
    newer = replace(base, id="js-suzhou-2027", effective_from=D(2027, 1, 1))
    older = replace(base, effective_to=D(2026, 12, 31))
    assert rule_set_for(D(2027, 3, 1), (older, newer)).id == "js-suzhou-2027"
    assert rule_set_for(D(2026, 12, 31), (older, newer)).id == "js-suzhou-2023"
    with pytest.raises(NoRuleSet):
        rule_set_for(D(2022, 12, 31))


def test_a_malformed_rule_set_is_refused_with_its_name():
    data = _bundled_data()
    del data["class_guards"]["min_hours"]
    with pytest.raises(RuleSetError) as caught:
        parse_rule_set(data, "broken.toml")
    assert "broken.toml" in str(caught.value) and "min_hours" in str(caught.value)
    data = _bundled_data()
    data["calendar"]["holidays"] = ["2026-02-30"]
    with pytest.raises(RuleSetError, match="holidays"):
        parse_rule_set(data, "bad-date.toml")


def _with_calendar(holidays=(), workdays=()):
    return replace(bundled_rule_sets()[0], holidays=frozenset(holidays),
                   extra_workdays=frozenset(workdays))


def test_latest_filing_day_skips_weekends_and_listed_holidays():
    plain = _with_calendar()
    assert class_rules.latest_filing_day(D(2026, 12, 14), plain) == D(2026, 12, 7)  # Mon -> Mon
    assert class_rules.latest_filing_day(D(2026, 12, 16), plain) == D(2026, 12, 9)  # Wed -> Wed
    holidays = _with_calendar(holidays={D(2026, 12, 8), D(2026, 12, 9)})
    assert class_rules.latest_filing_day(D(2026, 12, 14), holidays) == D(2026, 12, 3)
    # a working Sunday (调休) counts
    shifted = _with_calendar(workdays={D(2026, 12, 13)})
    assert class_rules.latest_filing_day(D(2026, 12, 14), shifted) == D(2026, 12, 8)
    assert class_rules.earliest_start(D(2026, 12, 8), plain) == D(2026, 12, 15)


@given(st.dates(D(2024, 1, 1), D(2030, 12, 31)))
def test_filing_on_the_latest_day_leaves_exactly_the_lead_time(start):
    rules = _with_calendar()
    latest = class_rules.latest_filing_day(start, rules)
    between = [latest + dt.timedelta(days=n) for n in range((start - latest).days)]
    assert sum(class_rules.is_working_day(d, rules) for d in between) == 5
    assert class_rules.is_working_day(latest, rules)
    assert class_rules.earliest_start(latest, rules) <= start


def test_schedule_fills_theory_then_practice_and_reports_what_does_not_fit():
    rules = _with_calendar(holidays={D(2026, 12, 16)})
    sessions, left = class_rules.generate_schedule(
        D(2026, 12, 14), D(2026, 12, 18), {0, 2, 4}, [Slot("09:00", 3), Slot("14:00", 3)],
        theory=5, practice=10, rules=rules)
    assert [(s.date.day, s.start_time, s.end_time, s.periods, s.kind) for s in sessions] == [
        (14, "09:00", "11:35", 3, "theory"), (14, "14:00", "15:40", 2, "theory"),
        (18, "09:00", "11:35", 3, "practice"), (18, "14:00", "16:35", 3, "practice"),
    ]
    assert left == {"theory": 0, "practice": 4}  # the 16th is a holiday: 4 periods unplaced
    everything, left = class_rules.generate_schedule(
        D(2026, 12, 14), D(2026, 12, 18), {0, 2, 4}, [Slot("09:00", 3)], theory=3, practice=0,
        rules=rules, skip_holidays=False)
    assert len(everything) == 1 and left == {"theory": 0, "practice": 0}


def test_a_session_cannot_run_past_midnight():
    with pytest.raises(ValueError):
        class_rules.end_time("22:00", 4, _with_calendar())
