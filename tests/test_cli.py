"""skilldesk-cli: the contract of DESIGN.md §6 (exit codes, --json documents)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from skilldesk import __version__
from skilldesk.cli import main
from skilldesk.storage import migrations
from tests.cli_helpers import run

GOOD_USCC = "91110000600037341L"


def test_version_is_printed_by_the_installed_entry_point():
    result = subprocess.run([sys.executable, "-m", "skilldesk.cli", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"skilldesk {__version__}"


def test_redirected_output_is_utf8_whatever_the_code_page(tmp_path):
    # a Windows pipe gets cp1252/cp936 by default, which cannot encode Chinese names
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "SKILLDESK_HOME": str(tmp_path)}
    db = tmp_path / "school.skilldesk"
    made = subprocess.run([sys.executable, "-m", "skilldesk.cli", "--db", str(db), "init",
                           "--name", "测试学校", "--uscc", GOOD_USCC, "--json"],
                          capture_output=True, env=env)
    assert made.returncode == 0, made.stderr.decode("utf-8", "replace")
    assert json.loads(made.stdout.decode("utf-8"))["institution"]["name"] == "测试学校"
    refused = subprocess.run([sys.executable, "-m", "skilldesk.cli", "--db",
                              str(tmp_path / "none.skilldesk"), "info"],
                             capture_output=True, env=env)
    assert refused.returncode == 1
    refused.stderr.decode("utf-8")   # the Chinese message, encoded as UTF-8


def test_init_then_info(capsys, tmp_path):
    db = tmp_path / "school.skilldesk"
    code, out, _ = run(capsys, "--db", str(db), "init", "--name", "测试学校",
                       "--uscc", GOOD_USCC, "--json")
    assert code == 0
    assert json.loads(out)["institution"]["uscc"] == GOOD_USCC
    code, out, _ = run(capsys, "--db", str(db), "info", "--json")
    info = json.loads(out)
    assert code == 0
    assert info["institution"]["name"] == "测试学校"
    assert info["schema_version"] == migrations.latest_name()
    assert info["counts"]["person"] == 0
    assert info["integrity"] == "ok"


def test_init_with_a_bad_credit_code_exits_1_and_writes_nothing(capsys, tmp_path):
    db = tmp_path / "school.skilldesk"
    code, out, err = run(capsys, "--db", str(db), "init", "--name", "测试学校",
                         "--uscc", "91110000600037341A", "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["ok"] is False and doc["issues"][0]["code"] == "USCC_CHECK_CHAR"
    assert "91110000600037341A" not in err or "L" in err  # the message names the fix
    assert not db.exists()


def test_messages_follow_the_language(capsys, tmp_path, monkeypatch):
    from skilldesk import config

    config.save(config.Preferences(language="zh_CN"))
    try:
        code, _, err = run(capsys, "--db", str(tmp_path / "x"), "init", "--name", "x",
                           "--uscc", "123")
    finally:
        config.save(config.Preferences(language="en"))
    assert code == 1
    assert "错误" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["init", "--name", "only a name"])
    assert info.value.code == 2
    assert main([]) == 2


def test_demo_builds_a_realistic_database(capsys, tmp_path):
    db = tmp_path / "demo.skilldesk"
    code, out, _ = run(capsys, "--db", str(db), "demo", "--people", "300", "--seed", "7",
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["db"] == str(db) and doc["people"] == 300
    assert doc["classes"] >= 10 and doc["enrolments"] > 0
    code, out, _ = run(capsys, "--db", str(db), "info", "--json")
    info = json.loads(out)
    assert info["counts"]["person"] == 300
    assert info["counts"]["enrolment"] == doc["enrolments"]
    assert info["institution"]["is_demo"] is True
    assert {"draft", "filed", "approved", "in_training", "completed", "assessed",
            "claimed", "paid", "rejected", "withdrawn"} <= set(info["classes_by_state"])


def test_demo_refuses_to_overwrite(capsys, tmp_path):
    db = tmp_path / "demo.skilldesk"
    db.write_bytes(b"precious")
    code, _, err = run(capsys, "--db", str(db), "demo", "--people", "10")
    assert code == 1 and "already exists" in err
    assert db.read_bytes() == b"precious"


def test_info_on_a_non_database_exits_1(capsys, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello", encoding="utf-8")
    code, out, _ = run(capsys, "--db", str(bogus), "info", "--json")
    assert code == 1
    assert json.loads(out)["error"]["code"] == "E_NOT_A_DATABASE"


def test_info_reports_a_damaged_file(capsys, tmp_path):
    from tests.storage.test_database import _damage

    db = tmp_path / "damaged.skilldesk"
    _damage(db)
    code, out, err = run(capsys, "--db", str(db), "info", "--json")
    assert code == 1
    assert json.loads(out)["error"]["code"] == "E_DB_CORRUPT"
    assert "备份" in err  # the CLI speaks Chinese unless the user chose English
