"""The institution's signing key (issue 7): key files, fingerprints, public files, rotation."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skilldesk.errors import SkilldeskError
from skilldesk.signing import keys

PASS = "山塘街 7 号 correct horse"
INSTITUTION = {"name": "苏州市示范职业培训学校", "uscc": "91110000600037341L"}
# the Ed25519 key with seed 00 01 02 … 1f, and its fingerprint computed once
SEED = bytes(range(32))
SEED_PUBLIC = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
SEED_FINGERPRINT = "KZDVVJ2UMNDUYAUF35O36K6KW462MUJV"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    """One generated key file (scrypt takes ~0.4 s): tests copy it before changing it."""
    path = tmp_path_factory.mktemp("key") / "institution.key"
    fp = keys.generate_key_file(path, PASS, institution=INSTITUTION, created_at="2026-05-01")
    return path, fp


@pytest.fixture
def copy(key_file, tmp_path):
    target = tmp_path / "copy.key"
    shutil.copyfile(key_file[0], target)
    return target


def rewrite(path, change, *, fix_checksum=True):
    """Change the key file's JSON; with *fix_checksum* recompute the checksum as a forger
    would (so the passphrase check and the AEAD tag are what must catch it)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    if fix_checksum:
        body = {k: v for k, v in doc.items() if k != "checksum"}
        doc["checksum"] = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    path.write_text(json.dumps(doc), encoding="utf-8")


def flip_b64(value: str, index: int = 0) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_fingerprint_test_vector_and_grouping():
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    raw = keys.public_raw(key)
    assert raw.hex() == SEED_PUBLIC
    fp = keys.fingerprint(raw)
    assert fp == SEED_FINGERPRINT
    assert fp == base64.b32encode(hashlib.sha256(raw).digest()[:20]).decode()
    assert len(fp) == 32 and fp.isupper() and "=" not in fp
    assert keys.group(fp) == "KZDV VJ2U MNDU YAUF 35O3 6K6K W462 MUJV"
    assert keys.fingerprint(raw) == fp  # stable


def test_round_trip_and_file_contents(key_file):
    path, fp = key_file
    key = keys.load_private_key(path, PASS)
    assert keys.fingerprint(keys.public_raw(key)) == fp
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "skilldesk-secret-key" and doc["version"] == 1
    assert doc["algorithm"] == "ed25519"
    assert doc["kdf"]["name"] == "scrypt" and doc["kdf"]["n"] >= 2 ** 17
    assert (doc["kdf"]["r"], doc["kdf"]["p"]) == (8, 1)
    assert doc["cipher"]["name"] == "aes-256-gcm"
    assert base64.b64decode(doc["public_key"]) == keys.public_raw(key)
    assert doc["fingerprint"] == fp and doc["institution"] == INSTITUTION
    seed = key.private_bytes_raw()
    assert seed not in path.read_bytes() and base64.b64encode(seed) not in path.read_bytes()
    message = b"claim manifest"
    key.public_key().verify(key.sign(message), message)


def test_passphrase_is_normalised(tmp_path):
    path = tmp_path / "k.key"
    decomposed = "Cafe\u0301 passphrase"
    keys.generate_key_file(path, decomposed, institution=INSTITUTION, created_at="2026-05-01")
    keys.load_private_key(path, "Caf\u00e9 passphrase")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_private_key_file_is_readable_by_owner_only(key_file):
    assert stat.S_IMODE(os.stat(key_file[0]).st_mode) == 0o600


def test_wrong_passphrase_is_detected_as_such(key_file):
    with pytest.raises(keys.WrongPassphrase) as caught:
        keys.load_private_key(key_file[0], PASS + "x")
    assert caught.value.code == "E_WRONG_PASSPHRASE"
    assert "passphrase" in caught.value.user_message()


@pytest.mark.parametrize("passphrase", ["", "short", "1234567"])
def test_short_passphrase_is_refused(tmp_path, passphrase):
    path = tmp_path / "k.key"
    with pytest.raises(keys.WeakPassphrase) as caught:
        keys.generate_key_file(path, passphrase, institution=INSTITUTION,
                               created_at="2026-05-01")
    assert isinstance(caught.value, SkilldeskError) and "8" in caught.value.user_message()
    assert not path.exists()


def test_existing_file_is_never_overwritten(key_file):
    before = key_file[0].read_bytes()
    with pytest.raises(keys.KeyFileExists):
        keys.generate_key_file(key_file[0], PASS, institution=INSTITUTION,
                               created_at="2026-05-02")
    assert key_file[0].read_bytes() == before


@pytest.mark.parametrize("field", ["ciphertext", "salt", "nonce", "public_key"])
def test_damage_without_a_new_checksum_is_found_before_any_passphrase(copy, field):
    def change(doc):
        holder = doc["kdf"] if field == "salt" else doc["cipher"] if field == "nonce" else doc
        holder[field] = flip_b64(holder[field])
    rewrite(copy, change, fix_checksum=False)
    with pytest.raises(keys.KeyFileDamaged) as caught:
        keys.load_private_key(copy, PASS)
    assert caught.value.code == "E_KEY_FILE" and "checksum" in str(caught.value)
    with pytest.raises(keys.KeyFileDamaged):
        keys.key_file_info(copy)


@pytest.mark.parametrize("change", [
    lambda d: d.update(ciphertext=flip_b64(d["ciphertext"], 5)),
    lambda d: d.update(ciphertext=flip_b64(d["ciphertext"], 40)),   # the tag
    lambda d: d["cipher"].update(nonce=flip_b64(d["cipher"]["nonce"])),
    lambda d: d["institution"].update(name="别的学校"),              # bound as associated data
    lambda d: d.update(created_at="2020-01-01"),
], ids=["ciphertext", "tag", "nonce", "institution", "created_at"])
def test_forged_changes_fail_the_authentication_tag(copy, change):
    rewrite(copy, change)
    with pytest.raises(keys.KeyFileDamaged) as caught:
        keys.load_private_key(copy, PASS)
    assert "authentication tag" in str(caught.value)


def test_changed_salt_reads_as_a_wrong_passphrase(copy):
    # a different salt derives a different key: indistinguishable from a wrong passphrase
    rewrite(copy, lambda d: d["kdf"].update(salt=flip_b64(d["kdf"]["salt"])))
    with pytest.raises(keys.WrongPassphrase):
        keys.load_private_key(copy, PASS)


def test_swapped_public_key_is_refused(copy):
    other = keys.public_raw(Ed25519PrivateKey.from_private_bytes(SEED))
    rewrite(copy, lambda d: d.update(public_key=base64.b64encode(other).decode(),
                                     fingerprint=keys.fingerprint(other)))
    with pytest.raises(keys.KeyFileDamaged):
        keys.load_private_key(copy, PASS)


@pytest.mark.parametrize("change", [
    lambda d: d["kdf"].update(n=2 ** 30),           # would ask for 128 GiB
    lambda d: d["kdf"].update(n=1000),
    lambda d: d["kdf"].update(r="8"),
    lambda d: d.update(format="something-else"),
    lambda d: d.pop("ciphertext"),
    lambda d: d.update(ciphertext="not base64!"),
    lambda d: d.update(fingerprint="A" * 32),
])
def test_malformed_fields_are_damage(copy, change):
    rewrite(copy, change)
    with pytest.raises(keys.KeyFileDamaged):
        keys.load_private_key(copy, PASS)


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage", b"[1, 2]", b"{" * 100_000])
def test_not_a_key_file(tmp_path, content):
    path = tmp_path / "x.key"
    path.write_bytes(content)
    with pytest.raises(keys.KeyFileDamaged):
        keys.load_private_key(path, PASS)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(keys.KeyFileDamaged):
        keys.load_private_key(tmp_path / "nowhere.key", PASS)


def test_public_file_round_trip(key_file, tmp_path):
    path, fp = key_file
    out = tmp_path / "institution.pub"
    info = keys.export_public(path, out)
    data = out.read_bytes()
    doc = json.loads(data)
    assert data == rfc8785.dumps(doc)  # canonical
    assert doc == {"format": "skilldesk-public-key", "version": 1, "algorithm": "ed25519",
                   "public_key": base64.b64encode(info.public_key_raw).decode(),
                   "fingerprint": fp, "institution": INSTITUTION, "created_at": "2026-05-01"}
    back = keys.read_public_key_file(out)
    assert back == info and back.fingerprint == fp
    assert keys.key_file_info(out) == back
    keys.export_public(back, out)  # the same bytes again: fine
    with pytest.raises(keys.KeyFileDamaged):
        keys.load_private_key(out, PASS)  # a public file cannot sign


def test_export_refuses_to_replace_a_different_public_file(key_file, tmp_path):
    out = tmp_path / "institution.pub"
    out.write_bytes(b"someone else's key")
    with pytest.raises(keys.KeyFileExists):
        keys.export_public(key_file[0], out)
    assert out.read_bytes() == b"someone else's key"


@pytest.mark.parametrize("change", [
    lambda d: d.update(public_key=base64.b64encode(bytes.fromhex(SEED_PUBLIC)).decode()),
    lambda d: d.update(fingerprint=SEED_FINGERPRINT),
    lambda d: d.update(public_key=d["public_key"][:-4]),
    lambda d: d.update(algorithm="sm2"),
    lambda d: d.pop("institution"),
])
def test_tampered_public_file_is_rejected(key_file, tmp_path, change):
    out = tmp_path / "institution.pub"
    keys.export_public(key_file[0], out)
    doc = json.loads(out.read_bytes())
    change(doc)
    out.write_bytes(rfc8785.dumps(doc))
    with pytest.raises(keys.KeyFileDamaged) as caught:
        keys.read_public_key_file(out)
    assert caught.value.code == "E_KEY_FILE"


def rotation(old, new, at="2027-01-01T09:00:00+08:00"):
    return keys.rotation_statement(old, new, institution=INSTITUTION, at=at)


def test_rotation_is_signed_by_both_keys():
    old = Ed25519PrivateKey.from_private_bytes(SEED)
    new = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    data = rotation(old, new)
    doc = json.loads(data)
    assert data == rfc8785.dumps(doc)
    statement = doc["statement"]
    assert statement["format"] == "skilldesk-key-rotation"
    assert statement["old_fingerprint"] == SEED_FINGERPRINT
    assert statement["new_public_key"] == base64.b64encode(keys.public_raw(new)).decode()
    body = rfc8785.dumps(statement)
    old.public_key().verify(base64.b64decode(doc["signatures"]["old"]), body)
    new.public_key().verify(base64.b64decode(doc["signatures"]["new"]), body)
    assert keys.verify_rotation(data) == (SEED_FINGERPRINT,
                                          keys.fingerprint(keys.public_raw(new)))


def test_forged_rotations_are_rejected():
    old = Ed25519PrivateKey.from_private_bytes(SEED)
    new = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    thief = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))
    genuine = json.loads(rotation(old, new))
    forged = []
    # the thief's key claims to succeed the old one, signing with itself for both
    fake = json.loads(rotation(thief, new))
    fake["statement"]["old_public_key"] = genuine["statement"]["old_public_key"]
    fake["statement"]["old_fingerprint"] = genuine["statement"]["old_fingerprint"]
    forged.append(fake)
    # the new key swapped after the old key signed
    swapped = json.loads(rotation(old, new))
    swapped["statement"]["new_public_key"] = base64.b64encode(
        keys.public_raw(thief)).decode()
    swapped["statement"]["new_fingerprint"] = keys.fingerprint(keys.public_raw(thief))
    forged.append(swapped)
    # the time changed
    late = json.loads(rotation(old, new))
    late["statement"]["at"] = "2030-01-01T00:00:00+08:00"
    forged.append(late)
    # one signature missing
    half = json.loads(rotation(old, new))
    del half["signatures"]["new"]
    forged.append(half)
    # a fingerprint that does not belong to its key
    wrong_fp = json.loads(rotation(old, new))
    wrong_fp["statement"]["new_fingerprint"] = SEED_FINGERPRINT
    forged.append(wrong_fp)
    for doc in forged:
        with pytest.raises(keys.RotationInvalid) as caught:
            keys.verify_rotation(rfc8785.dumps(doc))
        assert caught.value.code == "E_ROTATION"
    with pytest.raises(keys.RotationInvalid):
        keys.verify_rotation(b"\xff not json")
    with pytest.raises(keys.RotationInvalid):
        rotation(old, old)


def test_passphrase_from_the_environment(monkeypatch):
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "from the environment")
    assert keys.read_passphrase(keys.PASSPHRASE_ENV, "unused: ") == "from the environment"


def test_passphrase_prompt_twice_must_agree(monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    answers = iter(["first one!", "second one"])
    monkeypatch.setattr(keys.getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(SkilldeskError):
        keys.read_passphrase(keys.PASSPHRASE_ENV, "a: ", confirm="b: ")
    monkeypatch.setattr(keys.getpass, "getpass", lambda prompt: "same thing")
    assert keys.read_passphrase(keys.PASSPHRASE_ENV, "a: ", confirm="b: ") == "same thing"
