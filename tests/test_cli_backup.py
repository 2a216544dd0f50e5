"""``skilldesk-cli backup create|list|verify|restore`` on real files."""

from __future__ import annotations

import json

import pytest

from skilldesk.core.backups import NO_AUTO_ENV
from skilldesk.storage import backup as store
from tests.cli_helpers import count
from tests.cli_helpers import new_school
from tests.cli_helpers import run


@pytest.fixture
def school(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(NO_AUTO_ENV, raising=False)
    return new_school(tmp_path, capsys)


def _add_rows(path, n=200):
    from skilldesk.core.desk import Desk
    from skilldesk.core.models import PersonDraft
    from skilldesk.rules.identifiers import id_check_char

    desk = Desk.open(path)
    try:
        for i in range(n):
            body = f"32050819800101{i + 101:03d}"
            desk.people.save(PersonDraft(name="赵钱孙李周吴郑王冯陈"[i % 10] + "小明",
                                         id_number=body + id_check_char(body)))
    finally:
        desk.close()


def test_create_list_verify_restore(school, capsys, tmp_path):
    code, out, _err = run(capsys, "--db", str(school), "backup", "create", "--json")
    assert code == 0
    made = json.loads(out)["backup"]
    assert made["reason"] == "manual" and made["size"] > 0
    code, out, _err = run(capsys, "--db", str(school), "backup", "list", "--json")
    listed = json.loads(out)
    assert [b["path"] for b in listed["backups"]] == [made["path"]]
    assert listed["folder"] == str(tmp_path / "backups" / "school")
    code, out, _err = run(capsys, "--db", str(school), "backup", "verify", made["path"], "--json")
    assert code == 0 and json.loads(out) == {"path": made["path"], "ok": True, "problems": []}

    _add_rows(school, 3)
    assert count(school, "SELECT count(*) FROM person") == 3
    # without --yes and without a terminal: the preview is shown and nothing is done
    from skilldesk import config

    config.save(config.Preferences(language="en"))  # restored after the test (conftest)
    code, _out, err = run(capsys, "--db", str(school), "backup", "restore", made["path"])
    assert code == 2 and "People: 0 in the backup, 3 now" in err, err
    assert count(school, "SELECT count(*) FROM person") == 3

    code, out, _err = run(capsys, "--db", str(school), "backup", "restore", made["path"],
                          "--yes", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["restored"] and doc["preview"]["differences"]["person"] == {"then": 0, "now": 3}
    assert count(school, "SELECT count(*) FROM person") == 0
    saved = doc["saved_current_as"]
    assert "-restore" in saved and store.summary(saved)["counts"]["person"] == 3
    assert count(school, "SELECT count(*) FROM op_log WHERE action = 'restore' "
                         "AND entity = 'backup'") == 1
    code, out, _err = run(capsys, "--db", str(school), "backup", "list", "--json")
    assert {b["reason"] for b in json.loads(out)["backups"]} == {"manual", "restore"}


def test_a_damaged_backup_fails_verify_and_restore(school, capsys):
    _add_rows(school)
    code, out, _err = run(capsys, "--db", str(school), "backup", "create", "--json")
    path = json.loads(out)["backup"]["path"]
    size = len(open(path, "rb").read())
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xa5" * 8192)
    code, out, _err = run(capsys, "--db", str(school), "backup", "verify", path, "--json")
    doc = json.loads(out)
    assert code == 1 and not doc["ok"] and doc["problems"]
    code, out, _err = run(capsys, "--db", str(school), "backup", "restore", path, "--yes",
                          "--json")
    assert code == 1 and json.loads(out)["restored"] is False
    assert count(school, "SELECT count(*) FROM person") == 200
    code, out, _err = run(capsys, "--db", str(school), "backup", "list", "--json")
    assert [b["reason"] for b in json.loads(out)["backups"]] == ["manual"]  # no restore made


def test_a_missing_backup_is_an_error(school, capsys, tmp_path):
    code, _out, err = run(capsys, "--db", str(school), "backup", "verify",
                          str(tmp_path / "nope.skilldesk"))
    assert code == 1 and ("not found" in err or "找不到" in err)


def test_an_import_through_the_cli_leaves_a_backup(school, capsys, tmp_path):
    from tests.imports.files import write_csv
    from skilldesk.rules.identifiers import id_check_char

    body = "32050819900101011"
    roster = write_csv(tmp_path / "r.csv", [["姓名", "性别", "身份证号码"],
                                            ["王小明", "男", body + id_check_char(body)]])
    code, _out, _err = run(capsys, "--db", str(school), "import", "roster", str(roster), "--json")
    assert code == 0
    code, out, _err = run(capsys, "--db", str(school), "backup", "list", "--json")
    assert [b["reason"] for b in json.loads(out)["backups"]] == ["import"]


def test_signing_a_claim_leaves_a_claim_backup_first(capsys, tmp_path, monkeypatch):
    from skilldesk.core.desk import Desk
    from skilldesk.signing.keys import generate_key_file

    monkeypatch.delenv(NO_AUTO_ENV, raising=False)
    db = tmp_path / "demo.skilldesk"
    desk = Desk.open(db, create=True)
    try:
        desk.build_demo(people=600, seed=2)
        class_code = desk.classes.list(state="assessed").rows[0].code
    finally:
        desk.close()
    passphrase = "correct horse battery staple 2026"
    key = tmp_path / "institution.key"
    generate_key_file(key, passphrase, institution={"name": "x", "uscc": "y"},
                      created_at="2026-11-01T00:00:00Z")
    monkeypatch.setenv("SKILLDESK_KEY_PASSPHRASE", passphrase)
    code, out, _ = run(capsys, "--db", str(db), "claim", "create", "--class", class_code,
                       "--json")
    number = json.loads(out)["claim_no"]
    code, out, err = run(capsys, "--db", str(db), "claim", "sign", number, "--key", str(key),
                         "--out", str(tmp_path / "claim.tsclaim"), "--json")
    assert code == 0, err
    code, out, _err = run(capsys, "--db", str(db), "backup", "list", "--json")
    made = json.loads(out)["backups"]
    assert [b["reason"] for b in made] == ["claim"]
    summary = store.summary(made[0]["path"])
    assert summary["counts"]["claim"] == 1  # the draft, before it was signed
