"""SQL for the subsidies people already received (``subsidy_history``): the bureau's list
imported from a file, and the look-ups its import needs.

Writes run inside the caller's transaction; the core opens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

from sqlite_utils import Database

_CHUNK = 500  # well below SQLite's limit on bound parameters

#: The columns of one stored record, in the order ``insert`` takes them.
COLUMNS = ("id", "person_id", "source", "subsidy_kind", "occupation_code", "level",
           "training_type", "amount_fen", "granted_on", "created_at", "updated_at", "device_id")
#: What ``of_person`` returns per record.
LISTED = ("id", "source", "subsidy_kind", "training_type", "occupation_code", "level",
          "amount_fen", "granted_on", "created_at")


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def people_by_id_number(db: Database, id_numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
    """id_number -> (person id, name) for the stored people among *id_numbers*."""
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(list(dict.fromkeys(id_numbers))):
        marks = ", ".join("?" * len(chunk))
        for person_id, id_number, name in db.execute(
                f"SELECT id, id_number, name FROM person WHERE id_number IN ({marks})",
                list(chunk)).fetchall():
            found[id_number] = (person_id, name)
    return found


def records_of(db: Database, person_ids: Iterable[str]) -> list[tuple]:
    """(person_id, subsidy_kind, training_type, occupation_code, level, granted_on) of every
    stored record of these people, whatever its source."""
    rows: list[tuple] = []
    for chunk in _chunks(list(dict.fromkeys(person_ids))):
        marks = ", ".join("?" * len(chunk))
        rows += db.execute(
            "SELECT person_id, subsidy_kind, training_type, occupation_code, level, granted_on "
            f"FROM subsidy_history WHERE person_id IN ({marks})", list(chunk)).fetchall()
    return rows


def insert(db: Database, rows: Sequence[Sequence[object]]) -> None:
    """Store records given in the order of ``COLUMNS``."""
    marks = ", ".join("?" * len(COLUMNS))
    db.conn.executemany(
        f"INSERT INTO subsidy_history ({', '.join(COLUMNS)}) VALUES ({marks})", rows)


def of_person(db: Database, person_id: str) -> list[dict]:
    """A person's records, oldest first, as dicts with the keys of ``LISTED``."""
    cursor = db.execute(
        f"SELECT {', '.join(LISTED)} FROM subsidy_history WHERE person_id = ? "
        "ORDER BY granted_on, subsidy_kind, occupation_code, level, id", [person_id])
    return [dict(zip(LISTED, row)) for row in cursor.fetchall()]
