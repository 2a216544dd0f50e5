"""Dialogs of the 课次与考勤 tab: generate the schedule, add or edit one session.

Both run their write on the worker and stay open on a problem: validation issues
appear under their field; periods that did not fit the dates are listed in the
schedule dialog, so the clerk can add weekdays or slots and generate again.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtCore import QTime
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTimeEdit
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import SESSION_KINDS
from skilldesk.core.class_models import Session
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.rules.class_rules import Slot
from skilldesk.ui.attendance_model import WEEKDAYS
from skilldesk.ui.errors import show_error
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import ERROR_STYLE
from skilldesk.ui.widgets import WARNING_STYLE
from skilldesk.ui.widgets import FieldMessages

MAX_SLOTS = 4


def _time_edit(text: str) -> QTimeEdit:
    edit = QTimeEdit(QTime.fromString(text, "HH:mm"))
    edit.setDisplayFormat("HH:mm")
    return edit


class ScheduleDialog(QDialog):
    """Weekdays and daily slots → desk.attendance.generate."""

    sig_generated = Signal(object)  # Changes

    def __init__(self, runner: TaskRunner, class_id: str, record: dict, existing: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._class_id = class_id
        self.setWindowTitle(_("Generate the schedule"))
        layout = QVBoxLayout(self)
        about = QLabel(_("Training runs from {start} to {end}; planned: {theory} theory and "
                         "{practice} practice periods. Theory is scheduled first.").format(
            start=record["start_date"], end=record["end_date"],
            theory=record["theory_hours"], practice=record["practice_hours"]))
        about.setWordWrap(True)
        layout.addWidget(about)
        if existing:
            replace = QLabel(_("The {count} sessions now scheduled will be replaced.").format(
                count=existing))
            replace.setStyleSheet(WARNING_STYLE)
            layout.addWidget(replace)

        layout.addWidget(QLabel(_("Teaching days:")))
        days = QHBoxLayout()
        self.weekdays: list[QCheckBox] = []
        for number, name in enumerate(WEEKDAYS):
            box = QCheckBox(_(name))
            box.setChecked(number < 5)
            self.weekdays.append(box)
            days.addWidget(box)
        days.addStretch(1)
        layout.addLayout(days)

        layout.addWidget(QLabel(_("Daily time slots (start time and periods):")))
        self._slot_box = QVBoxLayout()
        self.slots: list[tuple[QTimeEdit, QSpinBox, QWidget]] = []
        layout.addLayout(self._slot_box)
        self.add_slot_button = QPushButton(_("Add a time slot"))
        self.add_slot_button.clicked.connect(lambda: self.add_slot("18:30", 2))
        add_line = QHBoxLayout()
        add_line.addWidget(self.add_slot_button)
        add_line.addStretch(1)
        layout.addLayout(add_line)
        self.add_slot("08:30", 4)
        self.add_slot("13:30", 4)

        self.skip_holidays = QCheckBox(_("Skip public holidays"))
        self.skip_holidays.setChecked(True)
        layout.addWidget(self.skip_holidays)
        self.message = QLabel()
        self.message.setObjectName("schedule_message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.generate_button = self.buttons.addButton(
            _("Generate"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.generate)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def add_slot(self, start: str, periods: int) -> None:
        if len(self.slots) >= MAX_SLOTS:
            return
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        time_edit = _time_edit(start)
        spin = QSpinBox()
        spin.setRange(1, 8)
        spin.setValue(periods)
        spin.setSuffix(" " + _("periods"))
        remove = QPushButton(_("Remove"))
        line.addWidget(time_edit)
        line.addWidget(spin)
        line.addWidget(remove)
        line.addStretch(1)
        entry = (time_edit, spin, row)
        remove.clicked.connect(lambda: self._remove_slot(entry))
        self._slot_box.addWidget(row)
        self.slots.append(entry)
        self._update_slot_buttons()

    def _remove_slot(self, entry: tuple) -> None:
        if entry in self.slots and len(self.slots) > 1:
            self.slots.remove(entry)
            entry[2].hide()
            entry[2].deleteLater()
        self._update_slot_buttons()

    def _update_slot_buttons(self) -> None:
        self.add_slot_button.setEnabled(len(self.slots) < MAX_SLOTS)

    def chosen(self) -> tuple[set[int], list[Slot]]:
        days = {n for n, box in enumerate(self.weekdays) if box.isChecked()}
        slots = sorted((Slot(t.time().toString("HH:mm"), s.value())
                        for t, s, _row in self.slots),
                       key=lambda slot: slot.start_time)
        return days, slots

    def generate(self) -> None:
        days, slots = self.chosen()
        skip, class_id = self.skip_holidays.isChecked(), self._class_id
        self.generate_button.setEnabled(False)
        self._runner.run(lambda desk: desk.attendance.generate(
            class_id, weekdays=days, slots=slots, skip_holidays=skip),
            on_done=self._on_done, on_error=self._on_error)

    def _on_done(self, result: tuple[Changes, dict]) -> None:
        changes, left = result
        self.generate_button.setEnabled(True)
        self.sig_generated.emit(changes)
        if not any(left.values()):
            self.accept()
            return
        self._show(WARNING_STYLE, _(
            "The schedule was generated, but {theory} theory and {practice} practice periods "
            "did not fit between the start and end dates. Add teaching days or time slots and "
            "generate again, or move the end date.").format(
            theory=left.get("theory", 0), practice=left.get("practice", 0)))

    def _on_error(self, exc: BaseException) -> None:
        self.generate_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show(ERROR_STYLE, "\n".join(i.message() for i in exc.issues))
        else:
            show_error(self, exc)

    def _show(self, style: str, text: str) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.message.show()


class SessionDialog(QDialog):
    """Add a session, or edit one (date, time, periods, kind, topic, teacher)."""

    sig_saved = Signal(object)  # Changes

    def __init__(self, runner: TaskRunner, class_id: str, session: Session | None,
                 template: Session | None = None, default_date: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._class_id = class_id
        self._session_id = session.id if session else None
        base = session or template
        self.setWindowTitle(_("Edit session {seq}").format(seq=session.seq_no) if session
                            else _("Add a session"))
        form = QFormLayout(self)
        self.messages = FieldMessages("session_")
        day = dt.date.fromisoformat(session.date if session else default_date
                                    or dt.date.today().isoformat())
        self.date = QDateEdit(QDate(day.year, day.month, day.day))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.start = _time_edit(base.start_time if base else "08:30")
        self.end = _time_edit(base.end_time if base else "11:50")
        self.periods = QSpinBox()
        self.periods.setRange(1, 12)
        self.periods.setValue(base.periods if base else 4)
        self.kind = QComboBox()
        for key, label in SESSION_KINDS.items():
            self.kind.addItem(_(label), key)
        if base:
            self.kind.setCurrentIndex(max(0, self.kind.findData(base.kind)))
        self.topic = QLineEdit(session.topic if session else "")
        self.teacher = QLineEdit(base.teacher if base else "")
        for field, label, widget in (
                ("date", _("Date"), self.date), ("start_time", _("Starts"), self.start),
                ("end_time", _("Ends"), self.end), ("periods", _("Periods"), self.periods),
                ("kind", _("Kind"), self.kind), ("topic", _("Topic"), self.topic),
                ("teacher", _("Teacher"), self.teacher)):
            form.addRow(label, self.messages.wrap(field, widget))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def save(self) -> None:
        fields = {"date": self.date.date().toString("yyyy-MM-dd"),
                  "start_time": self.start.time().toString("HH:mm"),
                  "end_time": self.end.time().toString("HH:mm"),
                  "periods": self.periods.value(), "kind": self.kind.currentData(),
                  "topic": self.topic.text(), "teacher": self.teacher.text()}
        class_id, session_id = self._class_id, self._session_id
        self._runner.run(lambda desk: desk.attendance.save_session(
            class_id, session_id=session_id, **fields),
            on_done=self._on_done, on_error=self._on_error)

    def _on_done(self, changes: Changes) -> None:
        self.sig_saved.emit(changes)
        self.accept()

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.messages.show(exc.issues)
        else:
            show_error(self, exc)
