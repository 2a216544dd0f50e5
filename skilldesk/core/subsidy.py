"""Subsidy decisions for classes and the readiness report (申领前自查).

Gathers the facts in a few queries (``storage/subsidy.py``), decides every
enrolment with the pure rules (``rules/subsidy.py``), and orders each person's
enrolments by certificate date so that an earlier subsidy in the same batch
counts toward the caps of a later one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import NamedTuple

from skilldesk.core.perf import collector_paused
from skilldesk.errors import NotFound
from skilldesk.i18n import N_
from skilldesk.rules import subsidy as rules
from skilldesk.rules.catalogue import CatalogueIndex
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import subsidy as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk
    from skilldesk.core.readiness import Signal


class SubsidyLine(NamedTuple):
    enrolment_id: str
    person_id: str
    name: str
    id_number: str
    category: str
    decision: rules.Decision


@dataclass
class ClassSubsidy:
    class_id: str
    code: str
    name: str
    state: str
    rule_set_id: str
    rule_set_title: str
    catalogue_title: str | None
    catalogue_sample: bool
    lines: list[SubsidyLine] = field(default_factory=list)
    blocking: list[Signal] = field(default_factory=list)
    warnings: list[Signal] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(line.decision.amount_fen for line in self.lines)

    @property
    def eligible(self) -> int:
        return sum(1 for line in self.lines if line.decision.eligible)

    def totals_by(self, key: str) -> dict[str, int]:
        """Claimable fen by ``category`` or ``payee``."""
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            if line.decision.eligible:
                name = line.category if key == "category" else line.decision.payee or ""
                totals[name] += line.decision.amount_fen
        return dict(totals)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class SubsidyService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def check_class(self, class_id: str, *, today: dt.date | None = None,
                    readiness: bool = True) -> ClassSubsidy:
        found = self.check(class_ids=[class_id], today=today, readiness=readiness)
        if not found:
            raise NotFound()
        return found[0]

    def check(self, *, class_ids: list[str] | None = None, today: dt.date | None = None,
              readiness: bool = True, detail: bool = True) -> list[ClassSubsidy]:
        """Decisions for every enrolment of these classes (``None``: all classes).
        Without ``detail`` only the rules that failed are kept (a large batch)."""
        today = today or dt.date.today()
        with collector_paused():
            results = self._decide(class_ids, today, detail)
        if readiness and results:
            self._add_readiness(results, today)
        return results

    # -- deciding -------------------------------------------------------------------------

    def _decide(self, class_ids: list[str] | None, today: dt.date, detail: bool
                ) -> list[ClassSubsidy]:
        db = self._desk.db
        classes = {row[0]: row for row in sql.classes(db, class_ids)}
        if class_ids is not None and len(classes) < len(set(class_ids)):
            raise NotFound()
        unrecorded, session_count = _unrecorded_sessions(db, class_ids, today)
        facts = {cid: _class_facts(row, session_count.get(cid, 0), unrecorded.get(cid, 0))
                 for cid, row in classes.items()}
        history: dict[str, list[rules.PriorSubsidy]] = defaultdict(list)
        for person_id, kind, training_type, occupation, level, granted, source in \
                sql.history(db, class_ids):
            history[person_id].append(rules.PriorSubsidy(
                kind, training_type, occupation, level, dt.date.fromisoformat(granted), source))
        held: dict[str, list[rules.HeldCertificate]] = defaultdict(list)
        for person_id, occupation, level, issued in sql.certificates_held(db, class_ids):
            held[person_id].append(rules.HeldCertificate(occupation, level,
                                                         dt.date.fromisoformat(issued)))
        rule_sets: dict[dt.date, object] = {}
        catalogues: dict[dt.date, CatalogueIndex | None] = {}
        results = {}
        for cid, row in classes.items():
            start = facts[cid].start_date
            if start not in rule_sets:
                rule_sets[start] = rule_set_for(start)
                catalogues[start] = self._catalogue(start)
            rule_set, catalogue = rule_sets[start], catalogues[start]
            results[cid] = ClassSubsidy(
                cid, row[1], row[2], row[14], rule_set.id, rule_set.title,
                catalogue.title if catalogue else None, bool(catalogue and catalogue.is_sample))
        # each person's enrolments in the order their certificates came
        unproven = set(sql.unproven_categories(db, class_ids))
        by_person: dict[str, list[tuple]] = defaultdict(list)
        for row in sql.enrolments(db, class_ids):
            by_person[row[2]].append(row)
        decide, no_history, memo = rules.decide, (), {}
        for person_id, rows in by_person.items():
            if len(rows) > 1:
                rows.sort(key=lambda r: (r[9] or facts[r[1]].end_date.isoformat(), r[0]))
            first = rows[0]
            person = _person_facts(first, first[5], (person_id, first[5]) not in unproven)
            prior = history.get(person_id)
            prior = list(prior) if prior else []
            person_held = held.get(person_id, no_history)
            for row in rows:
                klass = facts[row[1]]
                if row[5] and row[5] not in person.categories:  # another category at filing
                    person = _person_facts(row, row[5], (person_id, row[5]) not in unproven,
                                           person.categories, person.proven)
                enrolment = _enrolment_facts(row)
                start = klass.start_date
                decision = decide(person, klass, enrolment, prior, person_held, rule_sets[start],
                                  catalogues[start], today, detail=detail, memo=memo)
                if decision.eligible:
                    prior.append(decision.as_prior(klass))
                results[row[1]].lines.append(SubsidyLine(
                    row[0], person_id, person.name, person.id_number,
                    enrolment.category or min(person.categories, default=""), decision))
        for result in results.values():
            result.lines.sort(key=lambda line: line.name)
        return [results[cid] for cid in classes]

    def _catalogue(self, day: dt.date) -> CatalogueIndex | None:
        service = getattr(self._desk, "catalogue", None)
        return service.index_for(day) if service is not None else None

    # -- readiness ------------------------------------------------------------------------

    def _add_readiness(self, results: list[ClassSubsidy], today: dt.date) -> None:
        """Blocking rule failures grouped by rule, plus the fraud and consistency signals."""
        from skilldesk.core.readiness import Signal
        from skilldesk.core.readiness import SignalRecord

        by_class = {r.class_id: r for r in results}
        grouped: dict[tuple[str, str, str], list] = defaultdict(list)
        for result in results:
            for line in result.lines:
                for outcome in line.decision.failures:
                    if outcome.severity == rules.INFO:
                        continue
                    grouped[(result.class_id, outcome.rule, outcome.severity)].append(
                        (line, outcome))
        for (class_id, rule, severity), items in grouped.items():
            line, outcome = items[0]
            records = tuple(SignalRecord(
                "enrolment", item_line.enrolment_id, class_id,
                f"{item_line.name}（{mask_id_number(item_line.id_number)}）",
                _TARGETS.get(rule, "roster")) for item_line, _o in items)
            signal = Signal(f"RULE_{rule.upper()}", severity, N_(
                "{count} trainees: {example}"), {"count": len(items),
                                                  "example": _Message(outcome)},
                records, outcome.clause)
            target = by_class[class_id]
            (target.blocking if severity == rules.BLOCKING else target.warnings).append(signal)
        readiness = getattr(self._desk, "readiness", None)
        if readiness is None:
            return
        for signal in readiness.signals([r.class_id for r in results], today=today):
            for class_id in dict.fromkeys(record.class_id for record in signal.records):
                target = by_class.get(class_id)
                if target is not None:
                    (target.blocking if signal.severity == rules.BLOCKING
                     else target.warnings).append(signal)
        for result in results:
            result.blocking.sort(key=lambda s: -s.count)
            result.warnings.sort(key=lambda s: -s.count)


# The detail tab where a failed rule is fixed.
_TARGETS = {
    "result": "results", "certificate": "results", "certificate_type": "results",
    "certificate_level": "results", "certificate_date": "results", "claim_window": "results",
    "hours": "basic", "practice_share": "basic", "attendance": "sessions", "fee": "basic",
    "catalogue": "basic", "catalogue_sample": "basic", "amount": "basic",
}


class _Message(str):
    """One outcome's message, translated when the grouping message is formatted."""

    def __new__(cls, outcome: rules.RuleOutcome):
        made = super().__new__(cls, outcome.msgid)
        made.outcome = outcome
        return made

    def __format__(self, spec: str) -> str:
        return format(self.outcome.message(), spec)


def _unrecorded_sessions(db, class_ids, today: dt.date
                         ) -> tuple[dict[str, int], dict[str, int]]:
    """Per class: sessions held by *today* that miss a mark for some enrolled trainee,
    and all sessions."""
    marks = dict(sql.marks_per_session(db, class_ids))
    for session_id, withdrawn in sql.withdrawn_marks_per_session(db, class_ids):
        marks[session_id] = marks.get(session_id, 0) - withdrawn
    enrolled = dict(sql.enrolled_per_class(db, class_ids))
    unrecorded: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    held_by = today.isoformat()
    for session_id, class_id, day in sql.sessions(db, class_ids):
        count[class_id] += 1
        if day <= held_by and marks.get(session_id, 0) < enrolled.get(class_id, 0):
            unrecorded[class_id] += 1
    return unrecorded, count


def _class_facts(row: tuple, sessions: int, unrecorded: int) -> rules.ClassFacts:
    return rules.ClassFacts(
        class_id=row[0], code=row[1], training_type=row[3], level=row[4], category=row[5],
        occupation_code=row[6], occupation_name=row[7], work_type=row[8],
        start_date=dt.date.fromisoformat(row[9]), end_date=dt.date.fromisoformat(row[10]),
        theory_hours=row[11], practice_hours=row[12], fee_fen=row[13], sessions=sessions,
        sessions_unrecorded=unrecorded)


def _person_facts(row: tuple, filed: str, proven: bool,
                  categories: frozenset[str] = frozenset(),
                  proofs: frozenset[str] = frozenset()) -> rules.PersonFacts:
    """The person of an enrolment row, with the category fixed at filing (and whether
    its proof is recorded) added to *categories* and *proofs*."""
    if row[20]:  # no category fixed at filing: the person's own, "+" marking a proof
        listed = row[20].split(",")
        categories = categories | {c.rstrip("+") for c in listed}
        proofs = proofs | {c[:-1] for c in listed if c.endswith("+")}
    if filed:
        categories = categories | {filed}
        if proven:
            proofs = proofs | {filed}
    return rules.PersonFacts(
        row[2], row[10], row[11], dt.date.fromisoformat(row[12]), row[13], categories, proofs,
        row[14], row[15], _day(row[16] or None), None if row[17] is None else bool(row[17]),
        row[18])


def _enrolment_facts(row: tuple) -> rules.EnrolmentFacts:
    certificate = None
    if row[6] is not None:
        certificate = rules.CertificateFacts(row[6], row[7], row[8] or "",
                                             dt.date.fromisoformat(row[9]))
    return rules.EnrolmentFacts(row[0], row[3], row[4], row[5] or "", certificate)
