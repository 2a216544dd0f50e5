"""People through the facade: validation, saving, the operation log."""

from __future__ import annotations

import pytest

from skilldesk.core.models import PersonDraft
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.storage import oplog

VALID_ID = "11010519491231002X"


def _codes(issues, field=None):
    return {i.code for i in issues if field is None or i.field == field}


def test_new_person_is_saved_normalised_with_sex_and_birth_from_id(desk):
    changes = desk.people.save(PersonDraft(
        name=" 王　芳 ", id_number="110105 19491231 002x", phone="+86 138-1234-5678",
        categories=("employee", "veteran")))
    assert changes.people and len(changes.ids) == 1
    person = desk.people.get(changes.ids[0])
    assert person.name == "王 芳"
    assert person.id_number == VALID_ID
    assert person.sex == "F" and person.birth_date == "1949-12-31"
    assert person.phone == "13812345678"
    assert person.categories == ("employee", "veteran")


@pytest.mark.parametrize("draft, field, code", [
    (PersonDraft(name="", id_number=VALID_ID), "name", "NAME_EMPTY"),
    (PersonDraft(name="张3", id_number=VALID_ID), "name", "NAME_CHARS"),
    (PersonDraft(name="张三", id_number="110105194912310021"), "id_number", "ID_CHECK_CHAR"),
    (PersonDraft(name="张三", id_number="11010519491331002X"), "id_number", "ID_BIRTH_DATE"),
    (PersonDraft(name="张三", id_number="3.20501199001011E+17"), "id_number", "ID_SCIENTIFIC"),
    (PersonDraft(name="张三", id_number=VALID_ID, phone="12345"), "phone", "PHONE_FORMAT"),
    (PersonDraft(name="张三", id_number=VALID_ID, employer_uscc="91110000600037341A"),
     "employer_uscc", "USCC_CHECK_CHAR"),
    (PersonDraft(name="张三", id_number=VALID_ID, categories=("astronaut",)),
     "categories", "CATEGORY_UNKNOWN"),
])
def test_invalid_forms_are_refused_with_the_field_and_reason(desk, draft, field, code):
    with pytest.raises(ValidationError) as info:
        desk.people.save(draft)
    assert code in _codes(info.value.issues, field)
    assert all(i.message() for i in info.value.issues)  # every issue has words for the clerk
    assert desk.people.total() == 0


def test_the_same_id_number_cannot_make_a_second_person(desk):
    first = desk.people.save(PersonDraft(name="张三", id_number=VALID_ID)).ids[0]
    with pytest.raises(ValidationError) as info:
        desk.people.save(PersonDraft(name="张叁", id_number=VALID_ID.lower()))
    assert _codes(info.value.issues, "id_number") == {"ID_DUPLICATE"}
    # ...but the person themself may be saved again
    desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, phone="13900001111"),
                     person_id=first)
    assert desk.people.get(first).phone == "13900001111"


def test_legacy_15_digit_id_is_converted_with_a_warning_not_an_error(desk):
    fields, issues = desk.people.validate(PersonDraft(name="李四", id_number="130503670401001"))
    assert fields["id_number"] == "130503196704010016"
    assert [i.severity for i in issues if i.field == "id_number"] == ["warning"]


def test_every_change_is_logged_with_before_and_after(desk):
    person_id = desk.people.save(PersonDraft(name="张三", id_number=VALID_ID)).ids[0]
    desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, phone="13800001111",
                                 categories=("veteran",)), person_id=person_id)
    unchanged = desk.people.save(PersonDraft(name="张三", id_number=VALID_ID,
                                             phone="13800001111", categories=("veteran",)),
                                 person_id=person_id)
    assert not unchanged.anything
    entries = oplog.entries_for(desk.db, "person", person_id)
    assert [e["action"] for e in entries] == ["create", "update"]
    assert entries[0]["before"] is None and entries[0]["after"]["name"] == "张三"
    assert entries[1]["before"] == {"phone": "", "categories": []}
    assert entries[1]["after"] == {"phone": "13800001111", "categories": ["veteran"]}
    assert all(e["device_id"] == desk.device_id for e in entries)


def test_updating_a_missing_person_is_not_found(desk):
    with pytest.raises(NotFound):
        desk.people.save(PersonDraft(name="张三", id_number=VALID_ID), person_id="nope")


def test_ids_are_distinct_time_ordered_version_7_uuids():
    import time
    import uuid

    from skilldesk.core.clock import IdPool
    from skilldesk.core.clock import new_id
    from skilldesk.core.clock import new_ids

    ids = new_ids(2000)
    assert len(set(ids)) == 2000 and ids == sorted(ids)
    for text in ids[:200] + [new_id()]:
        parsed = uuid.UUID(text)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122 and str(parsed) == text
        assert abs(int(text.replace("-", "")[:12], 16) / 1000 - time.time()) < 60
    pool = IdPool(batch=100)
    drawn = [pool() for _ in range(250)]
    assert drawn == sorted(drawn) and len(set(drawn)) == 250


def test_ids_stay_ascending_across_counter_carries_and_exhaustion(monkeypatch):
    """The cached first groups are redone when the counter's top bits or the
    millisecond change (a carry out of the low 62 bits; the counter running out)."""
    import uuid

    from skilldesk.core import clock

    ms = 1_900_000_000_000
    monkeypatch.setattr(clock.time, "time", lambda: ms / 1000)
    for start in ((1 << 62) - 3_000_000, (1 << 74) - 3_000_000):  # a carry; exhaustion
        monkeypatch.setattr(clock, "_id_state", [ms, start])
        ids = clock.new_ids(400)  # random steps sum to about 13,000,000, well past the edge
        assert ids == sorted(ids) and len(set(ids)) == 400
        parsed = [uuid.UUID(text) for text in ids]
        assert all(p.version == 7 and p.variant == uuid.RFC_4122 for p in parsed)
        counters = [((p.int >> 64) & 0xFFF, p.int & ((1 << 62) - 1)) for p in parsed]
        millis = {p.int >> 80 for p in parsed}
        if start < 1 << 63:
            assert len({top for top, _low in counters}) == 2  # the top bits moved on
            assert millis == {ms}
        else:
            assert millis == {ms, ms + 1}  # borrowed the next millisecond


# -- subsidy facts: pension and months of unemployment insurance (NULL = not recorded) ----

@pytest.mark.parametrize("months, code", [
    (-1, "INSURED_MONTHS_RANGE"), (601, "INSURED_MONTHS_RANGE"), (2.5, "INSURED_MONTHS_NOT_WHOLE"),
    ("24个月", "INSURED_MONTHS_NOT_WHOLE"), ("abc", "INSURED_MONTHS_NOT_WHOLE"),
    (True, "INSURED_MONTHS_NOT_WHOLE"),
])
def test_insured_months_must_be_a_whole_number_up_to_600(desk, months, code):
    with pytest.raises(ValidationError) as info:
        desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, insured_months=months))
    assert _codes(info.value.issues) == {code}
    assert [i.field for i in info.value.issues] == ["insured_months"]
    assert all(i.message() for i in info.value.issues)
    assert desk.people.total() == 0


@pytest.mark.parametrize("months, stored", [(0, 0), (600, 600), ("２４", 24), (" 7 ", 7), ("", None)])
def test_insured_months_accepts_0_to_600_and_typed_digits(desk, months, stored):
    fields, issues = desk.people.validate(
        PersonDraft(name="张三", id_number=VALID_ID, insured_months=months))
    assert issues == [] and fields["insured_months"] == stored


def test_a_pension_answer_other_than_yes_no_or_unset_is_refused(desk):
    _fields, issues = desk.people.validate(
        PersonDraft(name="张三", id_number=VALID_ID, pension="是"))
    assert [(i.field, i.code) for i in issues] == [("pension", "PENSION_VALUE")]


def _stored_facts(desk, person_id):
    return desk.db.execute("SELECT pension, insured_months FROM person WHERE id = ?",
                           [person_id]).fetchone()


def test_subsidy_facts_stay_unrecorded_unless_set_and_no_is_not_unrecorded(desk):
    person_id = desk.people.save(PersonDraft(name="张三", id_number=VALID_ID)).ids[0]
    assert _stored_facts(desk, person_id) == (None, None)
    person = desk.people.get(person_id)
    assert person.pension is None and person.insured_months is None

    desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, pension=False,
                                 insured_months=0), person_id=person_id)
    assert _stored_facts(desk, person_id) == (0, 0)
    person = desk.people.get(person_id)
    assert person.pension is False and person.insured_months == 0

    desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, pension=True,
                                 insured_months=24), person_id=person_id)
    assert desk.people.get(person_id).pension is True
    # the form may take a fact back to "not recorded"
    desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, insured_months=24),
                     person_id=person_id)
    assert _stored_facts(desk, person_id) == (None, 24)

    entries = oplog.entries_for(desk.db, "person", person_id)
    assert [e["action"] for e in entries] == ["create", "update", "update", "update"]
    assert entries[0]["after"]["pension"] is None and entries[0]["after"]["insured_months"] is None
    assert entries[1]["before"] == {"pension": None, "insured_months": None}
    assert entries[1]["after"] == {"pension": 0, "insured_months": 0}
    assert entries[2]["before"] == {"pension": 0, "insured_months": 0}
    assert entries[2]["after"] == {"pension": 1, "insured_months": 24}
    assert entries[3]["before"] == {"pension": 1}
    assert entries[3]["after"] == {"pension": None}


def test_a_form_opened_from_a_person_keeps_the_facts(desk):
    from skilldesk.core.people import draft_from

    person_id = desk.people.save(PersonDraft(name="张三", id_number=VALID_ID, pension=False,
                                             insured_months=12)).ids[0]
    draft = draft_from(desk.people.get(person_id))
    assert (draft.pension, draft.insured_months) == (False, 12)
    assert not desk.people.save(draft, person_id=person_id).anything
