"""审计 page: the audit trail — every change with who, when, on which device and what
changed; filters (person or class, user, dates, action); 核验 (verify the hash chain)
and 导出… (the entries shown, to .xlsx). All database work runs on the worker."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.audit import AuditFilter
from skilldesk.core.changes import Changes
from skilldesk.i18n import _
from skilldesk.ui.audit_model import AuditModel
from skilldesk.ui.audit_model import action_label
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import fit_columns
from skilldesk.ui.widgets import list_view
from skilldesk.ui.widgets import run_with_progress
from skilldesk.ui.widgets import with_suffix

FILTER_DELAY_MS = 300
_NO_DATE = QDate(2000, 1, 1)  # the minimum, shown as "any"
VALID_STYLE = "color: #137333; font-weight: bold;"
INVALID_STYLE = "color: #c5221f; font-weight: bold;"


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(_("Any date"))
    edit.setDate(_NO_DATE)
    edit.setMinimumWidth(120)
    return edit


def _day(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    if value == _NO_DATE:
        return None
    return dt.date(value.year(), value.month(), value.day())


class AuditPage(QWidget):
    sig_loaded = Signal()        # the first page of the current filter is shown
    sig_verified = Signal(dict)  # {"entries", "valid", "first_bad"}
    sig_exported = Signal(int)   # entries written

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.last_verify: dict | None = None
        self._open = False   # the database is open (start() was called)
        self._stale = False  # something changed since the entries were read
        self.model = AuditModel(runner, self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self._build()
        self.model.sig_page_loaded.connect(self._on_loaded)
        self.model.sig_failed.connect(self._on_failed)
        hub.sig_changes.connect(self._on_changes)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        title = QLabel(_("Audit trail"))
        title.setStyleSheet(HEADING_STYLE)
        bar.addWidget(title)
        bar.addStretch(1)
        self.verify_button = QPushButton(_("Verify"))
        self.verify_button.setObjectName("audit_verify")
        self.verify_button.setToolTip(_("Recompute the hash chain of the whole log: any entry "
                                        "edited or deleted outside SkillDesk is found"))
        self.verify_button.clicked.connect(self.verify)
        bar.addWidget(self.verify_button)
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setObjectName("audit_export")
        self.export_button.setToolTip(_("Export the entries shown to Excel"))
        self.export_button.clicked.connect(self._export)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        filters = QHBoxLayout()
        self.subject = QLineEdit()
        self.subject.setObjectName("audit_subject")
        self.subject.setClearButtonEnabled(True)
        self.subject.setPlaceholderText(_("Person or class: ID number, class code or record id"))
        self.subject.textChanged.connect(lambda _text: self._timer.start())
        filters.addWidget(self.subject, 3)
        filters.addWidget(QLabel(_("User")))
        self.user = QComboBox()
        self.user.setObjectName("audit_user")
        self.user.setMinimumWidth(110)
        self.user.addItem(_("All users"), None)
        self.user.currentIndexChanged.connect(lambda _i: self.apply_filter())
        filters.addWidget(self.user, 1)
        filters.addWidget(QLabel(_("From")))
        self.since = _date_edit("audit_since")
        self.since.dateChanged.connect(lambda _d: self._timer.start())
        filters.addWidget(self.since)
        filters.addWidget(QLabel(_("To")))
        self.until = _date_edit("audit_until")
        self.until.dateChanged.connect(lambda _d: self._timer.start())
        filters.addWidget(self.until)
        filters.addWidget(QLabel(_("Action")))
        self.action = QComboBox()
        self.action.setObjectName("audit_action")
        self.action.setMinimumWidth(110)
        self.action.addItem(_("All actions"), "")
        self.action.currentIndexChanged.connect(lambda _i: self.apply_filter())
        filters.addWidget(self.action, 1)
        layout.addLayout(filters)

        status = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("audit_count")
        self.count_label.setStyleSheet(MUTED_STYLE)
        status.addWidget(self.count_label, 1)
        self.verify_label = QLabel()
        self.verify_label.setObjectName("audit_verify_result")
        self.verify_label.setWordWrap(True)
        status.addWidget(self.verify_label, 2)
        layout.addLayout(status)

        self.table = list_view(self.model, "audit_table")
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_columns(self.table, ("0000000", "2026-00-00 00:00:00", "管理员王老师",
                                 "demo.generate", "Institution",
                                 "00000000-0000-0000-0000-000000000000"), 20)
        layout.addWidget(self.table, 1)

    # -- loading ------------------------------------------------------------------------

    def start(self) -> None:
        """The database is open. Nothing is read until the page is shown: the user and
        action choices scan the whole log, which must not hold up start-up."""
        self._open = True
        self._stale = True
        if self.isVisible():
            self._reload()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._open and self._stale:
            self._reload()

    def _reload(self) -> None:
        self._stale = False
        self.count_label.setText(_("Loading…"))
        self._load_choices()
        self.apply_filter()

    def _load_choices(self) -> None:
        self._runner.run(lambda desk: (desk.audit.users(), desk.audit.actions()),
                         on_done=self._set_choices)

    def _set_choices(self, choices: tuple[list[str], list[str]]) -> None:
        users, actions = choices
        for combo, values, label in ((self.user, users, lambda u: u or _("(no user)")),
                                     (self.action, actions, action_label)):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(label(value), value)
            found = combo.findData(current)
            combo.setCurrentIndex(found if found >= 0 else 0)
            combo.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        return AuditFilter(subject=self.subject.text().strip(), user=self.user.currentData(),
                           action=self.action.currentData() or "", since=_day(self.since),
                           until=_day(self.until))

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())

    def _on_loaded(self) -> None:
        shown = self.model.rowCount()
        if not shown:
            self.count_label.setText(_("No entries match."))
        elif self.model.has_more():
            self.count_label.setText(_("Newest {count} entries shown; scroll for older ones.")
                                     .format(count=shown))
        else:
            self.count_label.setText(_("{count} entries.").format(count=shown))
        self.sig_loaded.emit()

    def _on_failed(self, message: str) -> None:
        self.count_label.setText(message)
        self.sig_loaded.emit()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if not changes.anything or not self._open:
            return
        if self.isVisible():
            self._load_choices()
            self.model.refresh()
        else:
            self._stale = True  # read again when shown

    # -- verify and export ----------------------------------------------------------------

    def verify(self) -> None:
        self.verify_label.setText(_("Verifying…"))
        self.verify_label.setStyleSheet(MUTED_STYLE)
        run_with_progress(self._runner, self, _("Verify the audit trail"),
                          lambda desk, progress: desk.audit.verify(progress),
                          on_done=self._show_verified,
                          on_cancel=lambda: self.verify_label.setText(""))

    def _show_verified(self, result: dict) -> None:
        self.last_verify = result
        if result["valid"]:
            self.verify_label.setStyleSheet(VALID_STYLE)
            self.verify_label.setText(_("✓ Intact: all {entries} entries match the hash chain.")
                                      .format(**result))
        else:
            self.verify_label.setStyleSheet(INVALID_STYLE)
            self.verify_label.setText(_("✗ Altered outside SkillDesk: entry {first_bad} does not "
                                        "match the chain ({entries} entries).").format(**result))
        self.sig_verified.emit(result)

    def _export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Export the audit trail"), _("audit trail") + ".xlsx", "Excel (*.xlsx)")
        if path:
            self.export_to(with_suffix(path, chosen))

    def export_to(self, path: str) -> None:
        f = self.current_filter()

        def done(count: int) -> None:
            self.count_label.setText(_("{count} entries written to {path}.").format(
                count=count, path=path))
            self.sig_exported.emit(count)

        run_with_progress(self._runner, self, _("Export the audit trail"),
                          lambda desk, progress: desk.audit.export(path, f, progress),
                          on_done=done)
