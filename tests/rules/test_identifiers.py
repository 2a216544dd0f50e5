"""Tests for skilldesk.rules.identifiers and skilldesk.rules.normalize.

Known-good vectors come from DOMAIN.md §3 (python-stdnum doctests); further
vectors are built with the check-character functions, which those known
vectors pin down.
"""

from __future__ import annotations

import ast
import datetime
import pathlib
import string

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk import i18n
from skilldesk.rules import identifiers as ids
from skilldesk.rules import normalize
from skilldesk.rules.identifiers import PROBLEM_MESSAGES
from skilldesk.rules.identifiers import CertificateNumber
from skilldesk.rules.identifiers import IdentifierInvalid
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.identifiers import IdKind
from skilldesk.rules.identifiers import IdNumber
from skilldesk.rules.identifiers import check_certificate_number
from skilldesk.rules.identifiers import check_id_number
from skilldesk.rules.identifiers import check_mobile
from skilldesk.rules.identifiers import check_occupation_code
from skilldesk.rules.identifiers import check_uscc
from skilldesk.rules.identifiers import id_check_char
from skilldesk.rules.identifiers import normalize_id_number
from skilldesk.rules.identifiers import parse_certificate_number
from skilldesk.rules.identifiers import parse_id_number
from skilldesk.rules.identifiers import parse_mobile
from skilldesk.rules.identifiers import parse_occupation_code
from skilldesk.rules.identifiers import parse_uscc
from skilldesk.rules.identifiers import uscc_check_char
from skilldesk.rules.normalize import compact
from skilldesk.rules.normalize import normalize_dashes
from skilldesk.rules.normalize import strip_separators
from skilldesk.rules.normalize import to_halfwidth

TODAY = datetime.date(2025, 6, 1)
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# No example database on disk: tests must not leave files in the checkout.
hsettings = settings(database=None, max_examples=300, deadline=None)


def make_id(body17: str) -> str:
    return body17 + id_check_char(body17)


def make_uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def problem_code(result: object) -> str:
    assert isinstance(result, IdentifierProblem), result
    return result.code


def id_problem(raw: object) -> str:
    return problem_code(check_id_number(raw, today=TODAY))


# --------------------------------------------------------------------------
# normalize.py
# --------------------------------------------------------------------------


def test_to_halfwidth_maps_every_fullwidth_ascii_variant():
    full = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
    assert to_halfwidth(full) == "".join(chr(c) for c in range(0x21, 0x7F))
    assert to_halfwidth("\u3000") == " "
    assert to_halfwidth("张三 abc") == "张三 abc"  # everything else untouched


def test_compact_removes_all_whitespace_and_invisibles():
    raw = " ３２０５\u3000０１\u00a01990\t0101\u200b001\ufeffX\n"
    assert compact(raw) == "32050119900101001X"
    assert compact("a-b (c)") == "a-b(c)"  # separators other than whitespace stay


def test_strip_separators_and_dashes():
    assert strip_separators("139-1234-5678", "-") == "13912345678"
    assert strip_separators("(0512) 6522", "() ") == "05126522"
    assert normalize_dashes("6——18\u201301\u221201") == "6-18-01-01"
    assert normalize_dashes("6－18") == "6-18"


# --------------------------------------------------------------------------
# ID numbers: known vectors and normalisation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "birth", "sex"),
    [
        ("360426199101010071", datetime.date(1991, 1, 1), "M"),
        ("120103198806018241", datetime.date(1988, 6, 1), "F"),
        ("11010519491231002X", datetime.date(1949, 12, 31), "F"),
    ],
)
def test_known_valid_id_numbers(raw, birth, sex):
    result = parse_id_number(raw, today=TODAY)
    assert result == IdNumber(raw, IdKind.RESIDENT, birth, sex, raw)
    assert result.warnings == ()


def test_known_invalid_check_char():
    problem = check_id_number("360426199101010072", today=TODAY)
    assert problem_code(problem) == "ID_CHECK_CHAR"
    assert problem.params == {"expected": "1", "actual": "2"}
    assert problem.severity == "error"


def test_lower_case_x_is_normalised():
    result = parse_id_number("11010519491231002x", today=TODAY)
    assert result.value == "11010519491231002X"
    assert result.original == "11010519491231002x"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "raw",
    [
        "３６０４２６１９９１０１０１００７１",  # full-width digits
        "360426 19910101 0071",  # grouped for reading
        "360426\u300019910101\u00a00071",  # ideographic + non-breaking space
        "\ufeff360426199101010071\u200b",  # BOM and zero-width space
        " 360426199101010071\t",
        "'360426199101010071",  # Excel's text marker
    ],
)
def test_id_number_input_is_normalised(raw):
    result = parse_id_number(raw, today=TODAY)
    assert result.value == "360426199101010071"
    assert result.original == raw


def test_id_check_char_rejects_bad_bodies():
    for bad in ("1234", "1101051949123100X", "１１０１０５１９４９１２３１００２"):
        with pytest.raises(ValueError):
            id_check_char(bad)


def test_unknown_or_retired_area_code_is_accepted():
    # 320584 was 吴江市 before it became 吴江区 (320509): old cards stay valid.
    number = make_id("32058419900101001")
    assert number == "320584199001010017"
    assert parse_id_number(number, today=TODAY).kind is IdKind.RESIDENT
    # A province-level prefix that no table knows is not an error either.
    assert parse_id_number(make_id("69000019900101001"), today=TODAY).kind is IdKind.RESIDENT


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("81000019900101001", IdKind.HK),
        ("82000019900101002", IdKind.MACAU),
        ("83000019900101003", IdKind.TAIWAN),
        ("91156019850315002", IdKind.FOREIGN_PR),
    ],
)
def test_permit_and_foreign_card_prefixes(body, kind):
    result = parse_id_number(make_id(body), today=TODAY)
    assert result.kind is kind
    assert result.birth_date == datetime.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    assert result.sex == ("M" if int(body[16]) % 2 else "F")


def test_foreign_card_with_impossible_date_is_an_error():
    assert id_problem(make_id("91156019851315002")) == "ID_BIRTH_DATE"


@pytest.mark.parametrize("prefix", ["0", "7", "80", "84", "89"])
def test_bad_leading_digits(prefix):
    body = (prefix + "10000")[:6] + "19900101001"
    problem = check_id_number(make_id(body), today=TODAY)
    assert problem_code(problem) == "ID_AREA"
    assert problem.params == {"prefix": body[:2]}


# --------------------------------------------------------------------------
# ID numbers: birth dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date8", "ok"),
    [
        ("20000229", True),  # divisible by 400: leap year
        ("19960229", True),
        ("19950229", False),
        ("19000229", False),  # divisible by 100 only: not a leap year
        ("19900230", False),
        ("19901301", False),
        ("19900000", False),
    ],
)
def test_february_29_and_impossible_dates(date8, ok):
    number = make_id("320508" + date8 + "002")
    result = check_id_number(number, today=TODAY)
    if ok:
        assert isinstance(result, IdNumber)
        assert result.birth_date.strftime("%Y%m%d") == date8
    else:
        assert problem_code(result) == "ID_BIRTH_DATE"
        assert result.params == {"date_text": f"{date8[:4]}-{date8[4:6]}-{date8[6:]}"}


def test_birth_date_in_the_future():
    tomorrow = TODAY + datetime.timedelta(days=1)
    number = make_id("320508" + tomorrow.strftime("%Y%m%d") + "002")
    problem = check_id_number(number, today=TODAY)
    assert problem_code(problem) == "ID_BIRTH_FUTURE"
    assert problem.params == {"date": "2025-06-02"}
    # Born today is fine (a baby on a family roster, say).
    same_day = make_id("320508" + TODAY.strftime("%Y%m%d") + "002")
    assert parse_id_number(same_day, today=TODAY).birth_date == TODAY


def test_default_today_is_the_real_today():
    next_year = datetime.date.today().year + 1
    assert id_problem(make_id(f"320508{next_year}0101002")) == "ID_BIRTH_FUTURE"
    assert isinstance(check_id_number("360426199101010071"), IdNumber)


def test_birth_date_before_1900():
    assert id_problem(make_id("32050818991231002")) == "ID_BIRTH_TOO_EARLY"
    assert isinstance(check_id_number(make_id("32050819000101002"), today=TODAY), IdNumber)


# --------------------------------------------------------------------------
# ID numbers: legacy 15 digits and Excel damage
# --------------------------------------------------------------------------


def test_legacy_15_digit_number_is_converted_with_a_warning():
    result = parse_id_number("130503670401001", today=TODAY)
    assert result.kind is IdKind.LEGACY15
    assert result.value == "130503196704010016"
    assert result.value == make_id("13050319670401001")  # "19" inserted, check computed
    assert result.birth_date == datetime.date(1967, 4, 1)
    assert result.sex == "M"
    assert result.original == "130503670401001"
    (warning,) = result.warnings
    assert warning.code == "ID_LEGACY_15_CONVERTED"
    assert warning.severity == "warning"
    assert warning.params == {"original": "130503670401001", "value": "130503196704010016"}
    # The converted number is itself a valid 18-digit resident number.
    assert parse_id_number(result.value, today=TODAY).kind is IdKind.RESIDENT


def test_legacy_15_digit_errors():
    assert id_problem("130503670229001") == "ID_BIRTH_DATE"  # 1967 is not a leap year
    assert id_problem("130503000229002") == "ID_BIRTH_DATE"  # 1900 is not a leap year
    assert id_problem("930503670401001") == "ID_AREA"
    assert id_problem("13050367040100X") == "ID_CHARS"


@pytest.mark.parametrize(
    "raw", ["3.20501199001011E+17", "3.20501199001011e+17", "3.2E17", "320501199001011000.0"]
)
def test_excel_scientific_notation_is_reported_not_repaired(raw):
    problem = check_id_number(raw, today=TODAY)
    assert problem_code(problem) == "ID_SCIENTIFIC"
    assert problem.params == {"value": raw.upper()}


def test_float_and_int_cells_from_importers():
    assert id_problem(3.20501199001011e17) == "ID_SCIENTIFIC"
    assert id_problem(None) == "ID_EMPTY"
    # An int cell has lost its last three digits; with a wrong check char:
    assert id_problem(320584199001011000) == "ID_EXCEL_ROUNDED"


def test_number_ending_000():
    # Excel keeps 15 significant digits, so 18-digit numbers end in 000.
    assert id_problem("320584199001011000") == "ID_EXCEL_ROUNDED"
    # One in eleven rounded numbers passes the check: accepted with a warning.
    valid = make_id("32050119900101100")
    assert valid == "320501199001011000"
    result = parse_id_number(valid, today=TODAY)
    assert [w.code for w in result.warnings] == ["ID_ENDS_000"]
    assert result.warnings[0].severity == "warning"


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "ID_EMPTY", {}),
        ("  \u3000 ", "ID_EMPTY", {}),
        ("张三", "ID_CHARS", {"chars": "张 三"}),
        ("32058419900101001A", "ID_CHARS", {"chars": "A"}),
        ("3205841990-01-01-0017", "ID_CHARS", {"chars": "-"}),
        ("3205841990X101001" + "7", "ID_CHARS", {"chars": "X"}),
        ("32058419900101001", "ID_LENGTH", {"length": 17}),
        ("3205841990010100170", "ID_LENGTH", {"length": 19}),
    ],
)
def test_id_structure_errors(raw, code, params):
    problem = check_id_number(raw, today=TODAY)
    assert problem_code(problem) == code
    assert problem.params == params


def test_parse_raises_identifier_invalid():
    with pytest.raises(IdentifierInvalid) as info:
        parse_id_number("360426199101010072", today=TODAY)
    assert isinstance(info.value, ValueError)
    assert info.value.problem.code == "ID_CHECK_CHAR"
    assert "should be 1 but is 2" in str(info.value)


# --------------------------------------------------------------------------
# ID numbers: properties
# --------------------------------------------------------------------------

@st.composite
def id_bodies(draw) -> tuple[str, datetime.date, str]:
    """A 17-digit body with a valid birth date and any accepted prefix."""
    first = draw(st.sampled_from(["1", "2", "3", "4", "5", "6", "81", "82", "83", "9"]))
    area = (first + draw(st.text(alphabet="0123456789", min_size=5, max_size=5)))[:6]
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    return area + born.strftime("%Y%m%d") + seq, born, seq


@hsettings
@given(id_bodies())
def test_any_body_with_its_check_char_round_trips(case):
    body, born, seq = case
    result = parse_id_number(make_id(body), today=TODAY)
    assert result.value == make_id(body)
    assert result.birth_date == born
    assert result.sex == ("M" if int(seq[-1]) % 2 else "F")


@hsettings
@given(id_bodies(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_detected(case, position, replacement):
    number = make_id(case[0])
    if number[position] == replacement:
        replacement = "0" if replacement != "0" else "1"
    changed = number[:position] + replacement + number[position + 1 :]
    assert isinstance(check_id_number(changed, today=TODAY), IdentifierProblem)


@hsettings
@given(id_bodies())
def test_lower_case_and_spaced_forms_are_equivalent(case):
    number = make_id(case[0])
    spaced = number[:6] + " " + number[6:14] + "\u3000" + number[14:].lower()
    assert parse_id_number(spaced, today=TODAY).value == number


# --------------------------------------------------------------------------
# Unified social credit codes
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # python-stdnum doctest
        make_uscc("12320500466010019"),  # 事业单位 (public 技工院校)
        make_uscc("52320500MJ5623512"),  # 民办非企业单位
        make_uscc("Y1320500MA1234567"),  # letter in positions 1-2 is allowed
    ],
)
def test_valid_uscc(code):
    assert parse_uscc(code) == code
    assert check_uscc(code) == code


def test_uscc_vectors_pinned():
    assert uscc_check_char("91110000600037341") == "L"
    assert make_uscc("12320500466010019") == "12320500466010019J"


def test_uscc_is_normalised():
    assert parse_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
    assert parse_uscc("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "USCC_EMPTY", {}),
        (None, "USCC_EMPTY", {}),
        ("91110000600O37341L", "USCC_CHARS", {"chars": "O"}),
        ("9111000060003734IS", "USCC_CHARS", {"chars": "I S"}),
        ("91110000-600037341L", "USCC_CHARS", {"chars": "-"}),
        ("91110000600037341", "USCC_LENGTH", {"length": 17}),
        ("9111A000600037341L", "USCC_FORMAT", {"part": "11A000"}),
        ("91110000600037341M", "USCC_CHECK_CHAR", {"expected": "L", "actual": "M"}),
    ],
)
def test_uscc_errors(raw, code, params):
    problem = check_uscc(raw)
    assert problem_code(problem) == code
    assert problem.params == params
    with pytest.raises(IdentifierInvalid):
        parse_uscc(raw)


def test_uscc_check_char_rejects_bad_bodies():
    with pytest.raises(ValueError):
        uscc_check_char("9111000060003734I")
    with pytest.raises(ValueError):
        uscc_check_char("911")


uscc_chars = st.sampled_from(USCC_CHARSET)
uscc_bodies = st.builds(
    lambda head, region, rest: "".join(head) + "".join(region) + "".join(rest),
    st.lists(uscc_chars, min_size=2, max_size=2),
    st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6),
    st.lists(uscc_chars, min_size=9, max_size=9),
)


@hsettings
@given(uscc_bodies)
def test_uscc_round_trip(body):
    code = make_uscc(body)
    assert parse_uscc(code.lower()) == code


@hsettings
@given(uscc_bodies, st.integers(0, 17), uscc_chars)
def test_uscc_single_substitution_is_detected(body, position, replacement):
    code = make_uscc(body)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert isinstance(check_uscc(changed), IdentifierProblem)


# --------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13912345678",
        "139 1234 5678",
        "139-1234-5678",
        "+86 139 1234 5678",
        "+86-13912345678",
        "(+86) 139-1234-5678",
        "008613912345678",
        "8613912345678",
        "１３９１２３４５６７８",
        "139—1234—5678",
    ],
)
def test_mobile_accepted_forms(raw):
    assert parse_mobile(raw) == "13912345678"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "PHONE_EMPTY"),
        (" - ", "PHONE_EMPTY"),
        (None, "PHONE_EMPTY"),
        ("12912345678", "PHONE_FORMAT"),  # no 12x segment
        ("1391234567", "PHONE_FORMAT"),  # 10 digits
        ("139123456789", "PHONE_FORMAT"),  # 12 digits
        ("0512-65221234", "PHONE_FORMAT"),  # landline
        ("861391234567", "PHONE_FORMAT"),  # 86 + 10 digits: not stripped
        ("+8612345678901", "PHONE_FORMAT"),
        ("139 1234 567a", "PHONE_FORMAT"),
    ],
)
def test_mobile_errors(raw, code):
    problem = check_mobile(raw)
    assert problem_code(problem) == code
    if code == "PHONE_FORMAT":
        assert problem.params == {"value": raw.strip()}


@hsettings
@given(
    st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
    st.sampled_from(["", "+86", "0086", "86", "+86 ", "+86-", "0086 "]),
    st.sampled_from(["", " ", "-", "\u3000", " - "]),
)
def test_mobile_round_trip(number, prefix, sep):
    typed = prefix + number[:3] + sep + number[3:7] + sep + number[7:]
    assert parse_mobile(typed) == number
    assert check_mobile(typed) == number


# --------------------------------------------------------------------------
# Certificate numbers
# --------------------------------------------------------------------------


def test_skill_level_certificate():
    cert = parse_certificate_number("S000032000001215000001")
    assert cert == CertificateNumber("S000032000001215000001", "skill_level_22", 5, 2021, "S")
    # Example from the coding rule with the X placeholders filled in.
    cert = parse_certificate_number("y00012332000119 5000001")
    assert (cert.value, cert.level, cert.year, cert.evaluator_type) == (
        "Y000123320001195000001",
        5,
        2019,
        "Y",
    )
    assert parse_certificate_number("Y000132000001241000007").level == 1


def test_legacy_certificate():
    cert = parse_certificate_number("0510012003400012")
    assert cert == CertificateNumber("0510012003400012", "legacy_16", 4, 2005, None)
    assert parse_certificate_number("9510012003100012").year == 1995
    assert parse_certificate_number("2010012003100012").year == 2020
    assert parse_certificate_number("９０10012003100012").year == 1990


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "CERT_EMPTY", {}),
        (None, "CERT_EMPTY", {}),
        ("S000032000001216000001", "CERT_LEVEL", {"value": "S000032000001216000001", "digit": "6"}),
        ("S000032000001210000001", "CERT_LEVEL", {"value": "S000032000001210000001", "digit": "0"}),
        ("0510012003000012", "CERT_LEVEL", {"value": "0510012003000012", "digit": "0"}),
        ("A000032000001215000001", "CERT_FORMAT", {"value": "A000032000001215000001"}),
        ("S00003200000121500000", "CERT_FORMAT", {"value": "S00003200000121500000"}),
        ("051001200340001", "CERT_FORMAT", {"value": "051001200340001"}),
        ("RS N320500001 25 3 00001", "CERT_FORMAT", {"value": "RSN32050000125300001"}),
        ("5.10012E+14", "CERT_SCIENTIFIC", {"value": "5.10012E+14"}),
    ],
)
def test_certificate_errors(raw, code, params):
    problem = check_certificate_number(raw)
    assert problem_code(problem) == code
    assert problem.params == params


# --------------------------------------------------------------------------
# Occupation codes
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "6-18-01-01",
        " 6-18-01-01 ",
        "６－１８－０１－０１",
        "6——18——01——01",  # Shift+minus in a Chinese IME
        "6 - 18 - 01 - 01",
        "6–18–01–01",  # en dash from a Word document
    ],
)
def test_occupation_code_accepted(raw):
    assert parse_occupation_code(raw) == "6-18-01-01"
    assert check_occupation_code(raw) == "6-18-01-01"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "OCC_EMPTY"),
        (None, "OCC_EMPTY"),
        ("9-18-01-01", "OCC_FORMAT"),
        ("0-18-01-01", "OCC_FORMAT"),
        ("6-18-01", "OCC_FORMAT"),
        ("6180101", "OCC_FORMAT"),
        ("6-18-01-1", "OCC_FORMAT"),
        ("车工", "OCC_FORMAT"),
    ],
)
def test_occupation_code_errors(raw, code):
    assert problem_code(check_occupation_code(raw)) == code
    with pytest.raises(IdentifierInvalid):
        parse_occupation_code(raw)


# --------------------------------------------------------------------------
# Every code is reachable, and every message renders
# --------------------------------------------------------------------------

# One input per problem code; the checker returns that problem (or, for
# warnings, a value carrying it).
EVERY_CODE = {
    "ID_EMPTY": lambda: check_id_number("", today=TODAY),
    "ID_SCIENTIFIC": lambda: check_id_number("3.20501199001011E+17", today=TODAY),
    "ID_EXCEL_ROUNDED": lambda: check_id_number("320584199001011000", today=TODAY),
    "ID_CHARS": lambda: check_id_number("32058419900101001A", today=TODAY),
    "ID_LENGTH": lambda: check_id_number("3205841990010100", today=TODAY),
    "ID_AREA": lambda: check_id_number(make_id("71000019900101001"), today=TODAY),
    "ID_BIRTH_DATE": lambda: check_id_number(make_id("32050819950229002"), today=TODAY),
    "ID_BIRTH_FUTURE": lambda: check_id_number(make_id("32050820300101002"), today=TODAY),
    "ID_BIRTH_TOO_EARLY": lambda: check_id_number(make_id("32050818991231002"), today=TODAY),
    "ID_CHECK_CHAR": lambda: check_id_number("360426199101010072", today=TODAY),
    "ID_LEGACY_15_CONVERTED": lambda: check_id_number("130503670401001", today=TODAY).warnings[0],
    "ID_ENDS_000": lambda: check_id_number("320501199001011000", today=TODAY).warnings[0],
    "USCC_EMPTY": lambda: check_uscc(""),
    "USCC_CHARS": lambda: check_uscc("91110000600O37341L"),
    "USCC_LENGTH": lambda: check_uscc("9111000060003734"),
    "USCC_FORMAT": lambda: check_uscc("9111A000600037341L"),
    "USCC_CHECK_CHAR": lambda: check_uscc("91110000600037341M"),
    "PHONE_EMPTY": lambda: check_mobile(""),
    "PHONE_FORMAT": lambda: check_mobile("0512-65221234"),
    "CERT_EMPTY": lambda: check_certificate_number(""),
    "CERT_SCIENTIFIC": lambda: check_certificate_number("5.10012E+14"),
    "CERT_FORMAT": lambda: check_certificate_number("X12"),
    "CERT_LEVEL": lambda: check_certificate_number("S000032000001219000001"),
    "OCC_EMPTY": lambda: check_occupation_code(""),
    "OCC_FORMAT": lambda: check_occupation_code("9-18-01-01"),
}


def test_every_problem_code_is_exercised():
    assert set(EVERY_CODE) == set(PROBLEM_MESSAGES)


@pytest.fixture(params=["en", "zh_CN"])
def language(request):
    before = i18n.current_language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


@pytest.mark.parametrize("code", sorted(EVERY_CODE))
def test_problem_renders_in_every_language(code, language):
    problem = EVERY_CODE[code]()
    assert isinstance(problem, IdentifierProblem)
    assert problem.code == code
    assert problem.msgid == PROBLEM_MESSAGES[code]
    expected = "warning" if code in {"ID_LEGACY_15_CONVERTED", "ID_ENDS_000"} else "error"
    assert problem.severity == expected
    text = problem.message()  # must not raise KeyError
    assert text
    if language == "en":
        assert text == problem.msgid.format(**problem.params)


@pytest.mark.parametrize("code", sorted(PROBLEM_MESSAGES))
def test_msgid_fields_match_params(code):
    problem = EVERY_CODE[code]()
    fields = {name for _, name, _, _ in string.Formatter().parse(problem.msgid) if name}
    assert fields == set(problem.params)


def test_rules_package_stays_below_the_core():
    # The rules must import neither Qt, SQL nor skilldesk.core.
    for module in (ids, normalize):
        tree = ast.parse(pathlib.Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("PySide6", "sqlite", "sqlite_utils", "skilldesk.core"))


@hsettings
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_fast_check_char_equals_the_weighted_sum_definition(body):
    from skilldesk.rules.identifiers import _ID_CHECK_CHARS
    from skilldesk.rules.identifiers import _ID_WEIGHTS

    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS))
    assert id_check_char(body) == _ID_CHECK_CHARS[total % 11]


def test_compact_removes_exactly_whitespace_and_invisible_characters():
    from skilldesk.rules.normalize import _INVISIBLE
    from skilldesk.rules.normalize import compact
    from skilldesk.rules.normalize import to_halfwidth

    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        expected = "" if (to_halfwidth(ch).isspace() or ch in _INVISIBLE) else to_halfwidth(ch)
        assert compact(ch) == expected, hex(code)
