"""Rule sets: the policy's numbers as versioned data (DESIGN.md §4).

A rule set is a TOML file under ``skilldesk/resources/rules/`` with an
effective-date range. The rule set in force on a date is the one whose range
holds it (the latest start wins if ranges overlap). Nothing here touches the
database or Qt; a rule set is plain data the pure rule functions read.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation
from dataclasses import field
from functools import lru_cache
from importlib import resources

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_


class RuleSetError(SkilldeskError):
    code = "E_RULE_SET"
    default_msgid = N_("The rule set {name} cannot be used: {problem}.")


class NoRuleSet(SkilldeskError):
    code = "E_NO_RULE_SET"
    default_msgid = N_("No rule set covers {date}. Add the bureau's rule set for that year.")


@dataclass(frozen=True)
class Clause:
    """A number and the policy text it comes from."""

    value: object
    source: str


@dataclass(frozen=True)
class SubsidyRules:
    """The ``[subsidy]`` tables of a rule set; amounts in fen."""

    sample: bool
    source: str
    benchmark_fen: dict[str, dict[str, int]]   # category A/B/C -> level -> fen
    flat_fen: dict[str, int]                   # training type -> fen
    flat_source: str
    certificate_range_fen: tuple[int, int]     # 培训合格证书 min, max
    certificate_source: str
    upgrade_fen: dict[str, int]                # level -> fen (skill-upgrade subsidy)
    upgrade_min_insured_months: int
    upgrade_per_year: int
    upgrade_source: str
    shortage_uplift: Decimal
    local_float: Decimal
    uplift_source: str
    training_total: int
    one_per_occupation_level: bool
    higher_level_blocks_lower: bool
    claim_window_months: int
    claim_window_source: str
    caps_source: str
    min_age: int
    age_source: str
    free_categories: frozenset[str]
    free_source: str
    graduate_category: str
    graduate_source: str
    upgrade_category: str
    upgrade_training_types: frozenset[str]
    entrepreneurship_order: tuple[str, ...]
    entrepreneurship_source: str


def _fen(yuan: object) -> int:
    value = Decimal(str(yuan)) * 100
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"amount {yuan!r}")
    return int(value)


def _parse_subsidy(data: dict) -> SubsidyRules | None:
    sub = data.get("subsidy")
    if sub is None:
        return None
    flat = {k: _fen(v) for k, v in sub["flat"].items() if k != "source"}
    upgrade = sub["skill_upgrade"]
    people = sub["people"]
    caps = sub["caps"]
    return SubsidyRules(
        sample=bool(sub.get("sample", False)), source=str(sub["source"]),
        benchmark_fen={cat: {lvl: _fen(v) for lvl, v in row.items()}
                       for cat, row in sub["benchmark"].items()},
        flat_fen=flat, flat_source=str(sub["flat"]["source"]),
        certificate_range_fen=(_fen(sub["training_certificate"]["min"]),
                               _fen(sub["training_certificate"]["max"])),
        certificate_source=str(sub["training_certificate"]["source"]),
        upgrade_fen={k: _fen(v) for k, v in upgrade.items() if k in ("L5", "L4", "L3", "L2", "L1")},
        upgrade_min_insured_months=int(upgrade["min_insured_months"]),
        upgrade_per_year=int(upgrade["per_year"]), upgrade_source=str(upgrade["source"]),
        shortage_uplift=Decimal(str(sub["uplift"]["shortage"])),
        local_float=Decimal(str(sub["uplift"]["local_float"])),
        uplift_source=str(sub["uplift"]["source"]),
        training_total=int(caps["training_total"]),
        one_per_occupation_level=bool(caps["one_per_occupation_level"]),
        higher_level_blocks_lower=bool(caps["higher_level_blocks_lower"]),
        claim_window_months=int(caps["claim_window_months"]),
        claim_window_source=str(caps["claim_window_source"]), caps_source=str(caps["source"]),
        min_age=int(people["min_age"]), age_source=str(people["source_age"]),
        free_categories=frozenset(people["free_categories"]),
        free_source=str(people["source_free"]),
        graduate_category=str(people["graduate_category"]),
        graduate_source=str(people["source_graduate"]),
        upgrade_category=str(people["upgrade_category"]),
        upgrade_training_types=frozenset(people["upgrade_training_types"]),
        entrepreneurship_order=tuple(people["entrepreneurship_order"]),
        entrepreneurship_source=str(people["source_entrepreneurship"]),
    )


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    city: str
    effective_from: dt.date
    effective_to: dt.date | None
    holidays: frozenset[dt.date]
    extra_workdays: frozenset[dt.date]
    filing_lead_working_days: Clause
    min_hours: dict[str, int]
    min_hours_source: str
    practice_share: Clause
    practice_share_types: frozenset[str]
    period_minutes: int
    targets: dict[str, float]
    targets_source: str
    subsidy: SubsidyRules | None = None
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)


def _date(value: object, name: str, key: str) -> dt.date | None:
    if value in ("", None):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleSetError(name=name, problem=f"{key} is not a date: {value!r}") from None


def parse_rule_set(data: dict, name: str) -> RuleSet:
    """A rule set from its parsed TOML; ``RuleSetError`` names what is wrong."""
    try:
        guards = data["class_guards"]
        calendar = data.get("calendar", {})
        start = _date(data["effective_from"], name, "effective_from")
        if start is None:
            raise RuleSetError(name=name, problem="effective_from is empty")
        min_hours = {k: int(v) for k, v in guards["min_hours"].items() if k != "source"}
        targets = {k: float(v) for k, v in data["targets"].items() if k != "source"}
        return RuleSet(
            id=str(data["id"]), title=str(data["title"]), city=str(data["city"]),
            effective_from=start,
            effective_to=_date(data.get("effective_to"), name, "effective_to"),
            holidays=frozenset(_date(d, name, "holidays") for d in calendar.get("holidays", [])),
            extra_workdays=frozenset(_date(d, name, "extra_workdays")
                                     for d in calendar.get("extra_workdays", [])),
            filing_lead_working_days=Clause(int(guards["filing_lead"]["working_days"]),
                                            str(guards["filing_lead"]["source"])),
            min_hours=min_hours, min_hours_source=str(guards["min_hours"]["source"]),
            practice_share=Clause(float(guards["practice_share"]["minimum"]),
                                  str(guards["practice_share"]["source"])),
            practice_share_types=frozenset(guards["practice_share"]["training_types"]),
            period_minutes=int(guards["period"]["minutes"]),
            targets=targets, targets_source=str(data["targets"]["source"]),
            subsidy=_parse_subsidy(data), raw=data,
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise RuleSetError(name=name, problem=f"missing or malformed {exc}") from None


@lru_cache(maxsize=1)
def bundled_rule_sets() -> tuple[RuleSet, ...]:
    """The rule sets shipped in ``skilldesk/resources/rules``, oldest first."""
    folder = resources.files("skilldesk.resources") / "rules"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found.append(parse_rule_set(tomllib.loads(entry.read_text("utf-8")), entry.name))
    return tuple(sorted(found, key=lambda r: r.effective_from))


def rule_set_for(day: dt.date, rule_sets: tuple[RuleSet, ...] | None = None) -> RuleSet:
    """The rule set in force on *day* (``NoRuleSet`` if none is)."""
    sets = rule_sets if rule_sets is not None else bundled_rule_sets()
    if not sets:
        raise NoRuleSet(date=day.isoformat())
    covering = [r for r in sets if r.covers(day)]
    if not covering:
        raise NoRuleSet(date=day.isoformat())
    return max(covering, key=lambda r: r.effective_from)
