"""政策与目录 page: the rule set in force (its key figures with their clauses, the
benchmark table) and the bureau's occupation catalogues (list, items, import, activate).

Everything the database holds is read and written on the worker (``runner.run``); the rule
sets are bundled TOML files read once. After an import or activation the page broadcasts
``Changes(catalogue=True)``.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.catalogue import CatalogueInfo
from skilldesk.core.catalogue import CataloguePreview
from skilldesk.core.changes import Changes
from skilldesk.i18n import _
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.rules.policy import NoRuleSet
from skilldesk.rules.policy import RuleSet
from skilldesk.rules.policy import bundled_rule_sets
from skilldesk.rules.policy import rule_set_for
from skilldesk.ui.catalogue_dialog import CatalogueImportDialog
from skilldesk.ui.catalogue_dialog import fill_table as _fill
from skilldesk.ui.catalogue_dialog import table
from skilldesk.ui.hub import Hub
from skilldesk.ui.policy_model import BENCHMARK_LEVELS
from skilldesk.ui.policy_model import ItemsModel
from skilldesk.ui.policy_model import benchmark
from skilldesk.ui.policy_model import figures
from skilldesk.ui.policy_model import level_label
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import WARNING_STYLE
from skilldesk.ui.widgets import run_with_progress

FILE_FILTER = "*.xlsx *.xls *.ods *.csv"


class PolicyPage(QWidget):
    sig_ready = Signal()            # the catalogue list arrived
    sig_items_loaded = Signal()     # the selected catalogue's items arrived
    sig_preview_ready = Signal()    # an import preview is shown
    sig_imported = Signal(object)   # Changes of an import or activation

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self.catalogues: list[CatalogueInfo] = []
        self.import_dialog: CatalogueImportDialog | None = None
        self._selected_id: str | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_rules_tab(), _("Rule set"))
        self.tabs.addTab(self._build_catalogue_tab(), _("Occupation catalogue"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        hub.sig_changes.connect(self._on_changes)
        self._fill_rule_sets()

    # -- the rule set -----------------------------------------------------------------------

    def _build_rules_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Rule set:")))
        self.rule_set_combo = QComboBox()
        self.rule_set_combo.setObjectName("rule_set_combo")
        self.rule_set_combo.currentIndexChanged.connect(self._show_rule_set)
        row.addWidget(self.rule_set_combo, 1)
        layout.addLayout(row)
        self.rule_set_label = QLabel()
        self.rule_set_label.setObjectName("rule_set_label")
        self.rule_set_label.setWordWrap(True)
        layout.addWidget(self.rule_set_label)
        self.sample_label = QLabel()
        self.sample_label.setObjectName("rule_set_sample")
        self.sample_label.setWordWrap(True)
        self.sample_label.setStyleSheet(WARNING_STYLE + " font-weight: bold;")
        layout.addWidget(self.sample_label)
        self.figures_table = table([_("Figure"), _("Value"), _("Source")], [], "rule_figures",
                                   stretch=2, wrap=True)
        self.figures_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Fixed)
        self.figures_table.setColumnWidth(1, 340)
        layout.addWidget(self.figures_table, 1)
        layout.addWidget(QLabel(_("Benchmark per trainee (yuan) by category and level")))
        self.benchmark_table = table([_("Level"), _("Category A"), _("Category B"),
                                      _("Category C")], [], "rule_benchmark", stretch=0)
        self.benchmark_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.benchmark_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.benchmark_table.setMaximumWidth(640)
        layout.addWidget(self.benchmark_table)
        self.benchmark_source = QLabel()
        self.benchmark_source.setWordWrap(True)
        layout.addWidget(self.benchmark_source)
        return tab

    def _fill_rule_sets(self) -> None:
        self.rule_sets = list(bundled_rule_sets())
        try:
            current = rule_set_for(dt.date.today()).id
        except NoRuleSet:
            current = None
        self.rule_set_combo.blockSignals(True)
        for rule_set in self.rule_sets:
            label = rule_set.title
            if rule_set.id == current:
                label += _(" (in force today)")
            self.rule_set_combo.addItem(label, rule_set.id)
        self.rule_set_combo.blockSignals(False)
        index = next((n for n, r in enumerate(self.rule_sets) if r.id == current), 0)
        self.rule_set_combo.setCurrentIndex(index)
        if self.rule_sets:
            self._show_rule_set(index)

    def _show_rule_set(self, index: int) -> None:
        if not 0 <= index < len(self.rule_sets):
            return
        rule_set: RuleSet = self.rule_sets[index]
        self.shown_rule_set = rule_set
        until = rule_set.effective_to.isoformat() if rule_set.effective_to else _("open-ended")
        self.rule_set_label.setText(_("<b>{id}</b> — {title}<br>In force from {start} to "
                                      "{end}; {city}.").format(
            id=html.escape(rule_set.id), title=html.escape(rule_set.title),
            start=rule_set.effective_from.isoformat(), end=until,
            city=html.escape(rule_set.city)))
        subsidy = rule_set.raw.get("subsidy", {})
        sample = bool(subsidy.get("sample"))
        self.sample_label.setText(_(
            "Sample data: the subsidy figures come from a secondary copy of the provincial "
            "benchmark ({source}). Import the bureau's catalogue for the real amounts."
        ).format(source=subsidy.get("source", "")) if sample else "")
        self.sample_label.setVisible(sample)
        _fill(self.figures_table, figures(rule_set))
        table_ = benchmark(rule_set)
        _fill(self.benchmark_table, [
            [level_label(level), *(str(table_.get(c, {}).get(level, "—")) for c in "ABC")]
            for level in BENCHMARK_LEVELS] if table_ else [])
        self.benchmark_table.setVisible(bool(table_))
        self.benchmark_table.resizeRowsToContents()
        height = self.benchmark_table.horizontalHeader().sizeHint().height() + 4
        height += sum(self.benchmark_table.rowHeight(r)
                      for r in range(self.benchmark_table.rowCount()))
        self.benchmark_table.setFixedHeight(height)
        self.benchmark_source.setText(_("Source: {source}").format(
            source=subsidy.get("source", "")) if table_ else _("This rule set gives no "
                                                                "benchmark table."))

    # -- the catalogues ---------------------------------------------------------------------

    def _build_catalogue_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Catalogue year:")))
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("catalogue_year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(dt.date.today().year)
        bar.addWidget(self.year_spin)
        self.import_button = QPushButton(_("Import a new catalogue…"))
        self.import_button.setObjectName("catalogue_import")
        self.import_button.clicked.connect(self.choose_file)
        bar.addWidget(self.import_button)
        self.activate_button = QPushButton(_("Use the selected catalogue"))
        self.activate_button.setObjectName("catalogue_activate")
        self.activate_button.setEnabled(False)
        self.activate_button.clicked.connect(self._activate_selected)
        bar.addWidget(self.activate_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.status = QLabel()
        self.status.setObjectName("catalogue_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.catalogue_table = table([_("In use"), _("Year"), _("Title"), _("In force"),
                                      _("Items"), _("Sample data")], [], "catalogue_list",
                                     stretch=2)
        self.catalogue_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.catalogue_table.itemSelectionChanged.connect(self._on_select)
        splitter.addWidget(self.catalogue_table)
        items_box = QGroupBox(_("Items"))
        items_layout = QVBoxLayout(items_box)
        self.search = QLineEdit()
        self.search.setObjectName("catalogue_search")
        self.search.setPlaceholderText(_("Search by code, occupation, work type or level"))
        self.search.setClearButtonEnabled(True)
        items_layout.addWidget(self.search)
        self.items_model = ItemsModel(self)
        self.search.textChanged.connect(self.items_model.set_filter)
        self.items_view = QTableView()
        self.items_view.setObjectName("catalogue_items")
        self.items_view.setModel(self.items_model)
        self.items_view.verticalHeader().hide()
        self.items_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.items_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        items_layout.addWidget(self.items_view)
        splitter.addWidget(items_box)
        splitter.setSizes([180, 480])
        layout.addWidget(splitter, 1)
        return tab

    def start(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._runner.run(lambda desk: desk.catalogue.list(), on_done=self._show_catalogues)

    def _show_catalogues(self, catalogues: list[CatalogueInfo]) -> None:
        self.catalogues = catalogues
        rows = [[_("✓ in use") if c.active else "", str(c.year), c.title,
                 _("{start} to {end}").format(start=c.effective_from,
                                              end=c.effective_to or _("open-ended"))
                 if c.active or c.effective_to else _("not used yet"),
                 str(c.item_count), _("Yes") if c.is_sample else ""] for c in catalogues]
        keep = self._selected_id or next((c.id for c in catalogues if c.active), None)
        self.catalogue_table.blockSignals(True)
        _fill(self.catalogue_table, rows)
        self.catalogue_table.blockSignals(False)
        row = next((n for n, c in enumerate(catalogues) if c.id == keep), 0 if catalogues else -1)
        if row >= 0:
            self.catalogue_table.selectRow(row)
        self._on_select()
        self.sig_ready.emit()

    def selected(self) -> CatalogueInfo | None:
        rows = self.catalogue_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.catalogues):
            return None
        return self.catalogues[rows[0].row()]

    def _on_select(self) -> None:
        info = self.selected()
        self.activate_button.setEnabled(info is not None and not info.active)
        if info is None:
            self._selected_id = None
            self.items_model.set_items([])
            return
        self._selected_id = info.id
        self._runner.run(lambda desk: (info.id, desk.catalogue.items(info.id)),
                         on_done=self._show_items)

    def _show_items(self, result: tuple[str, list[CatalogueItem]]) -> None:
        catalogue_id, items = result
        if catalogue_id != self._selected_id:
            return  # an older selection's answer
        self.items_model.set_items(items)
        self.sig_items_loaded.emit()

    # -- import and activate ----------------------------------------------------------------

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the bureau's occupation catalogue"), "",
            _("Spreadsheets ({patterns})").format(patterns=FILE_FILTER))
        if path:
            self.start_import(path)

    def start_import(self, path: str, *, year: int | None = None) -> None:
        """Check *path* on the worker (with progress and Cancel), then show the preview."""
        year = year or self.year_spin.value()
        self.status.clear()
        run_with_progress(
            self._runner, self, _("Checking the catalogue"),
            lambda desk, progress: desk.catalogue.preview_import(path, year=year,
                                                                 progress=progress),
            on_done=self.show_preview, label=_("Reading the file…"))

    def show_preview(self, preview: CataloguePreview) -> None:
        self.import_dialog = CatalogueImportDialog(preview, self)
        self.import_dialog.sig_commit.connect(lambda activate: self.commit(preview, activate))
        self.import_dialog.open()
        self.sig_preview_ready.emit()

    def commit(self, preview: CataloguePreview, activate: bool) -> None:
        """Store the checked catalogue on the worker: the backup before it can take a
        while on a large database, so behind a progress dialog with Cancel."""
        run_with_progress(
            self._runner, self, _("Importing the catalogue"),
            lambda desk, progress: desk.catalogue.commit_import(
                preview, activate=activate, strict=False, progress=progress),
            on_done=lambda changes: self._done(
                changes, _("Imported “{title}” ({count} items){active}.").format(
                    title=preview.title, count=preview.counts["valid"],
                    active=_(", now in use") if activate else "")),
            on_cancel=lambda: self.status.setText(
                _("Import cancelled; the catalogue was not imported.")),
            label=_("Saving {count} catalogue items…").format(count=preview.counts["valid"]))

    def _activate_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        run_with_progress(
            self._runner, self, _("Activating the catalogue"),
            lambda desk, progress: desk.catalogue.activate(info.id, progress=progress),
            on_done=lambda c: self._done(
                c, _("“{title}” is now the catalogue in use.").format(title=info.title)),
            on_cancel=lambda: self.status.setText(
                _("Cancelled; the catalogue in use was not changed.")))

    def _done(self, changes: Changes, message: str) -> None:
        self.status.setText(message)
        if changes.ids:
            self._selected_id = changes.ids[0]
        self._hub.sig_changes.emit(changes, self)
        self.reload()
        self.sig_imported.emit(changes)

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if changes.catalogue and initiator is not self:
            self.reload()

