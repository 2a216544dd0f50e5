"""Validation of the identifiers found on training rosters (DOMAIN.md §3).

Covered: the 18-character 公民身份号码 (GB 11643, also used by the
Hong Kong / Macau / Taiwan residence permits and the 2023 foreign permanent
residence card), the legacy 15-digit ID number, the 统一社会信用代码
(GB 32100), mainland mobile numbers, skill certificate numbers and
occupation codes (国家职业分类大典).

Every ``parse_*`` function returns the normalised value (or a small value
object) and raises :class:`IdentifierInvalid` carrying one
:class:`IdentifierProblem`; every ``check_*`` function returns the same value
or the problem instead of raising, which suits bulk roster checks.

Decisions worth knowing:

* Input is normalised first: full-width characters, spaces anywhere (also
  non-breaking and zero-width ones), a leading ``'`` (Excel's "store as text"
  marker) and a lower-case ``x`` are all accepted.
* Address codes are not looked up in a table: codes are retired and renamed
  over time (e.g. 320584, the old 吴江市), and an old card stays valid.
  Only the first digit is checked (1–6 for provinces, 81/82/83 for the
  HK/Macau/Taiwan residence permits, 9 for the foreign permanent residence
  card).
* A legacy **15-digit** ID number is converted, not rejected: "19" is
  inserted before the two-digit year and the MOD 11-2 check character is
  computed.  The result has kind ``LEGACY15``, ``value`` is the converted
  18-digit number, and it carries the warning ``ID_LEGACY_15_CONVERTED``
  because a 15-digit number on a roster usually means the data was copied
  from an old document; the clerk should compare it with the current card.
* Excel keeps only 15 significant digits of a number, so an ID number typed
  into a number cell comes back in scientific notation or with its last three
  digits turned into ``000``.  Such values are reported (``ID_SCIENTIFIC``,
  ``ID_EXCEL_ROUNDED``) and never "repaired": the lost digits are unknowable.
  A valid number ending in ``000`` gets the warning ``ID_ENDS_000``, since
  one rounded number in eleven passes the check character by chance.

This module sits below ``skilldesk.core``: it must not import Qt, SQL or the
core.  Messages are English msgids marked with ``N_`` and translated only when
shown (:meth:`IdentifierProblem.message`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from types import MappingProxyType

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.normalize import compact
from skilldesk.rules.normalize import normalize_dashes
from skilldesk.rules.normalize import strip_separators

# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------

ERROR = "error"
WARNING = "warning"

# One English msgid per stable code.  Written for a clerk, not a programmer:
# say what is wrong and what to do.  Fields are named so translators can
# reorder them.
_MESSAGES: dict[str, str] = {
    # --- ID numbers -------------------------------------------------------
    "ID_EMPTY": N_("The ID number is missing. Type the number from the ID card."),
    "ID_SCIENTIFIC": N_(
        "The ID number {value} was damaged by Excel, which stored it as a "
        "number and dropped its last digits. It cannot be repaired: format "
        "the column as Text in Excel and type the number again from the ID card."
    ),
    "ID_EXCEL_ROUNDED": N_(
        "The ID number {value} ends in 000 and its last character does not "
        "match, which usually means Excel stored it as a number and rounded "
        "it. Format the column as Text in Excel and type the number again "
        "from the ID card."
    ),
    "ID_CHARS": N_(
        "The ID number contains {chars}, which is not allowed. Use digits "
        "only; just the last character may be an X."
    ),
    "ID_LENGTH": N_(
        "The ID number has {length} characters but needs 18 (15 on very old "
        "ID cards). Check for a missing or extra digit."
    ),
    "ID_AREA": N_(
        "The ID number starts with {prefix}, which is not a region code. "
        "Check the first digits against the ID card."
    ),
    "ID_BIRTH_DATE": N_(
        "The date of birth in the ID number ({date_text}) is not a real date. "
        "A digit was probably mistyped: check the number against the ID card."
    ),
    "ID_BIRTH_FUTURE": N_(
        "The date of birth in the ID number ({date}) is in the future. A digit "
        "was probably mistyped: check the number against the ID card."
    ),
    "ID_BIRTH_TOO_EARLY": N_(
        "The date of birth in the ID number ({date}) is before 1900. A digit "
        "was probably mistyped: check the number against the ID card."
    ),
    "ID_CHECK_CHAR": N_(
        "The last character of the ID number should be {expected} but is "
        "{actual}: a digit was probably mistyped. Compare the whole number "
        "with the ID card."
    ),
    "ID_LEGACY_15_CONVERTED": N_(
        "The old 15-digit ID number {original} was converted to the 18-digit "
        "number {value}. Please check it against the person's current ID card."
    ),
    "ID_ENDS_000": N_(
        "The ID number {value} ends in 000, which can mean that Excel rounded "
        "it. Please compare it with the ID card."
    ),
    # --- Unified social credit codes --------------------------------------
    "USCC_EMPTY": N_(
        "The unified social credit code is missing. Type the 18-character "
        "code from the business licence or registration certificate."
    ),
    "USCC_CHARS": N_(
        "The unified social credit code contains {chars}, which cannot appear "
        "in it. It uses digits and capital letters except I, O, S, V and Z: "
        "an O is probably the digit 0, an I the digit 1."
    ),
    "USCC_LENGTH": N_(
        "The unified social credit code has {length} characters but needs 18. "
        "Check for a missing or extra character."
    ),
    "USCC_FORMAT": N_(
        "Characters 3 to 8 of the unified social credit code are a region code "
        "and must be digits, but they are {part}. Check the code against the "
        "licence."
    ),
    "USCC_CHECK_CHAR": N_(
        "The last character of the unified social credit code should be "
        "{expected} but is {actual}: a character was probably mistyped. "
        "Compare the whole code with the licence."
    ),
    # --- Mobile numbers ---------------------------------------------------
    "PHONE_EMPTY": N_("The mobile number is missing."),
    "PHONE_FORMAT": N_(
        "{value} is not a valid mobile number. It needs 11 digits starting "
        "with 13 to 19, for example 139 1234 5678 (a +86 in front is fine). "
        "Landline numbers are not accepted here."
    ),
    # --- Certificate numbers ----------------------------------------------
    "CERT_EMPTY": N_("The certificate number is missing."),
    "CERT_SCIENTIFIC": N_(
        "The certificate number {value} was damaged by Excel, which stored it "
        "as a number. It cannot be repaired: format the column as Text in "
        "Excel and type the number again from the certificate."
    ),
    "CERT_FORMAT": N_(
        "{value} is not a valid certificate number. A skill level certificate "
        "number is Y or S followed by 21 digits; an old vocational "
        "qualification certificate number has 16 digits. Check it against "
        "the certificate."
    ),
    "CERT_LEVEL": N_(
        "The certificate number {value} contains the level digit {digit}, but "
        "levels go from 1 to 5. A digit was probably mistyped: check it "
        "against the certificate."
    ),
    # --- Occupation codes -------------------------------------------------
    "OCC_EMPTY": N_("The occupation code is missing."),
    "OCC_FORMAT": N_(
        "{value} is not a valid occupation code. It looks like 6-18-01-01: "
        "a digit from 1 to 8, then three pairs of digits, separated by dashes."
    ),
}

#: Every problem code this module can produce, with its English msgid.
PROBLEM_MESSAGES: Mapping[str, str] = MappingProxyType(_MESSAGES)

_WARNING_CODES = frozenset({"ID_LEGACY_15_CONVERTED", "ID_ENDS_000"})


@dataclass(frozen=True)
class IdentifierProblem:
    """One thing wrong with one identifier, renderable in any language."""

    code: str  # stable machine code, e.g. "ID_CHECK_CHAR"
    msgid: str  # English message with {named} fields, marked with N_
    params: dict = field(default_factory=dict)
    severity: str = ERROR  # "error" or "warning"

    def message(self) -> str:
        """The message in the current language, with its fields filled in."""
        return _(self.msgid).format(**self.params)


def _problem(code: str, **params: object) -> IdentifierProblem:
    severity = WARNING if code in _WARNING_CODES else ERROR
    return IdentifierProblem(code, _MESSAGES[code], dict(params), severity)


class IdentifierInvalid(ValueError):
    """Raised by the ``parse_*`` functions; ``.problem`` says what is wrong."""

    def __init__(self, problem: IdentifierProblem):
        self.problem = problem
        super().__init__(problem.code)

    def __str__(self) -> str:  # log- and test-friendly, always English
        try:
            return f"{self.problem.code}: {self.problem.msgid.format(**self.problem.params)}"
        except (KeyError, IndexError):
            return self.problem.code


def _invalid(code: str, **params: object) -> IdentifierInvalid:
    return IdentifierInvalid(_problem(code, **params))


def _as_text(raw: object) -> str:
    # Importers may hand over None for an empty cell, or a number if a cell
    # was numeric; str() keeps the damage visible (e.g. "3.2e+17").
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else str(raw)


def _clean(raw: object) -> str:
    """Half-width, no whitespace, upper case, Excel's leading ``'`` removed."""
    text = compact(_as_text(raw)).upper()
    # A leading apostrophe is how Excel and WPS users force a cell to text;
    # it is not part of the number.
    return text[1:] if text.startswith("'") else text


def _offending(text: str, allowed: str) -> str:
    """The characters of *text* not in *allowed*, each once, in order."""
    seen: list[str] = []
    for ch in text:
        if ch not in allowed and ch not in seen:
            seen.append(ch)
    return " ".join(seen)


# Excel shows long numbers as "3.20501199001011E+17"; other tools print a
# float as "320501199001011000.0".  Either way the digits are gone.
_EXCEL_NUMBER = re.compile(r"^\d+(?:\.\d*)?E[+-]?\d+$|^\d+\.\d*$", re.ASCII)


def _looks_like_excel_number(text: str) -> bool:
    return bool(_EXCEL_NUMBER.match(text))


# --------------------------------------------------------------------------
# ID numbers (GB 11643)
# --------------------------------------------------------------------------


class IdKind(StrEnum):
    RESIDENT = "resident"
    HK = "hk_resident_permit"
    MACAU = "macau_resident_permit"
    TAIWAN = "taiwan_resident_permit"
    FOREIGN_PR = "foreign_permanent_residence"
    LEGACY15 = "legacy_15"


@dataclass(frozen=True)
class IdNumber:
    value: str  # normalised 18-character form (upper-case X)
    kind: IdKind
    birth_date: datetime.date
    sex: str  # "M" or "F" (sequence digit: odd = male)
    original: str  # what was typed
    warnings: tuple[IdentifierProblem, ...] = ()


# ISO 7064 MOD 11-2: weight of position i (1-based) is 2^(18-i) mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_ALLOWED = "0123456789X"
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
_PERMIT_PREFIXES = {"81": IdKind.HK, "82": IdKind.MACAU, "83": IdKind.TAIWAN}


def normalize_id_number(raw: str) -> str:
    """Half-width, no spaces (also inside), lower-case ``x`` -> ``X``."""
    return _clean(raw)


def id_check_char(body17: str) -> str:
    """The GB 11643 check character ('0'..'9' or 'X') for a 17-digit body."""
    if len(body17) != 17 or not body17.isascii() or not body17.isdigit():
        raise ValueError(f"need 17 ASCII digits, got {body17!r}")
    # ISO 7064 MOD 11-2: the weights are 2**(18-i) mod 11, and 13 = 2 (mod 11),
    # so reading the body in base 13 gives the weighted sum's residue in C
    # speed (python-stdnum's formula). Equivalent to
    # "10X98765432"[sum(d * w for d, w in zip(body17, _ID_WEIGHTS)) % 11].
    value = (1 - 2 * int(body17, 13)) % 11
    return "X" if value == 10 else str(value)


def _id_kind(number: str) -> IdKind:
    """Kind of an 18-character number from its leading digits."""
    if number[:2] in _PERMIT_PREFIXES:
        return _PERMIT_PREFIXES[number[:2]]
    if number[0] == "9":
        return IdKind.FOREIGN_PR
    if number[0] in "123456":  # province codes 11..65
        return IdKind.RESIDENT
    raise _invalid("ID_AREA", prefix=number[:2])


def _birth_date(digits8: str, today: datetime.date) -> datetime.date:
    """Validate the YYYYMMDD birth date inside an ID number."""
    try:
        born = datetime.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        raise _invalid(
            "ID_BIRTH_DATE", date_text=f"{digits8[:4]}-{digits8[4:6]}-{digits8[6:8]}"
        ) from None
    if born > today:
        raise _invalid("ID_BIRTH_FUTURE", date=born.isoformat())
    if born < _EARLIEST_BIRTH:
        raise _invalid("ID_BIRTH_TOO_EARLY", date=born.isoformat())
    return born


def _sex(sequence_digit: str) -> str:
    return "M" if int(sequence_digit) % 2 else "F"


def _parse_id18(number: str, original: str, today: datetime.date) -> IdNumber:
    if "X" in number[:17]:
        raise _invalid("ID_CHARS", chars="X")
    kind = _id_kind(number)
    born = _birth_date(number[6:14], today)
    expected = id_check_char(number[:17])
    warnings: tuple[IdentifierProblem, ...] = ()
    if number.endswith("000"):
        if expected != number[17]:
            raise _invalid("ID_EXCEL_ROUNDED", value=number)
        warnings = (_problem("ID_ENDS_000", value=number),)
    if expected != number[17]:
        raise _invalid("ID_CHECK_CHAR", expected=expected, actual=number[17])
    return IdNumber(number, kind, born, _sex(number[16]), original, warnings)


def _parse_id15(number: str, original: str, today: datetime.date) -> IdNumber:
    # 6-digit area + YYMMDD + 3-digit sequence, no check character.  All
    # 15-digit cards were issued to people born in the 1900s.
    if "X" in number:
        raise _invalid("ID_CHARS", chars="X")
    if number[0] not in "123456":
        raise _invalid("ID_AREA", prefix=number[:2])
    body = number[:6] + "19" + number[6:]
    born = _birth_date(body[6:14], today)
    value = body + id_check_char(body)
    warning = _problem("ID_LEGACY_15_CONVERTED", original=number, value=value)
    return IdNumber(value, IdKind.LEGACY15, born, _sex(number[14]), original, (warning,))


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an ID number; raise :class:`IdentifierInvalid` if it is wrong.

    *today* bounds the birth date (tests pass a fixed day).
    """
    today = today or datetime.date.today()
    original = _as_text(raw)
    number = normalize_id_number(original)
    if not number:
        raise _invalid("ID_EMPTY")
    # Before the character check: "3.2E+17" would otherwise be reported as
    # a stray "." and "E", hiding the real cause.
    if not number.isdigit() and _looks_like_excel_number(number):
        raise _invalid("ID_SCIENTIFIC", value=number)
    if not (number.isdigit() or (number[:-1].isdigit() and number[-1] == "X")):
        bad = _offending(number, _ID_ALLOWED)
        if bad:
            raise _invalid("ID_CHARS", chars=bad)
    if len(number) == 18:
        return _parse_id18(number, original, today)
    if len(number) == 15:
        return _parse_id15(number, original, today)
    raise _invalid("ID_LENGTH", length=len(number))


def mask_id_number(value: str) -> str:
    """An ID number with the birth date and sequence hidden, as on public lists
    (``320508********1234``): enough to tell two people apart, not to reuse."""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:] if len(value) > 4 else "****"


def check_id_number(
    raw: str, *, today: datetime.date | None = None
) -> IdNumber | IdentifierProblem:
    """Like :func:`parse_id_number` but returns the problem instead of raising."""
    try:
        return parse_id_number(raw, today=today)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Unified social credit codes (GB 32100)
# --------------------------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # A-Z without I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Positions 1-2 may be letters (e.g. "Y1"); 3-8 are the GB/T 2260 region code.
_USCC_FORMAT = re.compile(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII
)


def uscc_check_char(body17: str) -> str:
    """The GB 32100 check character for a 17-character body."""
    if len(body17) != 17 or any(ch not in USCC_CHARSET for ch in body17):
        raise ValueError(f"need 17 characters from {USCC_CHARSET}, got {body17!r}")
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(body17, _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def parse_uscc(raw: str) -> str:
    """Validate a unified social credit code; return it upper-case, compact."""
    code = _clean(raw)
    if not code:
        raise _invalid("USCC_EMPTY")
    bad = _offending(code, USCC_CHARSET)
    if bad:
        raise _invalid("USCC_CHARS", chars=bad)
    if len(code) != 18:
        raise _invalid("USCC_LENGTH", length=len(code))
    if not _USCC_FORMAT.match(code):
        raise _invalid("USCC_FORMAT", part=code[2:8])
    expected = uscc_check_char(code[:17])
    if expected != code[17]:
        raise _invalid("USCC_CHECK_CHAR", expected=expected, actual=code[17])
    return code


def check_uscc(raw: str) -> str | IdentifierProblem:
    try:
        return parse_uscc(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------

# The loose rule (DOMAIN §3.3): the operator segment lists go stale.
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_PHONE_SEPARATORS = "-()"


def parse_mobile(raw: str) -> str:
    """Validate a mainland mobile number; return its 11 digits without +86."""
    if raw.__class__ is str and len(raw) == 11 and _MOBILE.match(raw):
        return raw  # already clean: the usual roster cell (fast path)
    text = _as_text(raw)
    digits = strip_separators(normalize_dashes(compact(text)), _PHONE_SEPARATORS)
    if not digits:
        raise _invalid("PHONE_EMPTY")
    # The country code only counts as such when 11 digits follow it, so a
    # bare "86…" number of the wrong length is reported, not truncated.
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    if not _MOBILE.match(digits):
        raise _invalid("PHONE_FORMAT", value=text.strip())
    return digits


def check_mobile(raw: str) -> str | IdentifierProblem:
    try:
        return parse_mobile(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Certificate numbers
# --------------------------------------------------------------------------

SKILL_LEVEL_22 = "skill_level_22"
LEGACY_16 = "legacy_16"

_CERT_22 = re.compile(r"^[YS]\d{21}$", re.ASCII)
_CERT_16 = re.compile(r"^\d{16}$", re.ASCII)


@dataclass(frozen=True)
class CertificateNumber:
    value: str
    form: str  # SKILL_LEVEL_22 or LEGACY_16
    level: int  # 1..5 (1 = 一级/高级技师 ... 5 = 五级/初级工)
    year: int | None  # issue year
    evaluator_type: str | None  # "Y" (employer) or "S" (social body); 22-char form only


def _cert_level(value: str, digit: str) -> int:
    if digit not in "12345":
        raise _invalid("CERT_LEVEL", value=value, digit=digit)
    return int(digit)


def parse_certificate_number(raw: str) -> CertificateNumber:
    """Validate a 职业技能等级证书 (22 chars) or old 职业资格证书 (16 digits) number."""
    value = _clean(raw)
    if not value:
        raise _invalid("CERT_EMPTY")
    if _looks_like_excel_number(value):
        raise _invalid("CERT_SCIENTIFIC", value=value)
    if _CERT_22.match(value):
        # 人社鉴发〔2019〕2号: pos 14-15 issue year, pos 16 level (1-based).
        level = _cert_level(value, value[15])
        year = 2000 + int(value[13:15])
        return CertificateNumber(value, SKILL_LEVEL_22, level, year, value[0])
    if _CERT_16.match(value):
        # Pre-reform scheme: pos 1-2 year, pos 11 level.  These numbers were
        # issued from the 1990s until the 2020 reform.
        level = _cert_level(value, value[10])
        yy = int(value[:2])
        year = 1900 + yy if yy >= 90 else 2000 + yy
        return CertificateNumber(value, LEGACY_16, level, year, None)
    raise _invalid("CERT_FORMAT", value=value)


def check_certificate_number(raw: str) -> CertificateNumber | IdentifierProblem:
    try:
        return parse_certificate_number(raw)
    except IdentifierInvalid as exc:
        return exc.problem


# --------------------------------------------------------------------------
# Occupation codes (国家职业分类大典)
# --------------------------------------------------------------------------

_OCCUPATION = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$", re.ASCII)


def parse_occupation_code(raw: str) -> str:
    """Validate a 大类-中类-小类-细类 code such as ``6-18-01-01``."""
    code = normalize_dashes(compact(_as_text(raw)))
    if not code:
        raise _invalid("OCC_EMPTY")
    if not _OCCUPATION.match(code):
        raise _invalid("OCC_FORMAT", value=code)
    return code


def check_occupation_code(raw: str) -> str | IdentifierProblem:
    try:
        return parse_occupation_code(raw)
    except IdentifierInvalid as exc:
        return exc.problem
