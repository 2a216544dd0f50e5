"""Generic row access for synchronisation: any synchronised table, by id.

The sync engine (core/sync_apply.py) works on every synchronised table alike; the
table's shape (columns, foreign keys, unique keys) is read from SQLite itself, so a
new column or table needs no change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from skilldesk.storage import schema_v7


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: tuple[str, ...]          # every column that travels (not person.seq)
    tracked: tuple[str, ...]          # the columns conflicts are judged on
    parents: tuple[tuple[str, str], ...]   # (column, parent table) foreign keys
    unique_keys: tuple[tuple[str, ...], ...]  # natural keys (not the id)


def _shape(db: Database, table: str) -> TableShape:
    columns = tuple(r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()
                    if r[1] not in schema_v7.LOCAL_COLUMNS)
    parents = tuple((r[3], r[2]) for r in db.execute(
        f"PRAGMA foreign_key_list({table})").fetchall())
    keys = []
    for _seq, name, unique, _origin, partial in db.execute(
            f"PRAGMA index_list({table})").fetchall():
        if not unique or partial:
            continue
        cols = tuple(r[2] for r in db.execute(f"PRAGMA index_info({name})").fetchall())
        if cols and cols != ("id",) and cols != ("seq",):
            keys.append(cols)
    return TableShape(table, columns, tuple(schema_v7.tracked_columns(db, table)),
                      parents, tuple(sorted(keys)))


class Shapes:
    """The shapes of every synchronised table, and who refers to whom."""

    def __init__(self, db: Database) -> None:
        self.tables = {t: _shape(db, t) for t in schema_v7.SYNCED_TABLES}
        # (child table, column) pairs that refer to each table's id, over the whole
        # database (claims refer to enrolments, for instance)
        self.referrers: dict[str, list[tuple[str, str]]] = {}
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'person_fts%'").fetchall()]
        for child in names:
            for r in db.execute(f"PRAGMA foreign_key_list({child})").fetchall():
                self.referrers.setdefault(r[2], []).append((child, r[3]))


def get_row(db: Database, shape: TableShape, row_id: str) -> dict | None:
    cols = ", ".join(shape.columns)
    row = db.execute(f"SELECT {cols} FROM {shape.name} WHERE id = ?", [row_id]).fetchone()
    return None if row is None else dict(zip(shape.columns, row))


def get_rows(db: Database, shape: TableShape, ids: list[str]) -> dict[str, dict]:
    """Rows by id, in chunks (SQLite's variable limit)."""
    cols = ", ".join(shape.columns)
    out: dict[str, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(f"SELECT {cols} FROM {shape.name} WHERE id IN ({marks})",
                              chunk).fetchall():
            record = dict(zip(shape.columns, row))
            out[record["id"]] = record
    return out


def insert_row(db: Database, shape: TableShape, values: dict) -> None:
    cols = [c for c in shape.columns if c in values]
    db.execute(f"INSERT INTO {shape.name} ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' * len(cols))})", [values[c] for c in cols])


def update_row(db: Database, shape: TableShape, row_id: str, values: dict) -> None:
    if not values:
        return
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE {shape.name} SET {sets} WHERE id = ?", [*values.values(), row_id])


def delete_row(db: Database, table: str, row_id: str) -> None:
    db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])


def find_by_key(db: Database, shape: TableShape, key: tuple[str, ...],
                values: dict) -> str | None:
    """The id of the row holding *values* in the unique *key* (NULLs never match)."""
    if any(values.get(c) is None for c in key):
        return None
    where = " AND ".join(f"{c} = ?" for c in key)
    row = db.execute(f"SELECT id FROM {shape.name} WHERE {where}",
                     [values[c] for c in key]).fetchone()
    return None if row is None else row[0]


def children(db: Database, shapes: Shapes, table: str, row_id: str) -> list[tuple[str, str]]:
    """(table, id) of rows whose foreign keys point at *row_id* (synchronised or not)."""
    found = []
    for child, column in shapes.referrers.get(table, ()):
        key = "id" if child in shapes.tables else "rowid"
        for (cid,) in db.execute(f"SELECT {key} FROM {child} WHERE {column} = ?",
                                 [row_id]).fetchall():
            found.append((child, str(cid)))
    return found


def rekey(db: Database, shapes: Shapes, table: str, old: str, new: str) -> None:
    """Give the row *old* the id *new*, and every reference to it (foreign keys are
    deferred for the transaction by the caller)."""
    for child, column in shapes.referrers.get(table, ()):
        db.execute(f"UPDATE {child} SET {column} = ? WHERE {column} = ?", [new, old])
    db.execute("UPDATE attachment_link SET entity_id = ? WHERE entity_id = ?", [new, old])
    db.execute("UPDATE import_batch_item SET entity_id = ? WHERE entity_id = ?", [new, old])
    db.execute(f"UPDATE {table} SET id = ? WHERE id = ?", [new, old])
    db.execute("UPDATE sync_change SET row_id = ? WHERE tbl = ? AND row_id = ?",
               [new, table, old])
    db.execute("UPDATE sync_sibling SET row_id = ? WHERE tbl = ? AND row_id = ?",
               [new, table, old])
    db.execute("UPDATE sync_lost SET row_id = ? WHERE tbl = ? AND row_id = ?",
               [new, table, old])


def missing_parents(db: Database, shape: TableShape, row_id: str) -> list[tuple[str, str]]:
    """(parent table, parent id) that this row refers to and that are not here."""
    row = get_row(db, shape, row_id)
    if row is None:
        return []
    missing = []
    for column, parent in shape.parents:
        value = row.get(column)
        if value is not None and db.execute(
                f"SELECT 1 FROM {parent} WHERE id = ?", [value]).fetchone() is None:
            missing.append((parent, value))
    return missing


def get_blob(db: Database, sha256: str) -> bytes | None:
    row = db.execute("SELECT data FROM attachment_blob WHERE sha256 = ?", [sha256]).fetchone()
    return None if row is None else bytes(row[0])


def put_blob(db: Database, sha256: str, data: bytes) -> None:
    db.execute("INSERT OR IGNORE INTO attachment_blob(sha256, data) VALUES (?, ?)",
               [sha256, data])

