"""SQL for people: pages and search for the list, single-record reads and writes.

Search strategy (measured in docs/benchmarks.md), newest first, keyset paging
on ``seq``:

- a fragment of 3+ characters: the trigram FTS5 index over name, ID number
  and phone;
- 1-2 characters containing a non-digit (a surname, part of a given name):
  the ``person_name_gram`` table of 1- and 2-character name grams;
- 1-2 digits: a scan with LIKE; such fragments match most rows, so the first
  screen fills after reading a few hundred rows.
"""

from __future__ import annotations

from sqlite_utils import Database

from skilldesk.storage.rows import update_row

_ROW_COLUMNS = (
    "p.seq, p.id, p.name, p.sex, p.birth_date, p.id_number, p.phone, "
    "(SELECT group_concat(category, ',') FROM person_category c WHERE c.person_id = p.id)"
)
_NO_CURSOR = 1 << 62


def _fts_phrase(fragment: str) -> str:
    return '"' + fragment.replace('"', '""') + '"'


def _plan(fragment: str) -> tuple[str, list[object]]:
    """Return (FROM/WHERE clause using :cursor, params) for *fragment*."""
    if not fragment:
        return "person p WHERE p.seq < ?", []
    if len(fragment) >= 3:
        return (
            "person_fts f JOIN person p ON p.seq = f.rowid "
            "WHERE person_fts MATCH ? AND f.rowid < ?",
            [_fts_phrase(fragment)],
        )
    if not fragment.isdigit():
        return (
            "person_name_gram g JOIN person p ON p.seq = g.seq WHERE g.gram = ? AND g.seq < ?",
            [fragment],
        )
    like = f"%{fragment}%"
    return "person p WHERE (p.id_number LIKE ? OR p.phone LIKE ?) AND p.seq < ?", [like, like]


def _order_column(clause: str) -> str:
    if clause.startswith("person_fts"):
        return "f.rowid"
    if clause.startswith("person_name_gram"):
        return "g.seq"
    return "p.seq"


def search(db: Database, fragment: str, *, before: int | None, limit: int) -> list[tuple]:
    """Up to *limit* people matching *fragment* (already normalised), newest first.

    Rows are ``(seq, id, name, sex, birth_date, id_number, phone, categories_csv)``.
    """
    clause, params = _plan(fragment)
    sql = f"SELECT {_ROW_COLUMNS} FROM {clause} ORDER BY {_order_column(clause)} DESC LIMIT ?"
    cursor = _NO_CURSOR if before is None else before
    return db.execute(sql, [*params, cursor, limit]).fetchall()


def count(db: Database, fragment: str) -> int:
    clause, params = _plan(fragment)
    return db.execute(f"SELECT count(*) FROM {clause}", [*params, _NO_CURSOR]).fetchone()[0]


def get(db: Database, person_id: str) -> dict | None:
    row = db.execute("SELECT * FROM person WHERE id = ?", [person_id]).fetchone()
    if row is None:
        return None
    columns = [d[0] for d in db.execute("SELECT * FROM person LIMIT 0").description]
    record = dict(zip(columns, row))
    record["categories"] = categories_of(db, person_id)
    return record


def categories_of(db: Database, person_id: str) -> list[str]:
    rows = db.execute(
        "SELECT category FROM person_category WHERE person_id = ? ORDER BY category", [person_id]
    ).fetchall()
    return [r[0] for r in rows]


def id_by_id_number(db: Database, id_number: str) -> str | None:
    row = db.execute("SELECT id FROM person WHERE id_number = ?", [id_number]).fetchone()
    return row[0] if row else None


def insert(db: Database, record: dict) -> None:
    db.table("person").insert(record)


def update(db: Database, person_id: str, fields: dict) -> None:
    update_row(db, "person", person_id, fields)


def replace_categories(
    db: Database, person_id: str, categories: list[str], *, now: str, device_id: str, new_id
) -> None:
    current = set(categories_of(db, person_id))
    wanted = set(categories)
    for category in current - wanted:
        db.execute(
            "DELETE FROM person_category WHERE person_id = ? AND category = ?",
            [person_id, category],
        )
    for category in sorted(wanted - current):
        db.execute(
            "INSERT INTO person_category(id, person_id, category, created_at, updated_at, device_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [new_id(), person_id, category, now, now, device_id],
        )


def total(db: Database) -> int:
    return db.execute("SELECT count(*) FROM person").fetchone()[0]


EXPORT_COLUMNS = (
    "p.seq", "p.name", "p.sex", "p.id_type", "p.id_number", "p.birth_date", "p.phone",
    "p.hukou_address", "p.hukou_type", "p.education", "p.employer", "p.employer_uscc",
    "p.unemployment_cert_no", "p.school", "p.graduation_date", "p.bank_account", "p.notes",
    "p.pension", "p.insured_months",
    "(SELECT group_concat(category, ',') FROM person_category c WHERE c.person_id = p.id)",
)


def iter_for_export(db: Database, *, class_id: str | None = None, fragment: str = "",
                    batch: int = 2000):
    """Rows (dicts) for an export: a class roster in enrolment order, or every person
    matching *fragment* newest first; fetched in keyset pages, never all at once."""
    names = [c.split(".")[-1] for c in EXPORT_COLUMNS[:-1]] + ["categories"]
    if class_id is not None:
        cursor = db.execute(
            f"SELECT {', '.join(EXPORT_COLUMNS)} FROM enrolment e JOIN person p "
            "ON p.id = e.person_id WHERE e.class_id = ? ORDER BY e.created_at, p.seq", [class_id])
        while rows := cursor.fetchmany(batch):
            yield from (dict(zip(names, r)) for r in rows)
        return
    clause, params = _plan(fragment)
    order = _order_column(clause)
    before = _NO_CURSOR
    while True:
        rows = db.execute(
            f"SELECT {', '.join(EXPORT_COLUMNS)} FROM {clause} ORDER BY {order} DESC LIMIT ?",
            [*params, before, batch]).fetchall()
        yield from (dict(zip(names, r)) for r in rows)
        if len(rows) < batch:
            return
        before = rows[-1][0]
