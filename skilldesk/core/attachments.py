"""Attachments: scanned sign-in sheets, plans, inspection photos, evidence.

Stored content-addressed by SHA-256 inside the institution's database (one
copy per distinct file however often it is attached), linked to the records
they document.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.storage import outcomes as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

MAX_BYTES = 50 * 1024 * 1024
ENTITIES = frozenset({"class", "session", "inspection", "enrolment", "followup", "person"})


class AttachmentTooLarge(SkilldeskError):
    code = "E_ATTACHMENT_TOO_LARGE"
    default_msgid = N_("{name} is {size_mb} MB; attachments can be at most {max_mb} MB. "
                       "Scan at a lower resolution or split the file.")


class AttachmentUnreadable(SkilldeskError):
    code = "E_ATTACHMENT_UNREADABLE"
    default_msgid = N_("{name} could not be read ({reason}).")


class AttachmentService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def add(self, entity: str, entity_id: str, path: str | Path, *, role: str = "") -> Changes:
        """Attach the file at *path* to a record (the same file twice is kept once)."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise AttachmentTooLarge(name=path.name, size_mb=round(size / 2**20, 1),
                                         max_mb=MAX_BYTES // 2**20)
            data = path.read_bytes()
        except OSError as exc:
            raise AttachmentUnreadable(name=path.name, reason=exc.strerror or str(exc)) from None
        return self.add_bytes(entity, entity_id, data, name=path.name, role=role)

    def add_bytes(self, entity: str, entity_id: str, data: bytes, *, name: str,
                  role: str = "") -> Changes:
        if entity not in ENTITIES:
            raise ValueError(f"unknown entity {entity!r}")
        if len(data) > MAX_BYTES:
            raise AttachmentTooLarge(name=name, size_mb=round(len(data) / 2**20, 1),
                                     max_mb=MAX_BYTES // 2**20)
        digest = hashlib.sha256(data).hexdigest()
        desk = self._desk
        with desk.write() as now:
            attachment_id = sql.attachment_by_sha(desk.db, digest)
            if attachment_id is None:
                attachment_id = clock.new_id()
                media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                sql.insert_attachment(desk.db, {
                    "id": attachment_id, "sha256": digest, "size": len(data),
                    "media_type": media_type, "original_name": name, "stored_at": now,
                    "device_id": desk.device_id}, data)
            link_id = clock.new_id()
            if sql.link_attachment(desk.db, {
                    "id": link_id, "attachment_id": attachment_id, "entity": entity,
                    "entity_id": entity_id, "role": role, "created_at": now,
                    "device_id": desk.device_id}):
                desk.log(now, "attach", entity, entity_id, None,
                         {"attachment_id": attachment_id, "sha256": digest, "name": name,
                          "role": role, "link_id": link_id})
        return Changes(classes=True, ids=(attachment_id,))

    def list(self, entity: str, entity_id: str) -> list[dict]:
        return sql.attachments_of(self._desk.db, entity, entity_id)

    def data(self, attachment_id: str) -> tuple[dict, bytes]:
        found = sql.attachment_data(self._desk.db, attachment_id)
        if found is None:
            raise NotFound()
        meta, data = found
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise AttachmentUnreadable(name=meta["original_name"],
                                       reason="its content does not match its SHA-256")
        return meta, data

    def save_to(self, attachment_id: str, path: str | Path) -> Path:
        _meta, data = self.data(attachment_id)
        path = Path(path)
        path.write_bytes(data)
        return path

    def remove(self, entity: str, entity_id: str, link_id: str) -> Changes:
        desk = self._desk
        with desk.write() as now:
            sql.unlink_attachment(desk.db, link_id)
            desk.log(now, "detach", entity, entity_id, {"link_id": link_id}, None)
        return Changes(classes=True)
