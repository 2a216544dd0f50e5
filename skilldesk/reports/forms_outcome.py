"""结业审核表 and 考核结果及证书清单: attendance at completion, results and certificates."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer

from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import fit
from skilldesk.reports.blocks import ruled_table
from skilldesk.reports.blocks import signatures
from skilldesk.reports.forms_class import heading
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.page import para
from skilldesk.reports.page import styles


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def completion(data: dict, log: TextLog, width: float) -> list:
    status = data["status"]
    pairs = [
        (_("Class state"), status["state"]),
        (_("Training dates"), _("{start} to {end}").format(start=data["class"]["start_date"],
                                                           end=data["class"]["end_date"])),
        (_("Sessions"), str(status["sessions"])),
        (_("Sessions without attendance"), status["unrecorded_text"]),
        (_("Trainees"), str(len(data["trainees"]))),
        (_("Average attendance rate"), percent(data["totals"]["rate"])),
    ]
    for label, value in pairs:
        log.add(label)
        log.add(value, label, "")
    story: list = [field_grid(pairs, width)]
    for problem in status["blockers"]:
        story.append(para(log.add("• " + problem), styles()["small"]))

    story += heading(log.add(_("Attendance per trainee")))
    header = [_("No."), _("Name"), _("ID number"), _("Sessions attended / recorded"),
              _("Periods credited / recorded"), _("Attendance rate")]
    log.row(header, header, "")
    widths = [10 * mm, 26 * mm, 42 * mm]
    rest = width - sum(widths)
    widths += [rest * 0.36, rest * 0.36, rest * 0.28]
    rows = []
    for i, t in enumerate(data["trainees"], start=1):
        log.row([t["name"], t["id_number"]], [header[1], header[2]], t["name"])
        rows.append([str(i), fit(t["name"], widths[1]), t["id_number"],
                     f'{t["attended"]} / {t["recorded_sessions"]}',
                     f'{t["credited"]} / {t["recorded_periods"]}', percent(t["rate"])])
    tot = data["totals"]
    rows.append(["", log.add(_("Total")), "", f'{tot["attended"]} / {tot["recorded_sessions"]}',
                 f'{tot["credited"]} / {tot["recorded_periods"]}', percent(tot["rate"])])
    story.append(ruled_table(header, rows, widths,
                             align={0: "CENTER", 3: "CENTER", 4: "CENTER", 5: "RIGHT"}))
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether([
        para(log.add(_("Review opinion:")), styles()["body"]), Spacer(1, 14 * mm),
        signatures([log.add(_("Reviewer (signature): ")),
                    log.add(_("Responsible person (signature): "))], width)]))
    return story


def results(data: dict, log: TextLog, width: float) -> list:
    stats = data["stats"]
    pairs = [
        (_("Trainees"), str(stats["trainees"])),
        (_("Results recorded"), str(stats["results_recorded"])),
        (_("Passed"), str(stats["passed"])),
        (_("Pass rate"), _("{rate} (target {target})").format(
            rate=percent(stats["pass_rate"]), target=percent(stats["pass_target"]))),
        (_("Certificates issued"), str(stats["certificates"])),
        (_("Occupation and level"), data["class"]["occupation_level"]),
    ]
    for label, value in pairs:
        log.add(label)
        log.add(value, label, "")
    story: list = [field_grid(pairs, width, columns=3, label_share=0.42)]
    story += heading(log.add(_("Results and certificates")))
    header = [_("No."), _("Name"), _("ID number"), _("Result"), _("Theory"), _("Practice"),
              _("Certificate type"), _("Certificate number"), _("Issued on"),
              _("Issuing body")]
    log.row(header, header, "")
    widths = [10 * mm, 20 * mm, 38 * mm, 14 * mm, 11 * mm, 11 * mm, 36 * mm, 40 * mm, 20 * mm]
    widths.append(width - sum(widths))
    fields = [header[1], header[2], header[3], header[6], header[7], header[9]]
    rows = []
    for i, t in enumerate(data["trainees"], start=1):
        log.row([t["name"], t["id_number"], t["result"], t["cert_type"], t["cert_number"],
                 t["issuing_body"]], fields, t["name"])
        rows.append([str(i), fit(t["name"], widths[1]), t["id_number"], t["result"],
                     t["theory"], t["practice"], fit(t["cert_type"], widths[6]),
                     fit(t["cert_number"], widths[7]), t["issue_date"],
                     fit(t["issuing_body"], widths[9])])
    story.append(ruled_table(header, rows or [[""] * 10], widths,
                             align={0: "CENTER", 3: "CENTER", 4: "RIGHT", 5: "RIGHT",
                                    8: "CENTER"}))
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether([signatures(
        [log.add(_("Assessor (signature): ")),
         log.add(_("Responsible person (signature): "))], width)]))
    return story
