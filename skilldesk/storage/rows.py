"""Small SQL helpers shared by the table modules."""

from __future__ import annotations

from sqlite_utils import Database


def update_row(db: Database, table: str, row_id: str, fields: dict) -> None:
    """``UPDATE table SET fields... WHERE id = row_id``.

    Table and column names come from the core's fixed field lists, never from
    user input; values are always bound parameters.
    """
    if not fields:
        return
    assignments = ", ".join(f"{column} = ?" for column in fields)
    db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*fields.values(), row_id])
