"""SQL for what a class produces: inspections, results and certificates,
employment follow-ups, and attachments (content-addressed)."""

from __future__ import annotations

from sqlite_utils import Database

from skilldesk.storage.rows import update_row

# -- inspections -----------------------------------------------------------------------

INSPECTION_COLUMNS = ("id", "date", "inspector", "method", "findings", "result")


def inspections_of(db: Database, class_id: str) -> list[dict]:
    return [dict(zip(INSPECTION_COLUMNS, r)) for r in db.execute(
        f"SELECT {', '.join(INSPECTION_COLUMNS)} FROM inspection WHERE class_id = ? "
        "ORDER BY date, rowid", [class_id])]


def inspection(db: Database, inspection_id: str) -> dict | None:
    row = db.execute(f"SELECT {', '.join(INSPECTION_COLUMNS)}, class_id FROM inspection "
                     "WHERE id = ?", [inspection_id]).fetchone()
    return None if row is None else dict(zip((*INSPECTION_COLUMNS, "class_id"), row))


def insert_inspection(db: Database, record: dict) -> None:
    db.table("inspection").insert(record)


def update_inspection(db: Database, inspection_id: str, fields: dict) -> None:
    update_row(db, "inspection", inspection_id, fields)


def delete_inspection(db: Database, inspection_id: str) -> None:
    db.execute("DELETE FROM inspection WHERE id = ?", [inspection_id])


# -- certificates ----------------------------------------------------------------------

CERT_COLUMNS = ("id", "enrolment_id", "cert_type", "cert_number", "level", "issue_date",
                "issuing_body")


def certificates_of_class(db: Database, class_id: str) -> list[dict]:
    return [dict(zip(CERT_COLUMNS, r)) for r in db.execute(
        "SELECT c.id, c.enrolment_id, c.cert_type, c.cert_number, c.level, c.issue_date, "
        "c.issuing_body FROM certificate c JOIN enrolment e ON e.id = c.enrolment_id "
        "WHERE e.class_id = ?", [class_id])]


def certificate_of(db: Database, enrolment_id: str) -> dict | None:
    row = db.execute(f"SELECT {', '.join(CERT_COLUMNS)} FROM certificate WHERE enrolment_id = ?",
                     [enrolment_id]).fetchone()
    return None if row is None else dict(zip(CERT_COLUMNS, row))


def certificate_holder(db: Database, cert_number: str) -> tuple[str, str, str] | None:
    """(enrolment_id, person name, class code) of the certificate with this number."""
    return db.execute(
        "SELECT c.enrolment_id, p.name, k.code FROM certificate c "
        "JOIN enrolment e ON e.id = c.enrolment_id JOIN person p ON p.id = e.person_id "
        "JOIN training_class k ON k.id = e.class_id WHERE c.cert_number = ?",
        [cert_number]).fetchone()


def insert_certificate(db: Database, record: dict) -> None:
    db.table("certificate").insert(record)


def update_certificate(db: Database, certificate_id: str, fields: dict) -> None:
    update_row(db, "certificate", certificate_id, fields)


def delete_certificate(db: Database, certificate_id: str) -> None:
    db.execute("DELETE FROM certificate WHERE id = ?", [certificate_id])


# -- employment follow-up ----------------------------------------------------------------

FOLLOWUP_COLUMNS = ("id", "enrolment_id", "month_offset", "status", "employer",
                    "employer_uscc", "contract_date", "jobs_created", "recorded_on")


def followups_of_class(db: Database, class_id: str) -> list[dict]:
    return [dict(zip(FOLLOWUP_COLUMNS, r)) for r in db.execute(
        "SELECT f.id, f.enrolment_id, f.month_offset, f.status, f.employer, f.employer_uscc, "
        "f.contract_date, f.jobs_created, f.recorded_on FROM employment_followup f "
        "JOIN enrolment e ON e.id = f.enrolment_id WHERE e.class_id = ? "
        "ORDER BY f.month_offset", [class_id])]


def followup(db: Database, enrolment_id: str, month: int) -> dict | None:
    row = db.execute(
        f"SELECT {', '.join(FOLLOWUP_COLUMNS)} FROM employment_followup "
        "WHERE enrolment_id = ? AND month_offset = ?", [enrolment_id, month]).fetchone()
    return None if row is None else dict(zip(FOLLOWUP_COLUMNS, row))


def insert_followup(db: Database, record: dict) -> None:
    db.table("employment_followup").insert(record)


def update_followup(db: Database, followup_id: str, fields: dict) -> None:
    update_row(db, "employment_followup", followup_id, fields)


def completed_classes_since(db: Database, since: str) -> list[tuple[str, str, str, str]]:
    """(class id, code, name, end_date) of classes past training that ended on or after *since*."""
    return db.execute(
        "SELECT id, code, name, end_date FROM training_class WHERE end_date >= ? "
        "AND state IN ('completed','assessed','claimed','paid') ORDER BY end_date",
        [since]).fetchall()


def passed_without_followup(db: Database, class_id: str, month: int) -> list[tuple[str, str]]:
    """(enrolment id, name) of passed trainees with no follow-up for *month* yet."""
    return db.execute(
        "SELECT e.id, p.name FROM enrolment e JOIN person p ON p.id = e.person_id "
        "WHERE e.class_id = ? AND e.status = 'enrolled' AND e.result = 'pass' AND NOT EXISTS ("
        "SELECT 1 FROM employment_followup f WHERE f.enrolment_id = e.id "
        "AND f.month_offset = ?) ORDER BY e.created_at, e.rowid", [class_id, month]).fetchall()


# -- attachments -------------------------------------------------------------------------


def attachment_by_sha(db: Database, sha256: str) -> str | None:
    row = db.execute("SELECT id FROM attachment WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def insert_attachment(db: Database, record: dict, data: bytes) -> None:
    db.table("attachment").insert(record)
    db.execute("INSERT OR IGNORE INTO attachment_blob(sha256, data) VALUES (?, ?)",
               [record["sha256"], data])


def link_attachment(db: Database, record: dict) -> bool:
    """Link an attachment to a record; False if that link already exists."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO attachment_link(id, attachment_id, entity, entity_id, role, "
        "created_at, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [record[k] for k in ("id", "attachment_id", "entity", "entity_id", "role",
                             "created_at", "device_id")])
    return cursor.rowcount > 0


def unlink_attachment(db: Database, link_id: str) -> None:
    db.execute("DELETE FROM attachment_link WHERE id = ?", [link_id])


ATTACHMENT_COLUMNS = ("link_id", "attachment_id", "role", "original_name", "media_type", "size",
                      "sha256", "created_at")


def attachments_of(db: Database, entity: str, entity_id: str) -> list[dict]:
    return [dict(zip(ATTACHMENT_COLUMNS, r)) for r in db.execute(
        "SELECT l.id, a.id, l.role, a.original_name, a.media_type, a.size, a.sha256, "
        "l.created_at FROM attachment_link l JOIN attachment a ON a.id = l.attachment_id "
        "WHERE l.entity = ? AND l.entity_id = ? ORDER BY l.created_at, l.rowid",
        [entity, entity_id])]


def attachment_data(db: Database, attachment_id: str) -> tuple[dict, bytes] | None:
    row = db.execute(
        "SELECT a.original_name, a.media_type, a.size, a.sha256, b.data FROM attachment a "
        "JOIN attachment_blob b ON b.sha256 = a.sha256 WHERE a.id = ?",
        [attachment_id]).fetchone()
    if row is None:
        return None
    return dict(zip(("original_name", "media_type", "size", "sha256"), row[:4])), row[4]
