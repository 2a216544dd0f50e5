"""DDL of migration ``0008_audit_chain``: the operation log as a tamper-evident audit
trail (issue 9). Frozen once released."""

from __future__ import annotations

from sqlite_utils import Database

from skilldesk.storage import audit

STATEMENTS: list[str] = [
    # each entry carries the hash of the one before and its own (docs/architecture.md)
    "ALTER TABLE op_log ADD COLUMN prev_hash TEXT",
    "ALTER TABLE op_log ADD COLUMN hash TEXT",
]


def chain_existing_entries(db: Database) -> int:
    """Hash the entries written before this migration, in seq order, the first chained
    to ``audit.GENESIS`` (the UPDATE trigger is lifted meanwhile); return how many."""
    return audit.fill_chain(db)
