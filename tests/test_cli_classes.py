"""skilldesk-cli class create/list/show/advance: the JSON contract of issue 4."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.cli_helpers import new_school
from tests.cli_helpers import run
from tests.core.test_classes import id_number
from tests.imports.files import write_csv

START = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture
def db(tmp_path, capsys):
    return new_school(tmp_path, capsys)


def create(capsys, db, code="SZ2026-201", *extra):
    return run(capsys, "--db", str(db), "class", "create", "--code", code, "--name", "电工初级班",
               "--type", "employment_skill", "--start", START.isoformat(),
               "--end", (START + dt.timedelta(days=20)).isoformat(),
               "--occupation-code", "6-31-01-03", "--occupation", "电工", "--level", "L5",
               "--category", "A", "--theory", "16", "--practice", "24", "--venue", "实训楼 201",
               "--capacity", "30", "--teaching-plan", "教学计划", "--assessment-plan", "考核方案",
               "--fee", "1200.50", "--teacher", "周建国:高级技师::both", "--json", *extra)


def test_create_list_show_and_advance_with_blockers(db, tmp_path, capsys):
    code, out, _ = create(capsys, db)
    assert code == 0 and json.loads(out)["state"] == "draft"
    code, out, err = create(capsys, db)  # the same code again
    assert code == 1 and json.loads(out)["issues"][0]["code"] == "CLASS_CODE_TAKEN"
    assert "SZ2026-201" in err

    code, out, _ = run(capsys, "--db", str(db), "class", "advance", "SZ2026-201", "--to", "filed",
                       "--json")
    doc = json.loads(out)
    assert code == 1 and doc["error"]["code"] == "E_GUARD"
    assert [(b["code"], b["target"]) for b in doc["blockers"]] == [("CLASS_ROSTER_EMPTY", "roster")]

    roster = write_csv(tmp_path / "r.csv", [["姓名", "身份证号码", "联系电话"],
                                            ["张伟", id_number(1), "13912345678"],
                                            ["王芳", id_number(2), "13912345679"]], "gbk")
    code, out, _ = run(capsys, "--db", str(db), "import", "roster", str(roster), "--class",
                       "SZ2026-201", "--json")
    assert code == 0 and json.loads(out)["new"] == 2
    code, out, _ = run(capsys, "--db", str(db), "class", "advance", "SZ2026-201", "--to", "filed",
                       "--json")
    assert code == 0 and json.loads(out)["state"] == "filed"

    code, out, _ = run(capsys, "--db", str(db), "class", "show", "SZ2026-201", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["class"]["state"] == "filed" and doc["class"]["fee_fen"] == 120050
    assert doc["teachers"] == [{"name": "周建国", "qualification": "高级技师",
                                "certificate_no": "", "role": "both"}]
    assert [t["name"] for t in doc["trainees"]] == ["张伟", "王芳"]
    assert doc["trainees"][0]["id_number"] == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert set(doc["next"]) == {"approved", "rejected", "withdrawn"}
    assert doc["stats"]["pass_target"] == 0.9

    code, out, _ = run(capsys, "--db", str(db), "class", "advance", "SZ2026-201", "--to",
                       "rejected", "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_REASON_REQUIRED"
    code, out, _ = run(capsys, "--db", str(db), "class", "advance", "SZ2026-201", "--to",
                       "approved", "--json")
    assert code == 0

    create(capsys, db, "SZ2026-202")
    code, out, _ = run(capsys, "--db", str(db), "class", "list", "--state", "draft", "--json")
    doc = json.loads(out)
    assert [c["code"] for c in doc["classes"]] == ["SZ2026-202"]
    assert doc["by_state"] == {"draft": 1, "approved": 1}
    code, out, _ = run(capsys, "--db", str(db), "class", "list", "--search", "201", "--json")
    assert [(c["code"], c["trainees"]) for c in json.loads(out)["classes"]] == [("SZ2026-201", 2)]


def test_unknown_class_and_bad_fee_are_clear_errors(db, capsys):
    code, out, err = run(capsys, "--db", str(db), "class", "show", "NOPE", "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_NOT_FOUND" and "NOPE" in err
    code, out, _ = create(capsys, db, "SZ2026-203", "--fee", "12.345")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_USAGE"


def test_human_output_is_chinese(db, capsys):
    from skilldesk import config
    assert config.load().language == "zh_CN"
    create(capsys, db)
    code, out, _ = run(capsys, "--db", str(db), "class", "show", "SZ2026-201")
    assert code == 0 and "草稿" in out and "学员名单为空" in out
