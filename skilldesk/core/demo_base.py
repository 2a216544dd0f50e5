"""Plumbing shared by the parts of the demo builder (``core.demo``).

Small helpers (weighted choice, calendar arithmetic), ``_Class`` (one planned
class) and ``_BuilderBase``: the state every part shares (the one random
generator, *today*, the row buffers) with ids, timestamps, buffered writes and
invented identifiers.  The builder is assembled from one class per part, each
adding its steps on top of the previous one::

    _BuilderBase (demo_base) -> _PeopleBuilder (demo_people)
        -> _ClassWriter (demo_records) -> _ClassPlanner (demo_classes)
        -> _Builder (demo: the run, institution and catalogue)

All parts draw from the same ``self.rng``; the order in which ``_Builder.run``
calls them, not the module a step lives in, decides the output.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from sqlite_utils import Database

from skilldesk.core import demo_names as names
from skilldesk.core.demo_reference import LOCAL_UTC_OFFSET_S
from skilldesk.core.demo_reference import NOW_LOCAL_S
from skilldesk.core.progress import Progress
from skilldesk.i18n import _
from skilldesk.rules.identifiers import USCC_CHARSET
from skilldesk.rules.identifiers import uscc_check_char
from skilldesk.storage import bulk

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


class _BuilderBase:
    """Shared state; ids and time, buffered writes, invented identifiers."""

    # State set by the later parts, in the order run() creates it:
    #   institution_id, institution_name, site_code, catalogue_id, occupations,
    #   items (demo); employer_list, cat_keys, imported, later, later_days,
    #   person_ids, birth, first_cat, employer_of (demo_people); enrolled_count,
    #   cert_serials, teachers (demo_classes).

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
