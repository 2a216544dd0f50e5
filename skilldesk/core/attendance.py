"""Sessions (课次) and attendance (考勤) of a class."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.core.class_models import ATTENDANCE
from skilldesk.core.class_models import CREDITED_ATTENDANCE
from skilldesk.core.class_models import SESSION_KINDS
from skilldesk.core.class_models import SIGN_METHODS
from skilldesk.core.class_models import AttendanceGrid
from skilldesk.core.class_models import Session
from skilldesk.core.class_models import Trainee
from skilldesk.core.class_models import TraineeAttendance
from skilldesk.errors import Conflict
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.rules import class_rules
from skilldesk.rules.class_rules import Slot
from skilldesk.storage import classes as class_sql
from skilldesk.storage import sessions as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

# Attendance is taken while training runs, and corrected before the assessment.
MARKABLE_STATES = frozenset({"in_training", "completed"})
SCHEDULABLE_STATES = frozenset({"draft", "filed", "approved", "in_training"})
# Single sessions may still be corrected until the class is assessed.
SESSION_EDIT_STATES = SCHEDULABLE_STATES | MARKABLE_STATES


class AttendanceService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def _class(self, class_id: str) -> dict:
        record = class_sql.get(self._desk.db, class_id)
        if record is None:
            raise NotFound()
        return record

    @staticmethod
    def _editable(record: dict) -> None:
        if record["state"] not in SESSION_EDIT_STATES:
            raise Conflict(N_("The class is assessed or closed; its sessions can no longer "
                              "change."))

    # -- sessions ------------------------------------------------------------------------

    def sessions(self, class_id: str) -> list[Session]:
        return [Session(**s) for s in sql.sessions_of(self._desk.db, class_id)]

    def generate(self, class_id: str, *, weekdays: set[int], slots: list[Slot],
                 skip_holidays: bool = True, break_minutes: int = 10) -> tuple[Changes, dict]:
        """Replace the schedule with one generated from the class dates and planned
        periods. Refused once any attendance is recorded. Returns the periods that
        did not fit (per kind) so the caller can say so."""
        from skilldesk.rules.policy import rule_set_for

        record = self._class(class_id)
        if record["state"] not in SCHEDULABLE_STATES:
            raise Conflict(N_("The schedule of a class that has finished cannot be regenerated."))
        if sql.marks_count(self._desk.db, class_id):
            raise Conflict(N_("Attendance has been recorded, so the schedule cannot be "
                              "regenerated; edit single sessions instead."))
        if not weekdays or not slots:
            raise ValidationError([FieldIssue("weekdays", "SCHEDULE_EMPTY", N_(
                "Choose at least one weekday and one time slot."))])
        start = dt.date.fromisoformat(record["start_date"])
        rules = rule_set_for(start)
        planned, left = class_rules.generate_schedule(
            start, dt.date.fromisoformat(record["end_date"]), weekdays, slots,
            record["theory_hours"], record["practice_hours"], rules,
            skip_holidays=skip_holidays, break_minutes=break_minutes)
        desk = self._desk
        with desk.write() as now:
            sql.delete_sessions(desk.db, class_id)
            ids = clock.new_ids(len(planned))
            sql.insert_sessions(desk.db, [{
                "id": ids[n], "class_id": class_id, "seq_no": n + 1, "date": p.date.isoformat(),
                "start_time": p.start_time, "end_time": p.end_time, "periods": p.periods,
                "kind": p.kind, "topic": "", "teacher": "", "created_at": now, "updated_at": now,
                "device_id": desk.device_id} for n, p in enumerate(planned)])
            desk.log(now, "schedule", "class", class_id, None, {
                "sessions": len(planned), "weekdays": sorted(weekdays),
                "slots": [[s.start_time, s.periods] for s in slots], "unplaced": left})
        return Changes(classes=True, ids=(class_id,)), left

    def save_session(self, class_id: str, *, session_id: str | None = None, date: str,
                     start_time: str, end_time: str, periods: int, kind: str, topic: str = "",
                     teacher: str = "") -> Changes:
        """Add a session or edit one; sessions are renumbered in date order."""
        self._editable(self._class(class_id))
        issues = []
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            issues.append(FieldIssue("date", "DATE_FORMAT", N_("Enter a date as YYYY-MM-DD.")))
        for key, value in (("start_time", start_time), ("end_time", end_time)):
            if not _time_ok(value):
                issues.append(FieldIssue(key, "TIME_FORMAT", N_("Enter a time as HH:MM.")))
        if not issues and end_time <= start_time:
            issues.append(FieldIssue("end_time", "TIME_ORDER", N_(
                "The session ends before it starts.")))
        if not isinstance(periods, int) or periods <= 0:
            issues.append(FieldIssue("periods", "PERIODS", N_("Enter 1 or more periods.")))
        if kind not in SESSION_KINDS:
            issues.append(FieldIssue("kind", "SESSION_KIND", N_("Theory or practice?")))
        if issues:
            raise ValidationError(issues)
        fields = {"date": date, "start_time": start_time, "end_time": end_time,
                  "periods": periods, "kind": kind, "topic": topic.strip(),
                  "teacher": teacher.strip()}
        desk = self._desk
        with desk.write() as now:
            if session_id is None:
                session_id = clock.new_id()
                count = len(sql.sessions_of(desk.db, class_id))
                sql.insert_sessions(desk.db, [{"id": session_id, "class_id": class_id,
                                               "seq_no": count + 1, **fields, "created_at": now,
                                               "updated_at": now, "device_id": desk.device_id}])
                desk.log(now, "create", "session", session_id, None, fields)
            else:
                current = sql.session(desk.db, session_id)
                if current is None or current["class_id"] != class_id:
                    raise NotFound()
                before = {k: current[k] for k in fields}
                sql.update_session(desk.db, session_id, fields | {
                    "updated_at": now, "device_id": desk.device_id})
                desk.log(now, "update", "session", session_id, before, fields)
            sql.renumber(desk.db, class_id)
        return Changes(classes=True, ids=(session_id,))

    def delete_session(self, session_id: str) -> Changes:
        desk = self._desk
        current = sql.session(desk.db, session_id)
        if current is None:
            raise NotFound()
        self._editable(self._class(current["class_id"]))
        marked = [m for m in sql.marks_of(desk.db, current["class_id"]) if m[1] == session_id]
        if marked:
            raise Conflict(N_("Attendance is recorded for this session; it cannot be deleted."))
        with desk.write() as now:
            sql.delete_session(desk.db, session_id)
            sql.renumber(desk.db, current["class_id"])
            desk.log(now, "delete", "session", session_id,
                     {k: current[k] for k in ("date", "start_time", "periods", "kind")}, None)
        return Changes(classes=True)

    # -- attendance ----------------------------------------------------------------------

    def grid(self, class_id: str) -> AttendanceGrid:
        """Enrolled trainees × sessions with the recorded marks."""
        db = self._desk.db
        self._class(class_id)
        trainees = [Trainee(t["enrolment_id"], t["person_id"], t["name"], t["id_number"],
                            t["status"], t["result"], t["theory_score"], t["practice_score"])
                    for t in class_sql.roster_of(db, class_id, include_withdrawn=False)]
        marks = {(m[0], m[1]): m[2] for m in sql.marks_of(db, class_id)}
        enrolled = {t.enrolment_id for t in trainees}
        return AttendanceGrid(self.sessions(class_id), trainees,
                              {k: v for k, v in marks.items() if k[0] in enrolled})

    def save(self, class_id: str, marks: dict[tuple[str, str], str | None], *,
             method: str = "", times: dict[tuple[str, str], tuple[str | None, str | None]]
             | None = None) -> Changes:
        """Record marks: {(enrolment_id, session_id): status, or None to clear}.
        One transaction; one op-log entry per session touched."""
        record = self._class(class_id)
        if record["state"] not in MARKABLE_STATES:
            raise Conflict(N_("Attendance can be recorded once training has started and until "
                              "the class is assessed."))
        if method not in SIGN_METHODS:
            raise ValueError(f"unknown sign-in method {method!r}")
        bad = {s for s in marks.values() if s is not None and s not in ATTENDANCE}
        if bad:
            raise ValueError(f"unknown attendance status {sorted(bad)!r}")
        db = self._desk.db
        sessions = {s["id"] for s in sql.sessions_of(db, class_id)}
        enrolled = {t["enrolment_id"] for t in
                    class_sql.roster_of(db, class_id, include_withdrawn=False)}
        for enrolment_id, session_id in marks:
            if session_id not in sessions or enrolment_id not in enrolled:
                raise NotFound(N_("A mark refers to a session or trainee not in this class."))
        times = times or {}
        desk = self._desk
        upserts, clears = [], []
        per_session: dict[str, dict] = {}
        with desk.write() as now:
            ids = clock.IdPool()
            for (enrolment_id, session_id), status in marks.items():
                per_session.setdefault(session_id, {})[enrolment_id] = status
                if status is None:
                    clears.append((session_id, enrolment_id))
                else:
                    sign_in, sign_out = times.get((enrolment_id, session_id), (None, None))
                    upserts.append((ids(), session_id, enrolment_id, status, sign_in, sign_out,
                                    method, now, desk.device_id))
            sql.upsert_marks(db, upserts)
            sql.delete_marks(db, clears)
            for session_id, changed in per_session.items():
                desk.log(now, "attendance", "session", session_id, None,
                         {"marks": changed, **({"method": method} if method else {})})
        return Changes(classes=True, ids=(class_id,))

    def mark_all_present(self, class_id: str, session_id: str, *, method: str = "") -> Changes:
        """Every enrolled trainee without a mark in the session is marked present."""
        grid = self.grid(class_id)
        marks = {(t.enrolment_id, session_id): "present" for t in grid.trainees
                 if (t.enrolment_id, session_id) not in grid.marks}
        return self.save(class_id, marks, method=method) if marks else Changes()

    def summary(self, grid: AttendanceGrid) -> dict[str, TraineeAttendance]:
        """Credited and recorded periods per enrolment (present and late count)."""
        return summarise(grid)


def summarise(grid: AttendanceGrid) -> dict[str, TraineeAttendance]:
    periods = {s.id: s.periods for s in grid.sessions}
    credited = {t.enrolment_id: 0 for t in grid.trainees}
    recorded = dict(credited)
    for (enrolment_id, session_id), status in grid.marks.items():
        if enrolment_id not in recorded or session_id not in periods:
            continue
        recorded[enrolment_id] += periods[session_id]
        if status in CREDITED_ATTENDANCE:
            credited[enrolment_id] += periods[session_id]
    return {e: TraineeAttendance(credited[e], recorded[e]) for e in credited}


def _time_ok(text: str) -> bool:
    try:
        return len(text) == 5 and dt.time.fromisoformat(text) is not None
    except ValueError:
        return False
