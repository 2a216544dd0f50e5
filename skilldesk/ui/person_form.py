"""The detail/edit form of one person, with inline validation as you type.

Validation runs through the facade on the worker (the same checks that guard
saving, including the duplicate-ID lookup), debounced, and each problem is
shown under its field. Sex and date of birth are derived from the ID number
and shown, not typed.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtCore import QRegularExpression
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.models import SEXES
from skilldesk.core.models import Person
from skilldesk.core.models import PersonDraft
from skilldesk.core.people import draft_from
from skilldesk.core.report_data import mask_phone
from skilldesk.errors import FieldIssue
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import FieldMessages
from skilldesk.ui.widgets import show_save_failure

HUKOU_TYPES = ["", "农业", "非农业"]
EDUCATION_LEVELS = ["", "小学", "初中", "高中", "中专", "技校", "大专", "本科", "研究生"]
VALIDATE_DELAY_MS = 250
# 是否领取基本养老金: the combo's rows, in order; None = not recorded (never "no")
PENSION_CHOICES: list[tuple[bool | None, str]] = [
    (None, N_("Not on record")), (False, N_("No")), (True, N_("Yes"))]

_LINE_FIELDS: list[tuple[str, str, str]] = [
    ("name", N_("Name"), ""),
    ("id_number", N_("ID number"), N_("18 characters; the last may be X")),
    ("phone", N_("Mobile"), N_("11 digits")),
    ("hukou_address", N_("Registered residence (hukou)"), ""),
    ("employer", N_("Employer"), ""),
    ("employer_uscc", N_("Employer's credit code"), N_("18 characters")),
]
#: Shown masked on a database with accounts until revealed (each reveal is logged).
MASKS = {"id_number": mask_id_number, "phone": mask_phone}


class PersonForm(QWidget):
    sig_saved = Signal(str)  # person id

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self._person_id: str | None = None
        self._loaded: PersonDraft = PersonDraft(name="", id_number="")
        self._generation = 0
        self._filling = False
        self._masked_mode = False
        self._hidden: dict[str, str] = {}   # field → full value while it is shown masked
        self.reveal_buttons: dict[str, QPushButton] = {}
        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self._validate_now)
        self.new_person()

    # -- layout --------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        outer.addWidget(self.title)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # labels above fields: the form stays narrow beside the table
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(4)
        self.edits: dict[str, QLineEdit] = {}
        self.messages = FieldMessages("message_")
        for key, label, hint in _LINE_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"field_{key}")
            if hint:
                edit.setPlaceholderText(_(hint))
            edit.textEdited.connect(self._on_edited)
            self.edits[key] = edit
            form.addRow(_(label), self.messages.wrap(key, self._with_reveal(key, edit)))
            if key == "id_number":
                self.derived = QLabel()
                self.derived.setObjectName("derived_from_id")
                self.derived.setStyleSheet("color: #555;")
                form.addRow(self.derived)
        self.hukou_type = QComboBox()
        self.hukou_type.addItems(HUKOU_TYPES)
        self.hukou_type.currentIndexChanged.connect(self._on_edited)
        form.insertRow(5, _("Hukou type"), self.hukou_type)
        self.education = QComboBox()
        self.education.setEditable(True)
        self.education.addItems(EDUCATION_LEVELS)
        self.education.currentTextChanged.connect(self._on_edited)
        form.insertRow(6, _("Education"), self.education)

        self._add_subsidy_facts(form)

        grid = QGridLayout()
        self.category_boxes: dict[str, QCheckBox] = {}
        for number, (key, label) in enumerate(PERSON_CATEGORIES.items()):
            box = QCheckBox(_(label))
            box.toggled.connect(self._on_edited)
            self.category_boxes[key] = box
            # one column: long English labels must not be clipped
            grid.addWidget(box, number, 0)
        categories = QWidget()
        categories.setLayout(grid)
        form.addRow(_("Categories"), self.messages.wrap("categories", categories))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.notes.textChanged.connect(self._on_edited)
        form.addRow(_("Notes"), self.notes)
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(fields)
        outer.addWidget(scroll, 1)

        # buttons stay visible below the scrolling fields
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("form_status")
        buttons.addWidget(self.status, 1)
        self.revert_button = QPushButton(_("Discard changes"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("save_person")
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._set_tab_order()

    def _with_reveal(self, key: str, edit: QLineEdit) -> QWidget:
        if key not in MASKS:
            return edit
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(edit, 1)
        button = QPushButton(_("Show"))
        button.setObjectName(f"reveal_{key}")
        button.setToolTip(_("Show the full number (recorded in the audit log). "
                            "Needed before you can change it."))
        button.clicked.connect(partial(self.reveal, key))
        button.hide()
        line.addWidget(button)
        self.reveal_buttons[key] = button
        return row

    def set_masked(self, masked: bool) -> None:
        """A database with accounts: personal numbers of stored people start masked."""
        self._masked_mode = masked

    def is_masked(self, key: str) -> bool:
        return key in self._hidden

    def reveal(self, key: str) -> None:
        """The full number, from the facade (which checks the role and logs it)."""
        person_id = self._person_id
        if person_id is None or key not in self._hidden:
            return
        generation = self._generation
        self._runner.run(lambda desk: desk.accounts.reveal("person", person_id, key),
                         on_done=partial(self._on_revealed, generation, person_id, key),
                         on_error=partial(show_error, self))

    def _on_revealed(self, generation: int, person_id: str, key: str, value: str) -> None:
        if person_id != self._person_id or key not in self._hidden:
            return
        self._hidden.pop(key)
        self._show_plain(key, value)

    def _show_plain(self, key: str, value: str) -> None:
        edit = self.edits[key]
        edit.setText(value)
        edit.setReadOnly(False)
        edit.setToolTip("")
        self.reveal_buttons[key].hide()

    def _add_subsidy_facts(self, form: QFormLayout) -> None:
        """Pension and insurance months: both may stay "not recorded"."""
        self.pension = QComboBox()
        self.pension.setObjectName("field_pension")
        self.pension.addItems([_(label) for _value, label in PENSION_CHOICES])
        self.pension.currentIndexChanged.connect(self._on_edited)
        form.addRow(_("Drawing a basic pension"), self.messages.wrap("pension", self.pension))
        self.insured_months = QLineEdit()
        self.insured_months.setObjectName("field_insured_months")
        self.insured_months.setPlaceholderText(_("Not on record"))
        self.insured_months.setValidator(
            QRegularExpressionValidator(QRegularExpression("[0-9０-９]{0,4}"), self.insured_months))
        self.insured_months.setMaximumWidth(140)
        self.insured_months.textEdited.connect(self._on_edited)
        row = QWidget()
        # no stretching: a long message below must not push the box away from its label
        row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.insured_months)
        line.addWidget(QLabel(_("months")))
        line.addStretch(1)
        form.addRow(_("Months of unemployment insurance paid"),
                    self.messages.wrap("insured_months", row))

    def _set_tab_order(self) -> None:
        """Tab follows the form from top to bottom, then the buttons."""
        chain: list[QWidget] = [
            self.edits["name"], self.edits["id_number"], self.edits["phone"],
            self.edits["hukou_address"], self.hukou_type, self.education, self.edits["employer"],
            self.edits["employer_uscc"], self.pension, self.insured_months,
            *self.category_boxes.values(), self.notes, self.revert_button, self.save_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # -- state ----------------------------------------------------------------------

    @property
    def person_id(self) -> str | None:
        return self._person_id

    def draft(self) -> PersonDraft:
        return PersonDraft(
            name=self.edits["name"].text(),
            id_number=self._hidden.get("id_number", self.edits["id_number"].text()),
            phone=self._hidden.get("phone", self.edits["phone"].text()),
            hukou_address=self.edits["hukou_address"].text(),
            hukou_type=self.hukou_type.currentText(),
            education=self.education.currentText(),
            employer=self.edits["employer"].text(),
            employer_uscc=self.edits["employer_uscc"].text(),
            notes=self.notes.toPlainText(),
            categories=tuple(k for k, box in self.category_boxes.items() if box.isChecked()),
            pension=PENSION_CHOICES[max(self.pension.currentIndex(), 0)][0],
            insured_months=self._months(),
        )

    def _months(self):
        """The typed months as a number; other text goes to the facade, which says
        what is wrong with it under the field."""
        text = self.insured_months.text().strip()
        if not text:
            return None
        return int(text) if text.isdecimal() else text

    def is_dirty(self) -> bool:
        return self.draft() != self._loaded

    def _fill(self, draft: PersonDraft) -> None:
        self._filling = True
        try:
            self._hidden.clear()
            for key, edit in self.edits.items():
                value = getattr(draft, key)
                if key in MASKS and self._masked_mode and self._person_id and value:
                    self._hidden[key] = value
                    edit.setText(MASKS[key](value))
                    edit.setReadOnly(True)
                    edit.setToolTip(_("Masked. Click “Show” to see or change it."))
                    self.reveal_buttons[key].show()
                elif key in MASKS:
                    self._show_plain(key, value)
                else:
                    edit.setText(value)
            self.hukou_type.setCurrentText(draft.hukou_type)
            self.education.setCurrentText(draft.education)
            self.notes.setPlainText(draft.notes)
            self.pension.setCurrentIndex(
                0 if draft.pension is None else 2 if draft.pension else 1)
            self.insured_months.setText(
                "" if draft.insured_months is None else str(draft.insured_months))
            for key, box in self.category_boxes.items():
                box.setChecked(key in draft.categories)
        finally:
            self._filling = False
        self._loaded = self.draft()
        self._show_issues([])
        self._update_buttons()

    def new_person(self) -> None:
        self._person_id = None
        self.title.setText(_("New person"))
        self._show_derived(None, None)
        self.status.clear()
        self._fill(PersonDraft(name="", id_number=""))
        self.edits["name"].setFocus()

    def load(self, person_id: str, *, keep_status: bool = False) -> None:
        """Show the stored person (read on the worker)."""
        self._generation += 1
        generation = self._generation
        self._runner.run(lambda desk: desk.people.get(person_id),
                         on_done=partial(self._on_loaded, generation, keep_status),
                         on_error=partial(show_error, self))

    def _on_loaded(self, generation: int, keep_status: bool, person: Person) -> None:
        if generation != self._generation:
            return
        self._person_id = person.id
        self.title.setText(_("Person: {name}").format(name=person.name))
        if not keep_status:
            self.status.clear()
        self._fill(draft_from(person))
        self._show_derived(person.sex, person.birth_date)

    def revert(self) -> None:
        self._fill(self._loaded)
        self._validate_now()

    def maybe_leave(self) -> bool:
        """Ask what to do with unsaved edits; False means stay on this person."""
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self, _("Unsaved changes"),
            _("This person has unsaved changes. Save them before leaving?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            self.save()
            return False  # stay until the save has landed (it may fail validation)
        return answer == QMessageBox.StandardButton.Discard

    # -- validation and saving ---------------------------------------------------------

    def _on_edited(self, *_args) -> None:
        if self._filling:
            return
        self.status.clear()
        self._update_buttons()
        self._validate_timer.start()

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _validate_now(self) -> None:
        self._generation += 1
        generation = self._generation
        draft, person_id = self.draft(), self._person_id
        self._runner.run(lambda desk: desk.people.validate(draft, person_id=person_id),
                         on_done=partial(self._on_validated, generation),
                         on_error=partial(show_error, self))

    def _on_validated(self, generation: int, result: tuple[dict, list[FieldIssue]]) -> None:
        if generation != self._generation:
            return
        fields, issues = result
        self._show_issues(issues)
        self._show_derived(fields.get("sex"), fields.get("birth_date"))

    def _show_derived(self, sex: str | None, birth_date: str | None) -> None:
        if sex and birth_date:
            self.derived.setText(_("Sex: {sex} · Date of birth: {date}").format(
                sex=_(SEXES.get(sex, sex)), date=birth_date))
        else:
            self.derived.setText(_("Sex and date of birth are read from the ID number."))

    def _show_issues(self, issues: list[FieldIssue]) -> None:
        self.messages.show(issues)

    def save(self) -> None:
        if not self.is_dirty():
            return
        self._validate_timer.stop()
        self._generation += 1
        generation = self._generation
        draft, person_id = self.draft(), self._person_id
        self.save_button.setEnabled(False)
        self._runner.run(lambda desk: desk.people.save(draft, person_id=person_id),
                         on_done=partial(self._on_saved, generation, draft),
                         on_error=self._on_save_failed)

    def _on_saved(self, generation: int, draft: PersonDraft, changes: Changes) -> None:
        person_id = changes.ids[0] if changes.ids else self._person_id
        self._loaded = draft
        self._show_issues([])
        self.status.setText(_("Saved."))
        self._update_buttons()
        if person_id:
            self._person_id = person_id
            # show the normalised values (e.g. X upper-cased, spaces gone)
            self.load(person_id, keep_status=True)
        self._hub.sig_changes.emit(changes, self)
        if person_id:
            self.sig_saved.emit(person_id)

    def _on_save_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        show_save_failure(self, exc, self._show_issues, self.status)
