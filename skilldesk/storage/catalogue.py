"""SQL for the bureau's occupation catalogues (职业培训补贴目录) and their items.

A catalogue belongs to a city and a year. At most one catalogue per city is
*active*; activating one closes the one it replaces (``effective_to`` = the
day before the new one's ``effective_from``). The catalogue in force on a day
is the one, among those ever activated (active now, or closed), whose dates
hold the day; the latest start wins. Writes run inside the caller's
transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

CATALOGUE_COLUMNS = ("id", "city", "year", "title", "source", "is_sample", "effective_from",
                     "effective_to", "active", "created_at", "updated_at", "device_id")
ITEM_FIELDS = ("item_kind", "occupation_code", "occupation_name", "work_type", "level",
               "category", "category_assumed", "standard_fen", "shortage", "min_hours")
_ITEM_COLUMNS = ("id", "catalogue_id", *ITEM_FIELDS, "created_at", "updated_at", "device_id")
_SELECT = ", ".join(f"c.{c}" for c in CATALOGUE_COLUMNS)
_COUNT = "(SELECT count(*) FROM catalogue_item i WHERE i.catalogue_id = c.id)"


def _catalogue(row: tuple | None) -> dict | None:
    if row is None:
        return None
    record = dict(zip((*CATALOGUE_COLUMNS, "item_count"), row))
    record["is_sample"] = bool(record["is_sample"])
    record["active"] = bool(record["active"])
    return record


def list_catalogues(db: Database, city: str | None = None) -> list[dict]:
    """Every catalogue (of *city*, if given) with its item count, newest year first."""
    where, params = ("WHERE c.city = ?", [city]) if city is not None else ("", [])
    rows = db.execute(
        f"SELECT {_SELECT}, {_COUNT} FROM catalogue c {where} "
        "ORDER BY c.year DESC, c.effective_from DESC, c.created_at DESC", params).fetchall()
    return [_catalogue(r) for r in rows]


def get(db: Database, catalogue_id: str) -> dict | None:
    return _catalogue(db.execute(f"SELECT {_SELECT}, {_COUNT} FROM catalogue c WHERE c.id = ?",
                                 [catalogue_id]).fetchone())


def active_of(db: Database, city: str) -> dict | None:
    return _catalogue(db.execute(
        f"SELECT {_SELECT}, {_COUNT} FROM catalogue c WHERE c.city = ? AND c.active = 1 "
        "ORDER BY c.effective_from DESC LIMIT 1", [city]).fetchone())


def in_force(db: Database, city: str, day: dt.date) -> dict | None:
    """The catalogue of *city* in force on *day*, or None."""
    text = day.isoformat()
    return _catalogue(db.execute(
        f"SELECT {_SELECT}, {_COUNT} FROM catalogue c WHERE c.city = ? "
        "AND (c.active = 1 OR c.effective_to IS NOT NULL) "
        "AND c.effective_from <= ? AND (c.effective_to IS NULL OR c.effective_to >= ?) "
        "ORDER BY c.effective_from DESC, c.active DESC LIMIT 1", [city, text, text]).fetchone())


def exists_for_year(db: Database, city: str, year: int) -> list[str]:
    """Titles of the catalogues already stored for this city and year."""
    return [r[0] for r in db.execute(
        "SELECT title FROM catalogue WHERE city = ? AND year = ? ORDER BY created_at",
        [city, year]).fetchall()]


def items_of(db: Database, catalogue_id: str) -> list[dict]:
    """The items of one catalogue, by occupation code, name, 工种 and level."""
    rows = db.execute(
        f"SELECT {', '.join(ITEM_FIELDS)} FROM catalogue_item WHERE catalogue_id = ? "
        "ORDER BY occupation_code, occupation_name, work_type, level", [catalogue_id]).fetchall()
    return [dict(zip(ITEM_FIELDS, r)) for r in rows]


def insert(db: Database, record: dict, items: list[dict], ids: list[str]) -> None:
    """One catalogue (all of ``CATALOGUE_COLUMNS``) and its items (``ITEM_FIELDS`` each),
    the items taking *ids* in order."""
    db.execute(
        f"INSERT INTO catalogue({', '.join(CATALOGUE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(CATALOGUE_COLUMNS))})",
        [record[c] for c in CATALOGUE_COLUMNS])
    audit = (record["created_at"], record["updated_at"], record["device_id"])
    db.conn.executemany(
        f"INSERT INTO catalogue_item({', '.join(_ITEM_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})",
        [(item_id, record["id"], *(item[f] for f in ITEM_FIELDS), *audit)
         for item_id, item in zip(ids, items)])


def activate(db: Database, catalogue_id: str, now: str, device_id: str) -> list[dict]:
    """Make *catalogue_id* the active catalogue of its city; close the one(s) it replaces.

    Returns the replaced catalogues as they were (for the op log)."""
    target = get(db, catalogue_id)
    if target is None:
        return []
    start = dt.date.fromisoformat(target["effective_from"])
    closing = (start - dt.timedelta(days=1)).isoformat()
    replaced = [c for c in list_catalogues(db, target["city"])
                if c["active"] and c["id"] != catalogue_id]
    for old in replaced:
        db.execute("UPDATE catalogue SET active = 0, effective_to = ?, updated_at = ?, "
                   "device_id = ? WHERE id = ?", [closing, now, device_id, old["id"]])
    db.execute("UPDATE catalogue SET active = 1, effective_to = NULL, updated_at = ?, "
               "device_id = ? WHERE id = ?", [now, device_id, catalogue_id])
    return replaced
