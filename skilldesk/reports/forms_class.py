"""开班申请表 and 签到表: the forms filed before and used during training.

The data are plain dicts built by ``core/reports.py`` (enumerations already turned
into display text); every text drawn goes through the ``TextLog`` so a character the
font lacks is found before anything is rendered.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak
from reportlab.platypus import KeepTogether
from reportlab.platypus import PageBreak
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import fit
from skilldesk.reports.blocks import qr_code
from skilldesk.reports.blocks import ruled_table
from skilldesk.reports.blocks import signatures
from skilldesk.reports.fonts import FONT
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.page import SectionNote
from skilldesk.reports.page import para
from skilldesk.reports.page import styles
from skilldesk.reports.page import yuan

COMMITMENT = N_(
    "Commitment: the information above is true, complete and accurate; the trainees "
    "attend in person and of their own will; the training follows the approved plan and "
    "hours. We accept the supervision of the human resources and social security "
    "department and bear the legal responsibility for any false statement.")


def heading(text: str) -> list:
    return [CondPageBreak(30 * mm), para(text, styles()["heading"])]


def class_pairs(k: dict, log: TextLog) -> list[tuple[str, str]]:
    field = _("Class data")
    pairs = [
        (_("Class name"), k["name"]),
        (_("Training type"), k["training_type"]),
        (_("Occupation (type of work)"), k["occupation"]),
        (_("Level"), k["level"]),
        (_("Subsidy category (A/B/C)"), k["category"]),
        (_("Training dates"), _("{start} to {end}").format(start=k["start_date"],
                                                           end=k["end_date"])),
        (_("Planned periods"), _("theory {theory}, practice {practice}, total {total}").format(
            theory=k["theory_hours"], practice=k["practice_hours"],
            total=k["theory_hours"] + k["practice_hours"])),
        (_("Capacity"), str(k["capacity"] or "")),
        (_("Venue"), k["venue"]),
        (_("Fee per trainee (yuan)"), yuan(k["fee_fen"])),
    ]
    for label, value in pairs:
        log.add(label)
        log.add(value, field, label)
    return pairs


def opening_application(data: dict, log: TextLog, width: float) -> list:
    st = styles()
    k = data["class"]
    story: list = [field_grid(class_pairs(k, log), width)]

    story += heading(log.add(_("Teachers")))
    header = [_("No."), _("Name"), _("Role"), _("Qualification"), _("Certificate number")]
    widths = [10 * mm, 24 * mm, 22 * mm, width - 112 * mm, 56 * mm]
    fields = header[1:]
    rows = []
    for i, t in enumerate(data["teachers"], start=1):
        values = log.row([t["name"], t["role"], t["qualification"], t["certificate_no"]],
                         fields, t["name"])
        rows.append([str(i)] + [fit(v, w) for v, w in zip(values, widths[1:])])
    log.row(header, header, "")
    story.append(ruled_table(header, rows or [[""] * 5], widths, align={0: "CENTER"}))

    s = data["schedule"]
    story += heading(log.add(_("Schedule")))
    story.append(field_grid([
        (_("Sessions"), str(s["sessions"])),
        (_("Dates"), _("{start} to {end}").format(start=s["first"], end=s["last"])
         if s["sessions"] else _("not scheduled yet")),
        (_("Periods by kind"), s["periods_by_kind"]),
        (_("Weekdays"), s["weekdays"]),
    ], width))

    for title, text in ((_("Teaching plan"), k["teaching_plan"]),
                        (_("Assessment plan"), k["assessment_plan"])):
        story += heading(log.add(title))
        log.add(text, title, k["code"])
        story.append(para(text or _("(not entered)"), st["body"]))

    story += heading(log.add(_("Trainees ({count})").format(count=len(data["roster"]))))
    story.append(roster_table(data["roster"], log, width))

    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether([
        para(log.add(_(COMMITMENT)), st["body"]), Spacer(1, 2 * mm),
        signatures([log.add(_("Responsible person (signature): "))], width)]))
    return story


def roster_table(roster: list[dict], log: TextLog, width: float) -> Table:
    header = [_("No."), _("Name"), _("Sex"), _("ID number"), _("Person category"),
              _("Phone")]
    widths = [12 * mm, 26 * mm, 12 * mm, 44 * mm, width - 124 * mm, 30 * mm]
    log.row(header, header, "")
    fields = [header[1], header[3], header[4], header[5]]
    rows = []
    for i, p in enumerate(roster, start=1):
        log.row([p["name"], p["id_number"], p["category"], p["phone"]], fields, p["name"])
        log.add(p["sex"], header[2], p["name"])
        rows.append([str(i), fit(p["name"], widths[1]), p["sex"], p["id_number"],
                     fit(p["category"], widths[4]), p["phone"]])
    return ruled_table(header, rows or [[""] * 6], widths,
                       align={0: "CENTER", 2: "CENTER"})


def sign_in(data: dict, log: TextLog, width: float) -> list:
    """One section per session, each starting on a new page.

    ID numbers are masked (first 6 and last 4 digits): the sheet lies on a desk in the
    classroom and every trainee sees every row while signing. Name plus the last four
    digits is enough to find one's own line and to tell namesakes apart; the full numbers
    are on the opening application's roster, and the QR code ties the sheet to the
    session in the database. Phones are not printed.
    """
    story: list = []
    header = [_("No."), _("Name"), _("ID number (masked)"), _("Sign in: signature"),
              _("Time in"), _("Sign out: signature"), _("Time out")]
    log.row(header, header, "")
    widths = [10 * mm, 24 * mm, 38 * mm]
    rest = width - sum(widths)
    widths += [rest * 0.3, rest * 0.2, rest * 0.3, rest * 0.2]
    sessions = data["sessions"]
    if not sessions:
        story.append(para(log.add(_("No sessions are scheduled for this class yet.")),
                          styles()["body"]))
    for number, s in enumerate(sessions):
        note = _("Session {seq} · {date} {start}–{end}").format(
            seq=s["seq_no"], date=s["date"], start=s["start_time"], end=s["end_time"])
        if number:
            story.append(PageBreak())
        story.append(SectionNote(log.add(note)))
        story.append(_session_block(s, log, width))
        story.append(Spacer(1, 3 * mm))
        rows = [[str(i), fit(t["name"], widths[1]), t["id_masked"], "", "", "", ""]
                for i, t in enumerate(data["trainees"], start=1)]
        story.append(ruled_table(header, rows or [[""] * 7], widths, row_height=7.5 * mm,
                                 align={0: "CENTER", 2: "CENTER"}))
        story.append(Spacer(1, 5 * mm))
        story.append(KeepTogether([signatures(
            [log.add(_("Teacher (signature): ")),
             log.add(_("Class supervisor (signature): "))], width, seal=False)]))
    for t in data["trainees"]:
        log.add(t["name"], _("Name"), t["name"])
    return story


def _session_block(s: dict, log: TextLog, width: float) -> Table:
    pairs = [
        (_("Session"), _("No. {seq}").format(seq=s["seq_no"])),
        (_("Date"), s["date"]),
        (_("Time"), f'{s["start_time"]}–{s["end_time"]}'),
        (_("Periods"), str(s["periods"])),
        (_("Kind"), s["kind"]),
        (_("Teacher"), s["teacher"]),
        (_("Topic"), s["topic"]),
        (_("Session code"), s["qr"]),
    ]
    for label, value in pairs:
        log.add(label)
        log.add(value, label, s["teacher"] if label == _("Teacher") else "")
    qr_size = 26 * mm
    grid = field_grid(pairs, width - qr_size - 4 * mm, label_share=0.3)
    outer = Table([[grid, qr_code(s["qr"], qr_size)]],
                  colWidths=[width - qr_size - 4 * mm, qr_size + 4 * mm])
    outer.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return outer
