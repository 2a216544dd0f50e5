"""Tests for skilldesk.rules.retirement (DOMAIN.md §1.3, the 2025 reform)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.rules.identifiers import IdentifierInvalid
from skilldesk.rules.retirement import DEFAULT_FEMALE_CATEGORY
from skilldesk.rules.retirement import RetirementCategory
from skilldesk.rules.retirement import age_on
from skilldesk.rules.retirement import category_assumption
from skilldesk.rules.retirement import category_for
from skilldesk.rules.retirement import final_age_months
from skilldesk.rules.retirement import is_past_retirement
from skilldesk.rules.retirement import old_age_months
from skilldesk.rules.retirement import retirement_age_months
from skilldesk.rules.retirement import retirement_date

MALE = RetirementCategory.MALE
CADRE = RetirementCategory.FEMALE_CADRE
WORKER = RetirementCategory.FEMALE_WORKER

hsettings = settings(database=None, max_examples=300, deadline=None)


def ym(years: int, months: int = 0) -> int:
    return years * 12 + months


# Every worked example in DOMAIN.md §1.3: (category, birth month, age, retirement month).
WORKED_EXAMPLES = [
    (MALE, (1965, 1), ym(60, 1), (2025, 2)),
    (MALE, (1965, 12), ym(60, 3), (2026, 3)),
    (MALE, (1964, 2), ym(60), (2024, 2)),
    (MALE, (1986, 1), ym(63), (2049, 1)),
    (WORKER, (1975, 1), ym(50, 1), (2025, 2)),
    (WORKER, (1975, 3), ym(50, 2), (2025, 5)),
    (WORKER, (1986, 1), ym(55), (2041, 1)),
    (CADRE, (1971, 4), ym(55, 4), (2026, 8)),
    (CADRE, (2000, 12), ym(58), (2058, 12)),
]


@pytest.mark.parametrize("category, birth_month, age, retires", WORKED_EXAMPLES)
@pytest.mark.parametrize("day", [1, 15, 28])
def test_worked_examples(category, birth_month, age, retires, day):
    birth = datetime.date(*birth_month, day)
    assert retirement_age_months(birth, category) == age
    when = retirement_date(birth, category)
    assert (when.year, when.month) == retires
    assert when.day == day


@pytest.mark.parametrize(
    "category, birth_month, age",
    [
        # Table of DOMAIN.md §1.3: last birth month without delay, the final age
        # reached from 1976-09 (men), 1981-09 (cadres), 1984-11 (workers).
        (MALE, (1964, 12), ym(60)),
        (MALE, (1965, 4), ym(60, 1)),
        (MALE, (1965, 5), ym(60, 2)),
        (MALE, (1976, 8), ym(62, 11)),
        (MALE, (1976, 9), ym(63)),
        (CADRE, (1969, 12), ym(55)),
        (CADRE, (1970, 1), ym(55, 1)),
        (CADRE, (1981, 8), ym(57, 11)),
        (CADRE, (1981, 9), ym(58)),
        (WORKER, (1974, 12), ym(50)),
        (WORKER, (1975, 2), ym(50, 1)),
        (WORKER, (1984, 10), ym(54, 11)),
        (WORKER, (1984, 11), ym(55)),
        (WORKER, (1999, 1), ym(55)),
    ],
)
def test_schedule_edges(category, birth_month, age):
    assert retirement_age_months(datetime.date(*birth_month, 10), category) == age


def test_category_accepts_its_string_value():
    assert retirement_age_months(datetime.date(1965, 1, 1), "male") == ym(60, 1)


def test_old_and_final_ages():
    assert [old_age_months(c) // 12 for c in (MALE, CADRE, WORKER)] == [60, 55, 50]
    assert [final_age_months(c) // 12 for c in (MALE, CADRE, WORKER)] == [63, 58, 55]


# --- the day of the month -------------------------------------------------


def test_retirement_date_keeps_the_day_of_month():
    # 1965-03-17, 60 years 1 month -> 2025-04-17.
    assert retirement_date(datetime.date(1965, 3, 17), MALE) == datetime.date(2025, 4, 17)


def test_retirement_date_clamps_to_the_end_of_a_shorter_month():
    # Man born 1965-01-31: 60 years 1 month lands in February 2025.
    assert retirement_date(datetime.date(1965, 1, 31), MALE) == datetime.date(2025, 2, 28)
    # Woman worker born 1975-03-31: 50 years 2 months -> May has 31 days.
    assert retirement_date(datetime.date(1975, 3, 31), WORKER) == datetime.date(2025, 5, 31)
    # Woman cadre born 1970-01-31: 55 years 1 month -> 2025-02-28.
    assert retirement_date(datetime.date(1970, 1, 31), CADRE) == datetime.date(2025, 2, 28)


def test_leap_day_birth():
    # Born 1964-02-29 (no delay): 60th birthday in 2024, a leap year.
    assert retirement_date(datetime.date(1964, 2, 29), MALE) == datetime.date(2024, 2, 29)
    # Woman worker born 1972-02-29 retires at 50 in 2022 (common year).
    assert retirement_date(datetime.date(1972, 2, 29), WORKER) == datetime.date(2022, 2, 28)
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2001, 2, 27)) == 0
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2001, 2, 28)) == 1
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2004, 2, 28)) == 3
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2004, 2, 29)) == 4


# --- boundary of is_past_retirement -----------------------------------------


@pytest.mark.parametrize("category, birth_month, age, retires", WORKED_EXAMPLES)
def test_boundary_day_before_and_on_retirement_date(category, birth_month, age, retires):
    birth = datetime.date(*birth_month, 12)
    sex = "M" if category is MALE else "F"
    cadre = None if category is MALE else category is CADRE
    when = retirement_date(birth, category)
    assert when == datetime.date(*retires, 12)
    day_before = when - datetime.timedelta(days=1)
    assert not is_past_retirement(birth, sex, day_before, cadre=cadre)
    assert is_past_retirement(birth, sex, when, cadre=cadre)
    assert is_past_retirement(birth, sex, when + datetime.timedelta(days=1), cadre=cadre)


def test_boundary_with_clamped_day():
    birth = datetime.date(1965, 1, 31)
    assert not is_past_retirement(birth, "男", datetime.date(2025, 2, 27))
    assert is_past_retirement(birth, "男", datetime.date(2025, 2, 28))


def test_reform_makes_a_difference_for_a_man_born_1965():
    # The old rule retired him on his 60th birthday; now one month later.
    birth = datetime.date(1965, 1, 20)
    assert not is_past_retirement(birth, "M", datetime.date(2025, 1, 20))
    assert not is_past_retirement(birth, "M", datetime.date(2025, 2, 19))
    assert is_past_retirement(birth, "M", datetime.date(2025, 2, 20))


# --- categories -----------------------------------------------------------


@pytest.mark.parametrize("sex", ["M", "男", "male", "Ｍ"])
@pytest.mark.parametrize("cadre", [None, True, False])
def test_men_are_men_whatever_the_job_type(sex, cadre):
    assert category_for(sex, cadre=cadre) is MALE
    assert category_assumption(sex, cadre=cadre) is None


def test_women_categories():
    assert category_for("F", cadre=True) is CADRE
    assert category_for("女", cadre=False) is WORKER
    assert category_for("female") is WORKER
    assert DEFAULT_FEMALE_CATEGORY is WORKER


def test_unknown_job_type_uses_the_earlier_retirement_and_says_so():
    birth = datetime.date(1980, 6, 1)
    # The default (worker) never retires later than a cadre born the same day.
    assert retirement_date(birth, category_for("F")) < retirement_date(birth, CADRE)
    # Between her worker and cadre retirement dates she counts as retired.
    day = datetime.date(2034, 1, 1)  # worker: 2033-03-01; cadre: 2038-02-01
    assert is_past_retirement(birth, "F", day)
    assert not is_past_retirement(birth, "F", day, cadre=True)
    problem = category_assumption("女")
    assert problem is not None
    assert problem.code == "RETIREMENT_CATEGORY_ASSUMED"
    assert problem.severity == "warning"
    assert "50" in problem.msgid.format(**problem.params)
    assert category_assumption("F", cadre=False) is None
    assert category_assumption("F", cadre=True) is None


def test_unreadable_sex_is_refused():
    with pytest.raises(IdentifierInvalid) as info:
        category_for("unknown")
    assert info.value.problem.code == "SEX_UNKNOWN"
    with pytest.raises(ValueError):
        is_past_retirement(datetime.date(1970, 1, 1), "", datetime.date(2025, 1, 1))


# --- age_on ---------------------------------------------------------------


@pytest.mark.parametrize(
    "birth, day, age",
    [
        ((1990, 5, 20), (1990, 5, 20), 0),
        ((1990, 5, 20), (2025, 5, 19), 34),
        ((1990, 5, 20), (2025, 5, 20), 35),
        ((1990, 12, 31), (2025, 1, 1), 34),
        ((1990, 1, 1), (2024, 12, 31), 34),
    ],
)
def test_age_on(birth, day, age):
    assert age_on(datetime.date(*birth), datetime.date(*day)) == age


def test_age_on_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on(datetime.date(2000, 1, 2), datetime.date(2000, 1, 1))


# --- properties -----------------------------------------------------------

births = st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2020, 12, 31))
categories = st.sampled_from(list(RetirementCategory))


@hsettings
@given(categories, births, births)
def test_monotone_in_birth_date(category, a, b):
    early, late = sorted((a, b))
    assert retirement_age_months(early, category) <= retirement_age_months(late, category)
    assert retirement_date(early, category) <= retirement_date(late, category)


@hsettings
@given(categories, births)
def test_between_old_and_final_age(category, birth):
    age = retirement_age_months(birth, category)
    assert old_age_months(category) <= age <= final_age_months(category)
    # The delay rises by at most one month per birth month.
    following = datetime.date(birth.year + (birth.month == 12), birth.month % 12 + 1, 1)
    assert retirement_age_months(following, category) - age in (0, 1)


@hsettings
@given(categories, births)
def test_retirement_date_is_the_day_the_age_is_reached(category, birth):
    when = retirement_date(birth, category)
    age = retirement_age_months(birth, category)
    months = (when.year - birth.year) * 12 + when.month - birth.month
    assert months == age
    assert when.day == birth.day or when.day < birth.day and (
        when + datetime.timedelta(days=1)).day == 1
    assert age_on(birth, when) == age // 12


@hsettings
@given(births, st.integers(min_value=0, max_value=40000))
def test_age_on_agrees_with_birthdays(birth, offset):
    day = birth + datetime.timedelta(days=offset)
    age = age_on(birth, day)
    assert 0 <= age <= offset // 365
    assert age_on(birth, day + datetime.timedelta(days=1)) in (age, age + 1)


@hsettings
@given(categories, births, st.integers(min_value=-400, max_value=400))
def test_past_retirement_iff_on_or_after_the_date(category, birth, offset):
    sex = "M" if category is MALE else "F"
    cadre = None if category is MALE else category is CADRE
    when = retirement_date(birth, category)
    day = when + datetime.timedelta(days=offset)
    assert is_past_retirement(birth, sex, day, cadre=cadre) == (offset >= 0)
