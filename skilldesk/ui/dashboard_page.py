"""工作台: the page that opens first — the year's figures, the to-do list, the charts.

Everything is read on the worker (``DashboardService``: figures, charts and to-dos in
one op); a change broadcast on the hub refreshes the page after a short pause, so a
burst of changes costs one reload. Activating a to-do (double-click or Enter) emits
``sig_open(kind, id)`` and ``sig_open_tab(kind, id, tab)``:

- ``("class", class id)``, tab a ``class_detail.TAB_KEYS`` key: basic (opening
  application), sessions (attendance), subsidy (certificates nearing the claim
  deadline), followup (employment follow-up);
- ``("sync_device", device id)``: the 同步 page, that device;
- ``("backups", "")``: the backups dialog (settings page ``open_backups()``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtCore import QRect
from PySide6.QtCore import QSize
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QTreeWidget
from PySide6.QtWidgets import QTreeWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.dashboard import DashboardCharts
from skilldesk.core.dashboard import DashboardFigures
from skilldesk.core.dashboard_todos import OVERDUE
from skilldesk.core.dashboard_todos import SOON
from skilldesk.core.dashboard_todos import TODO_KINDS
from skilldesk.core.dashboard_todos import TodoItem
from skilldesk.i18n import _
from skilldesk.ui.charts import BarChart
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.subsidy_model import yuan
from skilldesk.ui.tasks import TaskRunner

REFRESH_DELAY_MS = 300
GOOD, AMBER, RED = "#1e7e34", "#b26a00", "#c5221f"
URGENCY_COLOURS = {OVERDUE: RED, SOON: AMBER}
AMBER_BAND = 0.10   # below target by less than this: amber; more: red
TARGET_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class DashboardData:
    year: int
    years: list[int]
    today: dt.date
    figures: DashboardFigures
    charts: DashboardCharts
    todos: list[TodoItem]


def load(desk, year: int | None, today: dt.date) -> DashboardData:
    """Everything the page shows (on the worker)."""
    years = desk.dashboard.years()
    year = year if year is not None else today.year
    service = desk.dashboard
    return DashboardData(year, years, today, service.figures(year), service.charts(year),
                         service.todos(today))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def rate_colour(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    if value >= target - 1e-9:
        return GOOD
    return AMBER if value >= target - AMBER_BAND else RED


class WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text in the view's first column (a tree view does
    not give its delegate the column width, so the text would be elided)."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        if index.column() != 0:
            return size
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self._view.columnWidth(0) - self._view.indentation() * (depth + 1) - 12
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        rect = QFontMetrics(font).boundingRect(QRect(0, 0, max(60, width), 10_000),
                                               int(Qt.TextFlag.TextWordWrap), text)
        return QSize(size.width(), max(size.height(), rect.height() + 6))


class FigureCard(QFrame):
    """A big number with a caption under it."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"QFrame#{name} {{ background: palette(base); "
                           "border: 1px solid #dadce0; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setStyleSheet(MUTED_STYLE)
        self.value = QLabel("—")
        self.value.setObjectName(f"{name}_value")
        self.caption = QLabel()
        self.caption.setObjectName(f"{name}_caption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(MUTED_STYLE)
        for label in (self.title, self.value, self.caption):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)
        self.set("—", "")

    def set(self, value: str, caption: str, colour: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet("font-size: 24px; font-weight: bold;"
                                 + (f" color: {colour};" if colour else ""))
        self.caption.setText(caption)
        self.colour = colour
        self.setAccessibleName(f"{self.title.text()}: {value}. {caption}")


class DashboardPage(QWidget):
    sig_loaded = Signal()                 # the figures, to-dos and charts are shown
    sig_open = Signal(str, str)           # (target kind, target id) of an activated to-do
    sig_open_tab = Signal(str, str, str)  # the same, with the class detail tab to show

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.data: DashboardData | None = None
        self.today: dt.date | None = None   # None: the real date (tests fix it)
        self._generation = 0
        self._year: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        hub.sig_changes.connect(self._on_changes)

    # -- building --------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)

        bar = QHBoxLayout()
        title = QLabel(_("Dashboard"))
        title.setStyleSheet(HEADING_STYLE)
        bar.addWidget(title)
        bar.addSpacing(16)
        year_label = QLabel(_("Year:"))
        bar.addWidget(year_label)
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("dashboard_year")
        self.year_combo.setAccessibleName(_("Year"))
        year_label.setBuddy(self.year_combo)
        self.year_combo.activated.connect(self._on_year)
        bar.addWidget(self.year_combo)
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        self.status.setStyleSheet(MUTED_STYLE)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.setObjectName("dashboard_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.refresh_button)
        layout.addLayout(bar)

        cards = QHBoxLayout()
        self.cards = {
            "trainees": FigureCard("card_trainees", _("Trainees")),
            "classes": FigureCard("card_classes", _("Classes")),
            "pass": FigureCard("card_pass", _("Pass rate")),
            "employment": FigureCard("card_employment", _("Employment rate")),
            "subsidy": FigureCard("card_subsidy", _("Subsidies claimed (yuan)")),
        }
        for card in self.cards.values():
            cards.addWidget(card, 1)
        layout.addLayout(cards)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("dashboard_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(MUTED_STYLE)
        self.empty_label.hide()
        layout.addWidget(self.empty_label)

        middle = QHBoxLayout()
        todo_box = QGroupBox(_("To do"))
        todo_layout = QVBoxLayout(todo_box)
        self.todo_tree = QTreeWidget()
        self.todo_tree.setObjectName("dashboard_todos")
        self.todo_tree.setAccessibleName(_("To do"))
        self.todo_tree.setColumnCount(2)
        self.todo_tree.setHeaderLabels([_("What to do"), _("Due")])
        self.todo_tree.setRootIsDecorated(True)
        self.todo_tree.setUniformRowHeights(False)
        self.todo_tree.setWordWrap(True)
        self.todo_tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.todo_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.todo_tree.setItemDelegate(WrapDelegate(self.todo_tree))
        self.todo_tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(lambda *_a: self.todo_tree.doItemsLayout())
        self.todo_tree.itemActivated.connect(self._on_activated)
        self.todo_tree.setMinimumHeight(220)
        todo_layout.addWidget(self.todo_tree)
        self.todo_hint = QLabel(_("Double-click a line, or select it and press Enter, to "
                                  "open the record."))
        self.todo_hint.setObjectName("dashboard_todo_hint")
        self.todo_hint.setWordWrap(True)
        self.todo_hint.setStyleSheet(MUTED_STYLE)
        todo_layout.addWidget(self.todo_hint)
        middle.addWidget(todo_box, 3)

        month_box = QGroupBox(_("By month"))
        month_layout = QVBoxLayout(month_box)
        self.month_chart = BarChart(Qt.Orientation.Vertical)
        self.month_chart.setObjectName("chart_month")
        self.month_chart.setAccessibleName(_("Trainees and certificates by month"))
        month_layout.addWidget(self.month_chart)
        middle.addWidget(month_box, 2)
        layout.addLayout(middle, 3)

        bottom = QGridLayout()
        occupation_box, self.occupation_chart = _chart_box(
            _("Trainees by occupation"), "chart_occupation")
        category_box, self.category_chart = _chart_box(
            _("Trainees by category"), "chart_category")
        bottom.addWidget(occupation_box, 0, 0)
        bottom.addWidget(category_box, 0, 1)
        bottom.setColumnStretch(0, 1)
        bottom.setColumnStretch(1, 1)
        layout.addLayout(bottom, 2)
        for chart in (self.month_chart, self.occupation_chart, self.category_chart):
            chart.set_empty_text(_("Loading…"))

    # -- loading ---------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Reload everything on the worker; an older answer still on its way is dropped."""
        self._timer.stop()
        self._generation += 1
        generation, year = self._generation, self._year
        today = self.today or dt.date.today()
        self.status.setText(_("Loading…"))
        self._runner.run(lambda desk: load(desk, year, today),
                         on_done=lambda data: self._show(generation, data),
                         on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(_("The dashboard could not be loaded."))
        show_error(self, exc)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.anything:
            self._timer.start()   # restarts: a burst of changes reloads once

    def _on_year(self, index: int) -> None:
        year = self.year_combo.itemData(index)
        if year is not None and year != self._year:
            self._year = year
            self.refresh()

    def select_year(self, year: int) -> None:
        """Show *year* (tests, and a face that wants a given year)."""
        self._year = year
        self.refresh()

    # -- showing ---------------------------------------------------------------------------

    def _show(self, generation: int, data: DashboardData) -> None:
        if generation != self._generation:
            return
        self.data = data
        self._year = data.year
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in sorted(set(data.years) | {data.year}, reverse=True):
            self.year_combo.addItem(str(year), year)
        self.year_combo.setCurrentIndex(self.year_combo.findData(data.year))
        self.year_combo.blockSignals(False)
        self._show_figures(data.figures)
        self._show_todos(data.todos)
        self._show_charts(data.charts, data.figures)
        self.status.setText(_("As of {date}").format(date=data.today.isoformat()))
        self.sig_loaded.emit()

    def _show_figures(self, f: DashboardFigures) -> None:
        self.cards["trainees"].set(f"{f.trainees:,}", _(
            "{enrolments} enrolments in the classes that started in {year}").format(
            enrolments=f"{f.enrolments:,}", year=f.year))
        running = [(s, f.classes_by_state[s]) for s in CLASS_STATES if f.classes_by_state[s]]
        self.cards["classes"].set(f"{f.classes:,}", " · ".join(
            f"{_(CLASS_STATES[s])} {n}" for s, n in running) or _("None yet"))
        self.cards["classes"].caption.setToolTip("\n".join(
            f"{_(CLASS_STATES[s])}: {n}" for s, n in running))
        target = _("target {target}").format(target=percent(f.pass_target)) \
            if f.pass_target is not None else ""
        self.cards["pass"].set(percent(f.pass_rate), "\n".join(p for p in (_(
            "{passed} of {assessed} assessed passed").format(
            passed=f.passed, assessed=f.assessed) if f.assessed else _("Nobody assessed yet"),
            target) if p), rate_colour(f.pass_rate, f.pass_target))
        target = _("target {target}").format(target=percent(f.employment_target)) \
            if f.employment_target is not None else ""
        followed = _("{employed} of {followed} followed up employed").format(
            employed=f.employed, followed=f.followed_up) if f.followed_up else _(
            "Nobody followed up yet")
        waiting = _("{count} graduates not followed up yet").format(
            count=f.not_followed_up) if f.not_followed_up else ""
        self.cards["employment"].set(percent(f.employment_rate), "\n".join(
            p for p in (followed, target, waiting) if p),
            rate_colour(f.employment_rate, f.employment_target))
        self.cards["subsidy"].set(yuan(f.claimed_fen), _(
            "Approved {approved} · paid {paid} ({count} claims numbered in {year})").format(
            approved=yuan(f.approved_fen), paid=yuan(f.paid_fen), count=f.claims, year=f.year))
        if f.classes == 0:
            self.empty_label.setText(_(
                "There are no classes starting in {year} yet. Create one on the Classes page, "
                "or choose another year.").format(year=f.year))
        self.empty_label.setVisible(f.classes == 0)

    def _show_todos(self, todos: list[TodoItem]) -> None:
        tree = self.todo_tree
        tree.clear()
        if not todos:
            item = QTreeWidgetItem([_("Nothing to do: everything is up to date."), ""])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            tree.addTopLevelItem(item)
            self.todo_hint.hide()
            return
        self.todo_hint.show()
        groups: dict[str, list[TodoItem]] = {}
        for todo in todos:   # already most urgent first: groups come in that order
            groups.setdefault(todo.kind, []).append(todo)
        for kind, items in groups.items():
            group = QTreeWidgetItem([f"{_(TODO_KINDS[kind])} ({len(items)})", ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(False)
            tree.addTopLevelItem(group)
            for todo in items:
                child = QTreeWidgetItem([todo.title, todo.due.isoformat() if todo.due else ""])
                child.setData(0, TARGET_ROLE, todo)
                child.setToolTip(0, f"{todo.urgency_label}: {todo.title}")
                colour = URGENCY_COLOURS.get(todo.urgency)
                if colour:
                    child.setForeground(1, QBrush(QColor(colour)))
                if todo.urgency == OVERDUE:
                    child.setForeground(0, QBrush(QColor(RED)))
                group.addChild(child)
            group.setExpanded(True)
        first = tree.topLevelItem(0).child(0)
        tree.setCurrentItem(first)

    def _show_charts(self, charts: DashboardCharts, f: DashboardFigures) -> None:
        self.month_chart.set_series(
            [b.label for b in charts.trainees_by_month],
            [(_("Trainees (by class start)"), [b.value for b in charts.trainees_by_month]),
             (_("Certificates issued"), [b.value for b in charts.certificates_by_month])])
        self.occupation_chart.set_data([(b.label, b.value) for b in charts.by_occupation])
        self.category_chart.set_data([(b.label, b.value) for b in charts.by_category])
        nothing = _("No trainees in classes starting in {year} yet.").format(year=f.year)
        self.month_chart.set_empty_text(_(
            "No trainees or certificates in {year} yet.").format(year=f.year))
        self.occupation_chart.set_empty_text(nothing)
        self.category_chart.set_empty_text(nothing)

    # -- opening ---------------------------------------------------------------------------

    def todo_items(self) -> list[QTreeWidgetItem]:
        """The to-do rows (not the group headings), in the order shown."""
        out = []
        for g in range(self.todo_tree.topLevelItemCount()):
            group = self.todo_tree.topLevelItem(g)
            out += [group.child(c) for c in range(group.childCount())]
        return out

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        todo = item.data(0, TARGET_ROLE)
        if isinstance(todo, TodoItem):
            self.sig_open.emit(todo.target.kind, todo.target.id)
            self.sig_open_tab.emit(todo.target.kind, todo.target.id, todo.target.tab)


def _chart_box(title: str, name: str) -> tuple[QGroupBox, BarChart]:
    """A titled box holding one horizontal bar chart (labels on the left)."""
    box = QGroupBox(title)
    chart = BarChart(Qt.Orientation.Horizontal)
    chart.setObjectName(name)
    chart.setAccessibleName(title)
    QVBoxLayout(box).addWidget(chart)
    return box, chart
