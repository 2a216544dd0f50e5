"""SQL of accounts and of the log of revealed personal numbers (migration 0009)."""

from __future__ import annotations

from sqlite_utils import Database

_USER_COLS = ("id", "username", "display_name", "role", "password_hash", "active",
              "password_set_at", "password_set_by", "must_change_password", "created_at")


def users(db: Database) -> list[dict]:
    rows = db.execute(f"SELECT {', '.join(_USER_COLS)} FROM user ORDER BY username").fetchall()
    return [dict(zip(_USER_COLS, r)) for r in rows]


def user(db: Database, username: str) -> dict | None:
    row = db.execute(f"SELECT {', '.join(_USER_COLS)} FROM user WHERE username = ?",
                     [username]).fetchone()
    return None if row is None else dict(zip(_USER_COLS, row))


def insert_user(db: Database, values: dict) -> None:
    cols = list(values)
    db.execute(f"INSERT INTO user ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
               [values[c] for c in cols])


def update_user(db: Database, username: str, values: dict) -> None:
    sets = ", ".join(f"{c} = ?" for c in values)
    db.execute(f"UPDATE user SET {sets} WHERE username = ?", [*values.values(), username])


def count_admins(db: Database) -> int:
    return db.execute("SELECT count(*) FROM user WHERE role = 'admin' AND active = 1"
                      ).fetchone()[0]


def log_reveal(db: Database, *, at: str, user_name: str, role: str, device_id: str,
               entity: str, entity_id: str, field: str, purpose: str) -> None:
    db.execute("INSERT INTO reveal_log(at, user_name, role, device_id, entity, entity_id, "
               "field, purpose) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [at, user_name, role, device_id, entity, entity_id, field, purpose])


def reveals(db: Database, limit: int = 500) -> list[dict]:
    cols = ("at", "user_name", "role", "device_id", "entity", "entity_id", "field", "purpose")
    rows = db.execute(f"SELECT {', '.join(cols)} FROM reveal_log ORDER BY id DESC LIMIT ?",
                      [limit]).fetchall()
    return [dict(zip(cols, r)) for r in rows]


_REVEALABLE = {("person", "id_number"), ("person", "phone"), ("person", "bank_account"),
               ("institution", "bank_account")}


def personal_value(db: Database, entity: str, entity_id: str, field: str) -> str | None:
    if (entity, field) not in _REVEALABLE:
        raise ValueError(f"{entity}.{field} is not a revealable field")
    row = db.execute(f"SELECT {field} FROM {entity} WHERE id = ?", [entity_id]).fetchone()
    return None if row is None else row[0]
