"""DDL of migration ``0007_sync``: field laptops and the office PC (docs/sync.md).

Every write to a synchronised table is recorded in ``sync_change`` by triggers, so no
write path (a form, an import, a future feature) can forget to tell the other devices.
A change names the row and the columns it set (``*`` = the whole row, ``-`` = deleted),
never the values: a bundle carries each row's current values, read when it is made.
"""

from __future__ import annotations

from sqlite_utils import Database

#: Tables whose rows travel between devices (attachment_blob travels with attachment).
SYNCED_TABLES: tuple[str, ...] = (
    # parents before children: rows written before sync existed are recorded in this order
    "institution", "catalogue", "catalogue_item", "attachment",
    "person", "person_category", "subsidy_history",
    "training_class", "class_teacher", "class_transition", "roster_snapshot",
    "enrolment", "enrolment_change", "session", "attendance", "inspection",
    "certificate", "employment_followup", "attachment_link",
)

#: Bookkeeping columns: they travel, but two devices setting them differently is not a
#: conflict (created_at: the earliest; updated_at: the latest; device_id: whose latest).
META_COLUMNS = frozenset({"created_at", "updated_at", "device_id", "stored_at"})
#: Local columns that never travel (person.seq is the search index's rowid).
LOCAL_COLUMNS = frozenset({"seq"})

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_TRACKING = "(SELECT applying FROM sync_control) = 0"
_USER = "(SELECT user_name FROM sync_control)"

STATEMENTS: list[str] = [
    # one row: while a bundle is applied, applying = 1 and the triggers stay quiet
    # (the engine records the sender's changes itself); user_name = who works here now
    """CREATE TABLE sync_control (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
        user_name TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    "INSERT INTO sync_control(id) VALUES (1)",
    # the change stream: a local change's dot is (this device, local_seq); a change
    # received from another device keeps the dot it was made with (origin, origin_seq)
    """CREATE TABLE sync_change (
        local_seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tbl TEXT NOT NULL,
        row_id TEXT NOT NULL,
        fields TEXT NOT NULL,
        origin TEXT,
        origin_seq INTEGER,
        at TEXT NOT NULL,
        user_name TEXT NOT NULL DEFAULT '',
        ctx TEXT,
        CHECK ((origin IS NULL) = (origin_seq IS NULL))
    ) STRICT""",
    "CREATE INDEX sync_change_row ON sync_change(tbl, row_id, local_seq)",
    "CREATE INDEX sync_change_origin ON sync_change(origin, origin_seq)",
    # this device's version vector over time: after local_seq at_local_seq it had every
    # change of origin up to seq (the context of a deletion made here later)
    """CREATE TABLE sync_seen (
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at_local_seq INTEGER NOT NULL,
        PRIMARY KEY (origin, at_local_seq)
    ) STRICT, WITHOUT ROWID""",
    # concurrent values of one field (two or more): kept until a person decides
    """CREATE TABLE sync_sibling (
        tbl TEXT NOT NULL,
        row_id TEXT NOT NULL,
        field TEXT NOT NULL,
        established INTEGER NOT NULL,
        siblings TEXT NOT NULL,
        bundle_id TEXT,
        PRIMARY KEY (tbl, row_id, field)
    ) STRICT, WITHOUT ROWID""",
    # data that a deletion on one side and a change on the other left without a place:
    # shown for a person to re-enter or dismiss, never silently gone
    """CREATE TABLE sync_lost (
        id INTEGER PRIMARY KEY,
        tbl TEXT NOT NULL,
        row_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('deleted_there', 'deleted_here', 'orphan',
                                           'kept', 'unique')),
        data TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}',
        bundle_id TEXT,
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by TEXT,
        UNIQUE (tbl, row_id, kind)
    ) STRICT""",
    # two ids found to be one record (same ID number, same class code...): the larger
    # id points to the smaller, which every device keeps
    """CREATE TABLE sync_alias (
        old_id TEXT PRIMARY KEY,
        new_id TEXT NOT NULL
    ) STRICT, WITHOUT ROWID""",
    # this installation as a sync device: its keys (protected with the database file)
    """CREATE TABLE sync_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        device_id TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('office', 'laptop')),
        signing_key BLOB NOT NULL,
        encryption_key BLOB NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT""",
    # devices paired with this one
    """CREATE TABLE sync_peer (
        device_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('office', 'laptop')),
        institution_uscc TEXT NOT NULL DEFAULT '',
        signing_key BLOB NOT NULL,
        encryption_key BLOB NOT NULL,
        fingerprint TEXT NOT NULL,
        paired_at TEXT NOT NULL,
        paired_by TEXT NOT NULL DEFAULT '',
        unpaired_at TEXT,
        unpair_reason TEXT NOT NULL DEFAULT '',
        acked TEXT NOT NULL DEFAULT '{}',
        last_in_no INTEGER NOT NULL DEFAULT 0,
        last_out_no INTEGER NOT NULL DEFAULT 0
    ) STRICT""",
    # every bundle made or taken in, with its receipt
    """CREATE TABLE sync_bundle (
        id TEXT PRIMARY KEY,
        peer_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        kind TEXT NOT NULL CHECK (kind IN ('data', 'receipt')),
        bundle_no INTEGER NOT NULL,
        made_at TEXT NOT NULL,
        handled_at TEXT NOT NULL,
        handled_by TEXT NOT NULL DEFAULT '',
        manifest_sha256 TEXT NOT NULL DEFAULT '',
        rows INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL DEFAULT 0,
        counts TEXT NOT NULL DEFAULT '{}',
        receipt TEXT,
        acknowledged_at TEXT
    ) STRICT""",
    "CREATE INDEX sync_bundle_peer ON sync_bundle(peer_id, direction, bundle_no)",
]


def _columns(db: Database, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()]


def tracked_columns(db: Database, table: str) -> list[str]:
    """The columns whose changes a device tells the others about (conflicts are judged on)."""
    return [c for c in _columns(db, table)
            if c not in META_COLUMNS and c not in LOCAL_COLUMNS and c != "id"]


def trigger_statements(db: Database, table: str) -> list[str]:
    """The three triggers that record every write to *table* in ``sync_change``.

    A migration that adds a column to a synchronised table must call
    :func:`install_triggers` again (tests/storage/test_sync_storage.py checks this).
    """
    changed = " || ".join(
        f"CASE WHEN old.{c} IS NOT new.{c} THEN '{c},' ELSE '' END"
        for c in tracked_columns(db, table))
    insert = ("INSERT INTO sync_change(tbl, row_id, fields, at, user_name) "
              f"VALUES ('{table}', {{row}}.id, {{fields}}, {_NOW}, {_USER})")
    return [
        f"DROP TRIGGER IF EXISTS sync_{table}_ai",
        f"DROP TRIGGER IF EXISTS sync_{table}_au",
        f"DROP TRIGGER IF EXISTS sync_{table}_ad",
        f"""CREATE TRIGGER sync_{table}_ai AFTER INSERT ON {table} WHEN {_TRACKING}
            BEGIN {insert.format(row='new', fields="'*'")}; END""",
        f"""CREATE TRIGGER sync_{table}_au AFTER UPDATE ON {table} WHEN {_TRACKING}
            BEGIN
              INSERT INTO sync_change(tbl, row_id, fields, at, user_name)
              SELECT '{table}', new.id, f, {_NOW}, {_USER}
              FROM (SELECT ',' || {changed} AS f) WHERE f != ',';
            END""",
        f"""CREATE TRIGGER sync_{table}_ad AFTER DELETE ON {table} WHEN {_TRACKING}
            BEGIN {insert.format(row='old', fields="'-'")}; END""",
    ]


def install_triggers(db: Database) -> None:
    for table in SYNCED_TABLES:
        for statement in trigger_statements(db, table):
            db.execute(statement)


def record_existing_rows(db: Database, at: str | None = None) -> None:
    """Rows written without the triggers (before sync existed; the demo): one whole-row
    change each, made here, parents first."""
    stamp = "?" if at is not None else _NOW
    for table in SYNCED_TABLES:
        order = "seq" if table == "person" else "rowid"
        db.execute(
            f"INSERT INTO sync_change(tbl, row_id, fields, at, user_name) "
            f"SELECT '{table}', id, '*', {stamp}, '' FROM {table} ORDER BY {order}",
            [at] if at is not None else [])
