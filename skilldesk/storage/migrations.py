"""The append-only list of schema migrations (sqlite-utils ``Migrations``).

Rules: never edit or reorder a migration once released; add a new one. Each
runs in one transaction with its record in ``_sqlite_migrations``. The
docstring of each migration is its entry in the schema changelog.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from skilldesk.storage import schema_v1
from skilldesk.storage import schema_v2
from skilldesk.storage import schema_v3
from skilldesk.storage import schema_v4
from skilldesk.storage import schema_v5
from skilldesk.storage import schema_v6
from skilldesk.storage import schema_v7
from skilldesk.storage import schema_v8
from skilldesk.storage import schema_v9

MIGRATIONS = Migrations("skilldesk")
_NAMES: list[str] = []


def migration(name: str):
    """Register a migration under *name*, remembering the order we define."""
    _NAMES.append(name)
    return MIGRATIONS(name=name)


@migration("0001_initial")
def m0001_initial(db: Database) -> None:
    """The whole domain: institution, catalogue, people, classes, sessions,
    attendance, inspections, certificates, follow-up, claims, attachments,
    users, the operation log, and the people search indexes."""
    for statement in schema_v1.STATEMENTS:
        db.execute(statement)


@migration("0002_roster_import")
def m0002_roster_import(db: Database) -> None:
    """Roster import: more person fields found on rosters, import batches that
    can be undone, and column mappings remembered per header layout."""
    for statement in schema_v2.STATEMENTS:
        db.execute(statement)


@migration("0003_classes")
def m0003_classes(db: Database) -> None:
    """Classes: the rule set a class was filed under, roster changes after
    filing with their reasons, attachment contents stored by SHA-256."""
    for statement in schema_v3.STATEMENTS:
        db.execute(statement)


@migration("0004_subsidy_facts")
def m0004_subsidy_facts(db: Database) -> None:
    """Subsidy facts about a person: drawing a pension, months of unemployment
    insurance (both unknown until recorded)."""
    for statement in schema_v4.STATEMENTS:
        db.execute(statement)


@migration("0005_unproven_categories")
def m0005_unproven_categories(db: Database) -> None:
    """An index of the person categories recorded without a proof document."""
    for statement in schema_v5.STATEMENTS:
        db.execute(statement)


@migration("0006_claims")
def m0006_claims(db: Database) -> None:
    """Claims: submission, decision and payment dates, the trainees left out of a
    claim with their reasons, one package per sequence number."""
    for statement in schema_v6.STATEMENTS:
        db.execute(statement)


@migration("0007_sync")
def m0007_sync(db: Database) -> None:
    """Field laptops: every write to a synchronised table recorded by triggers in
    sync_change (rows already there recorded once), this device's keys, paired
    devices, bundles with their receipts, conflicting values kept for a person."""
    for statement in schema_v7.STATEMENTS:
        db.execute(statement)
    schema_v7.install_triggers(db)
    schema_v7.record_existing_rows(db)


@migration("0008_audit_chain")
def m0008_audit_chain(db: Database) -> None:
    """The operation log as a tamper-evident audit trail: each entry carries the
    hash of the entry before it and its own (the entries already there chained
    in seq order)."""
    for statement in schema_v8.STATEMENTS:
        db.execute(statement)
    schema_v8.chain_existing_entries(db)


@migration("0009_accounts")
def m0009_accounts(db: Database) -> None:
    """Accounts: when a password was set and by whom, and the log of every full
    personal number shown on screen."""
    for statement in schema_v9.STATEMENTS:
        db.execute(statement)


def known_names() -> list[str]:
    return list(_NAMES)


def latest_name() -> str:
    return known_names()[-1]
