"""The A4 page every form shares: masthead, footer with page numbers, styles, building blocks.

Every page carries the form's title, the institution, the class code and name (the
masthead, drawn after the page's content so a section can name itself on it), and a
footer with the print date and "page x of y". Output is deterministic: reportlab's
invariant mode, the PDF dates fixed to the print date, no random ids, and the file
is written only after the whole document was built.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as _landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Flowable
from reportlab.platypus import Frame
from reportlab.platypus import PageTemplate
from reportlab.platypus import Paragraph

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.fonts import FONT
from skilldesk.reports.fonts import font

MARGIN = 15 * mm
MASTHEAD = 15 * mm   # title and class line above the frame
FOOTER = 12 * mm
INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#4d4d4d")
SHADE = colors.HexColor("#ececec")
PAGE_OF = N_("Page {page} of {pages}")


@dataclass(frozen=True)
class Masthead:
    title: str
    institution: str
    class_code: str
    class_name: str
    printed: dt.date


def styles() -> dict[str, ParagraphStyle]:
    font()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13, textColor=INK,
                          wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11, leading=15,
                                  spaceBefore=6, spaceAfter=4),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
    }


def text_width(text: str, size: float) -> float:
    return font().stringWidth(text, size)


def yuan(fen: int) -> str:
    """Integer fen as yuan with two decimals and thousands separators: 123456 → 1,234.56."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


class SectionNote(Flowable):
    """Invisible: sets the text shown in the masthead from this page on (e.g. the session)."""

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note
        self.width = self.height = 0

    def wrap(self, *args):
        return 0, 0

    def draw(self) -> None:
        self.canv._skilldesk_note = self.note


def _draw_masthead(head: Masthead, canvas: Canvas, doc: BaseDocTemplate) -> None:
    width, height = doc.pagesize
    canvas.saveState()
    top = height - MARGIN
    canvas.setFillColor(INK)
    # the title, drawn with a thin stroke: the font has no bold face
    text = canvas.beginText()
    text.setTextRenderMode(2)
    canvas.setLineWidth(0.35)
    canvas.setStrokeColor(INK)
    text.setFont(FONT, 15)
    text.setTextOrigin((width - text_width(head.title, 15)) / 2, top - 12)
    text.textOut(head.title)
    text.setTextRenderMode(0)
    canvas.drawText(text)
    canvas.setFont(FONT, 8.5)
    left = _("Training institution: {name}").format(name=head.institution)
    # forms that are not about a class (the sync receipt) leave the class out
    right = _("Class {code} {name}").format(code=head.class_code, name=head.class_name) \
        if head.class_code or head.class_name else ""
    room = width - 2 * MARGIN
    while text_width(right, 8.5) + text_width(left, 8.5) + 12 > room and len(right) > 12:
        right = right[:-2] + "…"
    canvas.drawString(MARGIN, top - 27, left)
    canvas.drawRightString(width - MARGIN, top - 27, right)
    note = getattr(canvas, "_skilldesk_note", "")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, top - 32, width - MARGIN, top - 32)
    if note:
        canvas.setFont(FONT, 8.5)
        canvas.drawString(MARGIN, top - 43, note)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, FOOTER + 2 * mm, width - MARGIN, FOOTER + 2 * mm)
    canvas.setFont(FONT, 8)
    canvas.drawString(MARGIN, FOOTER - 2 * mm,
                      _("Printed on {date}").format(date=head.printed.isoformat()))
    canvas.drawRightString(width - MARGIN, FOOTER - 2 * mm, "SkillDesk")
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Holds every page until the end so each can say "page x of y"."""

    def __init__(self, *args, on_page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._on_page = on_page

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        if self._on_page is not None:
            self._on_page(len(self._pages))
        self._startPage()

    def save(self):
        total = len(self._pages)
        width = self._pagesize[0]
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8.5)
            self.setFillColor(INK)
            self.drawCentredString(width / 2, FOOTER - 2 * mm,
                                   _(PAGE_OF).format(page=number, pages=total))
            Canvas.showPage(self)
        self.page_count = total
        Canvas.save(self)


def build(path: str | Path, head: Masthead, story: list, *, wide: bool = False,
          progress=None, top_extra: float = 0) -> int:
    """Lay out *story* on A4 (landscape when *wide*) and write *path*; return the page count.

    *progress* (optional) needs ``update(done, total, label)`` and ``check()`` (which
    raises to cancel). The file is written only once the whole document is built.
    """
    font()
    pagesize = _landscape(A4) if wide else A4
    width, height = pagesize
    frame_top = height - MARGIN - MASTHEAD - top_extra
    frame = Frame(MARGIN, FOOTER + 5 * mm, width - 2 * MARGIN, frame_top - FOOTER - 5 * mm,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=pagesize, title=head.title, author=head.institution,
                          subject=head.class_code, creator="SkillDesk", invariant=1,
                          leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN,
                          # else every page starts in Helvetica (a font not embedded)
                          initialFontName=FONT, initialFontSize=9)
    doc.addPageTemplates([PageTemplate(
        id="form", frames=[frame], pagesize=pagesize,
        onPageEnd=lambda canvas, d: _draw_masthead(head, canvas, d))])
    stamp = head.printed.strftime("D:%Y%m%d000000+08'00'")

    def on_page(number: int) -> None:
        if progress is not None:
            progress.check()
            progress.update(number, 0, None)

    def make_canvas(*args, **kwargs):
        canvas = _NumberedCanvas(*args, on_page=on_page, **kwargs)
        canvas.setDateFormatter(lambda *_parts: stamp)
        return canvas

    doc.build(story, canvasmaker=make_canvas)
    pages = doc.canv.page_count
    Path(path).write_bytes(buffer.getvalue())
    return pages


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    escaped = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace("\n", "<br/>"))
    return Paragraph(escaped, style)
