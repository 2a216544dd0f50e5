"""学员 page: every person, searched as you type, with the edit form beside it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.roster_export import export_roster
from skilldesk.i18n import _
from skilldesk.ui.hub import Hub
from skilldesk.ui.import_dialog import SUFFIXES
from skilldesk.ui.import_dialog import ImportDialog
from skilldesk.ui.people_model import PeopleModel
from skilldesk.ui.person_form import PersonForm
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import fit_columns
from skilldesk.ui.widgets import list_view
from skilldesk.ui.widgets import run_with_progress
from skilldesk.ui.widgets import with_suffix

SEARCH_DELAY_MS = 150


class PeoplePage(QWidget):
    sig_ready = Signal()  # first page shown (used by --screenshot and tests)

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self._select_after_load: str | None = None
        self.model = PeopleModel(runner, self)
        self._build(runner, hub)
        hub.sig_changes.connect(self._on_changes)
        self.model.sig_page_loaded.connect(self._on_page_loaded)
        self.model.sig_count_ready.connect(self._show_count)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.model.set_query(self.search.text()))

    def _build(self, runner: TaskRunner, hub: Hub) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("people_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            _("Search by name, or any part of the ID number or mobile (Ctrl+F)"))
        self.search.textChanged.connect(self._on_search_text)
        self.search.returnPressed.connect(self._focus_table)
        bar.addWidget(self.search, 1)
        self.new_button = QPushButton(_("New person"))
        self.new_button.setToolTip(_("New person (Ctrl+N)"))
        self.new_button.clicked.connect(self._new_person)
        bar.addWidget(self.new_button)
        self.import_button = QPushButton(_("Import roster…"))
        self.import_button.setObjectName("import_roster")
        self.import_button.setToolTip(_("Import a roster from Excel or CSV (Ctrl+I); "
                                        "you can also drop the file onto this page"))
        self.import_button.clicked.connect(lambda: self.open_import())
        bar.addWidget(self.import_button)
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setObjectName("export_people")
        self.export_button.setToolTip(_("Export the people shown to Excel or CSV (Ctrl+E)"))
        self.export_button.clicked.connect(self._export)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.count_label = QLabel()
        self.count_label.setObjectName("people_count")
        layout.addWidget(self.count_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = list_view(self.model, "people_table")
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_columns(self.table, ("欧阳娜娜娜", "Female", "2000-00-00", "000000000000000000",
                                 "00000000000"), 24)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        splitter.addWidget(self.table)

        self.form = PersonForm(runner, hub)
        self.form.sig_saved.connect(self._on_saved)
        self.form.setMinimumWidth(380)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([720, 410])
        layout.addWidget(splitter, 1)

        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, self._new_person)
        QShortcut(QKeySequence("Ctrl+I"), self, lambda: self.open_import())
        QShortcut(QKeySequence("Ctrl+E"), self, self._export)
        self.setAcceptDrops(True)

    # -- import and export -------------------------------------------------------------

    def open_import(self, path: str | None = None) -> ImportDialog:
        dialog = ImportDialog(self._runner, self._hub, path=path, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def dragEnterEvent(self, event) -> None:
        if _dropped_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = _dropped_file(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_import(path)

    def _export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Export people"), _("roster") + ".xlsx", "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_to(with_suffix(path, chosen))

    def export_to(self, path: str) -> None:
        query = self.model.query

        def done(count: int) -> None:
            self.count_label.setText(_("{count} people written to {path}.").format(
                count=count, path=path))

        run_with_progress(self._runner, self, _("Export people"),
                          lambda desk, progress: export_roster(desk, path, query=query,
                                                               progress=progress),
                          on_done=done)

    # -- actions ----------------------------------------------------------------------

    def start(self) -> None:
        """Load the first page (called when the database is open)."""
        self.count_label.setText(_("Loading…"))
        # queued first, so the masking is known before the first page arrives
        self._runner.run(lambda desk: desk.role is not None, on_done=self._set_masked)
        self.model.set_query(self.search.text())

    def _set_masked(self, masked: bool) -> None:
        """A database with accounts: personal numbers masked in the list and the form."""
        if masked != self.model.masked:
            self.model.beginResetModel()
            self.model.masked = masked
            self.model.endResetModel()
        self.form.set_masked(masked)

    def _on_search_text(self, _text: str) -> None:
        self._search_timer.start()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_table(self) -> None:
        if self.model.rowCount() > 0:
            self.table.setFocus()
            self.table.selectRow(0)

    def _new_person(self) -> None:
        if self.form.maybe_leave():
            self.table.clearSelection()
            self.form.new_person()

    def _on_current_row(self, current, previous) -> None:
        row = self.model.row_at(current.row())
        if row is None or row.id == self.form.person_id:
            return
        if not self.form.maybe_leave():
            # stay on the person with unsaved edits
            self.table.selectionModel().blockSignals(True)
            self.table.selectionModel().setCurrentIndex(
                previous, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.selectionModel().blockSignals(False)
            return
        self.form.load(row.id)

    def _on_saved(self, person_id: str) -> None:
        self._select_after_load = person_id

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.people:
            self.model.refresh()

    def _on_page_loaded(self) -> None:
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row is not None:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)
        if self.model.total is None:
            self.count_label.setText(_("Showing {shown}, counting…").format(
                shown=self.model.rowCount()))
        self.sig_ready.emit()

    def _show_count(self, total: int) -> None:
        if self.model.query.strip():
            text = _("{total} people found").format(total=f"{total:,}")
        else:
            text = _("{total} people in all").format(total=f"{total:,}")
        self.count_label.setText(text)


def _dropped_file(mime) -> str | None:
    """The one spreadsheet file being dragged, if that is what it is."""
    urls = mime.urls() if mime.hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = urls[0].toLocalFile()
    return path if path.lower().endswith(SUFFIXES) else None
