"""The bureau's offline verifier (docs/claim-package.md §6): structure first, then the
manifest and its signature by a *registered* key, then every file's size and SHA-256, then
the claim data, then the ledger. Never writes member names to disk; memory is bounded."""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import zipfile
import zlib
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from skilldesk.package import codes as c
from skilldesk.package import canonical as cj
from skilldesk.package import model as m
from skilldesk.package import zipprofile
from skilldesk.package.registry import KeyRegistry
from skilldesk.package.semantic import check_data
from skilldesk.package.semantic import check_manifest_schema

CHUNK = 1 << 20


class Failed(Exception):
    """Stop verification with these (code, detail) errors."""

    def __init__(self, *errors: tuple[str, str]) -> None:
        super().__init__(errors)
        self.errors = list(errors)


@dataclass
class VerifyResult:
    valid: bool = False
    errors: list[dict] = field(default_factory=list)
    manifest: dict | None = None
    fingerprint: str | None = None
    institution: dict | None = None
    claim_no: str | None = None
    seq: int | None = None
    files: list[dict] = field(default_factory=list)
    manifest_sha256: str | None = None
    claimed: list[tuple[str, str, str, str]] = field(default_factory=list, repr=False)

    def add(self, code: str, detail: str) -> None:
        self.errors.append({"code": code, "detail": detail, "message": c.message(code, detail)})

    @property
    def codes(self) -> list[str]:
        return [e["code"] for e in self.errors]

    def as_json(self) -> dict:
        return {"valid": self.valid, "errors": list(self.errors),
                "institution": self.institution, "claim_no": self.claim_no, "seq": self.seq,
                "fingerprint": self.fingerprint, "manifest_sha256": self.manifest_sha256,
                "files": list(self.files)}


def _read_member(zf: zipfile.ZipFile, name: str, limit: int, code: str = c.E_LIMIT) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise Failed((code, f"{name}: {info.file_size} bytes, limit {limit}"))
    try:
        with zf.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise Failed((c.E_DIGEST, f"{name}: {exc}")) from None
    if len(data) > limit:
        raise Failed((code, f"{name}: more than {limit} bytes"))
    return data


def _envelope(raw: bytes) -> dict:
    try:
        env = cj.loads(raw)
    except cj.JsonProblem as exc:
        raise Failed((c.E_SIGNATURE_FORMAT, f"signature.json: {exc}")) from None
    if not isinstance(env, dict) or set(env) != {"payloadType", "signatures"} \
            or not isinstance(env["signatures"], list) or not env["signatures"]:
        raise Failed((c.E_SIGNATURE_FORMAT, "signature.json must hold payloadType and a "
                                            "non-empty signatures list"))
    if cj.dumps(env) != raw:
        raise Failed((c.E_NOT_CANONICAL, "META-INF/signature.json"))
    if env["payloadType"] != m.PAYLOAD_TYPE:
        raise Failed((c.E_PAYLOAD_TYPE, f"payloadType {env['payloadType']!r}"))
    seen_ids, seen_keys = set(), set()
    for sig in env["signatures"]:
        if not isinstance(sig, dict):
            raise Failed((c.E_SIGNATURE_FORMAT, "a signature is not an object"))
        if sig.get("alg") != m.ALGORITHM:
            raise Failed((c.E_ALG, f"alg {sig.get('alg')!r}; only ed25519 is accepted"))
        if set(sig) != {"alg", "keyid", "public_key", "sig"} \
                or not all(isinstance(v, str) for v in sig.values()):
            raise Failed((c.E_SIGNATURE_FORMAT, "a signature needs alg, keyid, public_key, sig"))
        if sig["keyid"] in seen_ids or sig["public_key"] in seen_keys:
            raise Failed((c.E_THRESHOLD, f"key {sig['keyid']} appears twice"))
        seen_ids.add(sig["keyid"])
        seen_keys.add(sig["public_key"])
    if len(env["signatures"]) != 1:
        raise Failed((c.E_THRESHOLD, "a claim package carries exactly one signature"))
    return env["signatures"][0]


def _manifest(raw: bytes) -> dict:
    try:
        manifest = cj.loads(raw)
    except cj.JsonProblem as exc:
        raise Failed((c.E_LIMIT if exc.limit else c.E_JSON, f"manifest.json: {exc}")) from None
    try:
        canonical = cj.dumps(manifest)
    except (TypeError, ValueError) as exc:
        raise Failed((c.E_SCHEMA, f"manifest.json: {exc}")) from None
    if canonical != raw:
        raise Failed((c.E_NOT_CANONICAL, "manifest.json"))
    if not isinstance(manifest, dict):
        raise Failed((c.E_SCHEMA, "manifest.json is not an object"))
    if manifest.get("payload_type") != m.PAYLOAD_TYPE or manifest.get("format") != m.FORMAT:
        raise Failed((c.E_PAYLOAD_TYPE, f"manifest payload_type "
                                        f"{manifest.get('payload_type')!r}"))
    problem = check_manifest_schema(manifest)
    if problem:
        raise Failed(problem)
    return manifest


def _signature(sig: dict, manifest: dict, manifest_raw: bytes, registry: KeyRegistry,
               result: VerifyResult) -> None:
    key = registry.get(sig["keyid"])
    try:
        claimed_key = cj.unb64(sig["public_key"])
        signature = cj.unb64(sig["sig"])
    except ValueError:
        raise Failed((c.E_SIGNATURE_FORMAT, "public_key or sig is not base64")) from None
    if key is None:
        raise Failed((c.E_UNKNOWN_KEY, f"key {sig['keyid']}"))
    if claimed_key != key.public_key:
        raise Failed((c.E_UNKNOWN_KEY, f"key {sig['keyid']}: the public key in the package "
                                       "differs from the registered one"))
    result.fingerprint = key.fingerprint
    if len(signature) != 64:
        raise Failed((c.E_SIGNATURE, "the signature is not 64 bytes"))
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            signature, m.signing_input(m.PAYLOAD_TYPE, manifest_raw))
    except InvalidSignature:
        raise Failed((c.E_SIGNATURE, f"key {key.fingerprint}")) from None
    if manifest["key_fingerprint"] != key.fingerprint:
        raise Failed((c.E_KEY_MISMATCH, "the manifest names another key"))
    if key.institution.get("uscc") != manifest["institution"]["uscc"]:
        raise Failed((c.E_KEY_MISMATCH, f"key registered to {key.institution.get('uscc')}, "
                                        f"package from {manifest['institution']['uscc']}"))
    if key.fingerprint in registry.revoked:
        when = registry.revoked[key.fingerprint].get("revoked_at", "")
        raise Failed((c.E_KEY_REVOKED, f"key {key.fingerprint} revoked {when}"))


def _stream(zf: zipfile.ZipFile, spec: dict) -> tuple[str, str] | None:
    name, media = spec["path"], spec["media_type"]
    info = zf.getinfo(name)
    if info.file_size != spec["size"]:
        return (c.E_DIGEST, f"{name}: {info.file_size} bytes in the ZIP, {spec['size']} signed")
    digest, count, head = hashlib.sha256(), 0, b""
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(CHUNK):
                count += len(chunk)
                if count > spec["size"]:
                    return (c.E_LIMIT, f"{name}: more data than declared")
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        return (c.E_DIGEST, f"{name}: {exc}")
    if count != spec["size"] or digest.hexdigest() != spec["sha256"]:
        return (c.E_DIGEST, f"{name}: SHA-256 differs from the manifest")
    if head.startswith(m.ARCHIVE_MAGIC) or (media in m.MAGIC
                                            and not head.startswith(m.MAGIC[media])):
        return (c.E_MEDIA_TYPE, f"{name}: content is not {media}")
    return None


def _open(data_or_path, max_bytes: int):
    """(buffer, size, file object for zipfile, closer)."""
    if isinstance(data_or_path, (bytes, bytearray, memoryview)):
        data = bytes(data_or_path)
        if len(data) > max_bytes:
            raise Failed((c.E_TOO_LARGE, f"{len(data)} bytes"))
        return data, len(data), io.BytesIO(data), lambda: None
    try:
        handle = open(Path(data_or_path), "rb")
    except OSError as exc:
        raise Failed((c.E_UNREADABLE, f"{exc.strerror}")) from None
    size = os.fstat(handle.fileno()).st_size
    if size > max_bytes:
        handle.close()
        raise Failed((c.E_TOO_LARGE, f"{size} bytes"))
    if size == 0:
        handle.close()
        raise Failed((c.E_ZIP_STRUCTURE, "empty file"))
    view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def close() -> None:
        view.close()
        handle.close()
    return view, size, handle, close


def verify_package(data_or_path, registry: KeyRegistry, *, ledger=None,
                   max_bytes: int = m.MAX_PACKAGE) -> VerifyResult:
    """The verdict on one package; never raises for anything wrong with the package."""
    result = VerifyResult()
    try:
        buf, size, fileobj, close = _open(data_or_path, max_bytes)
    except Failed as stop:
        for code, detail in stop.errors:
            result.add(code, detail)
        return result
    try:
        _verify(buf, size, fileobj, registry, ledger, max_bytes, result)
    except Failed as stop:
        for code, detail in stop.errors:
            result.add(code, detail)
    except zipprofile.ProfileError as exc:
        result.add(exc.code, exc.detail)
    except RecursionError:
        result.add(c.E_LIMIT, "nested too deeply")
    finally:
        close()
    result.valid = not result.errors
    return result


def _verify(buf, size, fileobj, registry, ledger, max_bytes, result: VerifyResult) -> None:
    entries = zipprofile.check(buf, size, max_bytes=max_bytes)
    zipprofile.check_mimetype(buf, entries)
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Failed((c.E_ZIP_STRUCTURE, str(exc))) from None
    names = {e.name for e in entries}
    for fixed in (m.MANIFEST_NAME, m.SIGNATURE_NAME):
        if fixed not in names:
            raise Failed((c.E_MISSING_ENTRY, fixed))
    if [e.name for e in entries[:3]] != list(m.FIXED_NAMES):
        raise Failed((c.E_ZIP_PROFILE, "entries must start with mimetype, manifest.json, "
                                       "META-INF/signature.json"))
    sig = _envelope(_read_member(zf, m.SIGNATURE_NAME, m.MAX_SIGNATURE))
    manifest_raw = _read_member(zf, m.MANIFEST_NAME, m.MAX_MANIFEST)
    manifest = _manifest(manifest_raw)
    result.manifest_sha256 = cj.sha256_hex(manifest_raw)
    _signature(sig, manifest, manifest_raw, registry, result)
    result.manifest = manifest
    result.institution = manifest["institution"]
    result.claim_no = manifest["claim"]["claim_no"]
    result.seq = manifest["seq"]
    listed = [f["path"] for f in manifest["files"]]
    extra = sorted(names - set(listed) - set(m.FIXED_NAMES))
    if extra:
        raise Failed((c.E_EXTRA_ENTRY, ", ".join(extra[:5])))
    missing = [p for p in listed if p not in names]
    if missing:
        raise Failed((c.E_MISSING_ENTRY, ", ".join(missing[:5])))
    problems = [p for p in (_stream(zf, spec) for spec in manifest["files"]) if p]
    if problems:
        raise Failed(*problems)
    if [e.name for e in entries[3:]] != listed:
        raise Failed((c.E_ZIP_PROFILE, "entries are not in manifest order"))
    result.files = [{k: f[k] for k in ("path", "size", "sha256", "media_type", "title")}
                    for f in manifest["files"]]
    data = {name: _read_member(zf, name, m.MAX_DATA_JSON)
            for name in ("data/claim.json", "data/lines.json")}
    errors, result.claimed = check_data(manifest, data)
    if errors:
        raise Failed(*errors)
    if ledger is not None:
        errors = ledger.check(result)
        if errors:
            raise Failed(*errors)
