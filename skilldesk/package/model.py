"""The claim package's input, its constants and its ZIP-profile rules (docs/claim-package.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MIMETYPE = b"application/vnd.tsclaim+zip;version=1"
PAYLOAD_TYPE = "application/vnd.tsclaim.manifest+json;version=1"
# Reserved for the sync bundles of a later issue: a different type, so one can never pass
# for the other (the type is inside the signed bytes, see signing_input()).
SYNC_PAYLOAD_TYPE = "application/vnd.tssync.manifest+json;version=1"
FORMAT = "tsclaim"
FORMAT_VERSION = 1
ALGORITHM = "ed25519"

MIMETYPE_NAME = "mimetype"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "META-INF/signature.json"
FIXED_NAMES = (MIMETYPE_NAME, MANIFEST_NAME, SIGNATURE_NAME)
DATA_FILES = ("data/claim.json", "data/lines.json", "data/attendance.json",
              "data/results.json", "data/people.csv")

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}(/[a-z0-9][a-z0-9._-]{0,63}){0,2}$")
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)])
MEDIA_TYPES = frozenset({"application/json", "text/csv", "application/pdf", "image/jpeg",
                         "image/png"})
# First bytes each media type must start with (an attachment is never an archive).
MAGIC = {"application/pdf": (b"%PDF-",), "image/jpeg": (b"\xff\xd8\xff",),
         "image/png": (b"\x89PNG\r\n\x1a\n",)}
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07",
                 b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")

# Limits (SECURITY.md §1.6, verifier order step 2)
MAX_PACKAGE = 1 << 30
MAX_ENTRIES = 10_000
MAX_MANIFEST = 4 << 20
MAX_SIGNATURE = 64 << 10
MAX_DATA_JSON = 256 << 20
MAX_RATIO = 100
RATIO_FLOOR = 64 << 10      # the ratio cap applies to entries that inflate beyond this
MAX_JSON_DEPTH = 32

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
UTF8_FLAG = 0x800
EXTERNAL_ATTR = (0o100644 << 16)
CREATE_SYSTEM = 3   # Unix: fixed, so a build on Windows gives the same bytes


@dataclass(frozen=True)
class PackageFile:
    name: str          # ASCII path inside the package per the profile, e.g. "forms/claim-form.pdf"
    data: bytes
    media_type: str
    title: str = ""    # display name (may be Chinese), recorded in the manifest


@dataclass(frozen=True)
class ClaimPackageInput:
    institution: dict  # {"name","uscc","bank_name","bank_account"}
    claim: dict        # {"claim_no","version","supersedes","rule_set","totals","created_at"}
    lines: list[dict]  # one per trainee
    attendance: list[dict]
    results: list[dict]
    files: list[PackageFile]  # PDFs and attachments (forms/…, attachments/…)
    seq: int                  # per-institution increasing sequence number
    prev_manifest_sha256: str | None
    signed_at: str            # ISO timestamp, part of the signed data


def name_problem(name: str) -> str | None:
    """Why *name* breaks the profile's name rule, or None. (Reserved names excluded.)"""
    if name in FIXED_NAMES:
        return None
    if not NAME_RE.match(name):
        return "does not match the profile's name pattern"
    for part in name.split("/"):
        stem = part.split(".", 1)[0]
        if stem in WINDOWS_RESERVED:
            return "uses a name reserved on Windows"
        if part.endswith("."):
            return "ends with a dot"
    return None


def signing_input(payload_type: str, body: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: the exact bytes the signature covers."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)
