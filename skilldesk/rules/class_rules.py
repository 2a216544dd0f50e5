"""The class lifecycle's guards, the schedule and the rates, as pure functions.

Given the facts about a class and the rule set in force, each guard returns
the blockers that stop a step, every one saying what is missing and where to
fix it. Numbers come from the rule set (``rules/policy.py``), never from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from skilldesk.i18n import N_
from skilldesk.rules.policy import RuleSet

CERTIFIED_LEVELS = ("L5", "L4", "L3", "L2", "L1")


@dataclass(frozen=True)
class Blocker:
    """Why a step cannot be taken yet, and where to fix it."""

    code: str
    msgid: str
    params: dict
    target: str  # the detail tab: basic, roster, sessions, inspections, results, followup
    clause: str = ""  # the policy text the guard rests on

    def message(self) -> str:
        from skilldesk.i18n import _
        return _(self.msgid).format(**self.params)

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message(), "target": self.target,
                "clause": self.clause}


# -- working days ----------------------------------------------------------------------


def is_working_day(day: dt.date, rules: RuleSet) -> bool:
    if day in rules.extra_workdays:
        return True
    return day.weekday() < 5 and day not in rules.holidays


def latest_filing_day(start: dt.date, rules: RuleSet) -> dt.date:
    """The last day an opening application may be filed: the start date moved
    back by the rule set's number of working days."""
    day, left = start, rules.filing_lead_working_days.value
    while left > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day, rules):
            left -= 1
    return day


# -- guards ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilingFacts:
    code: str
    name: str
    training_type: str
    level: str
    occupation_name: str
    start_date: dt.date
    end_date: dt.date
    theory_hours: int
    practice_hours: int
    venue: str
    teaching_plan: str
    assessment_plan: str
    teachers: int
    capacity: int
    trainees: int
    # (row label, problem msgid, params) for each trainee who may not be filed
    trainee_problems: tuple[tuple[str, str, dict], ...] = ()


def filing_blockers(facts: FilingFacts, rules: RuleSet, today: dt.date) -> list[Blocker]:
    """What stops the 开班申请 from being filed today."""
    out: list[Blocker] = []
    for value, code, msgid in (
        (facts.occupation_name, "CLASS_NO_OCCUPATION",
         N_("Choose the occupation (or project) the class trains for.")),
        (facts.venue, "CLASS_NO_VENUE", N_("Enter the training venue.")),
        (facts.teaching_plan, "CLASS_NO_TEACHING_PLAN",
         N_("Enter or attach the teaching plan.")),
        (facts.assessment_plan, "CLASS_NO_ASSESSMENT_PLAN",
         N_("Enter or attach the assessment plan.")),
    ):
        if not value.strip():
            out.append(Blocker(code, msgid, {}, "basic"))
    if not facts.teachers:
        out.append(Blocker("CLASS_NO_TEACHERS", N_("Add at least one teacher."), {}, "basic"))
    if facts.level in CERTIFIED_LEVELS and facts.level not in rules.min_hours:
        out.append(Blocker("CLASS_LEVEL_UNKNOWN",
                           N_("The rule set {rules} has no hour minimum for this level."),
                           {"rules": rules.title}, "basic"))
    total = facts.theory_hours + facts.practice_hours
    minimum = rules.min_hours.get(facts.level)
    if minimum is not None and total < minimum:
        out.append(Blocker("CLASS_HOURS_BELOW_MINIMUM", N_(
            "The class plans {hours} periods; this level needs at least {minimum}. "
            "Add theory or practice periods."), {"hours": total, "minimum": minimum},
            "basic", rules.min_hours_source))
    if total == 0:
        out.append(Blocker("CLASS_NO_HOURS", N_("Enter the planned theory and practice periods."),
                           {}, "basic"))
    share = rules.practice_share.value
    if total and facts.training_type in rules.practice_share_types and \
            facts.practice_hours < share * total - 1e-9:
        out.append(Blocker("CLASS_PRACTICE_SHARE", N_(
            "Practice is {actual:.0%} of the planned periods; at least {minimum:.0%} is required "
            "({needed} of {total} periods)."),
            {"actual": facts.practice_hours / total, "minimum": share,
             "needed": _ceil(share * total), "total": total},
            "basic", rules.practice_share.source))
    deadline = latest_filing_day(facts.start_date, rules)
    if today > deadline:
        out.append(Blocker("CLASS_FILING_TOO_LATE", N_(
            "The opening application had to be filed by {deadline} ({days} working days before "
            "the start on {start}). Move the start date to {earliest} or later."),
            {"deadline": deadline.isoformat(), "days": rules.filing_lead_working_days.value,
             "start": facts.start_date.isoformat(),
             "earliest": earliest_start(today, rules).isoformat()},
            "basic", rules.filing_lead_working_days.source))
    if facts.trainees == 0:
        out.append(Blocker("CLASS_ROSTER_EMPTY", N_("The roster is empty: add the trainees."),
                           {}, "roster"))
    if facts.capacity and facts.trainees > facts.capacity:
        out.append(Blocker("CLASS_OVER_CAPACITY", N_(
            "{trainees} trainees are enrolled but the class takes {capacity}."),
            {"trainees": facts.trainees, "capacity": facts.capacity}, "roster"))
    for label, msgid, params in facts.trainee_problems:
        out.append(Blocker("CLASS_TRAINEE_INVALID", N_("Trainee {trainee}: {problem}"),
                           {"trainee": label, "problem": _Deferred(msgid, params)}, "roster"))
    return out


def earliest_start(filing_day: dt.date, rules: RuleSet) -> dt.date:
    """The first start date an application filed on *filing_day* can have."""
    day = filing_day
    while latest_filing_day(day, rules) < filing_day:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class _Deferred:
    """A nested message translated when the outer one is formatted."""

    msgid: str
    params: dict = field(default_factory=dict)

    def __format__(self, spec: str) -> str:
        from skilldesk.i18n import _
        return format(_(self.msgid).format(**self.params), spec)

    def __str__(self) -> str:
        return format(self, "")


def start_blockers(today: dt.date, start: dt.date, sessions: int, planned: dict[str, int],
                   scheduled: dict[str, int]) -> list[Blocker]:
    """What stops an approved class from starting training."""
    out: list[Blocker] = []
    if today < start:
        out.append(Blocker("CLASS_NOT_STARTED", N_(
            "Training starts on {start}; it cannot be started before then."),
            {"start": start.isoformat()}, "basic"))
    if not sessions:
        out.append(Blocker("CLASS_NO_SESSIONS", N_(
            "There is no session schedule yet: generate it from the dates and weekdays."),
            {}, "sessions"))
    for kind, label in (("theory", N_("theory")), ("practice", N_("practice"))):
        if sessions and scheduled.get(kind, 0) < planned.get(kind, 0):
            out.append(Blocker("CLASS_SCHEDULE_SHORT", N_(
                "The schedule has {scheduled} {kind} periods but {planned} are planned."),
                {"scheduled": scheduled.get(kind, 0), "planned": planned[kind],
                 "kind": _Deferred(label)}, "sessions"))
    return out


def completion_blockers(today: dt.date, unrecorded: list[tuple[int, str]],
                        last_session: dt.date | None) -> list[Blocker]:
    """What stops 结业: every session's attendance recorded, the last one held."""
    out: list[Blocker] = []
    if last_session is not None and today < last_session:
        out.append(Blocker("CLASS_SESSIONS_AHEAD", N_(
            "The last session is on {day}; training cannot be completed before it."),
            {"day": last_session.isoformat()}, "sessions"))
    if unrecorded:
        shown = "、".join(f"{seq}（{day}）" for seq, day in unrecorded[:8])
        more = len(unrecorded) - 8
        out.append(Blocker("CLASS_ATTENDANCE_MISSING", N_(
            "Attendance is not recorded for {count} sessions: {sessions}{more}."),
            {"count": len(unrecorded), "sessions": shown,
             "more": f" …(+{more})" if more > 0 else ""}, "sessions"))
    return out


def assessment_blockers(missing_results: list[str], pass_without_cert: list[str]) -> list[Blocker]:
    """What stops 已考核: a result for every trainee, a certificate for every pass."""
    out: list[Blocker] = []
    if missing_results:
        out.append(Blocker("CLASS_RESULTS_MISSING", N_(
            "{count} trainees have no result yet: {names}."),
            {"count": len(missing_results), "names": _names(missing_results)}, "results"))
    if pass_without_cert:
        out.append(Blocker("CLASS_CERTIFICATE_MISSING", N_(
            "{count} trainees passed but have no certificate recorded: {names}."),
            {"count": len(pass_without_cert), "names": _names(pass_without_cert)}, "results"))
    return out


def _names(names: list[str]) -> str:
    shown = "、".join(names[:10])
    return shown + (f" …(+{len(names) - 10})" if len(names) > 10 else "")


def _ceil(value: float) -> int:
    whole = int(value)
    return whole if value - whole < 1e-9 else whole + 1


# -- schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A daily teaching block: when it starts and how many periods it can hold."""

    start_time: str  # "HH:MM"
    periods: int


@dataclass(frozen=True)
class PlannedSession:
    date: dt.date
    start_time: str
    end_time: str
    periods: int
    kind: str


def end_time(start_time: str, periods: int, rules: RuleSet, break_minutes: int = 10) -> str:
    hours, minutes = map(int, start_time.split(":"))
    total = hours * 60 + minutes + periods * rules.period_minutes + (periods - 1) * break_minutes
    if total >= 24 * 60:
        raise ValueError("a session cannot run past midnight")
    return f"{total // 60:02d}:{total % 60:02d}"


def generate_schedule(start: dt.date, end: dt.date, weekdays: set[int], slots: list[Slot],
                      theory: int, practice: int, rules: RuleSet, *,
                      skip_holidays: bool = True, break_minutes: int = 10
                      ) -> tuple[list[PlannedSession], dict[str, int]]:
    """Sessions from *start* to *end* on the given weekdays (Monday = 0), filling
    each slot with theory periods first, then practice, until the planned periods
    are used up. Returns the sessions and the periods left unplaced per kind."""
    left = {"theory": theory, "practice": practice}
    out: list[PlannedSession] = []
    day = start
    while day <= end and (left["theory"] or left["practice"]):
        if day.weekday() in weekdays and not (skip_holidays and day in rules.holidays):
            for slot in slots:
                kind = "theory" if left["theory"] else "practice"
                take = min(slot.periods, left[kind])
                if take <= 0:
                    break
                left[kind] -= take
                out.append(PlannedSession(day, slot.start_time,
                                          end_time(slot.start_time, take, rules, break_minutes),
                                          take, kind))
        day += dt.timedelta(days=1)
    return out, left


# -- rates -----------------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
