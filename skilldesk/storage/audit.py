"""The audit trail (issue 9): the operation log chained by SHA-256, and its reads.

Every ``op_log`` row carries ``prev_hash`` (the ``hash`` of the row before it in
``seq`` order; :data:`GENESIS` for the first) and ``hash``::

    hash = sha256(canonical(op_id, at, user_name, device_id, action, entity,
                            entity_id, before_json, after_json, prev_hash)).hexdigest()

:func:`canonical` is the one definition (docs/architecture.md, "Audit trail"): the
ten values' lengths in Unicode code points (``-`` for NULL) joined by ``,``, then
``:``, then the non-NULL values concatenated, all encoded as UTF-8. The lengths make
it unambiguous whatever the values contain, and it costs far less than JSON per row
(a roster import writes 50,000 entries in one go).

Every insert into ``op_log`` goes through :func:`append_rows` (``oplog.append``,
``imports.append_ops``, the demo), which chains the rows after the current last one.
It must run inside the writer's transaction, so nobody appends in between.
"""

from __future__ import annotations

import hashlib
from operator import itemgetter
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

GENESIS = "0" * 64

#: The op_log columns an entry's hash covers, in order (then its prev_hash).
FIELDS = ("op_id", "at", "user_name", "device_id", "action", "entity", "entity_id",
          "before_json", "after_json")

_INSERT = ("INSERT INTO op_log(op_id, at, user_name, device_id, action, entity, entity_id, "
           "before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_CHAIN_COLUMNS = "seq, " + ", ".join(FIELDS) + ", prev_hash, hash"
_sha256 = hashlib.sha256


def canonical(values: Sequence[str | None]) -> bytes:
    """The bytes hashed for one entry: *values* are the nine :data:`FIELDS` and the
    prev_hash, in that order."""
    return (",".join(["-" if v is None else str(len(v)) for v in values]) + ":"
            + "".join([v for v in values if v is not None])).encode("utf-8")


def entry_hash(fields: Sequence[str | None], prev_hash: str) -> str:
    """SHA-256 hex of an entry: *fields* in the order of :data:`FIELDS`."""
    return _sha256(canonical((*fields, prev_hash))).hexdigest()


def last_hash(db: Database) -> str:
    """The hash the next entry chains to (:data:`GENESIS` for an empty log)."""
    row = db.execute("SELECT hash FROM op_log ORDER BY seq DESC LIMIT 1").fetchone()
    return GENESIS if row is None or row[0] is None else row[0]


def _digest(row: Sequence[str | None], prev_hash: str) -> str:
    """``entry_hash(row, prev_hash)``, unrolled for speed: this runs 50,000 times in a
    roster import and once per entry when verifying. Only before_json and after_json
    may be NULL (the schema says so); anything else goes the general way."""
    try:
        o, at, u, d, ac, e, i, b, a = row
        data = (f"{len(o)},{len(at)},{len(u)},{len(d)},{len(ac)},{len(e)},{len(i)},"
                f"{'-' if b is None else len(b)},{'-' if a is None else len(a)},"
                f"{len(prev_hash)}:{o}{at}{u}{d}{ac}{e}{i}{'' if b is None else b}"
                f"{'' if a is None else a}{prev_hash}")
    except TypeError:  # a NULL where the schema allows none, or not text
        return entry_hash(row, prev_hash)
    return _sha256(data.encode("utf-8")).hexdigest()


def chained(rows: Iterable[Sequence[str | None]], prev_hash: str) -> list[tuple]:
    """*rows* (the nine :data:`FIELDS` each) with prev_hash and hash appended, in order."""
    out: list[tuple] = []
    add = out.append
    for row in rows:
        digest = _digest(row, prev_hash)
        add((*row, prev_hash, digest))
        prev_hash = digest
    return out


def append_rows(db: Database, rows: Iterable[Sequence[str | None]]) -> None:
    """Insert op-log rows (the nine :data:`FIELDS` each), chained after the last entry.
    Call inside the writer's transaction."""
    rows = list(rows)
    if rows:
        db.conn.executemany(_INSERT, chained(rows, last_hash(db)))


# -- the chain of a log written before it had one (migration 0008) ------------------------

def fill_chain(db: Database, *, batch: int = 10_000) -> int:
    """Give every entry without a hash its prev_hash and hash, in seq order, chained to
    the entries before it; return how many were filled. Used by migration 0008 on the
    entries that exist when it runs. The UPDATE trigger is lifted for the time."""
    trigger = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                         "AND name = 'op_log_no_update'").fetchone()
    if db.execute("SELECT 1 FROM op_log WHERE hash IS NULL LIMIT 1").fetchone() is None:
        return 0
    if trigger is not None:
        db.execute("DROP TRIGGER op_log_no_update")
    filled = 0
    try:
        prev = GENESIS
        after = -1
        while True:
            rows = db.execute(f"SELECT {_CHAIN_COLUMNS} FROM op_log WHERE seq > ? "
                              "ORDER BY seq LIMIT ?", [after, batch]).fetchall()
            if not rows:
                break
            updates = []
            for row in rows:
                if row[11] is None:
                    digest = entry_hash(row[1:10], prev)
                    updates.append((prev, digest, row[0]))
                    prev = digest
                else:
                    prev = row[11]
            db.conn.executemany("UPDATE op_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                                updates)
            filled += len(updates)
            after = rows[-1][0]
    finally:
        if trigger is not None:
            db.execute(trigger[0])
    return filled


# -- verifying ------------------------------------------------------------------------------

def verify(db: Database, *, check=None, chunk: int = 5000) -> dict:
    """Walk the log in seq order (streamed, never all in memory) and recompute the chain.

    Returns ``{"entries": n, "valid": bool, "first_bad": None | seq}``; first_bad is the
    first entry whose stored hash is not its recomputed one, or whose prev_hash is not
    the hash of the entry before it (what a deleted or inserted entry leaves). *check()*
    runs every *chunk* entries (a cancel raises there).
    """
    cursor = db.execute(f"SELECT {_CHAIN_COLUMNS} FROM op_log ORDER BY seq")
    digest = _digest
    fields = itemgetter(1, 2, 3, 4, 5, 6, 7, 8, 9)
    prev = GENESIS
    entries = 0
    first_bad = None
    while first_bad is None:
        if check is not None:
            check()
        rows = cursor.fetchmany(chunk)
        if not rows:
            break
        for row in rows:
            stored_prev, stored = row[10], row[11]
            if stored_prev != prev or stored is None or digest(fields(row), prev) != stored:
                first_bad = row[0]
                break
            prev = stored
            entries += 1
    if first_bad is not None:
        cursor.close()
        entries = db.execute("SELECT count(*) FROM op_log").fetchone()[0]
    return {"entries": entries, "valid": first_bad is None, "first_bad": first_bad}


# -- listing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """What to list; every part optional. ``terms``: an entry matches when its
    entity_id is one of them or its before/after JSON contains one of them.
    ``since``/``until``: UTC timestamps, ``since <= at < until``."""
    terms: tuple[str, ...] = ()
    entity: str | None = None
    user: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None


_LIST_COLUMNS = ("seq, at, user_name, device_id, action, entity, entity_id, before_json, "
                 "after_json, prev_hash, hash")


def _where(f: Filter, before: int | None) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    if before is not None:
        clauses.append("seq < ?")
        params.append(before)
    if f.terms:
        parts = []
        for term in f.terms:
            parts.append("entity_id = ? OR instr(before_json, ?) > 0 "
                         "OR instr(after_json, ?) > 0")
            params += [term, term, term]
        clauses.append("(" + " OR ".join(parts) + ")")
    if f.entity:
        clauses.append("entity = ?")
        params.append(f.entity)
    if f.user is not None and f.user != "":
        clauses.append("user_name = ?")
        params.append(f.user)
    if f.action:
        clauses.append("action = ?")
        params.append(f.action)
    if f.since:
        clauses.append("at >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("at < ?")
        params.append(f.until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def page(db: Database, f: Filter, *, before: int | None = None, limit: int = 200
         ) -> list[tuple]:
    """Up to *limit* entries matching *f*, newest first, below seq *before* (keyset)."""
    where, params = _where(f, before)
    return db.execute(f"SELECT {_LIST_COLUMNS} FROM op_log{where} ORDER BY seq DESC LIMIT ?",
                      [*params, limit]).fetchall()


def iter_matching(db: Database, f: Filter, *, chunk: int = 2000) -> Iterator[tuple]:
    """Every entry matching *f*, newest first, read a page at a time."""
    before = None
    while True:
        rows = page(db, f, before=before, limit=chunk)
        yield from rows
        if len(rows) < chunk:
            return
        before = rows[-1][0]


def users(db: Database) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT DISTINCT user_name FROM op_log ORDER BY user_name").fetchall()]


def actions(db: Database) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT DISTINCT action FROM op_log ORDER BY action").fetchall()]


def subject_ids(db: Database, text: str) -> list[str]:
    """Ids of the people whose ID number is *text* and the classes whose code is *text*."""
    rows = db.execute(
        "SELECT id FROM person WHERE id_number = ? "
        "UNION ALL SELECT id FROM training_class WHERE code = ?", [text, text]).fetchall()
    return [r[0] for r in rows]


def enrolment_ids(db: Database, person_ids: Sequence[str]) -> list[str]:
    """The enrolments of these people (their entries belong to the person's trail)."""
    if not person_ids:
        return []
    marks = ", ".join("?" * len(person_ids))
    return [r[0] for r in db.execute(
        f"SELECT id FROM enrolment WHERE person_id IN ({marks})", list(person_ids)).fetchall()]
