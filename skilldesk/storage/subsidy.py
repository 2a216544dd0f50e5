"""SQL gathering the facts the subsidy rules judge, in a few set-based queries.

``class_ids=None`` means every class. With ids, persons, categories, history
and certificates are limited to the people enrolled in those classes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

_CHUNK = 500


def _class_filter(column: str, class_ids: Sequence[str] | None) -> tuple[str, list]:
    if class_ids is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(class_ids))})", list(class_ids)


def _people_filter(column: str, class_ids: Sequence[str] | None) -> tuple[str, list]:
    if class_ids is None:
        return "", []
    marks = ", ".join("?" * len(class_ids))
    return (f" AND {column} IN (SELECT person_id FROM enrolment WHERE class_id IN ({marks}))",
            list(class_ids))


CLASS_COLUMNS = ("id", "code", "name", "training_type", "level", "category", "occupation_code",
                 "occupation_name", "work_type", "start_date", "end_date", "theory_hours",
                 "practice_hours", "fee_fen", "state")


def classes(db: Database, class_ids: Sequence[str] | None) -> list[tuple]:
    """Rows in the order of ``CLASS_COLUMNS``."""
    where, params = _class_filter("id", class_ids)
    return db.execute(f"SELECT {', '.join(CLASS_COLUMNS)} FROM training_class WHERE 1 = 1{where}",
                      params).fetchall()


def sessions(db: Database, class_ids: Sequence[str] | None) -> list[tuple[str, str, str]]:
    """(session id, class id, date)."""
    where, params = _class_filter("class_id", class_ids)
    return db.execute(f"SELECT id, class_id, date FROM session WHERE 1 = 1{where}",
                      params).fetchall()


def marks_per_session(db: Database, class_ids: Sequence[str] | None) -> list[tuple[str, int]]:
    """(session id, marks recorded), read from the attendance index alone."""
    if class_ids is None:
        return db.execute(
            "SELECT session_id, count(*) FROM attendance GROUP BY session_id").fetchall()
    where, params = _class_filter("s.class_id", class_ids)
    return db.execute(
        "SELECT a.session_id, count(*) FROM session s JOIN attendance a ON a.session_id = s.id "
        f"WHERE 1 = 1{where} GROUP BY a.session_id", params).fetchall()


def withdrawn_marks_per_session(db: Database, class_ids: Sequence[str] | None
                                ) -> list[tuple[str, int]]:
    """(session id, marks of trainees who have since withdrawn)."""
    where, params = _class_filter("e.class_id", class_ids)
    # CROSS JOIN keeps the few withdrawn enrolments as the outer loop; left to itself the
    # planner scans every attendance mark instead (0.7 s on the 1,000,000-person demo)
    return db.execute(
        "SELECT a.session_id, count(*) FROM enrolment e CROSS JOIN attendance a "
        f"ON a.enrolment_id = e.id WHERE e.status = 'withdrawn'{where} GROUP BY a.session_id",
        params).fetchall()


def enrolled_per_class(db: Database, class_ids: Sequence[str] | None) -> list[tuple[str, int]]:
    where, params = _class_filter("class_id", class_ids)
    return db.execute(
        f"SELECT class_id, count(*) FROM enrolment WHERE status = 'enrolled'{where} "
        "GROUP BY class_id", params).fetchall()


ENROLMENT_COLUMNS = ("enrolment_id", "class_id", "person_id", "status", "result",
                     "person_category", "cert_type", "cert_number", "cert_level", "issue_date",
                     "name", "id_number", "birth_date", "sex", "unemployment_cert_no", "school",
                     "graduation_date", "pension", "insured_months", "category_proven",
                     "other_categories")


def enrolments(db: Database, class_ids: Sequence[str] | None) -> list[tuple]:
    """Each enrolment with its certificate and its person, in the order of
    ``ENROLMENT_COLUMNS`` (``category_proven`` is left NULL: see
    :func:`unproven_categories`), and (only when no category was fixed) the person's
    categories, comma-separated, each followed by ``+`` when its proof is recorded."""
    where, params = _class_filter("e.class_id", class_ids)
    return db.execute(f"""
        SELECT e.id, e.class_id, e.person_id, e.status, e.result, e.person_category,
               c.cert_type, c.cert_number, c.level, c.issue_date,
               p.name, p.id_number, p.birth_date, p.sex, p.unemployment_cert_no, p.school,
               p.graduation_date, p.pension, p.insured_months, NULL,
               CASE WHEN e.person_category = '' THEN (
                   SELECT group_concat(category || CASE WHEN proof_kind != ''
                       OR proof_number != '' OR attachment_id IS NOT NULL THEN '+' ELSE '' END)
                   FROM person_category WHERE person_id = e.person_id) END
        FROM enrolment e JOIN person p ON p.id = e.person_id
        LEFT JOIN certificate c ON c.enrolment_id = e.id
        WHERE 1 = 1{where}""", params).fetchall()


def unproven_categories(db: Database, class_ids: Sequence[str] | None) -> list[tuple[str, str]]:
    """(person_id, category) of the categories recorded without a proof document
    (from the partial index ``person_category_unproven``)."""
    where, params = _people_filter("person_id", class_ids)
    return db.execute(
        "SELECT person_id, category FROM person_category INDEXED BY person_category_unproven "
        "WHERE proof_kind = '' AND proof_number = '' AND attachment_id IS NULL"
        f"{where}", params).fetchall()


def history(db: Database, class_ids: Sequence[str] | None) -> list[tuple]:
    """(person_id, subsidy_kind, training_type, occupation_code, level, granted_on, source)."""
    where, params = _people_filter("person_id", class_ids)
    return db.execute(
        "SELECT person_id, subsidy_kind, training_type, occupation_code, level, granted_on, "
        f"source FROM subsidy_history WHERE 1 = 1{where}", params).fetchall()


def certificates_held(db: Database, class_ids: Sequence[str] | None) -> list[tuple]:
    """(person_id, occupation code or project name, level, issue_date) of every
    certificate the people hold, from any class."""
    where, params = _people_filter("e.person_id", class_ids)
    return db.execute(
        "SELECT e.person_id, CASE WHEN k.occupation_code != '' THEN k.occupation_code "
        "ELSE k.occupation_name END, c.level, c.issue_date FROM certificate c "
        "JOIN enrolment e ON e.id = c.enrolment_id JOIN training_class k ON k.id = e.class_id "
        f"WHERE 1 = 1{where}", params).fetchall()
