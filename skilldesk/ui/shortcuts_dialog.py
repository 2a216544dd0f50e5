"""快捷键列表: every action with keys, from the registry of ``main_actions.py`` (the menus
and the toolbar come from the same list, so they cannot disagree), searchable."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.i18n import _
from skilldesk.ui.main_actions import ActionSpec
from skilldesk.ui.main_actions import plain


def shortcut_rows(specs: Iterable[ActionSpec]) -> list[tuple[str, str, str]]:
    """(action, keys, where) for every action that has keys, in registry order."""
    return [(plain(_(spec.label)), spec.key_text(), _(spec.where))
            for spec in specs if spec.keys]


class ShortcutsDialog(QDialog):
    def __init__(self, specs: Iterable[ActionSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.resize(720, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Shortcuts marked “Everywhere” work on every page; the others work "
                         "where the last column says."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.search = QLineEdit()
        self.search.setObjectName("shortcut_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search actions or keys"))
        self.search.textChanged.connect(self.apply_filter)
        layout.addWidget(self.search)
        self.rows = shortcut_rows(specs)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setObjectName("shortcut_table")
        self.table.setHorizontalHeaderLabels([_("Action"), _("Shortcut"), _("Where")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for row, values in enumerate(self.rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search.setFocus()

    def apply_filter(self, text: str) -> int:
        """Show the rows containing *text* (any column, case-insensitive); the count."""
        needle = text.strip().casefold()
        shown = 0
        for row, values in enumerate(self.rows):
            match = not needle or any(needle in value.casefold() for value in values)
            self.table.setRowHidden(row, not match)
            shown += match
        return shown

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [values for row, values in enumerate(self.rows)
                if not self.table.isRowHidden(row)]
