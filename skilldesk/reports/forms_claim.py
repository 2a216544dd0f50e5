"""补贴申请表, 补贴人员花名册 and 公示名单: the subsidy claim and its public notice.

The claim data carry a SHA-256 digest of their canonical JSON (computed by the core);
it is printed as text and as a QR code so the paper and the electronic claim can be
matched. The public notice receives masked ID numbers and phones only: nothing else
personal reaches it.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import fit
from skilldesk.reports.blocks import beside_qr
from skilldesk.reports.blocks import ruled_table
from skilldesk.reports.blocks import signatures
from skilldesk.reports.forms_class import heading
from skilldesk.reports.fonts import FONT
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.page import SectionNote
from skilldesk.reports.page import para
from skilldesk.reports.page import styles
from skilldesk.reports.page import yuan

CLAIM_PROMISE = N_(
    "We declare that the trainees listed attended the training in person, passed the "
    "assessment and meet the subsidy conditions, and that the claim is true. We agree "
    "to repay any amount found to be claimed wrongly and bear the legal responsibility.")
NOTICE_TEXT = N_(
    "The following trainees of the class {code} {name} are applying for vocational "
    "training subsidies under {rules}. The list is displayed publicly for five working "
    "days, from {start} to {end}.")
OBJECTIONS = N_(
    "Anyone with an objection may raise it during this period with {institution} "
    "(contact: {contact}, telephone {phone}) or with the local human resources and "
    "social security bureau. Objections should be made in writing under one's real name.")


def _digest_block(claim: dict, log: TextLog, width: float) -> Table:
    st = styles()
    text = [para(log.add(_("Claim data digest (SHA-256 of the canonical claim lines):")),
                 st["small"]),
            para(claim["digest"], st["small"]),
            para(log.add(_("{lines} claim lines, {total} yuan, rule set {rules}.").format(
                lines=claim["claim_lines"], total=yuan(claim["total_fen"]),
                rules=claim["rule_set_id"])), st["small"])]
    return beside_qr(text, claim["digest"], 24 * mm, width, gap=4 * mm, valign="MIDDLE")


def _totals_table(title: str, totals: list[tuple[str, int]], log: TextLog, width: float
                  ) -> Table:
    header = [log.add(title), log.add(_("Amount (yuan)"))]
    rows = [[log.add(label, title), yuan(fen)] for label, fen in totals] or [["—", yuan(0)]]
    return ruled_table(header, rows, [width * 0.6, width * 0.4], align={1: "RIGHT"})


def claim_form(data: dict, log: TextLog, width: float) -> list:
    inst, k, claim = data["institution"], data["class"], data["claim"]
    pairs = [
        (_("Training institution"), inst["name"]),
        (_("Unified social credit code"), inst["uscc"]),
        (_("Address"), inst["address"]),
        (_("Contact"), f'{inst["contact_name"]} {inst["contact_phone"]}'.strip()),
        (_("Bank"), inst["bank_name"]),
        (_("Bank account"), inst["bank_account"]),
    ]
    class_pairs = [
        (_("Class"), f'{k["code"]} {k["name"]}'),
        (_("Training type"), k["training_type"]),
        (_("Occupation and level"), k["occupation_level"]),
        (_("Training dates"), _("{start} to {end}").format(start=k["start_date"],
                                                           end=k["end_date"])),
        (_("Trainees"), str(claim["trainees"])),
        (_("Eligible trainees"), str(claim["eligible"])),
        (_("Rule set"), f'{claim["rule_set_id"]} {claim["rule_set_title"]}'),
        (_("Catalogue"), claim["catalogue"]),
    ]
    for label, value in pairs + class_pairs:
        log.add(label)
        log.add(value, label, "")
    story: list = heading(log.add(_("Applicant")))[1:]
    story.append(field_grid(pairs, width))
    story += heading(log.add(_("Class and rules applied")))
    story.append(field_grid(class_pairs, width))
    story += heading(log.add(_("Amounts claimed")))
    half = (width - 6 * mm) / 2
    both = Table([[_totals_table(_("By person category"), claim["by_category"], log, half),
                   _totals_table(_("By payee"), claim["by_payee"], log, half)]],
                 colWidths=[half + 6 * mm, half])
    both.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(both)
    story.append(Spacer(1, 3 * mm))
    total = _("Total claimed: {amount} yuan").format(amount=yuan(claim["total_fen"]))
    if claim.get("total_upper"):
        total += _(" (in words: {words})").format(words=claim["total_upper"])
    story.append(para(log.add(total), styles()["heading"]))
    story.append(Spacer(1, 3 * mm))
    story.append(_digest_block(claim, log, width))
    story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether([
        para(log.add(_(CLAIM_PROMISE)), styles()["body"]), Spacer(1, 2 * mm),
        signatures([log.add(_("Responsible person (signature): ")),
                    log.add(_("Prepared by (signature): "))], width)]))
    return story


def claim_roster(data: dict, log: TextLog, width: float) -> list:
    claim = data["claim"]
    story: list = [SectionNote(log.add(_("Claim digest {short}…").format(
        short=claim["digest"][:16])))]
    header = [_("No."), _("Name"), _("ID number"), _("Person category"), _("Subsidy type"),
              _("Eligible"), _("Amount (yuan)"), _("Paid to"), _("Remarks")]
    log.row(header, header, "")
    widths = [11 * mm, 22 * mm, 40 * mm, 38 * mm, 28 * mm, 13 * mm, 22 * mm, 18 * mm]
    widths.append(width - sum(widths))
    yes, no = log.add(_("Yes")), log.add(_("No"))
    rows = []
    for i, line in enumerate(claim["lines"], start=1):
        log.row([line["name"], line["id_number"], line["category"], line["kind"],
                 line["payee"], line["remark"]],
                [header[1], header[2], header[3], header[4], header[7], header[8]],
                line["name"])
        rows.append([str(i), fit(line["name"], widths[1]), line["id_number"],
                     fit(line["category"], widths[3]), fit(line["kind"], widths[4]),
                     yes if line["eligible"] else no, yuan(line["amount_fen"]),
                     line["payee"], fit(line["remark"], widths[8])])
    rows.append(["", log.add(_("Total")), "", "", "", str(claim["eligible"]),
                 yuan(claim["total_fen"]), "", ""])
    story.append(ruled_table(header, rows, widths,
                             align={0: "CENTER", 5: "CENTER", 6: "RIGHT", 7: "CENTER"}))
    story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether([
        _digest_block(claim, log, width), Spacer(1, 3 * mm),
        signatures([log.add(_("Responsible person (signature): "))], width)]))
    return story


def public_notice(data: dict, log: TextLog, width: float) -> list:
    st = styles()
    k, inst, notice = data["class"], data["institution"], data["notice"]
    intro = _(NOTICE_TEXT).format(code=k["code"], name=k["name"], rules=notice["rules"],
                                  start=notice["start"], end=notice["end"])
    objections = _(OBJECTIONS).format(institution=inst["name"],
                                      contact=inst["contact_name"] or "—",
                                      phone=inst["contact_phone"] or "—")
    story: list = [para(log.add(intro), st["body"]), Spacer(1, 2 * mm),
                   para(log.add(objections), st["body"]), Spacer(1, 4 * mm)]
    header = [_("No."), _("Name"), _("ID number"), _("Phone"), _("Subsidy item"),
              _("Amount (yuan)")]
    log.row(header, header, "")
    widths = [10 * mm, 22 * mm, 40 * mm, 25 * mm]
    widths += [width - sum(widths) - 24 * mm, 24 * mm]
    rows = []
    for i, line in enumerate(notice["lines"], start=1):
        log.row([line["name"], line["id_masked"], line["phone_masked"], line["item"]],
                [header[1], header[2], header[3], header[4]], line["name"])
        rows.append([str(i), fit(line["name"], widths[1]), line["id_masked"],
                     line["phone_masked"], fit(line["item"], widths[4]),
                     yuan(line["amount_fen"])])
    rows.append(["", log.add(_("Total")), "", "", "", yuan(notice["total_fen"])])
    story.append(ruled_table(header, rows, widths, align={0: "CENTER", 2: "CENTER",
                                                          3: "CENTER", 5: "RIGHT"}))
    story.append(Spacer(1, 8 * mm))
    story.append(KeepTogether([
        para(log.add(inst["name"]), st["body"]),
        para(log.add(_("Published on {date}").format(date=notice["published"])), st["body"]),
        Spacer(1, 2 * mm),
        signatures([], width)]))
    return story
