"""The deterministic builder: ClaimPackageInput + the institution's key → .tsclaim bytes.

Same input, same key → same bytes (fixed timestamps, fixed order, canonical JSON,
Ed25519's deterministic signatures)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.package import canonical as cj
from skilldesk.package import model as m
from skilldesk.package import zipprofile

HEX64 = re.compile(r"^[0-9a-f]{64}$")
PEOPLE_COLUMNS = ("line_id", "name", "id_number", "class_code", "category", "payee",
                  "amount_fen")


class PackageBuildError(SkilldeskError):
    code = "E_PACKAGE_BUILD"
    default_msgid = N_("The claim package could not be built: {problem}")


def _refuse(problem: str) -> PackageBuildError:
    return PackageBuildError(N_("The claim package could not be built: {problem}"),
                             problem=problem)


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text   # no formulas in Excel


def people_csv(lines: list[dict]) -> bytes:
    """The lines as a table for Excel: UTF-8 with BOM, CRLF, every cell quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(PEOPLE_COLUMNS)
    for line in lines:
        person = line.get("person") or {}
        writer.writerow([_csv_cell(v) for v in (
            line.get("line_id"), person.get("name"), person.get("id_number"),
            line.get("class_code"), line.get("category"), line.get("payee"),
            line.get("amount_fen"))])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _method(name: str) -> int:
    """Every member is STORED: a DEFLATE stream can change in its padding bits without
    changing what it inflates to, so only stored bytes make every byte count."""
    return zipfile.ZIP_STORED


def _check_files(files: list[m.PackageFile]) -> None:
    seen = set(m.FIXED_NAMES) | set(m.DATA_FILES)
    for item in files:
        problem = m.name_problem(item.name) if item.name not in m.FIXED_NAMES else "reserved"
        if problem or not item.name.startswith(("forms/", "attachments/")):
            why = problem or "not under forms/ or attachments/"
            raise _refuse(f"file name {item.name!r}: {why}")
        if item.name.casefold() in seen:
            raise _refuse(f"file name {item.name!r} used twice")
        seen.add(item.name.casefold())
        if item.media_type not in m.MEDIA_TYPES:
            raise _refuse(f"{item.name}: media type {item.media_type!r} is not allowed")
        magic = m.MAGIC.get(item.media_type)
        if (magic and not item.data.startswith(magic)) or item.data.startswith(m.ARCHIVE_MAGIC):
            raise _refuse(f"{item.name}: content is not {item.media_type}")


def _check_input(data: m.ClaimPackageInput) -> None:
    if not isinstance(data.seq, int) or isinstance(data.seq, bool) or data.seq < 1:
        raise _refuse("the sequence number must be a positive integer")
    if data.prev_manifest_sha256 is not None and not HEX64.match(data.prev_manifest_sha256):
        raise _refuse("the previous manifest hash must be 64 lower-case hex digits")
    for key in ("name", "uscc"):
        if not isinstance(data.institution.get(key), str) or not data.institution[key]:
            raise _refuse(f"institution {key} is missing")
    if not isinstance(data.claim.get("claim_no"), str) or not data.claim["claim_no"]:
        raise _refuse("the claim number is missing")
    for line in data.lines:
        amount = line.get("amount_fen")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise _refuse(f"line {line.get('line_id')}: amount_fen must be a whole number of fen")
    _check_files(data.files)


def _json(value, what: str) -> bytes:
    try:
        return cj.dumps(value)
    except (TypeError, ValueError) as exc:
        raise _refuse(f"{what}: {exc}") from None


def manifest_for(data: m.ClaimPackageInput, fingerprint: str,
                 payload: list[tuple[str, bytes, str, str]]) -> dict:
    """The manifest (a dict) for *payload* = [(name, bytes, media_type, title)]."""
    lines_bytes = next(b for name, b, _t, _ti in payload if name == "data/lines.json")
    claim = data.claim
    return {
        "format": m.FORMAT, "format_version": m.FORMAT_VERSION,
        "payload_type": m.PAYLOAD_TYPE,
        "institution": {k: data.institution.get(k) for k in
                        ("name", "uscc", "bank_name", "bank_account")},
        "claim": {"claim_no": claim.get("claim_no"), "version": claim.get("version", 1),
                  "supersedes": claim.get("supersedes"), "rule_set": claim.get("rule_set"),
                  "period": claim.get("period"),
                  "trainees": len(data.lines),
                  "amount_fen": sum(line["amount_fen"] for line in data.lines)},
        "seq": data.seq, "prev_manifest_sha256": data.prev_manifest_sha256,
        "signed_at": data.signed_at, "algorithm": m.ALGORITHM,
        "key_fingerprint": fingerprint,
        "data_digest_sha256": cj.sha256_hex(lines_bytes),
        "files": [{"path": name, "size": len(body), "sha256": cj.sha256_hex(body),
                   "media_type": media, "title": title}
                  for name, body, media, title in payload],
    }


def envelope(manifest_bytes: bytes, key: Ed25519PrivateKey,
             payload_type: str = m.PAYLOAD_TYPE) -> bytes:
    """META-INF/signature.json: a detached Ed25519 signature over PAE(type, manifest)."""
    raw = public_raw(key)
    signature = key.sign(m.signing_input(payload_type, manifest_bytes))
    return cj.dumps({"payloadType": payload_type, "signatures": [
        {"alg": m.ALGORITHM, "keyid": cj.fingerprint(raw), "public_key": cj.b64(raw),
         "sig": cj.b64(signature)}]})


def assemble(manifest_bytes: bytes, envelope_bytes: bytes,
             payload: list[tuple[str, bytes]]) -> bytes:
    entries = [(m.MIMETYPE_NAME, m.MIMETYPE, zipfile.ZIP_STORED),
               (m.MANIFEST_NAME, manifest_bytes, zipfile.ZIP_STORED),
               (m.SIGNATURE_NAME, envelope_bytes, zipfile.ZIP_STORED)]
    entries += [(name, body, _method(name)) for name, body in payload]
    return zipprofile.write_zip(entries)


def build_package(data: m.ClaimPackageInput, private_key: Ed25519PrivateKey) -> tuple[bytes, str]:
    """(the package bytes, the manifest's SHA-256 hex). Same input -> same bytes."""
    _check_input(data)
    payload = [
        ("data/claim.json", _json({"institution": data.institution, "claim": data.claim},
                                  "claim"), "application/json", ""),
        ("data/lines.json", _json(data.lines, "lines"), "application/json", ""),
        ("data/attendance.json", _json(data.attendance, "attendance"), "application/json", ""),
        ("data/results.json", _json(data.results, "results"), "application/json", ""),
        ("data/people.csv", people_csv(data.lines), "text/csv", ""),
    ] + [(f.name, f.data, f.media_type, f.title) for f in data.files]
    manifest = manifest_for(data, cj.fingerprint(public_raw(private_key)), payload)
    manifest_bytes = _json(manifest, "manifest")
    package = assemble(manifest_bytes, envelope(manifest_bytes, private_key),
                       [(name, body) for name, body, _media, _title in payload])
    if len(package) > m.MAX_PACKAGE:
        raise _refuse("the package would be larger than 1 GiB")
    return package, cj.sha256_hex(manifest_bytes)
