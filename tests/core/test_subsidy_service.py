"""Subsidy decisions through the facade: facts from the database, history, batches."""

from __future__ import annotations

import datetime as dt

import pytest

from skilldesk.core import clock
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.storage import bulk
from tests.core.test_classes import START
from tests.core.test_classes import _to_training
from tests.core.test_classes import desk  # noqa: F401  (fixture)
from tests.core.test_classes import new_class
from tests.core.test_classes import people
from tests.core.test_outcomes import _complete
from tests.core.test_outcomes import cert22

LATER = START + dt.timedelta(days=90)
ELECTRICIAN = "6-31-01-03"


def _blocking(decision) -> set[str]:
    return {o.rule for o in decision.failures if o.severity == "blocking"}


def _catalogue(desk, *, shortage: bool = False) -> None:
    now = clock.utc_now()
    catalogue_id = clock.new_id()
    with desk.write():
        bulk.insert_rows(desk.db, "catalogue", [(
            catalogue_id, "苏州", 2026, "2026 苏州市职业培训补贴目录", "人社局", 0, "2026-01-01",
            None, 1, now, now, desk.device_id)])
        bulk.insert_rows(desk.db, "catalogue_item", [(
            clock.new_id(), catalogue_id, ELECTRICIAN, "电工", "", "L5", "A", 0, 0, int(shortage),
            40, now, now, desk.device_id)])


def _assessed(desk, code: str, who: list[str], serial: int) -> str:
    class_id = new_class(desk, code=code)
    desk.classes.enrol(class_id, who)
    _to_training(desk, class_id)
    roster = _complete(desk, class_id)
    for n, trainee in enumerate(roster):
        desk.outcomes.set_result(trainee["enrolment_id"], "pass")
        desk.outcomes.save_certificate(trainee["enrolment_id"], CertificateDraft(
            "skill_level", cert22(5, serial + n), (START + dt.timedelta(days=35)).isoformat()),
            today=LATER)
    desk.classes.advance(class_id, "assessed")
    return class_id


def test_a_class_is_decided_from_the_database(desk):
    _catalogue(desk)
    everyone = people(desk)
    class_id = _assessed(desk, "SZ2026-301", everyone[:4], 1)
    desk.db.execute("UPDATE person SET pension = 1 WHERE id = ?", [everyone[1]])
    with desk.write():
        for n in range(3):
            desk.db.table("subsidy_history").insert({
                "id": clock.new_id(), "person_id": everyone[2], "source": "bureau_list",
                "subsidy_kind": "training", "occupation_code": f"4-0{n + 1}-01-01", "level": "L5",
                "training_type": "employment_skill", "amount_fen": 100000,
                "granted_on": f"202{n + 2}-06-01", "created_at": "x", "updated_at": "x",
                "device_id": desk.device_id})
    result = desk.subsidy.check_class(class_id, today=LATER)
    by_name = {line.name: line.decision for line in result.lines}
    names = [desk.people.get(p).name for p in everyone[:4]]
    assert by_name[names[0]].eligible and by_name[names[0]].amount_fen == 100000  # A 初级 1000
    assert not by_name[names[1]].eligible and "pension" in {o.rule for o in
                                                           by_name[names[1]].failures}
    assert _blocking(by_name[names[2]]) == {"cap_total"}
    assert by_name[names[3]].eligible
    assert result.total_fen == 200000 and result.eligible == 2
    assert result.totals_by("payee") == {"institution": 200000}  # migrant workers: free training
    assert result.rule_set_id == "js-suzhou-2023" and not result.catalogue_sample
    codes = {s.code for s in result.blocking}
    assert {"RULE_PENSION", "RULE_CAP_TOTAL"} <= codes
    cap = next(s for s in result.blocking if s.code == "RULE_CAP_TOTAL")
    assert cap.count == 1 and cap.records[0].entity == "enrolment"
    assert names[2] in cap.records[0].label and "********" in cap.records[0].label


def test_an_earlier_subsidy_in_the_same_batch_counts_for_the_later_one(desk):
    _catalogue(desk)
    person = people(desk)[0]
    first = _assessed(desk, "SZ2026-311", [person], 10)
    second = _assessed(desk, "SZ2026-312", [person], 20)  # the same occupation and level again
    results = {r.class_id: r for r in desk.subsidy.check(class_ids=[first, second],
                                                         today=LATER)}
    assert results[first].lines[0].decision.eligible
    assert _blocking(results[second].lines[0].decision) == {"once_per_level"}
    # checked alone, the second class does not know about the first (no claim recorded yet)
    assert desk.subsidy.check_class(second, today=LATER).lines[0].decision.eligible


def test_classes_without_a_catalogue_say_so(desk):
    class_id = _assessed(desk, "SZ2026-321", people(desk)[:1], 30)
    line = desk.subsidy.check_class(class_id, today=LATER).lines[0]
    assert {o.rule for o in line.decision.failures} >= {"catalogue"}


@pytest.mark.parametrize("shortage, expected", [(False, 100000), (True, 120000)])
def test_shortage_uplift_is_capped_by_the_fee(desk, shortage, expected):
    _catalogue(desk, shortage=shortage)
    class_id = _assessed(desk, "SZ2026-331", people(desk)[:1], 40)  # fee 1,200 yuan
    line = desk.subsidy.check_class(class_id, today=LATER).lines[0]
    assert line.decision.amount_fen == expected  # 1000 × 1.3 = 1300, limited to the 1200 fee
