"""What the sync service hands its faces: devices, results, refusals (docs/sync.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skilldesk.errors import SkilldeskError

ROLES = ("office", "laptop")



#: A bundle older than this is refused (a laptop working from stale office data).
VALID_DAYS = 30
BUNDLE_SUFFIX = ".tssync"


class SyncRefused(SkilldeskError):
    """A bundle or pairing file this device will not take; ``code`` says why."""

    def __init__(self, code: str, msgid: str, **params: object) -> None:
        super().__init__(msgid, **params)
        self.code = code


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    name: str
    role: str
    fingerprint: str
    is_self: bool = False
    institution_uscc: str = ""
    paired_at: str = ""
    unpaired_at: str | None = None
    unpair_reason: str = ""
    last_in_no: int = 0
    last_out_no: int = 0
    pending_changes: int = 0

    @property
    def active(self) -> bool:
        return self.unpaired_at is None

    def as_json(self) -> dict:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["active"] = self.active
        return data


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    file_name: str
    bundle_id: str
    bundle_no: int
    rows: int
    changes: int
    kind: str = "data"


@dataclass(frozen=True)
class ImportResult:
    bundle_id: str
    kind: str
    peer: DeviceInfo
    bundle_no: int
    counts: dict
    receipt: dict

    def as_json(self) -> dict:
        return {"bundle_id": self.bundle_id, "kind": self.kind, "bundle_no": self.bundle_no,
                "from": {"device_id": self.peer.device_id, "name": self.peer.name},
                **self.counts}


def crypto():
    """The container, keys and pairing modules, loaded on first use (start-up stays fast:
    they bring in the HPKE and ZIP machinery)."""
    from skilldesk.package import canonical
    from skilldesk.sync import container
    from skilldesk.sync import devicekeys
    from skilldesk.sync import pairing
    return canonical, container, devicekeys, pairing


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
