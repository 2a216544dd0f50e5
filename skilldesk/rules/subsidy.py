"""The subsidy decision for one enrolment: facts in, a decision out (pure).

Facts and decisions are named tuples: immutable, and cheap enough to make a
hundred thousand of in a batch.

Every rule returns an outcome (passed or not) with a severity, a reason a
clerk understands and the clause it rests on; the decision is eligible when
no blocking rule failed. Amounts come from the rule set and the catalogue,
never from this module. ``core/subsidy.py`` gathers the facts and orders a
person's enrolments so that earlier subsidies count toward later caps.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules import retirement
from skilldesk.rules.catalogue import CatalogueIndex
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.rules.policy import RuleSet
from skilldesk.rules.values import CATEGORY_LABELS

BLOCKING, WARNING, INFO = "blocking", "warning", "info"
LEVEL_RANK = {"L1": 1, "L2": 2, "L3": 3, "L4": 4, "L5": 5}  # 1 = the highest level
CERT_TYPES_FOR = {  # the certificate a class of each kind must lead to
    "level": frozenset({"skill_level", "qualification"}),
    "special": frozenset({"special_ability"}),
    "certificate": frozenset({"training"}),
    "entrepreneurship": frozenset({"entrepreneurship", "training"}),
    "pre_job": frozenset({"training", "skill_level", "qualification"}),
}
# kinds of subsidy, for the caps and the history
TRAINING, UPGRADE, ENTREPRENEURSHIP = "training", "skill_upgrade", "entrepreneurship"


class PersonFacts(NamedTuple):
    person_id: str
    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    categories: frozenset[str]
    proven: frozenset[str]          # categories with a proof document recorded
    unemployment_cert_no: str = ""
    school: str = ""
    graduation_date: dt.date | None = None
    pension: bool | None = None     # drawing a basic pension (None: not recorded)
    insured_months: int | None = None  # unemployment-insurance months (None: not recorded)


class ClassFacts(NamedTuple):
    class_id: str
    code: str
    training_type: str
    level: str
    category: str
    occupation_code: str
    occupation_name: str
    work_type: str
    start_date: dt.date
    end_date: dt.date
    theory_hours: int
    practice_hours: int
    fee_fen: int
    sessions: int
    sessions_unrecorded: int


class CertificateFacts(NamedTuple):
    cert_type: str
    cert_number: str
    level: str
    issue_date: dt.date


class EnrolmentFacts(NamedTuple):
    enrolment_id: str
    status: str
    result: str | None
    category: str                    # the category fixed at filing ('' if none)
    certificate: CertificateFacts | None


class PriorSubsidy(NamedTuple):
    """A subsidy the person already had (or gets earlier in the same batch)."""

    kind: str
    training_type: str
    occupation: str                  # occupation code, or the project name for 专项
    level: str
    granted_on: dt.date
    source: str = "history"          # history | bureau_list | claim | batch


class HeldCertificate(NamedTuple):
    """Another certificate the person holds (for "a higher level blocks")."""

    occupation: str
    level: str
    issue_date: dt.date


class RuleOutcome(NamedTuple):
    rule: str
    severity: str
    passed: bool
    msgid: str
    params: dict
    clause: str = ""

    def message(self) -> str:
        return _(self.msgid).format(**self.params)

    def as_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "passed": self.passed,
                "message": self.message(), "clause": self.clause}


class Decision(NamedTuple):
    eligible: bool
    amount_fen: int          # what is claimed (0 when not eligible)
    standard_fen: int        # what the rules give before the eligibility verdict
    payee: str | None        # institution | person
    kind: str                # training | skill_upgrade | entrepreneurship
    outcomes: tuple[RuleOutcome, ...] = ()

    @property
    def failures(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if not o.passed]

    def as_prior(self, klass: ClassFacts) -> PriorSubsidy | None:
        """This decision as history for the person's later enrolments."""
        if not self.eligible or klass is None:
            return None
        return PriorSubsidy(self.kind, klass.training_type, occupation_key(klass), klass.level,
                            klass.end_date, "batch")


def occupation_key(klass: ClassFacts) -> str:
    return klass.occupation_code or klass.occupation_name


def class_kind(klass: ClassFacts) -> str:
    if klass.training_type.startswith("entrepreneurship"):
        return "entrepreneurship"
    if klass.training_type == "pre_job":
        return "pre_job"
    if klass.level in LEVEL_RANK:
        return "level"
    return "special" if klass.level == "special" else "certificate"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    while True:
        try:
            return dt.date(year, month, day.day)
        except ValueError:
            day = day.replace(day=day.day - 1)


class _Outcomes:
    """Collects outcomes; ``fail`` and ``ok`` keep the call sites short. Without
    *detail* the rules that passed are not recorded (a batch needs the failures)."""

    __slots__ = ("items", "blocked", "detail")

    def __init__(self, detail: bool = True) -> None:
        self.items: list[RuleOutcome] = []
        self.blocked = False
        self.detail = detail

    def ok(self, rule: str, msgid: str, clause: str = "", **params) -> None:
        if self.detail:
            self.items.append(RuleOutcome(rule, INFO, True, msgid, params, clause))

    def fail(self, rule: str, severity: str, msgid: str, clause: str = "", **params) -> None:
        self.items.append(RuleOutcome(rule, severity, False, msgid, params, clause))
        if severity == BLOCKING:
            self.blocked = True


def decide(person: PersonFacts, klass: ClassFacts, enrolment: EnrolmentFacts,
           history: list[PriorSubsidy], held: list[HeldCertificate], rules: RuleSet,
           catalogue: CatalogueIndex | None, today: dt.date, *, detail: bool = True,
           memo: dict | None = None) -> Decision:
    """The decision for one enrolment (see the module docstring). With ``detail``
    every rule's outcome is kept, else only the rules that failed.

    *memo*: a dict the caller keeps for a batch: the class-level outcomes (hours,
    attendance, catalogue, amount) are worked out once per class (and rule set,
    catalogue, payee) and shared by its trainees."""
    sub = rules.subsidy
    out = _Outcomes(detail)
    if sub is None:
        out.fail("rule_set", BLOCKING, N_("The rule set {rules} has no subsidy tables."),
                 rules=rules.title)
        return Decision(False, 0, 0, None, TRAINING, tuple(out.items))
    kind = class_kind(klass)
    category = enrolment.category or next(iter(sorted(person.categories)), "")
    upgrade = (category == sub.upgrade_category
               and klass.training_type in sub.upgrade_training_types and kind == "level")
    subsidy_kind = UPGRADE if upgrade else (ENTREPRENEURSHIP if kind == "entrepreneurship"
                                            else TRAINING)
    payee = "institution" if category in sub.free_categories else "person"

    _check_training(out, klass, enrolment, kind, rules, catalogue, today)
    _check_person(out, person, klass, category, sub, upgrade)
    _check_caps(out, klass, subsidy_kind, history, held, sub, today)
    if category == sub.graduate_category:
        occupation = occupation_key(klass)
        if any(h.kind == TRAINING and h.occupation != occupation for h in history):
            out.fail("graduate_one_occupation", BLOCKING, N_(
                "An unemployed graduate is subsidised for one occupation, and this person "
                "already had a subsidy for another."), sub.graduate_source)
    key = (klass, upgrade, payee, detail, rules.id,
           catalogue.catalogue_id if catalogue is not None else None)
    shared = memo.get(key) if memo is not None else None
    if shared is None:
        of_class = _Outcomes(detail)
        _check_class(of_class, klass, rules)
        item = _catalogue_item(of_class, klass, kind, catalogue)
        standard = _amount(of_class, klass, kind, upgrade, item, sub, payee)
        shared = (tuple(of_class.items), of_class.blocked, standard)
        if memo is not None:
            memo[key] = shared
    outcomes, class_blocked, standard = shared
    eligible = not (out.blocked or class_blocked)
    return Decision(eligible, standard if eligible else 0, standard, payee, subsidy_kind,
                    (*out.items, *outcomes))


# -- the training itself ------------------------------------------------------------------


def _check_training(out: _Outcomes, klass: ClassFacts, enrolment: EnrolmentFacts, kind: str,
                    rules: RuleSet, catalogue: CatalogueIndex | None, today: dt.date) -> None:
    sub = rules.subsidy
    if enrolment.status != "enrolled":
        out.fail("enrolled", BLOCKING, N_("The trainee withdrew from the class."))
    if enrolment.result != "pass":
        out.fail("result", BLOCKING, N_("The trainee has not passed the assessment ({result})."),
                 result=_Result(enrolment.result))
    else:
        if out.detail:
            out.ok("result", N_("Passed the assessment."))
    cert = enrolment.certificate
    if cert is None:
        out.fail("certificate", BLOCKING, N_(
            "No certificate is recorded; the subsidy is paid once the certificate is obtained."),
            sub.claim_window_source)
    else:
        if cert.cert_type not in CERT_TYPES_FOR[kind]:
            out.fail("certificate_type", BLOCKING, N_(
                "This kind of certificate is not what this training is paid for; check the "
                "certificate type."), sub.source)
        if kind == "level" and cert.level and cert.level != klass.level:
            out.fail("certificate_level", BLOCKING, N_(
                "The certificate's level does not match the class level."), sub.source)
        if cert.issue_date < klass.end_date:
            out.fail("certificate_date", BLOCKING, N_(
                "The certificate is dated {issued}, before the class ended on {end}."),
                issued=cert.issue_date.isoformat(), end=klass.end_date.isoformat())
        deadline = add_months(cert.issue_date, sub.claim_window_months)
        if today > deadline:
            out.fail("claim_window", BLOCKING, N_(
                "The claim window closed on {deadline} ({months} months after the certificate)."),
                sub.claim_window_source, deadline=deadline.isoformat(),
                months=sub.claim_window_months)
        elif (deadline - today).days <= 30:
            out.fail("claim_window", WARNING, N_(
                "Claim by {deadline}: the window closes {days} days from now."),
                sub.claim_window_source, deadline=deadline.isoformat(),
                days=(deadline - today).days)
        else:
            if out.detail:
                out.ok("claim_window", N_("Claim by {deadline}."), sub.claim_window_source,
                       deadline=deadline.isoformat())


def _check_class(out: _Outcomes, klass: ClassFacts, rules: RuleSet) -> None:
    """What holds for every trainee of the class: hours, practical share, attendance."""
    total = klass.theory_hours + klass.practice_hours
    minimum = rules.min_hours.get(klass.level)
    if minimum is not None and total < minimum:
        out.fail("hours", BLOCKING, N_(
            "The class had {hours} periods; this level needs at least {minimum}."),
            rules.min_hours_source, hours=total, minimum=minimum)
    share = rules.practice_share.value
    if total and klass.training_type in rules.practice_share_types and \
            klass.practice_hours < share * total - 1e-9:
        out.fail("practice_share", BLOCKING, N_(
            "Practice was {actual:.0%} of the periods; at least {minimum:.0%} is required."),
            rules.practice_share.source, actual=klass.practice_hours / total, minimum=share)
    if klass.sessions == 0:
        out.fail("attendance", BLOCKING, N_("The class has no sessions recorded."))
    elif klass.sessions_unrecorded:
        out.fail("attendance", BLOCKING, N_(
            "Attendance is missing for {count} sessions of the class."),
            count=klass.sessions_unrecorded)


# -- the person ------------------------------------------------------------------------------


def _check_person(out: _Outcomes, person: PersonFacts, klass: ClassFacts, category: str, sub,
                  upgrade: bool) -> None:
    start = klass.start_date
    age = _age_on(person.birth_date, start)
    if age < sub.min_age:
        out.fail("age", BLOCKING, N_("The person was {age} when the class started; the minimum "
                                     "is {minimum}."), sub.age_source, age=age,
                 minimum=sub.min_age)
    if person.pension:
        out.fail("pension", BLOCKING, N_(
            "The person draws a basic pension; pensioners are not subsidised."), sub.age_source)
    # (nobody reaches the statutory age before 50: skip the date arithmetic for the young)
    elif age >= 45 and start >= _retires_on(person.birth_date, person.sex):
        day = _retires_on(person.birth_date, person.sex).isoformat()
        if person.pension is None:
            out.fail("retirement", WARNING, N_(
                "The person reached the statutory retirement age on {day}. Eligible only if "
                "not drawing a pension: record whether they do."), sub.age_source, day=day)
        else:
            if out.detail:
                out.ok("retirement", N_(
                    "Past the retirement age ({day}) but not drawing a pension."),
                    sub.age_source, day=day)
    if person.school and person.graduation_date and \
            person.graduation_date.year > klass.start_date.year:
        out.fail("student", BLOCKING, N_(
            "The person is a full-time student at {school} until {graduation}: students are "
            "subsidised only in their graduation year."), sub.source,
            school=person.school, graduation=person.graduation_date.isoformat())
    if not category:
        out.fail("category", WARNING, N_(
            "No person category is recorded: the training is treated as paid by the trainee."),
            sub.free_source)
    elif category not in person.proven and category != "other":
        out.fail("category_proof", WARNING, N_(
            "No proof document is recorded for the category “{category}”; the bureau asks "
            "for it."), sub.free_source, category=_Category(category))
    if category == sub.graduate_category and not person.unemployment_cert_no:
        out.fail("graduate_registered", BLOCKING, N_(
            "An unemployed graduate must be registered as unemployed: record the "
            "unemployment registration number."), sub.graduate_source)
    if upgrade:
        months = person.insured_months
        if months is None:
            out.fail("insured", WARNING, N_(
                "Check that unemployment insurance was paid for at least {months} months."),
                sub.upgrade_source, months=sub.upgrade_min_insured_months)
        elif months < sub.upgrade_min_insured_months:
            out.fail("insured", BLOCKING, N_(
                "Unemployment insurance was paid for {actual} months; {months} are needed."),
                sub.upgrade_source, actual=months, months=sub.upgrade_min_insured_months)


# -- caps and history ------------------------------------------------------------------------


def _check_caps(out: _Outcomes, klass: ClassFacts, kind: str, history: list[PriorSubsidy],
                held: list[HeldCertificate], sub, today: dt.date) -> None:
    occupation = occupation_key(klass)
    training_like = [h for h in history if h.kind in (TRAINING, ENTREPRENEURSHIP)]
    if kind != UPGRADE and len(training_like) >= sub.training_total:
        out.fail("cap_total", BLOCKING, N_(
            "The person already had {count} vocational-training subsidies; at most {cap} are "
            "paid."), sub.caps_source, count=len(training_like), cap=sub.training_total)
    if kind == UPGRADE:
        year = today.year
        this_year = [h for h in history if h.granted_on.year == year
                     and h.kind in (TRAINING, UPGRADE)]
        if len(this_year) >= sub.upgrade_per_year:
            out.fail("cap_year", BLOCKING, N_(
                "The person already had {count} training or skill-upgrade subsidies in {year}; "
                "at most {cap} a year."), sub.upgrade_source, count=len(this_year), year=year,
                cap=sub.upgrade_per_year)
    if kind == ENTREPRENEURSHIP:
        order = sub.entrepreneurship_order
        mine = order.index(klass.training_type) if klass.training_type in order else None
        for prior in history:
            if prior.kind != ENTREPRENEURSHIP:
                continue
            if prior.training_type == klass.training_type:
                out.fail("entrepreneurship_once", BLOCKING, N_(
                    "The person already had a subsidy for this kind of entrepreneurship "
                    "training ({on})."), sub.entrepreneurship_source,
                    on=prior.granted_on.isoformat())
            elif mine is not None and prior.training_type in order and \
                    order.index(prior.training_type) > mine:
                out.fail("entrepreneurship_order", BLOCKING, N_(
                    "A higher kind of entrepreneurship training was already subsidised; the "
                    "kinds are taken from GYB up."), sub.entrepreneurship_source)
        return
    if klass.level not in LEVEL_RANK and klass.level != "special":
        return
    if sub.one_per_occupation_level and any(
            h.occupation == occupation and h.level == klass.level for h in history):
        out.fail("once_per_level", BLOCKING, N_(
            "The person already had a subsidy for this occupation at this level."),
            sub.caps_source)
    rank = LEVEL_RANK.get(klass.level)
    if sub.higher_level_blocks_lower and rank is not None:
        higher = [h for h in held if h.occupation == occupation and
                  LEVEL_RANK.get(h.level, 99) < rank and h.issue_date <= klass.start_date]
        higher += [h for h in history if h.occupation == occupation and
                   LEVEL_RANK.get(h.level, 99) < rank]
        if higher:
            out.fail("higher_level", BLOCKING, N_(
                "The person already holds a higher level of this occupation; the same or a "
                "lower level is not subsidised."), sub.caps_source)


# -- the amount ------------------------------------------------------------------------------


def _catalogue_item(out: _Outcomes, klass: ClassFacts, kind: str,
                    catalogue: CatalogueIndex | None) -> CatalogueItem | None:
    if kind in ("entrepreneurship", "pre_job"):
        return None
    if catalogue is None:
        out.fail("catalogue", BLOCKING, N_(
            "No occupation catalogue is in force for {day}: import the bureau's catalogue."),
            day=klass.start_date.isoformat())
        return None
    item = (catalogue.find(klass.occupation_code, klass.work_type, klass.level)
            if klass.occupation_code else catalogue.find_by_name(klass.occupation_name,
                                                                 klass.level))
    if item is None:
        out.fail("catalogue", BLOCKING, N_(
            "{occupation} at this level is not in the catalogue “{catalogue}”."),
            occupation=klass.occupation_name or klass.occupation_code,
            catalogue=catalogue.title)
        return None
    if catalogue.is_sample or item.category_assumed:
        out.fail("catalogue_sample", WARNING, N_(
            "The catalogue “{catalogue}” is sample data: check the amount against the bureau's "
            "catalogue."), catalogue=catalogue.title)
    else:
        if out.detail:
            out.ok("catalogue", N_("In the catalogue “{catalogue}”."),
                   catalogue=catalogue.title)
    return item


def _amount(out: _Outcomes, klass: ClassFacts, kind: str, upgrade: bool,
            item: CatalogueItem | None, sub, payee: str) -> int:
    if kind in ("entrepreneurship", "pre_job"):
        standard = sub.flat_fen.get(klass.training_type)
        clause = sub.flat_source
    elif upgrade:
        standard = sub.upgrade_fen.get(klass.level)
        clause = sub.upgrade_source
    elif item is not None and item.standard_fen:
        standard, clause = item.standard_fen, sub.source
    elif item is not None and kind in ("level", "special"):
        category = item.category or klass.category
        standard = sub.benchmark_fen.get(category, {}).get(
            "special" if kind == "special" else klass.level)
        clause = sub.source
    else:
        standard, clause = None, sub.certificate_source
    if standard is None:
        out.fail("amount", BLOCKING, N_(
            "No amount is set for this training: the catalogue has no amount for it."), clause)
        return 0
    if kind == "certificate":
        low, high = sub.certificate_range_fen
        if not low <= standard <= high:
            out.fail("amount", BLOCKING, N_(
                "The amount {amount} yuan is outside {low}–{high} yuan for training "
                "certificates."), clause, amount=_yuan(standard), low=_yuan(low), high=_yuan(high))
    if item is not None and item.shortage:
        raised = int((Decimal(standard) * (1 + sub.shortage_uplift)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))
        if out.detail:
            out.ok("shortage", N_("Shortage occupation: {percent:.0%} more ({amount} yuan)."),
                   sub.uplift_source, percent=float(sub.shortage_uplift), amount=_yuan(raised))
        standard = raised
    if klass.fee_fen <= 0:
        out.fail("fee", BLOCKING, N_(
            "The class has no fee recorded; the subsidy cannot exceed what the training costs. "
            "Enter the fee per trainee."), sub.uplift_source)
    elif klass.fee_fen < standard:
        if out.detail:
            out.ok("fee", N_(
                "Limited to the fee of {fee} yuan (the standard is {standard} yuan)."),
                sub.uplift_source, fee=_yuan(klass.fee_fen), standard=_yuan(standard))
        standard = klass.fee_fen
    if out.detail:
        out.ok("amount", N_("{amount} yuan, paid to the {payee}."), clause,
               amount=_yuan(standard), payee=_Payee(payee))
    return standard


def _age_on(birth: dt.date, day: dt.date) -> int:
    """Age in full years on *day* (-1 before birth); 29 February as in retirement.age_on."""
    if birth > day:
        return -1
    if birth.month == 2 and birth.day == 29:
        return retirement.age_on(birth, day)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@lru_cache(maxsize=65536)
def _retires_on(birth: dt.date, sex: str) -> dt.date:
    """The statutory retirement date (a woman of unknown job type: the stricter reading)."""
    return retirement.retirement_date(birth, retirement.category_for(sex))


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}" if fen % 100 == 0 else f"{fen / 100:,.2f}"


class _Deferred(str):
    """A key shown through a translated label when the message is formatted."""

    LABELS: dict[str, str] = {}

    def __format__(self, spec: str) -> str:
        label = self.LABELS.get(str(self), str(self))
        return format(_(label), spec)


class _Result(_Deferred):
    LABELS = {"pass": N_("pass"), "fail": N_("fail"), "absent": N_("absent"),
              "None": N_("no result yet")}

    def __new__(cls, value: str | None):
        return super().__new__(cls, str(value))


class _Payee(_Deferred):
    LABELS = {"institution": N_("institution"), "person": N_("trainee")}


class _Category(_Deferred):
    LABELS = CATEGORY_LABELS
