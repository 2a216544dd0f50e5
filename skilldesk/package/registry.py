"""The bureau's key registry: a folder (or one file) of registered public-key files.

A public-key file (written by skilldesk.signing.keys) is canonical JSON:
{"format": "skilldesk-public-key", "version": 1, "algorithm": "ed25519", "public_key": b64,
 "fingerprint": base32, "institution": {"name", "uscc"}, "created_at"}. The fingerprint is
recomputed; a file whose fingerprint does not match is refused. An optional
``revocations.json`` ({"format": "skilldesk-key-revocations", "version": 1, "revoked":
[{"fingerprint", "revoked_at", "reason"}]}) lists revoked keys."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.package import canonical as cj

KEY_FORMAT = "skilldesk-public-key"
REVOCATIONS_FORMAT = "skilldesk-key-revocations"
MAX_KEY_FILE = 64 << 10
MAX_KEY_FILES = 100_000


class RegistryError(SkilldeskError):
    code = "E_REGISTRY"
    default_msgid = N_("The key registry {path} cannot be used: {problem}. Replace the file "
                       "with the one the institution exported.")


@dataclass(frozen=True)
class RegisteredKey:
    fingerprint: str
    public_key: bytes
    algorithm: str
    institution: dict
    created_at: str
    source: str


@dataclass
class KeyRegistry:
    keys: dict[str, RegisteredKey] = field(default_factory=dict)
    revoked: dict[str, dict] = field(default_factory=dict)

    def get(self, fingerprint: str) -> RegisteredKey | None:
        return self.keys.get(fingerprint)

    def add(self, key: RegisteredKey) -> None:
        self.keys[key.fingerprint] = key

    @classmethod
    def load(cls, path: str | Path) -> "KeyRegistry":
        path = Path(path)
        registry = cls()
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"
                           and p.is_file())
            if len(files) > MAX_KEY_FILES:
                raise _error(path, "too many files")
        elif path.is_file():
            files = [path]
        else:
            raise _error(path, "no such file or folder")
        for file in files:
            registry._load_file(file)
        if not registry.keys:
            raise _error(path, "no public-key files")
        return registry

    def _load_file(self, path: Path) -> None:
        if path.stat().st_size > MAX_KEY_FILE:
            raise _error(path, "the file is too large for a key file")
        try:
            doc = cj.loads(path.read_bytes())
        except cj.JsonProblem as exc:
            raise _error(path, f"not valid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise _error(path, "not a key file")
        if doc.get("format") == REVOCATIONS_FORMAT:
            self._load_revocations(path, doc)
            return
        self.add(parse_public_key(doc, str(path)))

    def _load_revocations(self, path: Path, doc: dict) -> None:
        items = doc.get("revoked")
        if doc.get("version") != 1 or not isinstance(items, list):
            raise _error(path, "unknown revocation list version")
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
                raise _error(path, "a revocation without a fingerprint")
            self.revoked[item["fingerprint"]] = item


def _error(path, problem: str) -> RegistryError:
    return RegistryError(RegistryError.default_msgid, path=str(path), problem=problem)


def parse_public_key(doc: dict, source: str) -> RegisteredKey:
    """Validate one public-key document (fingerprint recomputed from the key)."""
    if doc.get("format") != KEY_FORMAT or doc.get("version") != 1:
        raise _error(source, "not a SkillDesk public-key file (format/version)")
    if doc.get("algorithm") != "ed25519":
        raise _error(source, f"algorithm {doc.get('algorithm')!r} is not accepted")
    try:
        raw = cj.unb64(doc.get("public_key"))
    except (ValueError, TypeError):
        raise _error(source, "public_key is not base64") from None
    if len(raw) != 32:
        raise _error(source, "public_key is not 32 bytes")
    institution = doc.get("institution")
    if not isinstance(institution, dict) or not isinstance(institution.get("uscc"), str):
        raise _error(source, "institution.uscc is missing")
    if doc.get("fingerprint") != cj.fingerprint(raw):
        raise _error(source, "the fingerprint does not match the public key")
    return RegisteredKey(doc["fingerprint"], raw, "ed25519", institution,
                         str(doc.get("created_at", "")), source)


def public_key_document(raw: bytes, institution: dict, created_at: str) -> dict:
    """The public-key document for *raw* (for tests and the corpus; keys.py writes real ones)."""
    return {"format": KEY_FORMAT, "version": 1, "algorithm": "ed25519",
            "public_key": cj.b64(raw), "fingerprint": cj.fingerprint(raw),
            "institution": {"name": institution.get("name", ""), "uscc": institution["uscc"]},
            "created_at": created_at}
