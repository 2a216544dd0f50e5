"""The 过程检查 tab: inspections of a class, and the dialog that records one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import INSPECTION_METHODS
from skilldesk.i18n import _
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import AttachmentsBox
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import row_key
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import FieldMessages
from skilldesk.ui.widgets import show_save_failure

if TYPE_CHECKING:
    from skilldesk.ui.class_detail import ClassView


class InspectionsTab(QWidget):
    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.view: ClassView | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.count = QLabel()
        self.count.setStyleSheet(MUTED_STYLE)
        bar.addWidget(self.count, 1)
        self.add_button = QPushButton(_("Record inspection…"))
        self.add_button.setObjectName("inspection_add")
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.clicked.connect(lambda: self.open_dialog(row_key(self.table)))
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.clicked.connect(self._delete)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.table = make_table([_("Date"), _("Inspector"), _("Method"), _("Result"),
                                 _("Findings")], "inspections_table")
        for column, width in enumerate((100, 120, 130, 160)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.open_dialog(row_key(self.table)))
        layout.addWidget(self.table, 1)

    def show_view(self, view: ClassView) -> None:
        self.view = view
        fill_table(self.table, [[i["date"], i["inspector"],
                                 _(INSPECTION_METHODS.get(i["method"], i["method"])),
                                 i["result"], " ".join(i["findings"].split())]
                                for i in view.inspections], [i["id"] for i in view.inspections])
        self.count.setText(_("{count} inspections recorded").format(count=len(view.inspections)))

    def open_dialog(self, inspection_id: str | None) -> InspectionDialog | None:
        if self.view is None:
            return None
        record = next((i for i in self.view.inspections if i["id"] == inspection_id), None)
        dialog = InspectionDialog(self._runner, self._hub, self.view.record["id"], record, self)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _delete(self) -> None:
        inspection_id = row_key(self.table)
        if not inspection_id:
            return
        answer = QMessageBox.question(self, _("Delete inspection"),
                                      _("Delete the selected inspection record?"))
        if answer == QMessageBox.StandardButton.Yes:
            self._runner.run(lambda desk: desk.outcomes.delete_inspection(inspection_id),
                             on_done=lambda c: self._hub.sig_changes.emit(c, self),
                             on_error=lambda e: show_error(self, e))


class InspectionDialog(QDialog):
    def __init__(self, runner: TaskRunner, hub: Hub, class_id: str, record: dict | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspection_dialog")
        self._runner, self._hub, self._class_id = runner, hub, class_id
        self.inspection_id = record["id"] if record else None
        self.setWindowTitle(_("Inspection") if record else _("Record inspection"))
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.messages = FieldMessages("inspection_message_")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.fromString(record["date"], "yyyy-MM-dd") if record
                          else QDate.currentDate())
        form.addRow(_("Date"), self.messages.wrap("date", self.date))
        self.inspector = QLineEdit(record["inspector"] if record else "")
        self.inspector.setObjectName("inspection_inspector")
        form.addRow(_("Inspector"), self.messages.wrap("inspector", self.inspector))
        self.method = QComboBox()
        for key, label in INSPECTION_METHODS.items():
            self.method.addItem(_(label), key)
        if record:
            self.method.setCurrentIndex(max(self.method.findData(record["method"]), 0))
        form.addRow(_("Method"), self.messages.wrap("method", self.method))
        self.result = QLineEdit(record["result"] if record else "")
        self.result.setPlaceholderText(_("For example: no problems found"))
        form.addRow(_("Result"), self.messages.wrap("result", self.result))
        self.findings = QPlainTextEdit(record["findings"] if record else "")
        self.findings.setTabChangesFocus(True)
        form.addRow(_("Findings"), self.messages.wrap("findings", self.findings))
        layout.addLayout(form)
        files = QGroupBox(_("Photos and documents"))
        self.attachments = AttachmentsBox(runner, hub, "inspection",
                                          {"": _("Attach file…")})
        self.attachments.set_entity(self.inspection_id)
        QVBoxLayout(files).addWidget(self.attachments)
        layout.addWidget(files)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("inspection_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def save(self) -> None:
        kwargs = dict(inspection_id=self.inspection_id,
                      date=self.date.date().toString("yyyy-MM-dd"),
                      inspector=self.inspector.text(), method=self.method.currentData(),
                      findings=self.findings.toPlainText(), result=self.result.text())
        class_id = self._class_id
        self._runner.run(lambda desk: desk.outcomes.save_inspection(class_id, **kwargs),
                         on_done=self._on_saved, on_error=self._on_failed)

    def _on_saved(self, changes: Changes) -> None:
        self.messages.show([])
        first = self.inspection_id is None
        self.inspection_id = changes.ids[0] if changes.ids else self.inspection_id
        self._hub.sig_changes.emit(changes, self)
        if first:  # stay open so files can be attached to the new record
            self.attachments.set_entity(self.inspection_id)
            self.setWindowTitle(_("Inspection"))
            self.status.setText(_("Saved at {time}. You can attach files now.").format(
                time=dt.datetime.now().strftime("%H:%M")))
        else:
            self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        show_save_failure(self, exc, self.messages.show, self.status)
