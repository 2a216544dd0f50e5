"""SQL of synchronisation: the change stream, version vectors, devices, bundles,
conflicting values and aliases (schema_v7)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from skilldesk.storage import schema_v7

_DUMP = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


# -- tracking ---------------------------------------------------------------------------

def record_existing_rows(db: Database, *, at: str) -> None:
    schema_v7.record_existing_rows(db, at)


@contextmanager
def recorded_in_bulk(db: Database, table: str, key: str = "rowid") -> Iterator[None]:
    """Insert many rows into *table* without the per-row trigger, then record them as
    new in one statement (a large import: 0.4 s of 50,000 trigger runs saved)."""
    start = db.execute(f"SELECT coalesce(max({key}), 0) FROM {table}").fetchone()[0]
    name = f"sync_{table}_ai"
    trigger = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                         [name]).fetchone()[0]
    db.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        db.execute(trigger)
    db.execute(
        f"INSERT INTO sync_change(tbl, row_id, fields, at, user_name) "
        f"SELECT '{table}', id, '*', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
        f"(SELECT user_name FROM sync_control) FROM {table} WHERE {key} > ? ORDER BY {key}",
        [start])


def set_user(db: Database, user_name: str) -> None:
    db.execute("UPDATE sync_control SET user_name = ? WHERE id = 1 AND user_name != ?",
               [user_name, user_name])


@contextmanager
def applying(db: Database) -> Iterator[None]:
    """Inside a transaction: triggers stay quiet, foreign keys are checked at COMMIT."""
    db.execute("UPDATE sync_control SET applying = 1 WHERE id = 1")
    db.execute("PRAGMA defer_foreign_keys = ON")
    try:
        yield
    finally:
        db.execute("UPDATE sync_control SET applying = 0 WHERE id = 1")


def record_change(db: Database, *, tbl: str, row_id: str, fields: str, origin: str | None,
                  origin_seq: int | None, at: str, user_name: str,
                  ctx: dict | None = None) -> int:
    cursor = db.execute(
        "INSERT INTO sync_change(tbl, row_id, fields, origin, origin_seq, at, user_name, ctx) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [tbl, row_id, fields, origin, origin_seq, at, user_name,
         None if ctx is None else _DUMP(ctx)])
    return cursor.lastrowid


@contextmanager
def savepoint(db: Database) -> Iterator[None]:
    """A nested transaction: an error rolls back only what was done inside."""
    db.execute("SAVEPOINT sync_row")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK TO sync_row")
        raise
    finally:
        db.execute("RELEASE sync_row")


def touched_since(db: Database, tbl: str, row_id: str, field: str, after: int) -> bool:
    """Was a change of *field* of the row recorded here after local_seq *after*?"""
    return db.execute(
        "SELECT 1 FROM sync_change WHERE tbl = ? AND row_id = ? AND local_seq > ? "
        "AND origin IS NULL AND (fields = '*' OR instr(fields, ?) > 0)",
        [tbl, row_id, after, f",{field},"]).fetchone() is not None


def pin_siblings(db: Database, seq: int, parked: int) -> None:
    db.execute("UPDATE sync_sibling SET established = ? WHERE established = ?", [seq, parked])


def last_local_seq(db: Database) -> int:
    row = db.execute("SELECT max(local_seq) FROM sync_change").fetchone()
    return row[0] or 0


def own_max(db: Database, self_id: str) -> int:
    """The highest of this device's own changes (its dots come back from others too)."""
    row = db.execute("SELECT max(local_seq) FROM sync_change WHERE origin IS NULL").fetchone()
    back = db.execute("SELECT max(origin_seq) FROM sync_change WHERE origin = ?",
                      [self_id]).fetchone()
    return max(row[0] or 0, back[0] or 0)


def seen(db: Database, before_local_seq: int | None = None) -> dict[str, int]:
    """Highest change seen from each other device (before a local_seq, if given)."""
    sql = "SELECT origin, max(seq) FROM sync_seen"
    args: list = []
    if before_local_seq is not None:
        sql += " WHERE at_local_seq < ?"
        args.append(before_local_seq)
    return dict(db.execute(sql + " GROUP BY origin", args).fetchall())


def add_seen(db: Database, vv: dict[str, int], at_local_seq: int) -> None:
    """Raise what this device has seen to *vv* (never lowers it: an old bundle imported
    late carries an older version vector)."""
    current = seen(db)
    db.conn.executemany(
        "INSERT INTO sync_seen(origin, seq, at_local_seq) VALUES (?, ?, ?) "
        "ON CONFLICT (origin, at_local_seq) DO UPDATE SET seq = max(seq, excluded.seq)",
        [(o, s, at_local_seq) for o, s in vv.items() if s > current.get(o, 0)])


def changes_for(db: Database, tbl: str, row_id: str) -> list[tuple]:
    """(local_seq, fields, origin, origin_seq, at, user_name, ctx) in order."""
    return db.execute(
        "SELECT local_seq, fields, origin, origin_seq, at, user_name, ctx FROM sync_change "
        "WHERE tbl = ? AND row_id = ? ORDER BY local_seq", [tbl, row_id]).fetchall()


_NOT_COVERED = """
    WITH vv(origin, seq) AS (SELECT key, value FROM json_each(:others))
    SELECT {what} FROM sync_change c LEFT JOIN vv v ON v.origin = c.origin
    WHERE CASE WHEN c.origin IS NULL THEN c.local_seq > :own
               WHEN c.origin = :self THEN c.origin_seq > :own
               ELSE c.origin_seq > coalesce(v.seq, 0) END {tail}"""


def _vv_args(self_id: str, vv: dict[str, int]) -> dict:
    return {"own": vv.get(self_id, 0), "self": self_id,
            "others": _DUMP({o: s for o, s in vv.items() if o != self_id})}


def rows_changed_since(db: Database, self_id: str, vv: dict[str, int]) -> list[tuple]:
    """(tbl, row_id, first local_seq) of rows with a change *vv* does not cover.

    Reads only (no temporary tables): an export must not open a write transaction.
    """
    sql = _NOT_COVERED.format(what="c.tbl, c.row_id, min(c.local_seq)",
                              tail="GROUP BY c.tbl, c.row_id")
    return db.execute(sql, _vv_args(self_id, vv)).fetchall()


def count_changes_since(db: Database, self_id: str, vv: dict[str, int]) -> int:
    """How many recorded changes *vv* does not cover (what a device is still owed)."""
    sql = _NOT_COVERED.format(
        what="count(DISTINCT CASE WHEN c.origin IS NULL THEN :self || ':' || c.local_seq "
             "ELSE c.origin || ':' || c.origin_seq END)", tail="")
    return db.execute(sql, _vv_args(self_id, vv)).fetchone()[0]


def changes_for_rows(db: Database, keys: list[tuple[str, str]]) -> dict[tuple, list[tuple]]:
    """changes_for() of many rows at once."""
    out: dict[tuple, list[tuple]] = {}
    for start in range(0, len(keys), 5000):
        chunk = _DUMP([list(k) for k in keys[start:start + 5000]])
        for tbl, row_id, *rest in db.execute(
                """SELECT c.tbl, c.row_id, c.local_seq, c.fields, c.origin, c.origin_seq, c.at,
                          c.user_name, c.ctx
                   FROM json_each(?) k CROSS JOIN sync_change c
                     ON c.tbl = json_extract(k.value, '$[0]')
                    AND c.row_id = json_extract(k.value, '$[1]')
                   ORDER BY c.local_seq""", [chunk]).fetchall():
            out.setdefault((tbl, row_id), []).append(tuple(rest))
    return out


# -- conflicting values ------------------------------------------------------------------

def siblings_for(db: Database, tbl: str, row_id: str) -> dict[str, tuple[int, list]]:
    """field -> (established local_seq, [[origin, seq, at, user, value], ...])."""
    return {f: (e, json.loads(s)) for f, e, s in db.execute(
        "SELECT field, established, siblings FROM sync_sibling WHERE tbl = ? AND row_id = ?",
        [tbl, row_id]).fetchall()}


def siblings_for_rows(db: Database, keys: list[tuple[str, str]]) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    if not db.execute("SELECT 1 FROM sync_sibling LIMIT 1").fetchone():
        return out
    for tbl, row_id in keys:
        found = siblings_for(db, tbl, row_id)
        if found:
            out[(tbl, row_id)] = found
    return out


def put_siblings(db: Database, tbl: str, row_id: str, field: str, established: int,
                 siblings: list, bundle_id: str | None) -> None:
    db.execute("INSERT OR REPLACE INTO sync_sibling(tbl, row_id, field, established, "
               "siblings, bundle_id) VALUES (?, ?, ?, ?, ?, ?)",
               [tbl, row_id, field, established, _DUMP(siblings), bundle_id])


def drop_siblings(db: Database, tbl: str, row_id: str, field: str | None = None) -> None:
    if field is None:
        db.execute("DELETE FROM sync_sibling WHERE tbl = ? AND row_id = ?", [tbl, row_id])
    else:
        db.execute("DELETE FROM sync_sibling WHERE tbl = ? AND row_id = ? AND field = ?",
                   [tbl, row_id, field])


def open_siblings(db: Database) -> list[tuple]:
    """(tbl, row_id, field, established, siblings) not since overwritten here."""
    return db.execute(
        """SELECT s.tbl, s.row_id, s.field, s.established, s.siblings FROM sync_sibling s
           WHERE NOT EXISTS (
               SELECT 1 FROM sync_change c WHERE c.tbl = s.tbl AND c.row_id = s.row_id
               AND c.local_seq > s.established
               AND (c.fields IN ('*', '-') OR instr(c.fields, ',' || s.field || ',') > 0))
           ORDER BY s.established, s.tbl, s.row_id, s.field""").fetchall()


def add_lost(db: Database, *, tbl: str, row_id: str, kind: str, data: dict, detail: dict,
             bundle_id: str | None, at: str) -> None:
    db.execute(
        "INSERT INTO sync_lost(tbl, row_id, kind, data, detail, bundle_id, detected_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tbl, row_id, kind) DO UPDATE SET "
        "data = excluded.data, detail = excluded.detail, bundle_id = excluded.bundle_id, "
        "detected_at = excluded.detected_at, resolved_at = NULL, resolved_by = NULL",
        [tbl, row_id, kind, _DUMP(data), _DUMP(detail), bundle_id, at])


def lost_items(db: Database, *, open_only: bool = True) -> list[tuple]:
    sql = ("SELECT id, tbl, row_id, kind, data, detail, bundle_id, detected_at, resolved_at, "
           "resolved_by FROM sync_lost")
    if open_only:
        sql += " WHERE resolved_at IS NULL"
    return db.execute(sql + " ORDER BY id").fetchall()


def resolve_lost(db: Database, lost_id: int, at: str, user_name: str) -> bool:
    cursor = db.execute("UPDATE sync_lost SET resolved_at = ?, resolved_by = ? "
                        "WHERE id = ? AND resolved_at IS NULL", [at, user_name, lost_id])
    return cursor.rowcount == 1


# -- aliases -----------------------------------------------------------------------------

def aliases(db: Database) -> dict[str, str]:
    return dict(db.execute("SELECT old_id, new_id FROM sync_alias").fetchall())


def add_alias(db: Database, old: str, new: str) -> None:
    db.execute("UPDATE sync_alias SET new_id = ? WHERE new_id = ?", [new, old])
    db.execute("INSERT OR REPLACE INTO sync_alias(old_id, new_id) VALUES (?, ?)", [old, new])


# -- this device and its peers ------------------------------------------------------------

def identity(db: Database) -> dict | None:
    row = db.execute("SELECT device_id, name, role, signing_key, encryption_key, created_at "
                     "FROM sync_identity WHERE id = 1").fetchone()
    if row is None:
        return None
    return dict(zip(("device_id", "name", "role", "signing_key", "encryption_key",
                     "created_at"), row))


def save_identity(db: Database, *, device_id: str, name: str, role: str, signing_key: bytes,
                  encryption_key: bytes, created_at: str) -> None:
    db.execute("INSERT OR REPLACE INTO sync_identity(id, device_id, name, role, signing_key, "
               "encryption_key, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
               [device_id, name, role, signing_key, encryption_key, created_at])


def set_identity_fields(db: Database, **fields: str) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE sync_identity SET {sets} WHERE id = 1", list(fields.values()))


_PEER_COLS = ("device_id", "name", "role", "institution_uscc", "signing_key",
              "encryption_key", "fingerprint", "paired_at", "paired_by", "unpaired_at",
              "unpair_reason", "acked", "last_in_no", "last_out_no")


def peers(db: Database) -> list[dict]:
    rows = db.execute(f"SELECT {', '.join(_PEER_COLS)} FROM sync_peer "
                      "ORDER BY unpaired_at IS NOT NULL, name, device_id").fetchall()
    return [_peer(r) for r in rows]


def peer(db: Database, device_id: str) -> dict | None:
    row = db.execute(f"SELECT {', '.join(_PEER_COLS)} FROM sync_peer WHERE device_id = ?",
                     [device_id]).fetchone()
    return None if row is None else _peer(row)


def _peer(row) -> dict:
    record = dict(zip(_PEER_COLS, row))
    record["acked"] = json.loads(record["acked"])
    return record


def save_peer(db: Database, **values) -> None:
    values = dict(values)
    if isinstance(values.get("acked"), dict):
        values["acked"] = _DUMP(values["acked"])
    cols = list(values)
    db.execute(
        f"INSERT INTO sync_peer ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT (device_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "device_id"),
        [values[c] for c in cols])


def update_peer(db: Database, device_id: str, **values) -> None:
    if isinstance(values.get("acked"), dict):
        values["acked"] = _DUMP(values["acked"])
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE sync_peer SET {sets} WHERE device_id = ?",
               [*values.values(), device_id])


# -- bundles -----------------------------------------------------------------------------

_BUNDLE_COLS = ("id", "peer_id", "direction", "kind", "bundle_no", "made_at", "handled_at",
                "handled_by", "manifest_sha256", "rows", "size", "counts", "receipt",
                "acknowledged_at")


def add_bundle(db: Database, **values) -> None:
    for key in ("counts", "receipt"):
        if isinstance(values.get(key), dict):
            values[key] = _DUMP(values[key])
    cols = list(values)
    db.execute(f"INSERT INTO sync_bundle ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' * len(cols))})", [values[c] for c in cols])


def bundle(db: Database, bundle_id: str) -> dict | None:
    row = db.execute(f"SELECT {', '.join(_BUNDLE_COLS)} FROM sync_bundle WHERE id = ?",
                     [bundle_id]).fetchone()
    return None if row is None else _bundle(row)


def bundles(db: Database, limit: int = 500) -> list[dict]:
    rows = db.execute(f"SELECT {', '.join(_BUNDLE_COLS)} FROM sync_bundle "
                      "ORDER BY handled_at DESC, rowid DESC LIMIT ?", [limit]).fetchall()
    return [_bundle(r) for r in rows]


def _bundle(row) -> dict:
    record = dict(zip(_BUNDLE_COLS, row))
    record["counts"] = json.loads(record["counts"])
    record["receipt"] = None if record["receipt"] is None else json.loads(record["receipt"])
    return record


def acknowledge_bundle(db: Database, bundle_id: str, at: str) -> None:
    db.execute("UPDATE sync_bundle SET acknowledged_at = ? WHERE id = ? "
               "AND direction = 'out' AND acknowledged_at IS NULL", [at, bundle_id])
