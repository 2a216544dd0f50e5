"""The audit trail (issue 9): verify the hash chain of the operation log, list its
entries with filters (newest first, keyset-paged), export them to .xlsx.

The chain itself is written by ``storage/audit.py`` on every append; see
docs/architecture.md, "Audit trail (issue 9)".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.core.report_data import mask_phone
from skilldesk.core.roster_export import FileInUse
from skilldesk.errors import UsageError
from skilldesk.export import tabular
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.storage import audit as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

PAGE_SIZE = 200
# Dates are the institution's (China Standard Time); ``at`` is stored in UTC.
LOCAL = dt.timezone(dt.timedelta(hours=8))
_MAX_CELL = 32_000  # below Excel's 32,767 characters a cell


@dataclass(frozen=True)
class AuditFilter:
    """``subject``: an ID number, class code or record id; matches the record's own
    entries, those whose before/after JSON mentions it, and a person's enrolments.
    ``since``/``until``: local dates, both included."""
    subject: str = ""
    entity: str = ""
    user: str | None = None
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user_name: str
    device_id: str
    action: str
    entity: str
    entity_id: str
    before_json: str | None
    after_json: str | None
    prev_hash: str | None
    hash: str | None

    @property
    def id(self) -> int:  # the row key of the GUI's list models
        return self.seq

    @property
    def local_time(self) -> str:
        return local_time(self.at)

    def changes(self) -> str:
        """What changed, short: ``field: before → after`` for the fields that differ."""
        return describe(self.before_json, self.after_json)

    def as_dict(self) -> dict:
        return {"seq": self.seq, "at": self.at, "user_name": self.user_name,
                "device_id": self.device_id, "action": self.action, "entity": self.entity,
                "entity_id": self.entity_id, "before": _load(self.before_json),
                "after": _load(self.after_json), "prev_hash": self.prev_hash,
                "hash": self.hash}


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditEntry, ...]
    next_cursor: int | None  # pass as ``before`` for the next (older) page


def local_time(at: str) -> str:
    """``2026-11-26T02:30:00.123Z`` -> ``2026-11-26 10:30:00`` (China Standard Time)."""
    try:
        moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    if moment.tzinfo is None:
        return at
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S")


def _utc_bound(day: dt.date) -> str:
    start = dt.datetime.combine(day, dt.time(), LOCAL).astimezone(dt.timezone.utc)
    return start.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _load(text: str | None):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


#: Personal numbers are masked in the list as everywhere else (the full entry, with its
#: hash, is in the export for an administrator and in the database).
_MASKS = {"id_number": mask_id_number, "phone": mask_phone,
          "bank_account": lambda v: ("****" + v[-4:]) if len(v) > 4 else "****"}


def _shown(key: str, value) -> str:
    if key in _MASKS and isinstance(value, str) and len(value) >= 7:
        return _MASKS[key](value)
    return _short(value)


def describe(before_json: str | None, after_json: str | None) -> str:
    before, after = _load(before_json), _load(after_json)
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
        return "; ".join(f"{k}: {_shown(k, before.get(k, ''))} → {_shown(k, after.get(k, ''))}"
                         for k in keys)
    shown = after if after is not None else before
    if isinstance(shown, dict):
        return "; ".join(f"{k}: {_shown(k, v)}" for k, v in sorted(shown.items()))
    return "" if shown is None else _short(shown)


def _entry(row: tuple) -> AuditEntry:
    return AuditEntry(*row)


# (key, header msgid, kind): the columns of the exported audit trail
EXPORT_COLUMNS: list[tuple[str, str, str]] = [
    ("seq", N_("No."), "integer"),
    ("time", N_("Time"), "text"),
    ("user_name", N_("User"), "text"),
    ("device_id", N_("Device"), "text"),
    ("action", N_("Action"), "text"),
    ("entity", N_("Record type"), "text"),
    ("entity_id", N_("Record id"), "text"),
    ("changes", N_("Changes"), "text"),
    ("before_json", N_("Before (JSON)"), "text"),
    ("after_json", N_("After (JSON)"), "text"),
    ("hash", N_("Hash"), "text"),
]


def _cell(text: str | None) -> str | None:
    if text is None or len(text) <= _MAX_CELL:
        return text
    return text[:_MAX_CELL] + "…"


class AuditService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- the chain ---------------------------------------------------------------------

    def verify(self, progress: Progress | None = None) -> dict:
        """``{"entries": n, "valid": bool, "first_bad": None | seq}`` (see storage.audit)."""
        progress = progress or NullProgress()
        progress.update(0, 0, _("Verifying the audit trail"))
        return sql.verify(self._desk.db, check=progress.check)

    # -- listing -----------------------------------------------------------------------

    def _filter(self, f: AuditFilter) -> sql.Filter:
        if f.since and f.until and f.since > f.until:
            raise UsageError(N_("The start date {since} is after the end date {until}."),
                             since=f.since.isoformat(), until=f.until.isoformat())
        terms: tuple[str, ...] = ()
        subject = f.subject.strip()
        if subject:
            db = self._desk.db
            found = sql.subject_ids(db, subject.upper()) or sql.subject_ids(db, subject)
            people = sql.enrolment_ids(db, found)
            terms = tuple(dict.fromkeys([subject, *found, *people]))
        return sql.Filter(
            terms=terms, entity=f.entity or None, user=f.user, action=f.action or None,
            since=_utc_bound(f.since) if f.since else None,
            until=_utc_bound(f.until + dt.timedelta(days=1)) if f.until else None)

    def entries(self, f: AuditFilter | None = None, *, before: int | None = None,
                limit: int = PAGE_SIZE) -> AuditPage:
        """A page of entries matching *f*, newest first; ``before``: the previous
        page's ``next_cursor``."""
        rows = sql.page(self._desk.db, self._filter(f or AuditFilter()), before=before,
                        limit=limit)
        entries = tuple(_entry(r) for r in rows)
        return AuditPage(entries, entries[-1].seq if len(entries) == limit else None)

    def iter_entries(self, f: AuditFilter | None = None) -> Iterator[AuditEntry]:
        for row in sql.iter_matching(self._desk.db, self._filter(f or AuditFilter())):
            yield _entry(row)

    def users(self) -> list[str]:
        return sql.users(self._desk.db)

    def actions(self) -> list[str]:
        return sql.actions(self._desk.db)

    # -- export ------------------------------------------------------------------------

    def export(self, path: str | Path, f: AuditFilter | None = None,
               progress: Progress | None = None) -> int:
        """Write the matching entries, newest first, to an .xlsx file; return how many."""
        progress = progress or NullProgress()
        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise UsageError(N_("The audit trail is exported to .xlsx; “{path}” is not one."),
                             path=str(path))
        columns = [tabular.Column(key, _(title), kind) for key, title, kind in EXPORT_COLUMNS]

        def rows() -> Iterator[dict]:
            for entry in self.iter_entries(f):
                yield {"seq": entry.seq, "time": entry.local_time,
                       "user_name": entry.user_name, "device_id": entry.device_id,
                       "action": entry.action, "entity": entry.entity,
                       "entity_id": entry.entity_id, "changes": _cell(entry.changes()),
                       "before_json": _cell(entry.before_json),
                       "after_json": _cell(entry.after_json), "hash": entry.hash}

        progress.update(0, 0, _("Exporting"))
        try:
            return tabular.write_xlsx(path, columns, rows(), sheet_name=_("Audit trail")[:31],
                                      title=_("Audit trail"), check=progress.check)
        except PermissionError as exc:
            raise FileInUse(path=str(path), detail=str(exc)) from exc
