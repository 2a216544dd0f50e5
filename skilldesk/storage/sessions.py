"""SQL for a class's sessions (课次) and attendance marks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from skilldesk.storage.rows import update_row

SESSION_COLUMNS = ("id", "seq_no", "date", "start_time", "end_time", "periods", "kind",
                   "topic", "teacher")


def sessions_of(db: Database, class_id: str) -> list[dict]:
    return [dict(zip(SESSION_COLUMNS, r)) for r in db.execute(
        f"SELECT {', '.join(SESSION_COLUMNS)} FROM session WHERE class_id = ? ORDER BY seq_no",
        [class_id])]


def session(db: Database, session_id: str) -> dict | None:
    row = db.execute(
        f"SELECT {', '.join(SESSION_COLUMNS)}, class_id FROM session WHERE id = ?",
        [session_id]).fetchone()
    return None if row is None else dict(zip((*SESSION_COLUMNS, "class_id"), row))


def insert_sessions(db: Database, rows: Sequence[dict]) -> None:
    if rows:
        db.table("session").insert_all(rows)


def update_session(db: Database, session_id: str, fields: dict) -> None:
    update_row(db, "session", session_id, fields)


def delete_session(db: Database, session_id: str) -> None:
    db.execute("DELETE FROM session WHERE id = ?", [session_id])


def delete_sessions(db: Database, class_id: str) -> None:
    db.execute("DELETE FROM session WHERE class_id = ?", [class_id])


def renumber(db: Database, class_id: str) -> None:
    """seq_no 1..n in date and time order (two passes: seq_no is unique per class)."""
    ids = [r[0] for r in db.execute(
        "SELECT id FROM session WHERE class_id = ? ORDER BY date, start_time, seq_no",
        [class_id])]
    db.conn.executemany("UPDATE session SET seq_no = ? WHERE id = ?",
                        [(-n, i) for n, i in enumerate(ids, 1)])
    db.conn.executemany("UPDATE session SET seq_no = ? WHERE id = ?",
                        [(n, i) for n, i in enumerate(ids, 1)])


def marks_of(db: Database, class_id: str) -> list[tuple]:
    """(enrolment_id, session_id, status, sign_in, sign_out, method, updated_at)."""
    return db.execute(
        "SELECT a.enrolment_id, a.session_id, a.status, a.sign_in, a.sign_out, a.method, "
        "a.updated_at FROM attendance a JOIN session s ON s.id = a.session_id "
        "WHERE s.class_id = ?", [class_id]).fetchall()


def marks_count(db: Database, class_id: str) -> int:
    return db.execute(
        "SELECT count(*) FROM attendance a JOIN session s ON s.id = a.session_id "
        "WHERE s.class_id = ?", [class_id]).fetchone()[0]


def upsert_marks(db: Database, rows: Sequence[tuple]) -> None:
    """rows: (id, session_id, enrolment_id, status, sign_in, sign_out, method, now, device)."""
    db.conn.executemany(
        "INSERT INTO attendance(id, session_id, enrolment_id, status, sign_in, sign_out, "
        "method, created_at, updated_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?8, ?8, ?9) "
        "ON CONFLICT(session_id, enrolment_id) DO UPDATE SET status = excluded.status, "
        "sign_in = coalesce(excluded.sign_in, sign_in), "
        "sign_out = coalesce(excluded.sign_out, sign_out), "
        "method = CASE WHEN excluded.method = '' THEN method ELSE excluded.method END, "
        "updated_at = excluded.updated_at, device_id = excluded.device_id", rows)


def delete_marks(db: Database, pairs: Sequence[tuple[str, str]]) -> None:
    """pairs: (session_id, enrolment_id)."""
    db.conn.executemany("DELETE FROM attendance WHERE session_id = ? AND enrolment_id = ?", pairs)


def unrecorded_sessions(db: Database, class_id: str) -> list[tuple[int, str]]:
    """(seq_no, date) of sessions missing a mark for some enrolled trainee."""
    return db.execute(
        "SELECT s.seq_no, s.date FROM session s WHERE s.class_id = ?1 AND EXISTS ("
        "  SELECT 1 FROM enrolment e WHERE e.class_id = ?1 AND e.status = 'enrolled' "
        "  AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id "
        "                  AND a.enrolment_id = e.id)) ORDER BY s.seq_no", [class_id]).fetchall()


def periods_by_kind(db: Database, class_id: str) -> dict[str, int]:
    return dict(db.execute(
        "SELECT kind, sum(periods) FROM session WHERE class_id = ? GROUP BY kind", [class_id]))
