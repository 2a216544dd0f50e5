"""Pairing files: each device hands the other its public keys, signed with its own signing
key (proof of possession). The people at both ends compare the device fingerprint."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.package import canonical as cj
from skilldesk.package.model import signing_input
from skilldesk.sync.devicekeys import DeviceKeys
from skilldesk.sync.devicekeys import device_fingerprint

PAIRING_FORMAT = "skilldesk-pairing"
PAIRING_VERSION = 1
PAIRING_TYPE = "application/vnd.skilldesk.pairing+json;version=1"
MAX_PAIRING = 64 << 10
ROLES = ("office", "laptop")
_FIELDS = {"format", "version", "device_id", "device_name", "role", "institution",
           "signing_key", "encryption_key", "created_at", "signature"}
_STRINGS = ("device_id", "device_name", "role", "signing_key", "encryption_key",
            "created_at", "signature")

# stable reasons (machines, tests)
R_TOO_LARGE, R_NOT_JSON, R_NOT_CANONICAL = "too_large", "not_json", "not_canonical"
R_FORMAT, R_FIELDS, R_ROLE = "format", "fields", "role"
R_DEVICE_ID, R_KEY, R_SIGNATURE = "device_id", "key", "signature"


class PairingRefused(SkilldeskError):
    code = "E_PAIRING"
    default_msgid = N_("This pairing file cannot be used ({problem}). Ask for a new pairing "
                       "file from that device.")

    def __init__(self, reason: str, problem: str) -> None:
        super().__init__(detail=problem, problem=problem)
        self.reason = reason


@dataclass(frozen=True)
class PairingInfo:
    device_id: str
    device_name: str
    role: str
    institution_uscc: str
    institution_name: str
    signing_public: bytes
    encryption_public: bytes
    created_at: str
    fingerprint: str


def _signed_bytes(doc: dict) -> bytes:
    body = cj.dumps({k: v for k, v in doc.items() if k != "signature"})
    return signing_input(PAIRING_TYPE, body)


def _check_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def make_pairing_file(*, device_id: str, device_name: str, role: str, institution: dict,
                      keys: DeviceKeys, created_at: str) -> bytes:
    """The canonical JSON pairing document, signed by the device's signing key."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if not _check_uuid(device_id):
        raise ValueError("device_id must be a lower-case UUID")
    doc = {"format": PAIRING_FORMAT, "version": PAIRING_VERSION, "device_id": device_id,
           "device_name": device_name, "role": role,
           "institution": {"uscc": institution["uscc"], "name": institution["name"]},
           "signing_key": cj.b64(keys.signing_public),
           "encryption_key": cj.b64(keys.encryption_public), "created_at": created_at}
    doc["signature"] = cj.b64(keys.signing_key().sign(_signed_bytes(doc)))
    return cj.dumps(doc)


def _parse(data: bytes) -> dict:
    if len(data) > MAX_PAIRING:
        raise PairingRefused(R_TOO_LARGE, f"{len(data)} bytes, limit {MAX_PAIRING}")
    try:
        doc = cj.loads(data)
    except (cj.JsonProblem, RecursionError) as exc:
        raise PairingRefused(R_NOT_JSON, f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != PAIRING_FORMAT \
            or doc.get("version") != PAIRING_VERSION or isinstance(doc.get("version"), bool):
        raise PairingRefused(R_FORMAT, "not a SkillDesk pairing file of version 1")
    try:
        canonical = cj.dumps(doc)
    except (TypeError, ValueError) as exc:
        raise PairingRefused(R_FIELDS, str(exc)) from None
    if canonical != data:
        raise PairingRefused(R_NOT_CANONICAL, "the file was rewritten after it was made")
    return doc


def _fields(doc: dict) -> None:
    missing, extra = sorted(_FIELDS - set(doc)), sorted(set(doc) - _FIELDS)
    if missing or extra:
        raise PairingRefused(R_FIELDS, f"missing {missing}, unknown {extra}")
    bad = [k for k in _STRINGS if not isinstance(doc[k], str) or not doc[k]]
    inst = doc["institution"]
    if not isinstance(inst, dict) or set(inst) != {"uscc", "name"} \
            or not all(isinstance(v, str) for v in inst.values()):
        # (empty on a new laptop that takes its institution from the office's first bundle)
        bad.append("institution")
    if bad:
        raise PairingRefused(R_FIELDS, f"wrong or empty fields: {', '.join(bad)}")
    if doc["role"] not in ROLES:
        raise PairingRefused(R_ROLE, f"role {doc['role']!r}")
    if not _check_uuid(doc["device_id"]):
        raise PairingRefused(R_DEVICE_ID, f"device id {doc['device_id']!r} is not a UUID")


def _key(doc: dict, name: str) -> bytes:
    try:
        raw = cj.unb64(doc[name])
    except ValueError:
        raise PairingRefused(R_KEY, f"{name} is not base64") from None
    if len(raw) != 32:
        raise PairingRefused(R_KEY, f"{name} has {len(raw)} bytes, expected 32")
    return raw


def read_pairing_file(data: bytes) -> PairingInfo:
    """Parse and check a pairing file; PairingRefused with a stable ``reason`` otherwise."""
    doc = _parse(bytes(data))
    _fields(doc)
    signing, encryption = _key(doc, "signing_key"), _key(doc, "encryption_key")
    try:
        signature = cj.unb64(doc["signature"])
        Ed25519PublicKey.from_public_bytes(signing).verify(signature, _signed_bytes(doc))
    except (ValueError, InvalidSignature):
        raise PairingRefused(R_SIGNATURE, "the signature does not match the keys") from None
    return PairingInfo(
        device_id=doc["device_id"], device_name=doc["device_name"], role=doc["role"],
        institution_uscc=doc["institution"]["uscc"],
        institution_name=doc["institution"]["name"], signing_public=signing,
        encryption_public=encryption, created_at=doc["created_at"],
        fingerprint=device_fingerprint(signing, encryption))
