"""``skilldesk-cli claim …`` end to end on a demo institution."""

from __future__ import annotations

import json

import pytest

from skilldesk.core.desk import Desk
from tests.cli_helpers import run
from tests.imports.files import write_xlsx

PASSPHRASE = "correct horse battery staple 2026"


def _demo(tmp_path):
    path = tmp_path / "demo.skilldesk"
    desk = Desk.open(path, create=True)
    try:
        desk.build_demo(people=600, seed=2)
        code = desk.classes.list(state="assessed").rows[0].code
    finally:
        desk.close()
    return path, code


def test_claim_commands(capsys, tmp_path, monkeypatch):
    from skilldesk.signing.keys import generate_key_file

    db, class_code = _demo(tmp_path)
    key = tmp_path / "institution.key"
    generate_key_file(key, PASSPHRASE, institution={"name": "x", "uscc": "y"},
                      created_at="2026-11-01T00:00:00Z")
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", PASSPHRASE)

    code, out, _ = run(capsys, "--db", str(db), "claim", "create", "--class", class_code,
                       "--json")
    assert code == 0
    created = json.loads(out)
    number = created["claim_no"]
    assert created["state"] == "draft" and created["lines"] and created["excluded"]
    assert created["totals"]["total_fen"] == sum(x["amount_fen"] for x in created["lines"])

    code, out, _ = run(capsys, "--db", str(db), "claim", "show", number, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["versions"][0]["state"] == "draft"
    assert shown["excluded"][0]["reasons"][0]["message"]

    # a folder that does not exist: a clear error, nothing signed
    code, out, _ = run(capsys, "--db", str(db), "claim", "sign", number, "--key", str(key),
                       "--out", str(tmp_path / "no-such-folder" / "c.tsclaim"), "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_NOT_FOUND"
    assert "no-such-folder" in json.loads(out)["error"]["message"]
    package = tmp_path / "claim.tsclaim"
    code, out, err = run(capsys, "--db", str(db), "claim", "sign", number, "--key", str(key),
                         "--out", str(package), "--json")
    assert code == 0, err
    signed = json.loads(out)
    assert package.exists() and signed["package_seq"] == 1
    # signed already: refused before any passphrase is asked for
    monkeypatch.delenv("SKILLDESK_KEY_PASSPHRASE")
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("asked for a passphrase"))
    code, out, _ = run(capsys, "--db", str(db), "claim", "sign", number, "--key", str(key),
                       "--out", str(tmp_path / "again.tsclaim"), "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_CLAIM_LOCKED"
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", PASSPHRASE)

    code, out, _ = run(capsys, "--db", str(db), "claim", "receipt", number, "--out",
                       str(tmp_path / "receipt.pdf"), "--json")
    assert code == 0 and json.loads(out)["pages"] == 1

    code, out, _ = run(capsys, "--db", str(db), "claim", "decision", number,
                       str(_file(tmp_path, shown["lines"], extra=True)), "--json")
    report = json.loads(out)
    assert code == 1 and not report["saved"]
    assert [d["row"] for d in report["differences"]] == [2 + len(shown["lines"])]

    code, out, _ = run(capsys, "--db", str(db), "claim", "decision", number,
                       str(_file(tmp_path, shown["lines"])), "--json")
    report = json.loads(out)
    assert code == 0 and report["state"] == "decided"
    code, out, _ = run(capsys, "--db", str(db), "claim", "pay", number, "--amount",
                       f"{report['approved_fen'] / 100:.2f}", "--json")
    assert code == 0 and json.loads(out)["state"] == "paid"

    code, out, _ = run(capsys, "--db", str(db), "claim", "new-version", number, "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_CLAIM_STATE"


def test_new_version_and_unknown_claim(capsys, tmp_path, monkeypatch):
    db, class_code = _demo(tmp_path)
    code, out, _ = run(capsys, "--db", str(db), "claim", "show", "SQ1999-0001", "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_CLAIM_NOT_FOUND"
    code, out, _ = run(capsys, "--db", str(db), "claim", "create", "--class", class_code,
                       "--json")
    number = json.loads(out)["claim_no"]
    code, out, _ = run(capsys, "--db", str(db), "claim", "new-version", number, "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_CLAIM_STATE"  # still a draft


def _file(tmp_path, lines, *, extra=False):
    rows = [["证件号码", "姓名", "审核结果", "核准金额", "驳回原因"]]
    rows += [[x["id_number"], x["name"], "核准", x["amount_fen"] / 100, ""] for x in lines]
    if extra:
        rows.append(["110101199003077777", "外人", "核准", 100, ""])
    return write_xlsx(tmp_path / ("extra.xlsx" if extra else "decision.xlsx"),
                      {"Sheet1": rows}, text_columns=[0])
