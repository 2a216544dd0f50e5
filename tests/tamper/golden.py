"""The golden claim package of the tamper corpus: a fixed input and the fixed test key
Ed25519PrivateKey.from_private_bytes(bytes(range(32)))."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skilldesk.package.build import build_package
from skilldesk.package.build import public_raw
from skilldesk.package.canonical import dumps
from skilldesk.package.model import ClaimPackageInput
from skilldesk.package.model import PackageFile
from skilldesk.package.registry import public_key_document
from skilldesk.rules.identifiers import id_check_char
from skilldesk.rules.identifiers import uscc_check_char

SIGNED_AT = "2026-10-02T08:15:00+08:00"
USCC = "91320508MA1X2Y3R4" + uscc_check_char("91320508MA1X2Y3R4")
OTHER_USCC = "52320505MJ5A6B7C8" + uscc_check_char("52320505MJ5A6B7C8")
INSTITUTION = {"name": "苏州市姑苏区示范职业培训学校", "uscc": USCC,
               "bank_name": "中国银行苏州分行", "bank_account": "5240 1234 5678 9012"}


def test_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))


def id_number(n: int) -> str:
    body = f"320508199{n % 10}0{1 + n % 9}1{n % 10}{n % 1000:03d}"[:17]
    return body + id_check_char(body)


def fake_pdf(label: str, size: int = 3000) -> bytes:
    head = f"%PDF-1.4\n% SkillDesk test form {label}\n".encode()
    return (head + b"0123456789abcdef\n" * (size // 17 + 1))[:size] + b"\n%%EOF\n"


def fake_jpeg(label: str, size: int = 2000) -> bytes:
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + label.encode() * size)[:size] + b"\xff\xd9"


def lines(count: int = 3, *, class_code: str = "GS2026-001", start: int = 1) -> list[dict]:
    return [{"line_id": f"L{n:04d}", "person": {"name": f"学员{n}", "id_number": id_number(n)},
             "class_code": class_code, "category": "registered_unemployed",
             "payee": "institution", "amount_fen": 120000 + n,
             "certificate": {"number": f"S{n:06d}", "occupation_code": "4-01-02-01",
                             "level": 5}} for n in range(start, start + count)]


def golden_input(*, seq: int = 1, prev: str | None = None, claim_no: str = "GS-2026-0001",
                 people: list[dict] | None = None, supersedes: str | None = None,
                 institution: dict | None = None, files=None) -> ClaimPackageInput:
    people = lines() if people is None else people
    return ClaimPackageInput(
        institution=institution or INSTITUTION,
        claim={"claim_no": claim_no, "version": 1, "supersedes": supersedes,
               "rule_set": "suzhou-2026", "period": "2026-09",
               "totals": {"amount_fen": sum(p["amount_fen"] for p in people),
                          "trainees": len(people)},
               "created_at": "2026-10-01T10:00:00+08:00"},
        lines=people,
        attendance=[{"line_id": p["line_id"], "hours": 120} for p in people],
        results=[{"line_id": p["line_id"], "passed": True} for p in people],
        files=files if files is not None else [
            PackageFile("forms/claim-form.pdf", fake_pdf("claim"), "application/pdf",
                        "补贴申领表.pdf"),
            PackageFile("forms/roster-table.pdf", fake_pdf("roster"), "application/pdf",
                        "花名册.pdf"),
            PackageFile("attachments/0001-idcard-front.jpg", fake_jpeg("id"), "image/jpeg",
                        "学员1-身份证正面.jpg")],
        seq=seq, prev_manifest_sha256=prev, signed_at=SIGNED_AT)


def golden() -> tuple[bytes, str]:
    return build_package(golden_input(), test_key())


def write_registry(folder: Path, *keys_and_usccs) -> Path:
    """A registry folder with the public keys of (key, uscc) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, uscc in keys_and_usccs or ((test_key(), USCC),):
        doc = public_key_document(public_raw(key), {"name": "x", "uscc": uscc},
                                  "2026-09-01T00:00:00+08:00")
        (folder / f"{doc['fingerprint']}.json").write_bytes(dumps(doc))
    return folder


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
