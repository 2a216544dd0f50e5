"""The create/edit dialog of a class (ClassDraft), with inline validation.

Validation runs on the worker through the facade (the same checks that guard
saving), debounced as the user types; each problem shows under its field.
Editing a filed class asks for a reason (the core says when).
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from PySide6.QtCore import QDate
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDoubleSpinBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import CLASS_CATEGORIES
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.class_models import ClassDraft
from skilldesk.errors import FieldIssue
from skilldesk.i18n import _
from skilldesk.ui.class_support import run_with_reason
from skilldesk.ui.class_teachers import TeachersTable
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import FieldMessages
from skilldesk.ui.widgets import show_save_failure

VALIDATE_DELAY_MS = 300


class ClassForm(QDialog):
    sig_saved = Signal(str)  # class id

    def __init__(self, runner: TaskRunner, hub: Hub, *, class_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("class_form")
        self._runner, self._hub = runner, hub
        self.class_id = class_id
        self._generation = 0
        self._filling = False
        self._loaded: ClassDraft | None = None
        self.setWindowTitle(_("New class") if class_id is None else _("Edit class"))
        self.resize(1000, 700)
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)
        if class_id is None:
            start = dt.date.today() + dt.timedelta(days=14)
            self._fill(ClassDraft(code="", name="", training_type="employment_skill",
                                  start_date=start.isoformat(),
                                  end_date=(start + dt.timedelta(days=14)).isoformat()))
        else:
            self.setEnabled(False)
            runner.run(lambda desk: desk.classes.draft_of(class_id), on_done=self._on_loaded,
                       on_error=partial(show_error, self))

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.messages = FieldMessages("class_message_")
        fields = QWidget()
        grid = QGridLayout(fields)
        grid.setContentsMargins(0, 0, 8, 0)
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setVerticalSpacing(6)
            form.setHorizontalSpacing(12)
        self.edits: dict[str, QLineEdit] = {}

        def line(key: str, label: str, form: QFormLayout, hint: str = "") -> None:
            edit = QLineEdit()
            edit.setObjectName(f"class_field_{key}")
            edit.setPlaceholderText(hint)
            edit.textEdited.connect(self._on_edited)
            self.edits[key] = edit
            form.addRow(label, self.messages.wrap(key, edit))

        line("code", _("Class code"), left, _("For example SZ2026-0013"))
        line("name", _("Class name"), left)
        self.training_type = self._combo(
            "training_type", [(k, _(v)) for k, v in TRAINING_TYPES.items()])
        left.addRow(_("Training type"), self.messages.wrap("training_type", self.training_type))
        line("occupation_code", _("Occupation code"), left, _("For example 4-03-02-01"))
        line("occupation_name", _("Occupation or project"), left)
        line("work_type", _("Work type"), left)
        self.level = self._combo("level", [("", _("(none)"))]
                                 + [(k, _(v)) for k, v in LEVELS.items()])
        left.addRow(_("Level"), self.messages.wrap("level", self.level))
        self.category = self._combo("category", [(c, c or _("(none)")) for c in CLASS_CATEGORIES])
        self.category.setToolTip(_("Subsidy category A, B or C of the occupation"))
        left.addRow(_("Category (A/B/C)"), self.messages.wrap("category", self.category))

        self.start_date, self.end_date = self._date("start_date"), self._date("end_date")
        right.addRow(_("Start date"), self.messages.wrap("start_date", self.start_date))
        right.addRow(_("End date"), self.messages.wrap("end_date", self.end_date))
        self.theory_hours = self._spin("theory_hours", 2000)
        self.practice_hours = self._spin("practice_hours", 2000)
        right.addRow(_("Theory periods"), self.messages.wrap("theory_hours", self.theory_hours))
        right.addRow(_("Practice periods"),
                     self.messages.wrap("practice_hours", self.practice_hours))
        line("venue", _("Venue"), right)
        self.capacity = self._spin("capacity", 1000)
        self.capacity.setSpecialValueText(_("not set"))
        right.addRow(_("Capacity"), self.messages.wrap("capacity", self.capacity))
        self.fee = QDoubleSpinBox()
        self.fee.setObjectName("class_field_fee")
        self.fee.setRange(0, 1_000_000)
        self.fee.setDecimals(2)
        self.fee.setSuffix(_(" yuan"))
        self.fee.setGroupSeparatorShown(True)
        self.fee.valueChanged.connect(self._on_edited)
        right.addRow(_("Fee per trainee"), self.messages.wrap("fee_fen", self.fee))
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setHorizontalSpacing(24)

        teachers_box = QGroupBox(_("Teachers"))
        box_layout = QVBoxLayout(teachers_box)
        self.teachers = TeachersTable()
        self.teachers.sig_changed.connect(self._on_edited)
        box_layout.addWidget(self.messages.wrap("teachers", self.teachers))
        grid.addWidget(teachers_box, 1, 0, 1, 2)

        self.plans: dict[str, QPlainTextEdit] = {}
        plans = QHBoxLayout()
        for key, label in (("teaching_plan", _("Teaching plan")),
                           ("assessment_plan", _("Assessment plan"))):
            box = QGroupBox(label)
            edit = QPlainTextEdit()
            edit.setObjectName(f"class_field_{key}")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(80)
            edit.textChanged.connect(self._on_edited)
            self.plans[key] = edit
            QVBoxLayout(box).addWidget(self.messages.wrap(key, edit))
            plans.addWidget(box)
        grid.addLayout(plans, 2, 0, 1, 2)
        grid.setRowStretch(3, 1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(fields)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("class_form_status")
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("save_class")
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.edits["code"].setFocus()

    def _combo(self, key: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"class_field_{key}")
        for value, label in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._on_edited)
        return combo

    def _date(self, key: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(f"class_field_{key}")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.dateChanged.connect(self._on_edited)
        return edit

    def _spin(self, key: str, maximum: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(f"class_field_{key}")
        spin.setRange(0, maximum)
        spin.valueChanged.connect(self._on_edited)
        return spin

    # -- state ----------------------------------------------------------------------------

    def draft(self) -> ClassDraft:
        text = {k: e.text() for k, e in self.edits.items()}
        return ClassDraft(
            code=text["code"], name=text["name"],
            training_type=self.training_type.currentData(),
            start_date=self.start_date.date().toString("yyyy-MM-dd"),
            end_date=self.end_date.date().toString("yyyy-MM-dd"),
            occupation_code=text["occupation_code"], occupation_name=text["occupation_name"],
            work_type=text["work_type"], level=self.level.currentData(),
            category=self.category.currentData(), theory_hours=self.theory_hours.value(),
            practice_hours=self.practice_hours.value(), venue=text["venue"],
            capacity=self.capacity.value(),
            teaching_plan=self.plans["teaching_plan"].toPlainText(),
            assessment_plan=self.plans["assessment_plan"].toPlainText(),
            fee_fen=round(self.fee.value() * 100), teachers=self.teachers.teachers())

    def _fill(self, draft: ClassDraft) -> None:
        self._filling = True
        try:
            for key, edit in self.edits.items():
                edit.setText(getattr(draft, key))
            for combo, value in ((self.training_type, draft.training_type),
                                 (self.level, draft.level), (self.category, draft.category)):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            for edit, value in ((self.start_date, draft.start_date),
                                (self.end_date, draft.end_date)):
                edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
            self.theory_hours.setValue(draft.theory_hours)
            self.practice_hours.setValue(draft.practice_hours)
            self.capacity.setValue(draft.capacity)
            self.fee.setValue(draft.fee_fen / 100)
            for key, edit in self.plans.items():
                edit.setPlainText(getattr(draft, key))
            self.teachers.set_teachers(draft.teachers)
        finally:
            self._filling = False
        self._loaded = self.draft()

    def _on_loaded(self, draft: ClassDraft) -> None:
        self._fill(draft)
        self.setWindowTitle(_("Edit class {code}").format(code=draft.code))
        self.setEnabled(True)
        self.edits["name"].setFocus()

    def is_dirty(self) -> bool:
        return self._loaded is not None and self.draft() != self._loaded

    # -- validation and saving ------------------------------------------------------------

    def _on_edited(self, *_args) -> None:
        if self._filling:
            return
        self.status.clear()
        self._timer.start()

    def validate_now(self) -> None:
        self._generation += 1
        generation, draft, class_id = self._generation, self.draft(), self.class_id
        self._runner.run(lambda desk: desk.classes.validate(draft, class_id=class_id),
                         on_done=lambda result: self._on_validated(generation, result[1]),
                         on_error=partial(show_error, self))

    def _on_validated(self, generation: int, issues: list[FieldIssue]) -> None:
        if generation == self._generation:
            self.show_issues(issues)

    def show_issues(self, issues: list[FieldIssue]) -> None:
        self.messages.show(issues)
        unplaced = [i for i in issues if i.field not in self.messages.by_field]
        if unplaced:
            self.status.setText("\n".join(i.message() for i in unplaced))

    def save(self) -> None:
        self._timer.stop()
        self._generation += 1  # a validation still queued must not overwrite the outcome
        draft, class_id = self.draft(), self.class_id
        if class_id is not None and not self.is_dirty():
            self.accept()
            return
        self.save_button.setEnabled(False)
        run_with_reason(self._runner, self, _("Reason for the change"),
                        lambda desk, reason: desk.classes.save(draft, class_id=class_id,
                                                               reason=reason),
                        on_done=self._on_saved, on_error=self._on_failed,
                        on_cancel=lambda: self.save_button.setEnabled(True))

    def _on_saved(self, changes: Changes) -> None:
        self.save_button.setEnabled(True)
        class_id = changes.ids[0] if changes.ids else self.class_id
        self._hub.sig_changes.emit(changes, self)
        if class_id:
            self.sig_saved.emit(class_id)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_save_failure(self, exc, self.show_issues, self.status)

    def reject(self) -> None:
        self._timer.stop()
        super().reject()
