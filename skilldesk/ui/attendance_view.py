"""The attendance grid's view: one key per mark, the cursor moving down after it.

1 or Space = present, 2 = late, 3 = on leave, 4 = absent, Delete/Backspace =
clear. With one cell selected the cursor then moves to the next trainee, so a
session's column is entered with one key per trainee; with several cells
selected, the key sets them all and the selection stays.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QTableView

from skilldesk.ui.attendance_model import AttendanceModel

KEYS: dict[int, str | None] = {
    Qt.Key.Key_1: "present", Qt.Key.Key_Space: "present", Qt.Key.Key_2: "late",
    Qt.Key.Key_3: "leave", Qt.Key.Key_4: "absent", Qt.Key.Key_Delete: None,
    Qt.Key.Key_Backspace: None,
}
CELL_WIDTH = 46
ROW_HEIGHT = 24


class AttendanceView(QTableView):
    sig_read_only_key = Signal()  # a mark key was pressed on a read-only grid

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("attendance_grid")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(False)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        horizontal.setDefaultSectionSize(CELL_WIDTH)
        horizontal.setHighlightSections(True)
        self.read_only = False

    def attendance_model(self) -> AttendanceModel:
        model = self.model()
        assert isinstance(model, AttendanceModel)
        return model

    def fit_columns(self) -> None:
        """Fixed widths (no measuring of 4,000 cells): marks narrow, totals wider."""
        model = self.attendance_model()
        metrics = self.fontMetrics()
        sessions = len(model.sessions)
        width = max(CELL_WIDTH, metrics.horizontalAdvance("12-31※") + 14)
        header = self.horizontalHeader()
        header.setDefaultSectionSize(width)
        for column in range(sessions, model.columnCount()):
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
            self.setColumnWidth(column, max(widest, metrics.horizontalAdvance("100%")) + 18)
        header.setMinimumHeight(metrics.height() * 2 + 10)
        names = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
        widest = max((metrics.horizontalAdvance(str(n)) for n in names), default=40)
        self.verticalHeader().setFixedWidth(widest + 20)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in KEYS and modifiers == Qt.KeyboardModifier.NoModifier:
            self.apply_key(KEYS[key])
            event.accept()
            return
        super().keyPressEvent(event)

    def apply_key(self, status: str | None) -> None:
        model = self.attendance_model()
        if self.read_only:
            self.sig_read_only_key.emit()
            return
        cells = [(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()
                 if model.is_mark_cell(i)]
        current = self.currentIndex()
        if not cells and model.is_mark_cell(current):
            cells = [(current.row(), current.column())]
        if not cells:
            return
        model.set_marks(cells, status)
        if len(cells) == 1:
            row, column = cells[0]
            if row + 1 < len(model.trainees):
                self.selectionModel().setCurrentIndex(
                    model.index(row + 1, column),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect)
