"""SQL for training classes: the class itself, teachers, lifecycle, roster.

Sessions and attendance are in ``storage/sessions.py``; results, inspections
and follow-ups in ``storage/outcomes.py``. Writes run inside the caller's
transaction.
"""

from __future__ import annotations

from sqlite_utils import Database

from skilldesk.storage.rows import update_row

CLASS_FIELDS = (
    "code", "name", "training_type", "occupation_code", "occupation_name", "work_type", "level",
    "category", "start_date", "end_date", "theory_hours", "practice_hours", "venue", "capacity",
    "teaching_plan", "assessment_plan", "fee_fen",
)
_CLASS_COLUMNS = ("id", *CLASS_FIELDS, "state", "filed_at", "rule_set", "created_at",
                  "updated_at", "device_id")


def _dict(columns: tuple[str, ...], row: tuple | None) -> dict | None:
    return None if row is None else dict(zip(columns, row))


def get(db: Database, class_id: str) -> dict | None:
    return _dict(_CLASS_COLUMNS, db.execute(
        f"SELECT {', '.join(_CLASS_COLUMNS)} FROM training_class WHERE id = ?",
        [class_id]).fetchone())


def id_by_code(db: Database, code: str) -> str | None:
    row = db.execute("SELECT id FROM training_class WHERE code = ?", [code]).fetchone()
    return row[0] if row else None


def insert(db: Database, record: dict) -> None:
    db.table("training_class").insert(record)


def update(db: Database, class_id: str, fields: dict) -> None:
    update_row(db, "training_class", class_id, fields)


# -- the list ------------------------------------------------------------------------

_LIST_COLUMNS = (
    "c.id, c.code, c.name, c.training_type, c.occupation_name, c.level, c.start_date, "
    "c.end_date, c.state, (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id "
    "AND e.status = 'enrolled')"
)


def _where(year: int | None, state: str | None, training_type: str | None,
           text: str) -> tuple[str, list]:
    clauses, params = [], []
    if year is not None:
        clauses.append("c.start_date >= ? AND c.start_date < ?")
        params += [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]
    if state:
        clauses.append("c.state = ?")
        params.append(state)
    if training_type:
        clauses.append("c.training_type = ?")
        params.append(training_type)
    if text:
        clauses.append("(c.code LIKE ? OR c.name LIKE ? OR c.occupation_name LIKE ? "
                       "OR c.work_type LIKE ?)")
        params += [f"%{text}%"] * 4
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_classes(db: Database, *, year: int | None = None, state: str | None = None,
                 training_type: str | None = None, text: str = "") -> list[tuple]:
    """Rows for the class list, newest start first."""
    where, params = _where(year, state, training_type, text)
    return db.execute(
        f"SELECT {_LIST_COLUMNS} FROM training_class c{where} "
        "ORDER BY c.start_date DESC, c.code DESC", params).fetchall()


def counts_by_state(db: Database, *, year: int | None = None,
                    training_type: str | None = None, text: str = "") -> dict[str, int]:
    where, params = _where(year, None, training_type, text)
    return dict(db.execute(
        f"SELECT c.state, count(*) FROM training_class c{where} GROUP BY c.state",
        params).fetchall())


def years(db: Database) -> list[int]:
    return [int(r[0]) for r in db.execute(
        "SELECT DISTINCT substr(start_date, 1, 4) FROM training_class ORDER BY 1 DESC")]


# -- teachers --------------------------------------------------------------------------

TEACHER_COLUMNS = ("id", "name", "qualification", "certificate_no", "role")


def teachers_of(db: Database, class_id: str) -> list[dict]:
    return [dict(zip(TEACHER_COLUMNS, r)) for r in db.execute(
        f"SELECT {', '.join(TEACHER_COLUMNS)} FROM class_teacher WHERE class_id = ? "
        "ORDER BY created_at, rowid", [class_id])]


def replace_teachers(db: Database, class_id: str, rows: list[dict]) -> None:
    db.execute("DELETE FROM class_teacher WHERE class_id = ?", [class_id])
    if rows:
        db.table("class_teacher").insert_all(rows)


# -- lifecycle -------------------------------------------------------------------------


def insert_transition(db: Database, record: dict) -> None:
    db.table("class_transition").insert(record)


def transitions_of(db: Database, class_id: str) -> list[dict]:
    columns = ("from_state", "to_state", "at", "user_id", "reason")
    return [dict(zip(columns, r)) for r in db.execute(
        f"SELECT {', '.join(columns)} FROM class_transition WHERE class_id = ? "
        "ORDER BY at, rowid", [class_id])]


def filed_without_snapshot(db: Database) -> list[tuple[str, str, str]]:
    """(id, filed_at, start_date) of classes filed but with no roster snapshot."""
    return db.execute(
        "SELECT id, filed_at, start_date FROM training_class c WHERE filed_at IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM roster_snapshot s WHERE s.class_id = c.id) "
        "ORDER BY filed_at").fetchall()


def insert_snapshot(db: Database, record: dict) -> None:
    db.table("roster_snapshot").insert(record)


def latest_snapshot(db: Database, class_id: str) -> dict | None:
    columns = ("id", "taken_at", "data_json", "sha256")
    return _dict(columns, db.execute(
        f"SELECT {', '.join(columns)} FROM roster_snapshot WHERE class_id = ? "
        "ORDER BY taken_at DESC, rowid DESC LIMIT 1", [class_id]).fetchone())


# -- roster ----------------------------------------------------------------------------

ROSTER_COLUMNS = ("enrolment_id", "person_id", "name", "id_number", "sex", "birth_date",
                  "phone", "person_category", "status", "withdrawn_on", "result",
                  "theory_score", "practice_score")


def roster_of(db: Database, class_id: str, *, include_withdrawn: bool = True) -> list[dict]:
    """The class's trainees in enrolment order."""
    status = "" if include_withdrawn else " AND e.status = 'enrolled'"
    return [dict(zip(ROSTER_COLUMNS, r)) for r in db.execute(
        "SELECT e.id, p.id, p.name, p.id_number, p.sex, p.birth_date, p.phone, "
        "e.person_category, e.status, e.withdrawn_on, e.result, e.theory_score, "
        "e.practice_score FROM enrolment e JOIN person p ON p.id = e.person_id "
        f"WHERE e.class_id = ?{status} ORDER BY e.created_at, e.rowid", [class_id])]


def enrolment(db: Database, enrolment_id: str) -> dict | None:
    columns = ("id", "class_id", "person_id", "person_category", "status", "withdrawn_on",
               "result", "theory_score", "practice_score", "updated_at")
    return _dict(columns, db.execute(
        f"SELECT {', '.join(columns)} FROM enrolment WHERE id = ?", [enrolment_id]).fetchone())


def enrolment_of(db: Database, class_id: str, person_id: str) -> dict | None:
    row = db.execute("SELECT id FROM enrolment WHERE class_id = ? AND person_id = ?",
                     [class_id, person_id]).fetchone()
    return enrolment(db, row[0]) if row else None


def insert_enrolment(db: Database, record: dict) -> None:
    db.table("enrolment").insert(record)


def update_enrolment(db: Database, enrolment_id: str, fields: dict) -> None:
    update_row(db, "enrolment", enrolment_id, fields)


def delete_enrolment(db: Database, enrolment_id: str) -> None:
    db.execute("DELETE FROM enrolment WHERE id = ?", [enrolment_id])


def insert_enrolment_change(db: Database, record: dict) -> None:
    db.table("enrolment_change").insert(record)


def enrolment_changes(db: Database, class_id: str) -> list[dict]:
    columns = ("action", "reason", "at", "user_name", "name", "id_number")
    return [dict(zip(columns, r)) for r in db.execute(
        "SELECT c.action, c.reason, c.at, c.user_name, p.name, p.id_number "
        "FROM enrolment_change c JOIN person p ON p.id = c.person_id "
        "WHERE c.class_id = ? ORDER BY c.at, c.rowid", [class_id])]


def person_brief(db: Database, person_id: str) -> dict | None:
    columns = ("id", "name", "id_number", "sex", "birth_date")
    return _dict(columns, db.execute(
        f"SELECT {', '.join(columns)} FROM person WHERE id = ?", [person_id]).fetchone())


def person_categories(db: Database, person_id: str) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT category FROM person_category WHERE person_id = ? ORDER BY category",
        [person_id])]
