"""Columns and cell values of the bureau's list of subsidies already received
(历年补贴享受记录, from the 实名制管理系统).

Header texts are matched like a roster's (``imports.headers.normalise_header``: half-width,
no spaces, bracketed hints such as "（元）" or "（工种）" dropped); title rows above the header
are skipped. A header row needs an ID number column and a subsidy-type column.
Levels and amounts are read as the catalogue import reads them (``catalogue_fields``).
Pure functions: no database.
"""

from __future__ import annotations

from skilldesk.core import import_headers
from skilldesk.core.class_import_fields import key
from skilldesk.core.import_headers import Header
from skilldesk.core.import_headers import synonym_table
from skilldesk.i18n import N_
from skilldesk.imports.headers import SYNONYMS as ROSTER_SYNONYMS
from skilldesk.rules.subsidy import ENTREPRENEURSHIP
from skilldesk.rules.subsidy import TRAINING
from skilldesk.rules.subsidy import UPGRADE

SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq_no": ROSTER_SYNONYMS["seq_no"],
    "name": (*ROSTER_SYNONYMS["name"], "人员姓名", "享受人姓名", "享受人员姓名", "参训人员姓名"),
    "id_number": (*ROSTER_SYNONYMS["id_number"], "享受人身份证号码", "人员证件号码"),
    "kind": ("补贴类型", "补贴项目", "补贴种类", "补贴类别", "补贴名称", "享受补贴类型", "享受类型",
             "享受项目", "补贴险种", "项目类型"),
    "training_kind": ("培训类型", "培训类别", "培训形式", "创业培训类型", "培训种类"),
    "occupation_code": ("职业编码", "职业代码", "职业(工种)编码", "职业(工种)代码", "工种编码",
                        "工种代码", "职业编号", "大典编码"),
    "occupation_name": ("职业名称", "职业(工种)名称", "职业(工种)", "职业", "工种", "工种名称",
                        "职业工种", "项目名称", "培训项目", "培训项目名称", "专项职业能力名称",
                        "专项能力名称", "培训职业", "培训工种"),
    "level": ("等级", "证书等级", "职业等级", "技能等级", "培训等级", "鉴定等级", "级别", "取证等级"),
    "amount": ("补贴金额", "补贴标准", "享受金额", "发放金额", "金额", "补贴额", "补贴额度",
               "拨付金额", "实发金额"),
    "granted_on": ("发放日期", "享受日期", "发放时间", "享受时间", "补贴日期", "拨付日期", "拨付时间",
                   "补贴发放日期", "审核日期", "审核通过日期", "到账日期"),
}
_TABLE = synonym_table(SYNONYMS)

#: What a clerk should put in the file (for the "no header found" message).
NEEDED = N_("an ID number column (证件号码 / 身份证号) and a subsidy type column (补贴类型)")

#: Column names for messages about missing columns.
COLUMN_NAMES = {"amount": "补贴金额", "granted_on": "发放日期", "level": "等级",
                "occupation_code": "职业编码"}


def map_header(cells: list) -> dict[int, str]:
    """column -> field for one row; the leftmost column wins a field."""
    return import_headers.map_header(_TABLE, cells)


def find_header(rows: list[tuple[int, list]], scan: int = 20) -> Header | None:
    """The row among the first *scan* that maps the most columns, or None."""
    return import_headers.find_header(rows, _TABLE, _is_header, scan=scan)


def _is_header(fields: set[str]) -> bool:
    return "id_number" in fields and bool(fields & {"kind", "training_kind"})


# -- the kind of subsidy ---------------------------------------------------------------------

_ENTREPRENEURSHIP_TYPES = (("gyb", "entrepreneurship_gyb"), ("syb", "entrepreneurship_syb"),
                           ("iyb", "entrepreneurship_iyb"), ("网络创业", "entrepreneurship_online"),
                           ("网创", "entrepreneurship_online"),
                           ("online", "entrepreneurship_online"))
# a word the subsidy-type cell contains -> (subsidy kind, training type), first match wins
_CONTAINED = (("岗位技能提升", (TRAINING, "post_upgrade")), ("技能提升", (UPGRADE, "")),
              ("创业", (ENTREPRENEURSHIP, "")), ("岗前", (TRAINING, "pre_job")),
              ("学徒", (TRAINING, "apprenticeship")), ("专项", (TRAINING, "special_ability")),
              ("培训", (TRAINING, "")))
_EXACT = {"training": (TRAINING, ""), "skill_upgrade": (UPGRADE, ""),
          "entrepreneurship": (ENTREPRENEURSHIP, "")}


def entrepreneurship_type(cell: object) -> str:
    """entrepreneurship_gyb / _syb / _iyb / _online when the text names one, else ''."""
    text = key(cell)
    for word, training_type in _ENTREPRENEURSHIP_TYPES:
        if word in text:
            return training_type
    return ""


def parse_kind(cell: object) -> tuple[str, str] | None:
    """(subsidy kind, training type or '') from the subsidy-type cell, or None.

    职业培训补贴 → training; 技能提升补贴 / 参保职工技能提升补贴 → skill_upgrade; 创业培训补贴 →
    entrepreneurship; GYB / SYB / IYB / 网络创业 → entrepreneurship of that type; 岗前 → training
    of type pre_job. 岗位技能提升培训 is a training subsidy (the institution's course), not the
    insured worker's skill-upgrade subsidy.
    """
    text = key(cell)
    if not text:
        return None
    if text in _EXACT:
        return _EXACT[text]
    found = entrepreneurship_type(text)
    if found:
        return ENTREPRENEURSHIP, found
    return next((meaning for word, meaning in _CONTAINED if word in text), None)
