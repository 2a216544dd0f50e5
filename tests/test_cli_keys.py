"""``skilldesk-cli keys ...`` (issue 7): generate, fingerprint, export-public,
registration-form, rotate; passphrases from SKILLDESK_KEY_PASSPHRASE."""

from __future__ import annotations

import json
import os
import stat

import pytest
from pypdf import PdfReader

from skilldesk.signing import keys
from tests.cli_helpers import new_school
from tests.cli_helpers import run

PASS = "passphrase for tests"


@pytest.fixture
def school(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", PASS)
    return new_school(tmp_path, capsys)


def generate(capsys, db, out) -> dict:
    status, stdout, _err = run(capsys, "--db", str(db), "keys", "generate", "--out", str(out),
                               "--json")
    assert status == 0, stdout
    return json.loads(stdout)


def test_generate_writes_an_encrypted_key_outside_the_database(school, tmp_path, capsys):
    out = tmp_path / "keys" / "institution.key"
    out.parent.mkdir()
    data = generate(capsys, school, out)
    fp = data["fingerprint"]
    assert len(fp) == 32 and data["grouped"] == keys.group(fp)
    assert keys.load_private_key(out, PASS)
    assert keys.key_file_info(out).institution == {"name": "示范学校",
                                                    "uscc": "91110000600037341L"}
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert fp.encode() not in school.read_bytes()  # nothing went into the database
    # human output: the fingerprint in groups; no warning for a separate folder
    other = tmp_path / "keys" / "second.key"
    status, stdout, err = run(capsys, "--db", str(school), "keys", "generate", "--out",
                              str(other))
    assert status == 0 and keys.group(keys.key_file_info(other).fingerprint) in stdout
    assert "Warning" not in err


def test_generate_warns_next_to_the_database_and_never_overwrites(school, capsys):
    out = school.parent / "institution.key"
    status, _out, err = run(capsys, "--db", str(school), "keys", "generate", "--out", str(out))
    assert status == 0 and ("same folder as the database" in err or "与数据库位于同一文件夹" in err)
    before = out.read_bytes()
    status, stdout, _err = run(capsys, "--db", str(school), "keys", "generate", "--out",
                               str(out), "--json")
    assert status == 1 and json.loads(stdout)["error"]["code"] == "E_FILE_EXISTS"
    assert out.read_bytes() == before


def test_generate_refuses_a_short_passphrase(school, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", "short")
    out = tmp_path / "k.key"
    status, stdout, _err = run(capsys, "--db", str(school), "keys", "generate", "--out",
                               str(out), "--json")
    assert status == 1 and json.loads(stdout)["error"]["code"] == "E_WEAK_PASSPHRASE"
    assert not out.exists()


def test_generate_needs_an_institution(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", PASS)
    db = tmp_path / "empty.skilldesk"
    from skilldesk.core.desk import Desk
    Desk.open(db, create=True).close()
    status, stdout, _err = run(capsys, "--db", str(db), "keys", "generate", "--out",
                               str(tmp_path / "k.key"), "--json")
    assert status == 1 and "init" in json.loads(stdout)["error"]["message"]


def test_fingerprint_export_public_and_registration_form(school, tmp_path, capsys):
    key = tmp_path / "institution.key"
    fp = generate(capsys, school, key)["fingerprint"]
    status, stdout, _err = run(capsys, "keys", "fingerprint", str(key), "--json")
    assert status == 0 and json.loads(stdout)["fingerprint"] == fp
    pub = tmp_path / "institution.pub"
    status, stdout, _err = run(capsys, "keys", "export-public", str(key), "--out", str(pub),
                               "--json")
    assert status == 0 and json.loads(stdout)["fingerprint"] == fp
    assert keys.read_public_key_file(pub).fingerprint == fp
    status, stdout, _err = run(capsys, "keys", "fingerprint", str(pub))
    assert status == 0 and keys.group(fp) in stdout

    pdf = tmp_path / "form.pdf"
    status, stdout, _err = run(capsys, "--db", str(school), "keys", "registration-form",
                               "--key", str(pub), "--out", str(pdf), "--today", "2026-05-02",
                               "--json")
    assert status == 0 and json.loads(stdout)["pages"] == 1
    text = "".join("".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert fp in text and "示范学校" in text and "91110000600037341L" in text
    first = pdf.read_bytes()
    pdf.unlink()
    run(capsys, "--db", str(school), "keys", "registration-form", "--key", str(key), "--out",
        str(pdf), "--today", "2026-05-02")
    assert pdf.read_bytes() == first  # deterministic, and the private file works too


def test_registration_form_in_chinese_prints_every_field(school, tmp_path, capsys):
    from skilldesk import i18n
    from skilldesk.i18n import _
    from skilldesk.reports.form_key import DECLARATION
    from skilldesk.reports.form_key import TITLE
    from skilldesk.reports.form_key import render_key_registration

    key = tmp_path / "institution.key"
    fp = generate(capsys, school, key)["fingerprint"]
    info = keys.key_file_info(key)
    i18n.set_language("zh_CN")
    pdf = tmp_path / "form.pdf"
    import base64
    import datetime as dt
    render_key_registration(pdf, {
        "institution": {"name": "示范学校", "uscc": "91110000600037341L",
                        "address": "苏州市姑苏区人民路 100 号", "contact_name": "王老师",
                        "contact_phone": "13912345678"},
        "algorithm": "Ed25519", "created_at": info.created_at, "fingerprint": fp,
        "public_key": base64.b64encode(info.public_key_raw).decode()},
        printed=dt.date(2026, 5, 2))
    text = "".join((PdfReader(pdf).pages[0].extract_text() or "").split())
    # the title and declaration in the current language (密钥备案表 once translated)
    for msgid in (TITLE, DECLARATION):
        assert "".join(_(msgid).split())[:40] in text
    assert fp in text and "人民路100号" in text and "王老师" in text


def test_registration_form_refuses_another_institutions_key(school, tmp_path, capsys):
    key = tmp_path / "institution.key"
    keys.generate_key_file(key, PASS, institution={"name": "别家", "uscc": "91320500MA1X00000X"},
                           created_at="2026-05-01")
    pdf = tmp_path / "form.pdf"
    status, stdout, _err = run(capsys, "--db", str(school), "keys", "registration-form",
                               "--key", str(key), "--out", str(pdf), "--json")
    assert status == 1 and "91320500MA1X00000X" in json.loads(stdout)["error"]["message"]
    assert not pdf.exists()


def test_wrong_passphrase_and_damaged_key_are_exit_1(school, tmp_path, capsys, monkeypatch):
    old, new = tmp_path / "old.key", tmp_path / "new.key"
    generate(capsys, school, old)
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", "another passphrase")
    generate(capsys, school, new)
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", PASS)
    monkeypatch.setenv("SKILLDESK_NEW_KEY_PASSPHRASE", "wrong passphrase")
    statement = tmp_path / "rotation.json"
    status, stdout, _err = run(capsys, "keys", "rotate", "--old", str(old), "--new", str(new),
                               "--out", str(statement), "--json")
    assert status == 1
    assert json.loads(stdout)["error"]["code"] == "E_WRONG_PASSPHRASE"
    assert not statement.exists()
    broken = tmp_path / "broken.key"
    broken.write_text("{}")
    status, stdout, _err = run(capsys, "keys", "fingerprint", str(broken), "--json")
    assert status == 1 and json.loads(stdout)["error"]["code"] == "E_KEY_FILE"


def test_rotate_writes_a_statement_both_keys_signed(school, tmp_path, capsys, monkeypatch):
    old, new = tmp_path / "old.key", tmp_path / "new.key"
    old_fp = generate(capsys, school, old)["fingerprint"]
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", "the new passphrase")
    new_fp = generate(capsys, school, new)["fingerprint"]
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", PASS)
    monkeypatch.setenv("SKILLDESK_NEW_KEY_PASSPHRASE", "the new passphrase")
    statement = tmp_path / "rotation.json"
    status, stdout, _err = run(capsys, "keys", "rotate", "--old", str(old), "--new", str(new),
                               "--out", str(statement), "--json")
    assert status == 0
    data = json.loads(stdout)
    assert (data["old_fingerprint"], data["new_fingerprint"]) == (old_fp, new_fp)
    assert keys.verify_rotation(statement.read_bytes()) == (old_fp, new_fp)
