"""The 就业跟踪 tab: the class's rates against their targets, each graduate's
status at 1, 3 and 6 months, and the follow-ups due across all classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import FOLLOWUP_MONTHS
from skilldesk.core.class_models import FOLLOWUP_STATUSES
from skilldesk.core.class_models import ClassStats
from skilldesk.core.outcomes import FollowupDraft
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import percent
from skilldesk.ui.class_support import row_key
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import FieldMessages
from skilldesk.ui.widgets import show_save_failure

if TYPE_CHECKING:
    from skilldesk.ui.class_detail import ClassView

_MET, _SHORT = "color: #146c2e; font-weight: bold;", "color: #b3261e; font-weight: bold;"


def stats_lines(stats: ClassStats) -> list[tuple[str, bool | None]]:
    """(text, target met?) for each rate the class is judged by."""
    lines = [(_("Pass rate {rate} ({passed} of {trainees}); target {target}").format(
        rate=percent(stats.pass_rate), passed=stats.passed, trainees=stats.trainees,
        target=percent(stats.pass_target)),
        None if stats.pass_rate is None else stats.pass_rate >= stats.pass_target),
        (_("Employment rate {rate} ({employed} of {passed} graduates, {followed} followed up); "
           "target {target}").format(
            rate=percent(stats.employment_rate), employed=stats.employed, passed=stats.passed,
            followed=stats.followed_up, target=percent(stats.employment_target)),
         None if stats.employment_rate is None
         else stats.employment_rate >= stats.employment_target)]
    if stats.is_entrepreneurship:
        per = stats.jobs_per_entrepreneur
        lines.append((_("Jobs created: {jobs} by {people} who started a business, 1:{per}; "
                        "target 1:{target:g}").format(
            jobs=stats.jobs_created, people=stats.entrepreneurs,
            per="—" if per is None else f"{per:.1f}", target=stats.jobs_target),
            None if per is None else per >= stats.jobs_target))
    return lines


class FollowupTab(QWidget):
    sig_open_class = Signal(str)

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.view: ClassView | None = None
        layout = QVBoxLayout(self)
        self.stats_box = QVBoxLayout()
        self.stat_labels: list[QLabel] = []
        layout.addLayout(self.stats_box)
        self.table = make_table([_("Name"), _("ID number")]
                                + [_("{n} months").format(n=m) if m > 1 else _("1 month")
                                   for m in FOLLOWUP_MONTHS], "followup_table")
        for column, width in enumerate((90, 160, 270, 270)):
            self.table.setColumnWidth(column, width)
        self.table.currentCellChanged.connect(lambda *_a: self._fill_editor())
        layout.addWidget(self.table, 2)
        layout.addWidget(self._build_editor())
        due_box = QGroupBox(_("Follow-ups due in all classes"))
        due_layout = QVBoxLayout(due_box)
        self.due = make_table([_("Due on"), _("Class code"), _("Class name"), _("Month"),
                               _("Graduates not yet followed up")], "due_followups")
        for column, width in enumerate((95, 110, 330, 60)):
            self.due.setColumnWidth(column, width)
        self.due.doubleClicked.connect(lambda _i: self.sig_open_class.emit(row_key(self.due)))
        due_layout.addWidget(self.due)
        layout.addWidget(due_box, 1)

    def _build_editor(self) -> QGroupBox:
        self.editor = QGroupBox(_("Record a follow-up"))
        grid = QGridLayout(self.editor)
        self.messages = FieldMessages("followup_message_")
        left, right = QFormLayout(), QFormLayout()
        self.month = QComboBox()
        for month in FOLLOWUP_MONTHS:
            self.month.addItem(_("{n} months").format(n=month) if month > 1 else _("1 month"),
                               month)
        self.month.currentIndexChanged.connect(lambda _i: self._fill_editor())
        left.addRow(_("Follow-up"), self.month)
        self.status = QComboBox()
        for key, label in FOLLOWUP_STATUSES.items():
            self.status.addItem(_(label), key)
        left.addRow(_("Status"), self.messages.wrap("status", self.status))
        self.recorded_on = QDateEdit()
        self.recorded_on.setCalendarPopup(True)
        self.recorded_on.setDisplayFormat("yyyy-MM-dd")
        left.addRow(_("Recorded on"), self.messages.wrap("recorded_on", self.recorded_on))
        self.employer = QLineEdit()
        right.addRow(_("Employer"), self.messages.wrap("employer", self.employer))
        self.uscc = QLineEdit()
        self.uscc.setPlaceholderText(_("18 characters"))
        right.addRow(_("Employer's credit code"), self.messages.wrap("employer_uscc", self.uscc))
        self.contract_date = QLineEdit()
        self.contract_date.setPlaceholderText(_("YYYY-MM-DD, if there is a contract"))
        right.addRow(_("Contract date"), self.messages.wrap("contract_date", self.contract_date))
        self.jobs = QSpinBox()
        self.jobs.setRange(0, 10_000)
        left.addRow(_("Jobs created"), self.messages.wrap("jobs_created", self.jobs))
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(1, 1)
        row = QHBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        self.save_button = QPushButton(_("Save follow-up"))
        self.save_button.setObjectName("followup_save")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        grid.addLayout(row, 1, 0, 1, 2)
        return self.editor

    def show_view(self, view: ClassView) -> None:
        self.view = view
        while self.stat_labels:
            self.stat_labels.pop().deleteLater()
        for text, met in stats_lines(view.stats):
            label = QLabel(("✓ " if met else "✗ " if met is False else "") + text)
            label.setObjectName("followup_stat")
            label.setStyleSheet(_MET if met else _SHORT if met is False else "")
            self.stats_box.addWidget(label)
            self.stat_labels.append(label)
        graduates = [t for t in view.roster if t["status"] == "enrolled" and t["result"] == "pass"]
        rows = []
        for t in graduates:
            cells = [t["name"], mask_id_number(t["id_number"])]
            for month in FOLLOWUP_MONTHS:
                f = view.followups.get((t["enrolment_id"], month))
                cells.append("" if f is None else " · ".join(p for p in (
                    _(FOLLOWUP_STATUSES.get(f["status"], f["status"])), f["employer"]) if p))
            rows.append(cells)
        fill_table(self.table, rows, [t["enrolment_id"] for t in graduates])
        self.editor.setEnabled(view.record["state"] in ("completed", "assessed", "claimed",
                                                        "paid") and bool(graduates))
        fill_table(self.due, [[d.due_on, d.class_code, d.class_name, str(d.month),
                               str(len(d.trainees))] for d in view.due],
                   [d.class_id for d in view.due])
        self._fill_editor()

    def _fill_editor(self) -> None:
        self.messages.show([])
        key, month = row_key(self.table), self.month.currentData()
        found = self.view.followups.get((key, month)) if self.view and key else None
        self.status.setCurrentIndex(max(self.status.findData(found["status"]) if found else 0, 0))
        self.recorded_on.setDate(QDate.fromString(found["recorded_on"], "yyyy-MM-dd")
                                 if found else QDate.currentDate())
        self.employer.setText(found["employer"] if found else "")
        self.uscc.setText(found["employer_uscc"] or "" if found else "")
        self.contract_date.setText(found["contract_date"] or "" if found else "")
        self.jobs.setValue(found["jobs_created"] if found else 0)

    def save(self) -> None:
        enrolment_id, month = row_key(self.table), self.month.currentData()
        if not enrolment_id:
            return
        draft = FollowupDraft(status=self.status.currentData(),
                              recorded_on=self.recorded_on.date().toString("yyyy-MM-dd"),
                              employer=self.employer.text(), employer_uscc=self.uscc.text(),
                              contract_date=self.contract_date.text(),
                              jobs_created=self.jobs.value())
        self.note.clear()
        self._runner.run(lambda desk: desk.outcomes.save_followup(enrolment_id, month, draft),
                         on_done=self._on_saved, on_error=self._on_failed)

    def _on_saved(self, changes: Changes) -> None:
        self.note.setStyleSheet("")
        self.note.setText(_("Follow-up saved."))
        self._hub.sig_changes.emit(changes, self)

    def _on_failed(self, exc: BaseException) -> None:
        show_save_failure(self, exc, self.messages.show, self.note)
