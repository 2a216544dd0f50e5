"""SQL for the 工作台 (dashboard): a year's figures, its charts and the to-do list.

Every query aggregates in SQLite (GROUP BY, EXISTS) and returns a handful of rows,
however many people the database holds. Which states and statuses count is decided in
``core/dashboard.py`` and passed in; nothing here knows the policy.

A class "of the year" starts in that year: ``start_date`` in [``YYYY-01-01``,
``YYYY+1-01-01``), the same range the class list filters by (``storage/classes.py``),
which uses the ``training_class_start`` index.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database


def _year(year: int) -> list[str]:
    return [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" for _v in values) or "NULL"


# -- figures -----------------------------------------------------------------------------


def classes_by_state(db: Database, year: int) -> dict[str, int]:
    return dict(db.execute(
        "SELECT state, count(*) FROM training_class WHERE start_date >= ? AND start_date < ? "
        "GROUP BY state", _year(year)).fetchall())


def trainee_counts(db: Database, year: int, states: Sequence[str]) -> dict[str, int]:
    """Over the enrolled (not withdrawn) trainees of the year's classes in *states*:
    distinct people, enrolments, results recorded, passes, certificates."""
    row = db.execute(
        "SELECT count(DISTINCT e.person_id), count(*), count(e.result), "
        "       coalesce(sum(e.result = 'pass'), 0), "
        "       coalesce(sum(EXISTS (SELECT 1 FROM certificate ce "
        "                            WHERE ce.enrolment_id = e.id)), 0) "
        "FROM training_class c JOIN enrolment e ON e.class_id = c.id "
        f"WHERE c.start_date >= ? AND c.start_date < ? AND c.state IN ({_marks(states)}) "
        "AND e.status = 'enrolled'", [*_year(year), *states]).fetchone()
    return dict(zip(("people", "enrolments", "assessed", "passed", "certified"), row))


def followup_counts(db: Database, year: int, states: Sequence[str],
                    employed: Sequence[str]) -> tuple[int, int]:
    """(graduates followed up, of whom employed at their latest follow-up) over the
    enrolled trainees who passed in the year's classes in *states*."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(f.status IN "
        f"({_marks(employed)})), 0) "
        "FROM training_class c JOIN enrolment e ON e.class_id = c.id "
        "JOIN employment_followup f ON f.enrolment_id = e.id "
        f"WHERE c.start_date >= ? AND c.start_date < ? AND c.state IN ({_marks(states)}) "
        "AND e.status = 'enrolled' AND e.result = 'pass' "
        "AND f.month_offset = (SELECT max(g.month_offset) FROM employment_followup g "
        "                      WHERE g.enrolment_id = e.id)",
        [*employed, *_year(year), *states]).fetchone()
    return row[0], row[1]


def claim_totals(db: Database, prefix: str) -> dict[str, int]:
    """Over the claims numbered ``<prefix>…``, each by its newest version that is not a
    draft: how many, and the fen claimed, approved and paid."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(k.total_fen), 0), coalesce(sum(k.approved_fen), 0), "
        "       coalesce(sum(k.paid_fen), 0) FROM claim k "
        "WHERE k.claim_no LIKE ? ESCAPE '\\' AND k.state != 'draft' "
        "AND k.version = (SELECT max(n.version) FROM claim n WHERE n.claim_no = k.claim_no "
        "                 AND n.state != 'draft')",
        [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]
    ).fetchone()
    return dict(zip(("claims", "claimed_fen", "approved_fen", "paid_fen"), row))


# -- charts --------------------------------------------------------------------------------


def enrolments_by_month(db: Database, year: int, states: Sequence[str]) -> dict[int, int]:
    """Enrolled trainees by the month their class starts."""
    return {int(m): n for m, n in db.execute(
        "SELECT substr(c.start_date, 6, 2), count(*) "
        "FROM training_class c JOIN enrolment e ON e.class_id = c.id "
        f"WHERE c.start_date >= ? AND c.start_date < ? AND c.state IN ({_marks(states)}) "
        "AND e.status = 'enrolled' GROUP BY 1", [*_year(year), *states])}


def certificates_by_month(db: Database, year: int) -> dict[int, int]:
    """Certificates by the month they were issued (whatever year their class started)."""
    return {int(m): n for m, n in db.execute(
        "SELECT substr(issue_date, 6, 2), count(*) FROM certificate "
        "WHERE issue_date >= ? AND issue_date < ? GROUP BY 1", _year(year))}


def enrolments_by_occupation(db: Database, year: int, states: Sequence[str]
                             ) -> list[tuple[str, str, int]]:
    """(occupation name, training type, enrolled trainees), most first."""
    return db.execute(
        "SELECT c.occupation_name, min(c.training_type), count(*) "
        "FROM training_class c JOIN enrolment e ON e.class_id = c.id "
        f"WHERE c.start_date >= ? AND c.start_date < ? AND c.state IN ({_marks(states)}) "
        "AND e.status = 'enrolled' GROUP BY c.occupation_name, "
        "CASE WHEN c.occupation_name = '' THEN c.training_type ELSE '' END "
        "ORDER BY 3 DESC, 1", [*_year(year), *states]).fetchall()


def enrolments_by_category(db: Database, year: int, states: Sequence[str]
                           ) -> dict[str, int]:
    """Enrolled trainees by the category recorded on the enrolment at filing."""
    return dict(db.execute(
        "SELECT e.person_category, count(*) "
        "FROM training_class c JOIN enrolment e ON e.class_id = c.id "
        f"WHERE c.start_date >= ? AND c.start_date < ? AND c.state IN ({_marks(states)}) "
        "AND e.status = 'enrolled' GROUP BY 1", [*_year(year), *states]).fetchall())


# -- to-dos --------------------------------------------------------------------------------


def unfiled_classes(db: Database, states: Sequence[str], starting_by: str, since: str
                    ) -> list[tuple[str, str, str, str, str]]:
    """(id, code, name, start_date, state) of classes in *states* that start between
    *since* and *starting_by*."""
    return db.execute(
        "SELECT id, code, name, start_date, state FROM training_class "
        f"WHERE state IN ({_marks(states)}) AND start_date >= ? AND start_date <= ? "
        "ORDER BY start_date, code", [*states, since, starting_by]).fetchall()


def sessions_without_marks(db: Database, before: str) -> list[tuple[str, str, str, int, str]]:
    """(class id, code, name, sessions, earliest date) per class in training whose
    sessions before *before* lack a mark for some enrolled trainee."""
    return db.execute(
        "SELECT c.id, c.code, c.name, count(*), min(s.date) "
        "FROM training_class c JOIN session s ON s.class_id = c.id "
        "WHERE c.state = 'in_training' AND s.date < ? AND EXISTS ("
        "  SELECT 1 FROM enrolment e WHERE e.class_id = c.id AND e.status = 'enrolled' "
        "  AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id "
        "                  AND a.enrolment_id = e.id)) "
        "GROUP BY c.id ORDER BY min(s.date), c.code", [before]).fetchall()


def unclaimed_certificates(db: Database, issued_since: str
                           ) -> list[tuple[str, str, str, str, str, int]]:
    """(class id, code, name, class start, issue date, certificates) of certificates
    issued on or after *issued_since* to enrolled trainees, in classes not yet claimed
    or paid, and on no claim that was signed (any non-draft version)."""
    return db.execute(
        "SELECT c.id, c.code, c.name, c.start_date, ce.issue_date, count(*) "
        "FROM certificate ce JOIN enrolment e ON e.id = ce.enrolment_id "
        "JOIN training_class c ON c.id = e.class_id "
        "WHERE ce.issue_date >= ? AND e.status = 'enrolled' "
        "AND c.state NOT IN ('claimed', 'paid') AND e.id NOT IN ("
        "  SELECT l.enrolment_id FROM claim_line l JOIN claim k ON k.id = l.claim_id "
        "  WHERE k.state != 'draft') "
        "GROUP BY c.id, ce.issue_date ORDER BY ce.issue_date, c.code",
        [issued_since]).fetchall()
