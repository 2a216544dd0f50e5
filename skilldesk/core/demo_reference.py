"""Reference data of the demo institution (``core.demo``): levels, subsidy
benchmarks, training types, class states and the demo's sizing constants.

Unlike ``demo_names`` (plain name pools), this is policy, kept next to the
DOMAIN.md references it comes from.  ``core.demo`` re-exports every public name here.
"""

from __future__ import annotations

from dataclasses import dataclass

from skilldesk.i18n import N_

# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelInfo:
    short: str  # as in subsidy tables: 初级
    label: str  # as on certificates (DOMAIN.md §3.4): 五级/初级工
    digit: int  # level digit in 22-character certificate numbers
    min_hours: int  # Jiangsu 2023 minimum class hours (DOMAIN.md §1.7)


# The level keys used everywhere in SkillDesk.
LEVELS: dict[str, LevelInfo] = {
    "L5": LevelInfo("初级", "五级/初级工", 5, 40),
    "L4": LevelInfo("中级", "四级/中级工", 4, 56),
    "L3": LevelInfo("高级", "三级/高级工", 3, 56),
    "L2": LevelInfo("技师", "二级/技师", 2, 56),
    "L1": LevelInfo("高级技师", "一级/高级技师", 1, 56),
}
SPECIAL_LEVEL = "special"  # 专项职业能力
CATALOGUE_LEVELS = ("L5", "L4", "L3")

# Jiangsu 2023 provincial benchmark, yuan per person, in fen (DOMAIN.md §1.7,
# secondary copy of the provincial annex).
BENCHMARK_2023_FEN: dict[str, dict[str, int]] = {
    "A": {"L5": 100000, "L4": 150000, "L3": 200000, "L2": 350000, "L1": 430000,
          SPECIAL_LEVEL: 80000},
    "B": {"L5": 80000, "L4": 120000, "L3": 180000, "L2": 250000, "L1": 350000,
          SPECIAL_LEVEL: 60000},
    "C": {"L5": 50000, "L4": 100000, "L3": 150000, "L2": 200000, "L1": 300000,
          SPECIAL_LEVEL: 40000},
}
GYB_FEN = 35000
SYB_FEN = 100000
PRE_JOB_FEN = 50000
BENCHMARK_SOURCE = (
    "2023江苏政府补贴性职业技能培训项目及参保职工技能提升补贴基准（省级附件的二手转载："
    "http://m.ljsggw.cn/techan/9db9dae1815e42da788f13757695f493.html）；"
    "职业及代码取自 catalogue-sample.csv（2022 年版大典 OCR）；A/B/C 类别为假设，以人社部门目录为准"
)

# Training types (short ASCII keys) and their share of the demo's classes.
TRAINING_TYPES: dict[str, tuple[str, float]] = {
    "employment_skill": ("就业技能培训", 45),
    "post_upgrade": ("岗位技能提升培训", 25),
    "special_ability": ("专项职业能力培训", 10),
    "entrepreneurship_gyb": ("创业意识培训（GYB）", 5),
    "entrepreneurship_syb": ("创办你的企业（SYB）", 7),
    "pre_job": ("职工岗前培训", 8),
}
CERT_TYPE_BY_TRAINING = {
    "employment_skill": "skill_level",
    "post_upgrade": "skill_level",
    "special_ability": "special_ability",
    "entrepreneurship_gyb": "entrepreneurship",
    "entrepreneurship_syb": "entrepreneurship",
    "pre_job": "training",
}

CLASS_STATES = (
    "draft", "filed", "approved", "in_training", "completed", "assessed",
    "claimed", "paid", "rejected", "withdrawn",
)
# Share of each state among classes beyond the first ten (which cover every
# state once): most of a two-year-old school's classes are long settled.
STATE_WEIGHTS = (8, 6, 6, 10, 7, 10, 10, 26, 3, 4)
STARTED_STATES = frozenset({"in_training", "completed", "assessed", "claimed", "paid"})
ASSESSED_STATES = frozenset({"assessed", "claimed", "paid"})
_PATH = ("draft", "filed", "approved", "in_training", "completed", "assessed", "claimed", "paid")

# Occupations trained most often by Suzhou schools get a higher weight.
POPULAR_OCCUPATIONS: dict[str, float] = {
    "电工": 5, "焊工": 3, "中式烹调师": 4, "养老护理员": 4, "保育师": 3, "家政服务员": 3,
    "美容师": 2, "美发师": 2, "电子商务师": 2, "互联网营销师": 3, "西式面点师": 3,
    "中式面点师": 3, "健康照护师": 2, "汽车维修工": 2, "茶艺师": 2, "消防设施操作员": 3,
    "工业机器人系统操作员": 2, "企业人力资源管理师": 2, "保安员": 2, "电梯安装维修工": 2,
    "制冷空调系统安装维修工": 2, "数控车工": 2, "装配钳工": 2, "糕点面包烘焙师": 2,
}

PERSON_CHUNK = 5000
ROW_FLUSH = 50000  # buffered class-related rows before writing them out
MAX_CLASSES_PER_PERSON = 3
LOCAL_UTC_OFFSET_S = 8 * 3600  # China Standard Time; timestamps are stored in UTC
NOW_LOCAL_S = 18 * 3600  # the demo is "generated" at 18:00 local time on *today*
PEOPLE_IMPORTED_SHARE = 0.3  # share of people imported on the school's first day

LABEL_PEOPLE = N_("Creating people")
LABEL_CLASSES = N_("Creating classes")
LABEL_INDEX = N_("Building the search index")
REJECT_REASONS = (
    "开班材料不全：缺少授课教师职业资格证明",
    "培训场地与备案不一致，请补充场地证明",
    "学员名册中部分人员不符合补贴对象条件",
)
WITHDRAW_REASONS = ("报名人数不足，机构撤回开班申请", "授课教师变动，暂缓开班")
BANKS = ("苏州银行", "中国工商银行苏州分行", "中国农业银行苏州分行", "中国建设银行苏州分行",
         "江苏银行苏州分行")
