"""The subsidy decision, rule by rule: a passing and a failing case for each.

Amounts are checked against DOMAIN.md §1.7 (Jiangsu 2023 benchmark, Suzhou's
skill-upgrade table, the flat amounts) as shipped in the bundled rule set.
"""

from __future__ import annotations

import datetime as dt
import dataclasses

import pytest

from skilldesk.rules import retirement
from skilldesk.rules.catalogue import CatalogueIndex
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.rules.policy import rule_set_for
from skilldesk.rules.subsidy import ClassFacts
from skilldesk.rules.subsidy import CertificateFacts
from skilldesk.rules.subsidy import EnrolmentFacts
from skilldesk.rules.subsidy import HeldCertificate
from skilldesk.rules.subsidy import PersonFacts
from skilldesk.rules.subsidy import PriorSubsidy
from skilldesk.rules.subsidy import decide

D = dt.date


def replace(facts, **changes):
    """A copy with *changes* (facts are named tuples, catalogue items dataclasses)."""
    if hasattr(facts, "_replace"):
        return facts._replace(**changes)
    return dataclasses.replace(facts, **changes)
RULES = rule_set_for(D(2026, 3, 2))
WELDER = "6-18-02-04"

PERSON = PersonFacts("p1", "张伟", "320508199001011234", D(1990, 1, 1), "M",
                     frozenset({"migrant_worker"}), frozenset({"migrant_worker"}))
KLASS = ClassFacts("c1", "SZ2026-0001", "employment_skill", "L4", "A", WELDER, "焊工", "",
                   D(2026, 3, 2), D(2026, 3, 20), 22, 34, 180000, 10, 0)
CERT = CertificateFacts("skill_level", "S000032000001264000001", "L4", D(2026, 4, 1))
ENROLMENT = EnrolmentFacts("e1", "enrolled", "pass", "migrant_worker", CERT)
ITEM = CatalogueItem(WELDER, "焊工", "", "L4", "A", 0, False)
TODAY = D(2026, 6, 1)


def catalogue(*items: CatalogueItem, sample: bool = False) -> CatalogueIndex:
    return CatalogueIndex.of("cat", "2026 苏州目录", 2026, sample, list(items or (ITEM,)))


def run(person=PERSON, klass=KLASS, enrolment=ENROLMENT, history=(), held=(), cat=None,
        today=TODAY, no_catalogue=False):
    return decide(person, klass, enrolment, list(history), list(held), RULES,
                  None if no_catalogue else (cat or catalogue()), today)


def failed(decision) -> dict[str, str]:
    return {o.rule: o.severity for o in decision.outcomes if not o.passed}


def test_the_base_case_is_eligible_at_the_benchmark_and_paid_to_the_institution():
    decision = run()
    assert failed(decision) == {}
    assert decision.eligible and decision.amount_fen == 150000
    assert (decision.payee, decision.kind) == ("institution", "training")
    messages = " ".join(o.message() for o in decision.outcomes)
    assert "1,500 yuan" in messages and "2027-04-01" in messages  # amount and claim deadline


# (description, changes to the facts, rule expected to fail, severity)
FAILING = [
    ("withdrew", dict(enrolment=replace(ENROLMENT, status="withdrawn")), "enrolled", "blocking"),
    ("failed the exam", dict(enrolment=replace(ENROLMENT, result="fail")), "result", "blocking"),
    ("no result yet", dict(enrolment=replace(ENROLMENT, result=None)), "result", "blocking"),
    ("no certificate", dict(enrolment=replace(ENROLMENT, certificate=None)), "certificate",
     "blocking"),
    ("wrong certificate type", dict(enrolment=replace(ENROLMENT, certificate=replace(
        CERT, cert_type="special_ability"))), "certificate_type", "blocking"),
    ("certificate of another level", dict(enrolment=replace(ENROLMENT, certificate=replace(
        CERT, level="L5"))), "certificate_level", "blocking"),
    ("certificate before the class ended", dict(enrolment=replace(ENROLMENT, certificate=replace(
        CERT, issue_date=D(2026, 3, 19)))), "certificate_date", "blocking"),
    ("claim window closed", dict(today=D(2027, 4, 2)), "claim_window", "blocking"),
    ("claim window closing", dict(today=D(2027, 3, 15)), "claim_window", "warning"),
    ("too few hours", dict(klass=replace(KLASS, theory_hours=20, practice_hours=34)), "hours",
     "blocking"),
    ("too little practice", dict(klass=replace(KLASS, theory_hours=26, practice_hours=30)),
     "practice_share", "blocking"),
    ("no sessions", dict(klass=replace(KLASS, sessions=0)), "attendance", "blocking"),
    ("attendance missing", dict(klass=replace(KLASS, sessions_unrecorded=2)), "attendance",
     "blocking"),
    ("under 16", dict(person=replace(PERSON, birth_date=D(2010, 3, 3))), "age", "blocking"),
    ("draws a pension", dict(person=replace(PERSON, pension=True)), "pension", "blocking"),
    ("past retirement, pension unknown", dict(person=replace(PERSON, birth_date=D(1960, 5, 5))),
     "retirement", "warning"),
    ("full-time student", dict(person=replace(PERSON, school="苏州大学",
                                              graduation_date=D(2027, 6, 30))),
     "student", "blocking"),
    ("no category", dict(person=replace(PERSON, categories=frozenset()),
                         enrolment=replace(ENROLMENT, category="")), "category", "warning"),
    ("category without proof", dict(person=replace(PERSON, proven=frozenset())),
     "category_proof", "warning"),
    ("graduate not registered", dict(
        person=replace(PERSON, categories=frozenset({"graduate_unemployed"}),
                       proven=frozenset({"graduate_unemployed"})),
        enrolment=replace(ENROLMENT, category="graduate_unemployed")),
     "graduate_registered", "blocking"),
    ("graduate trained in another occupation before", dict(
        person=replace(PERSON, categories=frozenset({"graduate_unemployed"}),
                       proven=frozenset({"graduate_unemployed"}), unemployment_cert_no="3205001"),
        enrolment=replace(ENROLMENT, category="graduate_unemployed"),
        history=[PriorSubsidy("training", "employment_skill", "4-07-05-01", "L5", D(2025, 5, 1))]),
     "graduate_one_occupation", "blocking"),
    ("three subsidies already", dict(history=[
        PriorSubsidy("training", "employment_skill", f"4-0{n}-01-01", "L5", D(2024, n, 1))
        for n in range(1, 4)]), "cap_total", "blocking"),
    ("same occupation and level before", dict(history=[
        PriorSubsidy("training", "employment_skill", WELDER, "L4", D(2024, 5, 1))]),
     "once_per_level", "blocking"),
    ("a higher level already held", dict(held=[HeldCertificate(WELDER, "L3", D(2025, 1, 1))]),
     "higher_level", "blocking"),
    ("no catalogue in force", dict(no_catalogue=True), "catalogue", "blocking"),
    ("occupation not in the catalogue", dict(cat=catalogue(replace(ITEM, occupation_code=(
        "6-18-02-05")))), "catalogue", "blocking"),
    ("sample catalogue", dict(cat=catalogue(sample=True)), "catalogue_sample", "warning"),
    ("no fee recorded", dict(klass=replace(KLASS, fee_fen=0)), "fee", "blocking"),
]


@pytest.mark.parametrize("changes, rule, severity",
                         [case[1:] for case in FAILING], ids=[case[0] for case in FAILING])
def test_each_rule_fails_on_its_case(changes, rule, severity):
    decision = run(**changes)
    assert failed(decision).get(rule) == severity, failed(decision)
    assert decision.eligible == (severity != "blocking")
    outcome = next(o for o in decision.outcomes if o.rule == rule and not o.passed)
    assert outcome.message() and outcome.message() != outcome.msgid or not outcome.params


# the near misses: the same rules, just on the passing side
PASSING = [
    ("claim on the last day", dict(today=D(2027, 4, 1))),
    ("exactly the minimum hours and 60% practice", dict(klass=replace(
        KLASS, theory_hours=22, practice_hours=34))),
    ("sixteen on the first day", dict(person=replace(PERSON, birth_date=D(2010, 3, 2)))),
    ("past retirement without a pension", dict(person=replace(
        PERSON, birth_date=D(1960, 5, 5), pension=False))),
    ("student in the graduation year", dict(person=replace(
        PERSON, school="苏州大学", graduation_date=D(2026, 6, 30)))),
    ("registered graduate, the same occupation one level lower before", dict(
        person=replace(PERSON, categories=frozenset({"graduate_unemployed"}),
                       proven=frozenset({"graduate_unemployed"}), unemployment_cert_no="3205001"),
        enrolment=replace(ENROLMENT, category="graduate_unemployed"),
        history=[PriorSubsidy("training", "employment_skill", WELDER, "L5", D(2025, 5, 1))])),
    ("two subsidies before", dict(history=[
        PriorSubsidy("training", "employment_skill", f"4-0{n}-01-01", "L5", D(2024, n, 1))
        for n in range(1, 3)])),
    ("the lower level of the same occupation before", dict(history=[
        PriorSubsidy("training", "employment_skill", WELDER, "L5", D(2024, 5, 1))])),
    ("a higher level obtained after this class started", dict(
        held=[HeldCertificate(WELDER, "L3", D(2026, 3, 10))])),
    ("a higher level of another occupation", dict(
        held=[HeldCertificate("4-12-01-01", "L3", D(2025, 1, 1))])),
]


@pytest.mark.parametrize("changes", [case[1] for case in PASSING],
                         ids=[case[0] for case in PASSING])
def test_near_misses_pass(changes):
    decision = run(**changes)
    assert decision.eligible, failed(decision)
    assert not {r for r, s in failed(decision).items() if s == "blocking"}


def test_the_retirement_boundary_under_the_2025_reform():
    # a man born 1965-06-20 retires at 60 years 2 months: on 2025-08-20
    born = D(1965, 6, 20)
    day = retirement.retirement_date(born, retirement.category_for("M"))
    assert day == D(2025, 8, 20)
    for start, past in ((day - dt.timedelta(days=1), False), (day, True)):
        klass = replace(KLASS, start_date=start, end_date=start + dt.timedelta(days=18))
        decision = run(person=replace(PERSON, birth_date=born), klass=klass,
                       today=start + dt.timedelta(days=60),
                       enrolment=replace(ENROLMENT, certificate=replace(
                           CERT, issue_date=start + dt.timedelta(days=30))))
        assert ("retirement" in failed(decision)) == past, start
    # a woman worker born 1975-03 retires at 50 years 2 months (DOMAIN.md §1.3 example)
    woman = retirement.retirement_date(D(1975, 3, 10), retirement.category_for("F"))
    assert woman == D(2025, 5, 10)


# -- amounts (DOMAIN.md §1.7) ----------------------------------------------------------------

BENCHMARK = {  # yuan
    "A": {"L5": 1000, "L4": 1500, "L3": 2000, "L2": 3500, "L1": 4300},
    "B": {"L5": 800, "L4": 1200, "L3": 1800, "L2": 2500, "L1": 3500},
    "C": {"L5": 500, "L4": 1000, "L3": 1500, "L2": 2000, "L1": 3000},
}


@pytest.mark.parametrize("category", "ABC")
@pytest.mark.parametrize("level", ["L5", "L4", "L3", "L2", "L1"])
def test_benchmark_amounts_by_category_and_level(category, level):
    item = CatalogueItem(WELDER, "焊工", "", level, category, 0, False)
    klass = replace(KLASS, level=level, category=category, fee_fen=10_000_00,
                    theory_hours=24, practice_hours=36)
    enrolment = replace(ENROLMENT, certificate=replace(CERT, level=level))
    decision = run(klass=klass, enrolment=enrolment, cat=catalogue(item))
    assert decision.amount_fen == BENCHMARK[category][level] * 100, failed(decision)


@pytest.mark.parametrize("category, yuan", [("A", 800), ("B", 600), ("C", 400)])
def test_special_ability_amounts(category, yuan):
    item = CatalogueItem("", "苏绣", "", "special", category, 0, False)
    klass = replace(KLASS, training_type="special_ability", level="special", category=category,
                    occupation_code="", occupation_name="苏绣", theory_hours=16, practice_hours=24)
    enrolment = replace(ENROLMENT, certificate=replace(CERT, cert_type="special_ability",
                                                       level="special"))
    decision = run(klass=klass, enrolment=enrolment, cat=catalogue(item))
    assert decision.amount_fen == yuan * 100, failed(decision)


@pytest.mark.parametrize("training_type, yuan", [
    ("entrepreneurship_gyb", 350), ("entrepreneurship_syb", 1000), ("entrepreneurship_iyb", 1000),
    ("entrepreneurship_online", 1000), ("pre_job", 500)])
def test_flat_amounts(training_type, yuan):
    klass = replace(KLASS, training_type=training_type, level="", category="", occupation_code="",
                    occupation_name="创业培训", theory_hours=40, practice_hours=0)
    enrolment = replace(ENROLMENT, certificate=replace(CERT, cert_type="training", level=""))
    decision = run(klass=klass, enrolment=enrolment, no_catalogue=True)
    assert decision.amount_fen == yuan * 100 and decision.eligible, failed(decision)
    assert decision.kind == ("entrepreneurship" if training_type != "pre_job" else "training")


def test_catalogue_amount_shortage_uplift_and_the_fee_cap():
    assert run(cat=catalogue(replace(ITEM, standard_fen=170000))).amount_fen == 170000
    assert run(cat=catalogue(replace(ITEM, shortage=True)),
               klass=replace(KLASS, fee_fen=250000)).amount_fen == 195000  # 1500 + 30%
    capped = run(klass=replace(KLASS, fee_fen=120000))
    assert capped.amount_fen == 120000 and capped.eligible
    assert any(o.rule == "fee" and "1,200" in o.message() for o in capped.outcomes)


def test_training_certificates_must_be_priced_within_the_range():
    item = CatalogueItem("", "中式面点制作", "", "certificate", "C", 60000, False)
    klass = replace(KLASS, training_type="employment_skill", level="certificate", category="C",
                    occupation_code="", occupation_name="中式面点制作")
    enrolment = replace(ENROLMENT, certificate=replace(CERT, cert_type="training", level=""))
    assert run(klass=klass, enrolment=enrolment, cat=catalogue(item)).amount_fen == 60000
    too_high = run(klass=klass, enrolment=enrolment,
                   cat=catalogue(replace(item, standard_fen=120000)))
    assert failed(too_high) == {"amount": "blocking"}
    unpriced = run(klass=klass, enrolment=enrolment, cat=catalogue(replace(item, standard_fen=0)))
    assert failed(unpriced) == {"amount": "blocking"}


# -- the skill-upgrade subsidy (employees) ---------------------------------------------------

EMPLOYEE = replace(PERSON, categories=frozenset({"employee"}), proven=frozenset({"employee"}),
                   insured_months=24)
UPGRADE_CLASS = replace(KLASS, training_type="post_upgrade")
UPGRADE = replace(ENROLMENT, category="employee")


def test_employees_get_the_skill_upgrade_subsidy_personally():
    decision = run(person=EMPLOYEE, klass=UPGRADE_CLASS, enrolment=UPGRADE)
    assert (decision.kind, decision.payee, decision.amount_fen) == ("skill_upgrade", "person",
                                                                   150000)
    senior = run(person=EMPLOYEE, enrolment=replace(UPGRADE, certificate=replace(CERT, level="L1")),
                 klass=replace(UPGRADE_CLASS, level="L1", fee_fen=500000),
                 cat=catalogue(replace(ITEM, level="L1")))
    assert senior.amount_fen == 450000  # Suzhou's table: 高级技师 4500 (the benchmark says 4300)


@pytest.mark.parametrize("months, severity", [(None, "warning"), (11, "blocking"), (12, None)])
def test_upgrade_needs_twelve_months_of_insurance(months, severity):
    decision = run(person=replace(EMPLOYEE, insured_months=months), klass=UPGRADE_CLASS,
                   enrolment=UPGRADE)
    assert failed(decision).get("insured") == severity


def test_upgrade_at_most_three_a_year_counting_training_subsidies():
    this_year = [PriorSubsidy("training", "employment_skill", f"4-0{n}-01-01", "L5",
                              D(2026, n, 1)) for n in (1, 2)]
    upgrade = PriorSubsidy("skill_upgrade", "post_upgrade", "4-07-05-01", "L4", D(2026, 2, 1))
    last_year = PriorSubsidy("skill_upgrade", "post_upgrade", "4-07-05-02", "L4", D(2025, 9, 1))
    blocked = run(person=EMPLOYEE, klass=UPGRADE_CLASS, enrolment=UPGRADE,
                  history=[*this_year, upgrade])
    assert failed(blocked).get("cap_year") == "blocking"
    allowed = run(person=EMPLOYEE, klass=UPGRADE_CLASS, enrolment=UPGRADE,
                  history=[*this_year, last_year])
    assert "cap_year" not in failed(allowed)


# -- entrepreneurship in order -----------------------------------------------------------------

def _syb(history):
    klass = replace(KLASS, training_type="entrepreneurship_syb", level="", category="",
                    occupation_code="", occupation_name="SYB", theory_hours=80, practice_hours=0)
    enrolment = replace(ENROLMENT, certificate=replace(CERT, cert_type="entrepreneurship",
                                                       level=""))
    return run(klass=klass, enrolment=enrolment, history=history, no_catalogue=True)


def test_entrepreneurship_kinds_in_order_and_once_each():
    def prior(kind):
        return PriorSubsidy("entrepreneurship", kind, "", "", D(2025, 5, 1))
    assert _syb([prior("entrepreneurship_gyb")]).eligible
    assert failed(_syb([prior("entrepreneurship_iyb")])) == {"entrepreneurship_order": "blocking"}
    assert failed(_syb([prior("entrepreneurship_syb")])) == {"entrepreneurship_once": "blocking"}


def test_reasons_are_translated_and_cite_their_clause():
    from skilldesk import i18n

    decision = run(history=[PriorSubsidy("training", "employment_skill", WELDER, "L4",
                                         D(2024, 5, 1))])
    outcome = next(o for o in decision.outcomes if o.rule == "once_per_level")
    assert "同一职业同一等级只享受一次" in outcome.clause
    i18n.set_language("zh_CN")
    try:
        assert "同一" in outcome.message() or "该职业" in outcome.message()
    finally:
        i18n.set_language("en")


def test_sharing_class_outcomes_across_trainees_changes_no_decision():
    memo: dict = {}
    people = [PERSON, replace(PERSON, person_id="p2", pension=True),
              replace(PERSON, person_id="p3", categories=frozenset({"employee"}),
                      proven=frozenset({"employee"}))]
    klasses = [KLASS, replace(KLASS, theory_hours=30, practice_hours=20),
               replace(KLASS, class_id="c2", fee_fen=100000)]
    for klass in klasses:
        for person in people:
            enrolment = replace(ENROLMENT, category=min(person.categories))
            for detail in (True, False):
                alone = decide(person, klass, enrolment, [], [], RULES, catalogue(), TODAY,
                               detail=detail)
                shared = decide(person, klass, enrolment, [], [], RULES, catalogue(), TODAY,
                                detail=detail, memo=memo)
                assert shared == alone
    assert len(memo) >= 4
