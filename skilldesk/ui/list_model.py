"""A table model over a list of plain rows, for the pages' main lists."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

from skilldesk.i18n import _

Index = QModelIndex | QPersistentModelIndex


class RowListModel(QAbstractTableModel):
    """Rows with an ``id`` held in ``self._rows``; ``columns`` is ``[(key, msgid)]``.
    Subclasses say what a cell shows in :meth:`cell`; the row's id is the UserRole."""

    def __init__(self, columns: list[tuple[str, str]], parent=None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._rows: list[Any] = []

    def cell(self, row: Any, key: str, role: int) -> Any:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return _(self._columns[section][1])
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return self.cell(row, self._columns[index.column()][0], role)

    def row_at(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: str) -> int | None:
        for number, row in enumerate(self._rows):
            if row.id == row_id:
                return number
        return None


class KeysetRowModel(RowListModel):
    """A :class:`RowListModel` filled page by page (keyset paging, newest first) on the
    database worker: the first page replaces the rows, later pages are appended when the
    view scrolls near the end. A new query bumps ``_generation``; answers to older
    queries are dropped. Subclasses give :meth:`_next_page_op` (the worker op for the page
    after ``_cursor``) and call :meth:`_on_first_page` / :meth:`_on_more` /
    ``_on_error`` with their generation."""

    def __init__(self, columns: list[tuple[str, str]], runner, parent=None) -> None:
        super().__init__(columns, parent)
        self._runner = runner
        self._generation = 0
        self._cursor: int | None = None
        self._fetching = False

    def _next_page_op(self, generation: int):
        raise NotImplementedError

    def _on_error(self, generation: int, exc: BaseException) -> None:
        raise NotImplementedError

    def _first_page_shown(self) -> None:
        """Called once the first page of the current query is in the model."""

    def _on_first_page(self, generation: int, page) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows = list(page.rows)
        self._cursor = page.next_cursor
        self._fetching = False
        self._first_page_shown()
        self.endResetModel()
        self.sig_page_loaded.emit()

    def _on_more(self, generation: int, page) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._cursor = page.next_cursor

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._cursor is not None and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._generation
        self._runner.run(self._next_page_op(generation),
                         on_done=partial(self._on_more, generation),
                         on_error=partial(self._on_error, generation))
