"""``skilldesk-cli audit …``: verify (exit 0 / 1 and the exact JSON), list, export."""

from __future__ import annotations

import json

from python_calamine import CalamineWorkbook

from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.rules.identifiers import id_check_char
from tests.cli_helpers import new_school
from tests.cli_helpers import run


def _person(db, name: str, seq: int) -> str:
    body = f"32050819900101{seq:03d}"
    desk = Desk.open(db)
    desk.user_name = "张老师"
    try:
        desk.people.save(PersonDraft(name=name, id_number=body + id_check_char(body)))
    finally:
        desk.close()
    return body + id_check_char(body)


def test_verify_list_and_export(capsys, tmp_path):
    db = new_school(tmp_path, capsys)
    id_number = _person(db, "李明", 11)
    _person(db, "王芳", 22)

    code, out, _ = run(capsys, "--db", str(db), "audit", "verify", "--json")
    assert code == 0 and json.loads(out) == {"entries": 3, "valid": True, "first_bad": None}
    code, out, _ = run(capsys, "--db", str(db), "audit", "verify")
    assert code == 0 and "3" in out

    code, out, _ = run(capsys, "--db", str(db), "audit", "list", "--by", "张老师", "--json")
    entries = json.loads(out)["entries"]
    assert code == 0 and [e["after"]["name"] for e in entries] == ["王芳", "李明"]
    assert entries[0]["seq"] > entries[1]["seq"] and entries[0]["hash"]
    code, out, _ = run(capsys, "--db", str(db), "audit", "list", "--id", id_number, "--json")
    assert [e["after"]["name"] for e in json.loads(out)["entries"]] == ["李明"]
    code, out, _ = run(capsys, "--db", str(db), "audit", "list", "--entity", "institution",
                       "--limit", "1", "--json")
    assert [e["entity"] for e in json.loads(out)["entries"]] == ["institution"]
    code, out, _ = run(capsys, "--db", str(db), "audit", "list", "--since", "2000-01-01",
                       "--until", "2000-12-31", "--json")
    assert code == 0 and json.loads(out)["entries"] == []
    code, out, _ = run(capsys, "--db", str(db), "audit", "list", "--since", "yesterday")
    assert code == 1

    target = tmp_path / "audit.xlsx"
    code, out, _ = run(capsys, "--db", str(db), "audit", "export", "--out", str(target),
                       "--by", "张老师", "--json")
    assert code == 0 and json.loads(out)["entries"] == 2
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert len(rows) == 4  # title, header, two entries


def test_verify_reports_the_first_altered_entry_with_exit_1(capsys, tmp_path):
    db = new_school(tmp_path, capsys)
    for k in range(4):
        _person(db, "李明", 10 + k)
    desk = Desk.open(db)
    seqs = [r[0] for r in desk.db.execute("SELECT seq FROM op_log ORDER BY seq").fetchall()]
    desk.db.execute("DROP TRIGGER op_log_no_update")
    with desk.db.atomic():
        desk.db.execute("UPDATE op_log SET user_name = 'someone' WHERE seq = ?", [seqs[2]])
    desk.close()
    code, out, _ = run(capsys, "--db", str(db), "audit", "verify", "--json")
    assert code == 1
    assert json.loads(out) == {"entries": 5, "valid": False, "first_bad": seqs[2]}
    code, out, _ = run(capsys, "--db", str(db), "audit", "verify")
    assert code == 1 and str(seqs[2]) in out
