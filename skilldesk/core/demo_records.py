"""Writing one planned class of the demo institution (``core.demo``): the
class row, its teachers and transitions, the roster with results, the schedule
and attendance, certificates and employment follow-up.  Rows are buffered and
written by ``flush`` (see ``demo_base``).
"""

from __future__ import annotations

import datetime as dt
import random

from skilldesk.core import demo_names as names
from skilldesk.core.demo_base import _Class
from skilldesk.core.demo_base import _Weighted
from skilldesk.core.demo_base import _add_months
from skilldesk.core.demo_base import _hhmm
from skilldesk.core.demo_base import _session_end
from skilldesk.core.demo_people import _PeopleBuilder
from skilldesk.core.demo_reference import ASSESSED_STATES
from skilldesk.core.demo_reference import CERT_TYPE_BY_TRAINING
from skilldesk.core.demo_reference import LEVELS
from skilldesk.core.demo_reference import MAX_CLASSES_PER_PERSON
from skilldesk.core.demo_reference import SPECIAL_LEVEL
from skilldesk.core.demo_reference import STARTED_STATES


class _ClassWriter(_PeopleBuilder):
    """Writes one planned class with all its records."""

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
        was drawn up, old enough, in at most MAX_CLASSES_PER_PERSON classes and
        never in two classes whose dates overlap."""
        rng = self.rng
        limit = self.pool_limit(plan.roster_ord)
        if limit == 0:
            return []
        start, end = plan.sessions[0][0], plan.sessions[-1][0]
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
            busy = self.busy.setdefault(person, [])
            if any(first <= end and start <= last for first, last in busy):
                continue  # already in a class on these days
            busy.append((start, end))
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
