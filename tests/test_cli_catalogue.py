"""``skilldesk-cli catalogue import|show|activate``: the JSON contract and exit codes."""

from __future__ import annotations

import json

from skilldesk.core.desk import Desk
from tests.cli_helpers import new_school
from tests.cli_helpers import run
from tests.imports.files import write_csv
from tests.imports.files import write_xlsx

HEADER = ["职业编码", "职业名称", "工种", "等级", "类别", "补贴标准", "是否紧缺"]
ROWS = [["6-18-01-01", "车工", "", "五级", "A", "1,000元", "是"],
        ["6-18-01-01", "车工", "", "四级", "A", 1500, ""],
        ["", "茶艺", "", "合格证", "C", 500, ""]]


def _catalogue(tmp_path, rows, name="目录.csv"):
    return write_csv(tmp_path / name, [["2025年职业培训补贴目录"], HEADER, *rows])


def _stored(path) -> int:
    desk = Desk.open(path)
    try:
        return len(desk.catalogue.list())
    finally:
        desk.close()


def test_dry_run_reports_and_writes_nothing(tmp_path, capsys) -> None:
    db = new_school(tmp_path, capsys)
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "import",
                          str(_catalogue(tmp_path, ROWS)), "--year", "2025", "--dry-run",
                          "--json")
    assert code == 0
    doc = json.loads(out)
    assert {k: doc[k] for k in ("rows", "added", "removed", "changed", "invalid",
                                "committed")} == {
        "rows": 3, "added": 3, "removed": 0, "changed": 0, "invalid": 0, "committed": False}
    assert doc["errors"] == [] and doc["warnings"] == []
    assert [(i["occupation_code"], i["level"], i["standard_fen"])
            for i in doc["diff"]["added"]] == [("6-18-01-01", "L5", 100000),
                                               ("6-18-01-01", "L4", 150000),
                                               ("", "certificate", 50000)]
    assert doc["diff"]["removed"] == [] and doc["diff"]["changed"] == []
    assert _stored(db) == 0


def test_import_activate_show_and_diff_of_the_next_one(tmp_path, capsys) -> None:
    db = new_school(tmp_path, capsys)
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "import",
                          str(_catalogue(tmp_path, ROWS)), "--year", "2024", "--activate",
                          "--title", "2024 苏州目录", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["committed"] is True and doc["active"] is True
    first = doc["catalogue"]

    code, out, _err = run(capsys, "--db", str(db), "catalogue", "show", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["catalogue"]["id"] == first and shown["catalogue"]["title"] == "2024 苏州目录"
    assert shown["catalogue"]["active"] is True and shown["catalogue"]["items"][0] == {
        "occupation_code": "", "occupation_name": "茶艺", "work_type": "",
        "level": "certificate", "category": "C", "standard_fen": 50000, "shortage": False,
        "min_hours": 0}
    assert [c["id"] for c in shown["catalogues"]] == [first]

    rows = [["6-18-01-01", "车工", "", "五级", "A", 1100, "是"],
            ["6-18-02-04", "焊工", "", "五级", "A", 1000, ""],
            ["", "茶艺", "", "合格证", "C", 500, ""]]
    path = write_xlsx(tmp_path / "2025.xlsx", {"目录": [HEADER, *rows]})
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "import", str(path),
                          "--year", "2025", "--effective-from", "2025-04-01", "--activate",
                          "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["added"], doc["removed"], doc["changed"]) == (1, 1, 1)
    assert doc["diff"]["changed"] == [{
        "item": {"occupation_code": "6-18-01-01", "occupation_name": "车工", "work_type": "",
                 "level": "L5", "category": "A", "standard_fen": 110000, "shortage": True,
                 "min_hours": 0},
        "field": "standard_fen", "old": 100000, "new": 110000}]
    assert [i["occupation_code"] for i in doc["diff"]["added"]] == ["6-18-02-04"]
    assert [i["level"] for i in doc["diff"]["removed"]] == ["L4"]

    code, out, _err = run(capsys, "--db", str(db), "catalogue", "show", "--year", "2024",
                          "--json")
    old = json.loads(out)["catalogue"]
    assert (old["active"], old["effective_to"]) == (False, "2025-03-31")
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "activate", first, "--json")
    assert code == 0 and json.loads(out)["active"] is True


def test_invalid_rows_exit_1_and_save_nothing(tmp_path, capsys) -> None:
    db = new_school(tmp_path, capsys)
    rows = [*ROWS, ["6-18-0101", "铣工", "", "五级", "A", 1000, ""],
            ["6-18-02-04", "焊工", "", "八级", "A", 1000, ""]]
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "import",
                          str(_catalogue(tmp_path, rows)), "--year", "2025", "--activate",
                          "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["committed"] is False and doc["invalid"] == 2
    assert [(e["row"], e["column"], e["code"]) for e in doc["errors"]] == [
        (6, "职业编码", "OCC_FORMAT"), (7, "等级", "LEVEL_UNKNOWN")]
    assert all(e["message"] for e in doc["errors"])
    assert _stored(db) == 0


def test_a_file_that_is_not_a_catalogue(tmp_path, capsys) -> None:
    db = new_school(tmp_path, capsys)
    path = write_csv(tmp_path / "名单.csv", [["姓名", "身份证号"], ["张三", "1"]])
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "import", str(path),
                          "--year", "2025", "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["committed"] is False and doc["errors"][0]["code"] == "E_NO_HEADER"


def test_human_output(tmp_path, capsys) -> None:
    db = new_school(tmp_path, capsys)
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "import",
                          str(_catalogue(tmp_path, ROWS)), "--year", "2025")
    assert code == 0 and "3" in out
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "show", "--year", "2025")
    assert code == 0 and "茶艺" in out
    code, out, _err = run(capsys, "--db", str(db), "catalogue", "show", "--year", "2019",
                          "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_NOT_FOUND"
