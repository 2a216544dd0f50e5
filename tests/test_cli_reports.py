"""``skilldesk-cli report KIND --class CODE --out FILE.pdf`` (issue 6)."""

from __future__ import annotations

import json

from pypdf import PdfReader

from skilldesk.core.models import PersonDraft
from tests.cli_helpers import run
from tests.reports.build import class_in
from tests.reports.build import demo


def test_report_writes_the_pdf_and_prints_json(tmp_path, capsys):
    db = tmp_path / "demo.skilldesk"
    desk = demo(db)
    code = desk.classes.get(class_in(desk, "assessed"))["code"]
    desk.close()
    out = tmp_path / "results.pdf"
    status, stdout, _err = run(capsys, "--db", str(db), "report", "results", "--class", code,
                               "--out", str(out), "--today", "2026-10-25", "--json")
    assert status == 0
    data = json.loads(stdout)
    assert data == {"kind": "results", "class": code, "out": str(out),
                    "pages": len(PdfReader(str(out)).pages)}


def test_unprintable_character_is_exit_1_naming_the_person(tmp_path, capsys):
    db = tmp_path / "demo.skilldesk"
    desk = demo(db)
    class_id = class_in(desk, "filed")
    code = desk.classes.get(class_id)["code"]
    person = desk.classes.roster(class_id, include_withdrawn=False)[0]
    p = desk.people.get(person["person_id"])
    name = p.name[0] + "𠮷"
    desk.people.save(PersonDraft(name=name, id_number=p.id_number, phone=p.phone,
                                 categories=p.categories), person_id=p.id)
    desk.close()
    out = tmp_path / "a.pdf"
    status, stdout, _err = run(capsys, "--db", str(db), "report", "opening-application",
                               "--class", code, "--out", str(out), "--json")
    assert status == 1
    error = json.loads(stdout)["error"]
    assert error["code"] == "E_GLYPHS_MISSING"
    assert "𠮷" in error["message"] and name in error["message"]
    assert not out.exists()
