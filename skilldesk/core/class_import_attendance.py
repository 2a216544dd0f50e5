"""Attendance from a sign-in machine's or a spreadsheet's punches (打卡记录).

Each row is one punch (打卡时间, or 日期 + 时间), optionally with a sign-out time (签退时间)
and a method (签到方式). A punch belongs to the session whose window holds it: from
``early_minutes`` before the start until the end (a punch during a session belongs to that
session before any other). A punch up to ``grace_minutes`` after the end can only be a
sign-out. Of a trainee's punches for one session the earliest is the sign-in and the latest
the sign-out; any others are reported as duplicates. A sign-in more than ``late_minutes``
after the start marks the trainee late, otherwise present. Session times are local
(Asia/Shanghai) wall-clock times, as are the punches; sign-in times are stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from skilldesk.core.class_import_fields import METHOD_WORDS
from skilldesk.core.class_import_fields import key
from skilldesk.core.class_import_fields import parse_moment
from skilldesk.core.class_import_rows import ImportRow
from skilldesk.core.class_import_rows import Label
from skilldesk.core.class_import_rows import RowContext
from skilldesk.core.class_models import ATTENDANCE
from skilldesk.i18n import N_
from skilldesk.i18n import join
from skilldesk.rules.identifiers import IdentifierProblem

LOCAL_OFFSET = dt.timedelta(hours=8)  # China Standard Time, no daylight saving


@dataclass(frozen=True)
class AttendanceOptions:
    early_minutes: int = 30   # sign-ins count from this long before a session starts
    late_minutes: int = 10    # a sign-in later than this after the start is "late"
    grace_minutes: int = 30   # a sign-out may come this long after the session ends
    method: str = ""          # the method when the file has no method column


@dataclass
class PlannedMark:
    enrolment_id: str
    session_id: str
    status: str
    sign_in: dt.datetime
    sign_out: dt.datetime | None
    method: str
    rows: list[int] = field(default_factory=list)
    change: str = "new"                 # new | updated | unchanged
    stored: tuple | None = None         # (status, sign_in, sign_out, method) before


def utc_text(moment: dt.datetime | None) -> str | None:
    """A local wall-clock time as the stored UTC text (``2026-03-02T00:25:00.000Z``)."""
    if moment is None:
        return None
    return (moment - LOCAL_OFFSET).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def check_row(context: RowContext, row: ImportRow, options: AttendanceOptions) -> None:
    """The row's punches into ``row.values``: [(local time, "in" | "out")], and its method."""
    day = None
    if "date" in row.present:
        parsed = parse_moment(row.present["date"][1])
        if isinstance(parsed, IdentifierProblem):
            context.problem(row, "date", parsed)
            return
        day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
        if isinstance(day, dt.time):
            context.issue(row, "date", "DATE_FORMAT", N_(
                "The date column holds a time of day. Put the date of the punch in it."))
            return
    punches = []
    for fieldname, kind in (("sign_in", "in"), ("sign_out", "out")):
        if fieldname not in row.present:
            continue
        cell = row.present[fieldname][1]
        moment = parse_moment(cell)
        if isinstance(moment, IdentifierProblem):
            context.problem(row, fieldname, moment)
            continue
        if isinstance(moment, dt.time):
            if day is None:
                context.issue(row, fieldname, "PUNCH_NO_DATE", N_(
                    "The punch {value} has no date, and the file has no date column. Export "
                    "the punches with their dates."), value=moment.strftime("%H:%M"))
                continue
            moment = dt.datetime.combine(day, moment)
        elif not isinstance(moment, dt.datetime):
            context.issue(row, fieldname, "PUNCH_NO_TIME", N_(
                "The punch holds the date {value} but no time of day. Export the punches "
                "with their times (hours and minutes)."), value=moment.isoformat())
            continue
        punches.append((moment, kind))
    if "sign_in" not in row.present:
        context.issue(row, "sign_in", "PUNCH_EMPTY", N_(
            "The sign-in time is missing: this row records no attendance."))
    if len(punches) == 2 and punches[1][0] < punches[0][0]:
        context.issue(row, "sign_out", "SIGN_OUT_BEFORE_IN", N_(
            "The sign-out time {out} is before the sign-in time {in_}. Check both times."),
            out=_clock(punches[1][0]), in_=_clock(punches[0][0]))
    method = options.method
    text = context.text(row, "method")
    if text:
        method = METHOD_WORDS.get(key(text), None)
        if method is None:
            context.issue(row, "method", "METHOD_UNKNOWN", N_(
                "The sign-in method “{value}” is not known (人脸识别, 身份证, 纸质签到); "
                "it was not recorded."), "warning", value=text)
            method = options.method
    row.values.update(punches=punches, method=method)


class _Window:
    def __init__(self, session: dict, options: AttendanceOptions) -> None:
        self.session = session
        day = dt.date.fromisoformat(session["date"])
        self.start = dt.datetime.combine(day, dt.time.fromisoformat(session["start_time"]))
        self.end = dt.datetime.combine(day, dt.time.fromisoformat(session["end_time"]))
        self.opens = self.start - dt.timedelta(minutes=options.early_minutes)
        self.closes = self.end + dt.timedelta(minutes=options.grace_minutes)
        self.late_after = self.start + dt.timedelta(minutes=options.late_minutes)

    def describe(self) -> dict:
        return {"seq": self.session["seq_no"], "date": self.session["date"],
                "start": self.session["start_time"], "end": self.session["end_time"]}


def _session_of(windows: list[_Window], moment: dt.datetime) -> _Window | None:
    """During a session first, then before one (earliest start), then just after one."""
    during = [w for w in windows if w.start <= moment <= w.end]
    if during:
        return during[0]
    before = [w for w in windows if w.opens <= moment < w.start]
    if before:
        return min(before, key=lambda w: w.start)
    after = [w for w in windows if w.end < moment <= w.closes]
    return max(after, key=lambda w: w.end) if after else None


def plan_marks(context: RowContext, rows: list[ImportRow], sessions: list[dict],
               stored: dict[tuple[str, str], tuple], options: AttendanceOptions
               ) -> list[PlannedMark]:
    """Match the punches of the valid rows to sessions and decide each mark."""
    windows = [_Window(s, options) for s in sessions]
    groups: dict[tuple[str, str], list[tuple[dt.datetime, str, ImportRow, _Window]]] = {}
    for row in rows:
        if not row.valid or row.trainee is None or row.status == "ignored":
            continue
        punches = row.values.get("punches", [])
        first = None
        for moment, kind in punches:
            window = first if kind == "out" and first is not None else _session_of(windows, moment)
            if window is None:
                context.issue(row, "sign_in" if kind == "in" else "sign_out", "NO_SESSION", N_(
                    "No session of the class is at {time}: a session takes sign-ins from "
                    "{early} minutes before it starts until it ends. Check the date and time, "
                    "or the class's schedule."), time=_clock(moment), early=options.early_minutes)
                break
            first = first or window
            groups.setdefault((row.trainee["enrolment_id"], window.session["id"]), []).append(
                (moment, kind, row, window))
    planned = []
    for (enrolment_id, session_id), punches in groups.items():
        live = [p for p in punches if p[2].valid]
        if not live:
            continue
        window = live[0][3]
        sign_ins = sorted((p for p in live if p[1] == "in" and p[0] <= window.end),
                          key=lambda p: (p[0], p[2].row))
        if not sign_ins:
            for _moment, _kind, row, _w in live:
                context.issue(row, "sign_in", "NO_SIGN_IN", N_(
                    "This punch is after session {seq} on {date} ended ({end}), and the trainee "
                    "has no sign-in for it: a punch after the end only counts as a sign-out."),
                    **window.describe())
            continue
        first = sign_ins[0]
        later = sorted((p for p in live if p[0] > first[0]), key=lambda p: (p[0], p[2].row))
        last = later[-1] if later else None
        mark = PlannedMark(enrolment_id, session_id,
                           "late" if first[0] > window.late_after else "present",
                           first[0], last[0] if last else None, first[2].values["method"])
        mark.rows = sorted({first[2].row, *([last[2].row] if last else [])})
        used = {id(first), id(last)}
        for punch in live:
            if id(punch) not in used:
                context.issue(punch[2], punch[1] == "in" and "sign_in" or "sign_out",
                              "DUPLICATE_PUNCH", N_(
                                  "A duplicate punch: for session {seq} on {date} this "
                                  "trainee's earliest punch (the sign-in) and latest punch (the "
                                  "sign-out) are on rows {rows}, so this one ({time}) was not "
                                  "used."),
                              "warning", rows=join(mark.rows), time=_clock(punch[0]),
                              **window.describe())
        _compare(context, mark, stored.get((enrolment_id, session_id)), first[2], window)
        planned.append(mark)
    used_rows = {n: m.change for m in planned for n in m.rows}
    for row in rows:
        if row.status == "ignored":
            continue
        if not row.valid:
            row.status = "invalid"
        else:
            row.status = used_rows.get(row.row, "merged")
    return planned


def _compare(context: RowContext, mark: PlannedMark, stored: tuple | None, row: ImportRow,
             window: _Window) -> None:
    mark.stored = stored
    if stored is None:
        mark.change = "new"
        return
    status, sign_in, sign_out, method = stored
    same = (status == mark.status and sign_in == utc_text(mark.sign_in)
            and (mark.sign_out is None or sign_out == utc_text(mark.sign_out))
            and (not mark.method or method == mark.method))
    mark.change = "unchanged" if same else "updated"
    if status != mark.status:
        context.issue(row, "sign_in", "MARK_CHANGED", N_(
            "Session {seq} on {date} is already recorded as “{stored}” for this trainee; the "
            "punches make it “{new}”, which replaces it. Check before saving if the stored "
            "mark was right."), "warning", stored=Label(ATTENDANCE[status]),
            new=Label(ATTENDANCE[mark.status]), **window.describe())
