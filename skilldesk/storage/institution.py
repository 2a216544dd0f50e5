"""SQL for the institution row and summary counts."""

from __future__ import annotations

from sqlite_utils import Database

from skilldesk.storage.rows import update_row

COUNTED_TABLES = (
    "person", "training_class", "enrolment", "session", "attendance", "inspection",
    "certificate", "employment_followup", "catalogue_item", "claim", "op_log",
)


def get(db: Database) -> dict | None:
    cursor = db.execute("SELECT * FROM institution LIMIT 1")
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row))


def insert(db: Database, record: dict) -> None:
    db.table("institution").insert(record)


def update(db: Database, institution_id: str, fields: dict) -> None:
    update_row(db, "institution", institution_id, fields)


def row_counts(db: Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}


def classes_by_state(db: Database) -> dict[str, int]:
    rows = db.execute("SELECT state, count(*) FROM training_class GROUP BY state").fetchall()
    return dict(rows)
