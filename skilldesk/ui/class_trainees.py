"""Add people to a class roster: search as you type, tick, enrol."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.models import PeoplePage
from skilldesk.i18n import _
from skilldesk.core.report_data import mask_phone
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import run_with_reason
from skilldesk.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 200


class AddTraineesDialog(QDialog):
    sig_enrolled = Signal(object)  # Changes

    def __init__(self, runner: TaskRunner, class_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_trainees")
        self.setWindowTitle(_("Add trainees"))
        self.resize(720, 520)
        self._runner, self._class_id = runner, class_id
        self._generation = 0
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setObjectName("trainee_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search by name, or any part of the ID number or mobile"))
        layout.addWidget(self.search)
        self.table = make_table([_("Name"), _("ID number"), _("Mobile"), _("Date of birth")],
                                "trainee_results")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for column, width in enumerate((110, 180, 130)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.enrol())
        layout.addWidget(self.table, 1)
        self.hint = QLabel(_("Select one or more people (Ctrl+click, Shift+click) and enrol them."))
        self.hint.setStyleSheet(MUTED_STYLE)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        self.enrol_button = QPushButton(_("Enrol selected"))
        self.enrol_button.setObjectName("enrol_selected")
        self.enrol_button.setDefault(True)
        self.enrol_button.clicked.connect(self.enrol)
        buttons.addWidget(close)
        buttons.addWidget(self.enrol_button)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(lambda: self.table.setFocus())
        self.run_search()

    def run_search(self) -> None:
        self._generation += 1
        generation, text = self._generation, self.search.text()
        self._runner.run(lambda desk: desk.people.search(text, limit=100),
                         on_done=lambda page: self._show(generation, page))

    def _show(self, generation: int, page: PeoplePage) -> None:
        if generation != self._generation:
            return
        fill_table(self.table, [[p.name, mask_id_number(p.id_number), mask_phone(p.phone),
                                 p.birth_date] for p in page.rows], [p.id for p in page.rows])

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def enrol(self) -> None:
        person_ids, class_id = self.selected_ids(), self._class_id
        if not person_ids:
            return
        run_with_reason(self._runner, self, _("Reason for the roster change"),
                        lambda desk, reason: desk.classes.enrol(class_id, person_ids,
                                                                reason=reason),
                        on_done=self._on_enrolled)

    def _on_enrolled(self, changes: Changes) -> None:
        self.hint.setText(_("{count} enrolled. Search for more, or close.").format(
            count=len(changes.ids)))
        self.sig_enrolled.emit(changes)
