"""Bulk writes for generated data (the demo institution, benchmarks).

Rows arrive as tuples in the column order of :data:`COLUMNS` and go in with
``executemany``, which is several times faster than one ``insert`` per row
through sqlite-utils.  Callers run everything inside one transaction.

The search indexes on ``person`` are kept by AFTER INSERT triggers, which
cost about two thirds of the time of a large insert.
:func:`person_search_triggers_suspended` drops the two insert triggers for
the duration of a bulk insert and then indexes the new people in one pass
per index, producing exactly what the triggers would have produced.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager

from sqlite_utils import Database

from skilldesk.storage.driver import sqlite3

_AUDIT = ("created_at", "updated_at", "device_id")

#: Column order of the tuples each table accepts from :func:`insert_rows`.
COLUMNS: dict[str, tuple[str, ...]] = {
    "institution": (
        "id", "name", "uscc", "kind", "district", "address", "contact_name",
        "contact_phone", "licence_no", "bank_name", "bank_account", "is_demo", *_AUDIT,
    ),
    "catalogue": (
        "id", "city", "year", "title", "source", "is_sample", "effective_from",
        "effective_to", "active", *_AUDIT,
    ),
    "catalogue_item": (
        "id", "catalogue_id", "occupation_code", "occupation_name", "work_type", "level",
        "category", "category_assumed", "standard_fen", "shortage", "min_hours", *_AUDIT,
    ),
    # seq is left out on purpose: SQLite assigns it in insert order, so the
    # newest person has the highest seq.
    "person": (
        "id", "name", "id_type", "id_number", "sex", "birth_date", "phone",
        "hukou_address", "hukou_type", "education", "employer", "employer_uscc",
        "bank_name", "bank_account", "notes", *_AUDIT,
    ),
    "person_category": (
        "id", "person_id", "category", "proof_kind", "proof_number", "valid_from",
        "valid_to", *_AUDIT,
    ),
    "training_class": (
        "id", "code", "name", "training_type", "occupation_code", "occupation_name",
        "work_type", "level", "category", "start_date", "end_date", "theory_hours",
        "practice_hours", "venue", "capacity", "teaching_plan", "assessment_plan",
        "fee_fen", "state", "filed_at", *_AUDIT,
    ),
    "class_teacher": (
        "id", "class_id", "name", "qualification", "certificate_no", "role", *_AUDIT,
    ),
    "class_transition": (
        "id", "class_id", "from_state", "to_state", "at", "user_id", "reason", "device_id",
    ),
    "enrolment": (
        "id", "class_id", "person_id", "person_category", "status", "withdrawn_on", "result",
        "theory_score",
        "practice_score", *_AUDIT,
    ),
    "session": (
        "id", "class_id", "seq_no", "date", "start_time", "end_time", "periods", "kind",
        "topic", "teacher", *_AUDIT,
    ),
    "attendance": (
        "id", "session_id", "enrolment_id", "status", "sign_in", "sign_out", "method",
        *_AUDIT,
    ),
    "certificate": (
        "id", "enrolment_id", "cert_type", "cert_number", "level", "issue_date",
        "issuing_body", *_AUDIT,
    ),
    "employment_followup": (
        "id", "enrolment_id", "month_offset", "status", "employer", "employer_uscc",
        "contract_date", "jobs_created", "recorded_on", *_AUDIT,
    ),
    # (op_log is not here: its entries are chained by hash, storage/audit.py append_rows)
}

_INSERT_SQL: dict[str, str] = {
    table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for table, cols in COLUMNS.items()
}

# The triggers that index a new person for search (schema_v1).
PERSON_SEARCH_TRIGGERS = ("person_fts_ai", "person_gram_ai")
# The trigger that records a new person for the other devices (schema_v7).
PERSON_SYNC_TRIGGER = "sync_person_ai"
_RECORD_SYNC_SQL = """
    INSERT INTO sync_change(tbl, row_id, fields, at, user_name)
    SELECT 'person', id, '*', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
           (SELECT user_name FROM sync_control)
    FROM person WHERE seq > ? ORDER BY seq
"""

# Same rows as the person_fts_ai and person_gram_ai triggers would write, for
# every person above a seq at once (gram positions limited by gram_position).
_INDEX_FTS_SQL = """
    INSERT INTO person_fts(rowid, name, id_number, phone)
    SELECT seq, name, id_number, phone FROM person WHERE seq > ? ORDER BY seq
"""
_INDEX_GRAMS_SQL = """
    INSERT OR IGNORE INTO person_name_gram(gram, seq)
    SELECT gram, seq FROM (
        SELECT substr(p.name, g.p, 1) AS gram, p.seq AS seq
        FROM person p JOIN gram_position g ON g.p <= length(p.name) WHERE p.seq > ?1
        UNION ALL
        SELECT substr(p.name, g.p, 2), p.seq
        FROM person p JOIN gram_position g ON g.p < length(p.name) WHERE p.seq > ?1
    ) ORDER BY gram, seq
"""


def has_institution(db: Database) -> bool:
    return db.execute("SELECT 1 FROM institution LIMIT 1").fetchone() is not None


def insert_rows(db: Database, table: str, rows: Iterable[Sequence[object]]) -> None:
    """Insert tuples ordered as ``COLUMNS[table]`` with one ``executemany``."""
    db.conn.executemany(_INSERT_SQL[table], rows)


def _trigger_sql(db: Database, names: Sequence[str]) -> dict[str, str]:
    placeholders = ", ".join("?" * len(names))
    rows = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({placeholders})",
        list(names),
    ).fetchall()
    return dict(rows)


@contextmanager
def person_search_triggers_suspended(
    db: Database, *, meanwhile: Callable[[], None] | None = None,
    record_changes: bool = False,
) -> Iterator[None]:
    """Bulk-insert people without the per-row search-index triggers.

    Must run inside a transaction: the triggers are dropped and recreated
    with their exact original SQL (read from ``sqlite_master``), so a
    rollback anywhere restores the schema as it was.  On normal exit the
    people inserted in the block (``seq`` above the highest one at entry) are
    indexed in one pass each, which equals what the triggers would have
    written and costs a fraction of it (50,000 people: 0.4 s instead of 2.6 s
    here), however many people the database already holds.

    Only AFTER INSERT triggers are dropped: updates and deletes of EARLIER
    rows inside the block still maintain the indexes. Rows inserted inside
    the block must not be updated or deleted inside it (their index entries
    do not exist yet).

    *meanwhile*, if given, is called on the calling thread while the two
    index statements run on a helper thread: SQLite lets go of Python's GIL
    while it works, so Python work the caller has to do anyway (an import
    builds its op-log rows) costs no extra time. *meanwhile* must not touch
    the connection. If it raises, the indexing is still waited for, and the
    error propagates (the caller's transaction is then rolled back).

    *record_changes*: the new people are also recorded in ``sync_change`` in one
    statement (instead of by the per-row trigger), on the helper thread as well.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("person_search_triggers_suspended needs an open transaction")
    since = db.execute("SELECT coalesce(max(seq), 0) FROM person").fetchone()[0]
    names = PERSON_SEARCH_TRIGGERS + ((PERSON_SYNC_TRIGGER,) if record_changes else ())
    saved = _trigger_sql(db, names)
    for name in saved:
        db.execute(f"DROP TRIGGER {name}")
    try:
        yield
        if meanwhile is None:
            _index_people(db, since, record_changes)
        else:
            _index_people_while(db, since, meanwhile, record_changes)
    finally:
        # Restored even on error, so that a caller that catches the error
        # and commits anyway does not lose the triggers (the indexes would
        # then lag; rebuilding them is left to the rollback the caller owes).
        try:
            for name in names:
                if name in saved:
                    db.execute(saved[name])
        except sqlite3.Error:
            # A failed transaction may already have been rolled back, which
            # brought the triggers back by itself.
            if db.conn.in_transaction:
                raise


def _index_people(db: Database, since: int, record_changes: bool = False) -> None:
    db.conn.execute(_INDEX_FTS_SQL, [since])
    db.conn.execute(_INDEX_GRAMS_SQL, [since])
    if record_changes:
        db.conn.execute(_RECORD_SYNC_SQL, [since])


def _index_people_while(db: Database, since: int, meanwhile: Callable[[], None],
                        record_changes: bool = False) -> None:
    failure: list[BaseException] = []

    def index() -> None:
        try:
            _index_people(db, since, record_changes)
        except BaseException as exc:  # re-raised on the calling thread
            failure.append(exc)

    worker = threading.Thread(target=index, name="skilldesk-index", daemon=True)
    worker.start()
    try:
        meanwhile()
    finally:
        worker.join()
    if failure:
        raise failure[0]
