"""Building blocks of the forms: ruled tables, label/value grids, signatures, seal box, QR.

Table cells are plain strings where they fit (fast: a 2,000-row roster lays out in well
under a second) and wrapped paragraphs only where the text is wider than its column.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.fonts import FONT
from skilldesk.reports.page import INK
from skilldesk.reports.page import RULE
from skilldesk.reports.page import SHADE
from skilldesk.reports.page import para
from skilldesk.reports.page import styles
from skilldesk.reports.page import text_width

CELL_SIZE = 8
PAD = 3
SEAL_HERE = N_("Seal here")
DATE_BLANK = N_("Date: {blank} year {blank} month {blank} day")


def fit(text: str, width: float, *, size: float = CELL_SIZE) -> str | Paragraph:
    """*text* as a plain cell when it fits in *width*, else a wrapped paragraph."""
    if text_width(text, size) <= width - 2 * PAD:
        return text
    return para(text, styles()["cell"])


def ruled_table(header: list[str], rows: list[list], widths: list[float], *,
                align: dict[int, str] | None = None, row_height: float | None = None,
                header_size: float = 8) -> Table:
    """A table with thin rules, a shaded header row repeated on every page."""
    cells = [header, *rows]
    table = Table(cells, colWidths=widths, repeatRows=1,
                  rowHeights=None if row_height is None else
                  [None] + [row_height] * len(rows))
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("FONT", (0, 0), (-1, 0), FONT, header_size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for column, how in (align or {}).items():
        style.append(("ALIGN", (column, 1), (column, -1), how))
    table.setStyle(TableStyle(style))
    return table


def field_grid(pairs: list[tuple[str, str]], width: float, *, columns: int = 2,
               label_share: float = 0.36) -> Table:
    """Labelled values in *columns* pairs per row (label cells shaded), wrapped as needed."""
    cell_style = styles()["cell"]
    pair_width = width / columns
    label_w, value_w = pair_width * label_share, pair_width * (1 - label_share)
    rows: list[list] = []
    for start in range(0, len(pairs), columns):
        row: list = []
        for label, value in pairs[start:start + columns]:
            row += [fit(label, label_w), para(value, cell_style) if value else ""]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[label_w, value_w] * columns)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    for column in range(0, 2 * columns, 2):
        style.append(("BACKGROUND", (column, 0), (column, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


class SealBox(Flowable):
    """A square with "seal here" in light grey: where the institution's seal goes."""

    def __init__(self, size: float = 38 * mm) -> None:
        super().__init__()
        self.width = self.height = size

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.setDash(2, 2)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setFillColor(colors.HexColor("#9a9a9a"))
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(self.width / 2, self.height / 2 - 3, _(SEAL_HERE))
        canvas.restoreState()


def signatures(lines: list[str], width: float, *, seal: bool = True) -> Table:
    """Signature lines ("label: ______" and a date line under each) beside a seal box."""
    body = styles()["body"]
    blank = "_" * 18
    cells = []
    for label in lines:
        cells.append([para(f"{label}{blank}", body)])
        cells.append([para(_(DATE_BLANK).format(blank="_" * 6), body)])
    cells = cells or [[""]]
    left = Table(cells, colWidths=[width - (48 * mm if seal else 0)])
    left.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9),
                              ("TOPPADDING", (0, 0), (-1, -1), 6),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    row = [left, SealBox()] if seal else [left]
    outer = Table([row], colWidths=[width - 48 * mm, 48 * mm] if seal else [width])
    outer.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    outer.keepWithNext = False
    return outer


def qr_code(payload: str, size: float = 24 * mm) -> Drawing:
    """A QR code of *payload* (error correction M), *size* wide, no quiet-zone padding
    beyond the standard 4 modules."""
    widget = QrCodeWidget(payload, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    # else the drawing starts in Helvetica: a font reference left in the PDF, not embedded
    drawing.initialFontName = FONT
    drawing.add(widget)
    return drawing


def beside_qr(left, payload: str, size: float, width: float, *, gap: float = 6 * mm,
              valign: str = "TOP") -> Table:
    """*left* (a flowable or a list of them) with a QR code of *payload* at the right."""
    block = Table([[left, qr_code(payload, size)]], colWidths=[width - size - gap, size + gap])
    block.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9),
                               ("VALIGN", (0, 0), (-1, -1), valign),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return block
