"""The command line logs in too (issue 9): --user with SKILLDESK_PASSWORD or a prompt; the
demo logs in as its documented administrator when no user is given."""

from __future__ import annotations

import json

from skilldesk.core.accounts import DEMO_ACCOUNTS
from skilldesk.storage import database
from tests.cli_helpers import run


def test_the_demo_is_encrypted_with_documented_accounts_and_needs_no_login(capsys, tmp_path):
    db = tmp_path / "demo.skilldesk"
    code, out, _ = run(capsys, "--db", str(db), "demo", "--people", "60", "--json")
    assert code == 0
    accounts = json.loads(out)["accounts"]
    assert [(a["user"], a["role"]) for a in accounts] == [(u, r) for u, _d, r, _p in
                                                          DEMO_ACCOUNTS]
    assert database.is_encrypted(db)
    code, out, _ = run(capsys, "--db", str(db), "info", "--json")   # the demo administrator
    assert code == 0 and json.loads(out)["counts"]["person"] == 60


def test_a_read_only_account_is_refused_by_the_facade(capsys, tmp_path):
    db = tmp_path / "demo.skilldesk"
    run(capsys, "--db", str(db), "demo", "--people", "30")
    code, out, _ = run(capsys, "--db", str(db), "--user", "viewer", "accounts", "add", "x",
                       "--role", "clerk", "--json")
    error = json.loads(out)["error"]
    assert code == 1 and error["code"] == "E_PERMISSION", error   # (the message if not)
    code, out, _ = run(capsys, "--db", str(db), "--user", "viewer", "accounts", "list",
                       "--json")
    assert code == 0 and len(json.loads(out)["users"]) == 4


def test_init_with_an_administrator_then_every_command_needs_the_password(
        capsys, tmp_path, monkeypatch):
    db = tmp_path / "school.skilldesk"
    monkeypatch.setenv("SKILLDESK_NEW_PASSWORD", "head-teacher-1")
    code, out, _ = run(capsys, "--db", str(db), "init", "--name", "示范学校", "--uscc",
                       "91110000600037341L", "--admin", "boss", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["encrypted"] and len(doc["recovery_key"].split("-")) == 13
    code, out, _ = run(capsys, "--db", str(db), "info", "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_LOGIN_REQUIRED"
    monkeypatch.setenv("SKILLDESK_PASSWORD", "wrong-password")
    code, out, _ = run(capsys, "--db", str(db), "--user", "boss", "info", "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_LOGIN"
    monkeypatch.setenv("SKILLDESK_PASSWORD", "head-teacher-1")
    code, out, _ = run(capsys, "--db", str(db), "--user", "boss", "info", "--json")
    assert code == 0 and json.loads(out)["institution"]["name"] == "示范学校"

    monkeypatch.setenv("SKILLDESK_NEW_PASSWORD", "clerk-password")
    code, _, _ = run(capsys, "--db", str(db), "--user", "boss", "accounts", "add", "li",
                     "--role", "clerk")
    assert code == 0
    monkeypatch.setenv("SKILLDESK_RECOVERY_KEY", doc["recovery_key"])
    monkeypatch.setenv("SKILLDESK_NEW_PASSWORD", "after-recovery")
    code, _, _ = run(capsys, "--db", str(db), "--user", "boss", "accounts", "recover")
    assert code == 0
    monkeypatch.setenv("SKILLDESK_PASSWORD", "after-recovery")
    code, out, _ = run(capsys, "--db", str(db), "--user", "boss", "accounts", "list", "--json")
    assert code == 0 and {u["username"] for u in json.loads(out)["users"]} == {"boss", "li"}


def test_a_plain_init_warns_that_the_database_is_not_encrypted(capsys, tmp_path):
    db = tmp_path / "plain.skilldesk"
    code, out, _ = run(capsys, "--db", str(db), "init", "--name", "示范学校", "--uscc",
                       "91110000600037341L", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["encrypted"] is False and doc["recovery_key"] is None
    assert not database.is_encrypted(db)
    code, out, _ = run(capsys, "--db", str(tmp_path / "plain2.skilldesk"), "init", "--name",
                       "示范学校", "--uscc", "91110000600037341L")
    assert code == 0 and ("not encrypted" in out or "未加密" in out)


def test_setup_prints_the_recovery_sheet_for_the_safe(capsys, tmp_path, monkeypatch):
    from pypdf import PdfReader

    db = tmp_path / "school.skilldesk"
    run(capsys, "--db", str(db), "init", "--name", "示范学校", "--uscc", "91110000600037341L")
    monkeypatch.setenv("SKILLDESK_NEW_PASSWORD", "head-teacher-1")
    sheet = tmp_path / "recovery.pdf"
    code, out, _ = run(capsys, "--db", str(db), "accounts", "setup", "--admin", "boss",
                       "--recovery-pdf", str(sheet), "--json")
    key = json.loads(out)["recovery_key"]
    text = "".join(page.extract_text() for page in PdfReader(sheet).pages)
    assert code == 0 and database.is_encrypted(db)
    for group in key.split("-"):
        assert group in text
    assert "示范学校" in text and "boss" in text
