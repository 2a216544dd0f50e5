"""The demo institution: a realistic, fully synthetic training school.

``build_demo`` fills an empty database with one institution, a sample
catalogue, people, classes in every state with their schedules, attendance,
results, certificates and employment follow-up.  It serves three purposes:
trying the app without real data, screenshots and manuals, and the benchmark
database (``people=1_000_000``).

Determinism: everything is drawn from one ``random.Random(seed)`` in a fixed
order and every timestamp is derived from *today*, so the same (people, seed,
today) always produces the same database content; UUIDs come from the same
generator.  Nothing is read from the clock except ``date.today()`` when
*today* is not given.

Everything is written in one transaction, so cancelling (``Progress.check``
raises ``Cancelled``) leaves the database exactly as it was.

All names, ID numbers, phone numbers and companies are invented; ID numbers
and credit codes carry correct check characters because the app validates
them.  The A/B/C category of each occupation is an assumption (DOMAIN.md §4a)
and is flagged as such in the catalogue.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import json
import math
import random
import uuid
from array import array
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from importlib import resources

from sqlite_utils import Database

from skilldesk.core import demo_names as names
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.errors import Conflict
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import USCC_CHARSET
from skilldesk.rules.identifiers import id_check_char
from skilldesk.rules.identifiers import uscc_check_char
from skilldesk.storage import bulk

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


@dataclass(frozen=True)
class DemoSummary:
    people: int
    classes: int
    enrolments: int
    sessions: int
    attendance: int
    certificates: int
    followups: int
    catalogue_items: int


def build_demo(
    db: Database,
    *,
    people: int = 2000,
    seed: int = 1,
    today: dt.date | None = None,
    device_id: str,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with the demo institution.

    Raises ``Conflict`` if the database already has an institution and
    ``Cancelled`` (with nothing written) if *progress* is cancelled.
    """
    if people < 0:
        raise ValueError("people must be >= 0")
    if bulk.has_institution(db):
        raise Conflict(
            N_("The demo can only be generated into an empty database; this one "
               "already has an institution. Create a new database for the demo.")
        )
    builder = _Builder(
        db, people=people, seed=seed, today=today or dt.date.today(),
        device_id=device_id, progress=progress or NullProgress(),
    )
    with db.atomic():
        return builder.run()


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


class _Weighted:
    """Fast weighted choice (bisect on cumulative weights)."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, values: Sequence, weights: Sequence[float]) -> None:
        self.values = list(values)
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _is_workday(ordinal: int) -> bool:
    # date.fromordinal(1) is a Monday, so ordinal % 7 is 6 on Saturdays and 0 on Sundays.
    return ordinal % 7 not in (0, 6)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _session_end(start_min: int, periods: int) -> int:
    # 1 课时 = 45 minutes, 10-minute breaks, a lunch break for full days.
    lunch = 90 if periods > 4 else 0
    return start_min + periods * 45 + (periods - 1) * 10 + lunch


@dataclass
class _Class:
    training_type: str
    state: str
    occ_code: str = ""
    occ_name: str = ""
    work_type: str = ""
    level: str = ""
    category: str = ""
    fee_fen: int = 0
    standard_fen: int = 0
    # schedule: (date ordinal, start minute, periods, kind, topic)
    sessions: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    schedule_stored: bool = True
    created_ms: int = 0
    updated_ms: int = 0
    filed_ms: int | None = None
    roster_ord: int = 0
    assessed_ord: int | None = None
    transitions: list[tuple[str, str, int, str]] = field(default_factory=list)
    capacity: int = 0
    size: int = 0
    id: str = ""
    code: str = ""
    name: str = ""


# ---------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------


class _Builder:
    def __init__(
        self, db: Database, *, people: int, seed: int, today: dt.date, device_id: str,
        progress: Progress,
    ) -> None:
        self.db = db
        self.n_people = people
        self.rng = random.Random(seed)
        self.today = today
        self.today_ord = today.toordinal()
        self.device = device_id
        self.progress = progress
        self.now_ms = self._ms(self.today_ord, NOW_LOCAL_S)
        self._iso: dict[int, str] = {}
        self.counts = dict.fromkeys(
            ("enrolments", "sessions", "attendance", "certificates", "followups"), 0)
        # The school "opened" (first roster import) well before its oldest
        # class, which is at most ~630 days old (see _timeline).
        self.opened_ord = self.today_ord - 660
        # About one class per 40 people for small schools; beyond ~10,000
        # people the count grows more slowly so that enrolments stay near 10%
        # of people (1,000,000 people -> ~2,900 classes, ~100,000 enrolments).
        # At least 12, so that every state appears.
        n_classes = 0 if people == 0 else round(min(people / 40, 60 + people / 350))
        self.n_classes = max(12, n_classes)
        self._work = people + self.n_classes + max(1, people // 10)
        self._buffers: dict[str, list[tuple]] = {}
        surnames = [s for s, _w in names.SURNAMES]
        self._surnames = _Weighted(surnames, [w for _s, w in names.SURNAMES])
        self._surnames_local = _Weighted(surnames, [
            w * (names.LOCAL_SURNAME_BOOST if s in names.LOCAL_SURNAMES else 1)
            for s, w in names.SURNAMES
        ])

    # -- ids and time --------------------------------------------------------

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    @staticmethod
    def _ms(ordinal: int, local_seconds: int) -> int:
        """Milliseconds since day 0 (UTC) of a local wall-clock time."""
        return (ordinal * 86400 + local_seconds - LOCAL_UTC_OFFSET_S) * 1000

    def ts(self, ms: int) -> str:
        """ISO-8601 UTC text with milliseconds, like ``clock.utc_now``."""
        seconds, milli = divmod(ms, 1000)
        day, rest = divmod(seconds, 86400)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        return f"{self.iso(day)}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"

    def office_ms(self, ordinal: int) -> int:
        """A random moment of office hours (09:00-17:00 local) on *ordinal*."""
        return self._ms(ordinal, 9 * 3600) + self.rng.randrange(8 * 3600) * 1000

    def tick(self, done: int, label: str) -> None:
        self.progress.update(done, self._work, _(label))
        self.progress.check()

    # -- buffered writes -----------------------------------------------------

    def add(self, table: str, row: tuple) -> None:
        self._buffers.setdefault(table, []).append(row)

    def flush(self) -> None:
        # Parent tables first: foreign keys are checked row by row.
        for table in ("training_class", "class_teacher", "class_transition", "enrolment",
                      "session", "attendance", "certificate", "employment_followup"):
            rows = self._buffers.pop(table, None)
            if rows:
                bulk.insert_rows(self.db, table, rows)
        self._buffers.clear()

    def buffered(self) -> int:
        return sum(len(rows) for rows in self._buffers.values())

    # -- identifiers -----------------------------------------------------------

    def uscc(self, prefix2: str, region6: str) -> str:
        rng = self.rng
        if rng.random() < 0.6:  # codes issued since 2015 carry "MA" organisation codes
            org = "MA" + "".join(rng.choice(USCC_CHARSET) for _n in range(7))
        else:
            org = f"{rng.randrange(10**8):08d}" + rng.choice("0123456789X")
        body = prefix2 + region6 + org
        return body + uscc_check_char(body)

    def mobile(self) -> str:
        return self.rng.choice(names.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def person_name(self, male: bool, birth_year: int, local: bool) -> str:
        rng = self.rng
        surname = (self._surnames_local if local else self._surnames).pick(rng)
        pool = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        if rng.random() < 0.7:
            if birth_year < 1975:
                first = names.GIVEN_FIRST_OLD
            elif birth_year < 1995:
                first = names.GIVEN_FIRST_MID
            else:
                first = names.GIVEN_FIRST_YOUNG
            return surname + rng.choice(first) + rng.choice(pool)
        return surname + rng.choice(pool)

    # -- the whole run ---------------------------------------------------------

    def run(self) -> DemoSummary:
        self.tick(0, LABEL_PEOPLE)
        self.institution()
        self.catalogue()
        self.employers()
        with bulk.person_search_triggers_suspended(self.db):
            self.people()
            # The index rebuild runs when the block exits.
            self.progress.update(self.n_people, self._work, _(LABEL_INDEX))
        self.classes()
        summary = DemoSummary(
            people=self.n_people, classes=self.n_classes,
            enrolments=self.counts["enrolments"], sessions=self.counts["sessions"],
            attendance=self.counts["attendance"], certificates=self.counts["certificates"],
            followups=self.counts["followups"], catalogue_items=len(self.items),
        )
        after = json.dumps(asdict(summary), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
        bulk.insert_rows(self.db, "op_log", [(
            self.uid(), self.ts(self.now_ms), "", self.device, "demo.generate",
            "institution", self.institution_id, None, after,
        )])
        self.progress.update(self._work, self._work, _(LABEL_CLASSES))
        return summary

    # -- institution and catalogue ------------------------------------------

    def institution(self) -> None:
        rng = self.rng
        self.institution_id = self.uid()
        self.institution_name = "苏州市姑苏区示范职业培训学校（演示）"
        # 52 = 民政 / 民办非企业单位 (DOMAIN.md §3.2), registered in 姑苏区.
        body = "52320508MJ" + "".join(str(rng.randrange(10)) for _n in range(7))
        uscc = body + uscc_check_char(body)
        created = self.office_ms(self.opened_ord - 30)
        stamp = self.ts(created)
        contact = self.person_name(False, 1982, True)
        account = f"{rng.randrange(10**18):018d}"
        bulk.insert_rows(self.db, "institution", [(
            self.institution_id, self.institution_name, uscc, "private_school", "320508",
            "江苏省苏州市姑苏区人民路1888号", contact, self.mobile(),
            f"人社民3205080{rng.randrange(10**6):06d}号", "苏州银行姑苏支行",
            account, 1, stamp, stamp, self.device,
        )])
        # The school's own evaluation site code (certificate positions 8-13).
        self.site_code = f"{rng.randrange(10**6):06d}"

    def catalogue(self) -> None:
        created = self.ts(self.office_ms(self.opened_ord - 20))
        self.catalogue_id = self.uid()
        bulk.insert_rows(self.db, "catalogue", [(
            self.catalogue_id, "苏州", 2023, "2023 江苏省职业技能培训补贴基准（示例数据）",
            BENCHMARK_SOURCE, 1, "2023-01-01", None, 1, created, created, self.device,
        )])
        text = (resources.files("skilldesk.resources") / "sample" / "catalogue-sample.csv") \
            .read_text(encoding="utf-8")
        # (code, name, work type, category, shortage) per occupation / work type
        self.occupations: list[tuple[str, str, str, str, bool]] = []
        rows = []
        for record in csv.DictReader(io.StringIO(text)):
            code = record["code"].strip()
            if not code:  # 育婴员 has no 2022 code in the sample: leave it out
                continue
            category = _assumed_category(code)
            shortage = bool(record["shortage_year"].strip())
            work_types = _work_types(record["work_type"]) or [""]
            for work_type in work_types:
                self.occupations.append((code, record["name"], work_type, category, shortage))
                for level in CATALOGUE_LEVELS:
                    rows.append((
                        self.uid(), self.catalogue_id, code, record["name"], work_type, level,
                        category, 1, BENCHMARK_2023_FEN[category][level] if category else 0,
                        int(shortage), LEVELS[level].min_hours, created, created, self.device,
                    ))
        bulk.insert_rows(self.db, "catalogue_item", rows)
        self.items = rows

    def employers(self) -> None:
        rng = self.rng
        # Capped well below the ~350,000 distinct names the pools can form.
        count = min(20000, max(30, self.n_people // 200))
        seen: set[str] = set()
        self.employer_list: list[tuple[str, str]] = []
        while len(self.employer_list) < count:
            place, region = rng.choice(names.EMPLOYER_PLACES)
            brand = "".join(rng.sample(names.EMPLOYER_BRAND_CHARS, 2))
            trade = rng.choice(names.EMPLOYER_TRADES)
            name = place + brand + trade + rng.choice(names.EMPLOYER_FORMS)
            if name in seen:
                continue
            seen.add(name)
            self.employer_list.append((name, self.uscc("91", region)))

    # -- people ----------------------------------------------------------------

    def people(self) -> None:
        rng = self.rng
        n = self.n_people
        today = self.today
        lo = _add_years(today, -63).toordinal() + 1  # youngest 17, oldest 62 today
        hi = _add_years(today, -17).toordinal()
        mode = _add_years(today, -33).toordinal()
        year_1975 = dt.date(1975, 1, 1).toordinal()
        year_1995 = dt.date(1995, 1, 1).toordinal()
        suzhou = _Weighted(list(names.SUZHOU_WEIGHTS), list(names.SUZHOU_WEIGHTS.values()))
        migrant = _Weighted([(c, p) for c, p, _w in names.MIGRANT_ORIGINS],
                            [w for _c, _p, w in names.MIGRANT_ORIGINS])
        cat_keys = list(PERSON_CATEGORIES)
        self.cat_keys = cat_keys
        cat_local = _Weighted(list(names.CATEGORY_WEIGHTS_LOCAL),
                              list(names.CATEGORY_WEIGHTS_LOCAL.values()))
        cat_migrant = _Weighted(list(names.CATEGORY_WEIGHTS_MIGRANT),
                                list(names.CATEGORY_WEIGHTS_MIGRANT.values()))
        edu = [names.EDUCATION_WEIGHTS_OLD, names.EDUCATION_WEIGHTS_MID,
               names.EDUCATION_WEIGHTS_YOUNG]
        edu_pick = [_Weighted(names.EDUCATIONS, w) for w in edu]
        n_employers = len(self.employer_list)
        device = self.device
        uid = self.uid
        ts = self.ts

        # Creation times: a first roster import on the opening day, then
        # registrations spread over office hours of every later day, so that
        # created_at grows with seq.
        imported = math.ceil(n * PEOPLE_IMPORTED_SHARE)
        later = n - imported
        days = self.today_ord - 1 - self.opened_ord
        self.imported, self.later, self.later_days = imported, later, days
        import_start = self._ms(self.opened_ord, 9 * 3600)
        import_step = 8 * 3600 * 1000 / max(1, imported)
        office_ms = 8 * 3600 * 1000

        self.person_ids: list[str] = []
        self.birth = array("l")
        self.first_cat = array("b")
        self.employer_of = array("l")
        seen_ids: set[str] = set()
        recent_phones: list[str] = []
        done = 0
        while done < n:
            stop = min(n, done + PERSON_CHUNK)
            person_rows = []
            category_rows = []
            for i in range(done, stop):
                if i < imported:
                    created = import_start + int(i * import_step)
                else:
                    pos = (i - imported) * days / later
                    day = int(pos)
                    created = self._ms(self.opened_ord + 1 + day, 9 * 3600) + int(
                        (pos - day) * office_ms)
                stamp = ts(created)
                male = rng.random() < 0.5
                local = rng.random() >= 0.35
                if local:
                    code = suzhou.pick(rng)
                    region, towns = names.SUZHOU_TOWNS[code]
                    villages = names.SUZHOU_VILLAGES
                    rural = rng.random() < 0.3
                else:
                    code, region = migrant.pick(rng)
                    towns = names.RURAL_TOWNS
                    villages = names.VILLAGES
                    rural = rng.random() < 0.85
                birth_ord = int(rng.triangular(lo, hi + 1, mode))
                if birth_ord > hi:
                    birth_ord = hi
                birth_iso = self.iso(birth_ord)
                ymd = birth_iso.replace("-", "")
                # ID number: sequence digit parity carries the sex (odd = male).
                while True:
                    body = f"{code}{ymd}{rng.randrange(500) * 2 + male:03d}"
                    id_number = body + id_check_char(body)
                    if id_number not in seen_ids:
                        seen_ids.add(id_number)
                        break
                cohort = 0 if birth_ord < year_1975 else (1 if birth_ord < year_1995 else 2)
                name = self.person_name(male, int(ymd[:4]), local)
                education = edu_pick[cohort].pick(rng)
                age_days = self.today_ord - birth_ord
                categories = [self._category(cat_local if local else cat_migrant, age_days,
                                             education)]
                if rng.random() < 0.2:
                    second = self._category(cat_local if local else cat_migrant, age_days,
                                            education)
                    if second not in categories and second != "other" \
                            and categories[0] != "other":
                        categories.append(second)
                if "migrant_worker" in categories:
                    rural = True  # 农村转移就业劳动者 hold a rural hukou by definition
                if "graduate_unemployed" in categories and education not in ("大专", "本科"):
                    education = "本科" if rng.random() < 0.4 else "大专"
                town = rng.choice(towns)
                if rural:
                    address = (f"{region}{town}{rng.choice(villages)}村"
                               f"{rng.randint(1, 12)}组{rng.randint(1, 60)}号")
                elif rng.random() < 0.5:
                    address = f"{region}{town}{rng.choice(names.STREETS)}{rng.randint(1, 999)}号"
                else:
                    address = (f"{region}{town}{rng.choice(names.COMMUNITIES)}社区"
                               f"{rng.randint(1, 40)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室")
                # ~2% share a phone with someone registered shortly before: the
                # pattern of one agent's phone on several trainees.
                if recent_phones and rng.random() < 0.011:
                    phone = rng.choice(recent_phones)
                else:
                    phone = self.mobile()
                    recent_phones.append(phone)
                    if len(recent_phones) > 64:
                        del recent_phones[0]
                employer_index = -1
                employer = employer_uscc = ""
                if "employee" in categories:
                    employer_index = rng.randrange(n_employers)
                    employer, employer_uscc = self.employer_list[employer_index]
                if rng.random() < 0.35:
                    bank = rng.choice(BANKS)
                    account = f"62{rng.randrange(10**17):017d}"
                else:
                    bank = account = ""
                person_id = uid()
                person_rows.append((
                    person_id, name, "resident", id_number, "M" if male else "F", birth_iso,
                    phone, address, "农业" if rural else "非农业", education, employer,
                    employer_uscc, bank, account, "", stamp, stamp, device,
                ))
                for category in categories:
                    proof_number = ""
                    valid_from = None
                    if category == "disabled":
                        # 残疾人证号 = ID number + category digit + grade digit
                        proof_number = f"{id_number}{rng.randint(1, 7)}{rng.randint(1, 4)}"
                    elif category == "registered_unemployed":
                        proof_number = f"{code}{rng.randrange(10**10):010d}"
                        valid_from = self.iso(min(self.today_ord - 1, created // 86400000
                                                  - rng.randrange(30, 400)))
                    category_rows.append((
                        uid(), person_id, category, names.CATEGORY_PROOFS[category],
                        proof_number, valid_from, None, stamp, stamp, device,
                    ))
                self.person_ids.append(person_id)
                self.birth.append(birth_ord)
                self.first_cat.append(cat_keys.index(categories[0]))
                self.employer_of.append(employer_index)
            bulk.insert_rows(self.db, "person", person_rows)
            bulk.insert_rows(self.db, "person_category", category_rows)
            done = stop
            self.tick(done, LABEL_PEOPLE)

    def _category(self, weights: _Weighted, age_days: int, education: str) -> str:
        """A category that fits the person's age (school leavers are young ...)."""
        for _attempt in range(4):
            category = weights.pick(self.rng)
            if category == "graduate_unemployed" and age_days > 30 * 365:
                continue
            if category == "school_leaver" and (age_days > 24 * 365 or education in ("大专", "本科")):
                continue
            return category
        return "other"

    def pool_limit(self, ordinal: int) -> int:
        """How many people (a prefix of seq order) existed before day *ordinal*."""
        if self.later == 0:
            return self.imported
        later = math.ceil((ordinal - self.opened_ord - 1) * self.later / self.later_days)
        return self.imported + max(0, min(self.later, later))

    # -- classes -----------------------------------------------------------------

    def classes(self) -> None:
        rng = self.rng
        state_pick = _Weighted(CLASS_STATES, STATE_WEIGHTS)
        type_pick = _Weighted(list(TRAINING_TYPES), [w for _l, w in TRAINING_TYPES.values()])
        states = list(CLASS_STATES)
        states += [state_pick.pick(rng) for _n in range(self.n_classes - len(states))]
        plans = [self._plan(state, type_pick.pick(rng)) for state in states]
        # Codes and "第N期" follow the order in which the school created them.
        plans.sort(key=lambda c: c.created_ms)
        per_year: dict[int, int] = {}
        per_name: dict[str, int] = {}
        for plan in plans:
            year = dt.date.fromordinal(plan.created_ms // 86400000).year
            per_year[year] = per_year.get(year, 0) + 1
            plan.code = f"SZ{year}-{per_year[year]:04d}"
            base = _class_base_name(plan)
            per_name[base] = per_name.get(base, 0) + 1
            plan.name = f"{base}培训班第{per_name[base]}期"
            plan.id = self.uid()
        self.enrolled_count = array("b", bytes(self.n_people))
        self.cert_serials: dict[tuple[str, str], int] = {}
        self.teachers: dict[str, list[tuple[str, str, str]]] = {}
        for index, plan in enumerate(plans):
            self._write_class(plan)
            if self.buffered() >= ROW_FLUSH:
                self.flush()
            if index % 20 == 19:
                self.tick(self.n_people + max(1, self.n_people // 10) + index + 1,
                          LABEL_CLASSES)
        self.flush()

    def _plan(self, state: str, training_type: str) -> _Class:
        rng = self.rng
        plan = _Class(training_type=training_type, state=state)
        if training_type in ("employment_skill", "post_upgrade"):
            weights = []
            for code, occ_name, _wt, category, _short in self.occupations:
                weight = POPULAR_OCCUPATIONS.get(occ_name, 1)
                if training_type == "post_upgrade" and category == "A":
                    weight *= 3  # enterprises upgrade production workers most
                weights.append(weight)
            code, occ_name, work_type, category, _short = \
                _Weighted(self.occupations, weights).pick(rng)
            if training_type == "post_upgrade":
                level = _Weighted(("L5", "L4", "L3"), (15, 50, 35)).pick(rng)
            else:
                level = _Weighted(("L5", "L4", "L3"), (45, 40, 15)).pick(rng)
            plan.occ_code, plan.occ_name, plan.work_type = code, occ_name, work_type
            plan.level, plan.category = level, category
            plan.standard_fen = BENCHMARK_2023_FEN[category][level] if category else 0
            plan.fee_fen = plan.standard_fen * rng.choice((10, 11, 12, 13)) // 10 // 10000 * 10000
            minimum = LEVELS[level].min_hours
            if rng.random() < 0.04:  # a few plans fall short: the checks must notice
                hours = minimum - rng.choice((4, 8))
            else:
                hours = minimum + rng.choice((0, 0, 4, 8, 16, 24))
        elif training_type == "special_ability":
            ability, category = rng.choice(names.SPECIAL_ABILITIES)
            plan.occ_name, plan.level, plan.category = ability, SPECIAL_LEVEL, category
            plan.standard_fen = BENCHMARK_2023_FEN[category][SPECIAL_LEVEL]
            plan.fee_fen = plan.standard_fen
            hours = rng.choice((32, 36, 40, 48))
        elif training_type == "entrepreneurship_gyb":
            plan.fee_fen = plan.standard_fen = GYB_FEN
            hours = 32
        elif training_type == "entrepreneurship_syb":
            plan.fee_fen = plan.standard_fen = SYB_FEN
            hours = 80
        else:
            plan.fee_fen = plan.standard_fen = PRE_JOB_FEN
            hours = 40
        periods = self._split_hours(hours)
        theory_share = 0.5 if rng.random() < 0.04 else 0.4  # a few lack practice
        kinds = []
        theory = 0
        for p in periods:
            if not kinds or (kinds[-1] == "theory" and theory + p <= theory_share * hours):
                kinds.append("theory")
                theory += p
            else:
                kinds.append("practice")
        plan.capacity = rng.choice((40, 50, 50, 60))
        plan.size = min(plan.capacity, rng.randint(20, 50))
        self._timeline(plan, periods, kinds)
        return plan

    def _split_hours(self, hours: int) -> list[int]:
        """8-20 sessions of 4-8 periods adding up to *hours* (32..160)."""
        rng = self.rng
        hours = max(32, min(160, hours))
        low, high = max(8, math.ceil(hours / 8)), min(20, hours // 4)
        count = max(low, min(high, round(hours / rng.choice((5, 6, 6, 7)))))
        base, extra = divmod(hours, count)
        periods = [base + (1 if i < extra else 0) for i in range(count)]
        for _n in range(count):  # uneven days look real; keep the total
            a, b = rng.randrange(count), rng.randrange(count)
            if periods[a] < 8 and periods[b] > 4 and a != b:
                periods[a] += 1
                periods[b] -= 1
        return periods

    def _timeline(self, plan: _Class, periods: list[int], kinds: list[str]) -> None:
        """Dates of the schedule and of every state change, relative to today."""
        rng = self.rng
        today = self.today_ord
        n = len(periods)
        state = plan.state
        events: dict[str, int] = {}  # state -> ordinal of the day it was entered
        if state in ("completed", "assessed", "claimed", "paid"):
            if state == "paid":
                events["paid"] = today - rng.randint(1, 380)
                events["claimed"] = events["paid"] - rng.randint(30, 90)
            elif state == "claimed":
                events["claimed"] = today - rng.randint(1, 80)
            if "claimed" in events:
                events["assessed"] = events["claimed"] - rng.randint(10, 40)
            elif state == "assessed":
                events["assessed"] = today - rng.randint(1, 50)
            if "assessed" in events:
                end_target = events["assessed"] - rng.randint(7, 25)
            else:
                end_target = today - rng.randint(1, 20)
            dates = _workdays_back(end_target, n)
        elif state == "in_training":
            past = rng.randint(1, n - 1)
            dates = _workdays_back(today - 1, past) + _workdays_forward(today, n - past)
        elif state == "draft":
            dates = _workdays_forward(today + rng.randint(14, 75), n)
        elif state == "filed":
            dates = _workdays_forward(today + rng.randint(7, 40), n)
        elif state == "approved":
            dates = _workdays_forward(today + rng.randint(1, 25), n)
        elif state == "rejected":
            filed = today - rng.randint(3, 90)
            events["filed"] = filed
            events["rejected"] = min(today, filed + rng.randint(2, 10))
            dates = _workdays_forward(filed + rng.randint(10, 30), n)
        else:  # withdrawn, before the class started
            start = today + rng.randint(-120, 40)
            dates = _workdays_forward(start, n)
            withdrawn = min(today, dates[0] - rng.randint(1, 7))
            events["withdrawn"] = withdrawn
            if rng.random() < 0.5:
                events["approved"] = withdrawn - rng.randint(1, 5)
        start, end = dates[0], dates[-1]
        # Filing and approval precede the start; the bureau needs days to decide.
        if state in ("approved", "filed"):
            if state == "approved":
                events["approved"] = today - rng.randint(0, 4)
                events["filed"] = events["approved"] - rng.randint(3, 12)
            else:
                events["filed"] = today - rng.randint(0, 5)
        elif state in STARTED_STATES:
            events["approved"] = start - rng.randint(2, 10)
            events["filed"] = events["approved"] - rng.randint(3, 12)
            events["in_training"] = start
            if state != "in_training":
                events["completed"] = end
        elif state == "withdrawn" and "approved" in events:
            events["filed"] = events["approved"] - rng.randint(3, 12)
        first = min(events.values()) if events else today
        created = first - rng.randint(3, 20) if events else today - rng.randint(0, 20)
        plan.created_ms = self.office_ms(created)
        # The roster is complete a day before filing (drafts: while drafting).
        if "filed" in events:
            plan.roster_ord = max(created, events["filed"] - 1)
        else:
            plan.roster_ord = min(today, created + rng.randint(0, 3))

        # Transitions along the path actually taken.
        order = [s for s in _PATH if s in events] + [
            s for s in ("rejected", "withdrawn") if s in events]
        previous = "draft"
        last_ms = plan.created_ms
        for to_state in order:
            day = events[to_state]
            if to_state == "in_training":
                at = self._ms(day, 8 * 3600)
            elif to_state == "completed":
                at = self._ms(day, 17 * 3600 + 30 * 60)
            else:
                at = self.office_ms(day)
            at = max(at, last_ms + 60000)  # strictly after the previous change
            reason = ""
            if to_state == "rejected":
                reason = rng.choice(REJECT_REASONS)
            elif to_state == "withdrawn":
                reason = rng.choice(WITHDRAW_REASONS)
            plan.transitions.append((previous, to_state, at, reason))
            if to_state == "filed":
                plan.filed_ms = at
            previous, last_ms = to_state, at
        plan.updated_ms = last_ms
        plan.assessed_ord = events.get("assessed")
        plan.schedule_stored = state not in ("rejected", "withdrawn")

        topics = _topics(plan)
        evening = plan.training_type == "post_upgrade" and rng.random() < 0.5
        theory_i = practice_i = 0
        for day, p, kind in zip(dates, periods, kinds):
            if p > 4:
                start_min = 8 * 60 + 30
            elif evening:
                start_min = 18 * 60
            else:
                start_min = rng.choice((8 * 60 + 30, 13 * 60 + 30))
            if kind == "theory":
                topic = topics[0][min(theory_i, len(topics[0]) - 1)]
                theory_i += 1
            else:
                topic = topics[1][min(practice_i, len(topics[1]) - 1)]
                practice_i += 1
            plan.sessions.append((day, start_min, p, kind, topic))

    # -- writing one class ---------------------------------------------------------

    def _write_class(self, plan: _Class) -> None:
        rng = self.rng
        device = self.device
        uid = self.uid
        ts = self.ts
        theory = sum(p for _d, _s, p, k, _t in plan.sessions if k == "theory")
        practice = sum(p for _d, _s, p, k, _t in plan.sessions if k == "practice")
        start, end = plan.sessions[0][0], plan.sessions[-1][0]
        teachers = self._teachers_for(plan)
        venue = _venue(plan, rng)
        level_label = (LEVELS[plan.level].label if plan.level in LEVELS
                       else ("专项职业能力" if plan.level == SPECIAL_LEVEL else ""))
        teaching_plan = f"理论{theory}课时，实操{practice}课时，共{theory + practice}课时（1课时=45分钟）。"
        if plan.occ_code:
            teaching_plan += f"依据《{plan.occ_name}国家职业技能标准》{level_label}要求组织教学。"
        assessment_plan = (
            "理论知识考试（闭卷笔试，满分100分，60分及格）；操作技能考核（满分100分，60分及格）。"
            if plan.level else "结业考核：理论测试与综合评价，60分合格。"
        )
        created, updated = ts(plan.created_ms), ts(plan.updated_ms)
        self.add("training_class", (
            plan.id, plan.code, plan.name, plan.training_type, plan.occ_code, plan.occ_name,
            plan.work_type, plan.level, plan.category, self.iso(start), self.iso(end),
            theory, practice, venue, plan.capacity, teaching_plan, assessment_plan,
            plan.fee_fen, plan.state, None if plan.filed_ms is None else ts(plan.filed_ms),
            created, updated, device,
        ))
        for t_name, qualification, cert_no, role in teachers:
            self.add("class_teacher", (uid(), plan.id, t_name, qualification, cert_no, role,
                                       created, created, device))
        for from_state, to_state, at, reason in plan.transitions:
            self.add("class_transition", (uid(), plan.id, from_state, to_state, ts(at), None,
                                          reason, device))

        # -- roster --
        enrolments = self._roster(plan)
        # Trainees are entered after the class itself was created.
        roster_ms = max(self._ms(plan.roster_ord, 9 * 3600), plan.created_ms + 600000)
        started = plan.state in STARTED_STATES
        assessed = plan.state in ASSESSED_STATES
        stored_sessions = plan.sessions if plan.schedule_stored else []
        past = [s for s in stored_sessions if s[0] < self.today_ord] if started else []
        # Trainees who dropped out: attendance stops at their last session.
        leave_after: list[int | None] = []
        for _person in enrolments:
            if started and past and rng.random() < 0.02:
                leave_after.append(rng.randrange(len(past)))
            else:
                leave_after.append(None)
        results: list[tuple[str | None, float | None, float | None]] = []
        result_ms = self.office_ms(plan.assessed_ord) if plan.assessed_ord else None
        enrolment_ids = []
        for j, person in enumerate(enrolments):
            enrolment_id = uid()
            enrolment_ids.append(enrolment_id)
            enrolled_ms = roster_ms + j * 180000
            status = "enrolled"
            withdrawn_on = None
            result = theory_score = practice_score = None
            updated_ms = enrolled_ms
            if leave_after[j] is not None:
                status = "withdrawn"
                withdrawn_on = dt.date.fromordinal(past[leave_after[j]][0]).isoformat()
                updated_ms = self._ms(past[leave_after[j]][0], 17 * 3600)
            elif assessed:
                draw = rng.random()
                if draw < 0.88:
                    result = "pass"
                    theory_score = float(rng.randint(60, 98))
                    practice_score = float(rng.randint(60, 98))
                elif draw < 0.96:
                    result = "fail"
                    theory_score = float(rng.randint(30, 59))
                    practice_score = float(rng.randint(40, 90))
                    if rng.random() < 0.5:
                        theory_score, practice_score = practice_score, theory_score
                else:
                    result = "absent"
                updated_ms = result_ms
            results.append((result, theory_score, practice_score))
            self.add("enrolment", (
                enrolment_id, plan.id, self.person_ids[person],
                self.cat_keys[self.first_cat[person]], status, withdrawn_on, result, theory_score,
                practice_score, ts(enrolled_ms), ts(updated_ms), device,
            ))
        self.counts["enrolments"] += len(enrolments)

        # -- schedule and attendance --
        theory_teacher = teachers[0][0]
        practice_teacher = teachers[-1][0]
        plan_stamp = ts(plan.created_ms + 3600000)
        main_method = _Weighted(("face", "id_card", "paper"), (50, 30, 20)).pick(rng)
        other_methods = [m for m in ("face", "id_card", "paper") if m != main_method]
        past_index = 0
        for seq_no, (day, start_min, periods, kind, topic) in enumerate(stored_sessions, 1):
            session_id = uid()
            end_min = _session_end(start_min, periods)
            self.add("session", (
                session_id, plan.id, seq_no, self.iso(day), _hhmm(start_min), _hhmm(end_min),
                periods, kind, topic, theory_teacher if kind == "theory" else practice_teacher,
                plan_stamp, plan_stamp, device,
            ))
            if not started or day >= self.today_ord:
                continue
            start_ms = self._ms(day, start_min * 60)
            end_ms = self._ms(day, end_min * 60)
            end_stamp = ts(end_ms)
            for j, enrolment_id in enumerate(enrolment_ids):
                left = leave_after[j]
                if left is not None and past_index > left:
                    continue
                draw = rng.random()
                method = main_method if rng.random() < 0.92 else rng.choice(other_methods)
                if draw < 0.90:
                    status = "present"
                    sign_in = ts(start_ms - rng.randrange(1200) * 1000)
                    sign_out = ts(end_ms + rng.randrange(600) * 1000)
                elif draw < 0.94:
                    status = "late"
                    sign_in = ts(start_ms + rng.randrange(300, 2400) * 1000)
                    sign_out = ts(end_ms + rng.randrange(600) * 1000)
                else:
                    status = "leave" if draw < 0.97 else "absent"
                    sign_in = sign_out = None
                # Paper sheets are typed in after the session; devices record at sign-in.
                stamp = sign_in if (sign_in and method != "paper") else end_stamp
                self.add("attendance", (uid(), session_id, enrolment_id, status, sign_in,
                                        sign_out, method, stamp, stamp, device))
                self.counts["attendance"] += 1
            past_index += 1
        self.counts["sessions"] += len(stored_sessions)

        if not assessed:
            return
        # -- certificates and follow-up --
        cert_type = CERT_TYPE_BY_TRAINING[plan.training_type]
        issue_ord = plan.assessed_ord
        issue_iso = self.iso(issue_ord)
        issuer = _issuer(cert_type, self.institution_name)
        for j, enrolment_id in enumerate(enrolment_ids):
            if results[j][0] != "pass":
                continue
            number = self._cert_number(cert_type, plan, issue_ord)
            level = plan.level if cert_type in ("skill_level", "special_ability") else ""
            self.add("certificate", (uid(), enrolment_id, cert_type, number, level, issue_iso,
                                     issuer, ts(result_ms), ts(result_ms), device))
            self.counts["certificates"] += 1
            self._followups(plan, enrolment_id, enrolments[j], end)

    def _roster(self, plan: _Class) -> list[int]:
        """Indices of the people in the class: registered before the roster
        was drawn up, old enough, and in at most MAX_CLASSES_PER_PERSON classes."""
        rng = self.rng
        limit = self.pool_limit(plan.roster_ord)
        if limit == 0:
            return []
        start = plan.sessions[0][0]
        youngest = start - 16 * 366  # at least 16 at the start (DOMAIN.md §1.3)
        oldest = start - 60 * 366  # retirees are rarely enrolled
        wanted = {"post_upgrade": "employee",
                  "entrepreneurship_gyb": "entrepreneur",
                  "entrepreneurship_syb": "entrepreneur"}.get(plan.training_type)
        wanted_index = self.cat_keys.index(wanted) if wanted else -1
        chosen: list[int] = []
        taken: set[int] = set()
        attempts = 0
        while len(chosen) < plan.size and attempts < plan.size * 40:
            attempts += 1
            person = rng.randrange(limit)
            if person in taken or self.enrolled_count[person] >= MAX_CLASSES_PER_PERSON:
                continue
            birth = self.birth[person]
            if birth > youngest or birth < oldest:
                continue
            if wanted_index >= 0 and self.first_cat[person] != wanted_index \
                    and rng.random() < 0.6 and attempts < plan.size * 20:
                continue
            taken.add(person)
            chosen.append(person)
            self.enrolled_count[person] += 1
        return chosen

    def _teachers_for(self, plan: _Class) -> list[tuple[str, str, str, str]]:
        """1-2 teachers from the school's staff for this subject (reused across classes)."""
        rng = self.rng
        key = plan.occ_code or plan.occ_name or plan.training_type
        staff = self.teachers.get(key)
        if staff is None:
            staff = []
            for _n in range(3):
                name = self.person_name(rng.random() < 0.6, rng.randint(1965, 1992), True)
                if plan.occ_code:
                    level_digit = rng.choice((1, 2))
                    qualification = (f"{plan.occ_name}{LEVELS['L' + str(level_digit)].label}，"
                                     f"{rng.choice(names.TEACHER_TITLES)}")
                    cert_no = (f"S000032{rng.randrange(10**6):06d}{rng.randint(19, 23)}"
                               f"{level_digit}{rng.randrange(10**6):06d}")
                elif plan.training_type.startswith("entrepreneurship"):
                    qualification = "SYB创业培训讲师"
                    cert_no = f"CYJS{rng.randint(2012, 2022)}{rng.randrange(10**5):05d}"
                elif plan.training_type == "special_ability":
                    qualification = f"{plan.occ_name}专项能力考评员，{rng.choice(names.TEACHER_TITLES)}"
                    cert_no = ""
                else:
                    qualification = rng.choice(names.TEACHER_TITLES)
                    cert_no = ""
                staff.append((name, qualification, cert_no))
            self.teachers[key] = staff
        if plan.training_type.startswith("entrepreneurship") or rng.random() < 0.2:
            picked = [rng.choice(staff)]
            return [(*picked[0], "theory")]
        first, second = rng.sample(staff, 2)
        return [(*first, "theory"), (*second, "practice")]

    def _cert_number(self, cert_type: str, plan: _Class, issue_ord: int) -> str:
        year = dt.date.fromordinal(issue_ord).year
        yy = year % 100
        if cert_type == "skill_level":
            # 人社鉴发〔2019〕2号: S + 0000 + 32 (Jiangsu) + site + YY + level + serial
            digit = LEVELS[plan.level].digit
            key = (f"S{yy:02d}{digit}", "")
            prefix = f"S000032{self.site_code}{yy:02d}{digit}"
            width = 6
        elif cert_type == "special_ability":
            # No national format for these (DOMAIN.md §3.4): an invented one.
            key = ("ZX", str(year))
            prefix = f"ZX320508{year}"
            width = 6
        elif cert_type == "entrepreneurship":
            tag = "GYB" if plan.training_type == "entrepreneurship_gyb" else "SYB"
            key = (tag, str(year))
            prefix = f"{tag}320508{year}"
            width = 5
        else:
            key = ("PX", str(year))
            prefix = f"PX320508{year}"
            width = 5
        serial = self.cert_serials.get(key)
        if serial is None:
            serial = self.rng.randrange(100, 2000)  # earlier certificates of the site
        serial += 1
        self.cert_serials[key] = serial
        return f"{prefix}{serial:0{width}d}"

    def _followups(self, plan: _Class, enrolment_id: str, person: int, end_ord: int) -> None:
        rng = self.rng
        end = dt.date.fromordinal(end_ord)
        employer_index = self.employer_of[person]
        status: str | None = None
        contract_ord: int | None = None
        employer = employer_uscc = ""
        for months in (1, 3, 6):
            due = _add_months(end, months).toordinal()
            if due > self.today_ord:
                break
            if status is None or rng.random() < 0.25:
                if employer_index >= 0:
                    status = "employed" if rng.random() < 0.9 else "flexible"
                elif plan.training_type == "entrepreneurship_syb" and rng.random() < 0.35:
                    status = "entrepreneur"
                else:
                    status = _Weighted(
                        ("employed", "flexible", "entrepreneur", "unemployed", "further_study"),
                        (55, 15, 5, 19, 6)).pick(rng)
                contract_ord = None
                if status == "employed":
                    if employer_index >= 0:
                        employer, employer_uscc = self.employer_list[employer_index]
                    elif rng.random() < 0.8:
                        employer, employer_uscc = rng.choice(self.employer_list)
                    else:
                        employer, employer_uscc = "", ""
                    contract_ord = min(due, end_ord + rng.randint(0, 30 * months))
                elif status == "entrepreneur":
                    name = self.person_name(rng.random() < 0.5, 1990, True)
                    employer = f"苏州市姑苏区{name[0]}记{rng.choice(('餐饮店', '家政服务部', '美容店', '电商工作室'))}"
                    employer_uscc = self.uscc("92", "320508")  # 92 = 个体工商户
                else:
                    employer = employer_uscc = ""
            recorded = min(self.today_ord, due + rng.randint(0, 14))
            stamp = self.ts(self.office_ms(recorded))
            self.add("employment_followup", (
                self.uid(), enrolment_id, months, status, employer, employer_uscc,
                None if contract_ord is None else self.iso(contract_ord),
                rng.randint(1, 5) if status == "entrepreneur" else 0,
                self.iso(recorded), stamp, stamp, self.device,
            ))
            self.counts["followups"] += 1


# ---------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------


def _assumed_category(code: str) -> str:
    """The A/B/C category the demo assumes (the real one is not known, §4a):
    6- production → A; 4-01/02/04/07 production services → B; other 4- → C."""
    if code.startswith("6-"):
        return "A"
    if code[:4] in ("4-01", "4-02", "4-04", "4-07"):
        return "B"
    if code.startswith("4-"):
        return "C"
    return ""


def _work_types(text: str) -> list[str]:
    """Work types (工种) from the CSV column: 'a/b/c', notes in brackets dropped."""
    cleaned = text.split("(")[0].split("（")[0].strip()
    return [part.strip() for part in cleaned.split("/") if part.strip()]


def _workdays_forward(ordinal: int, count: int) -> list[int]:
    days: list[int] = []
    while len(days) < count:
        if _is_workday(ordinal):
            days.append(ordinal)
        ordinal += 1
    return days


def _workdays_back(ordinal: int, count: int) -> list[int]:
    """*count* working days ending on or before *ordinal*, oldest first."""
    days: list[int] = []
    while len(days) < count:
        if _is_workday(ordinal):
            days.append(ordinal)
        ordinal -= 1
    days.reverse()
    return days


def _class_base_name(plan: _Class) -> str:
    if plan.training_type in ("employment_skill", "post_upgrade"):
        occupation = plan.occ_name + (f"（{plan.work_type}）" if plan.work_type else "")
        prefix = "岗位技能提升·" if plan.training_type == "post_upgrade" else ""
        return f"{prefix}{occupation}（{LEVELS[plan.level].label}）"
    if plan.training_type == "special_ability":
        return f"专项职业能力（{plan.occ_name}）"
    # "培训班第N期" is appended, so these stop short of "培训".
    if plan.training_type == "entrepreneurship_gyb":
        return "GYB创业意识"
    if plan.training_type == "entrepreneurship_syb":
        return "SYB创办你的企业"
    return "职工岗前"


def _topics(plan: _Class) -> tuple[Sequence[str], Sequence[str]]:
    if plan.training_type == "entrepreneurship_gyb":
        return names.GYB_TOPICS, ("创业游戏模拟", "创业计划展示")
    if plan.training_type == "entrepreneurship_syb":
        return names.SYB_TOPICS, ("创业计划书撰写", "模拟经营")
    if plan.training_type == "pre_job":
        return names.PRE_JOB_TOPICS[:4], names.PRE_JOB_TOPICS[4:]
    subject = plan.occ_name
    return ([f"{subject}：{t}" for t in names.THEORY_TOPICS],
            [f"{subject}：{t}" for t in names.PRACTICE_TOPICS])


def _venue(plan: _Class, rng: random.Random) -> str:
    classroom = rng.choice(names.CLASSROOMS)
    if plan.training_type.startswith("entrepreneurship") or plan.training_type == "pre_job":
        return f"本校{classroom}"
    return f"本校{classroom}；实训楼{rng.randint(1, 4)}层{plan.occ_name}实训室"


def _issuer(cert_type: str, institution: str) -> str:
    if cert_type == "entrepreneurship":
        return "苏州市姑苏区就业管理服务中心"
    if cert_type == "special_ability":
        return "苏州市职业技能鉴定中心"
    return institution
