"""Field laptops and the office PC: devices, pairing, bundles out and in (issue 8).

Re-exported here for the faces: ``SyncRefused``, ``DeviceInfo``, ``ExportResult``,
``ImportResult``, ``VALID_DAYS``.

The mechanics live in ``sync_export`` (what a bundle carries), ``sync_apply`` (how it
is merged) and ``skilldesk.sync`` (the signed, encrypted container); conflicts and
receipts in ``sync_review``. See docs/sync.md.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core import sync_export
from skilldesk.core import sync_state as st
from skilldesk.core.changes import Changes
from skilldesk.core.sync_models import BUNDLE_SUFFIX
from skilldesk.core.sync_models import ROLES
from skilldesk.core.sync_models import VALID_DAYS
from skilldesk.core.sync_models import DeviceInfo
from skilldesk.core.sync_models import ExportResult
from skilldesk.core.sync_models import ImportResult
from skilldesk.core.sync_models import SyncRefused
from skilldesk.core.sync_models import crypto as _crypto
from skilldesk.core.sync_models import iso as _iso
from skilldesk.errors import NotFound
from skilldesk.i18n import N_
from skilldesk.storage import sync as sql
from skilldesk.storage import sync_rows

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk
    from skilldesk.sync.devicekeys import DeviceKeys

class SyncService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._shapes: sync_rows.Shapes | None = None

    @property
    def db(self):
        return self._desk.db

    def shapes(self) -> sync_rows.Shapes:
        if self._shapes is None:
            self._shapes = sync_rows.Shapes(self.db)
        return self._shapes

    # -- this device -------------------------------------------------------------------

    def _identity(self) -> dict:
        found = sql.identity(self.db)
        if found is not None:
            return found
        keys = _crypto()[2].new_device_keys()
        role = "office" if self._desk.institution.get() is not None else "laptop"
        with self._desk.write() as now:
            sql.save_identity(self.db, device_id=self._desk.device_id,
                              name=platform.node()[:40] or "SkillDesk", role=role,
                              signing_key=keys.signing, encryption_key=keys.encryption,
                              created_at=now)
            self._desk.log(now, "create", "sync_device", self._desk.device_id, None,
                           {"role": role})
        return sql.identity(self.db)

    def _keys(self) -> DeviceKeys:
        ident = self._identity()
        return _crypto()[2].DeviceKeys(signing=ident["signing_key"],
                                     encryption=ident["encryption_key"])

    def device(self) -> DeviceInfo:
        """This installation as a sync device (its keys are made on first use)."""
        ident = self._identity()
        keys = self._keys()
        inst = self._desk.institution.get()
        return DeviceInfo(ident["device_id"], ident["name"], ident["role"], keys.fingerprint,
                          is_self=True, institution_uscc=inst.uscc if inst else "",
                          paired_at=ident["created_at"])

    def set_device(self, *, name: str | None = None, role: str | None = None) -> Changes:
        self._identity()
        fields = {}
        if name is not None:
            name = name.strip()
            if not name or len(name) > 40:
                raise SyncRefused("E_NAME", N_("Give this device a name of 1 to 40 characters."))
            fields["name"] = name
        if role is not None:
            if role not in ROLES:
                raise SyncRefused("E_ROLE", N_("A device is either the office PC or a laptop."))
            fields["role"] = role
        if fields:
            with self._desk.write() as now:
                sql.set_identity_fields(self.db, **fields)
                self._desk.log(now, "update", "sync_device", self._desk.device_id, None, fields)
        return Changes(settings=True)

    def waiting_for_office(self) -> bool:
        """A field laptop set up before its first bundle from the office (no institution
        yet): the app opens on the 同步 page instead of asking to create one."""
        ident = sql.identity(self.db)
        return ident is not None and ident["role"] == "laptop" \
            and self._desk.institution.get() is None

    def vv(self) -> dict[str, int]:
        """What this device has: its own changes and those seen from others."""
        own = sql.own_max(self.db, self._desk.device_id)
        seen = sql.seen(self.db)
        return st.vv_max(seen, {self._desk.device_id: own} if own else {})

    # -- pairing -----------------------------------------------------------------------

    def pairing_file(self) -> tuple[bytes, str]:
        ident = self._identity()
        inst = self._desk.institution.get()
        data = _crypto()[3].make_pairing_file(
            device_id=ident["device_id"], device_name=ident["name"], role=ident["role"],
            institution={"uscc": inst.uscc if inst else "", "name": inst.name if inst else ""},
            keys=self._keys(), created_at=clock.utc_now())
        return data, f"pairing-{ident['device_id'][:8]}.json"

    def read_pairing(self, data: bytes) -> DeviceInfo:
        """What a pairing file says (nothing is stored): to compare the fingerprint."""
        info = _crypto()[3].read_pairing_file(data)
        self._check_pairable(info)
        return DeviceInfo(info.device_id, info.device_name, info.role, info.fingerprint,
                          institution_uscc=info.institution_uscc)

    def _check_pairable(self, info) -> None:
        if info.device_id == self._desk.device_id:
            raise SyncRefused("E_SELF", N_("This is this device's own pairing file. Use the "
                                           "pairing file of the other device."))
        inst = self._desk.institution.get()
        if inst is not None and info.institution_uscc and info.institution_uscc != inst.uscc:
            raise SyncRefused("E_FOREIGN", N_(
                "That device belongs to another institution ({other}); this database is "
                "{ours}. Only devices of the same institution can be paired."),
                other=info.institution_uscc, ours=inst.uscc)

    def pair(self, data: bytes) -> DeviceInfo:
        info = _crypto()[3].read_pairing_file(data)
        self._check_pairable(info)
        self._identity()
        old = sql.peer(self.db, info.device_id)
        with self._desk.write() as now:
            values = dict(device_id=info.device_id, name=info.device_name, role=info.role,
                          institution_uscc=info.institution_uscc,
                          signing_key=info.signing_public, encryption_key=info.encryption_public,
                          fingerprint=info.fingerprint, paired_at=now,
                          paired_by=self._desk.user_name, unpaired_at=None, unpair_reason="")
            if old is None:
                values.update(acked={}, last_in_no=0, last_out_no=0)
            sql.save_peer(self.db, **values)
            self._desk.log(now, "pair", "sync_peer", info.device_id, None,
                           {"name": info.device_name, "fingerprint": info.fingerprint})
        return self._peer_info(sql.peer(self.db, info.device_id))

    def unpair(self, device_id: str, reason: str) -> Changes:
        peer = self._peer(device_id)
        reason = reason.strip()
        if not reason:
            raise SyncRefused("E_REASON", N_("Say why the device is unpaired (for example: "
                                             "laptop lost)."))
        with self._desk.write() as now:
            sql.update_peer(self.db, peer["device_id"], unpaired_at=now, unpair_reason=reason)
            self._desk.log(now, "unpair", "sync_peer", peer["device_id"], None,
                           {"reason": reason})
        return Changes(settings=True)

    def devices(self) -> list[DeviceInfo]:
        out = []
        for peer in sql.peers(self.db):
            info = self._peer_info(peer)
            acked = {**peer["acked"], peer["device_id"]: 1 << 62}  # its own: it has them
            pending = sql.count_changes_since(self.db, self._desk.device_id, acked)
            out.append(DeviceInfo(**{**info.__dict__, "pending_changes": pending}))
        return out

    def _peer(self, device_id: str) -> dict:
        peer = sql.peer(self.db, device_id)
        if peer is None:
            matches = [p for p in sql.peers(self.db)
                       if p["device_id"].startswith(device_id) or p["name"] == device_id]
            if len(matches) == 1:
                return matches[0]
            raise NotFound(N_("No paired device is called {device}."), device=device_id)
        return peer

    @staticmethod
    def _peer_info(peer: dict) -> DeviceInfo:
        return DeviceInfo(peer["device_id"], peer["name"], peer["role"], peer["fingerprint"],
                          institution_uscc=peer["institution_uscc"],
                          paired_at=peer["paired_at"], unpaired_at=peer["unpaired_at"],
                          unpair_reason=peer["unpair_reason"], last_in_no=peer["last_in_no"],
                          last_out_no=peer["last_out_no"])

    # -- bundles out -------------------------------------------------------------------

    def export_bundle(self, device_id: str, *, progress=None) -> ExportResult:
        """Everything the device has not acknowledged, signed and encrypted to it."""
        peer = self._active_peer(device_id)
        payload = sync_export.build_payload(self.db, self.shapes(), self._desk.device_id,
                                            peer["acked"], progress=progress)
        rows_json = json.dumps(payload.data, ensure_ascii=False, separators=(",", ":"),
                               sort_keys=True).encode("utf-8")
        files = [("data/rows.json", rows_json, "application/json")]
        files += [(f"blobs/{sha}", blob, "application/octet-stream")
                  for sha, blob in sorted(payload.blobs.items())]
        return self._send(peer, "data", files, rows=len(payload.data["rows"]),
                          changes=payload.changes)

    def _active_peer(self, device_id: str) -> dict:
        peer = self._peer(device_id)
        if peer["unpaired_at"] is not None:
            raise SyncRefused("E_UNPAIRED", N_(
                "{device} was unpaired on {date} ({reason}); nothing is sent to it."),
                device=peer["name"], date=peer["unpaired_at"][:10], reason=peer["unpair_reason"])
        return peer

    def _send(self, peer: dict, kind: str, files: list, *, rows: int = 0, changes: int = 0,
              receipt: dict | None = None) -> ExportResult:
        ident = self._identity()
        inst = self._desk.institution.get()
        made = dt.datetime.now(dt.timezone.utc)
        bundle_id = clock.new_id()
        number = peer["last_out_no"] + 1
        header = {
            "kind": kind, "bundle_id": bundle_id, "bundle_no": number,
            "from": {"device_id": ident["device_id"], "name": ident["name"]},
            "to": {"device_id": peer["device_id"]},
            "institution_uscc": inst.uscc if inst else "",
            "made_at": _iso(made), "not_after": _iso(made + dt.timedelta(days=VALID_DAYS)),
            "base": peer["acked"], "have": self.vv(), "rows": rows, "changes": changes,
        }
        if receipt is not None:
            header["receipt"] = receipt
        data = _crypto()[1].build_bundle(
            header=header, files=files, signing_key=self._keys().signing_key(),
            recipient_device_id=peer["device_id"],
            recipient_encryption_public=peer["encryption_key"])
        with self._desk.write() as now:
            sql.update_peer(self.db, peer["device_id"], last_out_no=number)
            sql.add_bundle(self.db, id=bundle_id, peer_id=peer["device_id"], direction="out",
                           kind=kind, bundle_no=number, made_at=header["made_at"],
                           handled_at=now, handled_by=self._desk.user_name, rows=rows,
                           size=len(data), counts={"changes": changes, "rows": rows})
            self._desk.log(now, "export", "sync_bundle", bundle_id, None,
                           {"to": peer["device_id"], "kind": kind, "rows": rows})
        name = f"{_safe(ident['name'])}-to-{_safe(peer['name'])}-{number:04d}{BUNDLE_SUFFIX}"
        return ExportResult(data, name, bundle_id, number, rows, changes, kind)

    def receipt_bundle(self, bundle_id: str) -> ExportResult:
        """The small acknowledgement bundle back to the sender of an imported bundle."""
        record = sql.bundle(self.db, bundle_id)
        if record is None or record["direction"] != "in" or record["kind"] != "data":
            raise NotFound(N_("No imported bundle {bundle} is recorded here."), bundle=bundle_id)
        peer = self._active_peer(record["peer_id"])
        summary = {"bundle_id": bundle_id, "bundle_no": record["bundle_no"],
                   "counts": record["counts"]}
        return self._send(peer, "receipt", [], receipt=summary)

    # -- bundles in --------------------------------------------------------------------

    def import_bundle(self, data: bytes, *, progress=None) -> ImportResult:
        """Open, check and merge a bundle (or a receipt); see core/sync_import.py."""
        from skilldesk.core import sync_import
        return sync_import.import_bundle(self, data, progress=progress)

    # -- what a person decides (sync_review) -------------------------------------------

    def conflicts(self):
        from skilldesk.core import sync_review
        return sync_review.conflicts(self._desk)

    def resolve(self, key: str, value: object) -> Changes:
        from skilldesk.core import sync_review
        return sync_review.resolve(self._desk, key, value)

    def lost(self):
        from skilldesk.core import sync_review
        return sync_review.lost(self._desk)

    def dismiss(self, lost_id: int) -> Changes:
        from skilldesk.core import sync_review
        return sync_review.dismiss(self._desk, lost_id)

    def receipt_pdf(self, bundle_id: str, path, *, today: dt.date | None = None) -> int:
        from skilldesk.core import sync_review
        return sync_review.receipt_pdf(self._desk, bundle_id, path,
                                       today=today or dt.date.today())

    def history(self, limit: int = 500) -> list[dict]:
        names = {p["device_id"]: p["name"] for p in sql.peers(self.db)}
        return [{**b, "peer_name": names.get(b["peer_id"], b["peer_id"][:8])}
                for b in sql.bundles(self.db, limit)]


def _safe(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return keep.strip("-")[:24] or "device"
