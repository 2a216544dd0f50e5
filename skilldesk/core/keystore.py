"""The database key, wrapped once per account and once by a recovery key (issue 9).

The database is encrypted (SQLCipher) with a random 256-bit key that nobody types. It is
stored next to the database in ``<database>.keys`` (JSON), wrapped (AES-256-GCM) under:

- for each account, a key derived from its password with Argon2id (OWASP's parameters:
  19 MiB, 2 passes, 1 lane); the account's name is authenticated with it;
- a recovery key: 32 random bytes printed on paper for the institution's safe, expanded
  with HKDF-SHA256 (it needs no stretching).

A wrong password cannot unwrap the key (the GCM tag fails), so the file is also where
failed attempts are counted: after five, the account is locked for 15 minutes. The count
protects the application's door only; the file itself is safe against guessing because
every guess costs one Argon2id run. Nothing here is secret without a password.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type
from argon2.low_level import hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_

SUFFIX = ".keys"
FORMAT = "skilldesk-keys"
#: OWASP Password Storage Cheat Sheet, Argon2id: m = 19 MiB, t = 2, p = 1.
ARGON2 = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
MAX_FAILURES = 5
LOCK_MINUTES = 15
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class WrongPassword(SkilldeskError):
    code = "E_LOGIN"
    default_msgid = N_("The user name or password is wrong. ({left} attempts left before the "
                       "account is locked for {minutes} minutes.)")


class AccountLocked(SkilldeskError):
    code = "E_LOCKED"
    default_msgid = N_("This account is locked after repeated wrong passwords until {until}. "
                       "Wait, or ask an administrator to reset the password.")


class KeyStoreDamaged(SkilldeskError):
    code = "E_KEYSTORE"
    default_msgid = N_("The key file {path} is missing or damaged, so the encrypted database "
                       "cannot be opened. Restore the key file from a backup, or use the "
                       "recovery key.")


class WrongRecoveryKey(SkilldeskError):
    code = "E_RECOVERY_KEY"
    default_msgid = N_("This recovery key does not open this database. Check it against the "
                       "printed sheet (groups of four letters and digits).")


def keystore_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _kek_from_password(password: str, salt: bytes, params: dict) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, hash_len=32, type=Type.ID,
                           time_cost=params["time_cost"], memory_cost=params["memory_cost"],
                           parallelism=params["parallelism"])


def _kek_from_recovery(secret: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None,
                info=b"skilldesk-recovery-v1").derive(secret)


def _wrap(kek: bytes, key: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return _b64(nonce + AESGCM(kek).encrypt(nonce, key, aad))


def _unwrap(kek: bytes, blob: str, aad: bytes) -> bytes:
    raw = _unb64(blob)
    return AESGCM(kek).decrypt(raw[:12], raw[12:], aad)


def recovery_text(secret: bytes) -> str:
    """32 bytes as 52 Crockford base32 characters in 13 groups of 4 (for paper)."""
    bits = int.from_bytes(secret, "big") << 4   # 256 bits + 4 padding bits = 52 × 5
    chars = "".join(_CROCKFORD[(bits >> (5 * i)) & 31] for i in reversed(range(52)))
    return "-".join(chars[i:i + 4] for i in range(0, 52, 4))


def parse_recovery(text: str) -> bytes:
    table = {c: i for i, c in enumerate(_CROCKFORD)}
    table.update({"O": 0, "I": 1, "L": 1})
    clean = [c for c in text.upper() if c not in "- \t\n"]
    if len(clean) != 52 or any(c not in table for c in clean):
        raise WrongRecoveryKey()
    bits = 0
    for c in clean:
        bits = (bits << 5) | table[c]
    return (bits >> 4).to_bytes(32, "big")


@dataclass
class KeyStore:
    path: Path
    data: dict

    @classmethod
    def new(cls, db_path: str | Path, *, demo: bool = False) -> KeyStore:
        return cls(keystore_path(db_path), {"format": FORMAT, "version": 1,
                                            "cipher": "sqlcipher4", "demo": demo,
                                            "users": {}, "recovery": None})

    @classmethod
    def load(cls, db_path: str | Path) -> KeyStore | None:
        path = keystore_path(db_path)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or not isinstance(data.get("users"), dict):
                raise ValueError("not a key file")
        except (OSError, ValueError) as exc:
            raise KeyStoreDamaged(path=str(path), detail=str(exc)) from None
        return cls(path, data)

    @property
    def demo(self) -> bool:
        return bool(self.data.get("demo"))

    def usernames(self) -> list[str]:
        return sorted(self.data["users"])

    def save(self) -> None:
        """Written to a temporary file, flushed, then renamed over the old one."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(self.data, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    # -- accounts ------------------------------------------------------------------------

    def set_password(self, username: str, password: str, db_key: bytes) -> None:
        salt = os.urandom(16)
        kek = _kek_from_password(password, salt, ARGON2)
        self.data["users"][username] = {
            "kdf": "argon2id", **ARGON2, "salt": _b64(salt),
            "wrapped": _wrap(kek, db_key, b"skilldesk-dbkey-v1|" + username.encode("utf-8")),
            "failures": 0, "locked_until": None}

    def remove(self, username: str) -> None:
        self.data["users"].pop(username, None)

    def unlock(self, username: str, password: str, *, now: dt.datetime | None = None) -> bytes:
        """The database key, or WrongPassword / AccountLocked (the count is saved)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        entry = self.data["users"].get(username)
        if entry is None:
            # same cost and message as a wrong password: no hint that the name exists
            _kek_from_password(password, b"\0" * 16, ARGON2)
            raise WrongPassword(left=MAX_FAILURES, minutes=LOCK_MINUTES)
        until = entry.get("locked_until")
        if until and dt.datetime.fromisoformat(until) > now:
            raise AccountLocked(until=dt.datetime.fromisoformat(until).astimezone(
                dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M"))
        try:
            kek = _kek_from_password(password, _unb64(entry["salt"]), entry)
            key = _unwrap(kek, entry["wrapped"], b"skilldesk-dbkey-v1|" + username.encode())
        except InvalidTag:
            entry["failures"] = entry.get("failures", 0) + 1
            left = MAX_FAILURES - entry["failures"]
            if left <= 0:
                entry["failures"] = 0
                entry["locked_until"] = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat()
                self.save()
                raise AccountLocked(until=(now + dt.timedelta(minutes=LOCK_MINUTES)).astimezone(
                    dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")) from None
            self.save()
            raise WrongPassword(left=left, minutes=LOCK_MINUTES) from None
        if entry.get("failures") or entry.get("locked_until"):
            entry["failures"], entry["locked_until"] = 0, None
            self.save()
        return key

    # -- the recovery key ------------------------------------------------------------------

    def new_recovery(self, db_key: bytes) -> str:
        secret = os.urandom(32)
        self.data["recovery"] = {"kdf": "hkdf-sha256",
                                 "wrapped": _wrap(_kek_from_recovery(secret), db_key,
                                                  b"skilldesk-dbkey-v1|recovery")}
        return recovery_text(secret)

    def recover(self, text: str) -> bytes:
        entry = self.data.get("recovery")
        if not entry:
            raise WrongRecoveryKey()
        try:
            return _unwrap(_kek_from_recovery(parse_recovery(text)), entry["wrapped"],
                           b"skilldesk-dbkey-v1|recovery")
        except InvalidTag:
            raise WrongRecoveryKey() from None
