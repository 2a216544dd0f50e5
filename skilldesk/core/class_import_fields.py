"""Columns and cell values of a class's record files: attendance (考勤), results (考核结果)
and employment follow-up (就业跟踪).

Header texts are matched like a roster's (``imports.headers.normalise_header``: exact after
normalising, then once more with a leading "学员"-style word removed), with this module's
own synonyms per kind; the roster's spellings of name, ID number, employer and credit code
are reused. A header row needs a name or an ID number column and the kind's key column.
Pure functions: no database.
"""

from __future__ import annotations

import datetime as dt
import re

from skilldesk.core import import_headers
from skilldesk.core.import_headers import Header
from skilldesk.core.import_headers import synonym_table
from skilldesk.i18n import N_
from skilldesk.imports.headers import SYNONYMS as ROSTER_SYNONYMS
from skilldesk.rules import values
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.normalize import compact
from skilldesk.rules.normalize import to_halfwidth

KINDS = ("attendance", "results", "employment")

_COMMON = {
    "seq_no": ROSTER_SYNONYMS["seq_no"],
    "name": (*ROSTER_SYNONYMS["name"], "人员姓名", "考生姓名", "学员"),
    "id_number": (*ROSTER_SYNONYMS["id_number"], "考生身份证号", "考生证件号码", "人员编号"),
}

_BY_KIND: dict[str, dict[str, tuple[str, ...]]] = {
    "attendance": {
        "sign_in": ("打卡时间", "签到时间", "刷卡时间", "考勤时间", "签到时刻", "打卡时刻", "时间",
                    "签到", "上课签到", "签到打卡时间", "识别时间", "通行时间", "记录时间"),
        "sign_out": ("签退时间", "签退", "签退打卡时间", "下课签退", "签退时刻"),
        "date": ("日期", "打卡日期", "签到日期", "考勤日期", "上课日期"),
        "method": ("签到方式", "打卡方式", "考勤方式", "验证方式", "识别方式", "方式"),
    },
    "results": {
        "result": ("考核结果", "鉴定结果", "考试结果", "结果", "是否合格", "合格与否", "评定结果",
                   "考核结论", "评价结果"),
        "theory_score": ("理论成绩", "理论", "理论知识成绩", "理论考试成绩", "理论知识", "理论分数"),
        "practice_score": ("实操成绩", "操作成绩", "技能成绩", "实操", "技能操作成绩", "技能考核成绩",
                           "操作技能成绩", "实际操作成绩", "实操分数"),
        "total_score": ("总成绩", "总分", "成绩", "综合成绩", "分数"),
        "cert_number": ("证书编号", "证书号", "证书号码", "证书编码"),
        "cert_type": ("证书类型", "证书种类", "证书类别", "证书名称"),
        "level": ("等级", "证书等级", "职业等级", "技能等级", "鉴定等级"),
        "issue_date": ("发证日期", "发证时间", "颁证日期", "证书日期", "签发日期", "取证日期"),
        "issuing_body": ("发证机构", "发证单位", "评价机构", "鉴定机构", "颁证机构", "评价组织",
                         "发证机关"),
    },
    "employment": {
        "month": ("跟踪月份", "跟踪期", "跟踪节点", "回访月份", "跟踪时段", "月份", "跟踪月", "月数"),
        "status": ("就业状态", "就业情况", "跟踪结果", "状态", "就业去向", "去向"),
        "employer": ROSTER_SYNONYMS["employer"],
        "employer_uscc": ROSTER_SYNONYMS["employer_uscc"],
        "contract_date": ("劳动合同签订日期", "合同签订日期", "签订日期", "合同日期", "签约日期",
                          "劳动合同日期"),
        "jobs_created": ("带动就业人数", "带动就业", "吸纳就业人数", "带动就业数"),
        "recorded_on": ("记录日期", "跟踪日期", "回访日期", "登记日期", "填报日期"),
    },
}

#: Which columns make a row the header (besides a name or an ID number column).
KEY_FIELDS = {
    "attendance": ("sign_in",),
    "results": ("result", "theory_score", "practice_score", "total_score", "cert_number"),
    "employment": ("status",),
}

#: What a clerk should put in the file, per kind (for the "no header found" message).
NEEDED = {
    "attendance": N_("a name or ID number column (姓名 / 证件号码) and a sign-in time column "
                     "(打卡时间 / 签到时间)"),
    "results": N_("a name or ID number column (姓名 / 证件号码) and a result, score or "
                  "certificate number column (考核结果 / 成绩 / 证书编号)"),
    "employment": N_("a name or ID number column (姓名 / 证件号码) and a status column "
                     "(就业状态)"),
}

_PREFIXES = ("参训人员", "培训人员", "参训", "学员", "学生", "本人", "个人")
_TABLES = {kind: synonym_table(_COMMON, _BY_KIND[kind]) for kind in KINDS}


def map_header(kind: str, cells: list) -> dict[int, str]:
    """column -> field for one row: exact spellings first, the leftmost column wins."""
    return import_headers.map_header(_TABLES[kind], cells, _PREFIXES)


def find_header(kind: str, rows: list[tuple[int, list]], scan: int = 20) -> Header | None:
    """The row among the first *scan* that maps the most columns of this kind, or None."""
    key_fields = set(KEY_FIELDS[kind])
    return import_headers.find_header(
        rows, _TABLES[kind],
        lambda fields: bool(fields & {"name", "id_number"}) and bool(fields & key_fields),
        prefixes=_PREFIXES, scan=scan)


# -- cell values ---------------------------------------------------------------------------

def key(cell: object) -> str:
    """A cell reduced for look-up in a table of words: half-width, no spaces, case-folded."""
    if cell is None:
        return ""
    return compact(to_halfwidth(str(cell))).casefold()


RESULT_WORDS = {
    "合格": "pass", "通过": "pass", "及格": "pass", "pass": "pass", "passed": "pass", "是": "pass",
    "不合格": "fail", "未通过": "fail", "不通过": "fail", "不及格": "fail", "fail": "fail",
    "failed": "fail", "否": "fail",
    "缺考": "absent", "缺席": "absent", "未参加": "absent", "未参考": "absent", "absent": "absent",
}
STATUS_WORDS = {
    "就业": "employed", "已就业": "employed", "单位就业": "employed", "employed": "employed",
    "灵活就业": "flexible", "flexible": "flexible",
    "创业": "entrepreneur", "自主创业": "entrepreneur", "已创业": "entrepreneur",
    "未就业": "unemployed", "失业": "unemployed", "待业": "unemployed", "unemployed": "unemployed",
    "升学": "further_study", "继续深造": "further_study", "继续升学": "further_study",
    "无法联系": "unreachable", "失联": "unreachable", "联系不上": "unreachable",
    "联系不到": "unreachable",
}
METHOD_WORDS = {
    "人脸": "face", "人脸识别": "face", "刷脸": "face", "面部识别": "face", "face": "face",
    "身份证": "id_card", "刷身份证": "id_card", "身份证读卡": "id_card", "读卡": "id_card",
    "刷卡": "id_card", "id_card": "id_card", "idcard": "id_card",
    "纸质": "paper", "手工": "paper", "签字": "paper", "手签": "paper", "纸质签到": "paper",
    "paper": "paper",
}
CERT_TYPE_WORDS = {
    "职业资格证书": "qualification", "职业资格证": "qualification",
    "职业技能等级证书": "skill_level", "技能等级证书": "skill_level", "职业技能等级证": "skill_level",
    "专项职业能力证书": "special_ability", "专项能力证书": "special_ability",
    "培训合格证书": "training", "培训合格证": "training", "结业证书": "training",
    "合格证": "training", "创业培训合格证书": "entrepreneurship",
    "创业培训合格证": "entrepreneurship",
}
LEVEL_WORDS = {
    **{w: "L5" for w in ("五级", "5级", "5", "l5", "初级", "初级工", "五级/初级工")},
    **{w: "L4" for w in ("四级", "4级", "4", "l4", "中级", "中级工", "四级/中级工")},
    **{w: "L3" for w in ("三级", "3级", "3", "l3", "高级", "高级工", "三级/高级工")},
    **{w: "L2" for w in ("二级", "2级", "2", "l2", "技师", "二级/技师")},
    **{w: "L1" for w in ("一级", "1级", "1", "l1", "高级技师", "一级/高级技师")},
    "专项": "special", "专项能力": "special",
}
_MONTH_CN = {"一": 1, "三": 3, "六": 6, "1": 1, "3": 3, "6": 6}
_MONTH = re.compile(r"^(?:第)?([0-9一二三四五六七八九十]+)(?:个月|月|个月后)?$")


def parse_month(cell: object) -> int | None:
    """1, 3 or 6 from 1 / "1个月" / "第三个月" / "6月"; None if it is none of them."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell if cell in (1, 3, 6) else None
    match = _MONTH.match(key(cell))
    return _MONTH_CN.get(match.group(1)) if match else None


def parse_count(cell: object) -> int | None:
    """A whole number of 0 or more, or None."""
    return whole_number(cell, ("人",))


def whole_number(cell: object, suffixes: tuple[str, ...] = ()) -> int | None:
    """A whole number of 0 or more from 40 / 40.0 / "40" / "40" followed by one of
    *suffixes* ("40课时"), or None."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell if cell >= 0 else None
    text = key(cell)
    for suffix in suffixes:
        text = text.removesuffix(suffix)
    return int(text) if text.isdigit() else None


def parse_score(cell: object) -> float | None:
    """A score 0..100, or None if the cell is not one."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        number = float(cell)
    else:
        try:
            number = float(key(cell).removesuffix("分"))
        except ValueError:
            return None
    return number if 0 <= number <= 100 else None


_TIME = re.compile(r"^(.*?)[\sT]*(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?$")


def parse_moment(cell: object) -> dt.datetime | dt.time | dt.date | IdentifierProblem:
    """A punch cell: a date and time, a time of day (the date in another column) or a date."""
    if isinstance(cell, dt.datetime):
        return cell.replace(tzinfo=None, microsecond=0)
    if isinstance(cell, (dt.date, dt.time)):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if 0 <= cell < 1:  # a time typed into a number cell: a fraction of a day
            seconds = round(cell * 86400)
            return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
        day = values.check_date(int(cell))
        if isinstance(day, IdentifierProblem):
            return day
        seconds = round((cell - int(cell)) * 86400)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    text = to_halfwidth(str(cell)).strip()
    match = _TIME.match(text)
    if match is None:
        return values.check_date(text)
    date_text, hour, minute, second = match.groups()
    try:
        moment = dt.time(int(hour), int(minute), int(second or 0))
    except ValueError:
        return IdentifierProblem("TIME_FORMAT", N_(
            "“{value}” is not a time of day. Write it as 08:25 or 2026-03-02 08:25."),
            {"value": text})
    if not date_text.strip():
        return moment
    day = values.check_date(date_text.strip())
    if isinstance(day, IdentifierProblem):
        return day
    return dt.datetime.combine(day, moment)
