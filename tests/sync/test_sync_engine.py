"""What synchronisation does with real data: first copy, edits both ways, duplicates,
records merged by ID number, conflicts and their resolution, deletions, data kept aside,
attachments, bundles out of order, receipts (PDF and acknowledgement bundle)."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from pypdf import PdfReader

from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from tests.sync import devices as dv

NEW_ID = dv.valid_id(777)


def a_person(desk: Desk) -> str:
    """The ID number of the first person (by ID number)."""
    return desk.db.execute("SELECT id_number FROM person ORDER BY id_number").fetchone()[0]


def training_class(desk: Desk) -> str:
    return desk.db.execute(
        "SELECT id FROM training_class WHERE state = 'in_training'").fetchone()[0]


def a_mark(desk: Desk, class_id: str) -> tuple[str, str]:
    """(enrolment id, session id) of a trainee on the class's first session (enrolled
    first if the class has nobody yet)."""
    row = desk.db.execute("SELECT id FROM enrolment WHERE class_id = ? ORDER BY id",
                          [class_id]).fetchone()
    if row is None:
        desk.classes.enrol(class_id, [dv.person_by_number(desk, a_person(desk)).id],
                           reason="补录")
        row = desk.db.execute("SELECT id FROM enrolment WHERE class_id = ?",
                              [class_id]).fetchone()
    enrolment = row[0]
    session = desk.db.execute("SELECT id FROM session WHERE class_id = ? ORDER BY seq_no",
                              [class_id]).fetchone()[0]
    return enrolment, session


def mark_status(desk: Desk, key: tuple[str, str]):
    row = desk.db.execute("SELECT status FROM attendance WHERE enrolment_id = ? AND "
                          "session_id = ?", key).fetchone()
    return None if row is None else row[0]


def exchange(*desks: Desk, rounds: int = 2) -> None:
    """Everyone sends to everyone, *rounds* times."""
    for _round in range(rounds):
        for a, b in itertools.permutations(desks, 2):
            dv.send(a, b)


@pytest.fixture()
def trio():
    office, a, b = dv.office(people=6), dv.laptop("A"), dv.laptop("B")
    for x, y in itertools.combinations((office, a, b), 2):
        dv.pair(x, y)
    dv.send(office, a)
    dv.send(office, b)
    yield office, a, b
    for desk in (office, a, b):
        desk.close()


def test_first_copy_to_an_empty_laptop_is_identical():
    office, laptop = dv.office(people=12), dv.laptop("A")
    dv.pair(office, laptop)
    result = dv.send(office, laptop)
    assert dv.dump(office) == dv.dump(laptop)
    assert laptop.institution.get().uscc == office.institution.get().uscc
    assert result.counts["added"] == result.counts["applied"] > 0
    assert result.counts["conflicts"] == result.counts["duplicates"] == 0
    assert laptop.sync.vv() == office.sync.vv()
    # nothing new: the next bundle from the office carries nothing to apply
    again = dv.send(office, laptop)
    assert again.counts["applied"] == 0 and dv.dump(office) == dv.dump(laptop)


def test_an_edit_on_the_laptop_reaches_the_office(trio):
    office, a, _b = trio
    number = a_person(a)
    dv.edit_person(a, number, phone="13912345678", notes="外勤修改")
    result = dv.send(a, office)
    assert result.counts["updated"] == result.counts["applied"] == 1
    assert result.counts["conflicts"] == 0
    person = dv.person_by_number(office, number)
    assert (person.phone, person.notes) == ("13912345678", "外勤修改")
    assert dv.dump(office) == dv.dump(a)


def test_the_same_changes_sent_twice_are_duplicates_the_second_time(trio):
    office, a, _b = trio
    dv.edit_person(a, a_person(a), notes="两次")
    first = a.sync.export_bundle(office.device_id)
    second = a.sync.export_bundle(office.device_id)     # not acknowledged: sent again
    assert (first.bundle_no, second.bundle_no) == (first.bundle_no, first.bundle_no + 1)
    assert second.changes == first.changes > 0
    assert office.sync.import_bundle(first.data).counts["updated"] == 1
    before = dv.dump(office)
    counts = office.sync.import_bundle(second.data).counts
    assert counts["applied"] == 0 and counts["duplicates"] >= 1
    assert dv.dump(office) == before


def test_a_person_entered_on_two_laptops_is_one_record_with_a_phone_conflict(trio):
    office, a, b = trio
    class_id = training_class(office)
    ids = {}
    for desk, phone in ((a, "13800000001"), (b, "13900000002")):
        desk.people.save(PersonDraft(name="双录", id_number=NEW_ID, phone=phone))
        ids[desk.sync.device().name] = dv.person_by_number(desk, NEW_ID).id
        desk.classes.enrol(class_id, [ids[desk.sync.device().name]], reason="补录")
    dv.send(a, office)
    counts = dv.send(b, office).counts
    assert counts["conflicts"] == 1
    rows = office.db.execute("SELECT id FROM person WHERE id_number = ?", [NEW_ID]).fetchall()
    assert rows == [(min(ids.values()),)]
    enrolled = office.db.execute(
        "SELECT person_id FROM enrolment WHERE class_id = ? AND person_id IN (?, ?)",
        [class_id, *ids.values()]).fetchall()
    assert enrolled == [(min(ids.values()),)]
    (conflict,) = office.sync.conflicts()
    assert (conflict.table, conflict.field, conflict.row_id) == (
        "person", "phone", min(ids.values()))
    assert {(o.value, o.device) for o in conflict.options} == {
        ("13800000001", "A"), ("13900000002", "B")}
    assert conflict.current in ("13800000001", "13900000002")
    # the laptops learn of the merge and of the conflict too
    exchange(office, a, b)
    for desk in (a, b):
        assert desk.db.execute("SELECT id FROM person WHERE id_number = ?",
                               [NEW_ID]).fetchall() == rows
        assert dv.conflict_view(desk) == dv.conflict_view(office)
    assert dv.dump(a) == dv.dump(b) == dv.dump(office)


def _phone_conflict_everywhere(office, a, b) -> str:
    number = a_person(office)
    dv.edit_person(a, number, phone="13800000001")
    dv.edit_person(b, number, phone="13900000002")
    exchange(office, a, b)
    assert all(len(d.sync.conflicts()) == 1 for d in (office, a, b))
    return number


def _resolved_everywhere(office, a, b, number, value) -> None:
    exchange(b, office, a, rounds=1)
    for desk in (office, a, b):
        assert desk.sync.conflicts() == [], desk.sync.device().name
        assert dv.person_by_number(desk, number).phone == value
    assert dv.dump(a) == dv.dump(b) == dv.dump(office)


def test_a_conflict_resolved_on_one_device_is_cleared_on_the_others(trio):
    office, a, b = trio
    number = _phone_conflict_everywhere(office, a, b)
    conflict = b.sync.conflicts()[0]
    other = next(o.value for o in conflict.options if o.value != conflict.current)
    b.sync.resolve(conflict.key, other)           # a value other than the one shown
    assert b.sync.conflicts() == []
    _resolved_everywhere(office, a, b, number, other)


def test_keeping_the_shown_value_also_clears_the_conflict_elsewhere(trio):
    office, a, b = trio
    number = _phone_conflict_everywhere(office, a, b)
    conflict = b.sync.conflicts()[0]
    seen = b.sync.vv()
    b.sync.resolve(conflict.key, conflict.current)
    assert b.sync.conflicts() == []
    assert b.sync.vv()[b.device_id] > seen[b.device_id]   # a change of B's own to send
    _resolved_everywhere(office, a, b, number, conflict.current)


def test_a_cleared_attendance_mark_is_deleted_on_the_other_device(trio):
    office, a, _b = trio
    class_id = training_class(office)
    key = a_mark(office, class_id)
    office.attendance.save(class_id, {key: "present"})
    dv.send(office, a)
    assert mark_status(a, key) == "present"
    office.attendance.save(class_id, {key: None})
    result = dv.send(office, a)
    assert result.counts["deleted"] == 1
    assert mark_status(a, key) is None and dv.dump(a) == dv.dump(office)


def test_delete_against_a_concurrent_change_deletes_and_keeps_the_change_aside(trio):
    office, a, b = trio
    class_id = training_class(office)
    key = a_mark(office, class_id)
    office.attendance.save(class_id, {key: "present"})
    exchange(office, a, b, rounds=1)
    office.attendance.save(class_id, {key: None})         # deleted at the office
    a.attendance.save(class_id, {key: "late"})            # changed on laptop A meanwhile
    exchange(office, a, b)
    for desk in (office, a, b):
        assert mark_status(desk, key) is None
    assert dv.dump(a) == dv.dump(b) == dv.dump(office)
    lost = [i for i in a.sync.lost() if i.table == "attendance"]
    assert lost and lost[0].kind == "deleted_there" and lost[0].data["status"] == "late"
    a.sync.dismiss(lost[0].id)
    assert [i for i in a.sync.lost() if i.id == lost[0].id] == []


def test_an_attachment_travels_with_its_record_intact(trio):
    office, a, _b = trio
    person = dv.person_by_number(a, a_person(a))
    body = bytes(range(256)) * 40 + "签到表".encode()
    a.attachments.add_bytes("person", person.id, body, name="签到表.pdf")
    result = dv.send(a, office)
    assert result.counts["added"] >= 2                     # the file and its link
    (meta,) = office.attachments.list("person", person.id)
    assert meta["sha256"] == hashlib.sha256(body).hexdigest() and meta["size"] == len(body)
    got_meta, data = office.attachments.data(meta["attachment_id"])
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert got_meta["original_name"] == "签到表.pdf" and data == body
    assert dv.dump(office) == dv.dump(a)


def test_an_old_bundle_after_a_newer_one_lowers_nothing(trio):
    office, a, b = trio
    number = a_person(a)
    dv.edit_person(a, number, notes="第一次")
    old = a.sync.export_bundle(office.device_id).data
    dv.edit_person(a, number, notes="第二次")
    new = a.sync.export_bundle(office.device_id).data
    office.sync.import_bundle(new)
    seen = office.sync.vv()
    counts = office.sync.import_bundle(old).counts
    assert counts["applied"] == 0
    assert all(office.sync.vv().get(k, 0) >= v for k, v in seen.items())
    assert dv.person_by_number(office, number).notes == "第二次"
    # and the devices go on exchanging (no gap)
    dv.edit_person(a, number, notes="第三次")
    exchange(office, a, b)
    assert all(dv.person_by_number(d, number).notes == "第三次" for d in (office, a, b))
    assert dv.dump(a) == dv.dump(b) == dv.dump(office)


def test_the_receipt_pdf_shows_the_counts(trio, tmp_path):
    office, a, _b = trio
    dv.edit_person(a, a_person(a), notes="回执")
    a.people.save(PersonDraft(name="新人", id_number=NEW_ID, phone="13800000009"))
    result = dv.send(a, office)
    assert (result.counts["added"], result.counts["updated"]) == (1, 1)
    pdf = tmp_path / "receipt.pdf"
    pages = office.sync.receipt_pdf(result.bundle_id, pdf)
    reader = PdfReader(str(pdf))
    assert pages == len(reader.pages) >= 1
    text = "".join(p.extract_text() for p in reader.pages)
    assert "新人" in text and "A" in text
    for value in result.counts.values():
        assert str(value) in text


def test_a_receipt_bundle_acknowledges_the_sent_bundle(trio):
    office, a, _b = trio
    sent = office.sync.export_bundle(a.device_id)
    imported = a.sync.import_bundle(sent.data)

    def out_record():
        return next(h for h in office.sync.history() if h["id"] == sent.bundle_id)

    assert out_record()["acknowledged_at"] is None
    back = a.sync.receipt_bundle(imported.bundle_id)
    assert back.kind == "receipt"
    result = office.sync.import_bundle(back.data)
    assert result.kind == "receipt" and result.receipt["bundle_id"] == sent.bundle_id
    assert out_record()["acknowledged_at"] is not None
    assert result.counts == imported.counts
    # acknowledged: the office's next bundle to A carries nothing old
    assert office.sync.export_bundle(a.device_id).changes == 0
