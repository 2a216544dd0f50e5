"""Pieces the class pages share: the reason prompt, attachments, small tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.classes import ReasonRequired
from skilldesk.core.desk import Desk
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner

MUTED_STYLE = "color: #5f6368;"
HEADING_STYLE = "font-size: 15px; font-weight: bold;"


class ReasonDialog(QDialog):
    """Asks why a filed class, its roster or its state changes (kept in the log)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reason_dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("reason_text")
        self.edit.setPlaceholderText(_("For example: the trainee found a job and left"))
        self.edit.setFixedHeight(90)
        self.edit.setTabChangesFocus(True)
        layout.addWidget(self.edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.edit.textChanged.connect(
            lambda: ok.setEnabled(bool(self.edit.toPlainText().strip())))
        layout.addWidget(self.buttons)

    def reason(self) -> str:
        return self.edit.toPlainText().strip()


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """The reason typed, or None if the user cancelled."""
    dialog = ReasonDialog(title, prompt, parent)
    try:
        return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def run_with_reason(runner: TaskRunner, parent: QWidget, title: str,
                    op: Callable[[Desk, str], Any], *, on_done: Callable[[Any], None],
                    on_error: Callable[[BaseException], None] | None = None,
                    on_cancel: Callable[[], None] | None = None,
                    reason: str = "") -> None:
    """Run ``op(desk, reason)``; if the core answers ReasonRequired, ask for a
    reason (its message says why) and run it again with the reason. If the user
    cancels the prompt nothing is written and *on_cancel* is called."""
    def failed(exc: BaseException) -> None:
        if isinstance(exc, ReasonRequired) and not reason:
            typed = ask_reason(parent, title, exc.user_message())
            if typed:
                run_with_reason(runner, parent, title, op, on_done=on_done,
                                on_error=on_error, on_cancel=on_cancel, reason=typed)
            elif on_cancel is not None:
                on_cancel()
            return
        (on_error or (lambda e: show_error(parent, e)))(exc)

    runner.run(lambda desk: op(desk, reason), on_done=on_done, on_error=failed)


def make_table(headers: list[str], object_name: str) -> QTableWidget:
    """A read-only, row-selecting table."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]], keys: list[Any]) -> None:
    """Replace the rows; each row's key is kept in column 0's UserRole."""
    current = table.currentRow()
    table.setRowCount(len(rows))
    for r, (cells, key) in enumerate(zip(rows, keys)):
        for c, text in enumerate(cells):
            item = QTableWidgetItem("" if text is None else str(text))
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(r, c, item)
    if 0 <= current < len(rows):
        table.selectRow(current)


def row_key(table: QTableWidget, row: int | None = None) -> Any:
    row = table.currentRow() if row is None else row
    item = table.item(row, 0) if row >= 0 else None
    return None if item is None else item.data(Qt.ItemDataRole.UserRole)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


class AttachmentsBox(QWidget):
    """Files attached to one record: add, save a copy, remove (all on the worker)."""

    def __init__(self, runner: TaskRunner, hub: Hub, entity: str,
                 roles: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub, self._entity = runner, hub, entity
        self._roles = roles  # role key -> button label (already translated)
        self._entity_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName(f"{entity}_attachments")
        self.list.setMaximumHeight(110)
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        self.add_buttons: list[QPushButton] = []
        for role, label in roles.items():
            button = QPushButton(label)
            button.clicked.connect(lambda _c=False, r=role: self._add(r))
            buttons.addWidget(button)
            self.add_buttons.append(button)
        self.save_button = QPushButton(_("Save a copy…"))
        self.save_button.clicked.connect(self._save_copy)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self._remove)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.note = QLabel()
        self.note.setStyleSheet(MUTED_STYLE)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.set_entity(None)

    def set_entity(self, entity_id: str | None) -> None:
        self._entity_id = entity_id
        for widget in (*self.add_buttons, self.save_button, self.remove_button):
            widget.setEnabled(entity_id is not None)
        self.note.setText("" if entity_id else _("Save first; then files can be attached."))
        self.note.setVisible(entity_id is None)
        self.list.clear()
        if entity_id is not None:
            self.reload()

    def reload(self) -> None:
        entity, entity_id = self._entity, self._entity_id
        if entity_id is None:
            return
        self._runner.run(lambda desk: desk.attachments.list(entity, entity_id),
                         on_done=lambda rows, wanted=entity_id: self._show(wanted, rows),
                         on_error=lambda e: show_error(self, e))

    def _show(self, entity_id: str, rows: list[dict]) -> None:
        if entity_id != self._entity_id:
            return
        self.list.clear()
        names = {role: label.rstrip("…") for role, label in self._roles.items()}
        for row in rows:
            size_kb = max(1, round(row["size"] / 1024))
            role = names.get(row["role"], row["role"])
            text = f"{row['original_name']}  ({size_kb} KB)" + (f" · {role}" if role else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.list.addItem(item)
        if not rows:
            self.list.addItem(QListWidgetItem(_("No files attached.")))

    def _selected(self) -> dict | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _add(self, role: str) -> None:
        path, _chosen = QFileDialog.getOpenFileName(self, _("Attach a file"))
        if path:
            self.attach(path, role)

    def attach(self, path: str, role: str = "") -> None:
        entity, entity_id = self._entity, self._entity_id
        self._runner.run(lambda desk: desk.attachments.add(entity, entity_id, path, role=role),
                         on_done=self._changed, on_error=lambda e: show_error(self, e))

    def _save_copy(self) -> None:
        row = self._selected()
        if not row:
            return
        path, _chosen = QFileDialog.getSaveFileName(self, _("Save a copy"), row["original_name"])
        if path:
            self._runner.run(lambda desk: desk.attachments.save_to(row["attachment_id"], path),
                             on_error=lambda e: show_error(self, e))

    def _remove(self) -> None:
        row = self._selected()
        if not row:
            return
        entity, entity_id = self._entity, self._entity_id
        self._runner.run(lambda desk: desk.attachments.remove(entity, entity_id, row["link_id"]),
                         on_done=self._changed, on_error=lambda e: show_error(self, e))

    def _changed(self, changes: Changes) -> None:
        self.reload()
        self._hub.sig_changes.emit(changes, self)
