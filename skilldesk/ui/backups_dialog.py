"""备份 dialog (issue 9), opened from 设置: the backups of the open database, newest
first; 立即备份, 核验 (the full integrity check) and 恢复… with a preview of what the
backup holds and how it differs from now.

Everything that touches the database or a backup file runs on the worker. The restore
itself replaces the database file, so the dialog only asks for it
(``sig_restore_requested``); the controller closes the Desk, restores and opens the
database again (``AppController.restore_backup``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.backups import REASON_LABELS
from skilldesk.core.backups import BackupInfo
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import run_with_progress

TABLE_LABELS = {"person": N_("People"), "training_class": N_("Classes"),
                "enrolment": N_("Enrolments"), "claim": N_("Claims"),
                "op_log": N_("Operation log entries")}
MAX_PROBLEMS = 20


def reason_label(reason: str | None) -> str:
    return _(REASON_LABELS[reason]) if reason in REASON_LABELS else (reason or "?")


def size_mb(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def _when(value: dt.datetime | str | None) -> str:
    """Local time to the second (backup names are local; the log's times are UTC)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value is not None and value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return f"{value:%Y-%m-%d %H:%M:%S}" if value is not None else "?"


def describe(preview: dict) -> str:
    """The confirmation text: the backup's time and counts, how they differ from now."""
    then = preview.get("backup") or {}
    lines = [_("Restore the backup made {at} ({reason})?").format(
        at=_when(preview.get("made_at")), reason=reason_label(preview.get("reason"))), ""]
    if then.get("institution"):
        lines.append(_("Institution: {name}").format(name=then["institution"]))
    if then.get("last_change"):
        lines.append(_("Last change recorded in it: {at}").format(at=_when(then["last_change"])))
    counts_now = (preview.get("current") or {}).get("counts") or {}
    for table, count in (then.get("counts") or {}).items():
        now = counts_now.get(table)
        text = _("{table}: {then} in the backup, {now} now").format(
            table=_(TABLE_LABELS.get(table, table)), then="-" if count is None else count,
            now="-" if now is None else now)
        if now != count:
            text += "  ≠"
        lines.append(text)
    lines.append("")
    if preview.get("differences"):
        lines.append(_("Changes made since the backup will be lost."))
    else:
        lines.append(_("The counts are the same as now; other changes since the backup "
                       "will still be lost."))
    lines.append(_("The current state is backed up first, so this restore can be undone. "
                   "The database is closed during the restore and opened again "
                   "afterwards."))
    return "\n".join(lines)


class BackupsDialog(QDialog):
    sig_restore_requested = Signal(str)   # the backup's path, after the user confirmed

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backups_dialog")
        self.setWindowTitle(_("Backups"))
        self._runner = runner
        self._backups: list[BackupInfo] = []
        self._busy = 0
        layout = QVBoxLayout(self)
        intro = QLabel(_(
            "A backup is made automatically on the first opening each day, before "
            "every import, claim package and upgrade. 7 daily, 4 weekly and 12 monthly "
            "backups are kept."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("backup_folder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backups_table")
        self.table.setHorizontalHeaderLabels([_("Made"), _("Reason"), _("Size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)

        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        row = QHBoxLayout()
        self.create_button = QPushButton(_("Back up now"))
        self.create_button.setObjectName("backup_now")
        self.create_button.clicked.connect(self.back_up_now)
        self.verify_button = QPushButton(_("Verify"))
        self.verify_button.setObjectName("verify_backup")
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button = QPushButton(_("Restore…"))
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton(_("Close"))
        close.setObjectName("close_backups")
        close.clicked.connect(self.reject)
        for button in (self.create_button, self.verify_button, self.restore_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(640, 460)
        self._update_buttons()
        self.reload()

    # -- helpers -------------------------------------------------------------------------

    def _run(self, op, on_done) -> None:
        """``op(desk)`` on the worker behind a busy cursor, buttons off meanwhile."""
        done, failed = self._busy_while(on_done)
        self._runner.run(op, on_done=done, on_error=failed)

    def _run_long(self, title: str, op, on_done, *, cancelled_text: str):
        """``op(desk, progress)`` on the worker behind a progress dialog with Cancel
        (copying or checking a large database takes a while); buttons off meanwhile."""
        done, failed = self._busy_while(on_done)

        def cancelled() -> None:
            self._set_busy(False)
            self.status.setText(cancelled_text)

        return run_with_progress(self._runner, self, title, op, on_done=done,
                                 on_error=failed, on_cancel=cancelled)

    def _busy_while(self, on_done):
        """Busy from now; the (done, failed) callbacks end it."""
        self._set_busy(True)

        def done(result) -> None:
            self._set_busy(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self.status.setText("")
            show_error(self, exc)
        return done, failed

    def _set_busy(self, busy: bool) -> None:
        self._busy += 1 if busy else -1
        if busy and self._busy == 1:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        elif not busy and self._busy == 0:
            QApplication.restoreOverrideCursor()
        self._update_buttons()

    def is_busy(self) -> bool:
        return self._busy > 0

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.create_button.setEnabled(not self._busy)
        self.verify_button.setEnabled(chosen and not self._busy)
        self.restore_button.setEnabled(chosen and not self._busy)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._backups):
            return None
        return self._backups[rows[0].row()]

    def _name(self, info: BackupInfo) -> str:
        return _("the backup made {at} ({reason})").format(at=_when(info.made_at),
                                                           reason=reason_label(info.reason))

    # -- listing -------------------------------------------------------------------------

    def reload(self, select: Path | None = None) -> None:
        self._run(lambda desk: (desk.backups.folder(), desk.backups.list()),
                  lambda found: self._fill(*found, select=select))

    def _fill(self, folder: Path, backups: list[BackupInfo], *,
              select: Path | None = None) -> None:
        self.folder_label.setText(_("Folder: {path}").format(path=folder))
        self._backups = list(backups)
        self.table.setRowCount(len(backups))
        for row, info in enumerate(backups):
            cells = (_when(info.made_at), reason_label(info.reason), size_mb(info.size))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path))
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        if not backups:
            self.status.setText(_("No backups yet."))
        paths = [b.path for b in backups]
        if select in paths:
            self.table.selectRow(paths.index(select))
        elif backups:
            self.table.selectRow(0)
        self._update_buttons()

    # -- actions -------------------------------------------------------------------------

    def back_up_now(self) -> None:
        self.status.setText(_("Backing up…"))

        def made(info: BackupInfo) -> None:
            self.status.setText(_("Backup made ({size}).").format(size=size_mb(info.size)))
            self.reload(select=info.path)

        self._run_long(_("Back up now"),
                       lambda desk, progress: desk.backups.create("manual", progress=progress),
                       made, cancelled_text=_("Backup cancelled; no backup was made."))

    def verify_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.status.setText(_("Checking {backup}…").format(backup=self._name(info)))
        path = info.path

        def checked(problems: list[str]) -> None:
            if not problems:
                self.status.setText(_("Intact: {backup} passed the full integrity check.")
                                    .format(backup=self._name(info)))
                return
            self.status.setText("\n".join(
                [_("Damaged: {backup} failed the integrity check; do not restore it.")
                 .format(backup=self._name(info))]
                + [f"• {p}" for p in problems[:MAX_PROBLEMS]]))

        self._run_long(_("Verify a backup"),
                       lambda desk, progress: desk.backups.verify(path, progress=progress),
                       checked, cancelled_text=_("Check cancelled; the backup was not "
                                                 "checked. Nothing was changed."))

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.status.setText(_("Reading {backup}…").format(backup=self._name(info)))
        path = info.path

        def previewed(preview: dict) -> None:
            if preview["problems"]:
                self.status.setText("\n".join(
                    [_("Damaged: {backup} failed the integrity check, so it cannot be "
                       "restored.").format(backup=self._name(info))]
                    + [f"• {p}" for p in preview["problems"][:MAX_PROBLEMS]]))
                return
            self.status.setText("")
            if not self.confirm_restore(preview):
                return
            self.accept()
            self.sig_restore_requested.emit(str(path))

        self._run_long(_("Restore a backup"),
                       lambda desk, progress: desk.backups.preview(path, progress=progress),
                       previewed, cancelled_text=_("Restore cancelled; nothing was changed."))

    def confirm_restore(self, preview: dict) -> bool:
        """The modal question (tests replace it)."""
        box = QMessageBox(self)
        box.setObjectName("confirm_restore")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Restore a backup"))
        box.setText(describe(preview))
        restore = box.addButton(_("Restore"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is restore
