"""培训班 page: the filtered list of classes, and a class's detail in its place."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.i18n import _
from skilldesk.ui.class_detail import ClassDetail
from skilldesk.ui.class_form import ClassForm
from skilldesk.ui.class_list_model import ClassFilter
from skilldesk.ui.class_list_model import ClassListModel
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import list_view

SEARCH_DELAY_MS = 200
# the widest text each column is sized for (labels: the longest in the current
# language, capped so a long English label does not starve the class name)
_SAMPLES = ("SZ2026-00000", "", None, "工业视觉系统运维员", None, "2026-00-00 – 2026-00-00",
            None, "000")
_LABELS = {2: (TRAINING_TYPES, 140), 4: (LEVELS, 110), 6: (CLASS_STATES, 160)}


class ClassesPage(QWidget):
    sig_ready = Signal()  # the list for the current filters is shown

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self._select_after_load: str | None = None
        self._years: list[int] = []
        self.model = ClassListModel(runner, self)
        self.model.sig_loaded.connect(self._on_loaded)
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.list_panel = QWidget()
        self._build_list(self.list_panel)
        self.stack.addWidget(self.list_panel)
        self.detail = ClassDetail(runner, hub)
        self.detail.sig_back.connect(self.show_list)
        self.detail.sig_edit.connect(self.edit_class)
        self.detail.sig_open_class.connect(self.open_class)
        self.stack.addWidget(self.detail)
        hub.sig_changes.connect(self._on_changes)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)

    def _build_list(self, panel: QWidget) -> None:
        layout = QVBoxLayout(panel)
        bar = QHBoxLayout()
        self.year = QComboBox()
        self.year.setObjectName("class_year")
        self.year.setToolTip(_("Year the class starts"))
        self.year.addItem(_("All years"), None)
        self.state = QComboBox()
        self.state.setObjectName("class_state")
        self.state.addItem(_("All states"), None)
        for key, label in CLASS_STATES.items():
            self.state.addItem(_(label), key)
        self.type = QComboBox()
        self.type.setObjectName("class_type")
        self.type.addItem(_("All training types"), None)
        for key, label in TRAINING_TYPES.items():
            self.type.addItem(_(label), key)
        self.search = QLineEdit()
        self.search.setObjectName("class_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search code, name or occupation (Ctrl+F)"))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._focus_table)
        for combo in (self.year, self.state, self.type):
            combo.currentIndexChanged.connect(self.apply_filter)
            bar.addWidget(combo)
        bar.addWidget(self.search, 1)
        self.new_button = QPushButton(_("New class"))
        self.new_button.setObjectName("new_class")
        self.new_button.setToolTip(_("New class (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_class)
        self.edit_button = QPushButton(_("Edit"))
        self.edit_button.setObjectName("edit_class")
        self.edit_button.setToolTip(_("Edit the selected class"))
        self.edit_button.clicked.connect(lambda: self.edit_class(self.current_id()))
        self.open_button = QPushButton(_("Open"))
        self.open_button.setToolTip(_("Open the selected class (Enter)"))
        self.open_button.clicked.connect(lambda: self.open_class(self.current_id()))
        for button in (self.new_button, self.edit_button, self.open_button):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.count_label = QLabel()
        self.count_label.setObjectName("class_count")
        self.count_label.setWordWrap(True)
        self.count_label.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.count_label)

        self.table = list_view(self.model, "class_table")
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(_SAMPLES):
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            width = metrics.horizontalAdvance(title)
            if column in _LABELS:
                labels, cap = _LABELS[column]
                width = max(width, min(cap, max(metrics.horizontalAdvance(_(t))
                                                for t in labels.values())))
            elif sample:
                width = max(width, metrics.horizontalAdvance(sample))
            self.table.setColumnWidth(column, width + 20)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_class(self.model.data(
            index, Qt.ItemDataRole.UserRole)))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 1)
        for keys, slot in ((QKeySequence.StandardKey.New, self.new_class),
                           (QKeySequence.StandardKey.Find, self._focus_search)):
            QShortcut(keys, panel, slot)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table,
                      lambda: self.open_class(self.current_id()),
                      context=Qt.ShortcutContext.WidgetShortcut)
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------

    def start(self) -> None:
        """Load the list (called when the database is open)."""
        self.count_label.setText(_("Loading…"))
        self._runner.run(lambda desk: desk.classes.years(), on_done=self._set_years)
        self.apply_filter()

    def _set_years(self, years: list[int]) -> None:
        if years == self._years:
            return
        self._years = years
        current = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(_("All years"), None)
        for year in years:
            self.year.addItem(str(year), year)
        found = self.year.findData(current)
        self.year.setCurrentIndex(max(found, 0))
        self.year.blockSignals(False)

    def current_filter(self) -> ClassFilter:
        return ClassFilter(year=self.year.currentData(), state=self.state.currentData(),
                           training_type=self.type.currentData(), text=self.search.text().strip())

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _on_loaded(self) -> None:
        counts = self.model.by_state
        all_states = sum(counts.values())
        self.state.blockSignals(True)
        self.state.setItemText(0, _("All states ({count})").format(count=all_states))
        for index in range(1, self.state.count()):
            key = self.state.itemData(index)
            self.state.setItemText(index, _("{state} ({count})").format(
                state=_(CLASS_STATES[key]), count=counts.get(key, 0)))
        self.state.blockSignals(False)
        parts = [_("{state} {count}").format(state=_(CLASS_STATES[k]), count=counts[k])
                 for k in CLASS_STATES if counts.get(k)]
        shown = _("{count} classes shown").format(count=f"{self.model.rowCount():,}")
        self.count_label.setText(shown + (" · " + " · ".join(parts) if parts else ""))
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
        self._update_buttons()
        self.sig_ready.emit()

    # -- actions -----------------------------------------------------------------------

    def current_id(self) -> str | None:
        row = self.model.row_at(self.table.currentIndex().row())
        return None if row is None else row.id

    def _update_buttons(self) -> None:
        has = self.current_id() is not None
        self.edit_button.setEnabled(has)
        self.open_button.setEnabled(has)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def new_class(self) -> ClassForm:
        return self._open_form(None)

    def edit_class(self, class_id: str | None) -> ClassForm | None:
        return self._open_form(class_id) if class_id else None

    def _open_form(self, class_id: str | None) -> ClassForm:
        form = ClassForm(self._runner, self._hub, class_id=class_id, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.sig_saved.connect(self._on_saved)
        form.open()
        self.form = form
        return form

    def _on_saved(self, class_id: str) -> None:
        self._select_after_load = class_id

    def open_class(self, class_id: str | None) -> None:
        if not class_id:
            return
        self.stack.setCurrentWidget(self.detail)
        self.detail.load(class_id)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        self.table.setFocus()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.classes or changes.people:
            self.model.refresh()
            self._runner.run(lambda desk: desk.classes.years(), on_done=self._set_years)
