"""The import preview table: every row of the file with its status, invalid
cells highlighted and each cell's problem in its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from skilldesk.core.roster_import import RosterPreview
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.roster_rows import cell_text
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.imports.headers import FIELDS

STATUS_LABELS = {
    "new": N_("New"),
    "updated": N_("Update"),
    "unchanged": N_("Unchanged"),
    "invalid": N_("Invalid"),
    "ignored": N_("Not a person"),
}
_ERROR = QColor("#f9d6d5")
_WARNING = QColor("#fdf0c9")
_Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    """Columns: row number, status, then the file's own columns."""

    FIXED = 2

    def __init__(self, preview: RosterPreview, parent=None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.show_only_problems = False
        self._rows = list(preview.rows)
        self._width = max([len(preview.headers)] + [len(r.cells) for r in preview.rows])
        self._column_of = {h: n for n, h in enumerate(preview.headers) if h}

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self.show_only_problems = only
        self._rows = [r for r in self.preview.rows if r.issues] if only else list(self.preview.rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.FIXED + self._width

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return _("Row")
        if section == 1:
            return _("Status")
        column = section - self.FIXED
        headers = self.preview.headers
        text = headers[column] if column < len(headers) and headers[column] else f"({column + 1})"
        field = self.preview.mapping.get(column)
        return text if field else f"{text} ✕"

    def _issues(self, row, column: int | None):
        if column is None:  # the status column shows row-level problems
            return [i for i in row.issues if not i.column or i.column not in self._column_of]
        header = self.preview.headers[column] if column < len(self.preview.headers) else None
        return [i for i in row.issues if header and i.column == header]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column() - self.FIXED
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return row.row
            if index.column() == 1:
                return _(STATUS_LABELS[row.status])
            return cell_text(row.cells[column]) if column < len(row.cells) else ""
        issues = self._issues(row, column if column >= 0 else None) if index.column() else []
        if role == Qt.ItemDataRole.BackgroundRole and issues:
            return _ERROR if any(i.severity == "error" for i in issues) else _WARNING
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [i.message() for i in issues]
            if index.column() == 1 and row.status == "updated":
                lines += self._changes(row)
            return "\n".join(lines) or None
        return None

    @staticmethod
    def _changes(row) -> list[str]:
        """What an update will change, field by field (shown on the status cell)."""
        lines = [_("{field}: {old} → {new}").format(
            field=_(FIELDS.get(field, field)), old=_shown(field, old), new=_shown(field, new))
            for field, (old, new) in row.changed.items()]
        if row.added_categories:
            lines.append(_("Categories added: {names}").format(
                names=join(_(PERSON_CATEGORIES.get(c, c)) for c in row.added_categories)))
        return lines


def _shown(field: str, value: object) -> str:
    """A stored or imported value as a clerk reads it: not recorded, yes/no, or the value."""
    if value is None or value == "":
        return _("(empty)")
    if field == "pension":
        return _("Yes") if value else _("No")
    return str(value)
