"""DDL of migration ``0002_roster_import``. Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # fields that rosters carry (DOMAIN.md §6)
    "ALTER TABLE person ADD COLUMN unemployment_cert_no TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE person ADD COLUMN school TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE person ADD COLUMN graduation_date TEXT NOT NULL DEFAULT ''",
    # one committed import, undoable as a whole while nothing else touched its rows
    """CREATE TABLE import_batch (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('roster','attendance','results','employment')),
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        sheet TEXT NOT NULL DEFAULT '',
        class_id TEXT REFERENCES training_class(id),
        at TEXT NOT NULL,
        user_name TEXT NOT NULL DEFAULT '',
        device_id TEXT NOT NULL,
        rows INTEGER NOT NULL,
        new INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        invalid INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'committed' CHECK (state IN ('committed','undone')),
        undone_at TEXT
    ) STRICT""",
    # what the batch did to each record: enough to undo it exactly
    """CREATE TABLE import_batch_item (
        batch_id TEXT NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create','update')),
        before_json TEXT,
        PRIMARY KEY (batch_id, entity, entity_id)
    ) STRICT, WITHOUT ROWID""",
    # the user's column mapping for a header layout, remembered for next time
    """CREATE TABLE import_mapping (
        layout_key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        mapping_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT""",
]
