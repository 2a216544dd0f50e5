"""Opening databases: schema, pragmas, the newer-version guard, hostile files."""

from __future__ import annotations

from skilldesk.storage.driver import sqlite3

import pytest

from skilldesk.core.desk import Desk
from skilldesk.errors import DatabaseCorrupt
from skilldesk.errors import NotADatabase
from skilldesk.errors import SchemaTooNew
from skilldesk.errors import StorageError
from skilldesk.storage import migrations
from skilldesk.storage.database import get_setting
from skilldesk.storage.database import open_database
from skilldesk.storage.database import quick_check
from skilldesk.storage.database import schema_version

DOMAIN_TABLES = {
    "institution", "catalogue", "catalogue_item", "person", "person_category",
    "training_class", "class_teacher", "class_transition", "roster_snapshot", "enrolment",
    "session", "attendance", "inspection", "certificate", "employment_followup",
    "subsidy_history", "claim", "claim_class", "claim_line", "attachment", "attachment_link",
    "user", "op_log", "setting",
}


def test_new_file_gets_the_whole_schema_and_safe_pragmas(db_path):
    db = open_database(db_path, create=True)
    assert DOMAIN_TABLES <= set(db.table_names())
    assert schema_version(db) == migrations.latest_name()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    # every domain table is STRICT: a text in an integer column is refused
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO user(id, username, role, failed_attempts, created_at, "
                   "updated_at, device_id) VALUES ('u', 'x', 'admin', 'many', '', '', '')")


def test_device_id_is_created_once_and_kept(db_path):
    first = get_setting(open_database(db_path, create=True), "device_id")
    again = get_setting(open_database(db_path), "device_id")
    assert first and first == again


def test_missing_file_is_not_created_unless_asked(db_path):
    with pytest.raises(StorageError) as info:
        open_database(db_path)
    assert str(db_path) in info.value.user_message()
    assert not db_path.exists()


def test_database_from_a_newer_version_is_refused_untouched(db_path):
    db = open_database(db_path, create=True)
    with db.atomic():
        db.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                   "VALUES ('skilldesk', '9999_from_the_future', '2030-01-01')")
    db.conn.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNew) as info:
        open_database(db_path)
    assert "9999_from_the_future" in info.value.user_message()
    assert "newer version" in info.value.user_message()
    assert db_path.read_bytes() == before


def test_a_renamed_spreadsheet_is_not_a_database(tmp_path):
    fake = tmp_path / "roster.skilldesk"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # the start of an .xlsx (a zip)
    with pytest.raises(NotADatabase):
        open_database(fake)


def _damage(db_path):
    db = open_database(db_path, create=True)
    with db.atomic():
        db.execute("CREATE TABLE filler(x TEXT)")
        db.conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 2000)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    data = bytearray(db_path.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 2):  # scribble over pages
        data[offset + 8: offset + 400] = b"\xff" * 392
    db_path.write_bytes(bytes(data))


def test_a_damaged_database_is_reported_as_corrupt(db_path):
    _damage(db_path)
    assert quick_check(db_path) != []
    with pytest.raises(DatabaseCorrupt) as info:
        Desk.check_file_integrity(db_path)
    assert "backup" in info.value.user_message()


def test_an_intact_database_passes_the_check(db_path):
    open_database(db_path, create=True).conn.close()
    assert quick_check(db_path) == []
    Desk.check_file_integrity(db_path)


def test_a_damaged_database_is_never_migrated(db_path, monkeypatch):
    _damage(db_path)
    before = db_path.read_bytes()
    monkeypatch.setattr(migrations.MIGRATIONS, "pending", lambda db: ["pretend"])
    with pytest.raises(DatabaseCorrupt):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_op_log_is_append_only(db_path):
    db = open_database(db_path, create=True)
    with db.atomic():
        db.execute("INSERT INTO op_log(op_id, at, device_id, action, entity, entity_id) "
                   "VALUES ('o1', 'now', 'd', 'create', 'person', 'p1')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE op_log SET action = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM op_log")


def test_migrations_are_recorded_in_order(db_path):
    db = open_database(db_path, create=True)
    applied = [m.name for m in migrations.MIGRATIONS.applied(db)]
    assert applied == migrations.known_names()
    # re-opening applies nothing twice
    db.conn.close()
    db = open_database(db_path)
    assert [m.name for m in migrations.MIGRATIONS.applied(db)] == applied


def test_a_read_only_open_upgrades_an_older_database_first(tmp_path):
    """The CLI opens read-only for reports; a file from an older SkillDesk still
    lacks the newest tables and indexes, so it is upgraded before it is read."""
    path = tmp_path / "old.skilldesk"
    db = open_database(path, create=True)
    latest = "0005_unproven_categories"  # the migration that makes that index
    with db.atomic():
        db.execute("DROP INDEX person_category_unproven")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [latest])
    db.conn.close()
    reader = open_database(path, readonly=True)
    assert latest in {r[0] for r in reader.execute("SELECT name FROM _sqlite_migrations")}
    assert reader.execute("SELECT 1 FROM sqlite_master WHERE name = 'person_category_unproven'"
                          ).fetchone() == (1,)
    reader.conn.close()
