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

The builder is split by part (see ``demo_base`` for how they fit together):
reference data in ``demo_reference``, shared plumbing in ``demo_base``, people
in ``demo_people``, class planning in ``demo_classes``, each class's records in
``demo_records``, name pools in ``demo_names``.  This module keeps the public
API and the run; it re-exports the reference data (``demo.LEVELS`` ...).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict
from dataclasses import dataclass
from importlib import resources

from sqlite_utils import Database

from skilldesk.core import demo_names as names
from skilldesk.core.classes import take_snapshot
from skilldesk.core.demo_base import _add_months
from skilldesk.core.demo_base import _add_years
from skilldesk.core.demo_classes import _ClassPlanner
from skilldesk.core.demo_reference import ASSESSED_STATES
from skilldesk.core.demo_reference import BANKS
from skilldesk.core.demo_reference import BENCHMARK_2023_FEN
from skilldesk.core.demo_reference import BENCHMARK_SOURCE
from skilldesk.core.demo_reference import CATALOGUE_LEVELS
from skilldesk.core.demo_reference import CERT_TYPE_BY_TRAINING
from skilldesk.core.demo_reference import CLASS_STATES
from skilldesk.core.demo_reference import GYB_FEN
from skilldesk.core.demo_reference import LABEL_CLASSES
from skilldesk.core.demo_reference import LABEL_INDEX
from skilldesk.core.demo_reference import LABEL_PEOPLE
from skilldesk.core.demo_reference import LEVELS
from skilldesk.core.demo_reference import LOCAL_UTC_OFFSET_S
from skilldesk.core.demo_reference import LevelInfo
from skilldesk.core.demo_reference import MAX_CLASSES_PER_PERSON
from skilldesk.core.demo_reference import NOW_LOCAL_S
from skilldesk.core.demo_reference import PEOPLE_IMPORTED_SHARE
from skilldesk.core.demo_reference import PERSON_CHUNK
from skilldesk.core.demo_reference import POPULAR_OCCUPATIONS
from skilldesk.core.demo_reference import PRE_JOB_FEN
from skilldesk.core.demo_reference import REJECT_REASONS
from skilldesk.core.demo_reference import ROW_FLUSH
from skilldesk.core.demo_reference import SPECIAL_LEVEL
from skilldesk.core.demo_reference import STARTED_STATES
from skilldesk.core.demo_reference import STATE_WEIGHTS
from skilldesk.core.demo_reference import SYB_FEN
from skilldesk.core.demo_reference import TRAINING_TYPES
from skilldesk.core.demo_reference import WITHDRAW_REASONS
from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.errors import Conflict
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import uscc_check_char
from skilldesk.storage import audit as audit_sql
from skilldesk.storage import bulk
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import classes as class_sql
from skilldesk.storage import sync as sync_sql

# The public API, and the reference data and helpers that were defined here
# before the split (tests use some of them): still importable from here.
__all__ = [
    "DemoSummary",
    "build_demo",
    "ASSESSED_STATES",
    "BANKS",
    "BENCHMARK_2023_FEN",
    "BENCHMARK_SOURCE",
    "CATALOGUE_LEVELS",
    "CERT_TYPE_BY_TRAINING",
    "CLASS_STATES",
    "GYB_FEN",
    "LABEL_CLASSES",
    "LABEL_INDEX",
    "LABEL_PEOPLE",
    "LEVELS",
    "LOCAL_UTC_OFFSET_S",
    "LevelInfo",
    "MAX_CLASSES_PER_PERSON",
    "NOW_LOCAL_S",
    "PEOPLE_IMPORTED_SHARE",
    "PERSON_CHUNK",
    "POPULAR_OCCUPATIONS",
    "PRE_JOB_FEN",
    "REJECT_REASONS",
    "ROW_FLUSH",
    "SPECIAL_LEVEL",
    "STARTED_STATES",
    "STATE_WEIGHTS",
    "SYB_FEN",
    "TRAINING_TYPES",
    "WITHDRAW_REASONS",
    "_add_months",
    "_add_years",
]


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
        # recorded as one whole-row change per row, stamped with the demo's clock (the
        # per-row triggers would be slower and stamp the wall clock)
        with sync_sql.applying(db):
            summary = builder.run()
        sync_sql.record_existing_rows(db, at=builder.ts(builder.now_ms))
        return summary


# ---------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------


class _Builder(_ClassPlanner):
    """The demo builder: the run in order, and the institution and catalogue
    (the people and classes steps come from the parts it is built on)."""

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
        self.snapshots()
        summary = DemoSummary(
            people=self.n_people, classes=self.n_classes,
            enrolments=self.counts["enrolments"], sessions=self.counts["sessions"],
            attendance=self.counts["attendance"], certificates=self.counts["certificates"],
            followups=self.counts["followups"], catalogue_items=len(self.items),
        )
        after = json.dumps(asdict(summary), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
        audit_sql.append_rows(self.db, [(  # chained by hash like every entry
            self.uid(), self.ts(self.now_ms), "", self.device, "demo.generate",
            "institution", self.institution_id, None, after,
        )])
        self.progress.update(self._work, self._work, _(LABEL_CLASSES))
        return summary

    def snapshots(self) -> None:
        """The roster each filed class had when filed, and the rule set it was filed under."""
        self.flush()
        for class_id, filed_at, start in class_sql.filed_without_snapshot(self.db):
            take_snapshot(self.db, class_id, filed_at, snapshot_id=self.uid(),
                          device_id=self.device, include_withdrawn=True)
            class_sql.update(self.db, class_id, {
                "rule_set": rule_set_for(dt.date.fromisoformat(start)).id})

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
        # the special-ability projects the demo trains (专项职业能力: no occupation code)
        for ability, category in names.SPECIAL_ABILITIES:
            rows.append((self.uid(), self.catalogue_id, "", ability, "", SPECIAL_LEVEL, category,
                         1, BENCHMARK_2023_FEN[category][SPECIAL_LEVEL], 0, None, created,
                         created, self.device))
        bulk.insert_rows(self.db, "catalogue_item", rows)
        self.items = rows


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
