"""Readiness signals (申领前自查): what the bureau would reject or investigate in a
batch of classes before a subsidy claim (DOMAIN.md §1.3, §1.5, §2.3, §2.4).

Pure detection over rows ``storage/readiness.py`` gathers for the whole batch
at once; no amounts and no eligibility decisions (``core/subsidy.py`` merges
these signals with its per-trainee decisions). One ``Signal`` per kind for the
batch, grouping every offending record, each record pointing at the class
detail tab that shows it.

Severity: **blocking** where the records themselves are wrong or impossible
(the claim would be rejected as it stands: the data must be corrected first);
**warning** where the data may be legitimate but matches a fraud pattern the
bureau investigates, so the clerk should check and keep the evidence.
Thresholds come from the rule set in force on each class's start date
(``[readiness]`` of the TOML), never from this code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skilldesk.core.class_import_attendance import LOCAL_OFFSET
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules import retirement
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.rules.policy import RuleSet
from skilldesk.rules.policy import RuleSetError
from skilldesk.rules.policy import bundled_rule_sets
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import readiness as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

BLOCKING = "blocking"
WARNING = "warning"

# Attendance is owed from the start of training on.
_MARKING_STATES = ("in_training", "completed", "assessed", "claimed", "paid")
# The youngest statutory retirement age by sex (men 60, women workers 50), in
# months: the SQL pre-filter must not miss anyone the exact rule may flag.
_YOUNGEST_RETIREMENT_MONTHS = {
    "M": retirement.old_age_months(retirement.RetirementCategory.MALE),
    "F": min(retirement.old_age_months(c) for c in retirement.RetirementCategory
             if c != retirement.RetirementCategory.MALE)}

_PERSON = N_("{name} ({id})")
_SESSION = N_("Session {seq} {date}")
_CHANGE_ACTIONS = {"add": N_("added"), "withdraw": N_("withdrawn"),
                   "readmit": N_("readmitted")}

# code -> (severity, msgid); the order here is the order within a severity.
KINDS: dict[str, tuple[str, str]] = {
    # impossible or contradicting records: a claim built on them is rejected
    "OVERLAPPING_CLASSES": (BLOCKING, N_(
        "{count} enrolments put a person in two classes whose dates overlap. Withdraw the "
        "person from one class or correct the class dates.")),
    "ATTENDANCE_IN_TWO_CLASSES": (BLOCKING, N_(
        "{count} attendance records put a person in sessions of two classes at the same time. "
        "One of each pair is wrong: correct the attendance.")),
    "ATTENDANCE_OUTSIDE_DATES": (BLOCKING, N_(
        "{count} sessions are dated outside their class's dates or have sign-ins on another "
        "day. Correct the session dates or the sign-in records.")),
    "ATTENDANCE_MISSING": (BLOCKING, N_(
        "{count} past sessions lack an attendance mark for some enrolled trainees. Record "
        "every trainee's attendance, absences included.")),
    "CERT_BEFORE_CLASS_END": (BLOCKING, N_(
        "{count} certificates are dated before their class ended. Check the issue date "
        "against the certificate.")),
    # the law's minimum working age: never eligible, nothing to investigate
    "TRAINEE_UNDER_16": (BLOCKING, N_(
        "{count} trainees were younger than {age} when their class started and cannot be "
        "subsidised. Take them off the roster or correct the ID number.")),
    # legitimate data can look like this; the bureau investigates, so check and keep proof
    "SHARED_PHONE": (WARNING, N_(
        "{count} trainees share a mobile number that is on {min} or more trainees. Call them "
        "to confirm each number is their own: one agent's phone on many trainees is a sign "
        "of fake trainees.")),
    "SAME_SIGN_IN": (WARNING, N_(
        "In {count} sessions, {min} or more trainees signed in at the very same second. "
        "Check the sign-in device's records: batch-punched attendance is treated as "
        "fabricated.")),
    # eligible if not drawing a pension (DOMAIN.md §1.3): the decision engine decides
    "PAST_RETIREMENT": (WARNING, N_(
        "{count} trainees had reached the statutory retirement age when their class started "
        "(women whose job type is not recorded are counted as workers). They are eligible "
        "only if they draw no pension: keep proof of that.")),
    # the graduation date may be stale or wrong; check before excluding anyone
    "IN_SCHOOL": (WARNING, N_(
        "{count} trainees are recorded as full-time students not in their graduation year, "
        "who are not eligible. Check their graduation dates.")),
    # allowed with a reason, but each change is examined by the bureau
    "ROSTER_CHANGED_AFTER_FILING": (WARNING, N_(
        "The roster changed {count} times after the opening application was filed. The "
        "bureau examines each change: keep the reason and its evidence.")),
}
_ORDER = {code: n for n, code in enumerate(KINDS)}
_AGE_CODES = ("TRAINEE_UNDER_16", "PAST_RETIREMENT")


@dataclass(frozen=True)
class SignalRecord:
    entity: str        # "person", "enrolment", "session", "certificate", "class"
    entity_id: str
    class_id: str
    label: str         # what a clerk reads: "张伟（320508********1234）", "第3课次 2026-11-18"
    target: str        # the class detail tab that shows it

    def as_json(self) -> dict:
        return {"entity": self.entity, "id": self.entity_id, "class_id": self.class_id,
                "label": self.label, "target": self.target}


@dataclass(frozen=True)
class Signal:
    code: str
    severity: str
    msgid: str
    params: dict
    records: tuple[SignalRecord, ...]
    clause: str = ""

    @property
    def count(self) -> int:
        return len(self.records)

    def message(self) -> str:
        return _(self.msgid).format(**self.params)

    def as_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message(),
                "count": self.count, "clause": self.clause,
                "records": [r.as_json() for r in self.records]}


def _person(name: str, id_number: str) -> str:
    return _(_PERSON).format(name=name, id=mask_id_number(id_number))


def _session(seq: int, date: str) -> str:
    return _(_SESSION).format(seq=seq, date=date)


def _mask_phone(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 8 else phone


def _local_date(stamp: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:10]
    return (moment + LOCAL_OFFSET).date().isoformat() if moment.tzinfo else stamp[:10]


class ReadinessService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def signals(self, class_ids: list[str], *, today: dt.date | None = None) -> list[Signal]:
        """All signals for these classes, blocking first, each grouping its records."""
        db = self._desk.db
        classes = {r[0]: r for r in sql.classes(db, list(dict.fromkeys(class_ids)))}
        if not classes:
            return []
        ids = list(classes)
        rules = {cid: _rules(dt.date.fromisoformat(row[2])) for cid, row in classes.items()}
        found: dict[str, list[SignalRecord]] = {code: [] for code in KINDS}
        params: dict[str, dict] = {code: {} for code in KINDS}
        self._people(ids, rules, found, params)
        self._overlaps(ids, found)
        self._sign_ins(ids, rules, found, params)
        self._records(ids, today or dt.date.today(), found)

        clause = _joined(r.raw.get("readiness", {}).get("source", "") for r in rules.values())
        age_clause = _joined(r.raw.get("subsidy", {}).get("people", {}).get("source_age", "")
                             for r in rules.values()) or clause
        signals = []
        for code, records in found.items():
            if records:
                severity, msgid = KINDS[code]
                signals.append(Signal(
                    code, severity, msgid, {"count": len(records), **params[code]},
                    tuple(records), age_clause if code in _AGE_CODES else clause))
        signals.sort(key=lambda s: (s.severity != BLOCKING, _ORDER[s.code]))
        return signals

    # -- parts -----------------------------------------------------------------------------

    def _people(self, ids: list[str], rules: dict[str, RuleSet],
                found: dict[str, list[SignalRecord]], params: dict[str, dict]) -> None:
        """SHARED_PHONE, IN_SCHOOL, TRAINEE_UNDER_16 and PAST_RETIREMENT."""
        minimum = {cid: _min_age(r) for cid, r in rules.items()}
        # one batch, one phone threshold: the strictest of the batch's rule sets
        phone_min = min(_readiness(r, "shared_phone_min") for r in rules.values())
        params["SHARED_PHONE"]["min"] = phone_min
        params["TRAINEE_UNDER_16"]["age"] = min(minimum.values())
        rows = sql.trainees_to_check(
            self._desk.db, ids, phone_min=phone_min, younger_than_years=max(minimum.values()),
            older_than_months=_YOUNGEST_RETIREMENT_MONTHS)
        for (cid, pid, name, id_number, sex, birth_text, phone, school, graduation,
             start_text, shared, student) in rows:
            person = _person(name, id_number)
            if shared:
                found["SHARED_PHONE"].append(SignalRecord(
                    "person", pid, cid, f"{person} {_mask_phone(phone)}", "roster"))
            if student:
                found["IN_SCHOOL"].append(SignalRecord("person", pid, cid, _(N_(
                    "{person}: {school}, graduates {date}")).format(
                    person=person, school=school.strip(), date=graduation), "roster"))
            try:
                birth = dt.date.fromisoformat(birth_text)
                start = dt.date.fromisoformat(start_text)
            except ValueError:
                continue
            age = retirement.age_on(birth, start) if start >= birth else 0
            if age < minimum[cid]:
                found["TRAINEE_UNDER_16"].append(SignalRecord("person", pid, cid, _(N_(
                    "{person}: aged {age} at the start")).format(person=person, age=age),
                    "roster"))
            elif sex in ("M", "F") and retirement.is_past_retirement(birth, sex, start):
                day = retirement.retirement_date(birth, retirement.category_for(sex))
                found["PAST_RETIREMENT"].append(SignalRecord("person", pid, cid, _(N_(
                    "{person}: reached retirement age on {date}")).format(
                    person=person, date=day.isoformat()), "roster"))

    def _overlaps(self, ids: list[str], found: dict[str, list[SignalRecord]]) -> None:
        """OVERLAPPING_CLASSES and ATTENDANCE_IN_TWO_CLASSES: both sides of each pair."""
        db = self._desk.db
        seen: set = set()
        for row in sql.overlapping_enrolments(db, ids):
            person = _person(row[1], row[2])
            for eid, cid, code, start, end in (row[3:8], row[8:13]):
                if eid not in seen:
                    seen.add(eid)
                    found["OVERLAPPING_CLASSES"].append(SignalRecord("enrolment", eid, cid, _(N_(
                        "{person} in {code} ({start} – {end})")).format(
                        person=person, code=code, start=start, end=end), "roster"))
        for row in sql.attendance_in_two_classes(db, ids):
            person = _person(row[1], row[2])
            for sid, cid, code, seq, date, start, end in (row[3:10], row[10:17]):
                if (sid, row[0]) not in seen:
                    seen.add((sid, row[0]))
                    found["ATTENDANCE_IN_TWO_CLASSES"].append(SignalRecord(
                        "session", sid, cid, _(N_("{person}: {code} {session} {start}–{end}"))
                        .format(person=person, code=code, session=_session(seq, date),
                                start=start, end=end), "sessions"))

    def _sign_ins(self, ids: list[str], rules: dict[str, RuleSet],
                  found: dict[str, list[SignalRecord]], params: dict[str, dict]) -> None:
        """SAME_SIGN_IN and the sign-in half of ATTENDANCE_OUTSIDE_DATES."""
        db = self._desk.db
        records = found["ATTENDANCE_OUTSIDE_DATES"]
        for sid, cid, seq, date, start, end in sql.sessions_outside_dates(db, ids):
            records.append(SignalRecord("session", sid, cid, _(N_(
                "{session}: outside the class dates {start} – {end}")).format(
                session=_session(seq, date), start=start, end=end), "sessions"))
        minimum = {cid: _readiness(r, "same_sign_in_min") for cid, r in rules.items()}
        params["SAME_SIGN_IN"]["min"] = min(minimum.values())
        other_day: dict[tuple, int] = {}
        rows = sql.sign_in_groups(db, ids, minimum=min(minimum.values()),
                                  offset_hours=int(LOCAL_OFFSET.total_seconds() // 3600))
        for sid, cid, seq, date, second, n, other in rows:
            if n >= minimum[cid]:
                found["SAME_SIGN_IN"].append(SignalRecord("session", sid, cid, _(N_(
                    "{session}: {n} sign-ins at {time}")).format(
                    session=_session(seq, date), n=n, time=_local_time(second)), "sessions"))
            if other:
                key = (sid, cid, seq, date)
                other_day[key] = other_day.get(key, 0) + other
        for (sid, cid, seq, date), n in other_day.items():
            records.append(SignalRecord("session", sid, cid, _(N_(
                "{session}: {n} sign-ins dated another day")).format(
                session=_session(seq, date), n=n), "sessions"))

    def _records(self, ids: list[str], today: dt.date,
                 found: dict[str, list[SignalRecord]]) -> None:
        """ATTENDANCE_MISSING, CERT_BEFORE_CLASS_END, ROSTER_CHANGED_AFTER_FILING."""
        db = self._desk.db
        for sid, cid, seq, date, missing in sql.unmarked_sessions(
                db, ids, _MARKING_STATES, today.isoformat()):
            found["ATTENDANCE_MISSING"].append(SignalRecord("session", sid, cid, _(N_(
                "{session}: {n} trainees without a mark")).format(
                session=_session(seq, date), n=missing), "sessions"))
        for cert_id, cid, _pid, name, id_number, issued, end in sql.certificates_before_end(
                db, ids):
            found["CERT_BEFORE_CLASS_END"].append(SignalRecord("certificate", cert_id, cid, _(N_(
                "{person}: certificate dated {issued}, class ends {end}")).format(
                person=_person(name, id_number), issued=issued, end=end), "results"))
        for _change, cid, eid, _pid, name, id_number, action, reason, at in sql.roster_changes(
                db, ids):
            found["ROSTER_CHANGED_AFTER_FILING"].append(SignalRecord("enrolment", eid, cid, _(N_(
                "{person}: {action} on {date}, reason: {reason}")).format(
                person=_person(name, id_number), action=_(_CHANGE_ACTIONS.get(action, action)),
                date=_local_date(at), reason=reason), "roster"))


def _joined(texts) -> str:
    return " ".join(dict.fromkeys(str(t) for t in texts if t)).strip()


def _rules(start: dt.date) -> RuleSet:
    """The rule set in force on a class's start (the oldest one for a class that
    starts before every rule set: its thresholds still say what is suspicious)."""
    sets = bundled_rule_sets()
    if sets and start < sets[0].effective_from:
        return sets[0]
    return rule_set_for(start)


def _readiness(rules: RuleSet, key: str) -> int:
    try:
        return int(rules.raw["readiness"][key])
    except (KeyError, TypeError, ValueError):
        raise RuleSetError(name=rules.id, problem=f"missing or malformed readiness.{key}"
                           ) from None


def _min_age(rules: RuleSet) -> int:
    # The statutory minimum working age (劳动法 第十五条), which the rule set restates.
    return int(rules.raw.get("subsidy", {}).get("people", {}).get("min_age", 16))


def _local_time(utc_second: str) -> str:
    """``HH:MM:SS`` local time of a UTC ``YYYY-MM-DDTHH:MM:SS``."""
    try:
        return (dt.datetime.fromisoformat(utc_second) + LOCAL_OFFSET).time().isoformat()
    except ValueError:
        return utc_second
