"""SQL for imports: bulk person look-ups and writes, import batches, mappings.

Writes here run inside the caller's transaction; the core opens it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence

from sqlite_utils import Database

from skilldesk.storage import sync
from skilldesk.storage.bulk import person_search_triggers_suspended

# The person columns an import may set (besides id, sex and birth date).
PERSON_FIELDS = (
    "name", "id_type", "id_number", "sex", "birth_date", "phone", "hukou_address",
    "hukou_type", "education", "employer", "employer_uscc", "bank_account",
    "unemployment_cert_no", "school", "graduation_date", "notes", "pension", "insured_months",
)
# Of those, the ones whose blank is NULL ("not recorded"), not an empty text.
NULLABLE_FIELDS = ("pension", "insured_months")
_CHUNK = 500  # SQLite's default limit on bound parameters is well above this


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def people_by_id_number(db: Database, id_numbers: Sequence[str]) -> dict[str, dict]:
    """Stored people for these ID numbers: id_number -> row dict (with categories)."""
    columns = ("id", "seq", "updated_at", *PERSON_FIELDS)
    found: dict[str, dict] = {}
    for chunk in _chunks(list(dict.fromkeys(id_numbers))):
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT {', '.join(columns)} FROM person WHERE id_number IN ({marks})", list(chunk)
        ).fetchall():
            record = dict(zip(columns, row))
            record["categories"] = []
            found[record["id_number"]] = record
    by_id = {r["id"]: r for r in found.values()}
    for chunk in _chunks(list(by_id)):
        marks = ", ".join("?" * len(chunk))
        for person_id, category in db.execute(
            f"SELECT person_id, category FROM person_category WHERE person_id IN ({marks}) "
            "ORDER BY category", list(chunk)
        ).fetchall():
            by_id[person_id]["categories"].append(category)
    return found


def class_by_code(db: Database, code: str) -> dict | None:
    cursor = db.execute(
        "SELECT id, code, name, state, start_date, end_date FROM training_class WHERE code = ?",
        [code],
    )
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def enrolled_person_ids(db: Database, class_id: str) -> set[str]:
    rows = db.execute("SELECT person_id FROM enrolment WHERE class_id = ?", [class_id])
    return {r[0] for r in rows.fetchall()}


def overlapping_classes(
    db: Database, person_ids: Sequence[str], *, class_id: str, start: str, end: str
) -> dict[str, list[str]]:
    """person id -> codes of OTHER classes they are enrolled in whose dates overlap."""
    result: dict[str, list[str]] = {}
    for chunk in _chunks(list(person_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT e.person_id, c.code FROM enrolment e JOIN training_class c ON c.id = e.class_id "
            f"WHERE e.person_id IN ({marks}) AND e.status = 'enrolled' AND c.id != ? "
            "AND c.state NOT IN ('withdrawn', 'rejected') "
            "AND c.start_date <= ? AND c.end_date >= ? ORDER BY c.code",
            [*chunk, class_id, end, start],
        ).fetchall()
        for person_id, code in rows:
            result.setdefault(person_id, []).append(code)
    return result


NEW_PERSON_COLUMNS = ("id", *PERSON_FIELDS, "created_at", "updated_at", "device_id")


def insert_people(db: Database, rows: Sequence[tuple],
                  meanwhile: Callable[[], None] | None = None) -> None:
    """Insert new people: tuples in the order of ``NEW_PERSON_COLUMNS``.

    *meanwhile* runs while the search indexes are built (see
    :func:`~skilldesk.storage.bulk.person_search_triggers_suspended`); it must
    not touch the database. It runs even when there is nobody to insert.
    """
    if not rows:
        if meanwhile is not None:
            meanwhile()
        return
    sql = (f"INSERT INTO person ({', '.join(NEW_PERSON_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(NEW_PERSON_COLUMNS))})")
    with person_search_triggers_suspended(db, meanwhile=meanwhile, record_changes=True):
        db.conn.executemany(sql, rows)


def update_person_fields(db: Database, person_id: str, fields: dict) -> None:
    assignments = ", ".join(f"{column} = ?" for column in fields)
    db.execute(f"UPDATE person SET {assignments} WHERE id = ?", [*fields.values(), person_id])


def insert_categories(db: Database, rows: Sequence[tuple]) -> None:
    """rows: (id, person_id, category, created_at, updated_at, device_id)."""
    with sync.recorded_in_bulk(db, "person_category"):
        db.conn.executemany(
            "INSERT OR IGNORE INTO person_category(id, person_id, category, created_at, "
            "updated_at, device_id) VALUES (?, ?, ?, ?, ?, ?)", rows)


def insert_enrolments(db: Database, rows: Sequence[tuple]) -> None:
    """rows: (id, class_id, person_id, person_category, created_at, updated_at, device_id)."""
    with sync.recorded_in_bulk(db, "enrolment"):
        db.conn.executemany(
            "INSERT INTO enrolment(id, class_id, person_id, person_category, created_at, "
            "updated_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def append_ops(db: Database, rows: Sequence[tuple]) -> None:
    """Op-log rows: (op_id, at, user_name, device_id, action, entity, entity_id,
    before_json, after_json), chained to the log by hash (storage/audit.py)."""
    from skilldesk.storage import audit  # noqa: PLC0415 (kept inside: the one edit here)
    audit.append_rows(db, rows)


# -- batches ---------------------------------------------------------------------

def insert_batch(db: Database, batch: dict, items: Sequence[tuple]) -> None:
    """items: (entity, entity_id, action, before_json)."""
    db.table("import_batch").insert(batch)
    db.conn.executemany(
        "INSERT INTO import_batch_item(batch_id, entity, entity_id, action, before_json) "
        "VALUES (?, ?, ?, ?, ?)", [(batch["id"], *item) for item in items])


def get_batch(db: Database, batch_id: str) -> dict | None:
    cursor = db.execute("SELECT * FROM import_batch WHERE id = ?", [batch_id])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def list_batches(db: Database, limit: int = 50) -> list[dict]:
    cursor = db.execute("SELECT * FROM import_batch ORDER BY at DESC LIMIT ?", [limit])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def batch_items(db: Database, batch_id: str) -> list[tuple[str, str, str, dict | None]]:
    rows = db.execute(
        "SELECT entity, entity_id, action, before_json FROM import_batch_item "
        "WHERE batch_id = ?", [batch_id]).fetchall()
    return [(e, i, a, json.loads(b) if b else None) for e, i, a, b in rows]


def touched_since(db: Database, batch_id: str, at: str) -> list[tuple[str, str]]:
    """(entity, id) of the batch's records that changed after the batch (or are
    gone), or that other records now point to: undoing would lose that work."""
    touched = db.execute(
        """
        SELECT i.entity, i.entity_id FROM import_batch_item i
        LEFT JOIN person p ON i.entity = 'person' AND p.id = i.entity_id
        LEFT JOIN enrolment e ON i.entity = 'enrolment' AND e.id = i.entity_id
        WHERE i.batch_id = ?1 AND (
            (i.entity = 'person' AND (p.id IS NULL OR p.updated_at != ?2)) OR
            (i.entity = 'enrolment' AND (e.id IS NULL OR e.updated_at != ?2)))
        """, [batch_id, at]).fetchall()
    # people created by the batch that meanwhile joined another class or claim
    touched += db.execute(
        """
        SELECT 'person', i.entity_id FROM import_batch_item i
        WHERE i.batch_id = ?1 AND i.entity = 'person' AND i.action = 'create' AND (
            EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = i.entity_id AND NOT EXISTS (
                SELECT 1 FROM import_batch_item j WHERE j.batch_id = ?1
                AND j.entity = 'enrolment' AND j.entity_id = e.id))
            OR EXISTS (SELECT 1 FROM subsidy_history s WHERE s.person_id = i.entity_id)
            OR EXISTS (SELECT 1 FROM claim_line c WHERE c.person_id = i.entity_id))
        """, [batch_id]).fetchall()
    # categories edited after the batch
    touched += db.execute(
        """
        SELECT 'person', c.person_id FROM person_category c JOIN import_batch_item i
        ON i.entity = 'person' AND i.entity_id = c.person_id
        WHERE i.batch_id = ?1 AND c.updated_at > ?2
        """, [batch_id, at]).fetchall()
    return sorted(set(touched))


def delete_enrolments(db: Database, ids: Sequence[str]) -> None:
    db.conn.executemany("DELETE FROM enrolment WHERE id = ?", [(i,) for i in ids])


def delete_people(db: Database, ids: Sequence[str]) -> None:
    db.conn.executemany("DELETE FROM person_category WHERE person_id = ?", [(i,) for i in ids])
    db.conn.executemany("DELETE FROM person WHERE id = ?", [(i,) for i in ids])


def replace_categories(db: Database, person_id: str, rows: Sequence[tuple]) -> None:
    """Set a person's categories to exactly *rows* (id, person_id, category, created_at,
    updated_at, device_id)."""
    db.execute("DELETE FROM person_category WHERE person_id = ?", [person_id])
    insert_categories(db, rows)


def mark_undone(db: Database, batch_id: str, at: str) -> None:
    db.execute("UPDATE import_batch SET state = 'undone', undone_at = ? WHERE id = ?",
               [at, batch_id])


# -- remembered column mappings ----------------------------------------------------

def get_mapping(db: Database, layout_key: str) -> dict[int, str] | None:
    row = db.execute("SELECT mapping_json FROM import_mapping WHERE layout_key = ?",
                     [layout_key]).fetchone()
    return {int(k): v for k, v in json.loads(row[0]).items()} if row else None


def put_mapping(db: Database, layout_key: str, kind: str, mapping: dict[int, str], at: str) -> None:
    db.execute(
        "INSERT INTO import_mapping(layout_key, kind, mapping_json, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(layout_key) DO UPDATE SET mapping_json = excluded.mapping_json, "
        "updated_at = excluded.updated_at",
        [layout_key, kind, json.dumps({str(k): v for k, v in sorted(mapping.items())}), at])


def open_classes(db: Database) -> list[tuple[str, str, str]]:
    """(code, name, start date) of classes whose roster may still change (drafts)."""
    return db.execute(
        "SELECT code, name, start_date FROM training_class WHERE state = 'draft' "
        "ORDER BY start_date DESC, code").fetchall()
