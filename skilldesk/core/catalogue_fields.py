"""Columns and cell values of the bureau's occupation catalogue (职业培训补贴目录).

Header texts are matched like a roster's (``imports.headers.normalise_header``: half-width,
no spaces, bracketed hints such as "（元/人）" or "（工种）" dropped). A header row needs an
occupation code or name column and an amount column; title rows above it are skipped.
Pure functions: no database.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation

from skilldesk.core import import_headers
from skilldesk.core.class_import_fields import LEVEL_WORDS
from skilldesk.core.class_import_fields import key
from skilldesk.core.class_import_fields import whole_number
from skilldesk.core.import_headers import Header
from skilldesk.core.import_headers import synonym_table

SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq_no": ("序号", "编号", "No", "No."),
    "code": ("职业编码", "职业代码", "职业(工种)编码", "职业(工种)代码", "编码", "代码", "职业编号",
             "大典编码", "职业分类代码"),
    "name": ("职业名称", "职业(工种)", "职业", "项目名称", "职业工种", "职业(工种)名称", "名称",
             "培训项目", "专项职业能力名称", "专项能力名称", "项目", "培训项目名称"),
    "work_type": ("工种", "职业方向", "工种名称", "方向", "工种(职业方向)", "职业方向(工种)"),
    "level": ("等级", "级别", "职业等级", "技能等级", "证书等级", "培训等级", "鉴定等级", "等级(级别)"),
    "category": ("类别", "分类", "职业类别", "补贴类别", "类别(A/B/C)", "职业分类", "补贴分类"),
    "amount": ("补贴标准", "补贴金额", "补贴额", "补贴额度", "培训补贴标准", "职业培训补贴标准", "标准",
               "金额", "补贴标准(元)", "补贴标准(元/人)"),
    "shortage": ("紧缺", "是否紧缺", "紧缺职业", "紧缺工种", "是否紧缺职业", "紧缺型职业",
                 "是否为紧缺职业", "紧缺职业(工种)", "是否紧缺工种"),
    "min_hours": ("最低课时", "最少课时", "课时", "最低学时", "培训课时", "学时", "最低培训课时",
                  "课时要求", "最低课时数"),
}
_TABLE = synonym_table(SYNONYMS)


def map_header(cells: list) -> dict[int, str]:
    """column -> field for one row; the leftmost column wins a field."""
    return import_headers.map_header(_TABLE, cells)


def find_header(rows: list[tuple[int, list]], scan: int = 20) -> Header | None:
    """The row among the first *scan* that maps the most catalogue columns, or None."""
    return import_headers.find_header(rows, _TABLE, _is_header, scan=scan)


def _is_header(fields: set[str]) -> bool:
    return bool(fields & {"code", "name"}) and "amount" in fields


# -- cell values ---------------------------------------------------------------------------

CATALOGUE_LEVEL_WORDS = {
    **LEVEL_WORDS,
    **{w: "special" for w in ("专项职业能力", "专项职业能力证书", "专项能力证书", "专项证书",
                              "special")},
    **{w: "certificate" for w in ("合格证", "合格证书", "培训合格证", "培训合格证书", "结业证书",
                                  "certificate")},
}
_BRACKETS = re.compile(r"[(\[【]([^)\]】]*)[)\]】]")


def parse_level(cell: object) -> str | None:
    """L5..L1, special or certificate from 五级 / 初级工 / 初级（五级） / 5级 / 专项 / 合格证."""
    text = key(cell)
    if isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    if text in CATALOGUE_LEVEL_WORDS:
        return CATALOGUE_LEVEL_WORDS[text]
    parts = [_BRACKETS.sub("", text), *_BRACKETS.findall(text), *re.split(r"[/、,]", text)]
    found = {CATALOGUE_LEVEL_WORDS[p] for p in parts if p in CATALOGUE_LEVEL_WORDS}
    return found.pop() if len(found) == 1 else None


def parse_category(cell: object) -> str | None:
    """'A', 'B', 'C' from A / a / A类 / A 类; '' for a blank cell; None otherwise."""
    text = key(cell).upper().removesuffix("类")
    if text in ("", "A", "B", "C"):
        return text
    return None


_CURRENCY = ("元/人", "元每人", "元", "¥", "￥", "rmb")


def parse_amount(cell: object) -> Decimal | None:
    """Yuan from 1000 / 1000.0 / "1,000" / "1000元" / "￥1,200.50"; None if not a number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        try:
            return Decimal(repr(cell))
        except InvalidOperation:
            return None
    text = key(cell).replace(",", "").replace("，", "")
    for mark in _CURRENCY:
        text = text.removeprefix(mark).removesuffix(mark)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def to_fen(yuan: Decimal) -> int | None:
    """Whole fen, or None when the amount has fractions of a fen."""
    fen = yuan * 100
    return int(fen) if fen == fen.to_integral_value() else None


SHORTAGE_WORDS = {
    **{w: True for w in ("是", "√", "✓", "✔", "紧缺", "y", "yes", "1", "true", "有", "紧缺职业")},
    **{w: False for w in ("否", "×", "✗", "x", "n", "no", "0", "false", "无", "不紧缺", "非紧缺",
                          "-", "—", "/")},
}


def parse_shortage(cell: object) -> bool | None:
    """True / False from 是 / √ / 紧缺 / 否 / blank; None for anything else."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    text = key(cell)
    return False if text == "" else SHORTAGE_WORDS.get(text)


def parse_hours(cell: object) -> int | None:
    """A whole number of 课时 (0 or more) from 40 / "40课时" / "56学时"; None otherwise."""
    return whole_number(cell, ("课时", "学时", "小时"))


ITEM_KIND_BY_LEVEL = {"special": "special_ability", "certificate": "training"}


def item_kind(level: str) -> str:
    return ITEM_KIND_BY_LEVEL.get(level, "occupation")
