"""Subsidy claims: from a demo class to a signed package, a decision and the payment."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skilldesk.core.claims import ClaimBlocked
from skilldesk.core.claims import ClaimClassesRefused
from skilldesk.core.claims import ClaimLocked
from skilldesk.core.claims import ClaimStateError
from skilldesk.core.desk import Desk
from skilldesk.errors import ValidationError
from skilldesk.storage import history as history_sql
from tests.imports.files import write_xlsx

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
HEADER = ["证件号码", "姓名", "审核结果", "核准金额", "驳回原因"]


@pytest.fixture
def demo(tmp_path):
    desk = Desk.open(tmp_path / "demo.skilldesk", create=True)
    desk.build_demo(people=600, seed=2)
    yield desk
    desk.close()


def assessed(desk: Desk) -> list:
    rows = desk.classes.list(state="assessed").rows
    assert rows, "the demo has assessed classes"
    return rows


def _verify(desk: Desk, path):
    """The bureau's verifier on the package, with the test key registered."""
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.hazmat.primitives.serialization import PublicFormat

    from skilldesk.package.registry import KeyRegistry
    from skilldesk.package.registry import parse_public_key
    from skilldesk.package.registry import public_key_document
    from skilldesk.package.verify import verify_package

    raw = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    inst = desk.institution.get()
    registry = KeyRegistry()
    registry.add(parse_public_key(public_key_document(
        raw, {"name": inst.name, "uscc": inst.uscc}, "2026-01-01T00:00:00Z"), "test"))
    return verify_package(path, registry)


def decision_file(path, shown: dict, rows_for) -> str:
    rows = [["补贴审核结果"], HEADER]
    for line in shown["lines"]:
        rows.append(rows_for(line))
    write_xlsx(path, {"审核结果": rows}, text_columns=[0])
    return path


def test_full_flow(demo, tmp_path):
    klass = assessed(demo)[0]
    changes = demo.claims.create([klass.id])
    assert changes.claims
    number = demo.claims.number_of(changes.ids[0])
    assert number.startswith(f"SQ{dt.date.today().year}-") and number.endswith("-0001")
    shown = demo.claims.show(number)
    check = demo.subsidy.check(class_ids=[klass.id], readiness=False)[0]
    eligible = [line for line in check.lines if line.decision.eligible]
    assert shown["state"] == "draft" and not shown["locked"]
    assert shown["totals"]["total_fen"] == check.total_fen == shown["total_fen"]
    assert shown["totals"]["by_payee"] == check.totals_by("payee")
    assert shown["totals"]["by_category"] == check.totals_by("category")
    assert len(shown["lines"]) == len(eligible)
    assert len(shown["excluded"]) == len(check.lines) - len(eligible)
    assert all(row["reasons"] and row["reasons"][0]["message"] for row in shown["excluded"])
    # a class already claimed cannot be claimed twice
    with pytest.raises(ClaimClassesRefused) as refused:
        demo.claims.create([klass.id])
    assert refused.value.issues[0].code == "CLAIM_CLASS_TAKEN"
    assert demo.classes.get(klass.id)["state"] == "assessed"  # a draft leaves it alone

    out = tmp_path / "claim.tsclaim"
    demo.claims.sign(number, KEY, out)
    signed = demo.claims.get(number)
    assert signed["state"] == "signed" and signed["package_seq"] == 1
    assert len(signed["manifest_sha256"]) == 64 and signed["prev_manifest_sha256"] is None
    assert zipfile.ZipFile(out).read("mimetype").startswith(b"application/")
    verdict = _verify(demo, out)
    assert verdict.valid, verdict.errors
    assert verdict.manifest_sha256 == signed["manifest_sha256"] and verdict.seq == 1
    assert not list(tmp_path.glob(".claim.tsclaim.*"))  # no temporary file left
    assert demo.classes.get(klass.id)["state"] == "claimed"
    assert demo.classes.transitions(klass.id)[-1]["to_state"] == "claimed"
    assert demo.claims.show(number)["locked"]
    # locked: a second sign and editing refuse
    with pytest.raises(ClaimLocked):
        demo.claims.sign(number, KEY, tmp_path / "again.tsclaim")
    with pytest.raises(ClaimLocked):
        demo.claims.remove_line(number, shown["lines"][0]["id"], reason="x")
    assert not (tmp_path / "again.tsclaim").exists()
    # the receipt carries the manifest hash
    assert demo.claims.receipt(number, tmp_path / "receipt.pdf") == 1
    assert (tmp_path / "receipt.pdf").read_bytes().startswith(b"%PDF-")

    # a correction: version 2 supersedes version 1, is editable, signs as package 2
    demo.claims.new_version(number)
    versions = demo.claims.show(number)["versions"]
    assert [(v["version"], v["state"], v["superseded"]) for v in versions] == [
        (1, "signed", True), (2, "draft", False)]
    assert demo.claims.show(number, 1)["superseded"]
    v2 = demo.claims.show(number)
    assert v2["totals"] == shown["totals"] and len(v2["excluded"]) == len(shown["excluded"])
    removed = v2["lines"][-1]
    demo.claims.remove_line(number, removed["id"], reason="moved away")
    v2 = demo.claims.show(number)
    assert v2["total_fen"] == shown["total_fen"] - removed["amount_fen"]
    assert any(r["reasons"][0]["message"] == "Removed from the claim: moved away"
               for r in v2["excluded"])
    demo.claims.sign(number, KEY, tmp_path / "claim-v2.tsclaim")
    v2 = demo.claims.get(number)
    assert v2["package_seq"] == 2 and v2["prev_manifest_sha256"] == signed["manifest_sha256"]
    verdict = _verify(demo, tmp_path / "claim-v2.tsclaim")
    assert verdict.valid and verdict.seq == 2, verdict.errors
    demo.claims.record_submission(number)
    assert demo.claims.get(number)["state"] == "submitted"

    # the bureau adjusts one line and rejects another
    lines = demo.claims.show(number)["lines"]
    adjusted, rejected = lines[0], lines[1]

    def row(line):
        if line is adjusted:
            return [line["id_number"], line["name"], "调整", (line["amount_fen"] - 10000) / 100, ""]
        if line is rejected:
            return [line["id_number"], line["name"], "驳回", "", "证书信息不符"]
        return [line["id_number"], line["name"], "核准", line["amount_fen"] / 100, ""]

    before = len(history_sql.of_person(demo.db, adjusted["person_id"]))
    report = demo.claims.import_decision(
        number, decision_file(tmp_path / "decision.xlsx", {"lines": lines}, row),
        decided_on=dt.date(2026, 12, 20))
    assert report.errors == [] and report.state == "partly_approved"
    assert report.counts == {"adjusted": 1, "rejected": 1, "approved": len(lines) - 2}
    expected = sum(x["amount_fen"] for x in lines) - rejected["amount_fen"] - 10000
    assert report.approved_fen == expected and report.history_rows == len(lines) - 1
    decided = demo.claims.show(number)
    assert decided["state"] == "partly_approved" and decided["approved_fen"] == expected
    by_id = {x["id"]: x for x in decided["lines"]}
    assert by_id[rejected["id"]]["decision"] == "rejected"
    assert by_id[rejected["id"]]["decision_reason"] == "证书信息不符"
    assert by_id[adjusted["id"]]["approved_fen"] == adjusted["amount_fen"] - 10000
    history = history_sql.of_person(demo.db, adjusted["person_id"])
    assert len(history) == before + 1 and history[-1]["source"] == "claim"
    assert not any(h["source"] == "claim"
                   for h in history_sql.of_person(demo.db, rejected["person_id"]))
    # the approved subsidy now counts toward the trainee's caps
    again = demo.subsidy.check(class_ids=[klass.id], readiness=False)[0]
    assert not next(x for x in again.lines if x.person_id == adjusted["person_id"]
                    ).decision.eligible

    with pytest.raises(ValidationError):
        demo.claims.record_payment(number, dt.date(2027, 1, 5), expected + 1)
    demo.claims.record_payment(number, dt.date(2027, 1, 5), expected)
    paid = demo.claims.get(number)
    assert paid["state"] == "paid" and paid["paid_fen"] == expected
    assert demo.classes.get(klass.id)["state"] == "paid"
    with pytest.raises(ClaimStateError):
        demo.claims.new_version(number)


def test_decision_file_differences_are_reported_by_row(demo, tmp_path):
    klass = assessed(demo)[0]
    number = demo.claims.number_of(demo.claims.create([klass.id]).ids[0])
    demo.claims.sign(number, KEY, tmp_path / "claim.tsclaim")
    lines = demo.claims.show(number)["lines"]
    rows = [["补贴审核结果"], HEADER]
    rows += [[x["id_number"], x["name"], "核准", x["amount_fen"] / 100, ""] for x in lines[1:]]
    rows.append(["110101199003077777", "外人", "核准", 100, ""])           # row 3 + n - 1
    rows.append([lines[2]["id_number"], lines[2]["name"], "核准", 99999, ""])  # a duplicate
    path = write_xlsx(tmp_path / "bad.xlsx", {"审核结果": rows}, text_columns=[0])
    report = demo.claims.import_decision(number, path)
    codes = {(d.code, d.row) for d in report.differences}
    unknown_row = 2 + len(lines)
    assert ("DECISION_UNKNOWN_PERSON", unknown_row) in codes
    assert ("DECISION_DUPLICATE", unknown_row + 1) in codes
    assert ("DECISION_LINE_MISSING", 0) in codes
    assert f"Row {unknown_row}:" in next(d.message() for d in report.differences
                                         if d.code == "DECISION_UNKNOWN_PERSON")
    assert not report.saved and demo.claims.get(number)["state"] == "signed"
    assert not any(h["source"] == "claim" for x in lines
                   for h in history_sql.of_person(demo.db, x["person_id"]))
    # an amount above the claimed one
    rows = [HEADER] + [[x["id_number"], x["name"], "核准", x["amount_fen"] / 100 + 1, ""]
                       for x in lines]
    path = write_xlsx(tmp_path / "above.xlsx", {"审核结果": rows}, text_columns=[0])
    report = demo.claims.import_decision(number, path)
    assert {d.code for d in report.errors} == {"DECISION_ABOVE_CLAIMED"}
    assert report.errors[0].row == 2


def test_create_refuses_a_class_not_assessed(demo):
    other = demo.classes.list(state="in_training").rows[0]
    with pytest.raises(ClaimClassesRefused) as refused:
        demo.claims.create([other.id])
    assert refused.value.issues[0].code == "CLAIM_CLASS_NOT_ASSESSED"


def test_blocking_problems_prevent_signing(demo, tmp_path):
    klass = assessed(demo)[0]
    number = demo.claims.number_of(demo.claims.create([klass.id]).ids[0])
    line = demo.claims.show(number)["lines"][0]
    # the trainee's result is corrected to a fail after the claim was made
    demo.db.execute("UPDATE enrolment SET result = 'fail' WHERE id = ?", [line["enrolment_id"]])
    with pytest.raises(ClaimBlocked) as blocked:
        demo.claims.sign(number, KEY, tmp_path / "claim.tsclaim")
    assert "RULE_RESULT" in {issue.code for issue in blocked.value.issues}
    assert demo.claims.get(number)["state"] == "draft"
    assert not (tmp_path / "claim.tsclaim").exists()
