"""The 考核与证书 tab: each trainee's result, scores and certificate.

The table lists the trainees; the editor below edits the selected one. The
certificate is checked (number scheme, level, duplicates) before the result is
written, so a wrong number leaves nothing half-saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDoubleSpinBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import CERT_TYPES
from skilldesk.core.class_models import RESULTS
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import row_key
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import FieldMessages
from skilldesk.ui.widgets import show_save_failure

if TYPE_CHECKING:
    from skilldesk.ui.class_detail import ClassView


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class ResultsTab(QWidget):
    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.view: ClassView | None = None
        self._advance_after_save = False
        layout = QVBoxLayout(self)
        self.note = QLabel()
        self.note.setObjectName("results_note")
        self.note.setStyleSheet(MUTED_STYLE)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = make_table([_("Name"), _("ID number"), _("Result"), _("Theory"),
                                 _("Practice"), _("Certificate type"), _("Certificate no."),
                                 _("Issued")], "results_table")
        for column, width in enumerate((90, 160, 90, 60, 60, 190, 200)):
            self.table.setColumnWidth(column, width)
        self.table.currentCellChanged.connect(lambda *_a: self._fill_editor())
        layout.addWidget(self.table, 1)
        layout.addWidget(self._build_editor())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build_editor(self) -> QGroupBox:
        self.editor = QGroupBox(_("Selected trainee"))
        grid = QGridLayout(self.editor)
        self.messages = FieldMessages("result_message_")
        left, right = QFormLayout(), QFormLayout()
        self.result = QComboBox()
        self.result.setObjectName("result_combo")
        self.result.addItem(_("(no result yet)"), None)
        for key, label in RESULTS.items():
            self.result.addItem(_(label), key)
        left.addRow(_("Result"), self.messages.wrap("result", self.result))
        self.theory, self.practice = QDoubleSpinBox(), QDoubleSpinBox()
        for key, spin, label in (("theory_score", self.theory, _("Theory score")),
                                 ("practice_score", self.practice, _("Practice score"))):
            spin.setObjectName(key)
            spin.setRange(-1, 100)
            spin.setDecimals(1)
            spin.setSpecialValueText("—")
            left.addRow(label, self.messages.wrap(key, spin))
        self.cert_type = QComboBox()
        self.cert_type.setObjectName("cert_type")
        for key, label in CERT_TYPES.items():
            self.cert_type.addItem(_(label), key)
        right.addRow(_("Certificate type"), self.messages.wrap("cert_type", self.cert_type))
        self.cert_number = QLineEdit()
        self.cert_number.setObjectName("cert_number")
        self.cert_number.setPlaceholderText(_("Leave empty until the certificate is issued"))
        right.addRow(_("Certificate no."), self.messages.wrap("cert_number", self.cert_number))
        self.issue_date = QDateEdit()
        self.issue_date.setObjectName("cert_issue_date")
        self.issue_date.setCalendarPopup(True)
        self.issue_date.setDisplayFormat("yyyy-MM-dd")
        right.addRow(_("Issue date"), self.messages.wrap("issue_date", self.issue_date))
        self.issuing_body = QLineEdit()
        right.addRow(_("Issuing body"), self.messages.wrap("issuing_body", self.issuing_body))
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(1, 1)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("results_status")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.save_button = QPushButton(_("Save and next"))
        self.save_button.setObjectName("result_save")
        self.save_button.setToolTip(_("Save this trainee and go to the next (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        grid.addLayout(row, 1, 0, 1, 2)
        return self.editor

    def show_view(self, view: ClassView) -> None:
        self.view = view
        trainees = [t for t in view.roster if t["status"] == "enrolled"]
        rows = []
        for t in trainees:
            cert = view.certificates.get(t["enrolment_id"]) or {}
            rows.append([t["name"], mask_id_number(t["id_number"]),
                         _(RESULTS[t["result"]]) if t["result"] in RESULTS else "",
                         _score(t["theory_score"]), _score(t["practice_score"]),
                         _(CERT_TYPES.get(cert.get("cert_type", ""), "")) if cert else "",
                         cert.get("cert_number", ""), cert.get("issue_date", "")])
        fill_table(self.table, rows, [t["enrolment_id"] for t in trainees])
        state = view.record["state"]
        editable = state == "completed"
        self.editor.setEnabled(editable)
        stats = view.stats
        summary = _("{recorded} of {trainees} results recorded, {passed} passed, "
                    "{certs} certificates.").format(
            recorded=stats.results_recorded, trainees=stats.trainees, passed=stats.passed,
            certs=len(view.certificates))
        if not editable:
            summary += " " + (_("The class is assessed; its results are closed.")
                              if state in ("assessed", "claimed", "paid") else
                              _("Results are recorded once training is completed."))
        self.note.setText(summary)
        if self._advance_after_save:
            self._advance_after_save = False
            if self.table.currentRow() + 1 < self.table.rowCount():
                self.table.selectRow(self.table.currentRow() + 1)
        if self.table.currentRow() < 0 and self.table.rowCount():
            self.table.selectRow(0)
        self._fill_editor()

    def _trainee(self) -> dict | None:
        key = row_key(self.table)
        return next((t for t in (self.view.roster if self.view else [])
                     if t["enrolment_id"] == key), None)

    def _fill_editor(self) -> None:
        trainee = self._trainee()
        self.messages.show([])
        if trainee is None or self.view is None:
            self.editor.setTitle(_("Selected trainee"))
            return
        self.editor.setTitle(trainee["name"])
        self.result.setCurrentIndex(max(self.result.findData(trainee["result"]), 0))
        for spin, key in ((self.theory, "theory_score"), (self.practice, "practice_score")):
            spin.setValue(-1 if trainee[key] is None else trainee[key])
        cert = self.view.certificates.get(trainee["enrolment_id"])
        default_type = "skill_level" if self.view.record["level"].startswith("L") else "training"
        self.cert_type.setCurrentIndex(max(self.cert_type.findData(
            cert["cert_type"] if cert else default_type), 0))
        self.cert_number.setText(cert["cert_number"] if cert else "")
        day = cert["issue_date"] if cert else ""
        self.issue_date.setDate(QDate.fromString(day, "yyyy-MM-dd") if day
                                else QDate.currentDate())
        if cert:
            self.issuing_body.setText(cert["issuing_body"])
        elif not self.issuing_body.text() and self.view.certificates:
            self.issuing_body.setText(next(iter(self.view.certificates.values()))["issuing_body"])

    def save(self) -> None:
        trainee = self._trainee()
        if trainee is None or not self.editor.isEnabled():
            return
        enrolment_id = trainee["enrolment_id"]
        result = self.result.currentData()
        theory = None if self.theory.value() < 0 else self.theory.value()
        practice = None if self.practice.value() < 0 else self.practice.value()
        number = self.cert_number.text().strip()
        draft = CertificateDraft(cert_type=self.cert_type.currentData(), cert_number=number,
                                 issue_date=self.issue_date.date().toString("yyyy-MM-dd"),
                                 issuing_body=self.issuing_body.text())

        def op(desk) -> Changes:
            if number:  # check first: nothing is written if the certificate is wrong
                _fields, issues = desk.outcomes.check_certificate(enrolment_id, draft)
                if any(i.severity == "error" for i in issues):
                    raise ValidationError(issues)
            changes = desk.outcomes.set_result(enrolment_id, result, theory_score=theory,
                                               practice_score=practice)
            if number:
                changes = changes.merge(desk.outcomes.save_certificate(enrolment_id, draft))
            return changes

        self.status.clear()
        self._runner.run(op, on_done=lambda c: self._on_saved(trainee["name"], c),
                         on_error=self._on_failed)

    def _on_saved(self, name: str, changes: Changes) -> None:
        self.status.setStyleSheet("")
        self.status.setText(_("Saved {name}.").format(name=name))
        self._advance_after_save = True
        self._hub.sig_changes.emit(changes, self)

    def _on_failed(self, exc: BaseException) -> None:
        show_save_failure(self, exc, self.messages.show, self.status)
