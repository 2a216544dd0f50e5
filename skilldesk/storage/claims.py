"""SQL of subsidy claims (补贴申领): the claim, its classes, lines and excluded trainees,
package sequence numbers, and what a package carries about each line."""

from __future__ import annotations

from typing import Iterable
from typing import Sequence

from sqlite_utils import Database

from skilldesk.storage.rows import update_row

CLAIM_COLUMNS = (
    "id", "claim_no", "version", "supersedes_id", "state", "rule_set", "total_fen",
    "approved_fen", "package_seq", "manifest_sha256", "prev_manifest_sha256", "signed_at",
    "submitted_on", "decided_on", "decision_sha256", "paid_on", "paid_fen", "created_at",
    "updated_at", "device_id",
)
LINE_COLUMNS = (
    "id", "claim_id", "enrolment_id", "person_id", "category", "payee", "amount_fen",
    "decision", "approved_fen", "decision_reason", "created_at", "updated_at", "device_id",
    "kind",
)
EXCLUDED_COLUMNS = ("claim_id", "enrolment_id", "person_id", "category", "reasons")

_SELECT_CLAIM = (
    f"SELECT {', '.join(CLAIM_COLUMNS)}, "
    "(SELECT n.id FROM claim n WHERE n.supersedes_id = claim.id) AS superseded_by FROM claim")


def _claim(row: tuple | None) -> dict | None:
    return None if row is None else dict(zip((*CLAIM_COLUMNS, "superseded_by"), row))


# -- numbers ---------------------------------------------------------------------------


def last_number(db: Database, prefix: str) -> int:
    """The highest 4-digit sequence among claim numbers ``<prefix>NNNN`` (0: none)."""
    row = db.execute(
        "SELECT max(CAST(substr(claim_no, ?) AS INTEGER)) FROM claim WHERE claim_no LIKE ?",
        [len(prefix) + 1, prefix + "%"]).fetchone()
    return row[0] or 0


def last_package(db: Database) -> tuple[int, str | None]:
    """(sequence, manifest SHA-256) of the newest package this institution signed; (0, None)."""
    row = db.execute(
        "SELECT package_seq, manifest_sha256 FROM claim WHERE package_seq IS NOT NULL "
        "ORDER BY package_seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, None)


# -- writing ---------------------------------------------------------------------------


def insert_claim(db: Database, record: dict) -> None:
    db.table("claim").insert(record)


def update_claim(db: Database, claim_id: str, fields: dict) -> None:
    update_row(db, "claim", claim_id, fields)


def insert_classes(db: Database, claim_id: str, class_ids: Iterable[str]) -> None:
    db.conn.executemany("INSERT INTO claim_class (claim_id, class_id) VALUES (?, ?)",
                        [(claim_id, cid) for cid in class_ids])


def insert_lines(db: Database, rows: Sequence[Sequence[object]]) -> None:
    """Lines given in the order of ``LINE_COLUMNS``."""
    marks = ", ".join("?" * len(LINE_COLUMNS))
    db.conn.executemany(
        f"INSERT INTO claim_line ({', '.join(LINE_COLUMNS)}) VALUES ({marks})", rows)


def insert_excluded(db: Database, rows: Sequence[Sequence[object]]) -> None:
    """Excluded trainees given in the order of ``EXCLUDED_COLUMNS``."""
    marks = ", ".join("?" * len(EXCLUDED_COLUMNS))
    db.conn.executemany(
        f"INSERT INTO claim_excluded ({', '.join(EXCLUDED_COLUMNS)}) VALUES ({marks})", rows)


def copy_children(db: Database, old_id: str, new_id: str, now: str, device_id: str,
                  new_ids: Sequence[str]) -> None:
    """Copy the classes, lines (without the bureau's decision) and excluded trainees of
    claim *old_id* to *new_id*; *new_ids* gives a fresh id to each line in rowid order."""
    db.execute("INSERT INTO claim_class (claim_id, class_id) "
               "SELECT ?, class_id FROM claim_class WHERE claim_id = ?", [new_id, old_id])
    lines = db.execute(
        "SELECT enrolment_id, person_id, category, payee, amount_fen, kind FROM claim_line "
        "WHERE claim_id = ? ORDER BY rowid", [old_id]).fetchall()
    insert_lines(db, [(line_id, new_id, *line[:5], None, None, "", now, now, device_id, line[5])
                      for line_id, line in zip(new_ids, lines)])
    db.execute("INSERT INTO claim_excluded (claim_id, enrolment_id, person_id, category, reasons) "
               "SELECT ?, enrolment_id, person_id, category, reasons FROM claim_excluded "
               "WHERE claim_id = ?", [new_id, old_id])


def line_count(db: Database, claim_id: str) -> int:
    return db.execute("SELECT count(*) FROM claim_line WHERE claim_id = ?",
                      [claim_id]).fetchone()[0]


def update_line(db: Database, line_id: str, fields: dict) -> None:
    update_row(db, "claim_line", line_id, fields)


def delete_line(db: Database, line_id: str) -> None:
    db.execute("DELETE FROM claim_line WHERE id = ?", [line_id])


def set_class_states(db: Database, class_ids: Sequence[str], state: str, now: str,
                     device_id: str) -> None:
    db.conn.executemany(
        "UPDATE training_class SET state = ?, updated_at = ?, device_id = ? WHERE id = ?",
        [(state, now, device_id, cid) for cid in class_ids])


def insert_transitions(db: Database, rows: Sequence[dict]) -> None:
    db.table("class_transition").insert_all(rows)


# -- reading ---------------------------------------------------------------------------


def claim_by_no(db: Database, claim_no: str, version: int | None = None) -> dict | None:
    """The claim *claim_no* (its newest version unless *version* is given), or None."""
    if version is None:
        row = db.execute(f"{_SELECT_CLAIM} WHERE claim_no = ? ORDER BY version DESC LIMIT 1",
                         [claim_no]).fetchone()
    else:
        row = db.execute(f"{_SELECT_CLAIM} WHERE claim_no = ? AND version = ?",
                         [claim_no, version]).fetchone()
    return _claim(row)


def versions(db: Database, claim_no: str) -> list[dict]:
    return [_claim(r) for r in db.execute(
        f"{_SELECT_CLAIM} WHERE claim_no = ? ORDER BY version", [claim_no]).fetchall()]


def list_claims(db: Database) -> list[dict]:
    return [_claim(r) for r in db.execute(
        f"{_SELECT_CLAIM} ORDER BY claim_no DESC, version DESC").fetchall()]


def classes_of(db: Database, claim_id: str) -> list[dict]:
    columns = ("id", "code", "name", "state", "training_type", "occupation_code",
               "occupation_name", "level", "start_date", "end_date")
    return [dict(zip(columns, r)) for r in db.execute(
        f"SELECT {', '.join('c.' + c for c in columns)} FROM claim_class cc "
        "JOIN training_class c ON c.id = cc.class_id WHERE cc.claim_id = ? ORDER BY c.code",
        [claim_id]).fetchall()]


def lines_of(db: Database, claim_id: str) -> list[dict]:
    """The claim's lines with the trainee's name and ID number and the class, by class and
    ID number."""
    columns = ("id", "enrolment_id", "person_id", "category", "payee", "amount_fen",
               "decision", "approved_fen", "decision_reason", "kind", "name", "id_number",
               "class_id", "class_code")
    return [dict(zip(columns, r)) for r in db.execute(
        "SELECT l.id, l.enrolment_id, l.person_id, l.category, l.payee, l.amount_fen, "
        "l.decision, l.approved_fen, l.decision_reason, l.kind, p.name, p.id_number, c.id, "
        "c.code "
        "FROM claim_line l JOIN person p ON p.id = l.person_id "
        "JOIN enrolment e ON e.id = l.enrolment_id JOIN training_class c ON c.id = e.class_id "
        "WHERE l.claim_id = ? ORDER BY c.code, p.id_number", [claim_id]).fetchall()]


def excluded_of(db: Database, claim_id: str) -> list[dict]:
    columns = ("enrolment_id", "person_id", "category", "reasons", "name", "id_number",
               "class_code")
    return [dict(zip(columns, r)) for r in db.execute(
        "SELECT x.enrolment_id, x.person_id, x.category, x.reasons, p.name, p.id_number, c.code "
        "FROM claim_excluded x JOIN person p ON p.id = x.person_id "
        "JOIN enrolment e ON e.id = x.enrolment_id JOIN training_class c ON c.id = e.class_id "
        "WHERE x.claim_id = ? ORDER BY c.code, p.id_number", [claim_id]).fetchall()]


def open_claims_of_classes(db: Database, class_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(class code, claim number) for each class already in a claim that is neither
    superseded by a newer version nor rejected."""
    marks = ", ".join("?" * len(class_ids))
    return db.execute(
        "SELECT c.code, k.claim_no FROM claim_class cc JOIN claim k ON k.id = cc.claim_id "
        "JOIN training_class c ON c.id = cc.class_id "
        f"WHERE cc.class_id IN ({marks}) AND k.state != 'rejected' "
        "AND NOT EXISTS (SELECT 1 FROM claim n WHERE n.supersedes_id = k.id)",
        list(class_ids)).fetchall()


def attendance_of(db: Database, claim_id: str) -> list[dict]:
    """Per claimed line: sessions, periods scheduled and periods credited (present/late)."""
    columns = ("enrolment_id", "sessions", "periods", "credited_periods")
    return [dict(zip(columns, r)) for r in db.execute(
        "SELECT l.enrolment_id, count(s.id), coalesce(sum(s.periods), 0), "
        "coalesce(sum(CASE WHEN a.status IN ('present','late') THEN s.periods END), 0) "
        "FROM claim_line l JOIN enrolment e ON e.id = l.enrolment_id "
        "LEFT JOIN session s ON s.class_id = e.class_id "
        "LEFT JOIN attendance a ON a.session_id = s.id AND a.enrolment_id = e.id "
        "WHERE l.claim_id = ? GROUP BY l.enrolment_id ORDER BY l.enrolment_id",
        [claim_id]).fetchall()]


def results_of(db: Database, claim_id: str) -> list[dict]:
    """Per claimed line: the assessment result and the certificate(s) held from the class."""
    columns = ("enrolment_id", "result", "theory_score", "practice_score", "cert_type",
               "cert_number", "cert_level", "issue_date")
    return [dict(zip(columns, r)) for r in db.execute(
        "SELECT e.id, e.result, e.theory_score, e.practice_score, t.cert_type, t.cert_number, "
        "t.level, t.issue_date FROM claim_line l JOIN enrolment e ON e.id = l.enrolment_id "
        "LEFT JOIN certificate t ON t.enrolment_id = e.id "
        "WHERE l.claim_id = ? ORDER BY e.id, t.cert_number", [claim_id]).fetchall()]


def history_facts(db: Database, claim_id: str) -> dict[str, dict]:
    """enrolment id -> the class facts a subsidy history record needs."""
    return {r[0]: {"training_type": r[1], "occupation_code": r[2] or r[3], "level": r[4]}
            for r in db.execute(
                "SELECT e.id, c.training_type, c.occupation_code, c.occupation_name, c.level "
                "FROM claim_line l JOIN enrolment e ON e.id = l.enrolment_id "
                "JOIN training_class c ON c.id = e.class_id WHERE l.claim_id = ?",
                [claim_id]).fetchall()}


def people_by_id_number(db: Database, id_numbers: Iterable[str]) -> dict[str, str]:
    """id_number -> person id for the stored people among *id_numbers*."""
    wanted = list(dict.fromkeys(id_numbers))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for person_id, id_number in db.execute(
                f"SELECT id, id_number FROM person WHERE id_number IN ({marks})", chunk):
            found[id_number] = person_id
    return found
