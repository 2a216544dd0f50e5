"""Test helpers: an office PC and field laptops as real Desks, paired, with real bundles."""

from __future__ import annotations

import datetime as dt

from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.core.people import draft_from
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import schema_v7


def valid_id(n: int) -> str:
    body = f"3205081990{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + id_check_char(body)


def office(people: int = 12, *, path=None) -> Desk:
    desk = Desk.open(path, create=True) if path else Desk.open(None)
    desk.user_name = "王老师"
    desk.build_demo(people=people, seed=1, )
    desk.sync.set_device(name="办公室电脑", role="office")
    return desk


def laptop(name: str, *, path=None) -> Desk:
    desk = Desk.open(path, create=True) if path else Desk.open(None)
    desk.user_name = f"{name}的老师"
    desk.sync.set_device(name=name, role="laptop")
    return desk


def pair(a: Desk, b: Desk) -> None:
    a.sync.pair(b.sync.pairing_file()[0])
    b.sync.pair(a.sync.pairing_file()[0])


def send(a: Desk, b: Desk):
    """Export from *a* to *b* and import it there; the import result."""
    return b.sync.import_bundle(a.sync.export_bundle(b.device_id).data)


def dump(desk: Desk) -> dict:
    """Every synchronised row (sorted): equal on converged devices. Left out: local
    columns and the bookkeeping ones (when and where a row was last changed, which each
    device keeps as it learns of changes; docs/sync.md)."""
    out = {}
    for table in schema_v7.SYNCED_TABLES:
        cols = [c for c in desk.sync.shapes().tables[table].columns
                if c not in schema_v7.META_COLUMNS]
        out[table] = sorted(tuple(r) for r in desk.db.execute(
            f"SELECT {', '.join(cols)} FROM {table}").fetchall())
    return out


def conflict_view(desk: Desk) -> set:
    return {(c.table, c.row_id, c.field, frozenset(repr(o.value) for o in c.options))
            for c in desk.sync.conflicts()}


def person_by_number(desk: Desk, id_number: str):
    row = desk.db.execute("SELECT id FROM person WHERE id_number = ?", [id_number]).fetchone()
    return None if row is None else desk.people.get(row[0])


def edit_person(desk: Desk, id_number: str, **changes) -> bool:
    person = person_by_number(desk, id_number)
    if person is None:
        return False
    desk.people.save(PersonDraft(**{**draft_from(person).__dict__, **changes}),
                     person_id=person.id)
    return True


def today() -> dt.date:
    return dt.date.today()
