"""Bulk person inserts whose search indexes are built while the caller works."""

from __future__ import annotations

import threading

import pytest

from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import bulk
from skilldesk.storage.database import open_database

NAMES = ["张三", "张三丰", "李四", "欧阳娜娜", "阿卜杜·热合曼", "王"]
_DEVICE = "00000000-0000-7000-8000-000000000001"


def _people(count: int) -> list[tuple]:
    rows = []
    for n in range(count):
        body = f"32050819900101{n:03d}"
        rows.append((f"00000000-0000-7000-8000-{n:012d}", NAMES[n % len(NAMES)], "resident",
                     body + id_check_char(body), "M" if n % 2 else "F", "1990-01-01",
                     f"138{n:08d}", "", "", "", "", "", "", "", "",
                     "2026-11-26T00:00:00.000Z", "2026-11-26T00:00:00.000Z", _DEVICE))
    return rows


def _indexes(db) -> tuple[list, list]:
    grams = db.execute("SELECT gram, seq FROM person_name_gram ORDER BY gram, seq").fetchall()
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab "
               "USING fts5vocab(main, person_fts, instance)")
    terms = db.execute("SELECT term, doc, col, offset FROM temp.vocab "
                       "ORDER BY term, doc, col, offset").fetchall()
    return grams, terms


def test_indexing_alongside_the_callers_work_equals_the_triggers():
    people = _people(300)
    reference = open_database(None)  # one by one, through the triggers
    with reference.atomic():
        bulk.insert_rows(reference, "person", people[:100])
        bulk.insert_rows(reference, "person", people[100:])
    db = open_database(None)
    with db.atomic():
        bulk.insert_rows(db, "person", people[:100])
    ran_on: list[threading.Thread] = []
    with db.atomic():
        with bulk.person_search_triggers_suspended(
                db, meanwhile=lambda: ran_on.append(threading.current_thread())):
            bulk.insert_rows(db, "person", people[100:])
    assert ran_on == [threading.current_thread()]
    assert _indexes(db) == _indexes(reference)
    assert len(_indexes(db)[0]) > 300
    db.execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(bulk.PERSON_SEARCH_TRIGGERS) <= names


def test_an_error_in_the_callers_work_waits_for_the_index_and_rolls_everything_back():
    db = open_database(None)
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    before = db.execute(triggers).fetchall()

    def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        with db.atomic():
            with bulk.person_search_triggers_suspended(db, meanwhile=fail):
                bulk.insert_rows(db, "person", _people(50))
    assert not db.conn.in_transaction
    assert [t.name for t in threading.enumerate() if t.name == "skilldesk-index"] == []
    assert db.execute("SELECT count(*) FROM person").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM person_name_gram").fetchone()[0] == 0
    assert db.execute(triggers).fetchall() == before
