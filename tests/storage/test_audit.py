"""The op_log hash chain (storage/audit.py): written on every append, filled by
migration 0008 for older entries, and verified; tampering with raw SQL is found."""

from __future__ import annotations

import hashlib

import pytest
from sqlite_utils import Database

from skilldesk.storage import audit
from skilldesk.storage import imports
from skilldesk.storage import migrations
from skilldesk.storage import oplog
from skilldesk.storage import schema_v1
from skilldesk.storage.database import open_database
from skilldesk.storage.driver import sqlite3


def _append(db, n: int, start: int = 0) -> None:
    with db.atomic():
        for k in range(start, start + n):
            oplog.append(db, at=f"2026-01-01T00:00:{k % 60:02d}.000Z", user_name="李老师",
                         device_id="dev", action="update", entity="person",
                         entity_id=f"p{k}", before={"name": "张三"}, after={"name": f"张{k}"})


def _rows(db):
    return db.execute("SELECT seq, prev_hash, hash FROM op_log ORDER BY seq").fetchall()


@pytest.fixture
def db(db_path):
    d = open_database(db_path, create=True)
    yield d
    d.conn.close()


def _tamper(db, sql: str, params=()) -> None:
    """What someone with a SQLite tool does: drop the triggers, then edit."""
    db.execute("DROP TRIGGER IF EXISTS op_log_no_update")
    db.execute("DROP TRIGGER IF EXISTS op_log_no_delete")
    with db.atomic():
        db.execute(sql, list(params))


def test_the_canonical_form_is_unambiguous_and_documented():
    # moving a boundary between fields, or NULL versus empty, changes the bytes
    assert audit.canonical(["ab", "c"]) != audit.canonical(["a", "bc"])
    assert audit.canonical([None, "x"]) != audit.canonical(["", "x"])
    assert audit.canonical(["a,b", "c"]) != audit.canonical(["a", ",bc"])
    assert audit.canonical(["张三", None, "x"]) == "2,-,1:张三x".encode()
    fields = ("op", "2026-01-01T00:00:00.000Z", "u", "d", "create", "person", "p1", None, "{}")
    expected = hashlib.sha256(audit.canonical((*fields, audit.GENESIS))).hexdigest()
    assert audit.entry_hash(fields, audit.GENESIS) == expected
    # the unrolled bulk and verify path computes exactly the same, NULLs included
    assert audit.chained([fields], audit.GENESIS)[0][-1] == expected
    for row in [fields, (*fields[:7], "{}", None), (*fields[:7], None, None),
                ("a,b:c", "\x00", "", "张三\U0001F600", "x", "y", "z", "", "")]:
        assert audit.chained([row], "f" * 64)[0][-1] == audit.entry_hash(row, "f" * 64)


def test_every_append_is_chained_to_the_one_before(db):
    assert audit.verify(db) == {"entries": 0, "valid": True, "first_bad": None}
    _append(db, 5)
    rows = _rows(db)
    assert rows[0][1] == audit.GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after[1] == before[2]
    assert audit.verify(db) == {"entries": 5, "valid": True, "first_bad": None}


def test_bulk_appends_continue_the_chain(db):
    _append(db, 2)
    with db.atomic():
        imports.append_ops(db, [(f"bulk{k}", "2026-01-02T00:00:00.000Z", "", "dev", "create",
                                 "person", f"b{k}", None, '{"name":"王五"}') for k in range(1000)])
    _append(db, 2, start=10)
    assert audit.verify(db) == {"entries": 1004, "valid": True, "first_bad": None}


def test_an_edited_entry_is_found(db):
    _append(db, 6)
    seq = _rows(db)[3][0]
    _tamper(db, "UPDATE op_log SET after_json = '{\"name\":\"假\"}' WHERE seq = ?", [seq])
    assert audit.verify(db) == {"entries": 6, "valid": False, "first_bad": seq}


def test_a_deleted_middle_entry_shows_at_the_next_one(db):
    _append(db, 6)
    seqs = [r[0] for r in _rows(db)]
    _tamper(db, "DELETE FROM op_log WHERE seq = ?", [seqs[2]])
    assert audit.verify(db) == {"entries": 5, "valid": False, "first_bad": seqs[3]}


def test_a_changed_prev_hash_and_a_cleared_hash_are_found(db):
    _append(db, 4)
    seqs = [r[0] for r in _rows(db)]
    _tamper(db, "UPDATE op_log SET prev_hash = ? WHERE seq = ?", ["f" * 64, seqs[1]])
    assert audit.verify(db)["first_bad"] == seqs[1]
    with db.atomic():
        db.execute("UPDATE op_log SET prev_hash = ? WHERE seq = ?", [_rows(db)[0][2], seqs[1]])
    assert audit.verify(db)["valid"]
    with db.atomic():
        db.execute("UPDATE op_log SET hash = NULL WHERE seq = ?", [seqs[3]])
    assert audit.verify(db) == {"entries": 4, "valid": False, "first_bad": seqs[3]}


def test_a_recomputed_tail_still_breaks_at_the_edit_unless_everything_after_is_redone(db):
    """An edit with the entry's own hash recomputed breaks the next entry's link."""
    _append(db, 4)
    seqs = [r[0] for r in _rows(db)]
    row = db.execute("SELECT op_id, at, user_name, device_id, action, entity, entity_id, "
                     "before_json, after_json, prev_hash FROM op_log WHERE seq = ?",
                     [seqs[1]]).fetchone()
    forged = (*row[:8], '{"name":"假"}')
    _tamper(db, "UPDATE op_log SET after_json = ?, hash = ? WHERE seq = ?",
            [forged[8], audit.entry_hash(forged, row[9]), seqs[1]])
    assert audit.verify(db)["first_bad"] == seqs[2]


def test_fill_chain_hashes_entries_without_one_in_seq_order(db):
    _append(db, 7)
    original = _rows(db)
    _tamper(db, "UPDATE op_log SET prev_hash = NULL, hash = NULL")
    db.execute(next(s for s in schema_v1.STATEMENTS if "op_log_no_update" in s))
    assert not audit.verify(db)["valid"]
    with db.atomic():
        assert audit.fill_chain(db) == 7
    assert _rows(db) == original  # the same chain the appends wrote
    assert audit.verify(db)["valid"]
    # the trigger is back
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE op_log SET action = 'x'")
    with db.atomic():
        assert audit.fill_chain(db) == 0


def test_migration_0008_chains_the_entries_an_older_database_has(db_path):
    old = Database(sqlite3.connect(str(db_path)))
    migrations.MIGRATIONS.apply(old, stop_before="0008_audit_chain")
    with old.conn:
        old.conn.executemany(
            "INSERT INTO op_log(op_id, at, user_name, device_id, action, entity, entity_id, "
            "before_json, after_json) VALUES (?, ?, '', 'd', 'create', 'person', ?, NULL, ?)",
            [(f"op{k}", f"2025-0{1 + k % 9}-01T00:00:00.000Z", f"p{k}", f'{{"n":{k}}}')
             for k in range(25)])
    old.conn.close()
    db = open_database(db_path)
    try:
        assert audit.verify(db) == {"entries": 25, "valid": True, "first_bad": None}
        assert _rows(db)[0][1] == audit.GENESIS
        _append(db, 1)  # new entries continue the migrated chain
        assert audit.verify(db) == {"entries": 26, "valid": True, "first_bad": None}
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM op_log")
    finally:
        db.conn.close()


def test_filters_and_keyset_pages(db):
    _append(db, 30)
    page = audit.page(db, audit.Filter(), limit=10)
    assert [r[0] for r in page] == sorted((r[0] for r in page), reverse=True)
    more = audit.page(db, audit.Filter(), before=page[-1][0], limit=10)
    assert more[0][0] == page[-1][0] - 1
    assert [r[6] for r in audit.page(db, audit.Filter(terms=("p7",)))] == ["p7"]
    assert len(audit.page(db, audit.Filter(terms=("张12",)))) == 1  # text in the JSON
    assert audit.page(db, audit.Filter(user="nobody")) == []
    assert len(list(audit.iter_matching(db, audit.Filter(user="李老师"), chunk=7))) == 30
    assert audit.users(db) == ["李老师"] and audit.actions(db) == ["update"]
