"""Pairing files and device fingerprints: round trip and one crafted case per refusal."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from skilldesk.package import canonical as cj
from skilldesk.sync import pairing as p
from skilldesk.sync.devicekeys import DeviceKeys
from skilldesk.sync.devicekeys import device_fingerprint
from skilldesk.sync.devicekeys import new_device_keys

INSTITUTION = {"uscc": "91320508MA1X2Y3R4A", "name": "苏州市姑苏区示范职业培训学校"}
LAPTOP_ID, OFFICE_ID = str(uuid.UUID(int=2)), str(uuid.UUID(int=1))


def pairing_file(keys: DeviceKeys, role: str = "laptop", device_id: str = LAPTOP_ID) -> bytes:
    return p.make_pairing_file(device_id=device_id, device_name="外勤笔记本 1", role=role,
                               institution=INSTITUTION, keys=keys,
                               created_at="2026-10-02T08:15:00+08:00")


def test_device_keys_and_fingerprint():
    keys = new_device_keys()
    assert len(keys.signing) == len(keys.encryption) == 32
    assert keys.signing.hex() not in repr(keys)
    fp = keys.fingerprint
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", fp)
    other = new_device_keys()
    assert device_fingerprint(keys.signing_public, other.encryption_public) != fp
    assert device_fingerprint(other.signing_public, keys.encryption_public) != fp
    with pytest.raises(ValueError):
        DeviceKeys(signing=b"short", encryption=keys.encryption)


def test_round_trip_both_ways_shows_the_same_fingerprint():
    laptop, office = new_device_keys(), new_device_keys()
    at_office = p.read_pairing_file(pairing_file(laptop))
    at_laptop = p.read_pairing_file(pairing_file(office, "office", OFFICE_ID))
    assert at_office.fingerprint == laptop.fingerprint     # what the laptop shows itself
    assert at_laptop.fingerprint == office.fingerprint
    assert (at_office.device_id, at_office.role, at_office.device_name) == (
        LAPTOP_ID, "laptop", "外勤笔记本 1")
    assert (at_office.institution_uscc, at_office.institution_name) == (
        INSTITUTION["uscc"], INSTITUTION["name"])
    assert at_office.signing_public == laptop.signing_public
    assert at_office.encryption_public == laptop.encryption_public
    assert pairing_file(laptop) == pairing_file(laptop)    # Ed25519 is deterministic


def test_builder_refuses_bad_role_or_id():
    keys = new_device_keys()
    with pytest.raises(ValueError):
        pairing_file(keys, role="admin")
    with pytest.raises(ValueError):
        pairing_file(keys, device_id="laptop-1")


KEYS = DeviceKeys(signing=bytes(range(32)), encryption=bytes(range(1, 33)))
OTHER = DeviceKeys(signing=bytes(range(64, 96)), encryption=bytes(range(96, 128)))


def _doc() -> dict:
    return json.loads(pairing_file(KEYS))


def _changed(**change) -> bytes:
    doc = _doc()
    for key, value in change.items():
        if value is None:
            del doc[key]
        else:
            doc[key] = value
    return cj.dumps(doc)


def _resigned(**change) -> bytes:
    """Changed and signed again by its own key: only the field checks can catch it."""
    doc = json.loads(_changed(**change))
    body = cj.dumps({k: v for k, v in doc.items() if k != "signature"})
    doc["signature"] = cj.b64(KEYS.signing_key().sign(p.signing_input(p.PAIRING_TYPE, body)))
    return cj.dumps(doc)


CASES = {
    "too_large": b" " * (p.MAX_PAIRING + 1),
    "not_json": b'{"format": ',
    "not_json_bytes": b"\xff\xfe",
    "not_canonical": json.dumps(_doc(), indent=1, ensure_ascii=False).encode(),
    "format": _changed(format="skilldesk-public-key"),
    "version": _changed(version=2),
    "not_object": b"[1]",
    "missing": _changed(device_name=None),
    "extra": _changed(note="x"),
    "ill_typed": _changed(device_name=7),
    "institution": _changed(institution={"uscc": "x"}),
    "role": _resigned(role="admin"),
    "device_id": _resigned(device_id="laptop-1"),
    "device_id_upper": _resigned(device_id="AAAAAAAA-0000-4000-8000-000000000002"),
    "key_short": _resigned(encryption_key=cj.b64(b"\1" * 31)),
    "key_not_b64": _changed(signing_key="!!!!"),
    "signature_changed_field": _changed(device_name="别的电脑"),
    "signature_other_key": _changed(signing_key=cj.b64(OTHER.signing_public)),
    "signature_swapped_encryption_key": _changed(encryption_key=cj.b64(OTHER.encryption_public)),
    "signature_garbage": _changed(signature=cj.b64(b"\0" * 64)),
}
EXPECTED = {"too_large": p.R_TOO_LARGE, "not_json": p.R_NOT_JSON,
            "not_json_bytes": p.R_NOT_JSON, "not_canonical": p.R_NOT_CANONICAL,
            "format": p.R_FORMAT, "version": p.R_FORMAT, "not_object": p.R_FORMAT,
            "missing": p.R_FIELDS, "extra": p.R_FIELDS, "ill_typed": p.R_FIELDS,
            "institution": p.R_FIELDS, "role": p.R_ROLE, "device_id": p.R_DEVICE_ID,
            "device_id_upper": p.R_DEVICE_ID, "key_short": p.R_KEY, "key_not_b64": p.R_KEY}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_refusal_reason(case):
    with pytest.raises(p.PairingRefused) as info:
        p.read_pairing_file(CASES[case])
    assert info.value.reason == EXPECTED.get(case, p.R_SIGNATURE)
    assert "Ask for a new pairing file" in str(info.value)
    assert info.value.user_message()
