"""The 工作台 (dashboard): a year's figures and charts, and the to-do list.

Definitions (each figure is over the classes **of the year**: classes whose start date
falls in that calendar year, as the class list's year filter; trainees and rates count
only classes that went ahead — filed or later, not rejected or withdrawn — see
``COUNTED_STATES``):

- *trainees*: distinct people enrolled (not withdrawn) in those classes; a person in two
  classes counts once (``enrolments`` counts both).
- *pass rate*: passed / assessed, where *assessed* is an enrolled trainee with a result
  recorded (pass, fail or absent from the assessment). Closing a class's assessment
  needs every trainee's result (``rules/class_rules.assessment_blockers``), so for
  assessed classes this is the class detail's pass rate (passed / enrolled); for
  classes still in assessment it leaves out the trainees not yet assessed. ``None``
  when nobody was assessed. *certified* counts trainees with a certificate recorded.
- *employment rate*: employed / followed up, over the trainees who passed and have at
  least one employment follow-up, each by their latest one (the 6-month follow-up if
  recorded, else the 3-, else the 1-month); employed, flexible employment and started
  a business count as employed (``class_models.EMPLOYED_STATUSES``). ``graduates`` (all
  who passed) is given too, so the page can say how many are not followed up yet.
  Note: the class detail's rate (``OutcomeService.stats``) divides by all graduates
  (not followed up = not employed), which is the stricter figure for a finished class.
- *targets*: 90% pass and 90% employment, from the founding document (苏州 2017 行动方案
  二(二), 二(十二); DOMAIN.md §0 note and §1.x), read from the rule set in force
  (``[targets]`` in ``resources/rules/*.toml``), never written here.
- *subsidies*: the claims **numbered in the year** (``SQ<year>-…``: a claim is numbered
  by the year it was made, ``core/claims.py``), each by its newest version that left the
  institution (not a draft; a correction being drafted leaves the signed version
  counting). Claimed = the claim totals, approved = the bureau's approved totals,
  paid = the payments recorded; all in fen.

Charts: trainees by the month their class starts and certificates by the month they
were issued; trainees by occupation (the 8 largest, the rest as "Other"); trainees by
category (the key groups, ``rules/values.CATEGORY_LABELS``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import EMPLOYED_STATUSES
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.dashboard_todos import TodoItem
from skilldesk.core.dashboard_todos import todos
from skilldesk.rules.policy import NoRuleSet
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.class_rules import rate
from skilldesk.rules.policy import RuleSet
from skilldesk.rules.policy import rule_set_for
from skilldesk.rules.values import CATEGORY_LABELS
from skilldesk.storage import dashboard as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

__all__ = ["DashboardService", "DashboardFigures", "DashboardCharts", "Bar", "TodoItem"]

#: classes that went ahead: their trainees and results count in the figures
COUNTED_STATES = ("filed", "approved", "in_training", "completed", "assessed", "claimed",
                  "paid")
TOP_OCCUPATIONS = 8
MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
          N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))
OTHER = N_("Other")
NO_CATEGORY = N_("Category not recorded")


@dataclass(frozen=True)
class DashboardFigures:
    year: int
    classes: int                       # all classes of the year, whatever their state
    classes_by_state: dict[str, int]   # every key of CLASS_STATES, 0 where none
    trainees: int                      # distinct people
    enrolments: int
    assessed: int
    passed: int
    certified: int
    pass_rate: float | None
    pass_target: float | None
    graduates: int                     # = passed
    followed_up: int
    employed: int
    employment_rate: float | None
    employment_target: float | None
    targets_source: str
    claims: int
    claimed_fen: int
    approved_fen: int
    paid_fen: int

    @property
    def not_followed_up(self) -> int:
        return self.graduates - self.followed_up

    def below(self, value: float | None, target: float | None) -> bool:
        return value is not None and target is not None and value < target - 1e-9


@dataclass(frozen=True)
class Bar:
    key: str      # month number, occupation name, category key, or "other"
    label: str    # translated when the charts were made
    value: int


@dataclass(frozen=True)
class DashboardCharts:
    year: int
    trainees_by_month: tuple[Bar, ...]      # 12 bars, January first
    certificates_by_month: tuple[Bar, ...]  # 12 bars
    by_occupation: tuple[Bar, ...]          # at most TOP_OCCUPATIONS + 1
    by_category: tuple[Bar, ...]            # largest first, zero categories left out


def targets_for(year: int) -> RuleSet | None:
    """The rule set whose targets a year is measured against: the one in force at the
    year's end (or its start, if none is by then); None before any rule set."""
    for day in (dt.date(year, 12, 31), dt.date(year, 1, 1)):
        try:
            return rule_set_for(day)
        except NoRuleSet:
            continue
    return None


class DashboardService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def figures(self, year: int) -> DashboardFigures:
        """This year's figures (see the module's docstring for every definition)."""
        db = self._desk.db
        by_state = {state: 0 for state in CLASS_STATES}
        by_state.update(sql.classes_by_state(db, year))
        counts = sql.trainee_counts(db, year, COUNTED_STATES)
        followed, employed = sql.followup_counts(db, year, COUNTED_STATES,
                                                 sorted(EMPLOYED_STATUSES))
        money = sql.claim_totals(db, f"SQ{year}-")
        rules = targets_for(year)
        return DashboardFigures(
            year=year, classes=sum(by_state.values()), classes_by_state=by_state,
            trainees=counts["people"], enrolments=counts["enrolments"],
            assessed=counts["assessed"], passed=counts["passed"],
            certified=counts["certified"], pass_rate=rate(counts["passed"], counts["assessed"]),
            pass_target=rules.targets.get("pass_rate") if rules else None,
            graduates=counts["passed"], followed_up=followed, employed=employed,
            employment_rate=rate(employed, followed),
            employment_target=rules.targets.get("employment_rate") if rules else None,
            targets_source=rules.targets_source if rules else "",
            claims=money["claims"], claimed_fen=money["claimed_fen"],
            approved_fen=money["approved_fen"], paid_fen=money["paid_fen"])

    def charts(self, year: int) -> DashboardCharts:
        db = self._desk.db
        enrolled = sql.enrolments_by_month(db, year, COUNTED_STATES)
        certified = sql.certificates_by_month(db, year)
        months = [(str(m), _(MONTHS[m - 1])) for m in range(1, 13)]
        occupations = [Bar(name or kind, name or _(TRAINING_TYPES.get(kind, kind)), n)
                       for name, kind, n in sql.enrolments_by_occupation(db, year,
                                                                         COUNTED_STATES)]
        if len(occupations) > TOP_OCCUPATIONS + 1:
            rest = sum(b.value for b in occupations[TOP_OCCUPATIONS:])
            occupations = occupations[:TOP_OCCUPATIONS] + [Bar("other", _(OTHER), rest)]
        categories = sorted(
            (Bar(key or "none", _(CATEGORY_LABELS[key]) if key in CATEGORY_LABELS
                 else _(NO_CATEGORY) if not key else key, n)
             for key, n in sql.enrolments_by_category(db, year, COUNTED_STATES).items() if n),
            key=lambda b: (-b.value, b.key))
        return DashboardCharts(
            year=year,
            trainees_by_month=tuple(Bar(k, label, enrolled.get(int(k), 0))
                                    for k, label in months),
            certificates_by_month=tuple(Bar(k, label, certified.get(int(k), 0))
                                        for k, label in months),
            by_occupation=tuple(occupations), by_category=tuple(categories))

    def todos(self, today: dt.date | None = None) -> list[TodoItem]:
        """What needs doing, most urgent first (see ``core/dashboard_todos.py``)."""
        return todos(self._desk, today or dt.date.today())

    def years(self) -> list[int]:
        """The years that have classes, newest first, with the current year always in."""
        return sorted(set(self._desk.classes.years()) | {dt.date.today().year}, reverse=True)
