"""The audit trail through the facade: a demo database, edits and a roster import keep
the chain valid; raw-SQL tampering is found; entries are filtered, paged, exported."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest
from python_calamine import CalamineWorkbook

from skilldesk.core.audit import AuditFilter
from skilldesk.core.audit import describe
from skilldesk.core.audit import local_time
from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.core.people import draft_from
from skilldesk.errors import UsageError
from skilldesk.rules.identifiers import id_check_char
from tests.imports.files import write_csv

HEADER = ["序号", "姓名", "性别", "身份证号码", "出生日期", "联系电话", "人员类别", "户籍所在地"]


def make_id(birth: str, seq: int, area: str = "320508") -> str:
    body = f"{area}{birth.replace('-', '')}{seq:03d}"
    return body + id_check_char(body)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "demo.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=120, seed=5)
    desk.close()
    return path


@pytest.fixture
def school(demo_file, tmp_path):
    path = tmp_path / "demo.skilldesk"
    for suffix in ("", "-wal", "-shm"):
        if (src := demo_file.with_name(demo_file.name + suffix)).exists():
            shutil.copy(src, str(path) + suffix)
    desk = Desk.open(path)
    desk.user_name = "王会计"
    yield desk
    desk.close()


def _edit_someone(desk) -> tuple[str, str]:
    person_id = desk.db.execute("SELECT id FROM person ORDER BY seq LIMIT 1").fetchone()[0]
    person = desk.people.get(person_id)
    desk.people.save(dataclasses.replace(draft_from(person), phone="13900001234"),
                     person_id=person_id)
    return person_id, person.id_number


def _import(desk, tmp_path, count: int = 30) -> None:
    rows = [HEADER] + [[k + 1, "赵" + "明华强伟军杰"[k % 6] + "一二三四五六"[k // 6 % 6], "男", make_id("1990-01-01", 2 * k + 101), None,
                        f"1391234{k:04d}", "农民工", ""] for k in range(count)]
    preview = desk.roster.preview(write_csv(tmp_path / "roster.csv", rows))
    assert desk.roster.commit(preview).counts["new"] == count


def _tamper(desk, sql: str, params=()) -> None:
    desk.db.execute("DROP TRIGGER IF EXISTS op_log_no_update")
    desk.db.execute("DROP TRIGGER IF EXISTS op_log_no_delete")
    with desk.db.atomic():
        desk.db.execute(sql, list(params))


def _seqs(desk) -> list[int]:
    return [r[0] for r in desk.db.execute("SELECT seq FROM op_log ORDER BY seq").fetchall()]


def test_demo_edits_and_an_import_keep_the_chain_valid(school, tmp_path):
    first = school.audit.verify()
    assert first["valid"] and first["entries"] >= 1
    _edit_someone(school)
    school.people.save(PersonDraft(name="钱新", id_number=make_id("1988-03-03", 11)))
    _import(school, tmp_path)
    result = school.audit.verify()
    assert result == {"entries": first["entries"] + 2 + 30, "valid": True, "first_bad": None}


def test_tampering_is_found_at_the_right_entry(school, tmp_path):
    _edit_someone(school)
    _import(school, tmp_path, count=5)
    seqs = _seqs(school)
    target = seqs[len(seqs) // 2]
    _tamper(school, "UPDATE op_log SET after_json = '{}' WHERE seq = ?", [target])
    assert school.audit.verify() == {"entries": len(seqs), "valid": False, "first_bad": target}


def test_a_deleted_middle_entry_is_reported_at_the_next(school, tmp_path):
    _import(school, tmp_path, count=5)
    seqs = _seqs(school)
    _tamper(school, "DELETE FROM op_log WHERE seq = ?", [seqs[3]])
    assert school.audit.verify() == {"entries": len(seqs) - 1, "valid": False,
                                     "first_bad": seqs[4]}


def test_the_demo_entry_is_chained_and_deterministic(tmp_path):
    hashes = []
    for n in range(2):
        desk = Desk.open(tmp_path / f"d{n}.skilldesk", create=True)
        from skilldesk.core import demo
        demo.build_demo(desk.db, people=40, seed=9, today=dt.date(2026, 5, 20),
                        device_id="dev")
        hashes.append(desk.db.execute("SELECT prev_hash, hash FROM op_log").fetchall())
        assert desk.audit.verify()["valid"]
        desk.close()
    assert hashes[0] == hashes[1] and hashes[0][0][0] == "0" * 64


def test_entries_filtered_by_person_user_action_and_dates(school, tmp_path):
    person_id, id_number = _edit_someone(school)
    klass = school.db.execute("SELECT id, code FROM training_class ORDER BY code LIMIT 1"
                              ).fetchone()
    page = school.audit.entries(AuditFilter(subject=id_number))
    assert page.rows and page.rows[0].entity_id == person_id
    assert page.rows[0].user_name == "王会计" and page.rows[0].action == "update"
    assert "139****1234" in page.rows[0].changes()
    assert {r.entity_id for r in school.audit.entries(AuditFilter(subject=person_id)).rows} \
        >= {person_id}
    assert all(r.user_name == "王会计"
               for r in school.audit.entries(AuditFilter(user="王会计")).rows)
    assert school.audit.entries(AuditFilter(action="demo.generate")).rows[0].entity == \
        "institution"
    assert school.audit.entries(AuditFilter(subject=klass[1])).rows is not None
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    recent = school.audit.entries(AuditFilter(since=today, user="王会计")).rows
    assert [r.entity_id for r in recent] == [person_id]
    assert school.audit.entries(AuditFilter(until=today - dt.timedelta(days=400),
                                            user="王会计")).rows == ()
    with pytest.raises(UsageError):
        school.audit.entries(AuditFilter(since=today, until=today - dt.timedelta(days=1)))
    assert "王会计" in school.audit.users() and "update" in school.audit.actions()


def test_keyset_pages_newest_first(school, tmp_path):
    _import(school, tmp_path, count=25)
    first = school.audit.entries(limit=10)
    second = school.audit.entries(before=first.next_cursor, limit=10)
    seqs = [r.seq for r in first.rows + second.rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 20
    everything = list(school.audit.iter_entries())
    assert len(everything) == school.audit.verify()["entries"]


def test_export_to_xlsx(school, tmp_path):
    _edit_someone(school)
    out = tmp_path / "audit.xlsx"
    count = school.audit.export(out, AuditFilter(user="王会计"))
    assert count == 1
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    header = [c for c in sheet[1]]
    assert header[:3] == ["No.", "Time", "User"]
    assert sheet[2][2] == "王会计" and "139****1234" in sheet[2][7]
    with pytest.raises(UsageError):
        school.audit.export(tmp_path / "audit.csv")


def test_helpers():
    assert local_time("2026-11-26T02:30:00.123Z") == "2026-11-26 10:30:00"
    assert describe('{"phone":"1"}', '{"phone":"2"}') == "phone: 1 → 2"
    assert describe(None, '{"a":1}') == "a: 1"
    assert describe(None, None) == ""
