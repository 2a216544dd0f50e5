"""The small teachers table of the class form: name, qualification, certificate, role."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.class_models import TEACHER_ROLES
from skilldesk.core.class_models import TeacherDraft
from skilldesk.i18n import _

_TEXT_COLUMNS = ("name", "qualification", "certificate_no")


class TeachersTable(QWidget):
    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("class_teachers")
        self.table.setHorizontalHeaderLabels([_("Name"), _("Qualification"),
                                              _("Certificate no."), _("Teaches")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(2, 200)
        self.table.setColumnWidth(3, 170)
        self.table.setFixedHeight(118)
        self.table.itemChanged.connect(lambda _item: self.sig_changed.emit())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add teacher"))
        self.add_button.setObjectName("add_teacher")
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button = QPushButton(_("Remove teacher"))
        self.remove_button.clicked.connect(self._remove)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def add_row(self, teacher: TeacherDraft) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for column, key in enumerate(_TEXT_COLUMNS):
            self.table.setItem(row, column, QTableWidgetItem(getattr(teacher, key)))
        self.table.blockSignals(False)
        combo = QComboBox()
        for key, label in TEACHER_ROLES.items():
            combo.addItem(_(label), key)
        combo.setCurrentIndex(max(combo.findData(teacher.role), 0))
        combo.currentIndexChanged.connect(lambda _i: self.sig_changed.emit())
        self.table.setCellWidget(row, 3, combo)
        return row

    def _add_clicked(self) -> None:
        row = self.add_row(TeacherDraft(name=""))
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))
        self.sig_changed.emit()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.sig_changed.emit()

    def set_teachers(self, teachers: list[TeacherDraft]) -> None:
        self.table.setRowCount(0)
        for teacher in teachers:
            self.add_row(teacher)

    def teachers(self) -> list[TeacherDraft]:
        out = []
        for row in range(self.table.rowCount()):
            texts = [(self.table.item(row, c).text() if self.table.item(row, c) else "")
                     for c in range(3)]
            combo = self.table.cellWidget(row, 3)
            role = combo.currentData() if isinstance(combo, QComboBox) else "theory"
            out.append(TeacherDraft(texts[0], texts[1], texts[2], role))
        return out
