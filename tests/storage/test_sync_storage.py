"""The change stream (migration 0007): every write to a synchronised table is recorded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from skilldesk.core import sync_state as ss
from skilldesk.core.desk import Desk
from skilldesk.storage import migrations
from skilldesk.storage import schema_v7


def test_triggers_name_every_tracked_column_of_every_synchronised_table():
    """A migration that adds a column to a synchronised table without reinstalling the
    triggers would let that column's edits stay on one device: this fails then."""
    desk = Desk.open(None)
    sql = dict(desk.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    for table in schema_v7.SYNCED_TABLES:
        update = sql[f"sync_{table}_au"]
        for column in schema_v7.tracked_columns(desk.db, table):
            assert f"old.{column} IS NOT new.{column}" in update, (table, column)
        assert f"sync_{table}_ai" in sql and f"sync_{table}_ad" in sql


def test_inserts_updates_and_deletes_are_recorded_with_their_columns():
    desk = Desk.open(None)
    desk.build_demo(people=5, seed=1)
    person = desk.db.execute("SELECT id FROM person LIMIT 1").fetchone()[0]
    before = desk.db.execute("SELECT max(local_seq) FROM sync_change").fetchone()[0]
    with desk.write():
        desk.db.execute("UPDATE person SET phone = '13800000009', updated_at = 'x' "
                        "WHERE id = ?", [person])
        desk.db.execute("UPDATE person SET updated_at = 'y' WHERE id = ?", [person])
        desk.db.execute("DELETE FROM person_category WHERE person_id = ?", [person])
    rows = desk.db.execute("SELECT tbl, row_id, fields, origin FROM sync_change "
                           "WHERE local_seq > ? ORDER BY local_seq", [before]).fetchall()
    assert rows[0] == ("person", person, ",phone,", None)
    # a change of bookkeeping columns alone is not a change to tell anyone about
    assert all(r[0] == "person_category" and r[2] == "-" for r in rows[1:])


def test_rows_written_before_sync_existed_are_recorded_once_parents_first():
    desk = Desk.open(None)
    desk.build_demo(people=20, seed=1)
    counts = dict(desk.db.execute("SELECT tbl, count(*) FROM sync_change GROUP BY tbl"))
    for table in schema_v7.SYNCED_TABLES:
        assert counts.get(table, 0) == desk.db.execute(
            f"SELECT count(*) FROM {table}").fetchone()[0], table
    first = dict(desk.db.execute("SELECT tbl, min(local_seq) FROM sync_change GROUP BY tbl"))
    assert first["institution"] < first["person"] < first["enrolment"] < first["attendance"]
    assert "0007_sync" in migrations.known_names()


# -- the merge rule (pure) ---------------------------------------------------------------

_dots = st.tuples(st.sampled_from("abc"), st.integers(1, 6))
_siblings = st.lists(st.builds(lambda d, v: ss.Sibling(d, v), _dots,
                               st.sampled_from(["x", "y", "z"])),
                     max_size=3, unique_by=lambda s: s.dot[0])  # a device sees its own past
_vv = st.dictionaries(st.sampled_from("abc"), st.integers(0, 6))


def _cover(siblings, vv):
    """A device that holds *siblings* has seen them: its vector covers their dots."""
    return ss.vv_max(vv, {d[0]: d[1] for d in (s.dot for s in siblings)})


@given(_siblings, _vv, _siblings, _vv)
def test_join_is_commutative_and_idempotent(a, va, b, vb):
    va, vb = _cover(a, va), _cover(b, vb)
    ab = ss.join(a, va, b, vb)
    ba = ss.join(b, vb, a, va)
    assert [s.dot for s in ab] == [s.dot for s in ba]
    assert [s.dot for s in ss.join(ab, ss.vv_max(va, vb), b, vb)] == [s.dot for s in ab]
    assert [s.dot for s in ss.join(a, va, a, va)] == sorted(s.dot for s in a)
