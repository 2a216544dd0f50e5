"""The 补贴测算 tab of a class: what the policy pays for each trainee and why, and
the readiness report (申领前自查) before a claim.

The decisions are heavier than the rest of the detail, so they are computed on
the worker on their own, and only when the tab is shown (or shown again after
the class or its records changed), never with every reload of the detail.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTreeWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.subsidy import ClassSubsidy
from skilldesk.errors import SkilldeskError
from skilldesk.export.tabular import write_xlsx
from skilldesk.i18n import _
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.subsidy_model import OUTCOME_ROLE
from skilldesk.ui.subsidy_model import RED
from skilldesk.ui.subsidy_model import ReadinessTree
from skilldesk.ui.subsidy_model import TraineeTree
from skilldesk.ui.subsidy_model import category_label
from skilldesk.ui.subsidy_model import export_columns
from skilldesk.ui.subsidy_model import export_rows
from skilldesk.ui.subsidy_model import payee_label
from skilldesk.ui.subsidy_model import summary_totals
from skilldesk.ui.subsidy_model import yuan
from skilldesk.ui.tasks import TaskRunner

_SAMPLE_STYLE = ("background: #fdf0d5; color: #7a4500; border: 1px solid #e8c98a; "
                 "border-radius: 4px; padding: 4px 8px; font-weight: bold;")
_PROBLEM_STYLE = f"color: {RED};"


class SubsidyTab(QWidget):
    sig_record = Signal(object)   # a readiness SignalRecord the user clicked
    sig_loaded = Signal()

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.class_id: str | None = None
        self.result: ClassSubsidy | None = None
        self._stale = False
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_header())
        self.status = QLabel()
        self.status.setObjectName("subsidy_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.trainees = TraineeTree()
        self.trainees.currentItemChanged.connect(self._show_clause)
        left_layout.addWidget(self.trainees, 1)
        self.clause = QLabel()
        self.clause.setObjectName("subsidy_clause")
        self.clause.setWordWrap(True)
        self.clause.setStyleSheet(MUTED_STYLE)
        self.clause.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left_layout.addWidget(self.clause)
        splitter.addWidget(left)
        box = QGroupBox(_("Before claiming: self-check"))
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(6, 6, 6, 6)
        self.readiness = ReadinessTree()
        self.readiness.sig_record.connect(self.sig_record.emit)
        box_layout.addWidget(self.readiness)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 380])
        splitter.splitterMoved.connect(self._user_moved_splitter)
        self.splitter, self._splitter_moved = splitter, False
        layout.addWidget(splitter, 1)
        hub.sig_changes.connect(self._on_changes)
        self._show_empty()

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("subsidy_header")
        grid = QGridLayout(header)
        grid.setContentsMargins(0, 0, 0, 4)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(3)
        self.summary = QLabel()
        self.summary.setObjectName("subsidy_summary")
        self.summary.setStyleSheet(HEADING_STYLE)
        grid.addWidget(self.summary, 0, 0)
        buttons = QHBoxLayout()
        self.recalc_button = QPushButton(_("Recalculate"))
        self.recalc_button.setObjectName("subsidy_recalculate")
        self.recalc_button.setToolTip(_("Judge every trainee again with the records as they "
                                        "are now"))
        self.recalc_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(_("Export details…"))
        self.export_button.setObjectName("subsidy_export")
        self.export_button.clicked.connect(self._choose_export)
        buttons.addWidget(self.recalc_button)
        buttons.addWidget(self.export_button)
        grid.addLayout(buttons, 0, 1, Qt.AlignmentFlag.AlignRight)
        self.labels: dict[str, QLabel] = {}
        for row, key in enumerate(("rules", "by_category", "by_payee"), start=1):
            label = QLabel()
            label.setObjectName(f"subsidy_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key] = label
            grid.addWidget(label, row, 0, 1, 2)
        self.sample_warning = QLabel()
        self.sample_warning.setObjectName("subsidy_sample_warning")
        self.sample_warning.setWordWrap(True)
        self.sample_warning.setStyleSheet(_SAMPLE_STYLE)
        self.sample_warning.hide()
        grid.addWidget(self.sample_warning, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        return header

    # -- when to compute ---------------------------------------------------------------------

    def set_class(self, class_id: str) -> None:
        """The detail shows this class; compute now if the tab is on screen, else when shown."""
        if class_id == self.class_id:
            return
        self.class_id = class_id
        self.result = None
        self._show_empty()
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if self.class_id and changes.anything:
            self._stale = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        class_id = self.class_id
        if class_id is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        self.status.setStyleSheet(MUTED_STYLE)
        self.status.setText(_("Calculating the subsidy…"))
        self.status.show()
        self.recalc_button.setEnabled(False)
        self._runner.run(lambda desk: desk.subsidy.check_class(class_id),
                         on_done=lambda result: self._show(generation, result),
                         on_error=lambda exc: self._failed(generation, exc))

    # -- showing -----------------------------------------------------------------------------

    def _show_empty(self) -> None:
        self.summary.setText(_("Subsidy"))
        for label in self.labels.values():
            label.clear()
        self.sample_warning.hide()
        self.trainees.clear()
        self.readiness.clear()
        self.clause.clear()
        self.export_button.setEnabled(False)

    def _show(self, generation: int, result: ClassSubsidy) -> None:
        if generation != self._generation or result.class_id != self.class_id:
            return
        self.result = result
        self.recalc_button.setEnabled(True)
        count = len(result.lines)
        self.summary.setText(_("{eligible} / {count} trainees eligible · total {amount} yuan")
                             .format(eligible=result.eligible, count=count,
                                     amount=yuan(result.total_fen)))
        catalogue = result.catalogue_title or _("none in force")
        self.labels["rules"].setText(_("Rule set: {rules} · Catalogue: {catalogue}").format(
            rules=result.rule_set_title, catalogue=catalogue))
        self.labels["by_category"].setText(_("By category: {totals}").format(
            totals=summary_totals(result.totals_by("category"), category_label)))
        self.labels["by_payee"].setText(_("By payee: {totals}").format(
            totals=summary_totals(result.totals_by("payee"), payee_label)))
        if result.catalogue_title is None:
            self.sample_warning.setText(_(
                "No occupation catalogue is in force for this class: import the bureau's "
                "catalogue, then recalculate."))
        elif result.catalogue_sample:
            self.sample_warning.setText(_(
                "⚠ Sample data: the catalogue “{catalogue}” is an example, not the bureau's. "
                "The amounts are for trying SkillDesk out; import the bureau's catalogue "
                "before claiming.").format(catalogue=result.catalogue_title))
        self.sample_warning.setVisible(result.catalogue_title is None or result.catalogue_sample)
        self.trainees.fill(result)
        self.readiness.fill(result)
        self._fit_splitter()
        self.export_button.setEnabled(bool(result.lines))
        if not count:
            self.status.setText(_("No trainees on the roster: nothing to claim."))
        else:
            self.status.clear()
            self.status.hide()
        self.sig_loaded.emit()

    def _user_moved_splitter(self, *_args) -> None:
        self._splitter_moved = True

    def _fit_splitter(self) -> None:
        """Give the trainee table the width its columns need (unless the user chose),
        leaving the self-check at least a readable width."""
        if self._splitter_moved:
            return
        tree = self.trainees
        needed = (tree.header().length() + tree.verticalScrollBar().sizeHint().width()
                  + 2 * tree.frameWidth() + 2)
        total = sum(self.splitter.sizes())
        left = max(min(needed, total - 300), total // 2)
        self.splitter.setSizes([left, total - left])

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.recalc_button.setEnabled(True)
        self.status.setStyleSheet(_PROBLEM_STYLE)
        self.status.show()
        if isinstance(exc, SkilldeskError):
            self.status.setText(_("The subsidy could not be calculated: {problem}").format(
                problem=exc.user_message()))
        else:
            self.status.setText(_("The subsidy could not be calculated (see the log)."))
            show_error(self, exc)

    def _show_clause(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        outcome = item.data(0, OUTCOME_ROLE) if item is not None else None
        clause = getattr(outcome, "clause", "")
        self.clause.setText(_("Basis: {clause}").format(clause=clause) if clause else "")

    def select_trainee(self, enrolment_id: str) -> bool:
        item = self.trainees.item_for(enrolment_id)
        if item is not None:
            self.trainees.setCurrentItem(item)
            self.trainees.scrollToItem(item)
        return item is not None

    # -- export ------------------------------------------------------------------------------

    def _choose_export(self) -> None:
        if self.result is None:
            return
        suggested = _("subsidy {code}").format(code=self.result.code) + ".xlsx"
        path, _chosen = QFileDialog.getSaveFileName(
            self, _("Export subsidy details"), suggested, "Excel (*.xlsx)")
        if path:
            self.export_to(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def export_to(self, path: str) -> None:
        """Write the lines to an .xlsx on the side thread (no database needed)."""
        result = self.result
        if result is None:
            return
        columns, rows = export_columns(), export_rows(result)
        title = _("{code} {name}: subsidy details ({rules})").format(
            code=result.code, name=result.name, rules=result.rule_set_title)
        sheet = _("Subsidy details")[:31]
        self.export_button.setEnabled(False)
        self._runner.run_side(
            lambda: write_xlsx(path, columns, rows, sheet_name=sheet, title=title),
            on_done=lambda count: self._exported(path, count),
            on_error=lambda exc: self._export_failed(path, exc))

    def _exported(self, path: str, count: int) -> None:
        self.export_button.setEnabled(True)
        self.status.setStyleSheet(MUTED_STYLE)
        self.status.setText(_("{count} trainees written to {path}.").format(
            count=count, path=os.path.normpath(path)))
        self.status.show()

    def _export_failed(self, path: str, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if not isinstance(exc, OSError):
            show_error(self, exc)
            return
        self.status.setStyleSheet(_PROBLEM_STYLE)
        self.status.setText(_("Could not write {path}: close the file if it is open in Excel "
                              "or WPS, or choose another folder.").format(
            path=os.path.normpath(path)))
        self.status.show()
