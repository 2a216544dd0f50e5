"""skilldesk-cli import attendance / results / employment: the roster import's JSON contract."""

from __future__ import annotations

import json

import pytest

from skilldesk import i18n
from skilldesk.core.desk import Desk
from tests.cli_helpers import count
from tests.cli_helpers import run
from tests.core.test_class_imports import A
from tests.core.test_class_imports import CODE
from tests.core.test_class_imports import attendance_rows
from tests.core.test_class_imports import employment_rows
from tests.core.test_class_imports import results_class
from tests.core.test_class_imports import results_rows
from tests.core.test_class_imports import set_up_class
from tests.imports.files import PNG_BYTES
from tests.imports.files import write_csv
from tests.imports.files import write_xls
from tests.imports.files import write_xlsx


def _db(tmp_path, build) -> str:
    path = tmp_path / "school.skilldesk"
    desk = Desk.open(path, create=True)
    try:
        build(desk)
    finally:
        desk.close()
    return str(path)


@pytest.fixture
def training_db(tmp_path):
    return _db(tmp_path, set_up_class)


@pytest.fixture
def completed_db(tmp_path):
    return _db(tmp_path, results_class)


def test_attendance_dry_run_then_commit(training_db, tmp_path, capsys):
    file = write_xlsx(tmp_path / "考勤.xlsx", {"Sheet1": attendance_rows()}, text_columns=["C"])
    code, out, _ = run(capsys, "--db", training_db, "import", "attendance", str(file),
                       "--class", CODE, "--dry-run", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["committed"] is False and doc["kind"] == "attendance"
    assert {k: doc[k] for k in ("rows", "new", "updated", "unchanged", "invalid")} == {
        "rows": 9, "new": 4, "updated": 0, "unchanged": 0, "invalid": 3}
    assert [(e["row"], e["column"], e["code"]) for e in doc["errors"]] == [
        (7, "姓名", "NAME_AMBIGUOUS"), (8, "证件号码", "UNKNOWN_ID"), (9, "打卡时间", "NO_SESSION")]
    assert all(set(e) == {"row", "column", "code", "message"} for e in doc["errors"])
    assert [(w["row"], w["code"]) for w in doc["warnings"]] == [
        (4, "DUPLICATE_PUNCH"), (13, "ROW_NOT_DATA")]
    assert count(training_db, "SELECT count(*) FROM attendance") == 0
    code, out, _ = run(capsys, "--db", training_db, "import", "attendance", str(file),
                       "--class", CODE, "--json")
    doc = json.loads(out)
    assert code == 1 and doc["committed"] is True and doc["batch"]
    assert count(training_db, "SELECT count(*) FROM attendance") == 4
    assert count(training_db, "SELECT count(*) FROM import_batch WHERE kind = 'attendance'") == 1
    # only roster imports can be undone: this one is refused and changes nothing
    code, out, _ = run(capsys, "--db", training_db, "import", "undo", doc["batch"], "--json")
    assert code == 1 and json.loads(out)["error"]["code"] == "E_CONFLICT"
    assert count(training_db, "SELECT count(*) FROM attendance") == 4


def test_attendance_all_valid_exits_0_and_prints_chinese(training_db, tmp_path, capsys):
    file = write_csv(tmp_path / "p.csv", [["姓名", "证件号码", "打卡时间"],
                                          ["王小明", A, "2026-03-02 08:36"],  # 6 minutes
                                          ["王小明", A, "2026-03-02 12:01"]], encoding="gbk")
    i18n.set_language("zh_CN")
    code, out, _ = run(capsys, "--db", training_db, "import", "attendance", str(file),
                       "--class", CODE, "--late-minutes", "5")
    assert code == 0
    assert "已保存，导入批次号" in out
    assert count(training_db, "SELECT count(*) FROM attendance WHERE status = 'late'") == 1


def test_results_strict_saves_nothing_and_json_lists_certificate_errors(
        completed_db, tmp_path, capsys):
    file = write_xls(tmp_path / "结果.xls", {"结果": results_rows()})
    code, out, _ = run(capsys, "--db", completed_db, "import", "results", str(file),
                       "--class", CODE, "--strict", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["committed"] is False
    assert (doc["rows"], doc["new"], doc["updated"], doc["invalid"]) == (7, 2, 1, 4)
    assert sorted((e["row"], e["code"]) for e in doc["errors"]) == [
        (5, "CERT_DUPLICATE_IN_FILE"), (6, "CERT_DUPLICATE"), (7, "CERT_LEVEL_MISMATCH"),
        (9, "CERT_DUPLICATE_IN_FILE")]
    assert count(completed_db, "SELECT count(*) FROM certificate") == 1  # the one set up
    code, out, _ = run(capsys, "--db", completed_db, "import", "results", str(file),
                       "--class", CODE, "--json")
    assert json.loads(out)["committed"] is True
    assert count(completed_db, "SELECT count(*) FROM certificate") == 2


def test_employment_with_month_option_and_refused_file(completed_db, tmp_path, capsys):
    file = write_xls(tmp_path / "跟踪.xls", {"Sheet1": employment_rows()})
    code, out, _ = run(capsys, "--db", completed_db, "import", "employment", str(file),
                       "--class", CODE, "--json")
    doc = json.loads(out)
    assert code == 1 and (doc["new"], doc["invalid"]) == (3, 5)
    assert count(completed_db, "SELECT count(*) FROM employment_followup") == 3
    png = tmp_path / "跟踪.xlsx"
    png.write_bytes(PNG_BYTES)
    code, out, _ = run(capsys, "--db", completed_db, "import", "employment", str(png),
                       "--class", CODE, "--month", "3", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["committed"] is False and doc["errors"][0]["row"] == 0


def test_unknown_class_is_an_error(training_db, tmp_path, capsys):
    file = write_csv(tmp_path / "p.csv", [["姓名", "打卡时间"], ["王小明", "2026-03-02 08:20"]])
    code, out, _ = run(capsys, "--db", training_db, "import", "attendance", str(file),
                       "--class", "NOPE", "--json")
    assert code == 1 and json.loads(out)["ok"] is False
