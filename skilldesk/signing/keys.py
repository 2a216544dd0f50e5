"""The institution's Ed25519 key: the encrypted private key file, the public key file,
fingerprints and key rotation (SECURITY.md §1.2, §3.4).

Private key file (JSON, mode 0600, never in the database): the 32-byte Ed25519 seed
encrypted with AES-256-GCM under a key derived from the passphrase by scrypt
(n = 2**17, r = 8, p = 1: about 0.4 s and 128 MiB). Scrypt yields 64 bytes: the first 32
are the AES key, the last 32 are stored as ``passphrase_check``, so a wrong passphrase
(check differs) is told apart from a damaged file (check matches, the AEAD tag does not).
The AEAD's associated data is the canonical JSON of the file's header (everything but the
ciphertext), so the public key or institution cannot be swapped; ``checksum`` (SHA-256 of
the canonical JSON of the other fields) finds accidental damage before any passphrase.

Public key file: RFC 8785 canonical JSON of ``{"format": "skilldesk-public-key", "version":
1, "algorithm": "ed25519", "public_key", "fingerprint", "institution": {"name", "uscc"},
"created_at"}``. The fingerprint is base32 (RFC 4648, no padding) of the first 20 bytes of
SHA-256 over the raw 32-byte public key: 32 characters, read aloud in 8 groups of 4.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import NoEncryption
from cryptography.hazmat.primitives.serialization import PrivateFormat
from cryptography.hazmat.primitives.serialization import PublicFormat

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_

SECRET_FORMAT = "skilldesk-secret-key"
PUBLIC_FORMAT = "skilldesk-public-key"
ROTATION_FORMAT = "skilldesk-key-rotation"
ALGORITHM = "ed25519"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 17, 8, 1
MIN_PASSPHRASE = 8
PASSPHRASE_ENV = "SKILLDESK_KEY_PASSPHRASE"
NEW_PASSPHRASE_ENV = "SKILLDESK_NEW_KEY_PASSPHRASE"
_HEADER = ("format", "version", "algorithm", "kdf", "cipher", "public_key", "fingerprint",
           "institution", "created_at")


class WrongPassphrase(SkilldeskError):
    code = "E_WRONG_PASSPHRASE"
    default_msgid = N_("The passphrase for the key file {path} is wrong. Type it again, "
                       "paying attention to the input method and Caps Lock.")


class KeyFileDamaged(SkilldeskError):
    code = "E_KEY_FILE"
    default_msgid = N_("The key file {path} is damaged or is not a SkillDesk key file "
                       "({reason}). Use the backup copy of the key file.")


class WeakPassphrase(SkilldeskError):
    code = "E_WEAK_PASSPHRASE"
    default_msgid = N_("The passphrase must have at least {count} characters. Choose a longer "
                       "one that only the authorised signer knows.")


class KeyFileExists(SkilldeskError):
    code = "E_FILE_EXISTS"
    default_msgid = N_("{path} already exists and was not overwritten. Choose another file "
                       "name; never replace an existing key file.")


class RotationInvalid(SkilldeskError):
    code = "E_ROTATION"
    default_msgid = N_("The key rotation statement is not valid ({reason}).")


@dataclass(frozen=True)
class PublicKeyInfo:
    fingerprint: str
    public_key_raw: bytes
    institution: dict
    created_at: str


def fingerprint(public_key_raw: bytes) -> str:
    """Base32 (upper case, no padding) of the first 20 bytes of SHA-256(raw key): 32 chars."""
    digest = hashlib.sha256(bytes(public_key_raw)).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def group(fp: str) -> str:
    """``"ABCDEFGH…"`` → ``"ABCD EFGH …"`` (groups of 4), for reading aloud."""
    return " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, size: int | None, path, what: str) -> bytes:
    try:
        if not isinstance(value, str):
            raise ValueError
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise _damaged(path, f"{what} is not base64") from None
    if size is not None and len(raw) != size:
        raise _damaged(path, f"{what} has {len(raw)} bytes, expected {size}")
    return raw


def _damaged(path, reason: str) -> KeyFileDamaged:
    return KeyFileDamaged(path=str(path), reason=reason)


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC: the same passphrase typed through different input methods gives the same bytes
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    out = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(_passphrase_bytes(passphrase))
    return out[:32], out[32:]


def _checksum(doc: dict) -> str:
    return hashlib.sha256(rfc8785.dumps({k: v for k, v in doc.items()
                                         if k != "checksum"})).hexdigest()


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create *path* (never overwrite) with *mode* where the OS supports it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise KeyFileExists(path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


def generate_key_file(path: str | Path, passphrase: str, *, institution: dict,
                      created_at: str) -> str:
    """Make a new key, write it encrypted to *path* (mode 0600); return the fingerprint."""
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise WeakPassphrase(count=MIN_PASSPHRASE)
    path = Path(path)
    if path.exists():
        raise KeyFileExists(path=str(path))
    key = Ed25519PrivateKey.generate()
    return _write_private(path, key, passphrase, institution, created_at)


def _write_private(path: Path, key: Ed25519PrivateKey, passphrase: str, institution: dict,
                   created_at: str) -> str:
    pub = public_raw(key)
    fp = fingerprint(pub)
    salt, nonce = os.urandom(16), os.urandom(12)
    aes_key, check = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    doc = {"format": SECRET_FORMAT, "version": 1, "algorithm": ALGORITHM,
           "kdf": {"name": "scrypt", "salt": _b64(salt), "n": SCRYPT_N, "r": SCRYPT_R,
                   "p": SCRYPT_P},
           "cipher": {"name": "aes-256-gcm", "nonce": _b64(nonce)},
           "public_key": _b64(pub), "fingerprint": fp, "institution": dict(institution),
           "created_at": created_at}
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    doc["ciphertext"] = _b64(AESGCM(aes_key).encrypt(nonce, seed, _aad(doc)))
    doc["passphrase_check"] = _b64(check)
    doc["checksum"] = _checksum(doc)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    _write_new(path, text.encode("utf-8"), 0o600)
    return fp


def _aad(doc: dict) -> bytes:
    return rfc8785.dumps({k: doc[k] for k in _HEADER})


def _read_json(path) -> dict:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _damaged(path, exc.strerror or type(exc).__name__) from None
    if len(raw) > 64 * 1024:
        raise _damaged(path, "file too large")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged(path, "not JSON") from None
    if not isinstance(doc, dict):
        raise _damaged(path, "not a JSON object")
    return doc


def _secret_doc(path, doc: dict) -> dict:
    """Check the private key file's structure and checksum (no passphrase needed)."""
    if doc.get("format") == PUBLIC_FORMAT:
        raise _damaged(path, "this is the public key file; signing needs the private key file")
    if doc.get("format") != SECRET_FORMAT or doc.get("version") != 1 \
            or doc.get("algorithm") != ALGORITHM:
        raise _damaged(path, "unknown format")
    missing = [k for k in (*_HEADER, "ciphertext", "passphrase_check", "checksum")
               if k not in doc]
    if missing:
        raise _damaged(path, "missing " + ", ".join(missing))
    if not isinstance(doc["checksum"], str) or not hmac.compare_digest(
            doc["checksum"], _checksum(doc)):
        raise _damaged(path, "checksum mismatch: the file was changed")
    kdf, cipher = doc["kdf"], doc["cipher"]
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt" \
            or not isinstance(cipher, dict) or cipher.get("name") != "aes-256-gcm":
        raise _damaged(path, "unknown key derivation or cipher")
    n, r, p = kdf.get("n"), kdf.get("r"), kdf.get("p")
    if not all(type(v) is int for v in (n, r, p)) or not (2 ** 14 <= n <= 2 ** 20) \
            or n & (n - 1) or not (1 <= r <= 16 and 1 <= p <= 4) or 128 * n * r > 2 ** 30:
        raise _damaged(path, "key derivation parameters out of range")
    if not isinstance(doc["institution"], dict) or not isinstance(doc["created_at"], str):
        raise _damaged(path, "institution or creation date malformed")
    pub = _unb64(doc["public_key"], 32, path, "public key")
    if fingerprint(pub) != doc["fingerprint"]:
        raise _damaged(path, "fingerprint does not match the public key")
    return doc


def load_private_key(path: str | Path, passphrase: str) -> Ed25519PrivateKey:
    """Decrypt the key file at *path*; ``WrongPassphrase`` / ``KeyFileDamaged``."""
    doc = _secret_doc(path, _read_json(path))
    kdf = doc["kdf"]
    salt = _unb64(kdf.get("salt"), 16, path, "salt")
    nonce = _unb64(doc["cipher"].get("nonce"), 12, path, "nonce")
    ciphertext = _unb64(doc["ciphertext"], 48, path, "ciphertext")
    stored_check = _unb64(doc["passphrase_check"], 32, path, "passphrase check")
    aes_key, check = _derive(passphrase or "", salt, kdf["n"], kdf["r"], kdf["p"])
    if not hmac.compare_digest(check, stored_check):
        raise WrongPassphrase(path=str(path))
    try:
        seed = AESGCM(aes_key).decrypt(nonce, ciphertext, _aad(doc))
    except InvalidTag:
        raise _damaged(path, "the encrypted key fails its authentication tag") from None
    key = Ed25519PrivateKey.from_private_bytes(seed)
    if public_raw(key) != _unb64(doc["public_key"], 32, path, "public key"):
        raise _damaged(path, "the private key does not match the public key")
    return key


# --- public key file -----------------------------------------------------------------------

def public_document(info: PublicKeyInfo) -> bytes:
    """The public key file's bytes: RFC 8785 canonical JSON."""
    return rfc8785.dumps({
        "format": PUBLIC_FORMAT, "version": 1, "algorithm": ALGORITHM,
        "public_key": _b64(info.public_key_raw), "fingerprint": info.fingerprint,
        "institution": {"name": str(info.institution.get("name", "")),
                        "uscc": str(info.institution.get("uscc", ""))},
        "created_at": info.created_at})


def parse_public_key(data: bytes, path: str | Path = "-") -> PublicKeyInfo:
    """A public key file's bytes → ``PublicKeyInfo`` (``KeyFileDamaged`` if anything is off)."""
    try:
        doc = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged(path, "not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != PUBLIC_FORMAT \
            or doc.get("version") != 1 or doc.get("algorithm") != ALGORITHM:
        raise _damaged(path, "not a SkillDesk public key file")
    institution = doc.get("institution")
    if not isinstance(institution, dict) or not all(
            isinstance(institution.get(k), str) for k in ("name", "uscc")) \
            or not isinstance(doc.get("created_at"), str):
        raise _damaged(path, "institution or creation date malformed")
    pub = _unb64(doc.get("public_key"), 32, path, "public key")
    try:
        Ed25519PublicKey.from_public_bytes(pub)
    except ValueError:
        raise _damaged(path, "not an Ed25519 public key") from None
    if fingerprint(pub) != doc.get("fingerprint"):
        raise _damaged(path, "fingerprint does not match the public key")
    return PublicKeyInfo(doc["fingerprint"], pub, {"name": institution["name"],
                                                   "uscc": institution["uscc"]},
                         doc["created_at"])


def read_public_key_file(path: str | Path) -> PublicKeyInfo:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _damaged(path, exc.strerror or type(exc).__name__) from None
    if len(data) > 64 * 1024:
        raise _damaged(path, "file too large")
    return parse_public_key(data, path)


def key_file_info(path: str | Path) -> PublicKeyInfo:
    """The public part of a private *or* public key file (no passphrase needed)."""
    doc = _read_json(path)
    if doc.get("format") == PUBLIC_FORMAT:
        return read_public_key_file(path)
    doc = _secret_doc(path, doc)
    return PublicKeyInfo(doc["fingerprint"], _unb64(doc["public_key"], 32, path, "public key"),
                         dict(doc["institution"]), doc["created_at"])


def export_public(source: str | Path | PublicKeyInfo, out_path: str | Path) -> PublicKeyInfo:
    """Write the public key file for *source* (a key file path or ``PublicKeyInfo``).

    An existing *out_path* is left alone unless it already holds exactly these bytes.
    """
    info = source if isinstance(source, PublicKeyInfo) else key_file_info(source)
    data = public_document(info)
    out_path = Path(out_path)
    if out_path.exists() and out_path.read_bytes() == data:
        return info
    _write_new(out_path, data, 0o644)
    return info


# --- rotation ------------------------------------------------------------------------------

def rotation_statement(old_private: Ed25519PrivateKey, new_private: Ed25519PrivateKey, *,
                       institution: dict, at: str) -> bytes:
    """Canonical JSON ``{"statement": {...}, "signatures": {"old", "new"}}``: both keys sign
    the canonical statement (which names both keys, the institution and the time)."""
    old_pub, new_pub = public_raw(old_private), public_raw(new_private)
    if old_pub == new_pub:
        raise RotationInvalid(reason="the old and new keys are the same")
    statement = {"format": ROTATION_FORMAT, "version": 1,
                 "old_fingerprint": fingerprint(old_pub), "old_public_key": _b64(old_pub),
                 "new_fingerprint": fingerprint(new_pub), "new_public_key": _b64(new_pub),
                 "institution": {"name": str(institution.get("name", "")),
                                 "uscc": str(institution.get("uscc", ""))},
                 "at": at}
    body = rfc8785.dumps(statement)
    return rfc8785.dumps({"statement": statement, "signatures": {
        "old": _b64(old_private.sign(body)), "new": _b64(new_private.sign(body))}})


def verify_rotation(data: bytes) -> tuple[str, str]:
    """Check both signatures of a rotation statement; return ``(old_fp, new_fp)``.

    The caller must still check that ``old_fp`` is a key it trusts."""
    def bad(reason: str) -> RotationInvalid:
        return RotationInvalid(reason=reason)

    try:
        doc = json.loads(bytes(data).decode("utf-8"))
        statement, signatures = doc["statement"], doc["signatures"]
        if statement["format"] != ROTATION_FORMAT or statement["version"] != 1:
            raise bad("unknown format")
        keys = {}
        for which in ("old", "new"):
            raw = base64.b64decode(statement[f"{which}_public_key"], validate=True)
            if fingerprint(raw) != statement[f"{which}_fingerprint"]:
                raise bad(f"the {which} fingerprint does not match its key")
            keys[which] = (Ed25519PublicKey.from_public_bytes(raw),
                           base64.b64decode(signatures[which], validate=True))
    except RotationInvalid:
        raise
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error):
        raise bad("malformed statement") from None
    if statement["old_fingerprint"] == statement["new_fingerprint"]:
        raise bad("the old and new keys are the same")
    body = rfc8785.dumps(statement)
    for which, (key, signature) in keys.items():
        try:
            key.verify(signature, body)
        except InvalidSignature:
            raise bad(f"the {which} key's signature is wrong") from None
    return statement["old_fingerprint"], statement["new_fingerprint"]


# --- passphrases for the command line ------------------------------------------------------

def read_passphrase(env: str, prompt: str, *, confirm: str | None = None) -> str:
    """The passphrase from the environment variable *env*, else typed at a prompt (twice,
    when *confirm* is the second prompt: a mismatch is a ``SkilldeskError``)."""
    if env in os.environ:
        return os.environ[env]
    typed = getpass.getpass(prompt)
    if confirm is not None and getpass.getpass(confirm) != typed:
        raise SkilldeskError(N_("The two passphrases differ. Nothing was written; "
                                "run the command again."))
    return typed
