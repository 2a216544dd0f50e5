"""DDL of migration ``0008_audit_chain``: the operation log as a tamper-evident audit
trail (issue 9). Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # each entry carries the hash of the one before and its own (docs/architecture.md)
    "ALTER TABLE op_log ADD COLUMN prev_hash TEXT",
    "ALTER TABLE op_log ADD COLUMN hash TEXT",
]
