"""The sync bundle (.tssync): a signed inner ZIP in the claim package's strict profile,
encrypted with HPKE (RFC 9180) to one paired device.

Outer file: ``SKDSYNC1`` + 4-byte big-endian header length + canonical JSON header +
HPKE ciphertext (info = ``tssync-v1\\0`` + header, so the header is authenticated). Opening
mirrors the claim verifier: cheap checks first, the signature over the raw manifest before
the manifest is parsed, then the file set and every file's size and SHA-256."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.package import canonical as cj
from skilldesk.package import codes as c
from skilldesk.package import model as m
from skilldesk.package import zipprofile
from skilldesk.package.build import envelope
from skilldesk.package.build import public_raw
from skilldesk.sync.devicekeys import encryption_public_for

SYNC_MIMETYPE = b"application/vnd.tssync+zip;version=1"
FORMAT, FORMAT_VERSION = "tssync", 1
MAGIC = b"SKDSYNC1"
ENVELOPE_FORMAT, ENVELOPE_VERSION = "tssync-envelope", 1
SUITE_NAME = "HPKE-X25519-HKDF-SHA256-ChaCha20Poly1305"
INFO_PREFIX = b"tssync-v1\0"
MAX_BUNDLE = 1 << 30
MAX_HEADER = 4096
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
_HEADER_KEYS = {"format", "version", "suite", "recipient", "recipient_key"}
_MANIFEST_KEYS = {"format", "format_version", "payload_type", "bundle", "key_fingerprint",
                  "files"}
_FILE_KEYS = {"path", "size", "sha256", "media_type"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")
MEDIA_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")

E_TOO_LARGE, E_NOT_BUNDLE, E_FORMAT = "E_TOO_LARGE", "E_NOT_BUNDLE", "E_FORMAT"
E_NOT_FOR_US, E_DECRYPT, E_PAYLOAD_TYPE = "E_NOT_FOR_US", "E_DECRYPT", "E_PAYLOAD_TYPE"
E_UNKNOWN_KEY, E_SIGNATURE, E_MANIFEST = "E_UNKNOWN_KEY", "E_SIGNATURE", "E_MANIFEST"
E_FILE_SET, E_FILE_HASH = "E_FILE_SET", "E_FILE_HASH"

MESSAGES = {
    E_TOO_LARGE: N_("The sync bundle is larger than allowed ({problem}). Make smaller "
                    "bundles on the sending device."),
    E_NOT_BUNDLE: N_("This file is not a SkillDesk sync bundle ({problem}). Choose the "
                     ".tssync file made by the other device."),
    E_PAYLOAD_TYPE: N_("This file is another kind of signed file, not a sync bundle "
                       "({problem}). Claim packages go to the bureau; choose the sync bundle."),
    E_FORMAT: N_("The sync bundle's header is damaged ({problem}). Copy the bundle again "
                 "from the other device."),
    E_NOT_FOR_US: N_("This sync bundle was made for another device ({problem}). Ask the "
                     "sender to make a bundle for this device."),
    E_DECRYPT: N_("The sync bundle cannot be decrypted: it was damaged or altered on the way, "
                  "or made for an old key of this device ({problem}). Copy it again or ask "
                  "for a new bundle."),
    E_UNKNOWN_KEY: N_("The sync bundle is signed by a device that is not paired with this one "
                      "({problem}). Pair the devices first, then open the bundle again."),
    E_SIGNATURE: N_("The sync bundle's signature is not valid ({problem}); it was altered. "
                    "Do not use it; ask for a new bundle."),
    E_MANIFEST: N_("The sync bundle's list of contents is malformed ({problem}). Ask for a "
                   "new bundle."),
    E_FILE_SET: N_("The sync bundle holds other files than its signed list ({problem}); it "
                   "was altered. Ask for a new bundle."),
    E_FILE_HASH: N_("A file in the sync bundle does not match its signed size or checksum "
                    "({problem}); it was altered. Ask for a new bundle."),
}
_ZIP_MESSAGE = N_("The sync bundle's inner archive breaks the format rules ({problem}); it "
                  "was damaged or altered. Ask for a new bundle.")


class BundleRefused(SkilldeskError):
    """A bundle that cannot be opened; ``code`` says why (ZIP profile codes pass through)."""

    code = "E_BUNDLE"
    default_msgid = _ZIP_MESSAGE

    def __init__(self, code: str, problem: str) -> None:
        super().__init__(MESSAGES.get(code, _ZIP_MESSAGE), detail=problem, problem=problem)
        self.code = code


class BundleBuildError(SkilldeskError):
    code = "E_BUNDLE_BUILD"
    default_msgid = N_("The sync bundle could not be built: {problem}")


@dataclass(frozen=True)
class OpenedBundle:
    header: dict
    files: dict[str, bytes]
    sender_keyid: str
    manifest_sha256: str


def _build_error(problem: str) -> BundleBuildError:
    return BundleBuildError(N_("The sync bundle could not be built: {problem}"), problem=problem)


def _check_files(files: list[tuple[str, bytes, str]]) -> None:
    seen: set[str] = set()
    for name, data, media in files:
        reserved = name in m.FIXED_NAMES or name.upper().startswith("META-INF/")
        problem = "reserved" if reserved else m.name_problem(name)
        if problem or name in seen:
            raise _build_error(f"file name {name!r}: {problem or 'used twice'}")
        seen.add(name)
        if not isinstance(data, bytes) or not MEDIA_RE.match(media):
            raise _build_error(f"{name}: bytes and a media type such as application/json")


def build_bundle(*, header: dict, files: list[tuple[str, bytes, str]],
                 signing_key: Ed25519PrivateKey, recipient_device_id: str,
                 recipient_encryption_public: bytes) -> bytes:
    """Sign *files* under *header*, encrypt the strict ZIP to the recipient device."""
    _check_files(files)
    if not isinstance(header, dict) or not isinstance(recipient_device_id, str) \
            or len(recipient_encryption_public) != 32:
        raise _build_error("the header must be an object, the recipient id a string and "
                           "its key 32 bytes")
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "payload_type": m.SYNC_PAYLOAD_TYPE, "bundle": header,
                "key_fingerprint": cj.fingerprint(public_raw(signing_key)),
                "files": [{"path": n, "size": len(d), "sha256": cj.sha256_hex(d),
                           "media_type": t} for n, d, t in files]}
    try:
        manifest_bytes = cj.dumps(manifest)
    except (TypeError, ValueError) as exc:
        raise _build_error(f"header: {exc}") from None
    inner = zipprofile.write_zip(
        [(m.MIMETYPE_NAME, SYNC_MIMETYPE, zipfile.ZIP_STORED),
         (m.MANIFEST_NAME, manifest_bytes, zipfile.ZIP_STORED),
         (m.SIGNATURE_NAME, envelope(manifest_bytes, signing_key, m.SYNC_PAYLOAD_TYPE),
          zipfile.ZIP_STORED)] + [(n, d, zipfile.ZIP_STORED) for n, d, _t in files])
    outer = cj.dumps({"format": ENVELOPE_FORMAT, "version": ENVELOPE_VERSION,
                      "suite": SUITE_NAME, "recipient": recipient_device_id,
                      "recipient_key": cj.fingerprint(recipient_encryption_public)})
    if len(outer) > MAX_HEADER:
        raise _build_error("the recipient device id is too long")
    public = X25519PublicKey.from_public_bytes(recipient_encryption_public)
    data = (MAGIC + len(outer).to_bytes(4, "big") + outer
            + _SUITE.encrypt(inner, public, info=INFO_PREFIX + outer))
    if len(data) > MAX_BUNDLE:
        raise _build_error("the bundle would be larger than 1 GiB; make several bundles")
    return data


def _is_claim_package(data: bytes) -> bool:
    # the claim package's magic bytes: PK, "mimetype" at 30, its type at 38
    return data[:4] == b"PK\x03\x04" and data[30:38] == b"mimetype" \
        and data[38:38 + len(m.MIMETYPE)] == m.MIMETYPE


def _outer(data: bytes) -> tuple[bytes, dict, bytes]:
    """(header bytes, header, ciphertext) of the outer file."""
    if not data.startswith(MAGIC):
        if _is_claim_package(data):
            raise BundleRefused(E_PAYLOAD_TYPE, "this is a claim package, not a sync bundle")
        raise BundleRefused(E_NOT_BUNDLE, "no sync bundle marker at the start")
    size = int.from_bytes(data[8:12], "big") if len(data) >= 12 else -1
    if not 0 < size <= MAX_HEADER or 12 + size > len(data):
        raise BundleRefused(E_FORMAT, "header length out of range (truncated file?)")
    raw = data[12:12 + size]
    try:
        header = cj.loads(raw)
        canonical = cj.dumps(header) == raw
    except (cj.JsonProblem, TypeError, ValueError, RecursionError) as exc:
        raise BundleRefused(E_FORMAT, f"header: {exc}") from None
    if not canonical or not isinstance(header, dict) or set(header) != _HEADER_KEYS \
            or header["format"] != ENVELOPE_FORMAT or header["suite"] != SUITE_NAME \
            or type(header["version"]) is not int or header["version"] != ENVELOPE_VERSION \
            or not all(isinstance(header[k], str) for k in ("recipient", "recipient_key")):
        raise BundleRefused(E_FORMAT, "header is not a version 1 tssync envelope")
    return raw, header, data[12 + size:]


def _decrypt(raw: bytes, ciphertext: bytes, private: bytes) -> bytes:
    try:
        return _SUITE.decrypt(ciphertext, X25519PrivateKey.from_private_bytes(private),
                              info=INFO_PREFIX + raw)
    except (InvalidTag, ValueError):
        raise BundleRefused(E_DECRYPT, "authentication failed") from None


def decrypt_outer(data: bytes, private: bytes) -> bytes:
    """The inner ZIP of a bundle, decrypted with a raw X25519 private key (tests, tools)."""
    raw, _header, ciphertext = _outer(bytes(data))
    return _decrypt(raw, ciphertext, private)


def open_bundle(data: bytes, *, recipient_device_id: str, recipient_encryption_private: bytes,
                sender_public_for: Callable[[str], bytes | None],
                max_bytes: int = MAX_BUNDLE) -> OpenedBundle:
    """Decrypt, check and unpack a bundle; BundleRefused(code) for anything wrong with it."""
    data = bytes(data)
    if len(data) > max_bytes:
        raise BundleRefused(E_TOO_LARGE, f"{len(data)} bytes, limit {max_bytes}")
    raw, header, ciphertext = _outer(data)
    own_key = cj.fingerprint(encryption_public_for(recipient_encryption_private))
    if header["recipient"] != recipient_device_id or header["recipient_key"] != own_key:
        raise BundleRefused(E_NOT_FOR_US, f"made for device {header['recipient'][:40]!r}")
    plain = _decrypt(raw, ciphertext, recipient_encryption_private)
    try:
        return _open_inner(plain, sender_public_for, max_bytes)
    except zipprofile.ProfileError as exc:
        raise BundleRefused(exc.code, exc.detail) from None


def _member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise BundleRefused(c.E_LIMIT, f"{name}: {info.file_size} bytes, limit {limit}")
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleRefused(E_FILE_HASH, f"{name}: {exc}") from None


def _signer(raw: bytes, manifest_raw: bytes, sender_public_for) -> str:
    """The keyid of the paired device whose signature covers *manifest_raw*."""
    try:
        env = cj.loads(raw)
        canonical = cj.dumps(env) == raw
    except (cj.JsonProblem, TypeError, ValueError, RecursionError) as exc:
        raise BundleRefused(E_SIGNATURE, f"signature.json: {exc}") from None
    if not canonical or not isinstance(env, dict) or set(env) != {"payloadType", "signatures"}:
        raise BundleRefused(E_SIGNATURE, "signature.json is malformed")
    if env["payloadType"] != m.SYNC_PAYLOAD_TYPE:
        raise BundleRefused(E_PAYLOAD_TYPE, f"payloadType {str(env['payloadType'])[:80]!r}")
    sigs = env["signatures"]
    if not isinstance(sigs, list) or len(sigs) != 1 or not isinstance(sigs[0], dict) \
            or set(sigs[0]) != {"alg", "keyid", "public_key", "sig"} \
            or not all(isinstance(v, str) for v in sigs[0].values()) \
            or sigs[0]["alg"] != m.ALGORITHM:
        raise BundleRefused(E_SIGNATURE, "exactly one ed25519 signature is required")
    keyid = sigs[0]["keyid"]
    known = sender_public_for(keyid)
    try:
        claimed, signature = cj.unb64(sigs[0]["public_key"]), cj.unb64(sigs[0]["sig"])
    except ValueError:
        raise BundleRefused(E_SIGNATURE, "public_key or sig is not base64") from None
    if known is None or claimed != known or cj.fingerprint(known) != keyid:
        raise BundleRefused(E_UNKNOWN_KEY, f"key {keyid[:40]!r}")
    try:
        Ed25519PublicKey.from_public_bytes(known).verify(
            signature, m.signing_input(m.SYNC_PAYLOAD_TYPE, manifest_raw))
    except (InvalidSignature, ValueError):
        raise BundleRefused(E_SIGNATURE, f"key {keyid}") from None
    return keyid


def _manifest(raw: bytes, keyid: str) -> dict:
    try:
        man = cj.loads(raw)
        canonical = cj.dumps(man) == raw
    except (cj.JsonProblem, TypeError, ValueError, RecursionError) as exc:
        raise BundleRefused(E_MANIFEST, f"manifest.json: {exc}") from None
    if not canonical or not isinstance(man, dict):
        raise BundleRefused(E_MANIFEST, "manifest.json is not a canonical object")
    if man.get("payload_type") != m.SYNC_PAYLOAD_TYPE or man.get("format") != FORMAT:
        raise BundleRefused(E_PAYLOAD_TYPE, "the manifest is not a sync manifest")
    if set(man) != _MANIFEST_KEYS or type(man["format_version"]) is not int \
            or man["format_version"] != FORMAT_VERSION or not isinstance(man["bundle"], dict) \
            or man["key_fingerprint"] != keyid or not isinstance(man["files"], list):
        raise BundleRefused(E_MANIFEST, "fields or signing key differ from format version 1")
    paths = set()
    for f in man["files"]:
        if not isinstance(f, dict) or set(f) != _FILE_KEYS or not isinstance(f["path"], str) \
                or f["path"] in m.FIXED_NAMES or m.name_problem(f["path"]) \
                or f["path"] in paths or type(f["size"]) is not int or f["size"] < 0 \
                or not isinstance(f["sha256"], str) or not HEX64.match(f["sha256"]) \
                or not isinstance(f["media_type"], str) or not MEDIA_RE.match(f["media_type"]):
            raise BundleRefused(E_MANIFEST, f"file entry {str(f)[:120]}")
        paths.add(f["path"])
    return man


def _open_inner(plain: bytes, sender_public_for, max_bytes: int) -> OpenedBundle:
    entries = zipprofile.check(plain, len(plain), max_bytes=max_bytes)
    zf = zipfile.ZipFile(io.BytesIO(plain))
    first = entries[0]
    if first.name != m.MIMETYPE_NAME or first.method != zipfile.ZIP_STORED or first.size > 64:
        raise BundleRefused(c.E_MIMETYPE, "mimetype is not the first stored entry")
    mime = _member(zf, m.MIMETYPE_NAME, 64)
    if mime == m.MIMETYPE:
        raise BundleRefused(E_PAYLOAD_TYPE, "this is a claim package, not a sync bundle")
    if mime != SYNC_MIMETYPE:
        raise BundleRefused(c.E_MIMETYPE, f"mimetype {mime[:64]!r}")
    names = [e.name for e in entries]
    if names[:3] != list(m.FIXED_NAMES):
        missing = [n for n in m.FIXED_NAMES if n not in names]
        raise BundleRefused(c.E_MISSING_ENTRY if missing else c.E_ZIP_PROFILE,
                            ", ".join(missing) or "fixed entries out of order")
    manifest_raw = _member(zf, m.MANIFEST_NAME, m.MAX_MANIFEST)
    keyid = _signer(_member(zf, m.SIGNATURE_NAME, m.MAX_SIGNATURE), manifest_raw,
                    sender_public_for)
    manifest = _manifest(manifest_raw, keyid)
    listed = [f["path"] for f in manifest["files"]]
    if sorted(names[3:]) != sorted(listed):
        extra, missing = set(names[3:]) - set(listed), set(listed) - set(names[3:])
        raise BundleRefused(E_FILE_SET, f"extra {sorted(extra)[:5]}, missing "
                                        f"{sorted(missing)[:5]}")
    files = {}
    for spec in manifest["files"]:
        if zf.getinfo(spec["path"]).file_size != spec["size"]:
            raise BundleRefused(E_FILE_HASH, f"{spec['path']}: size differs")
        body = _member(zf, spec["path"], spec["size"])
        if cj.sha256_hex(body) != spec["sha256"]:
            raise BundleRefused(E_FILE_HASH, spec["path"])
        files[spec["path"]] = body
    if names[3:] != listed:
        raise BundleRefused(E_FILE_SET, "entries are not in manifest order")
    return OpenedBundle(header=manifest["bundle"], files=files, sender_keyid=keyid,
                        manifest_sha256=cj.sha256_hex(manifest_raw))
