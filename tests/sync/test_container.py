"""The sync bundle container: round trip, determinism and one crafted case per refusal.
Real keys and real bytes; the attacker knows the recipient's public key, so it can encrypt
anything to it — the signature and the manifest must catch what it changes."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.package import canonical as cj
from skilldesk.package import model as m
from skilldesk.package import zipprofile
from skilldesk.package.build import envelope
from skilldesk.package.registry import KeyRegistry
from skilldesk.package.verify import verify_package
from skilldesk.sync import container as sc
from skilldesk.sync.devicekeys import DeviceKeys
from tests.tamper import golden as g

OFFICE = DeviceKeys(signing=bytes(range(32)), encryption=bytes(range(1, 33)))
LAPTOP = DeviceKeys(signing=bytes(range(64, 96)), encryption=bytes(range(96, 128)))
STRANGER = DeviceKeys(signing=bytes(range(128, 160)), encryption=bytes(range(160, 192)))
OFFICE_ID = str(uuid.UUID(int=1))
LAPTOP_ID = str(uuid.UUID(int=2))
BLOB = bytes(range(256)) * 8 + b"PK\x03\x04\x00\xff"
HEADER = {"bundle_id": str(uuid.UUID(int=7)), "from_device": LAPTOP_ID, "seq": 3,
          "base": None, "made_at": "2026-10-02T08:15:00+08:00"}
FILES = [("data/rows.json", cj.dumps([{"id": 1, "name": "张三"}]), "application/json"),
         ("data/ops.json", cj.dumps({"ops": []}), "application/json"),
         (f"blobs/{cj.sha256_hex(BLOB)}", BLOB, "application/octet-stream")]
PAIRED = {cj.fingerprint(LAPTOP.signing_public): LAPTOP.signing_public}
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def make(files=FILES, header=HEADER, key: DeviceKeys = LAPTOP) -> bytes:
    return sc.build_bundle(header=header, files=files, signing_key=key.signing_key(),
                           recipient_device_id=OFFICE_ID,
                           recipient_encryption_public=OFFICE.encryption_public)


def open_(data: bytes, **kw) -> sc.OpenedBundle:
    args = {"recipient_device_id": OFFICE_ID,
            "recipient_encryption_private": OFFICE.encryption,
            "sender_public_for": PAIRED.get, **kw}
    return sc.open_bundle(data, **args)


def refused(data: bytes, **kw) -> str:
    with pytest.raises(sc.BundleRefused) as info:
        open_(data, **kw)
    assert info.value.user_message() and str(info.value)
    return info.value.code


def members(inner: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(inner)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def rezip(entries: list[tuple[str, bytes]]) -> bytes:
    return zipprofile.write_zip([(n, d, zipfile.ZIP_STORED) for n, d in entries])


def seal(inner: bytes, template: bytes | None = None) -> bytes:
    """What an attacker can do: encrypt any inner ZIP to the office under a valid header."""
    template = template or make()
    size = int.from_bytes(template[8:12], "big")
    raw = template[12:12 + size]
    public = X25519PublicKey.from_public_bytes(OFFICE.encryption_public)
    return template[:12 + size] + SUITE.encrypt(inner, public, info=sc.INFO_PREFIX + raw)


def inner() -> list[tuple[str, bytes]]:
    return members(sc.decrypt_outer(make(), OFFICE.encryption))


def test_round_trip_with_binary_blob():
    opened = open_(make())
    assert opened.header == HEADER
    assert opened.files == {name: data for name, data, _t in FILES}
    assert opened.sender_keyid == cj.fingerprint(LAPTOP.signing_public)
    manifest = dict(inner())[m.MANIFEST_NAME]
    assert opened.manifest_sha256 == cj.sha256_hex(manifest)
    assert json.loads(manifest)["payload_type"] == m.SYNC_PAYLOAD_TYPE


def test_empty_file_list_round_trips():
    assert open_(make(files=[])).files == {}


def test_inner_zip_is_deterministic_and_only_the_ciphertext_varies():
    first, second = make(), make()
    assert first != second
    size = int.from_bytes(first[8:12], "big")
    assert first[:12 + size] == second[:12 + size]
    plain = sc.decrypt_outer(first, OFFICE.encryption)
    assert plain == sc.decrypt_outer(second, OFFICE.encryption)
    assert zipprofile.check(plain, len(plain))[0].name == "mimetype"
    assert [n for n, _d in members(plain)][:3] == list(m.FIXED_NAMES)


@pytest.mark.parametrize("name,media", [
    ("../x.json", "application/json"), ("Data/x.json", "application/json"),
    ("mimetype", "application/json"), ("meta-inf/x.json", "application/json"), ("data/con.json", "application/json"),
    ("data/rows.json", "application/json"), ("data/x.json", "json")])
def test_builder_refuses_bad_files(name, media):
    with pytest.raises(sc.BundleBuildError):
        make(files=FILES + [(name, b"{}", media)])


def test_builder_refuses_floats_in_the_header():
    with pytest.raises(sc.BundleBuildError):
        make(header={"x": 1.5})


def test_size_limits_and_non_bundles():
    data = make()
    assert refused(data, max_bytes=100) == sc.E_TOO_LARGE
    assert refused(b"") == sc.E_NOT_BUNDLE
    assert refused(b"hello world, not a bundle") == sc.E_NOT_BUNDLE
    assert refused(sc.decrypt_outer(data, OFFICE.encryption)) == sc.E_NOT_BUNDLE
    assert refused(data[:10]) == sc.E_FORMAT
    assert refused(data[:40]) == sc.E_FORMAT
    assert refused(data[:len(data) // 2]) == sc.E_DECRYPT
    assert refused(data[:-1]) == sc.E_DECRYPT
    assert refused(data + b"\0") == sc.E_DECRYPT


def test_a_flipped_ciphertext_byte_is_refused():
    data = bytearray(make())
    data[-20] ^= 1
    assert refused(bytes(data)) == sc.E_DECRYPT


def test_the_header_is_checked_and_authenticated():
    data = make()
    size = int.from_bytes(data[8:12], "big")
    raw = data[12:12 + size]
    def with_header(new: bytes) -> bytes:
        return sc.MAGIC + len(new).to_bytes(4, "big") + new + data[12 + size:]
    assert refused(with_header(raw + b" ")) == sc.E_FORMAT             # not canonical
    doc = json.loads(raw)
    assert refused(with_header(cj.dumps({**doc, "suite": "HPKE-X"}))) == sc.E_FORMAT
    assert refused(with_header(cj.dumps({**doc, "version": 2}))) == sc.E_FORMAT
    assert refused(with_header(cj.dumps({**doc, "extra": ""}))) == sc.E_FORMAT
    moved = with_header(cj.dumps({**doc, "recipient": LAPTOP_ID}))
    assert refused(moved, recipient_device_id=LAPTOP_ID) == sc.E_DECRYPT  # header is the AAD
    with pytest.raises(sc.BundleRefused) as info:
        sc.decrypt_outer(moved, OFFICE.encryption)
    assert info.value.code == sc.E_DECRYPT


def test_a_bundle_for_another_device_is_refused():
    assert refused(make(), recipient_device_id=LAPTOP_ID) == sc.E_NOT_FOR_US
    assert refused(make(), recipient_encryption_private=STRANGER.encryption) == sc.E_NOT_FOR_US


def test_unknown_or_substituted_sender_key():
    assert refused(make(), sender_public_for=lambda _k: None) == sc.E_UNKNOWN_KEY
    assert refused(make(key=STRANGER)) == sc.E_UNKNOWN_KEY
    wrong = {cj.fingerprint(LAPTOP.signing_public): STRANGER.signing_public}
    assert refused(make(), sender_public_for=wrong.get) == sc.E_UNKNOWN_KEY


def _replace(entries, name, data):
    return [(n, data if n == name else d) for n, d in entries]


def test_a_signature_by_another_key_is_refused():
    entries = inner()
    files = dict(entries)
    env = json.loads(files[m.SIGNATURE_NAME])
    forged = STRANGER.signing_key().sign(m.signing_input(m.SYNC_PAYLOAD_TYPE,
                                                         files[m.MANIFEST_NAME]))
    env["signatures"][0]["sig"] = cj.b64(forged)
    assert refused(seal(rezip(_replace(entries, m.SIGNATURE_NAME, cj.dumps(env))))) \
        == sc.E_SIGNATURE


def test_a_changed_manifest_breaks_the_signature():
    entries = inner()
    manifest = json.loads(dict(entries)[m.MANIFEST_NAME])
    manifest["bundle"]["seq"] = 4
    assert refused(seal(rezip(_replace(entries, m.MANIFEST_NAME, cj.dumps(manifest))))) \
        == sc.E_SIGNATURE


def test_swapped_payload_type_is_refused():
    entries = inner()
    manifest = dict(entries)[m.MANIFEST_NAME]
    claim_env = envelope(manifest, LAPTOP.signing_key(), m.PAYLOAD_TYPE)
    assert refused(seal(rezip(_replace(entries, m.SIGNATURE_NAME, claim_env)))) \
        == sc.E_PAYLOAD_TYPE


def test_a_validly_signed_bad_manifest_is_refused():
    entries = inner()
    manifest = json.loads(dict(entries)[m.MANIFEST_NAME])
    for change in ({"extra": 1}, {"format_version": 2}, {"key_fingerprint": "X"},
                   {"files": [{"path": "data/x.json"}]}):
        raw = cj.dumps({**manifest, **change})
        tampered = _replace(_replace(entries, m.MANIFEST_NAME, raw), m.SIGNATURE_NAME,
                            envelope(raw, LAPTOP.signing_key(), m.SYNC_PAYLOAD_TYPE))
        assert refused(seal(rezip(tampered))) == sc.E_MANIFEST, change


def test_a_claim_package_is_refused_in_every_form(tmp_path):
    package, _sha = g.build_package(g.golden_input(), g.test_key())
    assert refused(package) == sc.E_PAYLOAD_TYPE                       # as it is
    assert refused(seal(package)) == sc.E_PAYLOAD_TYPE                 # encrypted to us
    relabelled = _replace(members(package), m.MIMETYPE_NAME, sc.SYNC_MIMETYPE)
    assert refused(seal(rezip(relabelled))) == sc.E_PAYLOAD_TYPE       # its envelope


def test_the_claim_verifier_refuses_a_sync_inner_zip(tmp_path):
    registry = KeyRegistry.load(g.write_registry(tmp_path / "keys"))
    plain = sc.decrypt_outer(make(), OFFICE.encryption)
    assert not verify_package(plain, registry).valid
    assert verify_package(plain, registry).codes == ["E_MIMETYPE"]     # its own mimetype
    relabelled = rezip(_replace(members(plain), m.MIMETYPE_NAME, m.MIMETYPE))
    assert verify_package(relabelled, registry).codes == ["E_PAYLOAD_TYPE"]


def test_files_added_removed_or_changed_inside_are_refused():
    entries = inner()
    assert refused(seal(rezip(entries + [("data/extra.json", b"{}")]))) == sc.E_FILE_SET
    assert refused(seal(rezip(entries[:-1]))) == sc.E_FILE_SET
    swapped = entries[:3] + [entries[4], entries[3]] + entries[5:]
    assert refused(seal(rezip(swapped))) == sc.E_FILE_SET
    changed = bytearray(BLOB)
    changed[5] ^= 1
    blob_name = FILES[2][0]
    assert refused(seal(rezip(_replace(entries, blob_name, bytes(changed))))) == sc.E_FILE_HASH
    assert refused(seal(rezip(_replace(entries, blob_name, BLOB + b"x")))) == sc.E_FILE_HASH


def test_zip_profile_codes_pass_through():
    plain = sc.decrypt_outer(make(), OFFICE.encryption)
    assert refused(seal(plain + b"\0")) == "E_ZIP_STRUCTURE"
    assert refused(seal(rezip(inner()[1:]))) == "E_MIMETYPE"
    assert refused(seal(rezip(_replace(inner(), m.MIMETYPE_NAME, b"text/plain")))) \
        == "E_MIMETYPE"
    no_sig = [e for e in inner() if e[0] != m.SIGNATURE_NAME]
    assert refused(seal(rezip(no_sig))) == "E_MISSING_ENTRY"
    deflated = [(n, d, zipfile.ZIP_DEFLATED if n.startswith("blobs/") else zipfile.ZIP_STORED)
                for n, d in inner()]
    assert refused(seal(zipprofile.write_zip(deflated))) == "E_ZIP_FEATURE"   # no bombs


SMALL = make(files=[("data/rows.json", b"[1]", "application/json")])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_single_flipped_byte_is_refused(data):
    pos = data.draw(st.integers(0, len(SMALL) - 1))
    mask = data.draw(st.integers(1, 255))
    changed = bytearray(SMALL)
    changed[pos] ^= mask
    with pytest.raises(sc.BundleRefused):
        open_(bytes(changed))


def test_every_refusal_has_a_message():
    for code in sc.MESSAGES:
        text = sc.BundleRefused(code, "detail").user_message()
        assert "detail" in text
    assert isinstance(Ed25519PrivateKey.from_private_bytes(LAPTOP.signing), Ed25519PrivateKey)
