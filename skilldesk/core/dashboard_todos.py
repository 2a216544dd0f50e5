"""The dashboard's to-do list: what needs doing, each linked to the record it is about.

Kinds (``TODO_KINDS``), each from the rule or service that already decides it:

- ``filing``: a draft (or rejected, to be revised) class whose 开班申请 is due within
  ``FILING_HORIZON_DAYS``, or overdue while the class has not started long ago. The last
  filing day is ``rules/class_rules.latest_filing_day`` under the rule set in force on
  the start date (5 working days in ``js-suzhou-2023.toml``, DOMAIN.md §2.2: Suzhou's own
  lead time was not found, so it is configurable).
- ``attendance``: a class in training with past sessions (before today) that lack a
  mark for some enrolled trainee — the same test that stops the class from completing
  (``storage/sessions.unrecorded_sessions``).
- ``claim_window``: certificates whose claim window closes within
  ``CLAIM_WINDOW_HORIZON_DAYS`` and that are on no signed claim yet. The window is the
  rule set's ``claim_window_months`` from the issue date (12 months:
  "证书核发之日起12个月内",
  DOMAIN.md §1.6); the subsidy rules warn 30 days before, the dashboard 60.
- ``followup``: employment follow-ups due (``OutcomeService.due_followups``: 1, 3 and 6
  months after the class ended, ``class_models.FOLLOWUP_MONTHS``).
- ``sync``: a paired device that is owed changes (``SyncService.devices``).
- ``backup``: no backup of the database file in the last ``BACKUP_OVERDUE_DAYS`` days
  (``BackupService.list``; the daily automatic backup should make one every day).

Each item has a ``target``: the kind of record, its id, and the tab that shows the
problem. Titles are msgids with parameters, translated when shown; they name classes
and devices, never people or ID numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from skilldesk.core.outcomes import add_months
from skilldesk.errors import StorageError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.class_rules import latest_filing_day
from skilldesk.rules.policy import NoRuleSet
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import dashboard as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

# Judgement, not policy: how far ahead the list looks.
FILING_HORIZON_DAYS = 14
FILING_OVERDUE_DAYS = 30          # a draft that started longer ago than this is dropped
CLAIM_WINDOW_HORIZON_DAYS = 60
CLAIM_WINDOW_SOON_DAYS = 30       # the subsidy rules warn from here (rules/subsidy.py)
ATTENDANCE_OVERDUE_DAYS = 3       # a session unmarked for longer is shown as overdue
FOLLOWUP_HORIZON_DAYS = 14
BACKUP_OVERDUE_DAYS = 3

OVERDUE, SOON, LATER = 0, 1, 2
URGENCY_LABELS = {OVERDUE: N_("Overdue"), SOON: N_("Due soon"), LATER: N_("Coming up")}

TODO_KINDS: dict[str, str] = {
    "filing": N_("Opening applications to file"),
    "attendance": N_("Attendance not recorded"),
    "claim_window": N_("Certificates nearing the claim deadline"),
    "followup": N_("Employment follow-ups due"),
    "sync": N_("Changes waiting to be synced"),
    "backup": N_("Backup overdue"),
}


@dataclass(frozen=True)
class Target:
    """The record a to-do opens: ``kind`` "class" (id: class id, ``tab``: the class
    detail tab, ``class_detail.TAB_KEYS``), "sync_device" (id: the device id) or
    "backups" (id: "")."""

    kind: str
    id: str
    tab: str = ""


@dataclass(frozen=True)
class TodoItem:
    kind: str                 # a key of TODO_KINDS
    urgency: int              # OVERDUE, SOON or LATER
    msgid: str
    params: dict = field(default_factory=dict, compare=False)
    due: dt.date | None = None
    target: Target = Target("", "")

    @property
    def title(self) -> str:
        return _(self.msgid).format(**self.params)

    @property
    def kind_label(self) -> str:
        return _(TODO_KINDS[self.kind])

    @property
    def urgency_label(self) -> str:
        return _(URGENCY_LABELS[self.urgency])


def todos(desk: Desk, today: dt.date) -> list[TodoItem]:
    """Every to-do, most urgent first, then by due date."""
    found: list[TodoItem] = []
    for part in (_filing, _attendance, _claim_window, _followups, _sync, _backups):
        found += part(desk, today)
    return sorted(found, key=lambda t: (t.urgency, t.due or dt.date.max, t.kind,
                                        t.target.id))


def _rules(day: dt.date):
    try:
        return rule_set_for(day)
    except NoRuleSet:
        return None


def _filing(desk: Desk, today: dt.date) -> list[TodoItem]:
    out = []
    # 5 working days back from a start 14 days ahead is well inside a 40-day look-ahead
    rows = sql.unfiled_classes(desk.db, ("draft", "rejected"),
                               (today + dt.timedelta(days=FILING_HORIZON_DAYS + 40)).isoformat(),
                               (today - dt.timedelta(days=FILING_OVERDUE_DAYS)).isoformat())
    for class_id, code, name, start_text, state in rows:
        start = dt.date.fromisoformat(start_text)
        rules = _rules(start)
        if rules is None:
            continue
        deadline = latest_filing_day(start, rules)
        if deadline > today + dt.timedelta(days=FILING_HORIZON_DAYS):
            continue
        params = {"code": code, "name": name, "deadline": deadline.isoformat(),
                  "start": start.isoformat()}
        if deadline < today:
            msgid = N_("Class {code} {name}: the opening application was due by {deadline} "
                       "(start {start}). Move the start date or withdraw the class.")
            urgency = OVERDUE
        else:
            msgid = (N_("Class {code} {name} was rejected: revise it and file the opening "
                        "application by {deadline} (start {start}).") if state == "rejected"
                     else N_("File the opening application of class {code} {name} by "
                             "{deadline} (start {start})."))
            urgency = SOON if (deadline - today).days <= 5 else LATER
        out.append(TodoItem("filing", urgency, msgid, params, deadline,
                            Target("class", class_id, "basic")))
    return out


def _attendance(desk: Desk, today: dt.date) -> list[TodoItem]:
    out = []
    for class_id, code, name, count, earliest in sql.sessions_without_marks(
            desk.db, today.isoformat()):
        first = dt.date.fromisoformat(earliest)
        urgency = OVERDUE if (today - first).days > ATTENDANCE_OVERDUE_DAYS else SOON
        out.append(TodoItem("attendance", urgency, N_(
            "Class {code} {name}: attendance is missing for {count} past sessions "
            "(the first on {date})."),
            {"code": code, "name": name, "count": count, "date": earliest}, first,
            Target("class", class_id, "sessions")))
    return out


def _claim_window(desk: Desk, today: dt.date) -> list[TodoItem]:
    # the longest window any rule set could have is not known here: look back 3 years,
    # the query groups by class and issue day, so the rows stay few
    since = add_months(today, -36).isoformat()
    by_class: dict[str, dict] = {}
    for class_id, code, name, start, issued, count in sql.unclaimed_certificates(desk.db, since):
        rules = _rules(dt.date.fromisoformat(start))
        if rules is None or rules.subsidy is None:
            continue
        deadline = add_months(dt.date.fromisoformat(issued), rules.subsidy.claim_window_months)
        if not today <= deadline <= today + dt.timedelta(days=CLAIM_WINDOW_HORIZON_DAYS):
            continue
        entry = by_class.setdefault(class_id, {"code": code, "name": name, "count": 0,
                                               "deadline": deadline,
                                               "months": rules.subsidy.claim_window_months})
        entry["count"] += count
        entry["deadline"] = min(entry["deadline"], deadline)
    out = []
    for class_id, entry in by_class.items():
        deadline = entry["deadline"]
        urgency = SOON if (deadline - today).days <= CLAIM_WINDOW_SOON_DAYS else LATER
        out.append(TodoItem("claim_window", urgency, N_(
            "Class {code} {name}: {count} certificates must be claimed by {deadline} "
            "({months} months after issue); make and sign the claim."),
            {"code": entry["code"], "name": entry["name"], "count": entry["count"],
             "deadline": deadline.isoformat(), "months": entry["months"]}, deadline,
            Target("class", class_id, "subsidy")))
    return out


def _followups(desk: Desk, today: dt.date) -> list[TodoItem]:
    out = []
    for due in desk.outcomes.due_followups(today, horizon_days=FOLLOWUP_HORIZON_DAYS):
        day = dt.date.fromisoformat(due.due_on)
        out.append(TodoItem("followup", OVERDUE if day < today else SOON, N_(
            "Class {code} {name}: {month}-month employment follow-up of {count} graduates, "
            "due {date}."),
            {"code": due.class_code, "name": due.class_name, "month": due.month,
             "count": len(due.trainees), "date": due.due_on}, day,
            Target("class", due.class_id, "followup")))
    return out


def _sync(desk: Desk, _today: dt.date) -> list[TodoItem]:
    return [TodoItem("sync", SOON, N_(
        "{count} changes are waiting to be sent to {device}: export a sync bundle."),
        {"count": d.pending_changes, "device": d.name}, None,
        Target("sync_device", d.device_id))
        for d in desk.sync.devices() if d.active and d.pending_changes > 0]


def _backups(desk: Desk, today: dt.date) -> list[TodoItem]:
    if desk.path is None:
        return []
    try:
        newest = desk.backups.list()[:1]
    except (OSError, StorageError):   # an unreadable backup folder: none to show
        newest = []
    if newest and (today - newest[0].made_at.date()).days <= BACKUP_OVERDUE_DAYS:
        return []
    if newest:
        return [TodoItem("backup", OVERDUE, N_(
            "The last backup was made on {date}, more than {days} days ago: make one now."),
            {"date": newest[0].made_at.date().isoformat(), "days": BACKUP_OVERDUE_DAYS},
            newest[0].made_at.date(), Target("backups", ""))]
    return [TodoItem("backup", OVERDUE, N_(
        "There is no backup of this database yet: make one now."), {}, None,
        Target("backups", ""))]
