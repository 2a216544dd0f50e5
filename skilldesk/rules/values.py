"""Normalising what people type into roster cells (dates, sex, categories…).

Like :mod:`skilldesk.rules.identifiers`, every ``parse_*`` function returns
the normalised value and raises
:class:`~skilldesk.rules.identifiers.IdentifierInvalid` carrying one
:class:`~skilldesk.rules.identifiers.IdentifierProblem`; every ``check_*``
function returns the value or the problem instead, for bulk roster checks.
:func:`parse_education` never fails (unknown text is kept as typed), so it
has no ``check_`` twin.

Decisions worth knowing:

* **Dates are never guessed.**  Year-first forms are read (``1990.1.1``,
  ``1990/01/01``, ``1990-1-1``, ``1990年1月1日``, ``19900101``, with
  full-width digits, spaces, Chinese full stops and dash look-alikes); a form
  with the year last (``01/02/1990``) is refused as ``DATE_AMBIGUOUS`` even
  when only one reading is a real date, because rows from the same file
  would otherwise be read in different orders.  Two-digit years are refused
  (``DATE_FORMAT``), as are a year and month without a day
  (``DATE_INCOMPLETE``; common in 出生年月 columns — the ID number has the
  full date).
* **Numbers are Excel cells.**  A number in the plausible serial range is an
  Excel 1900-system serial (1 = 1900-01-01, with Excel's non-existent
  1900-02-29 as serial 60, which is refused); a fraction (time of day) is
  dropped.  An eight-digit whole number such as ``19900101`` is a date typed
  as digits into a number cell and is read as YYYYMMDD.  A digit string in a
  text cell is only read as YYYYMMDD, never as a serial.
* Dates outside 1900-01-01..2100-12-31 are refused (``DATE_OUT_OF_RANGE``):
  on a roster they are typing mistakes.
* An empty cell: ``parse_date``/``parse_sex`` raise ``DATE_EMPTY``/``SEX_EMPTY``
  (the caller decides whether the field is optional); the other parsers
  return ``''`` or ``()``.  An empty ID type means "not stated": the kind
  follows from the ID number (``identifiers.IdKind``).
* Person categories are mapped through :data:`CATEGORY_SYNONYMS`, whose
  values are exactly the keys of ``core.models.PERSON_CATEGORIES`` (the core
  should import the mapping from here; ``rules`` may not import ``core``).

This module sits below ``skilldesk.core``: no Qt, no SQL, no core imports.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from collections.abc import Mapping
from types import MappingProxyType

from skilldesk.i18n import N_
from skilldesk.rules.identifiers import ERROR
from skilldesk.rules.identifiers import IdentifierInvalid
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.normalize import compact
from skilldesk.rules.normalize import normalize_dashes
from skilldesk.rules.normalize import to_halfwidth

# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "DATE_EMPTY": N_("The date is missing."),
    "DATE_FORMAT": N_(
        "{value} is not a date SkillDesk can read. Type the year first, for "
        "example 1990-01-31 or 1990年1月31日."
    ),
    "DATE_INVALID": N_(
        "{value} is not a real date (there is no {date_text}). A digit was "
        "probably mistyped: check it against the document."
    ),
    "DATE_AMBIGUOUS": N_(
        "{value} puts the year last, so the day and month could be either way "
        "round ({readings}). Type the date with the year first, for example {example}."
    ),
    "DATE_INCOMPLETE": N_(
        "{value} gives only the year and month. Type the full date, for "
        "example {example}."
    ),
    "DATE_OUT_OF_RANGE": N_(
        "{value} is outside the years 1900 to 2100, which is probably a typing "
        "mistake. Check the year."
    ),
    "SEX_EMPTY": N_("The sex is missing."),
    "SEX_UNKNOWN": N_("{value} is not a sex SkillDesk can read. Type 男 or 女."),
    "CATEGORY_UNKNOWN": N_(
        "{value} is not a person category SkillDesk knows. Choose one of the "
        "categories in the list, for example 农村转移就业劳动者 or 城镇登记失业人员."
    ),
    "ID_TYPE_UNKNOWN": N_(
        "{value} is not an ID type SkillDesk knows. Use 居民身份证, "
        "港澳居民居住证, 台湾居民居住证 or 外国人永久居留身份证."
    ),
    "ID_TYPE_PERMIT_REGION": N_(
        "{value} does not say whether the permit was issued to a resident of "
        "Hong Kong, Macau or Taiwan, and the ID number does not tell either. "
        "Check that its number starts with 81 (Hong Kong), 82 (Macau) or 83 (Taiwan)."
    ),
    "HUKOU_TYPE_UNKNOWN": N_(
        "{value} is not a hukou type SkillDesk knows. Type 农业 or 非农业."
    ),
}

#: Every problem code this module can produce, with its English msgid.
PROBLEM_MESSAGES: Mapping[str, str] = MappingProxyType(_MESSAGES)


def _invalid(code: str, **params: object) -> IdentifierInvalid:
    return IdentifierInvalid(IdentifierProblem(code, _MESSAGES[code], dict(params), ERROR))


def _text(raw: object) -> str:
    """The cell as text: None is empty; half-width; outer spaces removed."""
    if raw is None:
        return ""
    return to_halfwidth(raw if isinstance(raw, str) else str(raw)).strip()


def _key(raw: object) -> str:
    """The cell reduced for synonym look-up: compact, case-folded."""
    text = compact(_text(raw)).casefold()
    # Excel's "store as text" marker is never part of the value.
    return text[1:] if text.startswith("'") else text


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is the
# 1900-02-29 Lotus 1-2-3 invented; from serial 61 on the count is off by one.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_MAX_SERIAL = (LATEST_DATE - _EXCEL_EPOCH).days

# A trailing time of day, as pandas, CSV exports and some Excel readers write
# a datetime ("1990-01-01 00:00:00", "1990-01-01T08:30").
_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
# Separators people use between year, month and day.  "。" is what a Chinese
# input method types for "." in Chinese mode.
_SEP = r"[-./。]"
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_YMD = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$")
_YMD_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$")
_YMD_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YM = re.compile(rf"^(\d{{4}})(?:{_SEP}(\d{{1,2}})|年(\d{{1,2}})月?|(\d{{2}}))$")
_YEAR_LAST = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})$")


def _date_from_parts(value: str, year: int, month: int, day: int) -> datetime.date:
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise _invalid(
            "DATE_INVALID", value=value, date_text=f"{year:04d}-{month:02d}-{day:02d}"
        ) from None
    return _in_range(value, result)


def _in_range(value: str, result: datetime.date) -> datetime.date:
    if not EARLIEST_DATE <= result <= LATEST_DATE:
        raise _invalid("DATE_OUT_OF_RANGE", value=value)
    return result


def _date_from_number(raw: numbers.Real) -> datetime.date:
    value = str(raw)
    number = float(raw)
    if not math.isfinite(number):
        raise _invalid("DATE_FORMAT", value=value)
    whole = math.floor(number)
    # A date typed as digits into a number cell: 19900101.
    if whole == number and 10_000_000 <= whole <= 99_999_999:
        digits = str(int(whole))
        return _date_from_parts(digits, int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if not 1 <= whole <= _MAX_SERIAL:
        raise _invalid("DATE_FORMAT", value=value)
    if whole == _EXCEL_FAKE_LEAP_DAY:
        raise _invalid("DATE_INVALID", value=value, date_text="1900-02-29")
    if whole < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + datetime.timedelta(days=whole + 1)
    return _EXCEL_EPOCH + datetime.timedelta(days=whole)


def _year_last_problem(value: str, first: int, second: int, year: int) -> IdentifierInvalid:
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            reading = datetime.date(year, month, day).isoformat()
        except ValueError:
            continue
        if reading not in readings:
            readings.append(reading)
    if not readings:
        return _invalid("DATE_INVALID", value=value, date_text=value)
    return _invalid(
        "DATE_AMBIGUOUS", value=value, readings=" / ".join(readings), example=readings[-1]
    )


def parse_date(raw: object) -> datetime.date:
    """Read a date from a roster cell; raise ``IdentifierInvalid`` if unreadable."""
    # datetime is a subclass of date: test it first to drop the time of day.
    if isinstance(raw, datetime.datetime):
        return _in_range(raw.isoformat(sep=" "), raw.date())
    if isinstance(raw, datetime.date):
        return _in_range(raw.isoformat(), raw)
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        return _date_from_number(raw)
    if raw is not None and not isinstance(raw, str):
        raise _invalid("DATE_FORMAT", value=str(raw))
    value = _text(raw)
    text = _TIME_SUFFIX.sub("", value)
    # Spaces between digit groups separate them ("1990 1 1"); any other
    # spaces are noise ("1990 年 1 月 1 日", "1990 - 01 - 01").
    text = _DIGIT_GAP.sub("-", text)
    text = normalize_dashes(compact(text))
    if text.startswith("'"):
        text = text[1:]
    if not text:
        raise _invalid("DATE_EMPTY")
    for pattern in (_YMD, _YMD_CJK, _YMD_DIGITS):
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _date_from_parts(value, year, month, day)
    match = _YEAR_LAST.match(text)
    if match:
        first, second, year = (int(g) for g in match.groups())
        raise _year_last_problem(value, first, second, year)
    match = _YM.match(text)
    if match:
        month = next(g for g in match.groups()[1:] if g is not None)
        example = f"{match.group(1)}-{int(month):02d}-01"
        raise _invalid("DATE_INCOMPLETE", value=value, example=example)
    raise _invalid("DATE_FORMAT", value=value)


def check_date(raw: object) -> datetime.date | IdentifierProblem:
    try:
        return parse_date(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Sex
# --------------------------------------------------------------------------

_SEXES: dict[str, str] = {
    "男": "M", "男性": "M", "m": "M", "male": "M",
    "女": "F", "女性": "F", "f": "F", "female": "F",
}


def parse_sex(raw: object) -> str:
    """``"M"`` or ``"F"`` from 男/女/男性/女性/M/F/male/female (any case, full-width)."""
    key = _key(raw)
    if not key:
        raise _invalid("SEX_EMPTY")
    try:
        return _SEXES[key]
    except KeyError:
        raise _invalid("SEX_UNKNOWN", value=_text(raw)) from None


def check_sex(raw: object) -> str | IdentifierProblem:
    try:
        return parse_sex(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Person categories
# --------------------------------------------------------------------------

#: Person categories (the key groups of the founding document 二, DOMAIN.md §6) and
#: their labels; ``core.models.PERSON_CATEGORIES`` is this mapping.
CATEGORY_LABELS: dict[str, str] = {
    "migrant_worker": N_("Rural migrant worker"),
    "graduate_unemployed": N_("Unemployed graduate"),
    "registered_unemployed": N_("Registered unemployed"),
    "veteran": N_("Veteran"),
    "disabled": N_("Person with disability"),
    "low_income": N_("Low-income family"),
    "employee": N_("Employee (skill upgrade)"),
    "entrepreneur": N_("Would-be entrepreneur"),
    "school_leaver": N_("School leaver not continuing study"),
    "other": N_("Other"),
}


#: The category keys, in display order; identical to the keys of
#: ``skilldesk.core.models.PERSON_CATEGORIES``.
CATEGORY_KEYS: tuple[str, ...] = (
    "migrant_worker",
    "graduate_unemployed",
    "registered_unemployed",
    "veteran",
    "disabled",
    "low_income",
    "employee",
    "entrepreneur",
    "school_leaver",
    "other",
)

_CATEGORY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "migrant_worker": (
        "农民工", "农村转移劳动力", "农村转移就业劳动者", "进城务工人员",
        "农村转移劳动者", "进城务工农民",
    ),
    "graduate_unemployed": (
        "高校毕业生", "离校未就业高校毕业生", "应届毕业生", "毕业年度高校毕业生",
        "应届高校毕业生",
    ),
    "registered_unemployed": ("失业人员", "登记失业人员", "城镇登记失业人员"),
    "veteran": ("退役军人", "退役士兵"),
    "disabled": ("残疾人", "残疾人员", "残疾"),
    "low_income": (
        "低保", "低保家庭", "低收入家庭", "低收入农户", "低保户", "城乡低保家庭",
        "低保对象",
    ),
    "employee": ("在职职工", "企业职工", "职工", "在岗职工", "企业在职职工", "参保职工"),
    "entrepreneur": ("创业人员", "有创业意愿人员", "有创业要求人员"),
    "school_leaver": (
        "未升学初高中毕业生", "初高中毕业生", "未继续升学的初高中毕业生",
        "城乡未继续升学的应届初高中毕业生",
    ),
    "other": ("其他", "其它"),
}
# The labels SkillDesk itself prints (core.models.PERSON_CATEGORIES, in English and
# in the zh_CN catalogue), so that an exported roster imports again; a test keeps
# this list in step with the labels.
_LABELS: dict[str, tuple[str, ...]] = {
    "migrant_worker": ("Rural migrant worker",),
    "graduate_unemployed": ("Unemployed graduate",),
    "registered_unemployed": ("Registered unemployed",),
    "veteran": ("Veteran",),
    "disabled": ("Person with disability",),
    "low_income": ("Low-income family",),
    "employee": ("Employee (skill upgrade)", "在职职工（技能提升）"),
    "entrepreneur": ("Would-be entrepreneur",),
    "school_leaver": ("School leaver not continuing study",),
    "other": ("Other",),
}
for _key_name, _labels in _LABELS.items():
    _CATEGORY_SPELLINGS[_key_name] += _labels

#: Spelling found on rosters (compact, case-folded) -> category key.  The
#: keys themselves are included so an exported file reads back.
CATEGORY_SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        **{key: key for key in CATEGORY_KEYS},
        **{
            compact(spelling).casefold(): key
            for key, spellings in _CATEGORY_SPELLINGS.items()
            for spelling in spellings
        },
    }
)

# Between several categories in one cell ("农民工、低保"); full-width
# forms of , ; / are folded to these first.
_CATEGORY_SPLIT = re.compile(r"[、,;/|+]+")
_SPACES = re.compile(r"\s+")


def parse_categories(raw: object) -> tuple[str, ...]:
    """Category keys for a cell such as ``"农民工、低保家庭"``, in order, once each.

    An empty cell gives ``()``.  Any unknown part raises ``CATEGORY_UNKNOWN``
    naming every unknown part.
    """
    found: list[str] = []
    unknown: list[str] = []
    for part in _CATEGORY_SPLIT.split(_text(raw)):
        # A whole part may be a label with spaces ("Person with disability");
        # otherwise spaces separate categories too ("农民工 低保").
        key = CATEGORY_SYNONYMS.get(compact(part).casefold())
        pieces = [(part, key)] if key or not part.strip() else [
            (piece, CATEGORY_SYNONYMS.get(piece.casefold()))
            for piece in _SPACES.split(part.strip())]
        for piece, key in pieces:
            if key is None and piece.strip():
                unknown.append(piece.strip())
            elif key is not None and key not in found:
                found.append(key)
    if unknown:
        raise _invalid("CATEGORY_UNKNOWN", value="、".join(unknown))
    return tuple(found)


def check_categories(raw: object) -> tuple[str, ...] | IdentifierProblem:
    try:
        return parse_categories(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# ID types
# --------------------------------------------------------------------------

# The values are the keys of core.models.ID_TYPES (identifiers.IdKind).
_ID_TYPES: dict[str, str] = {
    "居民身份证": "resident",
    "身份证": "resident",
    "二代身份证": "resident",
    "第二代居民身份证": "resident",
    "中华人民共和国居民身份证": "resident",
    "内地居民身份证": "resident",
    "resident": "resident",
    "香港居民居住证": "hk_resident_permit",
    "港澳台居民居住证(香港)": "hk_resident_permit",
    "hk_resident_permit": "hk_resident_permit",
    "澳门居民居住证": "macau_resident_permit",
    "港澳台居民居住证(澳门)": "macau_resident_permit",
    "macau_resident_permit": "macau_resident_permit",
    "台湾居民居住证": "taiwan_resident_permit",
    "港澳台居民居住证(台湾)": "taiwan_resident_permit",
    "taiwan_resident_permit": "taiwan_resident_permit",
    "外国人永久居留身份证": "foreign_permanent_residence",
    "外国人永久居留证": "foreign_permanent_residence",
    "外国人永久居留身份证件": "foreign_permanent_residence",
    "永久居留身份证": "foreign_permanent_residence",
    "foreign_permanent_residence": "foreign_permanent_residence",
}
# The ID type labels SkillDesk itself prints (core.models.ID_TYPES, English and zh_CN),
# so that an exported roster imports again; a test keeps these in step.
for _label, _kind in (
    ("Resident ID card", "resident"), ("Resident ID card (old 15-digit)", "resident"),
    ("居民身份证（旧15位）", "resident"),
    ("Residence permit (Hong Kong)", "hk_resident_permit"),
    ("Residence permit (Macau)", "macau_resident_permit"),
    ("Residence permit (Taiwan)", "taiwan_resident_permit"),
    ("Foreign permanent residence card", "foreign_permanent_residence"),
    ("legacy_15", "resident"),
):
    _ID_TYPES[compact(to_halfwidth(_label)).casefold()] = _kind

# Names that cover more than one region: the ID number decides (GB 11643
# permits start with 81 Hong Kong, 82 Macau, 83 Taiwan).
# A bare "居住证" is not here: it is also the ordinary residence permit of
# mainland migrants, which is not an ID document for a roster.
_GENERIC_PERMITS = frozenset({"港澳台居民居住证", "港澳居民居住证"})
_PERMIT_BY_PREFIX = {
    "81": "hk_resident_permit",
    "82": "macau_resident_permit",
    "83": "taiwan_resident_permit",
}


def parse_id_type(raw: object, *, id_number: str | None = None) -> str:
    """The ID type key for a cell such as ``居民身份证``; ``''`` for an empty cell.

    ``港澳台居民居住证`` and ``港澳居民居住证`` name more than one permit kind;
    the first two digits of *id_number* decide which, and without a usable
    number the cell is refused (``ID_TYPE_PERMIT_REGION``).
    """
    key = _key(raw)
    if not key:
        return ""
    if key in _ID_TYPES:
        return _ID_TYPES[key]
    if key in _GENERIC_PERMITS:
        prefix = compact(to_halfwidth(id_number or ""))[:2]
        if prefix in _PERMIT_BY_PREFIX:
            return _PERMIT_BY_PREFIX[prefix]
        raise _invalid("ID_TYPE_PERMIT_REGION", value=_text(raw))
    raise _invalid("ID_TYPE_UNKNOWN", value=_text(raw))


def check_id_type(raw: object, *, id_number: str | None = None) -> str | IdentifierProblem:
    try:
        return parse_id_type(raw, id_number=id_number)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Hukou type
# --------------------------------------------------------------------------

AGRICULTURAL = "农业"
NON_AGRICULTURAL = "非农业"

# Exact look-up only: "非农业" contains "农业", so substring tests would flip it.
_HUKOU_TYPES: dict[str, str] = {
    "农业": AGRICULTURAL, "农村": AGRICULTURAL, "农业户口": AGRICULTURAL,
    "农村户口": AGRICULTURAL, "农业户籍": AGRICULTURAL, "农村户籍": AGRICULTURAL,
    "非农业": NON_AGRICULTURAL, "城镇": NON_AGRICULTURAL, "非农业户口": NON_AGRICULTURAL,
    "城镇户口": NON_AGRICULTURAL, "非农": NON_AGRICULTURAL, "非农户口": NON_AGRICULTURAL,
    "城镇户籍": NON_AGRICULTURAL, "非农业户籍": NON_AGRICULTURAL,
}


def parse_hukou_type(raw: object) -> str:
    """``农业`` or ``非农业`` (the stored values); ``''`` for an empty cell."""
    key = _key(raw)
    if not key:
        return ""
    try:
        return _HUKOU_TYPES[key]
    except KeyError:
        raise _invalid("HUKOU_TYPE_UNKNOWN", value=_text(raw)) from None


def check_hukou_type(raw: object) -> str | IdentifierProblem:
    try:
        return parse_hukou_type(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------

#: The education levels the app stores, lowest first.
EDUCATION_LEVELS: tuple[str, ...] = ("小学", "初中", "高中", "中专", "技校", "大专", "本科", "研究生")

_EDUCATION_SPELLINGS: dict[str, tuple[str, ...]] = {
    "小学": ("小学", "小学及以下", "小学以下"),
    "初中": ("初中", "初级中学", "初中及以下"),
    "高中": ("高中", "普通高中", "高级中学"),
    # 中等职业教育: 中专, 职高 and 中职 are one level on subsidy forms.
    "中专": ("中专", "中职", "中等专业学校", "中等职业学校", "职高", "职业高中", "中技"),
    "技校": ("技校", "技工学校", "技工院校", "技师学院"),
    "大专": ("大专", "专科", "大学专科", "高职", "高职高专", "高等职业教育", "大学专科(高职)"),
    "本科": ("本科", "大学本科", "大学", "学士"),
    "研究生": (
        "研究生", "硕士", "博士", "硕士研究生", "博士研究生", "研究生及以上",
        "硕士及以上", "博士后",
    ),
}
_EDUCATION: dict[str, str] = {
    spelling: level for level, spellings in _EDUCATION_SPELLINGS.items() for spelling in spellings
}
# Words that add nothing to the level ("初中毕业", "大专学历", "高中文化").
_EDUCATION_SUFFIX = re.compile(r"(?:毕业|学历|文化|文化程度)$")


def parse_education(raw: object) -> str:
    """One of :data:`EDUCATION_LEVELS` for a known spelling, else the text as typed.

    Unknown text is kept (outer spaces removed) rather than refused: the level
    is informative on subsidy forms, and a clerk's odd spelling is better
    kept than lost.
    """
    text = _text(raw)
    key = compact(text)
    for candidate in (key, _EDUCATION_SUFFIX.sub("", key)):
        if candidate in _EDUCATION:
            return _EDUCATION[candidate]
    return text
