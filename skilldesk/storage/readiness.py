"""SQL behind the readiness signals (申领前自查): a few queries for a whole batch
of classes, never one per class or per trainee.

The batch arrives as a JSON array of class ids (``json_each``), so a batch of
any size is one parameter. Each function returns plain tuples of the rows that
*may* offend; ``core/readiness.py`` applies the final judgement (per-class
thresholds, the statutory ages) and words the signals. Queries that need an
age take a generous pre-filter so Python only looks at a handful of rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlite_utils import Database

_BATCH = "(SELECT value FROM json_each(:ids))"
# classes whose opening application was refused or withdrawn never train anyone
_LIVE = "NOT IN ('rejected', 'withdrawn')"
_PERSON = "p.id, p.name, p.id_number"


def _run(db: Database, sql: str, class_ids: Sequence[str], **params) -> list[tuple]:
    return db.execute(sql, {"ids": json.dumps(list(class_ids)), **params}).fetchall()


def classes(db: Database, class_ids: Sequence[str]) -> list[tuple]:
    """(id, code, start_date, end_date, state) of the batch's classes."""
    return _run(db, "SELECT id, code, start_date, end_date, state FROM training_class "
                f"WHERE id IN {_BATCH}", class_ids)


def trainees_to_check(db: Database, class_ids: Sequence[str], *, phone_min: int,
                      younger_than_years: int, older_than_months: dict[str, int]
                      ) -> list[tuple]:
    """Enrolled trainees of the batch that may raise a person signal, in one pass:
    (class_id, person_id, name, id_number, sex, birth_date, phone, school,
     graduation_date, start_date, shared, student).

    ``shared``: the phone is on *phone_min* or more distinct trainees of the batch.
    ``student``: a school and a graduation year after the class's end year.
    Also returned: anyone *about* younger than *younger_than_years*, or older
    than *older_than_months* (by sex, ``{"M": …, "F": …}``) on the class's start
    date: three days' margin, the caller decides with the exact age rules.
    """
    return _run(db, f"""
        WITH k AS MATERIALIZED (
            SELECT id, start_date, end_date,
                   date(start_date, '-' || :young || ' years', '-3 days') AS young_after,
                   date(start_date, '-' || :old_m || ' months', '+3 days') AS old_m,
                   date(start_date, '-' || :old_f || ' months', '+3 days') AS old_f
            FROM training_class WHERE id IN {_BATCH}),
        t AS MATERIALIZED (
            SELECT e.class_id, p.id AS pid, p.name, p.id_number, p.sex, p.birth_date,
                   p.phone, p.school, p.graduation_date, k.start_date, k.end_date,
                   p.birth_date > k.young_after
                       OR p.birth_date <= CASE p.sex WHEN 'M' THEN k.old_m ELSE k.old_f END
                       AS by_age
            FROM k JOIN enrolment e ON e.class_id = k.id AND e.status = 'enrolled'
            JOIN person p ON p.id = e.person_id),
        shared AS (SELECT phone FROM t WHERE phone <> '' GROUP BY phone
                   HAVING count(DISTINCT pid) >= :phone_min)
        SELECT class_id, pid, name, id_number, sex, birth_date, phone, school,
               graduation_date, start_date, shared, student FROM (
            SELECT *, phone IN (SELECT phone FROM shared) AS shared,
                   trim(school) <> '' AND length(graduation_date) >= 4
                       AND substr(graduation_date, 1, 4) > substr(end_date, 1, 4) AS student
            FROM t)
        WHERE shared OR student OR by_age ORDER BY phone, class_id, name""",
                class_ids, phone_min=phone_min, young=younger_than_years,
                old_m=older_than_months["M"], old_f=older_than_months["F"])


def overlapping_enrolments(db: Database, class_ids: Sequence[str]) -> list[tuple]:
    """Pairs of enrolments of one person in two classes with overlapping dates, one
    of them in the batch, the other anywhere in the database:
    (person_id, name, id_number,
     enrolment_id, class_id, code, start_date, end_date,      -- the batch side
     enrolment_id, class_id, code, start_date, end_date)      -- the other class."""
    return _run(db, f"""
        SELECT {_PERSON}, e1.id, c1.id, c1.code, c1.start_date, c1.end_date,
               e2.id, c2.id, c2.code, c2.start_date, c2.end_date
        FROM enrolment e1 JOIN training_class c1 ON c1.id = e1.class_id
        JOIN enrolment e2 ON e2.person_id = e1.person_id AND e2.class_id <> e1.class_id
        JOIN training_class c2 ON c2.id = e2.class_id
        JOIN person p ON p.id = e1.person_id
        WHERE e1.class_id IN {_BATCH} AND e1.status = 'enrolled' AND e2.status = 'enrolled'
          AND c1.state {_LIVE} AND c2.state {_LIVE}
          AND c1.start_date <= c2.end_date AND c2.start_date <= c1.end_date
        ORDER BY c1.code, p.name""", class_ids)


def attendance_in_two_classes(db: Database, class_ids: Sequence[str]) -> list[tuple]:
    """One person marked present or late in sessions of two classes at overlapping
    times on the same day: (person_id, name, id_number,
    session_id, class_id, code, seq_no, date, start_time, end_time,   -- the batch side
    session_id, class_id, code, seq_no, date, start_time, end_time)   -- the other.

    Only people enrolled (at any time) in two classes with overlapping dates are
    looked at, which keeps it cheap; a session outside its class's dates is a
    signal of its own."""
    return _run(db, f"""
        WITH pair AS MATERIALIZED (
            SELECT e1.person_id, e1.id AS e1, c1.id AS k1, c1.code AS code1,
                   e2.id AS e2, c2.id AS k2, c2.code AS code2
            FROM enrolment e1 JOIN training_class c1 ON c1.id = e1.class_id
            JOIN enrolment e2 ON e2.person_id = e1.person_id AND e2.class_id <> e1.class_id
            JOIN training_class c2 ON c2.id = e2.class_id
            WHERE e1.class_id IN {_BATCH}
              AND c1.start_date <= c2.end_date AND c2.start_date <= c1.end_date)
        SELECT {_PERSON},
               s1.id, pair.k1, pair.code1, s1.seq_no, s1.date, s1.start_time, s1.end_time,
               s2.id, pair.k2, pair.code2, s2.seq_no, s2.date, s2.start_time, s2.end_time
        FROM pair JOIN session s1 ON s1.class_id = pair.k1
        JOIN session s2 ON s2.class_id = pair.k2 AND s2.date = s1.date
             AND s2.start_time < s1.end_time AND s1.start_time < s2.end_time
        JOIN attendance a1 ON a1.session_id = s1.id AND a1.enrolment_id = pair.e1
        JOIN attendance a2 ON a2.session_id = s2.id AND a2.enrolment_id = pair.e2
        JOIN person p ON p.id = pair.person_id
        WHERE a1.status IN ('present', 'late') AND a2.status IN ('present', 'late')
        ORDER BY pair.code1, s1.seq_no, p.name""", class_ids)


def sign_in_groups(db: Database, class_ids: Sequence[str], *, minimum: int,
                   offset_hours: int) -> list[tuple]:
    """One pass over the batch's sign-ins, grouped by session and second:
    (session_id, class_id, seq_no, date, second, count, other_day), kept where
    *minimum* or more marks share the second or some are on another day.

    ``other_day``: sign-ins whose local date (UTC + *offset_hours*) is not the
    session's date, or that cannot be read. The cheap test first: a UTC text
    outside the session day's UTC bounds (compared as text); only those rows are
    parsed with ``date()``.
    """
    return _run(db, f"""
        WITH s AS (
            SELECT id, class_id, seq_no, date,
                   strftime('%Y-%m-%dT%H:%M:%S', date, -:offset || ' hours') AS lo,
                   strftime('%Y-%m-%dT%H:%M:%S', date, (24 - :offset) || ' hours') AS hi
            FROM session WHERE class_id IN {_BATCH})
        SELECT s.id, s.class_id, s.seq_no, s.date, substr(a.sign_in, 1, 19) AS second,
               count(*) AS n,
               sum(NOT (a.sign_in >= s.lo AND a.sign_in < s.hi)
                   AND coalesce(date(a.sign_in, :offset || ' hours'), '') <> s.date) AS other
        FROM s JOIN attendance a ON a.session_id = s.id
        WHERE a.sign_in IS NOT NULL AND a.sign_in <> ''
        GROUP BY s.id, second HAVING n >= :minimum OR other > 0
        ORDER BY s.class_id, s.seq_no, second""", class_ids, minimum=minimum,
                offset=offset_hours)


def sessions_outside_dates(db: Database, class_ids: Sequence[str]) -> list[tuple]:
    """(session_id, class_id, seq_no, date, start_date, end_date) of sessions
    dated outside their class."""
    return _run(db, f"""
        SELECT s.id, s.class_id, s.seq_no, s.date, c.start_date, c.end_date
        FROM session s JOIN training_class c ON c.id = s.class_id
        WHERE s.class_id IN {_BATCH} AND (s.date < c.start_date OR s.date > c.end_date)
        ORDER BY s.class_id, s.seq_no""", class_ids)


def unmarked_sessions(db: Database, class_ids: Sequence[str], states: Sequence[str],
                      today: str) -> list[tuple]:
    """(session_id, class_id, seq_no, date, missing) of sessions on or before
    *today*, in classes in *states*, lacking a mark for some enrolled trainee."""
    return _run(db, f"""
        WITH enrolled AS (
            SELECT class_id, count(*) AS n FROM enrolment
            WHERE class_id IN {_BATCH} AND status = 'enrolled' GROUP BY class_id)
        SELECT s.id, s.class_id, s.seq_no, s.date, en.n - (
                 SELECT count(*) FROM attendance a JOIN enrolment e ON e.id = a.enrolment_id
                 WHERE a.session_id = s.id AND e.class_id = s.class_id
                   AND e.status = 'enrolled') AS missing
        FROM enrolled en JOIN training_class c ON c.id = en.class_id
        JOIN session s ON s.class_id = en.class_id AND s.date <= :today
        WHERE c.state IN (SELECT value FROM json_each(:states)) AND missing > 0
        ORDER BY s.class_id, s.seq_no""",
                class_ids, states=json.dumps(list(states)), today=today)


def certificates_before_end(db: Database, class_ids: Sequence[str]) -> list[tuple]:
    """(certificate_id, class_id, person_id, name, id_number, issue_date, end_date)."""
    return _run(db, f"""
        SELECT cert.id, e.class_id, {_PERSON}, cert.issue_date, c.end_date
        FROM certificate cert JOIN enrolment e ON e.id = cert.enrolment_id
        JOIN training_class c ON c.id = e.class_id JOIN person p ON p.id = e.person_id
        WHERE e.class_id IN {_BATCH} AND cert.issue_date < c.end_date
        ORDER BY e.class_id, cert.issue_date""", class_ids)


def roster_changes(db: Database, class_ids: Sequence[str]) -> list[tuple]:
    """(change_id, class_id, enrolment_id, person_id, name, id_number, action,
    reason, at) of the roster changes after filing."""
    return _run(db, f"""
        SELECT ch.id, ch.class_id, ch.enrolment_id, {_PERSON}, ch.action, ch.reason, ch.at
        FROM enrolment_change ch JOIN person p ON p.id = ch.person_id
        WHERE ch.class_id IN {_BATCH} ORDER BY ch.class_id, ch.at""", class_ids)
