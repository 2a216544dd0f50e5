"""Statutory retirement age under the 2025 reform (DOMAIN.md §1.3).

《国务院关于渐进式延迟法定退休年龄的办法》 (from 2025-01-01, over 15 years)
raises the statutory retirement age month by month, by birth month:

=================  ========  =============================  ===========  =========
category           old age   pace                           first birth  max delay
=================  ========  =============================  ===========  =========
men                60        +1 month per 4 birth months    1965-01      36 months
women cadres       55        +1 month per 4 birth months    1970-01      36 months
women workers      50        +1 month per 2 birth months    1975-01      60 months
=================  ========  =============================  ===========  =========

With *n* the number of months from the first affected birth month to the
person's birth month, counting the first as 1, the delay is
``0 if n <= 0 else min(max_delay, ceil(n / pace))`` and the statutory age is
``old age + delay`` (in months).  The age is computed, never hard-coded, so
the subsidy eligibility check stays right as the schedule rolls forward.

Decisions worth knowing:

* **The retirement date is the day the person reaches the statutory age**:
  the birth date moved forward by the statutory age in months, keeping the
  day of the month, clamped to the last day of a shorter month (born
  1965-01-31, statutory age 60 years 1 month -> 2025-02-28; born on 29
  February -> 28 February in a common year).  The clamp gives the earlier of
  the two possible readings, which is the stricter one for eligibility.
  The *month* of that date is the "retirement month" of the official tables
  and of the worked examples.  (Pensions are paid from the following month;
  that is a separate matter the app does not compute.)
* **A person who has reached the age is past retirement**:
  :func:`is_past_retirement` is true *on* the retirement date and after it
  (达到法定退休年龄), false the day before.
* **Women of unknown job type are treated as workers** (old age 50 → 55).
  For a subsidy eligibility check a person past retirement age is
  ineligible, so the stricter reading is the *earlier* retirement.  Callers
  should tell the clerk when this default was used:
  :func:`category_assumption` returns a warning for exactly that case.
* Flexible retirement (《实施弹性退休制度暂行办法》, up to three years early
  or late by choice) depends on an individual application and is not
  modelled: the statutory age is what the rules check.
* Ages in full years (:func:`age_on`) count a birthday the same way: a person
  born on 29 February becomes a year older on 28 February in a common year.

This module sits below ``skilldesk.core``: no Qt, no SQL, no core imports.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum

from skilldesk.i18n import N_
from skilldesk.rules.identifiers import WARNING
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.values import parse_sex


class RetirementCategory(StrEnum):
    MALE = "male"
    FEMALE_CADRE = "female_cadre"  # 原法定退休年龄为五十五周岁的女职工
    FEMALE_WORKER = "female_worker"  # 原法定退休年龄为五十周岁的女职工


@dataclass(frozen=True)
class _Schedule:
    old_age_years: int
    first_year: int  # first birth month affected by the reform
    first_month: int
    pace: int  # birth months per month of delay
    max_delay: int  # months

    @property
    def old_age_months(self) -> int:
        return self.old_age_years * 12

    @property
    def final_age_months(self) -> int:
        return self.old_age_months + self.max_delay


# The three rows of the table in 第一条 of the 办法.
_SCHEDULES: dict[RetirementCategory, _Schedule] = {
    RetirementCategory.MALE: _Schedule(60, 1965, 1, 4, 36),
    RetirementCategory.FEMALE_CADRE: _Schedule(55, 1970, 1, 4, 36),
    RetirementCategory.FEMALE_WORKER: _Schedule(50, 1975, 1, 2, 60),
}

#: The category assumed for a woman whose job type (cadre or worker) is not
#: known: the earlier retirement, i.e. the stricter reading for eligibility.
DEFAULT_FEMALE_CATEGORY = RetirementCategory.FEMALE_WORKER

_ASSUMED_MSGID = N_(
    "It is not known whether this woman was a cadre (old retirement age 55) "
    "or a worker (old retirement age 50), so the earlier retirement age of a "
    "worker, {age}, was used. Record her job type if she was a cadre."
)


def old_age_months(category: RetirementCategory | str) -> int:
    """The statutory age before the reform, in months (60, 55 or 50 years)."""
    return _SCHEDULES[RetirementCategory(category)].old_age_months


def final_age_months(category: RetirementCategory | str) -> int:
    """The statutory age once the reform is complete, in months (63, 58, 55 years)."""
    return _SCHEDULES[RetirementCategory(category)].final_age_months


def retirement_age_months(birth: datetime.date, category: RetirementCategory | str) -> int:
    """The statutory retirement age, in months, for someone born on *birth*.

    Only the birth *month* matters: e.g. ``60 * 12 + 1`` for a man born in
    January 1965.
    """
    schedule = _SCHEDULES[RetirementCategory(category)]
    # Months from the first affected birth month, counting that month as 1.
    n = (birth.year - schedule.first_year) * 12 + (birth.month - schedule.first_month) + 1
    if n <= 0:
        return schedule.old_age_months
    delay = min(schedule.max_delay, -(-n // schedule.pace))  # ceil(n / pace)
    return schedule.old_age_months + delay


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """*day* moved by whole months, the day clamped to the target month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def retirement_date(birth: datetime.date, category: RetirementCategory | str) -> datetime.date:
    """The day the person reaches the statutory retirement age.

    Same day of the month as the birth date, clamped to the end of a shorter
    month (see the module docstring).  Its month is the retirement month of
    the official tables.
    """
    return _add_months(birth, retirement_age_months(birth, category))


def category_for(sex: str, *, cadre: bool | None = None) -> RetirementCategory:
    """The retirement category for *sex* (any spelling :func:`parse_sex` reads).

    *cadre* only matters for women: ``True`` for a cadre (old age 55),
    ``False`` for a worker (old age 50), ``None`` when unknown, which gives
    :data:`DEFAULT_FEMALE_CATEGORY` (worker: the stricter reading for an
    eligibility check).  Raises :class:`~skilldesk.rules.identifiers.IdentifierInvalid`
    (a ``ValueError``) for an unreadable sex.
    """
    if parse_sex(sex) == "M":
        return RetirementCategory.MALE
    if cadre is None:
        return DEFAULT_FEMALE_CATEGORY
    return RetirementCategory.FEMALE_CADRE if cadre else RetirementCategory.FEMALE_WORKER


def category_assumption(sex: str, *, cadre: bool | None = None) -> IdentifierProblem | None:
    """A warning when :func:`category_for` had to assume the job type, else None.

    DOMAIN.md asks the app to "default to the stricter reading and say so";
    this is the "say so" part.
    """
    if parse_sex(sex) == "F" and cadre is None:
        age = old_age_months(DEFAULT_FEMALE_CATEGORY) // 12
        return IdentifierProblem(
            "RETIREMENT_CATEGORY_ASSUMED", _ASSUMED_MSGID, {"age": age}, WARNING
        )
    return None


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Age in full years (周岁) on *day*.

    A birthday on 29 February counts as reached on 28 February in a common
    year, like :func:`retirement_date`.  Raises ``ValueError`` if *day* is
    before *birth*.
    """
    if day < birth:
        raise ValueError(f"{day.isoformat()} is before the birth date {birth.isoformat()}")
    years = day.year - birth.year
    if _add_months(birth, years * 12) > day:
        years -= 1
    return years


def is_past_retirement(
    birth: datetime.date, sex: str, day: datetime.date, *, cadre: bool | None = None
) -> bool:
    """Whether the person has reached the statutory retirement age on *day*.

    True on the retirement date itself and after it.  A woman of unknown job
    type is taken to be a worker (see :func:`category_for`).
    """
    return day >= retirement_date(birth, category_for(sex, cadre=cadre))
