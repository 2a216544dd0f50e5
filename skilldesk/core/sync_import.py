"""Taking a bundle in: open and verify it, refuse what must be refused (each refusal
changes nothing), merge it in one transaction, record it with its receipt (docs/sync.md,
"Import")."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from skilldesk.core import sync_apply
from skilldesk.core import sync_state as st
from skilldesk.core.sync_models import VALID_DAYS
from skilldesk.core.sync_models import ImportResult
from skilldesk.core.sync_models import SyncRefused
from skilldesk.core.sync_models import crypto
from skilldesk.core.sync_models import iso
from skilldesk.i18n import N_
from skilldesk.storage import sync as sql
from skilldesk.storage import sync_rows

if TYPE_CHECKING:
    from skilldesk.core.sync import SyncService


def import_bundle(service: SyncService, data: bytes, *, progress=None) -> ImportResult:
    from skilldesk.core import sync_review  # the receipt's labels

    cj, container, _keys, _pairing = crypto()
    ident = service._identity()
    keys = service._keys()
    known = {cj.fingerprint(p["signing_key"]): p for p in sql.peers(service.db)}
    opened = container.open_bundle(
        data, recipient_device_id=ident["device_id"],
        recipient_encryption_private=keys.encryption,
        sender_public_for=lambda kid: known[kid]["signing_key"] if kid in known else None)
    peer = known[opened.sender_keyid]
    header = opened.header
    _check_header(service, peer, header)
    if header["kind"] == "receipt":
        return _take_receipt(service, peer, header, opened)
    rows = _rows(opened, service.shapes())
    _check_blobs(service, rows, opened.files)
    local_vv = service.vv()
    gaps = st.vv_gaps(local_vv, {o: s for o, s in header["base"].items()
                                 if o != ident["device_id"]})
    if gaps:
        origin, (have, needed) = sorted(gaps.items())[0]
        raise SyncRefused("E_GAP", N_(
            "Bundle no. {number} from {device} follows changes this PC has not received "
            "(from device {origin}: this PC has up to no. {have}, the bundle assumes "
            "{needed}). Import the earlier bundles from {device} first; the last one "
            "imported here was no. {last}."),
            number=header["bundle_no"], device=peer["name"], origin=origin[:8],
            have=have, needed=needed, last=peer["last_in_no"])
    if progress is not None:
        progress(0, len(rows["rows"]))
    service._desk.backups.before("import")
    with service._desk.write(bulk=True) as now:
        applier = sync_apply.Applier(
            service.db, service.shapes(), self_id=ident["device_id"], local_vv=local_vv,
            sender_vv=header["have"], dots=rows["dots"], bundle_id=header["bundle_id"],
            now=now)
        for sha, blob in opened.files.items():
            if sha.startswith("blobs/"):
                sync_rows.put_blob(service.db, sha[6:], blob)
        outcome = sync_apply.apply_rows(applier, rows["rows"], progress=progress)
        sql.add_seen(service.db, {o: s for o, s in header["have"].items()
                               if o != ident["device_id"]}, sql.last_local_seq(service.db))
        counts = outcome.totals()
        receipt = sync_review.receipt_data(service._desk, header, outcome, counts,
                                           opened.manifest_sha256, now)
        _record_in(service, peer, header, opened, now, counts, receipt, len(data))
        service._desk.log(now, "import", "sync_bundle", header["bundle_id"], None,
                       {"from": peer["device_id"], **counts})
        if progress is not None:  # the last moment a cancel still rolls everything back
            progress(len(rows["rows"]), len(rows["rows"]))
    service._desk.checkpoint()
    return ImportResult(header["bundle_id"], "data", service._peer_info(peer),
                        header["bundle_no"], counts, receipt)

def _header_problem(header: dict) -> str | None:
    checks = {
        "kind": lambda v: v in ("data", "receipt"), "bundle_id": lambda v: isinstance(v, str),
        "bundle_no": lambda v: type(v) is int and v > 0,
        "from": lambda v: isinstance(v, dict) and isinstance(v.get("device_id"), str),
        "to": lambda v: isinstance(v, dict) and isinstance(v.get("device_id"), str),
        "made_at": lambda v: isinstance(v, str), "not_after": lambda v: isinstance(v, str),
        "base": _is_vv, "have": _is_vv,
    }
    bad = [k for k, ok in checks.items() if not ok(header.get(k))]
    return f"header fields {bad}" if bad else None


def _check_header(service: SyncService, peer: dict, header: dict) -> None:
    ident = service._identity()
    problem = _header_problem(header)
    if problem is not None:
        refusal = SyncRefused("E_SEMANTIC", N_("The bundle's data cannot be read. Nothing was "
                                               "imported."))
        refusal.detail = problem
        raise refusal
    if header.get("from", {}).get("device_id") != peer["device_id"] \
            or header.get("to", {}).get("device_id") != ident["device_id"]:
        raise SyncRefused("E_FOREIGN", N_(
            "This bundle names other devices than the ones that signed and received it; "
            "it was not made for this PC. Nothing was imported."))
    if peer["unpaired_at"] is not None:
        raise SyncRefused("E_UNPAIRED", N_(
            "{device} was unpaired on {date} ({reason}); its bundles are refused. Nothing "
            "was imported."), device=peer["name"], date=peer["unpaired_at"][:10],
            reason=peer["unpair_reason"])
    inst = service._desk.institution.get()
    theirs = header.get("institution_uscc") or ""
    if inst is not None and theirs and theirs != inst.uscc:
        raise SyncRefused("E_FOREIGN", N_(
            "This bundle comes from another institution ({other}). Nothing was imported."),
            other=theirs)
    if header.get("not_after", "") < iso(dt.datetime.now(dt.timezone.utc)):
        raise SyncRefused("E_EXPIRED", N_(
            "This bundle expired on {date} (bundles are valid for {days} days). Make a new "
            "one on {device}. Nothing was imported."),
            date=header.get("not_after", "")[:10], days=VALID_DAYS, device=peer["name"])
    seen = sql.bundle(service.db, header.get("bundle_id", ""))
    if seen is not None:
        raise SyncRefused("E_REPLAY", N_(
            "This bundle (no. {number} from {device}) was already imported on {date}. "
            "Nothing was changed."), number=header.get("bundle_no"), device=peer["name"],
            date=seen["handled_at"][:10])

def _check_blobs(service: SyncService, rows: dict, files: dict) -> None:
    for record in rows["rows"]:
        if record["t"] == "attachment" and "v" in record:
            sha = record["v"].get("sha256")
            body = files.get(f"blobs/{sha}")
            if body is None and sync_rows.get_blob(service.db, sha) is None:
                raise SyncRefused("E_ATTACHMENT", N_(
                    "The bundle lists an attachment whose contents are missing. Make the "
                    "bundle again. Nothing was imported."))
            if body is not None and crypto()[0].sha256_hex(body) != sha:
                raise SyncRefused("E_ATTACHMENT", N_(
                    "An attachment in the bundle does not match its checksum. Nothing was "
                    "imported."))

def _record_in(service: SyncService, peer, header, opened, now, counts, receipt, size) -> None:
    sql.update_peer(service.db, peer["device_id"],
                    acked=st.vv_max(peer["acked"], header["have"]),
                    last_in_no=max(peer["last_in_no"], header["bundle_no"]))
    sql.add_bundle(service.db, id=header["bundle_id"], peer_id=peer["device_id"],
                   direction="in", kind=header["kind"], bundle_no=header["bundle_no"],
                   made_at=header["made_at"], handled_at=now,
                   handled_by=service._desk.user_name, manifest_sha256=opened.manifest_sha256,
                   rows=header.get("rows", 0), size=size, counts=counts, receipt=receipt)

def _take_receipt(service: SyncService, peer: dict, header: dict, opened) -> ImportResult:
    summary = header.get("receipt") or {}
    with service._desk.write() as now:
        sql.acknowledge_bundle(service.db, summary.get("bundle_id", ""), now)
        _record_in(service, peer, header, opened, now, summary.get("counts", {}), summary, 0)
        service._desk.log(now, "import", "sync_receipt", header["bundle_id"], None,
                       {"from": peer["device_id"], "for": summary.get("bundle_id")})
    return ImportResult(header["bundle_id"], "receipt", service._peer_info(peer),
                        header["bundle_no"], summary.get("counts", {}), summary)


def _rows(opened, shapes) -> dict:
    raw = opened.files.get("data/rows.json")
    try:
        rows = json.loads(raw) if raw is not None else None
        ok = isinstance(rows, dict) and isinstance(rows.get("rows"), list) \
            and isinstance(rows.get("dots"), list)
    except ValueError:
        ok = False
    problem = None if ok else "data/rows.json is not an object with dots and rows"
    if problem is None:
        problem = _shape_problem(rows, shapes)
    if problem is not None:
        refusal = SyncRefused("E_SEMANTIC", N_("The bundle's data cannot be read. Nothing was "
                                               "imported."))
        refusal.detail = problem
        raise refusal
    return rows


_SCALARS = (str, int, float, type(None))


def _is_vv(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and type(v) is int and v >= 0 for k, v in value.items())


def _shape_problem(rows: dict, shapes) -> str | None:
    """Every record well-formed before anything is applied (a signed bundle from a paired
    device can still come from a damaged or newer installation): never a crash halfway."""
    dots = rows["dots"]
    for dot in dots:
        if not (isinstance(dot, list) and len(dot) == 4 and isinstance(dot[0], str)
                and type(dot[1]) is int and dot[1] > 0
                and isinstance(dot[2], str) and isinstance(dot[3], str)):
            return f"bad dot {dot!r}"[:200]

    def index(i) -> bool:
        return type(i) is int and 0 <= i < len(dots)

    for record in rows["rows"]:
        if not isinstance(record, dict) or record.get("t") not in shapes.tables \
                or not isinstance(record.get("id"), str) or type(record.get("o")) is not int:
            return f"bad record {str(record)[:120]}"
        columns = set(shapes.tables[record["t"]].columns)
        if "x" in record:
            x = record["x"]
            if not (isinstance(x, list) and len(x) == 2 and index(x[0]) and _is_vv(x[1])):
                return f"bad tombstone {record['id']}"
            continue
        values = record.get("v")
        if not isinstance(values, dict) or values.get("id") != record["id"] \
                or not set(values) <= columns \
                or not all(isinstance(v, _SCALARS) for v in values.values()):
            return f"bad values in {record['t']} {record['id']}"
        if "b" in record and not index(record["b"]):
            return f"bad base dot in {record['id']}"
        odd = record.get("d", {})
        siblings = record.get("s", {})
        if not (isinstance(odd, dict) and all(k in columns and index(i) for k, i in odd.items())
                and isinstance(siblings, dict)
                and all(k in columns and isinstance(v, list) and v and all(
                    isinstance(p, list) and len(p) == 2 and index(p[0])
                    and isinstance(p[1], _SCALARS) for p in v) for k, v in siblings.items())):
            return f"bad field dots in {record['id']}"
    return None
