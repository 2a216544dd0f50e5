"""skilldesk-cli import roster / export roster: the JSON contract of issue 3."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import new_school
from tests.cli_helpers import run
from skilldesk.imports import reader
from tests.core.test_roster_import import A
from tests.core.test_roster_import import SAME
from tests.core.test_roster_import import STORED
from tests.core.test_roster_import import roster_rows
from tests.imports.files import write_xlsx


@pytest.fixture
def db(tmp_path, capsys):
    return new_school(tmp_path, capsys)


def test_dry_run_reports_rows_and_errors_and_saves_nothing(db, tmp_path, capsys):
    file = write_xlsx(tmp_path / "r.xlsx", {"花名册": roster_rows()})
    code, out, _ = run(capsys, "--db", str(db), "import", "roster", str(file), "--dry-run",
                       "--json")
    doc = json.loads(out)
    assert code == 1  # some rows are invalid
    assert doc["committed"] is False
    assert (doc["rows"], doc["new"], doc["invalid"]) == (9, 3, 6)
    assert {"row": 6, "column": "身份证号码", "code": "ID_SCIENTIFIC"}.items() <= \
        next(e for e in doc["errors"] if e["code"] == "ID_SCIENTIFIC").items()
    assert all(set(e) == {"row", "column", "code", "message"} for e in doc["errors"])
    assert any(w["code"] == "ROW_NOT_DATA" and w["row"] == 15 for w in doc["warnings"])
    code, out, _ = run(capsys, "--db", str(db), "info", "--json")
    assert json.loads(out)["counts"]["person"] == 0


def test_import_commits_valid_rows_then_export_round_trips(db, tmp_path, capsys):
    file = write_xlsx(tmp_path / "r.xlsx", {"花名册": roster_rows()})
    code, out, _ = run(capsys, "--db", str(db), "import", "roster", str(file), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["committed"] is True and doc["new"] == 3
    for suffix in (".xlsx", ".csv"):
        target = tmp_path / f"out{suffix}"
        code, out, _ = run(capsys, "--db", str(db), "export", "roster", "--out", str(target),
                           "--json")
        assert code == 0 and json.loads(out)["people"] == 3
        rows = reader.read_sheet(target).rows
        ids = {cells[4] for _n, cells in rows[1:]}
        assert A in ids  # the ID number survived as text, every digit
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_strict_saves_nothing(db, tmp_path, capsys):
    file = write_xlsx(tmp_path / "r.xlsx", {"花名册": roster_rows()})
    code, out, _ = run(capsys, "--db", str(db), "import", "roster", str(file), "--strict",
                       "--json")
    assert code == 1 and json.loads(out)["committed"] is False


def test_a_valid_file_exits_0_and_can_be_undone(db, tmp_path, capsys):
    rows = [["姓名", "身份证号", "手机"], ["王小明", A, "13912345678"]]
    file = write_xlsx(tmp_path / "ok.xlsx", {"S": rows}, text_columns=[1])
    code, out, _ = run(capsys, "--db", str(db), "import", "roster", str(file), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["new"] == 1 and doc["errors"] == []
    code, out, _ = run(capsys, "--db", str(db), "import", "undo", doc["batch"], "--json")
    assert code == 0 and json.loads(out)["undone"] is True
    code, out, _ = run(capsys, "--db", str(db), "info", "--json")
    assert json.loads(out)["counts"]["person"] == 0


def test_a_refused_file_exits_1_with_the_reason(db, tmp_path, capsys):
    fake = tmp_path / "roster.xlsx"
    fake.write_bytes(b"%PDF-1.7 this is not a spreadsheet" * 10)
    code, out, err = run(capsys, "--db", str(db), "import", "roster", str(fake), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["committed"] is False
    assert doc["errors"][0]["code"] == "NOT_A_SPREADSHEET"
    assert err.strip()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_exported_roster_imports_again_without_errors(db, tmp_path, capsys, language):
    from skilldesk import config

    file = write_xlsx(tmp_path / "r.xlsx", {"花名册": roster_rows()})
    run(capsys, "--db", str(db), "import", "roster", str(file))
    facts = {A: (True, 24), STORED: (False, 0), SAME: (None, None)}  # None: not recorded
    _record_facts(db, facts)
    config.save(config.Preferences(language=language))
    try:
        out_file = tmp_path / "exported.xlsx"
        assert run(capsys, "--db", str(db), "export", "roster", "--out", str(out_file))[0] == 0
        fresh = tmp_path / "fresh.skilldesk"
        run(capsys, "--db", str(fresh), "init", "--name", "新学校", "--uscc", "91110000600037341L")
        code, out, _ = run(capsys, "--db", str(fresh), "import", "roster", str(out_file),
                           "--json")
        _code, again, _ = run(capsys, "--db", str(db), "import", "roster", str(out_file),
                              "--dry-run", "--json")
    finally:
        config.save(config.Preferences(language="en"))
    doc = json.loads(out)
    assert code == 0, doc["errors"]
    assert (doc["rows"], doc["new"], doc["invalid"]) == (3, 3, 0)
    assert _facts_of(fresh, facts) == facts  # yes, no (0) and not recorded all survive
    again = json.loads(again)  # into the database it came from: nothing to change
    assert (again["unchanged"], again["updated"], again["invalid"]) == (3, 0, 0)


def _record_facts(path, facts) -> None:
    from dataclasses import replace

    from skilldesk.core.desk import Desk
    from skilldesk.core.people import draft_from

    desk = Desk.open(path)
    try:
        for id_number, (pension, months) in facts.items():
            person = desk.people.get(desk.people.search(id_number).rows[0].id)
            desk.people.save(replace(draft_from(person), pension=pension, insured_months=months),
                             person_id=person.id)
    finally:
        desk.close()


def _facts_of(path, facts) -> dict:
    from skilldesk.core.desk import Desk

    desk = Desk.open(path)
    try:
        people = [desk.people.get(desk.people.search(n).rows[0].id) for n in facts]
        return {p.id_number: (p.pension, p.insured_months) for p in people}
    finally:
        desk.close()
