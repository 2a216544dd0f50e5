"""Training classes (培训班): create and edit, the lifecycle with its guards,
and the roster with its change log after filing.

Sessions and attendance are in ``core/attendance.py``; inspections, results,
certificates and follow-ups in ``core/outcomes.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.core.validation import check_optional
from skilldesk.core.class_models import CLASS_CATEGORIES
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import FROZEN_STATES
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import MAIN_PATH
from skilldesk.core.class_models import NEEDS_REASON
from skilldesk.core.class_models import TEACHER_ROLES
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.class_models import TRANSITIONS
from skilldesk.core.class_models import ClassDraft
from skilldesk.core.class_models import ClassPage
from skilldesk.core.class_models import ClassRow
from skilldesk.core.class_models import TeacherDraft
from skilldesk.errors import Conflict
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.rules import class_rules
from skilldesk.rules import identifiers
from skilldesk.rules import retirement
from skilldesk.rules.class_rules import Blocker
from skilldesk.rules.policy import RuleSet
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import classes as sql
from skilldesk.storage import sessions as session_sql
from skilldesk.storage import outcomes as outcome_sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

MIN_AGE = 16
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class GuardFailed(SkilldeskError):
    """A lifecycle step is blocked; ``blockers`` say what is missing."""

    code = "E_GUARD"
    default_msgid = N_("The class cannot move to “{state}” yet: {count} things are missing.")

    def __init__(self, blockers: list[Blocker], state: str) -> None:
        super().__init__(state=state, count=len(blockers))
        self.blockers = blockers


class ReasonRequired(SkilldeskError):
    code = "E_REASON_REQUIRED"
    default_msgid = N_("Give a reason: {why}")


class ClassService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- reading -------------------------------------------------------------------------

    def list(self, *, year: int | None = None, state: str | None = None,
             training_type: str | None = None, text: str = "") -> ClassPage:
        db = self._desk.db
        rows = [ClassRow(*r) for r in sql.list_classes(
            db, year=year, state=state, training_type=training_type, text=text.strip())]
        by_state = sql.counts_by_state(db, year=year, training_type=training_type,
                                       text=text.strip())
        return ClassPage(rows, len(rows), by_state)

    def years(self) -> list[int]:
        return sql.years(self._desk.db)

    def get(self, class_id: str) -> dict:
        record = sql.get(self._desk.db, class_id)
        if record is None:
            raise NotFound()
        record["teachers"] = sql.teachers_of(self._desk.db, class_id)
        return record

    def id_for_code(self, code: str) -> str:
        class_id = sql.id_by_code(self._desk.db, code.strip())
        if class_id is None:
            raise NotFound(N_("There is no class with the code {code}."), code=code)
        return class_id

    def draft_of(self, class_id: str) -> ClassDraft:
        record = self.get(class_id)
        teachers = [TeacherDraft(t["name"], t["qualification"], t["certificate_no"], t["role"])
                    for t in record["teachers"]]
        return ClassDraft(**{k: record[k] for k in sql.CLASS_FIELDS}, teachers=teachers)

    def roster(self, class_id: str, *, include_withdrawn: bool = True) -> list[dict]:
        return sql.roster_of(self._desk.db, class_id, include_withdrawn=include_withdrawn)

    def transitions(self, class_id: str) -> list[dict]:
        return sql.transitions_of(self._desk.db, class_id)

    def roster_changes(self, class_id: str) -> list[dict]:
        return sql.enrolment_changes(self._desk.db, class_id)

    def snapshot(self, class_id: str) -> dict | None:
        """The roster as filed: {"taken_at", "sha256", "trainees": [...]}."""
        found = sql.latest_snapshot(self._desk.db, class_id)
        if found is None:
            return None
        return {"taken_at": found["taken_at"], "sha256": found["sha256"],
                "trainees": json.loads(found["data_json"])}

    def rules_for(self, record: dict) -> RuleSet:
        """The rule set a class is judged by: the one in force on its start date."""
        return rule_set_for(dt.date.fromisoformat(record["start_date"]))

    # -- validating and saving -------------------------------------------------------------

    def validate(self, draft: ClassDraft, *, class_id: str | None = None
                 ) -> tuple[dict, list[FieldIssue]]:
        issues: list[FieldIssue] = []
        fields = {k: getattr(draft, k) for k in sql.CLASS_FIELDS}
        for key in ("code", "name", "occupation_code", "occupation_name", "work_type", "venue"):
            fields[key] = " ".join(str(fields[key]).split())
        fields["teaching_plan"] = draft.teaching_plan.strip()
        fields["assessment_plan"] = draft.assessment_plan.strip()
        code = fields["code"]
        if not code:
            issues.append(FieldIssue("code", "CLASS_CODE_EMPTY", N_("Enter the class code.")))
        elif not set(code) <= _CODE_CHARS or len(code) > 40:
            issues.append(FieldIssue("code", "CLASS_CODE_CHARS", N_(
                "A class code may use letters, digits, - and _ (at most 40).")))
        else:
            other = sql.id_by_code(self._desk.db, code)
            if other is not None and other != class_id:
                issues.append(FieldIssue("code", "CLASS_CODE_TAKEN", N_(
                    "Another class already has the code {code}."), {"code": code}))
        if not fields["name"]:
            issues.append(FieldIssue("name", "CLASS_NAME_EMPTY", N_("Enter the class name.")))
        if fields["training_type"] not in TRAINING_TYPES:
            issues.append(FieldIssue("training_type", "CLASS_TYPE_UNKNOWN",
                                     N_("Choose the training type.")))
        if fields["level"] and fields["level"] not in LEVELS:
            issues.append(FieldIssue("level", "CLASS_LEVEL_UNKNOWN", N_("Unknown level.")))
        if fields["category"] not in CLASS_CATEGORIES:
            issues.append(FieldIssue("category", "CLASS_CATEGORY", N_("The category is A, B or C.")))
        if fields["occupation_code"]:
            fields["occupation_code"] = check_optional(
                "occupation_code", fields["occupation_code"], identifiers.check_occupation_code,
                issues)
        dates = {}
        for key in ("start_date", "end_date"):
            try:
                dates[key] = dt.date.fromisoformat(str(fields[key]))
                fields[key] = dates[key].isoformat()
            except ValueError:
                issues.append(FieldIssue(key, "DATE_FORMAT", N_(
                    "Enter a date as YYYY-MM-DD.")))
        if len(dates) == 2 and dates["end_date"] < dates["start_date"]:
            issues.append(FieldIssue("end_date", "CLASS_END_BEFORE_START",
                                     N_("The end date is before the start date.")))
        for key in ("theory_hours", "practice_hours", "capacity", "fee_fen"):
            value = fields[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                issues.append(FieldIssue(key, "NOT_A_COUNT", N_(
                    "Enter a whole number, 0 or more.")))
        for n, teacher in enumerate(draft.teachers, 1):
            if not teacher.name.strip():
                issues.append(FieldIssue("teachers", "TEACHER_NAME_EMPTY", N_(
                    "Teacher {n} has no name."), {"n": n}))
            if teacher.role not in TEACHER_ROLES:
                issues.append(FieldIssue("teachers", "TEACHER_ROLE", N_(
                    "Teacher {n}: unknown role."), {"n": n}))
        return fields, issues

    def save(self, draft: ClassDraft, *, class_id: str | None = None, reason: str = "") -> Changes:
        """Create (``class_id=None``) or edit a class. After filing an edit needs a reason."""
        fields, issues = self.validate(draft, class_id=class_id)
        if any(i.severity == "error" for i in issues):
            raise ValidationError(issues)
        teachers = [asdict(t) | {"name": t.name.strip(), "qualification": t.qualification.strip(),
                                 "certificate_no": t.certificate_no.strip()}
                    for t in draft.teachers]
        desk = self._desk
        with desk.write() as now:
            audit = {"updated_at": now, "device_id": desk.device_id}
            if class_id is None:
                class_id = clock.new_id()
                sql.insert(desk.db, {"id": class_id, **fields, "state": "draft",
                                     "created_at": now, **audit})
                before = None
            else:
                current = self.get(class_id)
                before = {k: current[k] for k in fields} | {
                    "teachers": [{k: t[k] for k in ("name", "qualification", "certificate_no",
                                                    "role")} for t in current["teachers"]]}
                after = fields | {"teachers": teachers}
                changed = {k: v for k, v in after.items() if before[k] != v}
                if not changed:
                    return Changes()
                if current["state"] in FROZEN_STATES and not reason.strip():
                    raise ReasonRequired(why=_Label(N_(
                        "the opening application has been filed, so the bureau will ask why "
                        "the class changed.")))
                sql.update(desk.db, class_id, {k: v for k, v in changed.items()
                                               if k != "teachers"} | audit)
                before = {k: before[k] for k in changed}
            sql.replace_teachers(desk.db, class_id, [
                {"id": clock.new_id(), "class_id": class_id, **t, "created_at": now, **audit}
                for t in teachers])
            after = (fields | {"teachers": teachers}) if before is None else \
                {k: (fields | {"teachers": teachers})[k] for k in before}
            if reason.strip():
                after = after | {"reason": reason.strip()}
            desk.log(now, "create" if before is None else "update", "class", class_id,
                     before, after)
        return Changes(classes=True, ids=(class_id,))

    # -- lifecycle -----------------------------------------------------------------------

    def next_states(self, class_id: str) -> list[str]:
        """The states this class may move to now (guards aside), main path first."""
        state = self.get(class_id)["state"]
        allowed = [s for s, sources in TRANSITIONS.items() if state in sources]
        return sorted(allowed, key=lambda s: (s not in MAIN_PATH, s))

    def blockers(self, class_id: str, to_state: str, *, today: dt.date | None = None
                 ) -> list[Blocker]:
        """What stops the class from moving to *to_state* today (empty: it may)."""
        today = today or dt.date.today()
        record = self.get(class_id)
        if to_state not in TRANSITIONS or record["state"] not in TRANSITIONS[to_state]:
            return [Blocker("CLASS_STEP_NOT_ALLOWED", N_(
                "A class in the state “{state}” cannot move to “{to}”."),
                {"state": _Label(CLASS_STATES[record["state"]]),
                 "to": _Label(CLASS_STATES.get(to_state, to_state))}, "basic")]
        db = self._desk.db
        if to_state == "filed":
            return class_rules.filing_blockers(self._filing_facts(record), self.rules_for(record),
                                               today)
        if to_state == "in_training":
            planned = {"theory": record["theory_hours"], "practice": record["practice_hours"]}
            scheduled = session_sql.periods_by_kind(db, class_id)
            return class_rules.start_blockers(
                today, dt.date.fromisoformat(record["start_date"]),
                len(session_sql.sessions_of(db, class_id)), planned, scheduled)
        if to_state == "completed":
            sessions = session_sql.sessions_of(db, class_id)
            last = dt.date.fromisoformat(sessions[-1]["date"]) if sessions else None
            blockers = class_rules.completion_blockers(
                today, session_sql.unrecorded_sessions(db, class_id), last)
            if not sessions:
                blockers.insert(0, Blocker("CLASS_NO_SESSIONS", N_(
                    "There is no session schedule: attendance cannot be complete."), {},
                    "sessions"))
            return blockers
        if to_state == "assessed":
            roster = sql.roster_of(db, class_id, include_withdrawn=False)
            certified = {c["enrolment_id"] for c in outcome_sql.certificates_of_class(db, class_id)}
            return class_rules.assessment_blockers(
                [t["name"] for t in roster if t["result"] is None],
                [t["name"] for t in roster if t["result"] == "pass"
                 and t["enrolment_id"] not in certified])
        return []

    def advance(self, class_id: str, to_state: str, *, reason: str = "",
                today: dt.date | None = None) -> Changes:
        """Move the class on; raises ``GuardFailed`` with the blockers if it may not."""
        today = today or dt.date.today()
        blockers = self.blockers(class_id, to_state, today=today)
        if blockers:
            raise GuardFailed(blockers, state=_Label(CLASS_STATES.get(to_state, to_state)))
        if to_state in NEEDS_REASON and not reason.strip():
            raise ReasonRequired(why=_Label(N_(
                "say why the class is rejected, withdrawn or revised.")))
        desk = self._desk
        record = self.get(class_id)
        with desk.write() as now:
            fields: dict = {"state": to_state, "updated_at": now, "device_id": desk.device_id}
            if to_state == "filed":
                fields.update(filed_at=now, rule_set=self.rules_for(record).id)
                self._take_snapshot(class_id, now)
            sql.update(desk.db, class_id, fields)
            sql.insert_transition(desk.db, {
                "id": clock.new_id(), "class_id": class_id, "from_state": record["state"],
                "to_state": to_state, "at": now, "user_id": desk.user_name,
                "reason": reason.strip(), "device_id": desk.device_id})
            desk.log(now, "advance", "class", class_id, {"state": record["state"]},
                     {"state": to_state, "reason": reason.strip()})
        return Changes(classes=True, ids=(class_id,))

    def _take_snapshot(self, class_id: str, now: str) -> None:
        take_snapshot(self._desk.db, class_id, now, snapshot_id=clock.new_id(),
                      device_id=self._desk.device_id)

    def _filing_facts(self, record: dict) -> class_rules.FilingFacts:
        start = dt.date.fromisoformat(record["start_date"])
        roster = sql.roster_of(self._desk.db, record["id"], include_withdrawn=False)
        problems = []
        for trainee in roster:
            label = f"{trainee['name']}（{identifiers.mask_id_number(trainee['id_number'])}）"
            checked = identifiers.check_id_number(trainee["id_number"])
            if isinstance(checked, identifiers.IdentifierProblem):
                problems.append((label, checked.msgid, dict(checked.params)))
                continue
            age = retirement.age_on(checked.birth_date, start)
            if age < MIN_AGE:
                problems.append((label, N_(
                    "is {age} on the start day; vocational training needs an age of at least 16."),
                    {"age": age}))
        return class_rules.FilingFacts(
            code=record["code"], name=record["name"], training_type=record["training_type"],
            level=record["level"], occupation_name=record["occupation_name"],
            start_date=start, end_date=dt.date.fromisoformat(record["end_date"]),
            theory_hours=record["theory_hours"], practice_hours=record["practice_hours"],
            venue=record["venue"], teaching_plan=record["teaching_plan"],
            assessment_plan=record["assessment_plan"], teachers=len(record["teachers"]),
            capacity=record["capacity"], trainees=len(roster), trainee_problems=tuple(problems))

    # -- roster --------------------------------------------------------------------------

    def enrol(self, class_id: str, person_ids: list[str], *, reason: str = "") -> Changes:
        """Add people to the roster (readmitting anyone withdrawn). After filing
        each change needs a reason and is listed for the bureau."""
        record = self.get(class_id)
        frozen = record["state"] in FROZEN_STATES
        if frozen and not reason.strip():
            raise ReasonRequired(why=_Label(N_(
                "the roster was filed with the opening application; changes after filing "
                "are reported to the bureau.")))
        if record["state"] in ("completed", "assessed", "claimed", "paid", "withdrawn"):
            raise Conflict(N_("Training has ended; the roster can no longer change."))
        desk = self._desk
        added: list[str] = []
        with desk.write() as now:
            for person_id in dict.fromkeys(person_ids):
                person = sql.person_brief(desk.db, person_id)
                if person is None:
                    raise NotFound()
                existing = sql.enrolment_of(desk.db, class_id, person_id)
                if existing is not None and existing["status"] == "enrolled":
                    continue
                if existing is None:
                    enrolment_id = clock.new_id()
                    categories = sql.person_categories(desk.db, person_id)
                    sql.insert_enrolment(desk.db, {
                        "id": enrolment_id, "class_id": class_id, "person_id": person_id,
                        "person_category": categories[0] if categories else "",
                        "status": "enrolled", "created_at": now, "updated_at": now,
                        "device_id": desk.device_id})
                    action = "add"
                    desk.log(now, "create", "enrolment", enrolment_id, None,
                             {"class_id": class_id, "person_id": person_id,
                              **({"reason": reason.strip()} if frozen else {})})
                else:
                    enrolment_id, action = existing["id"], "readmit"
                    sql.update_enrolment(desk.db, enrolment_id, {
                        "status": "enrolled", "withdrawn_on": None, "updated_at": now,
                        "device_id": desk.device_id})
                    desk.log(now, "update", "enrolment", enrolment_id,
                             {"status": "withdrawn"}, {"status": "enrolled",
                                                       "reason": reason.strip()})
                if frozen:
                    self._log_change(class_id, enrolment_id, person_id, action, reason, now)
                added.append(enrolment_id)
        return Changes(classes=True, ids=tuple(added))

    def withdraw(self, enrolment_id: str, *, reason: str = "",
                 on: dt.date | None = None) -> Changes:
        """Take a trainee off the roster: removed outright while the class is a
        draft; after filing marked withdrawn, with the reason."""
        desk = self._desk
        enrolment = sql.enrolment(desk.db, enrolment_id)
        if enrolment is None:
            raise NotFound()
        record = self.get(enrolment["class_id"])
        frozen = record["state"] in FROZEN_STATES
        if frozen and not reason.strip():
            raise ReasonRequired(why=_Label(N_(
                "the roster was filed with the opening application; say why the trainee leaves.")))
        if record["state"] in ("completed", "assessed", "claimed", "paid"):
            raise Conflict(N_("Training has ended; the roster can no longer change."))
        with desk.write() as now:
            if not frozen:
                sql.delete_enrolment(desk.db, enrolment_id)
                desk.log(now, "delete", "enrolment", enrolment_id,
                         {"class_id": enrolment["class_id"],
                          "person_id": enrolment["person_id"]}, None)
            else:
                day = (on or dt.date.today()).isoformat()
                sql.update_enrolment(desk.db, enrolment_id, {
                    "status": "withdrawn", "withdrawn_on": day, "updated_at": now,
                    "device_id": desk.device_id})
                self._log_change(enrolment["class_id"], enrolment_id, enrolment["person_id"],
                                 "withdraw", reason, now)
                desk.log(now, "update", "enrolment", enrolment_id, {"status": "enrolled"},
                         {"status": "withdrawn", "withdrawn_on": day, "reason": reason.strip()})
        return Changes(classes=True, ids=(enrolment_id,))

    def _log_change(self, class_id: str, enrolment_id: str, person_id: str, action: str,
                    reason: str, now: str) -> None:
        desk = self._desk
        sql.insert_enrolment_change(desk.db, {
            "id": clock.new_id(), "class_id": class_id, "enrolment_id": enrolment_id,
            "person_id": person_id, "action": action, "reason": reason.strip(), "at": now,
            "user_name": desk.user_name, "device_id": desk.device_id})


def take_snapshot(db, class_id: str, taken_at: str, *, snapshot_id: str, device_id: str,
                  include_withdrawn: bool = False) -> None:
    """Keep the roster as filed: the enrolled trainees as canonical JSON with its SHA-256.
    (The demo passes ``include_withdrawn``: its drop-outs left after filing.)"""
    trainees = [{k: t[k] for k in ("person_id", "name", "id_number", "person_category")}
                for t in sql.roster_of(db, class_id, include_withdrawn=include_withdrawn)]
    data = json.dumps(trainees, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    sql.insert_snapshot(db, {
        "id": snapshot_id, "class_id": class_id, "taken_at": taken_at, "data_json": data,
        "sha256": hashlib.sha256(data.encode("utf-8")).hexdigest(), "device_id": device_id})


class _Label(str):
    """A state label (msgid) translated when a message is formatted."""

    def __format__(self, spec: str) -> str:
        from skilldesk.i18n import _
        return format(_(str(self)), spec)
