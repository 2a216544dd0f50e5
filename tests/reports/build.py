"""Databases for the report tests and benchmark: the demo institution, and a class with a
large roster (the demo's draft class, given *trainees* people)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from skilldesk.core import clock
from skilldesk.core.desk import Desk
from skilldesk.storage import bulk


def demo(path: Path, *, people: int = 800, seed: int = 3) -> Desk:
    desk = Desk.open(path, create=True)
    desk.build_demo(people=people, seed=seed)
    return desk


def class_in(desk: Desk, state: str) -> str:
    """The id of the demo's first class in *state*."""
    for row in desk.classes.list().rows:
        if row.state == state:
            return row.id
    raise LookupError(state)


def big_class(desk: Desk, trainees: int) -> str:
    """The demo's draft class with *trainees* people enrolled (newest people first)."""
    class_id = class_in(desk, "draft")
    ids: list[str] = []
    cursor = None
    while len(ids) < trainees:
        page = desk.people.search("", before=cursor, limit=500)
        ids += [p.id for p in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    desk.classes.enrol(class_id, ids[:trainees])
    return class_id


def assessed_class(desk: Desk, class_id: str) -> None:
    """Turn the big draft class into an assessed one: every session marked present,
    every trainee passed with a certificate (written directly: benchmark and crash-test data, not a real class's history)."""
    db = desk.db
    record = desk.classes.get(class_id)
    end = dt.date.fromisoformat(record["end_date"])
    issued = (end + dt.timedelta(days=10)).isoformat()
    now = clock.utc_now()
    roster = desk.classes.roster(class_id, include_withdrawn=False)
    sessions = [s.id for s in desk.attendance.sessions(class_id)]
    with desk.write():
        db.execute("UPDATE training_class SET state = 'assessed', fee_fen = 500000 WHERE id = ?",
                   [class_id])
        db.execute("UPDATE enrolment SET result = 'pass' WHERE class_id = ?", [class_id])
        bulk.insert_rows(db, "attendance", [
            (clock.new_id(), s, t["enrolment_id"], "present", None, None, "paper", now, now,
             desk.device_id) for s in sessions for t in roster])
        bulk.insert_rows(db, "certificate", [
            (clock.new_id(), t["enrolment_id"], "skill_level", f"S000032000001265{n:06d}",
             record["level"], issued, "苏州市职业技能鉴定中心", now, now, desk.device_id)
            for n, t in enumerate(roster)])
