"""The class list model: every class matching the filters, loaded on the worker.

A query returns all matching rows at once (10,000 classes are a few hundred
kilobytes); each query has a generation number and a stale result is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor

from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.class_models import ClassPage
from skilldesk.core.class_models import ClassRow
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.list_model import RowListModel
from skilldesk.ui.tasks import TaskRunner

COLUMNS: list[tuple[str, str]] = [
    ("code", N_("Class code")),
    ("name", N_("Class name")),
    ("training_type", N_("Training type")),
    ("occupation_name", N_("Occupation")),
    ("level", N_("Level")),
    ("dates", N_("Dates")),
    ("state", N_("State")),
    ("trainees", N_("Trainees")),
]

STATE_COLOURS = {
    "draft": "#5f6368", "filed": "#0b57d0", "approved": "#0b57d0", "in_training": "#146c2e",
    "completed": "#146c2e", "assessed": "#146c2e", "claimed": "#6750a4", "paid": "#6750a4",
    "rejected": "#b3261e", "withdrawn": "#8a5a00",
}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ClassFilter:
    year: int | None = None
    state: str | None = None
    training_type: str | None = None
    text: str = ""


class ClassListModel(RowListModel):
    sig_loaded = Signal()  # the rows of the current filter are shown

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(COLUMNS, parent)
        self._runner = runner
        self._rows: list[ClassRow] = []
        self._generation = 0
        self.filter = ClassFilter()
        self.by_state: dict[str, int] = {}
        self.loading = False

    def set_filter(self, flt: ClassFilter) -> None:
        self._generation += 1
        generation = self._generation
        self.filter = flt
        self.loading = True
        self._runner.run(partial(self._list_op, generation, flt),
                         on_done=partial(self._on_loaded, generation),
                         on_error=partial(self._on_error, generation))

    def refresh(self) -> None:
        self.set_filter(self.filter)

    def _list_op(self, generation: int, flt: ClassFilter, desk) -> ClassPage | None:
        if generation != self._generation:  # overtaken before it ran
            return None
        return desk.classes.list(year=flt.year, state=flt.state,
                                 training_type=flt.training_type, text=flt.text)

    def _on_loaded(self, generation: int, page: ClassPage | None) -> None:
        if generation != self._generation or page is None:
            return
        self.beginResetModel()
        self._rows = page.rows
        self.by_state = dict(page.by_state)
        self.loading = False
        self.endResetModel()
        self.sig_loaded.emit()

    def _on_error(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            show_error(None, exc)

    # -- Qt model interface ---------------------------------------------------------------

    def cell(self, row: ClassRow, key: str, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and key == "state":
            return QColor(STATE_COLOURS.get(row.state, "#000000"))
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "trainees":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: ClassRow, key: str) -> str | int:
        if key == "training_type":
            return _(TRAINING_TYPES.get(row.training_type, row.training_type))
        if key == "level":
            return _(LEVELS[row.level]) if row.level in LEVELS else row.level
        if key == "state":
            return _(CLASS_STATES.get(row.state, row.state))
        if key == "dates":
            return f"{row.start_date} – {row.end_date}"
        return getattr(row, key)

