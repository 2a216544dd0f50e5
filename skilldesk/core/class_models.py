"""Training classes: the reference lists and the plain records the faces get.

Keys are short ASCII words stored in the database; labels are msgids
translated when shown (Simplified Chinese first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from skilldesk.i18n import N_
from skilldesk.rules.class_rules import Blocker  # noqa: F401  (re-exported)

# 培训类型 (issue 4; DOMAIN.md §1.1, §1.7)
TRAINING_TYPES: dict[str, str] = {
    "employment_skill": N_("Employment skills training"),
    "post_upgrade": N_("On-the-job skill upgrading"),
    "entrepreneurship_gyb": N_("Entrepreneurship: GYB"),
    "entrepreneurship_syb": N_("Entrepreneurship: SYB"),
    "entrepreneurship_iyb": N_("Entrepreneurship: IYB"),
    "entrepreneurship_online": N_("Entrepreneurship: online business"),
    "special_ability": N_("Special vocational ability"),
    "high_skill_seminar": N_("Seminar for highly skilled workers"),
    "apprenticeship": N_("New enterprise apprenticeship"),
    "pre_job": N_("Pre-job training for employees"),
}
ENTREPRENEURSHIP_TYPES = frozenset(k for k in TRAINING_TYPES if k.startswith("entrepreneurship"))

# 等级: the five skill levels (certificate digit 5..1), 专项 and 合格证 (DOMAIN.md §4)
LEVELS: dict[str, str] = {
    "L5": N_("Level 5 / Junior"),
    "L4": N_("Level 4 / Intermediate"),
    "L3": N_("Level 3 / Senior"),
    "L2": N_("Level 2 / Technician"),
    "L1": N_("Level 1 / Senior technician"),
    "special": N_("Special ability"),
    "certificate": N_("Training certificate"),
}
LEVEL_DIGITS = {"L5": 5, "L4": 4, "L3": 3, "L2": 2, "L1": 1}

CLASS_CATEGORIES = ("", "A", "B", "C")

# The lifecycle (DESIGN.md §3). Claims (claimed/paid) belong to a later issue.
CLASS_STATES: dict[str, str] = {
    "draft": N_("Draft"),
    "filed": N_("Opening application filed"),
    "approved": N_("Approved"),
    "in_training": N_("In training"),
    "completed": N_("Completed"),
    "assessed": N_("Assessed"),
    "claimed": N_("Subsidy claimed"),
    "paid": N_("Subsidy paid"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
}
MAIN_PATH = ("draft", "filed", "approved", "in_training", "completed", "assessed")
# to_state -> the states it may be reached from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "filed": ("draft",),
    "approved": ("filed",),
    "rejected": ("filed",),
    "in_training": ("approved",),
    "completed": ("in_training",),
    "assessed": ("completed",),
    "withdrawn": ("draft", "filed", "approved"),
    "draft": ("rejected",),  # revise a rejected application and file it again
}
NEEDS_REASON = frozenset({"rejected", "withdrawn", "draft"})
# The roster is frozen from filing on: changes need a reason and are logged.
FROZEN_STATES = frozenset(s for s in CLASS_STATES if s not in ("draft", "rejected"))

ACTION_LABELS: dict[str, str] = {
    "filed": N_("File the opening application"),
    "approved": N_("Record approval"),
    "rejected": N_("Record rejection"),
    "in_training": N_("Start training"),
    "completed": N_("Complete training"),
    "assessed": N_("Close assessment"),
    "withdrawn": N_("Withdraw"),
    "draft": N_("Revise and file again"),
}

TEACHER_ROLES: dict[str, str] = {"theory": N_("Theory"), "practice": N_("Practice"),
                                 "both": N_("Theory and practice")}
SESSION_KINDS: dict[str, str] = {"theory": N_("Theory"), "practice": N_("Practice")}

ATTENDANCE: dict[str, str] = {
    "present": N_("Present"), "late": N_("Late"), "leave": N_("On leave"),
    "absent": N_("Absent"),
}
CREDITED_ATTENDANCE = frozenset({"present", "late"})
SIGN_METHODS: dict[str, str] = {"": N_("Not recorded"), "paper": N_("Paper sign-in"),
                                "id_card": N_("ID card reader"), "face": N_("Face recognition")}

INSPECTION_METHODS: dict[str, str] = {"on_site": N_("On site"), "phone": N_("Phone spot check"),
                                      "video": N_("Video")}

RESULTS: dict[str, str] = {"pass": N_("Pass"), "fail": N_("Fail"),
                           "absent": N_("Absent from assessment")}
CERT_TYPES: dict[str, str] = {
    "qualification": N_("Vocational qualification certificate"),
    "skill_level": N_("Vocational skill level certificate"),
    "special_ability": N_("Special vocational ability certificate"),
    "training": N_("Training completion certificate"),
    "entrepreneurship": N_("Entrepreneurship training certificate"),
}

FOLLOWUP_MONTHS = (1, 3, 6)
FOLLOWUP_STATUSES: dict[str, str] = {
    "employed": N_("Employed"), "flexible": N_("Flexible employment"),
    "entrepreneur": N_("Started a business"), "unemployed": N_("Not employed"),
    "further_study": N_("Further study"), "unreachable": N_("Could not be reached"),
}
EMPLOYED_STATUSES = frozenset({"employed", "flexible", "entrepreneur"})


@dataclass
class TeacherDraft:
    name: str
    qualification: str = ""
    certificate_no: str = ""
    role: str = "theory"


@dataclass
class ClassDraft:
    """What the class form edits."""

    code: str
    name: str
    training_type: str
    start_date: str
    end_date: str
    occupation_code: str = ""
    occupation_name: str = ""
    work_type: str = ""
    level: str = ""
    category: str = ""
    theory_hours: int = 0
    practice_hours: int = 0
    venue: str = ""
    capacity: int = 0
    teaching_plan: str = ""
    assessment_plan: str = ""
    fee_fen: int = 0
    teachers: list[TeacherDraft] = field(default_factory=list)


@dataclass(frozen=True)
class ClassRow:
    """One line of the class list."""

    id: str
    code: str
    name: str
    training_type: str
    occupation_name: str
    level: str
    start_date: str
    end_date: str
    state: str
    trainees: int


@dataclass(frozen=True)
class ClassPage:
    rows: list[ClassRow]
    total: int
    by_state: dict[str, int]


@dataclass(frozen=True)
class Session:
    id: str
    seq_no: int
    date: str
    start_time: str
    end_time: str
    periods: int
    kind: str
    topic: str
    teacher: str


@dataclass(frozen=True)
class Trainee:
    enrolment_id: str
    person_id: str
    name: str
    id_number: str
    status: str  # enrolled | withdrawn
    result: str | None
    theory_score: float | None
    practice_score: float | None


@dataclass
class AttendanceGrid:
    """Trainees (enrolled) × sessions; marks[(enrolment_id, session_id)] = status."""

    sessions: list[Session]
    trainees: list[Trainee]
    marks: dict[tuple[str, str], str]


@dataclass(frozen=True)
class TraineeAttendance:
    credited_periods: int
    recorded_periods: int

    @property
    def rate(self) -> float | None:
        return None if not self.recorded_periods else \
            self.credited_periods / self.recorded_periods


@dataclass(frozen=True)
class ClassStats:
    trainees: int
    passed: int
    results_recorded: int
    pass_rate: float | None
    followed_up: int
    employed: int
    employment_rate: float | None
    entrepreneurs: int
    jobs_created: int
    jobs_per_entrepreneur: float | None
    pass_target: float
    employment_target: float
    jobs_target: float
    is_entrepreneurship: bool


def parse_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
