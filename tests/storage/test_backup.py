"""storage/backup.py on real files: the backup API into a new file, atomically;
integrity checks; summaries; encrypted backups stay encrypted; restoring into a file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from skilldesk.core.desk import Desk
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.models import PersonDraft
from skilldesk.errors import StorageError
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import backup as store
from skilldesk.storage.driver import sqlite3

HEADER = b"SQLite format 3\x00"


def make_id(birth: str, seq: int) -> str:
    body = f"320508{birth}{seq:03d}"
    return body + id_check_char(body)


@pytest.fixture
def school(tmp_path):
    desk = Desk.open(tmp_path / "school.skilldesk", create=True)
    desk.institution.create(InstitutionDraft(name="示范学校", uscc="91110000600037341L"))
    desk.people.save(PersonDraft(name="王小明", id_number=make_id("19900101", 11)))
    yield desk
    desk.close()


def damage(path: Path) -> None:
    """Overwrite bytes in the middle of the file (pages of table and index data)."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xa5" * 8192)


def test_backup_of_a_live_connection_is_a_whole_plain_file(school, tmp_path):
    target = tmp_path / "out" / "b.skilldesk"
    assert store.backup_file(school.db.conn, target) == target
    assert target.read_bytes()[:16] == HEADER
    assert not list(target.parent.glob(".tmp-*"))
    assert not Path(str(target) + "-wal").exists()  # one self-contained file
    assert store.integrity(target) == []
    summary = store.summary(target)
    assert summary["counts"]["person"] == 1 and summary["institution"] == "示范学校"
    assert summary["schema_version"] and summary["last_change"]


def test_a_backup_that_fails_midway_leaves_nothing_at_the_final_name(school, tmp_path,
                                                                    monkeypatch):
    target = tmp_path / "out" / "b.skilldesk"

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.backup_file(school.db.conn, target)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # the temporary file is gone too


def test_a_failing_copy_leaves_nothing_either(school, tmp_path, monkeypatch):
    target = tmp_path / "out" / "b.skilldesk"
    monkeypatch.setattr(store, "_check", lambda conn, pragma: ["page 7: btree damaged"])
    with pytest.raises(StorageError):
        store.backup_file(school.db.conn, target)
    assert list(target.parent.iterdir()) == []


def test_a_damaged_backup_fails_the_integrity_check(school, tmp_path):
    names = "赵钱孙李周吴郑王冯陈"
    for n in range(300):  # enough rows for pages in the middle of the file
        name = f"{names[n % 10]}{names[n // 10 % 10]}{names[n // 100]}"
        school.people.save(PersonDraft(name=name, id_number=make_id("19800101", n + 101),
                                       phone=f"139{n:08d}"))
    target = store.backup_file(school.db.conn, tmp_path / "b.skilldesk")
    assert store.integrity(target) == []
    damage(target)
    assert store.integrity(target) != []


def test_not_a_database_is_a_problem_not_a_crash(tmp_path):
    junk = tmp_path / "junk.skilldesk"
    junk.write_bytes(b"PK\x03\x04" + b"x" * 5000)
    assert store.integrity(junk)
    empty = tmp_path / "empty.skilldesk"
    empty.write_bytes(b"")
    assert store.integrity(empty)


def test_backup_of_a_closed_database_and_before_migration(school, tmp_path):
    path = school.path
    school.close()
    made = store.backup_before_migration(path, now=dt.datetime(2026, 11, 26, 9, 30, 5))
    assert made == store.backup_dir(path) / "20261126-093005-migration.skilldesk"
    assert store.integrity(made) == [] and store.summary(made)["counts"]["person"] == 1
    again = store.backup_before_migration(path, now=dt.datetime(2026, 11, 26, 9, 30, 5))
    assert again.name == "20261126-093005-migration-2.skilldesk"
    assert store.backup_before_migration(tmp_path / "none.skilldesk") is None


def test_names_parse_and_list_newest_first(tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    for name in ("20261101-080000-daily.skilldesk", "20261120-101010-import.skilldesk",
                 "20261120-101010-import-2.skilldesk", ".tmp-abc-20261121-000000-daily.skilldesk",
                 "notes.txt", "20261399-000000-daily.skilldesk", "20261102-000000-bogus.skilldesk"):
        (folder / name).write_bytes(b"x")
    names = [b.path.name for b in store.list_files(folder)]
    assert names == ["20261120-101010-import-2.skilldesk", "20261120-101010-import.skilldesk",
                     "20261101-080000-daily.skilldesk"]
    with pytest.raises(ValueError):
        store.file_name(dt.datetime(2026, 1, 1), "whatever")


def test_restore_into_replaces_the_contents(school, tmp_path):
    target = store.backup_file(school.db.conn, tmp_path / "b.skilldesk")
    school.people.save(PersonDraft(name="李芳", id_number=make_id("19850615", 22)))
    path = school.path
    school.close()
    store.restore_into(target, path)
    desk = Desk.open(path)
    try:
        assert desk.people.total() == 1
    finally:
        desk.close()


# -- encryption ------------------------------------------------------------------------------


def _encrypted_db(path: Path, key: bytes) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE person (id TEXT, name TEXT)")
    conn.execute("CREATE TABLE op_log (seq INTEGER PRIMARY KEY, at TEXT)")
    conn.execute("INSERT INTO person VALUES ('p1', '王小明')")
    conn.execute("INSERT INTO op_log(at) VALUES ('2026-11-26T01:00:00.000Z')")
    conn.commit()
    return conn


def test_a_backup_of_an_encrypted_database_is_encrypted(tmp_path):
    key = os.urandom(32)
    conn = _encrypted_db(tmp_path / "enc.skilldesk", key)
    try:
        target = store.backup_file(conn, tmp_path / "bk" / "enc-backup.skilldesk", key=key)
    finally:
        conn.close()
    data = target.read_bytes()
    assert data[:16] != HEADER
    assert "王小明".encode() not in data and b"2026-11-26T01" not in data
    assert store.integrity(target, key) == []
    assert store.integrity(target) != []  # no key: not readable
    assert store.integrity(target, os.urandom(32)) != []  # the wrong key: not readable
    summary = store.summary(target, key)
    assert summary["counts"]["person"] == 1 and summary["counts"]["claim"] is None
    assert summary["last_change"] == "2026-11-26T01:00:00.000Z"
    # and it restores into an encrypted file with the same key
    live = tmp_path / "enc.skilldesk"
    conn = sqlite3.connect(str(live))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("INSERT INTO person VALUES ('p2', '李芳')")
    conn.commit()
    conn.close()
    store.restore_into(target, live, key)
    assert live.read_bytes()[:16] != HEADER
    check = sqlite3.connect(str(live))
    check.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    assert check.execute("SELECT count(*) FROM person").fetchone()[0] == 1
    check.close()


def test_a_bad_key_is_refused(school, tmp_path):
    with pytest.raises(StorageError):
        store.backup_file(school.db.conn, tmp_path / "b.skilldesk", key=b"short")
    assert not (tmp_path / "b.skilldesk").exists()
