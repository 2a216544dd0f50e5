"""Tests for skilldesk.rules.values: normalising roster cells."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.rules import values
from skilldesk.rules.identifiers import IdentifierInvalid
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.values import CATEGORY_KEYS
from skilldesk.rules.values import CATEGORY_SYNONYMS
from skilldesk.rules.values import EDUCATION_LEVELS
from skilldesk.rules.values import PROBLEM_MESSAGES
from skilldesk.rules.values import check_categories
from skilldesk.rules.values import check_date
from skilldesk.rules.values import check_hukou_type
from skilldesk.rules.values import check_id_type
from skilldesk.rules.values import check_sex
from skilldesk.rules.values import parse_categories
from skilldesk.rules.values import parse_date
from skilldesk.rules.values import parse_education
from skilldesk.rules.values import parse_hukou_type
from skilldesk.rules.values import parse_id_type
from skilldesk.rules.values import parse_sex

hsettings = settings(database=None, max_examples=300, deadline=None)
D = datetime.date


def code_of(func, *args, **kwargs) -> str:
    with pytest.raises(IdentifierInvalid) as info:
        func(*args, **kwargs)
    problem = info.value.problem
    # Every problem must render in English with its own parameters.
    problem.msgid.format(**problem.params)
    assert problem.msgid == PROBLEM_MESSAGES[problem.code]
    return problem.code


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (D(1990, 1, 1), D(1990, 1, 1)),
        (datetime.datetime(1990, 1, 1, 13, 45), D(1990, 1, 1)),
        ("1990.1.1", D(1990, 1, 1)),
        ("1990.01.01", D(1990, 1, 1)),
        ("1990/01/01", D(1990, 1, 1)),
        ("1990/1/31", D(1990, 1, 31)),
        ("1990-1-1", D(1990, 1, 1)),
        ("1990-12-31", D(1990, 12, 31)),
        ("1990年1月1日", D(1990, 1, 1)),
        ("1990年01月01日", D(1990, 1, 1)),
        ("1990年1月1号", D(1990, 1, 1)),
        ("1990年1月1", D(1990, 1, 1)),
        ("1990 年 1 月 1 日", D(1990, 1, 1)),
        ("19900101", D(1990, 1, 1)),
        ("１９９０．１．１", D(1990, 1, 1)),
        ("１９９０年１月１日", D(1990, 1, 1)),
        ("１９９０－０１－０１", D(1990, 1, 1)),
        ("1990。1。1", D(1990, 1, 1)),
        ("1990—1—1", D(1990, 1, 1)),
        ("  1990-01-01\n", D(1990, 1, 1)),
        ("1990 - 01 - 01", D(1990, 1, 1)),
        ("1990\u300001\u300001", D(1990, 1, 1)),  # spaces between digits separate
        ("1990 1 1", D(1990, 1, 1)),
        ("1990 12 31", D(1990, 12, 31)),
        ("'1990-01-01", D(1990, 1, 1)),
        ("1990-01-01 00:00:00", D(1990, 1, 1)),
        ("1990-01-01T08:30", D(1990, 1, 1)),
        ("2000-02-29", D(2000, 2, 29)),
        # Excel serials (1900 date system).
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (32874, D(1990, 1, 1)),
        (32874.0, D(1990, 1, 1)),
        (32874.75, D(1990, 1, 1)),
        (45658, D(2025, 1, 1)),
        # Digits typed into a number cell.
        (19900101, D(1990, 1, 1)),
        (19900101.0, D(1990, 1, 1)),
    ],
)
def test_parse_date_accepts(raw, expected):
    assert parse_date(raw) == expected
    assert check_date(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        (None, "DATE_EMPTY"),
        ("", "DATE_EMPTY"),
        ("   ", "DATE_EMPTY"),
        ("1990.2.30", "DATE_INVALID"),
        ("1990-13-01", "DATE_INVALID"),
        ("1990年2月29日", "DATE_INVALID"),
        ("19900230", "DATE_INVALID"),
        (19900230, "DATE_INVALID"),
        ("1990-00-10", "DATE_INVALID"),
        (60, "DATE_INVALID"),  # Excel's non-existent 1900-02-29
        ("01/02/1990", "DATE_AMBIGUOUS"),
        ("1/2/1990", "DATE_AMBIGUOUS"),
        ("13/02/1990", "DATE_AMBIGUOUS"),  # only one reading, still not guessed
        ("02-13-1990", "DATE_AMBIGUOUS"),
        ("01.02.1990", "DATE_AMBIGUOUS"),
        ("13/13/1990", "DATE_INVALID"),
        ("1990-01", "DATE_INCOMPLETE"),
        ("1990.1", "DATE_INCOMPLETE"),
        ("1990年1月", "DATE_INCOMPLETE"),
        ("1990年1", "DATE_INCOMPLETE"),
        ("199001", "DATE_INCOMPLETE"),
        ("90.1.1", "DATE_FORMAT"),
        ("90-01-01", "DATE_FORMAT"),
        ("1990", "DATE_FORMAT"),
        ("32874", "DATE_FORMAT"),  # a serial in a text cell is not guessed
        ("Jan 1 1990", "DATE_FORMAT"),
        ("明天", "DATE_FORMAT"),
        ("1990-01-01-01", "DATE_FORMAT"),
        ("19 90-01-01", "DATE_FORMAT"),
        ("01 02 1990", "DATE_AMBIGUOUS"),
        (True, "DATE_FORMAT"),
        (0, "DATE_FORMAT"),
        (-5, "DATE_FORMAT"),
        (float("nan"), "DATE_FORMAT"),
        (float("inf"), "DATE_FORMAT"),
        (500000, "DATE_FORMAT"),
        ([1990, 1, 1], "DATE_FORMAT"),
        ("1899-12-31", "DATE_OUT_OF_RANGE"),
        ("2990-01-01", "DATE_OUT_OF_RANGE"),
        ("0199.1.1", "DATE_OUT_OF_RANGE"),
        (D(1850, 1, 1), "DATE_OUT_OF_RANGE"),
    ],
)
def test_parse_date_refuses(raw, code):
    assert code_of(parse_date, raw) == code
    problem = check_date(raw)
    assert isinstance(problem, IdentifierProblem) and problem.code == code


def test_ambiguous_date_names_both_readings_and_the_year_first_form():
    problem = check_date("01/02/1990")
    assert problem.params["readings"] == "1990-01-02 / 1990-02-01"
    assert problem.params["example"] == "1990-02-01"
    text = problem.msgid.format(**problem.params)
    assert "1990-02-01" in text and "01/02/1990" in text
    # With one possible reading, that reading is the example.
    assert check_date("13/02/1990").params["readings"] == "1990-02-13"


def test_incomplete_date_suggests_the_first_of_the_month():
    assert check_date("1990年3月").params["example"] == "1990-03-01"


def test_excel_serial_bounds():
    assert parse_date(73415) == D(2100, 12, 31)
    assert code_of(parse_date, 73416) == "DATE_FORMAT"


# Every accepted text form, as a function of a date.
def _forms(day: D) -> list[str]:
    y, m, d = day.year, day.month, day.day
    forms = [
        f"{y}.{m}.{d}", f"{y}.{m:02d}.{d:02d}", f"{y}/{m:02d}/{d:02d}", f"{y}/{m}/{d}",
        f"{y}-{m}-{d}", f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日",
        f"{y}{m:02d}{d:02d}", f"{y}-{m:02d}-{d:02d} 00:00:00", f"{y} {m} {d}",
        f"{y}。{m}。{d}", f"{y}年{m}月{d}号", f"{y}.{m:02d}.{d:02d} 12:30:15",
    ]
    return forms + [fullwidth(f) for f in forms] + [f" {f.replace('-', ' - ')} " for f in forms]


dates = st.dates(min_value=values.EARLIEST_DATE, max_value=values.LATEST_DATE)


@hsettings
@given(dates)
def test_every_accepted_form_parses_back(day):
    for form in _forms(day):
        assert parse_date(form) == day, form


@hsettings
@given(dates)
def test_objects_serials_and_digit_numbers_parse_back(day):
    assert parse_date(day) == day
    assert parse_date(datetime.datetime.combine(day, datetime.time(23, 59))) == day
    if day != D(1900, 2, 28):  # the one date before Excel's fake leap day
        serial = (day - D(1899, 12, 30)).days + (day < D(1900, 3, 1)) * -1
        assert parse_date(serial) == day
        assert parse_date(serial + 0.5) == day
    assert parse_date(int(day.strftime("%Y%m%d"))) == day


@hsettings
@given(st.integers(min_value=1900, max_value=2100), st.integers(1, 12), st.integers(1, 31))
def test_impossible_days_are_invalid_never_shifted(year, month, day):
    text = f"{year}.{month}.{day}"
    try:
        real = D(year, month, day)
    except ValueError:
        assert code_of(parse_date, text) == "DATE_INVALID"
    else:
        if values.EARLIEST_DATE <= real <= values.LATEST_DATE:
            assert parse_date(text) == real


@hsettings
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1900, 2100))
def test_year_last_is_never_guessed(a, b, year):
    result = check_date(f"{a:02d}/{b:02d}/{year}")
    assert isinstance(result, IdentifierProblem)
    assert result.code == "DATE_AMBIGUOUS"


@hsettings
@given(st.text(max_size=12))
def test_parse_date_never_crashes(text):
    result = check_date(text)
    assert isinstance(result, (D, IdentifierProblem))


# --------------------------------------------------------------------------
# Sex
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("男", "M"), ("女", "F"), ("男性", "M"), ("女性", "F"), (" 男 ", "M"),
        ("M", "M"), ("m", "M"), ("F", "F"), ("f", "F"), ("Ｍ", "M"), ("ｆ", "F"),
        ("male", "M"), ("Male", "M"), ("MALE", "M"), ("female", "F"), ("Female", "F"),
        ("ｆｅｍａｌｅ", "F"),
    ],
)
def test_parse_sex(raw, expected):
    assert parse_sex(raw) == expected
    assert check_sex(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [("", "SEX_EMPTY"), (None, "SEX_EMPTY"), ("未知", "SEX_UNKNOWN"), ("1", "SEX_UNKNOWN"),
     ("男女", "SEX_UNKNOWN"), ("x", "SEX_UNKNOWN")],
)
def test_parse_sex_refuses(raw, code):
    assert code_of(parse_sex, raw) == code
    assert check_sex(raw).code == code


def test_unknown_sex_names_the_value():
    assert check_sex(" 未知 ").params == {"value": "未知"}


# --------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------

SYNONYM_TABLE = [
    ("农民工", "migrant_worker"),
    ("农村转移劳动力", "migrant_worker"),
    ("农村转移就业劳动者", "migrant_worker"),
    ("进城务工人员", "migrant_worker"),
    ("高校毕业生", "graduate_unemployed"),
    ("离校未就业高校毕业生", "graduate_unemployed"),
    ("应届毕业生", "graduate_unemployed"),
    ("毕业年度高校毕业生", "graduate_unemployed"),
    ("失业人员", "registered_unemployed"),
    ("登记失业人员", "registered_unemployed"),
    ("城镇登记失业人员", "registered_unemployed"),
    ("退役军人", "veteran"),
    ("退役士兵", "veteran"),
    ("残疾人", "disabled"),
    ("残疾人员", "disabled"),
    ("低保", "low_income"),
    ("低保家庭", "low_income"),
    ("低收入家庭", "low_income"),
    ("低收入农户", "low_income"),
    ("在职职工", "employee"),
    ("企业职工", "employee"),
    ("职工", "employee"),
    ("在岗职工", "employee"),
    ("创业人员", "entrepreneur"),
    ("有创业意愿人员", "entrepreneur"),
    ("未升学初高中毕业生", "school_leaver"),
    ("初高中毕业生", "school_leaver"),
    ("其他", "other"),
]


@pytest.mark.parametrize("raw, key", SYNONYM_TABLE)
def test_every_required_category_synonym(raw, key):
    assert parse_categories(raw) == (key,)
    assert parse_categories(f" {raw} ") == (key,)


@pytest.mark.parametrize("key", CATEGORY_KEYS)
def test_category_keys_read_back(key):
    assert parse_categories(key) == (key,)


def test_category_keys_match_the_labels_the_core_shows():
    from skilldesk.core.models import PERSON_CATEGORIES

    assert tuple(values.CATEGORY_LABELS) == CATEGORY_KEYS
    assert PERSON_CATEGORIES is values.CATEGORY_LABELS
    assert set(CATEGORY_SYNONYMS.values()) == set(CATEGORY_KEYS)


def test_translated_category_labels_read_back():
    # The zh_CN labels of core.models.PERSON_CATEGORIES, so an exported
    # roster can be imported again.
    labels = {
        "农村转移就业劳动者": "migrant_worker",
        "离校未就业高校毕业生": "graduate_unemployed",
        "城镇登记失业人员": "registered_unemployed",
        "退役军人": "veteran",
        "残疾人": "disabled",
        "低收入家庭": "low_income",
        "未继续升学的初高中毕业生": "school_leaver",
        "创业人员": "entrepreneur",
        "其他": "other",
    }
    for label, key in labels.items():
        assert parse_categories(label) == (key,)


@pytest.mark.parametrize(
    "raw",
    [
        "农民工、低保家庭", "农民工，低保家庭", "农民工,低保家庭", "农民工;低保家庭",
        "农民工；低保家庭", "农民工/低保家庭", "农民工／低保家庭", "农民工 低保家庭",
        "农民工\u3000低保家庭", "农民工、 低保家庭", "农民工\n低保家庭", "农民工、、低保家庭、",
    ],
)
def test_category_separators(raw):
    assert parse_categories(raw) == ("migrant_worker", "low_income")


def test_categories_keep_order_and_drop_repeats():
    assert parse_categories("退役军人、农民工、进城务工人员") == ("veteran", "migrant_worker")


@pytest.mark.parametrize("raw", ["", None, "  ", "、"])
def test_empty_categories(raw):
    assert parse_categories(raw) == ()


def test_unknown_categories_name_every_unknown_part():
    assert code_of(parse_categories, "农民工、贫困户、外星人") == "CATEGORY_UNKNOWN"
    problem = check_categories("农民工、贫困户、外星人")
    assert problem.params == {"value": "贫困户、外星人"}
    assert check_categories("农民工") == ("migrant_worker",)


@hsettings
@given(st.lists(st.sampled_from([s for s, _ in SYNONYM_TABLE]), min_size=1, max_size=5),
       st.sampled_from(["、", "，", ",", ";", "；", "/", " ", "　"]))
def test_joined_synonyms_parse_to_their_keys(spellings, separator):
    expected: list[str] = []
    for spelling in spellings:
        key = dict(SYNONYM_TABLE)[spelling]
        if key not in expected:
            expected.append(key)
    assert parse_categories(separator.join(spellings)) == tuple(expected)


# --------------------------------------------------------------------------
# ID types
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("居民身份证", "resident"),
        ("身份证", "resident"),
        (" 身份证 ", "resident"),
        ("二代身份证", "resident"),
        ("中华人民共和国居民身份证", "resident"),
        ("resident", "resident"),
        ("台湾居民居住证", "taiwan_resident_permit"),
        ("香港居民居住证", "hk_resident_permit"),
        ("澳门居民居住证", "macau_resident_permit"),
        ("港澳台居民居住证（香港）", "hk_resident_permit"),
        ("港澳台居民居住证（澳门）", "macau_resident_permit"),
        ("港澳台居民居住证（台湾）", "taiwan_resident_permit"),
        ("外国人永久居留身份证", "foreign_permanent_residence"),
        ("外国人永久居留证", "foreign_permanent_residence"),
        ("foreign_permanent_residence", "foreign_permanent_residence"),
        ("", ""),
        (None, ""),
    ],
)
def test_parse_id_type(raw, expected):
    assert parse_id_type(raw) == expected
    assert check_id_type(raw) == expected


@pytest.mark.parametrize(
    "raw, number, expected",
    [
        ("港澳台居民居住证", "810000199001011234", "hk_resident_permit"),
        ("港澳台居民居住证", "820000199001011234", "macau_resident_permit"),
        ("港澳台居民居住证", "830000199001011234", "taiwan_resident_permit"),
        ("港澳居民居住证", "８１0000199001011234", "hk_resident_permit"),
        ("港澳居民居住证", " 820000199001011234", "macau_resident_permit"),
    ],
)
def test_generic_permit_is_resolved_by_the_id_number(raw, number, expected):
    assert parse_id_type(raw, id_number=number) == expected


@pytest.mark.parametrize("number", [None, "", "320501199001011234"])
def test_generic_permit_without_a_permit_number_is_refused(number):
    assert code_of(parse_id_type, "港澳台居民居住证", id_number=number) == "ID_TYPE_PERMIT_REGION"


@pytest.mark.parametrize("raw", ["护照", "居住证", "港澳居民来往内地通行证", "军官证"])
def test_unknown_id_type(raw):
    assert code_of(parse_id_type, raw) == "ID_TYPE_UNKNOWN"
    assert check_id_type(raw).params == {"value": raw}


def test_id_type_values_are_id_kinds():
    from skilldesk.rules.identifiers import IdKind

    assert set(values._ID_TYPES.values()) <= {k.value for k in IdKind}
    assert set(values._PERMIT_BY_PREFIX.values()) <= {k.value for k in IdKind}


# --------------------------------------------------------------------------
# Hukou type
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("农业", "农业"), ("农村", "农业"), ("农业户口", "农业"), (" 农业户口 ", "农业"),
        ("农村户口", "农业"),
        ("非农业", "非农业"), ("城镇", "非农业"), ("非农业户口", "非农业"), ("城镇户口", "非农业"),
        ("非农", "非农业"),
        ("", ""), (None, ""), ("  ", ""),
    ],
)
def test_parse_hukou_type(raw, expected):
    assert parse_hukou_type(raw) == expected
    assert check_hukou_type(raw) == expected


@pytest.mark.parametrize("raw", ["居民户口", "外地", "江苏"])
def test_unknown_hukou_type(raw):
    assert code_of(parse_hukou_type, raw) == "HUKOU_TYPE_UNKNOWN"


# --------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("小学", "小学"), ("小学及以下", "小学"),
        ("初中", "初中"), ("初中毕业", "初中"), ("初中及以下", "初中"),
        ("高中", "高中"), ("普通高中", "高中"), ("高中文化", "高中"),
        ("中专", "中专"), ("中职", "中专"), ("职高", "中专"), ("中等专业学校", "中专"),
        ("技校", "技校"), ("技工学校", "技校"),
        ("大专", "大专"), ("专科", "大专"), ("大学专科", "大专"), ("高职", "大专"),
        ("大专学历", "大专"),
        ("本科", "本科"), ("大学本科", "本科"), ("大学", "本科"), ("本科学历", "本科"),
        ("研究生", "研究生"), ("硕士", "研究生"), ("博士", "研究生"), ("硕士研究生", "研究生"),
        (" 本 科 ", "本科"), ("", ""), (None, ""),
    ],
)
def test_parse_education(raw, expected):
    assert parse_education(raw) == expected


@pytest.mark.parametrize("raw", EDUCATION_LEVELS)
def test_education_levels_are_fixed_points(raw):
    assert parse_education(raw) == raw


@pytest.mark.parametrize("raw, kept", [("文盲", "文盲"), (" 大学肄业 ", "大学肄业"), ("MBA", "MBA")])
def test_unknown_education_is_kept_as_typed(raw, kept):
    assert parse_education(raw) == kept


# --------------------------------------------------------------------------
# Module hygiene
# --------------------------------------------------------------------------


def test_every_message_uses_named_fields():
    # Translators reorder fields, so "{}" (positional) is not allowed.
    for code, msgid in PROBLEM_MESSAGES.items():
        assert code.isupper()
        assert "{}" not in msgid


def test_every_category_label_skilldesk_prints_reads_back_in_both_languages():
    """An exported roster (labels, not keys) must import again."""
    from skilldesk import i18n
    from skilldesk.core.models import PERSON_CATEGORIES
    from skilldesk.rules.values import parse_categories

    try:
        for language in ("en", "zh_CN"):
            i18n.set_language(language)
            for key, label in PERSON_CATEGORIES.items():
                assert parse_categories(i18n._(label)) == (key,), (language, label)
    finally:
        i18n.set_language("en")


def test_every_id_type_label_skilldesk_prints_reads_back_in_both_languages():
    from skilldesk import i18n
    from skilldesk.core.models import ID_TYPES
    from skilldesk.rules.values import parse_id_type

    numbers = {"hk_resident_permit": "810000199001010011",
               "macau_resident_permit": "820000199001010011",
               "taiwan_resident_permit": "830000199001010011",
               "foreign_permanent_residence": "900000199001010011"}
    try:
        for language in ("en", "zh_CN"):
            i18n.set_language(language)
            for kind, label in ID_TYPES.items():
                expected = "resident" if kind == "legacy_15" else kind
                assert parse_id_type(i18n._(label), id_number=numbers.get(kind)) == expected, \
                    (language, label)
    finally:
        i18n.set_language("en")
