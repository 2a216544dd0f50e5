"""密钥备案表: the registration form for the institution's signing key (issue 7).

The institution prints it, the legal representative signs it, the seal goes in the box,
and the bureau files it: that is how the bureau comes to trust the public key. It shows
the institution, the key's algorithm and creation date, the fingerprint in large groups
(read aloud over the phone to confirm), a QR code of ``skilldesk-key:<fingerprint>:<base64
public key>`` and the declaration. Plain data in, PDF out, like every form: the fields
of *data* are ``institution`` (``name``, ``uscc``, ``address``, ``contact_name``,
``contact_phone``), ``algorithm``, ``created_at``, ``fingerprint`` and ``public_key``
(base64 of the raw 32 bytes).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Frame
from reportlab.platypus import KeepTogether
from reportlab.platypus import PageTemplate
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import qr_code
from skilldesk.reports.blocks import signatures
from skilldesk.reports.fonts import FONT
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.fonts import font
from skilldesk.reports.forms_class import heading
from skilldesk.reports.page import FOOTER
from skilldesk.reports.page import INK
from skilldesk.reports.page import MARGIN
from skilldesk.reports.page import RULE
from skilldesk.reports.page import para
from skilldesk.reports.page import styles
from skilldesk.reports.page import text_width

TITLE = N_("Signing key registration form")
DECLARATION = N_(
    "Declaration: this institution confirms that the public key above, identified by the "
    "fingerprint above, is used only to sign the subsidy claim materials this institution "
    "submits, and that the private key is kept by the person authorised by this institution. "
    "A package signed with this key is this institution's submission. If the private key is "
    "lost or disclosed, this institution will report it to the bureau at once and register a "
    "new key; until then it bears the responsibility for every package signed with it.")
BUREAU = N_("For the bureau: received by ________  on ________  registration no. ________")


def qr_payload(fingerprint: str, public_key_b64: str) -> str:
    return f"skilldesk-key:{fingerprint}:{public_key_b64}"


def _fingerprint_block(fp: str, payload: str, width: float, log: TextLog) -> Table:
    """The fingerprint in two rows of four large groups, beside the QR code."""
    groups = [fp[i:i + 4] for i in range(0, len(fp), 4)]
    rows = [groups[:4], groups[4:8]]
    qr_size = 38 * mm
    cell_w = (width - qr_size - 6 * mm) / 4
    grid = Table(rows, colWidths=[cell_w] * 4, rowHeights=[13 * mm] * 2)
    grid.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 22),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    caption = para(log.add(_("Key fingerprint (SHA-256, base32; read aloud in groups of four)")),
                   styles()["small"])
    left = Table([[caption], [grid]], colWidths=[4 * cell_w])
    left.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    outer = Table([[left, qr_code(payload, qr_size)]],
                  colWidths=[width - qr_size - 2 * mm, qr_size + 2 * mm])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def key_registration(data: dict, log: TextLog, width: float) -> list:
    """The story of the form (see the module's docstring for *data*)."""
    inst = data["institution"]
    body, small = styles()["body"], styles()["small"]
    institution = [
        (_("Institution name"), inst.get("name", "")),
        (_("Unified social credit code"), inst.get("uscc", "")),
        (_("Address"), inst.get("address", "")),
        (_("Contact person"), inst.get("contact_name", "")),
        (_("Contact phone"), inst.get("contact_phone", "")),
    ]
    key = [
        (_("Signature algorithm"), data["algorithm"]),
        (_("Key created on"), data["created_at"]),
        (_("Public key (base64)"), data["public_key"]),
    ]
    for label, value in institution + key:
        log.add(label)
        log.add(value, label, "")
    story: list = heading(log.add(_("1. Institution")))
    story.append(field_grid(institution[:2], width, columns=2, label_share=0.36))
    story.append(field_grid(institution[2:3], width, columns=1, label_share=0.18))
    story.append(field_grid(institution[3:], width, columns=2, label_share=0.36))
    story += heading(log.add(_("2. Signing key")))
    story.append(field_grid(key[:2], width, columns=2, label_share=0.36))
    story.append(field_grid(key[2:], width, columns=1, label_share=0.18))
    story.append(Spacer(1, 4 * mm))
    payload = log.add(qr_payload(data["fingerprint"], data["public_key"]))
    story.append(_fingerprint_block(log.add(data["fingerprint"]), payload, width, log))
    story.append(Spacer(1, 1 * mm))
    story.append(para(log.add(_(
        "The QR code holds the fingerprint and the public key; the bureau compares them with "
        "the public key file the institution sends with this form.")), small))
    story += heading(log.add(_("3. Declaration")))
    story.append(para(log.add(_(DECLARATION)), body))
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether([signatures(
        [log.add(_("Legal representative (signature): ")),
         log.add(_("Key custodian (signature): "))], width)]))
    story.append(Spacer(1, 6 * mm))
    story.append(para(log.add(_(BUREAU)), small))
    return story


def _page(title: str, institution: str, printed: dt.date):
    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        top = height - MARGIN
        canvas.saveState()
        canvas.setFillColor(INK)
        text = canvas.beginText()
        text.setTextRenderMode(2)  # a thin stroke: the font has no bold face
        canvas.setLineWidth(0.35)
        canvas.setStrokeColor(INK)
        text.setFont(FONT, 16)
        text.setTextOrigin((width - text_width(title, 16)) / 2, top - 12)
        text.textOut(title)
        text.setTextRenderMode(0)
        canvas.drawText(text)
        canvas.setFont(FONT, 8.5)
        canvas.drawString(MARGIN, top - 27,
                          _("Training institution: {name}").format(name=institution))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 32, width - MARGIN, top - 32)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, FOOTER + 2 * mm, width - MARGIN, FOOTER + 2 * mm)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, FOOTER - 2 * mm,
                          _("Printed on {date}").format(date=printed.isoformat()))
        canvas.drawRightString(width - MARGIN, FOOTER - 2 * mm, "SkillDesk")
        canvas.restoreState()
    return draw


def render_key_registration(path: str | Path, data: dict, *, printed: dt.date) -> int:
    """Write the 密钥备案表 for *data* to *path* (A4, deterministic); return the page count.

    Raises ``GlyphsMissing`` (nothing written) when a character cannot be printed."""
    font()
    width, height = A4
    title = _(TITLE)
    log = TextLog()
    log.add(title)
    log.add(data["institution"].get("name", ""), _("Institution name"), "")
    story = key_registration(data, log, width - 2 * MARGIN)
    log.check()
    frame_top = height - MARGIN - 15 * mm
    frame = Frame(MARGIN, FOOTER + 5 * mm, width - 2 * MARGIN, frame_top - FOOTER - 5 * mm,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, title=title,
                          author=data["institution"].get("name", ""),
                          subject=data["fingerprint"], creator="SkillDesk", invariant=1,
                          initialFontName=FONT, initialFontSize=9)
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame], pagesize=A4,
                                       onPageEnd=_page(title, data["institution"].get(
                                           "name", ""), printed))])
    stamp = printed.strftime("D:%Y%m%d000000+08'00'")

    def make_canvas(*args, **kwargs):
        canvas = Canvas(*args, **kwargs)
        canvas.setDateFormatter(lambda *_parts: stamp)
        return canvas

    doc.build(story, canvasmaker=make_canvas)
    Path(path).write_bytes(buffer.getvalue())
    return doc.page
