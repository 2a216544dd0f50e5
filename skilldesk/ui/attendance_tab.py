"""课次与考勤: a class's sessions and the attendance grid, entered from the keyboard.

Embedded in the class detail as ``AttendanceTab(runner, hub)``; ``load(class_id)``
shows a class. Marks typed into the grid stay pending in the model until 保存
(Ctrl+S) sends all of them in one ``desk.attendance.save`` call on the worker.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.attendance import MARKABLE_STATES
from skilldesk.core.attendance import SCHEDULABLE_STATES
from skilldesk.core.changes import Changes
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import SIGN_METHODS
from skilldesk.core.class_models import Session
from skilldesk.i18n import _
from skilldesk.ui import attendance_sheets as sheets
from skilldesk.ui.attendance_dialogs import ScheduleDialog
from skilldesk.ui.attendance_dialogs import SessionDialog
from skilldesk.ui.attendance_model import AttendanceModel
from skilldesk.ui.attendance_view import AttendanceView
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import WARNING_STYLE

SESSION_EDIT_STATES = SCHEDULABLE_STATES | MARKABLE_STATES


def _load_op(class_id: str, desk) -> tuple[dict, object, dict[str, int]]:
    record = desk.classes.get(class_id)
    grid = desk.attendance.grid(class_id)
    sheets = {s.id: len(desk.attachments.list("session", s.id)) for s in grid.sessions}
    return record, grid, sheets


class AttendanceTab(QWidget):
    sig_loaded = Signal()  # a class's grid is shown
    sig_saved = Signal()   # pending marks were stored

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self.class_id: str | None = None
        self.record: dict | None = None
        self._generation = 0
        self._saving = False
        self._after_save = None
        self.model = AttendanceModel(self)
        self._build()
        self.model.sig_pending_changed.connect(self._on_pending)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.view.sig_read_only_key.connect(self._flash_read_only)
        hub.sig_changes.connect(self._on_changes)
        self._update_buttons()

    # -- building --------------------------------------------------------------------

    def _button(self, bar: QHBoxLayout, name: str, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        bar.addWidget(button)
        return button

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        sessions = QHBoxLayout()
        self.generate_button = self._button(
            sessions, "generate_schedule", _("Generate schedule…"),
            _("Make the sessions from the class dates, weekdays and daily time slots"),
            lambda: self.open_schedule_dialog())
        self.add_button = self._button(sessions, "add_session", _("Add session…"),
                                       _("Add one session"), lambda: self.open_session_dialog())
        self.edit_button = self._button(
            sessions, "edit_session", _("Edit session…"),
            _("Edit the session of the current column"),
            lambda: self.open_session_dialog(edit=True))
        self.delete_button = self._button(
            sessions, "delete_session", _("Delete session"),
            _("Delete the session of the current column (only while it has no attendance)"),
            self.delete_session)
        sessions.addSpacing(12)
        self.attach_button = self._button(
            sessions, "attach_sheet", _("Attach sign-in sheet…"),
            _("Attach a scanned sign-in sheet to the session of the current column"),
            self._choose_sheet)
        self.sheets_button = self._button(
            sessions, "open_sheets", _("Sign-in sheets"),
            _("Open a sign-in sheet attached to the current session"), self._list_sheets)
        sessions.addStretch(1)
        layout.addLayout(sessions)

        marks = QHBoxLayout()
        self.all_present_button = self._button(
            marks, "all_present", _("All present"),
            _("Mark everyone without a mark in the current session present"),
            self.mark_all_present)
        marks.addSpacing(12)
        marks.addWidget(QLabel(_("Sign-in method:")))
        self.method = QComboBox()
        self.method.setObjectName("sign_method")
        for key in ("paper", "id_card", "face"):
            self.method.addItem(_(SIGN_METHODS[key]), key)
        self.method.setToolTip(_("How the trainees signed in; stored with the marks you save"))
        marks.addWidget(self.method)
        marks.addSpacing(12)
        self.save_button = self._button(marks, "save_attendance", _("Save"),
                                        _("Save the marks entered (Ctrl+S)"), self.save)
        self.revert_button = self._button(marks, "revert_attendance", _("Undo unsaved"),
                                          _("Throw away the marks not saved yet"), self.revert)
        self.status = QLabel()
        self.status.setObjectName("attendance_status")
        marks.addWidget(self.status)
        marks.addStretch(1)
        layout.addLayout(marks)

        self.notice = QLabel()
        self.notice.setObjectName("attendance_read_only")
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        self.view = AttendanceView()
        self.view.setModel(self.model)
        layout.addWidget(self.view, 1)
        self.session_label = QLabel()
        self.session_label.setObjectName("attendance_session")
        layout.addWidget(self.session_label)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # -- loading ---------------------------------------------------------------------

    def has_unsaved(self) -> bool:
        return self.model.pending_count() > 0

    def maybe_leave(self) -> bool:
        """Ask about unsaved marks; False: stay (cancelled, or saving first)."""
        if not self.has_unsaved():
            return True
        answer = QMessageBox.question(
            self, _("Unsaved attendance"),
            _("{count} attendance marks are not saved. Save them before leaving?").format(
                count=self.model.pending_count()),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.model.revert()
            return True
        if answer == QMessageBox.StandardButton.Save:
            self.save()
        return False

    def load(self, class_id: str) -> bool:
        """Show *class_id*; asks first if unsaved marks of another class would be lost.
        Returns False if the class shown did not change (yet)."""
        if class_id != self.class_id and self.has_unsaved():
            if not self.maybe_leave():
                if self._saving:
                    self._after_save = partial(self.load, class_id)
                return False
        self._fetch(class_id)
        return True

    def reload(self) -> None:
        if self.class_id is not None:
            self._fetch(self.class_id)

    def _fetch(self, class_id: str) -> None:
        self._generation += 1
        generation = self._generation
        self._runner.run(partial(_load_op, class_id),
                         on_done=partial(self._on_loaded, generation, class_id),
                         on_error=partial(self._on_load_error, generation))

    def _on_loaded(self, generation: int, class_id: str, result) -> None:
        if generation != self._generation:
            return
        record, grid, sheets = result
        keep = self.model.pending() if class_id == self.class_id else {}
        current = self.view.currentIndex()
        self.class_id, self.record = class_id, record
        self.model.set_grid(grid, sheets)
        if keep:  # a reload of the same class keeps the marks not saved yet
            rows = {t.enrolment_id: r for r, t in enumerate(self.model.trainees)}
            columns = {s.id: c for c, s in enumerate(self.model.sessions)}
            for (enrolment_id, session_id), status in keep.items():
                if enrolment_id in rows and session_id in columns:
                    self.model.set_marks([(rows[enrolment_id], columns[session_id])], status)
        self._apply_state()
        self.view.fit_columns()
        if self.model.trainees and self.model.sessions:
            row = min(max(current.row(), 0), len(self.model.trainees) - 1)
            column = min(max(current.column(), 0), len(self.model.sessions) - 1)
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, column), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._update_buttons()
        self._show_session()
        self.sig_loaded.emit()

    def _on_load_error(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            show_error(self, exc)

    def _apply_state(self) -> None:
        state = self.record["state"] if self.record else ""
        label = _(CLASS_STATES.get(state, state))
        read_only = state not in MARKABLE_STATES
        self.view.read_only = self.model.read_only = read_only
        if not read_only:
            self.notice.setStyleSheet("")
            self.notice.setText(_("Keys: 1 or Space present · 2 late · 3 on leave · 4 absent · "
                                  "Delete clears. Select several cells to mark them at once; "
                                  "Ctrl+S saves."))
        elif state in SCHEDULABLE_STATES:
            self.notice.setStyleSheet(WARNING_STYLE)
            self.notice.setText(_("Read only: the class is “{state}”. Sessions can be planned "
                                  "now; attendance is recorded once training has started.").format(
                state=label))
        else:
            self.notice.setStyleSheet(WARNING_STYLE)
            self.notice.setText(_("Read only: the class is “{state}”. Attendance can be changed "
                                  "only while training runs and until the class is assessed."
                                  ).format(state=label))

    # -- actions ---------------------------------------------------------------------

    def current_session(self) -> tuple[int, Session] | None:
        column = self.view.currentIndex().column()
        if 0 <= column < len(self.model.sessions):
            return column, self.model.sessions[column]
        return None

    def save(self) -> None:
        """Send every pending mark in one call on the worker."""
        if self._saving or not self.has_unsaved() or self.model.read_only:
            return
        marks = self.model.pending()
        class_id, method = self.class_id, self.method.currentData()
        self._saving = True
        self._update_buttons()
        self.status.setText(_("Saving…"))
        self._runner.run(lambda desk: desk.attendance.save(class_id, marks, method=method),
                         on_done=partial(self._on_saved, class_id, marks),
                         on_error=self._on_save_failed)

    def _on_saved(self, class_id: str, marks: dict, changes: Changes) -> None:
        self._saving = False
        if class_id == self.class_id:
            self.model.mark_saved(marks)
        self.status.setText(_("Saved {count} marks.").format(count=len(marks)))
        self._update_buttons()
        self._hub.sig_changes.emit(changes, self)
        self.sig_saved.emit()
        then, self._after_save = self._after_save, None
        if then is not None:
            then()

    def _on_save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._after_save = None
        self._on_pending(self.model.pending_count())
        self._update_buttons()
        show_error(self, exc)

    def revert(self) -> None:
        self.model.revert()
        self.status.setText(_("Unsaved marks thrown away."))

    def mark_all_present(self) -> None:
        found = self.current_session()
        if found is None or self.model.read_only:
            return
        self.model.fill_blank(found[0], "present")

    def open_schedule_dialog(self) -> ScheduleDialog | None:
        if self.class_id is None or self.record is None:
            return None
        dialog = ScheduleDialog(self._runner, self.class_id, self.record,
                                len(self.model.sessions), self)
        dialog.sig_generated.connect(self._on_structure_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_session_dialog(self, edit: bool = False) -> SessionDialog | None:
        if self.class_id is None or self.record is None:
            return None
        found = self.current_session()
        if edit and found is None:
            return None
        last = self.model.sessions[-1] if self.model.sessions else None
        dialog = SessionDialog(self._runner, self.class_id, found[1] if edit else None,
                               template=last, default_date=(last.date if last
                                                            else self.record["start_date"]),
                               parent=self)
        dialog.sig_saved.connect(self._on_structure_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def delete_session(self) -> None:
        found = self.current_session()
        if found is None:
            return
        session = found[1]
        answer = QMessageBox.question(
            self, _("Delete session"),
            _("Delete session {seq} on {date}?").format(seq=session.seq_no, date=session.date))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._runner.run(lambda desk: desk.attendance.delete_session(session.id),
                         on_done=self._on_structure_changed,
                         on_error=lambda exc: show_error(self, exc))

    def _on_structure_changed(self, changes: Changes) -> None:
        self._hub.sig_changes.emit(changes, self)
        self.reload()

    def attach_sheet(self, path: str) -> None:
        """Store *path* as a sign-in sheet of the current session (on the worker)."""
        found = self.current_session()
        if found is None:
            return
        session_id = found[1].id

        def done(count: int) -> None:
            self.model.set_attachments(session_id, count)
            self.status.setText(_("Sign-in sheet {name} attached.").format(name=Path(path).name))
            self._show_session()
            self._hub.sig_changes.emit(Changes(classes=True, ids=(session_id,)), self)

        sheets.attach(self._runner, self, session_id, path, done)

    def _choose_sheet(self) -> None:
        path = sheets.choose_file(self)
        if path:
            self.attach_sheet(path)

    def _list_sheets(self) -> None:
        found = self.current_session()
        if found is not None:
            sheets.show_menu(self._runner, self.sheets_button, found[1].id)

    # -- state -----------------------------------------------------------------------

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if initiator is not self and changes.classes and self.class_id is not None:
            self.reload()

    def _on_pending(self, count: int) -> None:
        if count:
            self.status.setText(_("{count} marks not saved").format(count=count))
        elif not self._saving:
            self.status.setText("")
        self._update_buttons()

    def _on_current(self, *_args) -> None:
        self._show_session()
        self._update_buttons()

    def _show_session(self) -> None:
        found = self.current_session()
        self.session_label.setText(
            self.model.session_tip(found[1]).replace("\n", " · ") if found else "")

    def _flash_read_only(self) -> None:
        self.status.setText(_("This grid is read only."))

    def _update_buttons(self) -> None:
        state = self.record["state"] if self.record else ""
        has_session = self.current_session() is not None
        markable = state in MARKABLE_STATES and not self._saving
        pending = self.has_unsaved()
        self.generate_button.setEnabled(state in SCHEDULABLE_STATES)
        self.add_button.setEnabled(state in SESSION_EDIT_STATES)
        self.edit_button.setEnabled(state in SESSION_EDIT_STATES and has_session)
        self.delete_button.setEnabled(state in SESSION_EDIT_STATES and has_session)
        self.attach_button.setEnabled(bool(state) and has_session)
        self.sheets_button.setEnabled(has_session)
        self.all_present_button.setEnabled(markable and has_session)
        self.method.setEnabled(markable)
        self.save_button.setEnabled(markable and pending)
        self.revert_button.setEnabled(pending and not self._saving)
