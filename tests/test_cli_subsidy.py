"""skilldesk-cli subsidy check: the JSON contract of issue 5."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import run


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-subsidy") / "demo.skilldesk"
    from skilldesk.cli import main
    assert main(["--db", str(path), "demo", "--people", "600", "--seed", "2"]) == 0
    return path


def test_check_reports_every_trainee_with_outcomes_and_readiness(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "class", "list", "--json")
    classes = json.loads(out)["classes"]
    paid = next(c for c in classes if c["state"] in ("paid", "claimed", "assessed"))
    code, out, err = run(capsys, "--db", str(demo_db), "subsidy", "check", "--class",
                         paid["code"], "--json")
    doc = json.loads(out)
    assert code in (0, 1) and (code == 1) == bool(doc["readiness"]["blocking"])
    assert doc["class"]["code"] == paid["code"] and doc["rule_set"]["id"] == "js-suzhou-2023"
    assert doc["catalogue"]["sample"] is True
    assert doc["total_fen"] == sum(line["amount_fen"] for line in doc["lines"])
    assert doc["total_fen"] == sum(doc["totals"]["by_payee"].values())
    assert len(doc["lines"]) == paid["trainees"] + sum(
        1 for line in doc["lines"] if any(o["rule"] == "enrolled" for o in line["outcomes"]))
    for line in doc["lines"]:
        assert set(line) >= {"person_id", "name", "eligible", "amount_fen", "payee", "outcomes"}
        assert line["payee"] in ("institution", "person")
        assert line["eligible"] == (line["amount_fen"] > 0)
        assert line["eligible"] == (not any(o["severity"] == "blocking" and not o["passed"]
                                            for o in line["outcomes"]))
        for outcome in line["outcomes"]:
            assert set(outcome) == {"rule", "severity", "passed", "message", "clause"}
            assert outcome["severity"] in ("blocking", "warning", "info")
    assert any(line["eligible"] for line in doc["lines"])
    for signal in doc["readiness"]["blocking"] + doc["readiness"]["warnings"]:
        assert signal["count"] == len(signal["records"]) and signal["message"]


def test_unknown_class_is_an_error(demo_db, capsys):
    code, out, err = run(capsys, "--db", str(demo_db), "subsidy", "check", "--class", "NOPE",
                         "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_NOT_FOUND"
