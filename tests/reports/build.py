"""Databases for the report tests and benchmark: the demo institution, and a class with a
large roster (the demo's draft class, given *trainees* people)."""

from __future__ import annotations

from pathlib import Path

from skilldesk.core.desk import Desk


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
