"""Planning the demo institution's classes (``core.demo``): state, training
type, occupation, hours, the schedule and the date of every state change, all
relative to *today*.  ``classes`` then writes each plan (``demo_records``) in
the order the school created them.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Sequence

from skilldesk.core import demo_names as names
from skilldesk.core.demo_base import _Class
from skilldesk.core.demo_base import _Weighted
from skilldesk.core.demo_base import _is_workday
from skilldesk.core.demo_records import _ClassWriter
from skilldesk.core.demo_reference import BENCHMARK_2023_FEN
from skilldesk.core.demo_reference import CLASS_STATES
from skilldesk.core.demo_reference import GYB_FEN
from skilldesk.core.demo_reference import LABEL_CLASSES
from skilldesk.core.demo_reference import LEVELS
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
from skilldesk.core.demo_reference import _PATH


class _ClassPlanner(_ClassWriter):
    """Plans every class, then writes them in the order they were created."""

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
        # (first day, last day) of each person's classes: nobody attends two at once
        self.busy: dict[int, list[tuple[int, int]]] = {}
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


# ---------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------


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
