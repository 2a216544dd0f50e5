"""The attendance grid: trainees × sessions, with pending edits and live totals.

Rows are the enrolled trainees and, last, a totals row; columns are the sessions
and, at the right, 出勤课时 (credited periods) and 出勤率 (rate). Edits stay in
the model as pending changes until the tab saves them in one call; each edit
updates the row and column totals by a delta, so a keystroke costs the same for
a 5 × 10 grid and a 50 × 80 one (no database work, no full recount).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPixmap

from skilldesk.core.class_models import ATTENDANCE
from skilldesk.core.class_models import CREDITED_ATTENDANCE
from skilldesk.core.class_models import SESSION_KINDS
from skilldesk.core.class_models import AttendanceGrid
from skilldesk.core.class_models import Session
from skilldesk.core.class_models import Trainee
from skilldesk.i18n import N_
from skilldesk.i18n import _

_Index = QModelIndex | QPersistentModelIndex

STATUSES = ("present", "late", "leave", "absent")
# one-character marks for the cells (出/迟/假/缺 in Chinese)
SHORT: dict[str, str] = {"present": N_("P"), "late": N_("Lt"), "leave": N_("Lv"),
                         "absent": N_("Ab")}
COLOURS: dict[str, str] = {"present": "#dcefdc", "late": "#fbedc0", "leave": "#dce6f7",
                           "absent": "#f6d3d0"}
DIRTY_COLOUR = "#e8710a"
DOT_SIZE = 7
TOTAL_COLOUR = "#eeeeee"
LOW_RATE_COLOUR = "#b3261e"
DirtyRole = Qt.ItemDataRole.UserRole + 1  # True for a cell with an unsaved change
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
TOTAL_COLUMNS = 2  # credited periods, rate


class AttendanceModel(QAbstractTableModel):
    sig_pending_changed = Signal(int)  # number of unsaved cells

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sessions: list[Session] = []
        self.trainees: list[Trainee] = []
        self._saved: list[list[str | None]] = []   # [row][col] as stored
        self._marks: list[list[str | None]] = []   # [row][col] as shown (saved + pending)
        self._pending: set[tuple[int, int]] = set()
        self._credited: list[int] = []             # per row
        self._recorded: list[int] = []             # per row
        self._counts: list[dict[str, int]] = []    # per column: status -> trainees
        self._attachments: dict[str, int] = {}
        self._dot: QPixmap | None = None
        self._short: dict[str, str] = {}
        self._brushes: dict[str, QBrush] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self.read_only = False

    # -- loading ---------------------------------------------------------------------

    def set_grid(self, grid: AttendanceGrid, attachments: dict[str, int] | None = None) -> None:
        """Show *grid* (dropping pending edits); *attachments*: files per session id."""
        self.beginResetModel()
        self.sessions = list(grid.sessions)
        self.trainees = list(grid.trainees)
        self._attachments = dict(attachments or {})
        columns = {s.id: c for c, s in enumerate(self.sessions)}
        rows = {t.enrolment_id: r for r, t in enumerate(self.trainees)}
        self._saved = [[None] * len(self.sessions) for _ in self.trainees]
        for (enrolment_id, session_id), status in grid.marks.items():
            r, c = rows.get(enrolment_id), columns.get(session_id)
            if r is not None and c is not None:
                self._saved[r][c] = status
        self._short = {k: _(v) for k, v in SHORT.items()}
        self._brushes = {k: QBrush(QColor(v)) for k, v in COLOURS.items()}
        if self._dot is None:
            self._dot = _dirty_dot()
        self._brushes["total"] = QBrush(QColor(TOTAL_COLOUR))
        self._brushes["low"] = QBrush(QColor(LOW_RATE_COLOUR))
        self._restore()
        self.endResetModel()
        self.sig_pending_changed.emit(0)

    def _restore(self) -> None:
        self._marks = [list(row) for row in self._saved]
        self._pending = set()
        periods = [s.periods for s in self.sessions]
        self._credited = [0] * len(self.trainees)
        self._recorded = [0] * len(self.trainees)
        self._counts = [dict.fromkeys(STATUSES, 0) for _ in self.sessions]
        for r, row in enumerate(self._marks):
            for c, status in enumerate(row):
                if status is not None:
                    self._count(r, c, status, +1, periods[c])

    def _count(self, r: int, c: int, status: str, sign: int, periods: int) -> None:
        self._recorded[r] += sign * periods
        if status in CREDITED_ATTENDANCE:
            self._credited[r] += sign * periods
        counts = self._counts[c]
        counts[status] = counts.get(status, 0) + sign

    def set_attachments(self, session_id: str, count: int) -> None:
        self._attachments[session_id] = count
        column = next((c for c, s in enumerate(self.sessions) if s.id == session_id), None)
        if column is not None:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def attachments(self, session_id: str) -> int:
        return self._attachments.get(session_id, 0)

    # -- editing ---------------------------------------------------------------------

    def is_mark_cell(self, index: _Index) -> bool:
        return (index.isValid() and index.row() < len(self.trainees)
                and index.column() < len(self.sessions))

    def set_marks(self, cells: Iterable[tuple[int, int]], status: str | None) -> int:
        """Set *status* (None clears) on the (row, column) *cells*; returns how many changed."""
        if status is not None and status not in ATTENDANCE:
            raise ValueError(status)
        changed: list[tuple[int, int]] = []
        for r, c in cells:
            if not (0 <= r < len(self.trainees) and 0 <= c < len(self.sessions)):
                continue
            old = self._marks[r][c]
            if old == status:
                continue
            periods = self.sessions[c].periods
            if old is not None:
                self._count(r, c, old, -1, periods)
            if status is not None:
                self._count(r, c, status, +1, periods)
            self._marks[r][c] = status
            if status == self._saved[r][c]:
                self._pending.discard((r, c))
            else:
                self._pending.add((r, c))
            changed.append((r, c))
        if changed:
            self._emit_changed(changed)
            self.sig_pending_changed.emit(len(self._pending))
        return len(changed)

    def fill_blank(self, column: int, status: str = "present") -> int:
        """Every trainee without a mark in *column* gets *status* (pending)."""
        return self.set_marks([(r, column) for r in range(len(self.trainees))
                               if self._marks[r][column] is None], status)

    def _emit_changed(self, cells: list[tuple[int, int]]) -> None:
        rows = [r for r, _c in cells]
        columns = [c for _r, c in cells]
        top, bottom = min(rows), max(rows)
        left, right = min(columns), max(columns)
        last_column = len(self.sessions) + TOTAL_COLUMNS - 1
        self.dataChanged.emit(self.index(top, left), self.index(bottom, right))
        self.dataChanged.emit(self.index(top, len(self.sessions)), self.index(bottom, last_column))
        totals_row = len(self.trainees)
        self.dataChanged.emit(self.index(totals_row, left), self.index(totals_row, last_column))

    def pending(self) -> dict[tuple[str, str], str | None]:
        """{(enrolment_id, session_id): status or None} for every unsaved cell."""
        return {(self.trainees[r].enrolment_id, self.sessions[c].id): self._marks[r][c]
                for r, c in sorted(self._pending)}

    def pending_count(self) -> int:
        return len(self._pending)

    def revert(self) -> None:
        """Drop every unsaved change."""
        if not self._pending:
            return
        cells = list(self._pending)
        self._restore()
        self._emit_changed(cells)
        self.sig_pending_changed.emit(0)

    def mark_saved(self, saved: dict[tuple[str, str], str | None]) -> None:
        """*saved* (what ``pending()`` returned) is now stored; later edits stay pending."""
        rows = {t.enrolment_id: r for r, t in enumerate(self.trainees)}
        columns = {s.id: c for c, s in enumerate(self.sessions)}
        cells = []
        for (enrolment_id, session_id), status in saved.items():
            r, c = rows.get(enrolment_id), columns.get(session_id)
            if r is None or c is None:
                continue
            self._saved[r][c] = status
            if self._marks[r][c] == status:
                self._pending.discard((r, c))
            cells.append((r, c))
        if cells:
            self._emit_changed(cells)
        self.sig_pending_changed.emit(len(self._pending))

    # -- figures ---------------------------------------------------------------------

    def is_dirty(self, row: int, column: int) -> bool:
        return (row, column) in self._pending

    def mark(self, row: int, column: int) -> str | None:
        return self._marks[row][column]

    def credited(self, row: int) -> int:
        return self._credited[row]

    def rate(self, row: int) -> float | None:
        return self._credited[row] / self._recorded[row] if self._recorded[row] else None

    def attended(self, column: int) -> int:
        counts = self._counts[column]
        return sum(counts[s] for s in CREDITED_ATTENDANCE)

    def class_rate(self) -> float | None:
        recorded = sum(self._recorded)
        return sum(self._credited) / recorded if recorded else None

    # -- Qt model interface ----------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.trainees else len(self.trainees) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.sessions) + TOTAL_COLUMNS

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.is_mark_cell(index):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        sessions = len(self.sessions)
        if r < len(self.trainees) and c < sessions:
            status = self._marks[r][c]
            if role == Qt.ItemDataRole.DisplayRole:
                return self._short[status] if status else ""
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._brushes[status] if status else None
            if role == Qt.ItemDataRole.DecorationRole:
                return self._dot if (r, c) in self._pending else None
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            if role == DirtyRole:
                return (r, c) in self._pending
            if role == Qt.ItemDataRole.FontRole:
                return self._bold if (r, c) in self._pending else None
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._cell_tip(r, c)
            if role == Qt.ItemDataRole.UserRole:
                return status
            return None
        return self._total_data(r, c, role)

    def _total_data(self, r: int, c: int, role: int):
        sessions = len(self.sessions)
        totals_row = r >= len(self.trainees)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brushes["total"]
        if role == Qt.ItemDataRole.FontRole and totals_row:
            return self._bold
        if totals_row and c < sessions:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{self.attended(c)}/{len(self.trainees)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                counts = self._counts[c]
                blank = len(self.trainees) - sum(counts.values())
                return _("Present {present}, late {late}, on leave {leave}, absent {absent}, "
                         "not marked {blank}").format(blank=blank, **counts)
            return None
        rate = self.class_rate() if totals_row else self.rate(r)
        if c == sessions:
            if role == Qt.ItemDataRole.DisplayRole:
                return "" if totals_row else str(self._credited[r])
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "—" if rate is None else f"{rate:.0%}"
        if role == Qt.ItemDataRole.ForegroundRole and rate is not None and rate < 0.8:
            return self._brushes["low"]
        if role == Qt.ItemDataRole.ToolTipRole and totals_row:
            return _("Attendance rate of the whole class")
        return None

    def _cell_tip(self, r: int, c: int) -> str:
        status = self._marks[r][c]
        label = _(ATTENDANCE[status]) if status else _("Not marked")
        text = f"{self.trainees[r].name} · {self._session_title(self.sessions[c])}: {label}"
        if (r, c) in self._pending:
            text += "\n" + _("Not saved yet")
        return text

    def _session_title(self, session: Session) -> str:
        return _("Session {seq} on {date}").format(seq=session.seq_no, date=session.date)

    def session_tip(self, session: Session) -> str:
        day = dt.date.fromisoformat(session.date)
        text = _("Session {seq}: {date} ({weekday}) {start}–{end}, {periods} periods, {kind}"
                 ).format(seq=session.seq_no, date=session.date, weekday=_(WEEKDAYS[day.weekday()]),
                          start=session.start_time, end=session.end_time,
                          periods=session.periods, kind=_(SESSION_KINDS.get(session.kind,
                                                                            session.kind)))
        extra = [x for x in (session.topic, session.teacher) if x]
        if extra:
            text += "\n" + " · ".join(extra)
        sheets = self._attachments.get(session.id, 0)
        text += "\n" + (_("Sign-in sheets attached: {count}").format(count=sheets) if sheets
                        else _("No sign-in sheet attached"))
        return text

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        sessions = len(self.sessions)
        if orientation == Qt.Orientation.Horizontal:
            if section < sessions:
                session = self.sessions[section]
                if role == Qt.ItemDataRole.DisplayRole:
                    clip = "※" if self._attachments.get(session.id) else ""
                    return f"{session.seq_no}{clip}\n{session.date[5:]}"
                if role == Qt.ItemDataRole.ToolTipRole:
                    return self.session_tip(session)
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return _("Credited\nperiods") if section == sessions else _("Rate")
            if role == Qt.ItemDataRole.ToolTipRole:
                return (_("Periods attended (present or late)") if section == sessions
                        else _("Credited periods ÷ periods recorded"))
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.trainees):
                return f"{section + 1} {self.trainees[section].name}"
            return _("Attended")
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(self.trainees):
            return _("Trainees present or late in each session")
        return None


def _dirty_dot() -> QPixmap:
    """A small orange dot shown before a cell's mark while it is not saved.

    A decoration rather than a Python item delegate: painting stays in C++ (a
    Python ``paint`` override would run for every visible cell on every repaint)."""
    pixmap = QPixmap(DOT_SIZE, DOT_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(DIRTY_COLOUR))
    painter.drawEllipse(0, 0, DOT_SIZE, DOT_SIZE)
    painter.end()
    return pixmap
