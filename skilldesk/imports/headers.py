"""Finding the header row of a roster sheet and mapping its columns to fields.

Rosters (花名册) arrive as spreadsheets made by hand: one or more title rows
above the header ("苏州市××职业培训学校2026年第3期电工（四级）培训班学员花名册",
often a merged cell), a 序号 column, header texts with line breaks and hints
such as "（必填）" or "(18位)", columns nobody asked for, and notes under the
last trainee.  This module only looks at cell values; reading the file is
someone else's job, so it works the same for .xlsx, .xls and .csv.

Decisions worth knowing:

* A row is a header candidate only if it has **both a name and an ID number
  column**: those two are what identify a trainee, and requiring both keeps
  title rows, data rows and notes from being taken for a header.
* Header texts are matched **exactly** after :func:`normalise_header`, then
  once more with a leading "学员"/"本人"-style word removed.  Substring
  matching was rejected: "紧急联系人电话" contains "电话" and "身份证地址"
  contains "身份证", and both would be mapped to the wrong field.
* When two columns match the same field, exact spellings win over ones found
  after removing a prefix, then the leftmost column wins; the other column is
  reported as unmapped so the user can choose.
* The score is the share of :data:`KEY_FIELDS` present; ties go to the row
  (or sheet) with more recognised columns, then to the first one.
* :func:`layout_key` ignores empty header cells at the end of the row:
  readers disagree on how far a sheet extends, and trailing blanks say
  nothing about the layout.

No Qt, no SQL, no ``skilldesk.core``: the importer in the core calls this.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

from skilldesk.i18n import N_
from skilldesk.rules.normalize import compact
from skilldesk.rules.normalize import to_halfwidth

#: Canonical field key -> English label (msgid; translate with ``_()``).
FIELDS: dict[str, str] = {
    "seq_no": N_("Serial number"),
    "name": N_("Name"),
    "id_type": N_("ID type"),
    "id_number": N_("ID number"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "phone": N_("Mobile"),
    "categories": N_("Categories"),
    "hukou_address": N_("Registered residence (hukou)"),
    "hukou_type": N_("Hukou type"),
    "education": N_("Education"),
    "employer": N_("Employer"),
    "employer_uscc": N_("Employer's credit code"),
    "unemployment_cert_no": N_("Employment and unemployment registration number"),
    "school": N_("School graduated from"),
    "graduation_date": N_("Graduation date"),
    "bank_account": N_("Bank or social security card number"),
    "notes": N_("Notes"),
    "pension": N_("Drawing a basic pension"),
    "insured_months": N_("Months of unemployment insurance paid"),
}

#: Field -> header spellings seen on rosters (matched after normalise_header).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq_no": ("序号", "编号", "序", "No.", "No"),
    "name": ("姓名", "学员姓名", "名字"),
    "id_type": ("证件类型", "证件类别", "证件种类"),
    "id_number": (
        "身份证号", "公民身份号码", "身份证号码", "证件号码", "身份证", "证件号",
        "身份证件号码", "公民身份证号码", "居民身份证号码", "身份号码",
    ),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "phone": (
        "联系电话", "手机", "手机号码", "电话", "联系方式", "手机号", "电话号码",
        "移动电话", "联系手机",
    ),
    "categories": ("人员类别", "人员身份", "类别", "身份类别", "人员类型", "培训对象类别"),
    "hukou_address": ("户籍所在地", "户籍地址", "户籍地", "户口所在地", "户口地址"),
    "hukou_type": ("户籍性质", "户口性质", "户籍类型", "户口类型"),
    "education": ("文化程度", "学历", "最高学历"),
    "employer": ("工作单位", "单位名称", "所在单位", "就业单位", "单位"),
    "employer_uscc": (
        "统一社会信用代码", "单位统一社会信用代码", "信用代码", "社会信用代码",
    ),
    "unemployment_cert_no": (
        "就业失业登记证号", "就业创业证号", "就业创业证号码", "就业失业登记证号码",
        "就业创业证编号", "就业失业登记证编号",
    ),
    "school": ("毕业院校", "毕业学校"),
    "graduation_date": ("毕业时间", "毕业日期", "毕业年月"),
    "bank_account": (
        "银行卡号", "社保卡号", "银行账号", "社会保障卡号", "社会保障卡银行账号",
        "银行帐号", "社保卡银行账号", "银行卡号或社保卡号",
    ),
    "notes": ("备注", "说明"),
    "pension": (
        "是否领取养老金", "领取养老金", "养老金", "是否领取基本养老金", "已领取基本养老金",
        "领取基本养老金",
    ),
    "insured_months": (
        "失业保险缴费月数", "参保月数", "缴费月数", "失业保险累计缴费月数", "失业保险参保月数",
        "累计缴费月数",
    ),
}

#: The fields that make a row look like a roster header; the score is the
#: share of these present.  name and id_number are required in any case.
KEY_FIELDS: tuple[str, ...] = (
    "name", "id_number", "sex", "phone", "birth_date", "categories", "education",
    "hukou_address",
)

# Words put in front of a header that do not change its meaning
# ("学员身份证号码", "本人手机号码").  Longest first so "参训人员" beats "参训".
_PREFIXES: tuple[str, ...] = ("参训人员", "培训人员", "参训", "学员", "学生", "本人", "个人")

# Hints in brackets: "（必填）", "(18位)", "【必填】", "[选填]".  An unclosed
# bracket at the end ("身份证号(18位") is a hint cut short by a narrow column.
_HINTS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|\([^()]*$")
# Required-field stars and label colons around the text ("*姓名", "姓名：").
_MARKERS = "*:※★"


def normalise_header(text: object) -> str:
    """The header text reduced for matching (see the module docstring).

    Half-width, no whitespace anywhere (also line breaks inside a cell),
    bracketed hints removed, ``*`` / ``:`` markers stripped, case-folded.
    """
    if text is None:
        return ""
    value = compact(to_halfwidth(text if isinstance(text, str) else str(text)))
    previous = None
    while previous != value:  # nested hints: "(必填(18位))"
        previous, value = value, _HINTS.sub("", value)
    return value.strip(_MARKERS).casefold()


# The headers SkillDesk itself writes in English (core.roster_export.ROSTER_COLUMNS), so an
# exported roster imports again whatever the language; a test keeps these in step.
_ENGLISH = {
    "name": ("Name",), "id_type": ("ID type",), "id_number": ("ID number",), "sex": ("Sex",),
    "birth_date": ("Date of birth",), "phone": ("Mobile",), "categories": ("Categories",),
    "hukou_address": ("Registered residence (hukou)",), "hukou_type": ("Hukou type",),
    "education": ("Education",), "employer": ("Employer",),
    "employer_uscc": ("Employer's credit code",),
    "unemployment_cert_no": ("Employment/unemployment registration no.",),
    "school": ("School graduated from",), "graduation_date": ("Graduation date",),
    "bank_account": ("Bank or social security card no.",), "notes": ("Notes",),
    "pension": ("Drawing a basic pension",),
    "insured_months": ("Months of unemployment insurance paid",),
}
for _field, _spellings in _ENGLISH.items():
    SYNONYMS[_field] += _spellings

_EXACT: dict[str, str] = {
    normalise_header(spelling): field
    for field, spellings in SYNONYMS.items()
    for spelling in spellings
}


def _match(header: str) -> tuple[str, bool] | None:
    """(field, exact) for a normalised header, or None."""
    if header in _EXACT:
        return _EXACT[header], True
    for prefix in _PREFIXES:
        if header.startswith(prefix) and header[len(prefix):] in _EXACT:
            return _EXACT[header[len(prefix):]], False
    return None


def _cell_text(cell: object) -> str:
    return "" if cell is None else (cell if isinstance(cell, str) else str(cell)).strip()


@dataclass(frozen=True)
class HeaderGuess:
    header_row: int  # index into the rows list given to guess_header
    row_number: int  # the spreadsheet's own (1-based) row number
    mapping: dict[int, str]  # column index -> field key, recognised columns only
    headers: list[str]  # header texts as in the file ("" for an empty cell)
    unmapped: list[int]  # columns with a header text but no field
    score: float  # share of KEY_FIELDS present, 0..1


def _score(mapping: Mapping[int, str]) -> float:
    present = set(mapping.values())
    return sum(1 for field in KEY_FIELDS if field in present) / len(KEY_FIELDS)


def _unmapped(headers: Sequence[str], mapping: Mapping[int, str]) -> list[int]:
    return [col for col, text in enumerate(headers) if text and col not in mapping]


def _map_row(cells: Sequence[object]) -> dict[int, str]:
    matches = {}
    for col, cell in enumerate(cells):
        found = _match(normalise_header(cell))
        if found:
            matches[col] = found
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    # Exact spellings claim their field first, then prefixed ones; within
    # each pass the leftmost column wins.
    for want_exact in (True, False):
        for col, (field, exact) in matches.items():
            if exact == want_exact and field not in taken:
                mapping[col] = field
                taken.add(field)
    return dict(sorted(mapping.items()))


def _rank(guess: HeaderGuess) -> tuple[float, int]:
    return guess.score, len(guess.mapping)


def guess_header(
    rows: Sequence[tuple[int, Sequence[object]]], *, scan: int = 20
) -> HeaderGuess | None:
    """The most roster-like header among the first *scan* rows, or None.

    *rows* are ``(row_number, cells)`` pairs as read from the sheet.  Only a
    row with both a name and an ID number column can be the header.
    """
    best: HeaderGuess | None = None
    for index, (row_number, cells) in enumerate(rows[:scan]):
        mapping = _map_row(cells)
        fields = set(mapping.values())
        if "name" not in fields or "id_number" not in fields:
            continue
        headers = [_cell_text(cell) for cell in cells]
        guess = HeaderGuess(
            header_row=index,
            row_number=row_number,
            mapping=mapping,
            headers=headers,
            unmapped=_unmapped(headers, mapping),
            score=_score(mapping),
        )
        if best is None or _rank(guess) > _rank(best):
            best = guess
    return best


def pick_sheet(
    candidates: Mapping[str, Sequence[tuple[int, Sequence[object]]]], *, scan: int = 20
) -> str | None:
    """The name of the sheet whose best header scores highest, or None.

    Ties go to the sheet with more recognised columns, then to the first.
    """
    best_name: str | None = None
    best_rank: tuple[float, int] | None = None
    for name, rows in candidates.items():
        guess = guess_header(rows, scan=scan)
        if guess is not None and (best_rank is None or _rank(guess) > best_rank):
            best_name, best_rank = name, _rank(guess)
    return best_name


def layout_key(headers: Sequence[object]) -> str:
    """A stable key (16 hex digits of SHA-256) for a header layout.

    Built from the normalised header texts in order, so spacing, line
    breaks, full-width characters and bracketed hints do not change it;
    empty cells at the end of the row are ignored.
    """
    texts = [normalise_header(h) for h in headers]
    while texts and not texts[-1]:
        texts.pop()
    # U+001F (unit separator) cannot occur in a normalised header, so
    # ["ab", "c"] and ["a", "bc"] get different keys.
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]


def apply_mapping_override(guess: HeaderGuess, mapping: Mapping[int, str | None]) -> HeaderGuess:
    """*guess* with the user's corrections applied; the user's choice wins.

    *mapping* is column -> field key, or ``None``/``""`` to ignore a column.
    Columns not in *mapping* keep the guessed field unless the user gave that
    field to another column.  So a stored complete mapping (with ignored
    columns as None) reproduces itself, and a single correction ("column 5
    is the phone") moves the field.  Raises ``ValueError`` for an unknown
    field, a column outside the header row, or a field given to two columns.
    """
    chosen: dict[int, str] = {}
    ignored: set[int] = set()
    columns_of: dict[str, list[int]] = {}
    for col, field in mapping.items():
        if not 0 <= col < len(guess.headers):
            last = len(guess.headers) - 1
            raise ValueError(f"column {col} is outside the header row (0..{last})")
        if not field:
            ignored.add(col)
            continue
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r} for column {col}")
        chosen[col] = field
        columns_of.setdefault(field, []).append(col)
    twice = {field: cols for field, cols in columns_of.items() if len(cols) > 1}
    if twice:
        detail = "; ".join(
            f"{field!r} to columns {', '.join(str(c) for c in sorted(cols))}"
            for field, cols in twice.items()
        )
        raise ValueError(f"a field is mapped to more than one column: {detail}")
    merged = {
        col: field
        for col, field in guess.mapping.items()
        if col not in chosen and col not in ignored and field not in columns_of
    }
    merged.update(chosen)
    merged = dict(sorted(merged.items()))
    return replace(
        guess,
        mapping=merged,
        unmapped=_unmapped(guess.headers, merged),
        score=_score(merged),
    )
