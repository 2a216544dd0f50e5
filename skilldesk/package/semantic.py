"""Schema of the manifest and the semantic checks of the claim data (verifier steps 3, 7)."""

from __future__ import annotations

import re

from skilldesk.package import canonical as cj
from skilldesk.package import codes as c
from skilldesk.package import model as m
from skilldesk.rules.identifiers import IdentifierInvalid
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.rules.identifiers import parse_id_number

HEX64 = re.compile(r"^[0-9a-f]{64}$")
MANIFEST_KEYS = {"format", "format_version", "payload_type", "institution", "claim", "seq",
                 "prev_manifest_sha256", "signed_at", "algorithm", "key_fingerprint",
                 "data_digest_sha256", "files"}
CLAIM_KEYS = {"claim_no", "version", "supersedes", "rule_set", "period", "trainees",
              "amount_fen"}
FILE_KEYS = {"path", "size", "sha256", "media_type", "title"}


def _int(value, minimum: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _opt_str(value) -> bool:
    return value is None or isinstance(value, str)


def _schema(manifest: dict) -> str | None:
    if set(manifest) != MANIFEST_KEYS:
        return f"fields {sorted(set(manifest) ^ MANIFEST_KEYS)} missing or unknown"
    if manifest["format_version"] != m.FORMAT_VERSION or not _int(manifest["format_version"]):
        return "format_version must be 1"
    inst = manifest["institution"]
    if not isinstance(inst, dict) or set(inst) != {"name", "uscc", "bank_name", "bank_account"} \
            or not all(isinstance(inst[k], str) for k in ("name", "uscc")) \
            or not all(_opt_str(inst[k]) for k in ("bank_name", "bank_account")):
        return "institution"
    claim = manifest["claim"]
    if not isinstance(claim, dict) or set(claim) != CLAIM_KEYS \
            or not isinstance(claim["claim_no"], str) or not _int(claim["version"], 1) \
            or not all(_opt_str(claim[k]) for k in ("supersedes", "rule_set", "period")) \
            or not _int(claim["trainees"]) or not _int(claim["amount_fen"]):
        return "claim"
    if not _int(manifest["seq"], 1):
        return "seq must be a positive integer"
    prev = manifest["prev_manifest_sha256"]
    if prev is not None and not (isinstance(prev, str) and HEX64.match(prev)):
        return "prev_manifest_sha256"
    if not isinstance(manifest["signed_at"], str) or manifest["algorithm"] != m.ALGORITHM \
            or not isinstance(manifest["key_fingerprint"], str) \
            or not (isinstance(manifest["data_digest_sha256"], str)
                    and HEX64.match(manifest["data_digest_sha256"])):
        return "signed_at, algorithm, key_fingerprint or data_digest_sha256"
    files = manifest["files"]
    if not isinstance(files, list) or not files or len(files) > m.MAX_ENTRIES:
        return "files"
    for spec in files:
        if not isinstance(spec, dict) or set(spec) != FILE_KEYS \
                or not isinstance(spec["path"], str) or not _int(spec["size"]) \
                or not (isinstance(spec["sha256"], str) and HEX64.match(spec["sha256"])) \
                or not isinstance(spec["media_type"], str) or not isinstance(spec["title"], str):
            return f"files entry {spec.get('path') if isinstance(spec, dict) else spec!r}"
        if spec["path"] in m.FIXED_NAMES or m.name_problem(spec["path"]):
            return f"files path {spec['path']!r}"
    paths = [f["path"] for f in files]
    if len(set(paths)) != len(paths):
        return "a path is listed twice"
    if paths[:len(m.DATA_FILES)] != list(m.DATA_FILES):
        return "the data files must come first, in order"
    return None


def check_manifest_schema(manifest: dict) -> tuple[str, str] | None:
    problem = _schema(manifest)
    if problem:
        return (c.E_SCHEMA, f"manifest.json: {problem}")
    for spec in manifest["files"]:
        expected = "text/csv" if spec["path"].endswith(".csv") else "application/json" \
            if spec["path"].startswith("data/") else None
        if spec["media_type"] not in m.MEDIA_TYPES or (expected and spec["media_type"] != expected):
            return (c.E_MEDIA_TYPE, f"{spec['path']}: {spec['media_type']}")
    return None


def project_key(line: dict) -> str:
    """What a person is claimed *for*: the line's project, else occupation/level, else class."""
    if isinstance(line.get("project"), str) and line["project"]:
        return line["project"]
    cert = line.get("certificate") if isinstance(line.get("certificate"), dict) else {}
    if cert.get("occupation_code") and cert.get("level") is not None:
        return f"{cert['occupation_code']}/{cert['level']}"
    return f"class:{line.get('class_code')}"


def check_data(manifest: dict, data: dict[str, bytes]) -> tuple[list, list]:
    """(errors, claimed) where claimed = [(id_number, project, period, line_id)]."""
    errors: list[tuple[str, str]] = []
    try:
        claim_doc = cj.loads(data["data/claim.json"], check_depth=False)
        lines = cj.loads(data["data/lines.json"], check_depth=False)
    except cj.JsonProblem as exc:
        return [(c.E_JSON, f"data: {exc}")], []
    if not isinstance(claim_doc, dict) or not isinstance(claim_doc.get("claim"), dict) \
            or not isinstance(lines, list):
        return [(c.E_SCHEMA, "data/claim.json or data/lines.json")], []
    if claim_doc["claim"].get("claim_no") != manifest["claim"]["claim_no"]:
        errors.append((c.E_SEMANTIC, "claim_no in data/claim.json differs from the manifest"))
    if cj.sha256_hex(data["data/lines.json"]) != manifest["data_digest_sha256"]:
        errors.append((c.E_SEMANTIC, "data_digest_sha256 is not the hash of data/lines.json"))
    default_period = manifest["claim"]["period"] or ""
    total, claimed, seen = 0, [], {}
    for index, line in enumerate(lines):
        person = line.get("person") if isinstance(line, dict) else None
        amount = line.get("amount_fen") if isinstance(line, dict) else None
        if not isinstance(person, dict) or not isinstance(person.get("id_number"), str) \
                or not _int(amount):
            errors.append((c.E_SCHEMA, f"data/lines.json line {index + 1}"))
            continue
        line_id = str(line.get("line_id", index + 1))
        try:
            number = parse_id_number(person["id_number"]).value
        except (IdentifierInvalid, ValueError):
            errors.append((c.E_SEMANTIC, f"line {line_id}: ID number "
                                         f"{mask_id_number(person['id_number'])} is not valid"))
            continue
        total += amount
        key = (number, project_key(line), str(line.get("period") or default_period))
        if key in seen:
            errors.append((c.E_DUPLICATE_PERSON, f"lines {seen[key]} and {line_id}: "
                                                 f"{mask_id_number(number)} for {key[1]}"))
        seen[key] = line_id
        claimed.append((*key, line_id))
    if len(lines) != manifest["claim"]["trainees"] or total != manifest["claim"]["amount_fen"]:
        errors.append((c.E_SEMANTIC, f"the manifest claims {manifest['claim']['trainees']} "
                                     f"trainees / {manifest['claim']['amount_fen']} fen; the "
                                     f"lines add up to {len(lines)} / {total}"))
    return errors, claimed
