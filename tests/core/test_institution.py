"""The institution: set-up and settings through the facade."""

from __future__ import annotations

import pytest

from skilldesk.core.models import InstitutionDraft
from skilldesk.errors import Conflict
from skilldesk.errors import ValidationError
from skilldesk.storage import oplog

GOOD = InstitutionDraft(name="苏州市姑苏区测试职业培训学校", uscc="91110000600037341l",
                        kind="private_school", district="320508", contact_phone="13912345678")


def test_create_normalises_and_logs(desk):
    changes = desk.institution.create(GOOD)
    institution = desk.institution.get()
    assert institution.uscc == "91110000600037341L"
    assert institution.name == GOOD.name and not institution.is_demo
    assert changes.institution and changes.ids == (institution.id,)
    assert [e["action"] for e in oplog.entries_for(desk.db, "institution", institution.id)] \
        == ["create"]


def test_bad_credit_code_says_which_character_is_wrong(desk):
    bad = InstitutionDraft(name="学校", uscc="91110000600037341A")
    with pytest.raises(ValidationError) as info:
        desk.institution.create(bad)
    (issue,) = info.value.issues
    assert issue.field == "uscc" and issue.code == "USCC_CHECK_CHAR"
    assert "L" in issue.message()
    assert desk.institution.get() is None


def test_only_one_institution_per_database(desk):
    desk.institution.create(GOOD)
    with pytest.raises(Conflict):
        desk.institution.create(GOOD)


def test_update_changes_only_what_changed(desk):
    desk.institution.create(GOOD)
    changes = desk.institution.update(InstitutionDraft(**{**GOOD.__dict__, "address": "人民路1号"}))
    assert changes.institution
    assert desk.institution.get().address == "人民路1号"
    assert not desk.institution.update(
        InstitutionDraft(**{**GOOD.__dict__, "address": "人民路1号"})).anything
    entries = oplog.entries_for(desk.db, "institution", desk.institution.get().id)
    assert entries[-1]["before"] == {"address": ""} and entries[-1]["after"] == {"address": "人民路1号"}
