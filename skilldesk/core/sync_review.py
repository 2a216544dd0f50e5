"""What a person sees of synchronisation: record labels, the conflicts to decide, the
data kept aside, receipts (screen and PDF)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import sync_state as st
from skilldesk.core.changes import Changes
from skilldesk.errors import NotFound
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.storage import sync as sql
from skilldesk.storage import sync_rows

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

TABLE_LABELS = {
    "institution": N_("Institution"), "catalogue": N_("Catalogue"),
    "catalogue_item": N_("Catalogue entry"), "attachment": N_("Attachment"),
    "person": N_("Trainee"), "person_category": N_("Trainee category"),
    "subsidy_history": N_("Subsidy received"), "training_class": N_("Class"),
    "class_teacher": N_("Teacher"), "class_transition": N_("Class state change"),
    "roster_snapshot": N_("Filed roster"), "enrolment": N_("Enrolment"),
    "enrolment_change": N_("Roster change"), "session": N_("Session"),
    "attendance": N_("Attendance"), "inspection": N_("Inspection"),
    "certificate": N_("Certificate"), "employment_followup": N_("Employment follow-up"),
    "attachment_link": N_("Attachment link"),
}
FIELD_LABELS = {
    "name": N_("Name"), "phone": N_("Mobile"), "id_number": N_("ID number"),
    "hukou_address": N_("Household address"), "education": N_("Education"),
    "employer": N_("Employer"), "bank_account": N_("Bank account"), "notes": N_("Notes"),
    "status": N_("Status"), "result": N_("Result"), "date": N_("Date"),
    "venue": N_("Venue"), "state": N_("State"), "start_date": N_("Start date"),
    "end_date": N_("End date"), "teacher": N_("Teacher"), "topic": N_("Topic"),
    "cert_number": N_("Certificate number"), "sign_in": N_("Sign-in time"),
    "method": N_("Method"), "findings": N_("Findings"), "employer_uscc": N_("Employer USCC"),
}
LOST_KINDS = {
    "deleted_there": N_("Deleted on the other device while changed here"),
    "deleted_here": N_("Changed on the other device after it was deleted here"),
    "orphan": N_("Belongs to a record that was deleted"),
    "kept": N_("Deleted on the other device, kept here because a claim refers to it"),
    "unique": N_("Could not be stored: a value that must be unique is taken here"),
}


@dataclass(frozen=True)
class Option:
    value: object
    device_id: str
    device: str
    user: str
    at: str
    is_here: bool


@dataclass(frozen=True)
class Conflict:
    key: str
    table: str
    table_label: str
    row_id: str
    record: str
    field: str
    field_label: str
    current: object
    options: tuple[Option, ...]

    def as_json(self) -> dict:
        return {"key": self.key, "table": self.table, "record": self.record,
                "row_id": self.row_id, "field": self.field, "current": self.current,
                "options": [o.__dict__ for o in self.options]}


@dataclass(frozen=True)
class LostItem:
    id: int
    kind: str
    kind_label: str
    table: str
    table_label: str
    row_id: str
    record: str
    data: dict
    detail: dict
    detected_at: str

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in ("id", "kind", "table", "row_id", "record",
                                              "data", "detail", "detected_at")}


def device_names(desk: Desk) -> dict[str, str]:
    names = {p["device_id"]: p["name"] for p in sql.peers(desk.db)}
    ident = sql.identity(desk.db)
    if ident:
        names[ident["device_id"]] = ident["name"]
    return names


def describe(desk: Desk, table: str, row: dict | None, row_id: str) -> str:
    """A record as a clerk recognises it (ID numbers masked)."""
    row = row or {}

    def get(tbl: str, row_id: str | None) -> dict | None:
        return None if row_id is None else sync_rows.get_row(
            desk.db, desk.sync.shapes().tables[tbl], row_id)

    if table == "person" and row.get("name"):
        return f"{row['name']} {mask_id_number(row.get('id_number') or '')}".strip()
    if table == "training_class" and row.get("code"):
        return f"{row['code']} {row.get('name') or ''}".strip()
    if table == "enrolment" and row.get("person_id"):
        person = get("person", row["person_id"]) or {}
        klass = get("training_class", row.get("class_id")) or {}
        return f"{person.get('name', '?')} @ {klass.get('code', '?')}"
    if table == "session" and row.get("class_id"):
        klass = get("training_class", row["class_id"]) or {}
        return _("{code} session {n} ({date})").format(
            code=klass.get("code", "?"), n=row.get("seq_no"), date=row.get("date"))
    if table == "attendance" and row.get("enrolment_id"):
        enrolment = get("enrolment", row["enrolment_id"])
        session = get("session", row.get("session_id")) or {}
        return (describe(desk, "enrolment", enrolment, row["enrolment_id"])
                + f" · {session.get('date', '?')}")
    if table == "certificate" and row.get("cert_number"):
        return row["cert_number"]
    return f"{_(TABLE_LABELS.get(table, table))} {row_id[:8]}"


def conflicts(desk: Desk) -> list[Conflict]:
    names = device_names(desk)
    here = desk.device_id
    out = []
    for tbl, row_id, field, _established, raw in sql.open_siblings(desk.db):
        siblings = [st.Sibling((o, s), v, at, u) for o, s, at, u, v in json.loads(raw)]
        if not st.in_conflict(siblings):
            continue
        shape = desk.sync.shapes().tables[tbl]
        row = sync_rows.get_row(desk.db, shape, row_id)
        if row is None:
            continue
        options = tuple(Option(s.value, s.dot[0], names.get(s.dot[0], s.dot[0][:8]), s.user,
                               s.at, s.dot[0] == here)
                        for s in sorted(siblings, key=lambda s: (s.dot[0] != here, s.at)))
        out.append(Conflict(f"{tbl}/{row_id}/{field}", tbl, _(TABLE_LABELS.get(tbl, tbl)),
                            row_id, describe(desk, tbl, row, row_id), field,
                            _(FIELD_LABELS.get(field, field)), row.get(field), options))
    return out


def resolve(desk: Desk, key: str, value: object) -> Changes:
    """Keep *value* for the field: a change made here, which every device then takes."""
    match = [c for c in conflicts(desk) if c.key == key]
    if not match:
        raise NotFound(N_("There is no open conflict {key}."), key=key)
    conflict = match[0]
    shape = desk.sync.shapes().tables[conflict.table]
    with desk.write() as now:
        sql.set_user(desk.db, desk.user_name)
        before = sql.last_local_seq(desk.db)
        sync_rows.update_row(desk.db, shape, conflict.row_id,
                             {conflict.field: value, **_touch(shape, now, desk.device_id)})
        if not sql.touched_since(desk.db, conflict.table, conflict.row_id, conflict.field,
                                 before):
            # the value kept is the one shown: still a decision the others must take
            sql.record_change(desk.db, tbl=conflict.table, row_id=conflict.row_id,
                              fields=f",{conflict.field},", origin=None, origin_seq=None,
                              at=now, user_name=desk.user_name)
        sql.drop_siblings(desk.db, conflict.table, conflict.row_id, conflict.field)
        desk.log(now, "resolve", conflict.table, conflict.row_id,
                 {conflict.field: [o.value for o in conflict.options]},
                 {conflict.field: value})
    return Changes(people=conflict.table.startswith("person"),
                   classes=not conflict.table.startswith("person"), settings=True,
                   ids=(conflict.row_id,))


def _touch(shape, now: str, device_id: str) -> dict:
    out = {}
    if "updated_at" in shape.columns:
        out["updated_at"] = now
    if "device_id" in shape.columns:
        out["device_id"] = device_id
    return out


def lost(desk: Desk) -> list[LostItem]:
    out = []
    for lid, tbl, row_id, kind, data, detail, _bundle, at, _r, _by in sql.lost_items(desk.db):
        values = json.loads(data)
        out.append(LostItem(lid, kind, _(LOST_KINDS.get(kind, kind)), tbl,
                            _(TABLE_LABELS.get(tbl, tbl)), row_id,
                            describe(desk, tbl, values, row_id), values, json.loads(detail),
                            at))
    return out


def dismiss(desk: Desk, lost_id: int) -> Changes:
    with desk.write() as now:
        if not sql.resolve_lost(desk.db, lost_id, now, desk.user_name):
            raise NotFound(N_("There is no open item {item} kept aside."), item=lost_id)
        desk.log(now, "dismiss", "sync_lost", str(lost_id), None, None)
    return Changes(settings=True)


# -- receipts ----------------------------------------------------------------------------


def receipt_data(desk: Desk, header: dict, outcome, counts: dict, manifest_sha256: str,
                 now: str) -> dict:
    """Everything the receipt shows, stored with the bundle (labels resolved later)."""
    names = device_names(desk)
    shapes = desk.sync.shapes()
    added = []
    for tbl, row_id in outcome.added[:20000]:
        row = sync_rows.get_row(desk.db, shapes.tables[tbl], row_id)
        added.append({"table": tbl, "record": describe(desk, tbl, row, row_id)})
    found = {(c.table, c.row_id, c.field): c for c in conflicts(desk)}
    listed = []
    for key in outcome.conflicts:
        c = found.get(key)
        if c is None:
            continue
        here = next((o for o in c.options if o.is_here), c.options[0])
        there = next((o for o in c.options if not o.is_here), c.options[-1])
        listed.append({"table": c.table, "record": c.record, "field": c.field,
                       "here": _option(here), "there": _option(there)})
    return {
        "bundle_id": header["bundle_id"], "bundle_no": header["bundle_no"],
        "peer_id": header["from"]["device_id"],
        "peer_name": names.get(header["from"]["device_id"], header["from"]["name"]),
        "made_at": header["made_at"], "imported_at": now, "manifest_sha256": manifest_sha256,
        "counts": counts,
        "tables": {t: c.__dict__ for t, c in sorted(outcome.tables.items())},
        "conflicts": listed, "added_records": added,
        "lost": [{"table": t, "row_id": r, "kind": k} for t, r, k in outcome.lost],
    }


def _option(o: Option) -> dict:
    return {"value": "" if o.value is None else str(o.value), "who": o.user,
            "device": o.device, "at": o.at}


#: China keeps one time zone and no daylight saving: times print as Beijing time
#: whatever the PC's own setting (stored times are UTC).
CHINA = dt.timezone(dt.timedelta(hours=8))


def _beijing(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return value
    return moment.astimezone(CHINA).isoformat(timespec="seconds") if moment.tzinfo else value


def _beijing_option(option: dict) -> dict:
    return {**option, "at": _beijing(option.get("at", ""))}


def receipt_pdf(desk: Desk, bundle_id: str, path: str | Path, *, today: dt.date) -> int:
    from skilldesk.reports.form_sync_receipt import render_sync_receipt
    from skilldesk.reports.page import Masthead

    record = sql.bundle(desk.db, bundle_id)
    if record is None or record["direction"] != "in" or record["kind"] != "data":
        raise NotFound(N_("No imported bundle {bundle} is recorded here."), bundle=bundle_id)
    saved = record["receipt"]
    peer = sql.peer(desk.db, record["peer_id"]) or {}
    me = desk.sync.device()
    institution = desk.institution.get()
    data = {
        "bundle_id": bundle_id, "bundle_no": record["bundle_no"], "direction": "in",
        "peer": {"name": peer.get("name", ""), "device_id": record["peer_id"],
                 "fingerprint": peer.get("fingerprint", ""), "role": peer.get("role", "laptop")},
        "this_device": {"name": me.name, "device_id": me.device_id,
                        "fingerprint": me.fingerprint},
        "made_at": _beijing(saved["made_at"]), "imported_at": _beijing(saved["imported_at"]),
        "manifest_sha256": saved["manifest_sha256"], "counts": saved["counts"],
        "tables": [{"label": _(TABLE_LABELS.get(t, t)), **c}
                   for t, c in saved["tables"].items()],
        "conflicts": [{**c, "table": _(TABLE_LABELS.get(c["table"], c["table"])),
                       "field": _(FIELD_LABELS.get(c["field"], c["field"])),
                       "here": _beijing_option(c["here"]), "there": _beijing_option(c["there"])}
                      for c in saved["conflicts"]],
        "added_records": [{"table": _(TABLE_LABELS.get(a["table"], a["table"])),
                           "record": a["record"]} for a in saved["added_records"]],
    }
    head = Masthead(_("Sync receipt"), institution.name if institution else "", "", "", today)
    return render_sync_receipt(head, data, path)
