"""Small bar charts drawn with QPainter (PySide6-Essentials has no QtCharts).

``BarChart(orientation)``: vertical bars (months along the bottom, one or two series
side by side with a legend) or horizontal bars (one row per label: occupations,
categories). Data in: ``set_data([(label, value), ...])`` for one series, or
``set_series(labels, [(name, values), ...])`` for several. Text uses the widget's font
(the application font: the bundled CJK face), values are written on the bars, long
labels are elided with the full text in the tooltip, and an empty chart says so in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QToolTip
from PySide6.QtWidgets import QWidget

SERIES_COLOURS = ("#3b7dd8", "#e39a2d", "#3aa57a", "#9b59b6")
AXIS_COLOUR = "#9aa0a6"


class BarChart(QWidget):
    def __init__(self, orientation: Qt.Orientation = Qt.Orientation.Vertical,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.orientation = orientation
        self.labels: list[str] = []
        self.series: list[tuple[str, list[int]]] = []
        self.empty_text = ""
        self.max_label_share = 0.42   # horizontal: at most this share of the width for labels
        self._hit: list[tuple[QRectF, str]] = []   # (area, tooltip) of each bar or label
        self.value_boxes: list[QRectF] = []           # where the values on bars were drawn
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    # -- data ----------------------------------------------------------------------------

    def set_data(self, items: Sequence[tuple[str, int]], name: str = "") -> None:
        self.set_series([label for label, _v in items], [(name, [v for _l, v in items])])

    def set_series(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
                   ) -> None:
        self.labels = list(labels)
        self.series = [(name, [int(v) for v in values]) for name, values in series]
        self.setAccessibleDescription("; ".join(
            f"{label}: " + ", ".join(str(values[i]) for _n, values in self.series)
            for i, label in enumerate(self.labels)))
        self.updateGeometry()
        self.update()

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.update()

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(v for _n, values in self.series for v in values)

    @property
    def peak(self) -> int:
        return max((v for _n, values in self.series for v in values), default=0)

    # -- size ----------------------------------------------------------------------------

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 8

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        if self.orientation == Qt.Orientation.Horizontal:
            return QSize(360, max(4, len(self.labels)) * self._row_height() + 16)
        return QSize(max(360, len(self.labels) * 34), fm.height() * 3 + 160)

    def minimumSizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        if self.orientation == Qt.Orientation.Horizontal:
            return QSize(220, min(4, max(1, len(self.labels))) * self._row_height() + 16)
        return QSize(240, fm.height() * 3 + 80)

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        self._hit = []
        self.value_boxes = []
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        if self.is_empty:
            painter.setPen(QColor(AXIS_COLOUR))
            painter.drawText(QRectF(self.rect()).adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text)
            return
        if self.orientation == Qt.Orientation.Horizontal:
            self._paint_horizontal(painter, text_colour)
        else:
            self._paint_vertical(painter, text_colour)

    def _paint_vertical(self, painter: QPainter, text_colour: QColor) -> None:
        fm = QFontMetrics(self.font())
        line = fm.height()
        legend = len(self.series) > 1 or bool(self.series and self.series[0][0])
        stacked = max(1, len(self.series))   # values of neighbouring bars may stack
        top = 6 + (line + 6 if legend else 0) + line * stacked   # legend, room for the values
        bottom = self.height() - line - 8               # labels under the axis
        left, right = 8, self.width() - 8
        if legend:
            x = left
            for n, (name, _values) in enumerate(self.series):
                painter.fillRect(QRectF(x, 6 + (line - 10) / 2, 10, 10),
                                 QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)]))
                painter.setPen(text_colour)
                painter.drawText(QRectF(x + 14, 6, fm.horizontalAdvance(name) + 4, line),
                                 Qt.AlignmentFlag.AlignVCenter, name)
                x += 14 + fm.horizontalAdvance(name) + 16
        painter.setPen(QColor(AXIS_COLOUR))
        painter.drawLine(int(left), int(bottom), int(right), int(bottom))
        peak = self.peak or 1
        slot = (right - left) / max(1, len(self.labels))
        group = slot * 0.8
        bar = group / max(1, len(self.series))
        placed: list[QRectF] = []   # value labels drawn so far, so none overlap
        for i, label in enumerate(self.labels):
            x0 = left + i * slot + (slot - group) / 2
            for n, (name, values) in enumerate(self.series):
                value = values[i] if i < len(values) else 0
                height = (bottom - top) * value / peak
                rect = QRectF(x0 + n * bar, bottom - height, max(1.0, bar - 2), height)
                painter.fillRect(rect, QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)]))
                tip = f"{label} · {name}: {value}" if name else f"{label}: {value}"
                self._hit.append((QRectF(rect.x(), top, rect.width(), bottom - top), tip))
                if value:
                    painter.setPen(text_colour)
                    text = str(value)
                    width = max(rect.width() + 8, fm.horizontalAdvance(text) + 2)
                    where = QRectF(rect.center().x() - width / 2, rect.top() - line, width,
                                   line)
                    while any(where.intersects(other) for other in placed):
                        where.translate(0, -line)   # above the neighbour's value
                    placed.append(where)
                    self.value_boxes.append(where)
                    painter.drawText(where, Qt.AlignmentFlag.AlignCenter, text)
            painter.setPen(text_colour)
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(slot))
            painter.drawText(QRectF(left + i * slot, bottom + 4, slot, line),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, shown)

    def _paint_horizontal(self, painter: QPainter, text_colour: QColor) -> None:
        fm = QFontMetrics(self.font())
        row = self._row_height()
        width = self.width()
        widest = max(fm.horizontalAdvance(label) for label in self.labels)
        label_width = min(widest + 8, int(width * self.max_label_share))
        value_room = fm.horizontalAdvance(str(self.peak)) + 10
        x0, x1 = 6 + label_width, width - 6 - value_room
        peak = self.peak or 1
        rows = max(1, min(len(self.labels), (self.height() - 8) // row))
        painter.setPen(QColor(AXIS_COLOUR))
        painter.drawLine(int(x0), 4, int(x0), 4 + rows * row)
        values = self.series[0][1] if self.series else []
        for i, label in enumerate(self.labels[:rows]):
            y = 4 + i * row
            value = values[i] if i < len(values) else 0
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.setPen(text_colour)
            painter.drawText(QRectF(6, y, label_width - 8, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            length = max(0.0, (x1 - x0) * value / peak)
            rect = QRectF(x0 + 1, y + 4, max(1.0 if value else 0.0, length), row - 8)
            painter.fillRect(rect, QColor(SERIES_COLOURS[0]))
            painter.drawText(QRectF(rect.right() + 4, y, value_room, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             str(value))
            self._hit.append((QRectF(0, y, width, row), f"{label}: {value}"))

    # -- tooltips ------------------------------------------------------------------------

    def tooltip_at(self, x: float, y: float) -> str:
        """The full label and value under a point ("" if none); after a paint."""
        for area, tip in self._hit:
            if area.contains(x, y):
                return tip
        return ""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            tip = self.tooltip_at(event.pos().x(), event.pos().y())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
