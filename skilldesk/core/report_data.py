"""The plain data each printed form gets (``core/reports.py`` calls these).

Enumerations become display text here (the ``reports`` layer cannot import ``core``'s
label tables); money stays integer fen; the public notice gets masked numbers only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from skilldesk.core.class_models import CERT_TYPES
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import CREDITED_ATTENDANCE
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import RESULTS
from skilldesk.core.class_models import SESSION_KINDS
from skilldesk.core.class_models import TEACHER_ROLES
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.class_models import AttendanceGrid
from skilldesk.core.class_models import ClassStats
from skilldesk.core.class_models import Session
from skilldesk.core.class_models import TraineeAttendance
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.models import SEXES
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import current_language
from skilldesk.i18n import join
from skilldesk.rules.class_rules import is_working_day
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.rules.policy import rule_set_for

SUBSIDY_KINDS = {"training": N_("Vocational training subsidy"),
                 "skill_upgrade": N_("Skill-upgrade subsidy"),
                 "entrepreneurship": N_("Entrepreneurship training subsidy")}
PAYEES = {"institution": N_("Training institution"), "person": N_("Trainee")}
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
NOTICE_WORKING_DAYS = 5  # DOMAIN.md §1.6: passed names are displayed for 5 working days


def label(table: dict[str, str], key: str | None) -> str:
    return _(table[key]) if key in table else (key or "")


def state_label(state: str) -> str:
    return label(CLASS_STATES, state)


def mask_phone(phone: str) -> str:
    """139****5678: the first three and last four digits of a mobile number."""
    phone = (phone or "").strip()
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def klass(record: dict) -> dict:
    occupation = " ".join(x for x in (record["occupation_code"], record["occupation_name"]) if x)
    if record["work_type"]:
        work = record["work_type"]
        occupation = f"{occupation}（{work}）" if occupation else work
    level = label(LEVELS, record["level"])
    return {
        "code": record["code"], "name": record["name"],
        "training_type": label(TRAINING_TYPES, record["training_type"]),
        "occupation": occupation, "level": level,
        "occupation_level": " · ".join(x for x in (record["occupation_name"], level) if x),
        "category": record["category"] or "—",
        "start_date": record["start_date"], "end_date": record["end_date"],
        "theory_hours": record["theory_hours"], "practice_hours": record["practice_hours"],
        "venue": record["venue"], "capacity": record["capacity"], "fee_fen": record["fee_fen"],
        "teaching_plan": record["teaching_plan"], "assessment_plan": record["assessment_plan"],
        "state": state_label(record["state"]), "rule_set": record.get("rule_set") or "",
    }


def institution(inst) -> dict:
    return {"name": inst.name, "uscc": inst.uscc, "address": inst.address,
            "contact_name": inst.contact_name, "contact_phone": inst.contact_phone,
            "bank_name": inst.bank_name, "bank_account": inst.bank_account}


def teachers(record: dict) -> list[dict]:
    return [{"name": t["name"], "role": label(TEACHER_ROLES, t["role"]),
             "qualification": t["qualification"], "certificate_no": t["certificate_no"]}
            for t in record["teachers"]]


def schedule(sessions: list[Session]) -> dict:
    periods: dict[str, int] = defaultdict(int)
    days: set[int] = set()
    for s in sessions:
        periods[s.kind] += s.periods
        days.add(dt.date.fromisoformat(s.date).weekday())
    return {
        "sessions": len(sessions),
        "first": sessions[0].date if sessions else "",
        "last": sessions[-1].date if sessions else "",
        "periods_by_kind": join(f"{label(SESSION_KINDS, k)} {n}" for k, n in
                                sorted(periods.items())) or "—",
        "weekdays": join(_(WEEKDAYS[d]) for d in sorted(days)) or "—",
    }


def roster(rows: list[dict]) -> list[dict]:
    return [{"name": p["name"], "sex": label(SEXES, p.get("sex")), "id_number": p["id_number"],
             "category": label(PERSON_CATEGORIES, p.get("person_category")),
             "phone": p.get("phone") or ""} for p in rows]


def session_code(session: Session, class_code: str) -> str:
    """What a sign-in sheet's QR code holds: stable, short, and enough to match a
    scanned sheet back to its session."""
    return f"skilldesk:session:{session.id}:{class_code}:{session.seq_no}"


def sign_in(sessions: list[Session], grid: AttendanceGrid, class_code: str) -> dict:
    return {
        "sessions": [{"seq_no": s.seq_no, "date": s.date, "start_time": s.start_time,
                      "end_time": s.end_time, "periods": s.periods,
                      "kind": label(SESSION_KINDS, s.kind), "topic": s.topic,
                      "teacher": s.teacher, "qr": session_code(s, class_code)}
                     for s in sessions],
        "trainees": [{"name": t.name, "id_masked": mask_id_number(t.id_number)}
                     for t in grid.trainees],
    }


def completion(grid: AttendanceGrid, summary: dict[str, TraineeAttendance],
               today: dt.date) -> dict:
    attended: dict[str, int] = defaultdict(int)
    recorded: dict[str, int] = defaultdict(int)
    marked_sessions = set()
    for (enrolment_id, session_id), status in grid.marks.items():
        recorded[enrolment_id] += 1
        marked_sessions.add(session_id)
        if status in CREDITED_ATTENDANCE:
            attended[enrolment_id] += 1
    trainees, tot = [], defaultdict(int)
    for t in grid.trainees:
        a = summary[t.enrolment_id]
        row = {"name": t.name, "id_number": t.id_number, "attended": attended[t.enrolment_id],
               "recorded_sessions": recorded[t.enrolment_id], "credited": a.credited_periods,
               "recorded_periods": a.recorded_periods, "rate": a.rate}
        trainees.append(row)
        for key in ("attended", "recorded_sessions", "credited", "recorded_periods"):
            tot[key] += row[key]
    totals = {**tot, "rate": tot["credited"] / tot["recorded_periods"]
              if tot["recorded_periods"] else None}
    unrecorded = [s.seq_no for s in grid.sessions if s.id not in marked_sessions
                  and dt.date.fromisoformat(s.date) <= today]
    later = sum(1 for s in grid.sessions if dt.date.fromisoformat(s.date) > today)
    text = _("none") if not unrecorded else _("{count}: sessions {numbers}").format(
        count=len(unrecorded), numbers=join(unrecorded))
    if later:
        text += _("; {count} sessions still to come").format(count=later)
    return {"trainees": trainees, "totals": totals,
            "status": {"sessions": len(grid.sessions), "unrecorded": unrecorded,
                       "unrecorded_text": text, "blockers": []}}


def results(rows: list[dict], certificates: dict[str, dict], stats: ClassStats) -> dict:
    trainees = []
    for p in rows:
        cert = certificates.get(p["enrolment_id"]) or {}
        trainees.append({
            "name": p["name"], "id_number": p["id_number"],
            "result": label(RESULTS, p["result"]) if p["result"] else "—",
            "theory": _score(p["theory_score"]), "practice": _score(p["practice_score"]),
            "cert_type": label(CERT_TYPES, cert.get("cert_type")),
            "cert_number": cert.get("cert_number") or "", "issue_date": cert.get("issue_date")
            or "", "issuing_body": cert.get("issuing_body") or ""})
    return {"trainees": trainees, "stats": {
        "trainees": stats.trainees, "passed": stats.passed,
        "results_recorded": stats.results_recorded, "pass_rate": stats.pass_rate,
        "pass_target": stats.pass_target, "certificates": len(certificates)}}


def _score(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def claim(result, record: dict, people: dict[str, dict]) -> dict:
    lines = []
    for line in result.lines:
        d = line.decision
        failure = d.failures[0].message() if d.failures and not d.eligible else ""
        lines.append({
            "name": line.name, "id_number": line.id_number,
            "category": label(PERSON_CATEGORIES, line.category),
            "kind": label(SUBSIDY_KINDS, d.kind), "eligible": d.eligible,
            "amount_fen": d.amount_fen, "payee_key": d.payee or "",
            "payee": label(PAYEES, d.payee) if d.eligible else "",
            "remark": failure, "phone": (people.get(line.person_id) or {}).get("phone") or ""})
    by_category = sorted(result.totals_by("category").items())
    by_payee = sorted(result.totals_by("payee").items())
    return {
        "lines": lines, "trainees": len(lines), "eligible": result.eligible,
        "total_fen": result.total_fen, "rule_set_id": result.rule_set_id,
        "rule_set_title": result.rule_set_title,
        "catalogue": _catalogue(result.catalogue_title, result.catalogue_sample),
        "by_category": [(label(PERSON_CATEGORIES, k), v) for k, v in by_category],
        "by_payee": [(label(PAYEES, k), v) for k, v in by_payee],
        "total_upper": rmb_upper(result.total_fen) if current_language() == "zh_CN" else "",
    }


def _catalogue(title: str | None, sample: bool) -> str:
    title = title or _("none in force")
    mark = _(" (sample data)")
    return title + mark if sample and mark.strip(" ()（）") not in title else title


def notice(claim_data: dict, record: dict, today: dt.date) -> dict:
    """Names, masked ID numbers and phones, the subsidy item and amount: nothing else."""
    rules = rule_set_for(today)
    start = today
    while not is_working_day(start, rules):
        start += dt.timedelta(days=1)
    end, left = start, NOTICE_WORKING_DAYS - 1
    while left:
        end += dt.timedelta(days=1)
        if is_working_day(end, rules):
            left -= 1
    occupation = " ".join(x for x in (record["occupation_name"], label(LEVELS, record["level"]))
                          if x)
    lines = [{"name": line["name"], "id_masked": mask_id_number(line["id_number"]),
              "phone_masked": mask_phone(line["phone"]),
              "item": f'{line["kind"]}（{occupation}）' if occupation else line["kind"],
              "amount_fen": line["amount_fen"]}
             for line in claim_data["lines"] if line["eligible"] and line["amount_fen"] > 0]
    return {"lines": lines, "total_fen": sum(x["amount_fen"] for x in lines),
            "start": start.isoformat(), "end": end.isoformat(),
            "published": today.isoformat(), "rules": claim_data["rule_set_title"]}


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def rmb_upper(fen: int) -> str:
    """The amount in Chinese capital numerals, as on bank forms:
    1234.50 yuan → 壹仟贰佰叁拾肆元伍角整."""
    if fen == 0:
        return "零元整"
    yuan_part, cents = divmod(abs(fen), 100)
    out, group_units, units = "", ("", "万", "亿"), ("", "拾", "佰", "仟")
    groups, g = [], 0
    while yuan_part:
        groups.append((yuan_part % 10000, group_units[g]))
        yuan_part //= 10000
        g += 1
    zero = False
    for index, (value, unit) in enumerate(reversed(groups)):
        if value == 0:
            zero = bool(out)
            continue
        digits = f"{value:04d}"
        for pos, ch in enumerate(digits):
            d = int(ch)
            if d == 0:
                zero = zero or bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + units[3 - pos]
        out += unit
    if out:
        out += "元"
    jiao, fen_ = divmod(cents, 10)
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen_ and out:
        out += "零"
    if fen_:
        out += _DIGITS[fen_] + "分"
    else:
        out += "整"
    return ("负" if fen < 0 else "") + out
