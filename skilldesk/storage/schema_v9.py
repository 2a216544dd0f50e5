"""DDL of migration ``0009_accounts``: who may do what, and who saw which personal
number (issue 9). Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # every full ID number, phone or bank account shown on screen: who, when, which record
    """CREATE TABLE reveal_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_name TEXT NOT NULL,
        role TEXT NOT NULL,
        device_id TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        field TEXT NOT NULL,
        purpose TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    "CREATE INDEX reveal_log_entity ON reveal_log(entity, entity_id)",
    """CREATE TRIGGER reveal_log_no_update BEFORE UPDATE ON reveal_log
       BEGIN SELECT RAISE(ABORT, 'reveal_log is append-only'); END""",
    """CREATE TRIGGER reveal_log_no_delete BEFORE DELETE ON reveal_log
       BEGIN SELECT RAISE(ABORT, 'reveal_log is append-only'); END""",
    # an account: when its password was last set (and by whom, for an administrator's reset)
    "ALTER TABLE user ADD COLUMN password_set_at TEXT",
    "ALTER TABLE user ADD COLUMN password_set_by TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0",
]
