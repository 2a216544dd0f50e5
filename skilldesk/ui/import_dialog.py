"""导入花名册: choose the file, check the column mapping, preview, import, undo.

Reading and checking run on the database worker with a progress dialog that
can cancel; nothing is written until the user presses Import, and then in
one transaction.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.roster_export import export_invalid_rows
from skilldesk.core.roster_import import ImportResult
from skilldesk.core.roster_import import NoRosterFound
from skilldesk.core.roster_import import RosterPreview
from skilldesk.core.roster_import import RosterSample
from skilldesk.core.roster_rows import cell_text
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.imports.headers import FIELDS
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.preview_model import PreviewModel
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import run_with_progress
from skilldesk.ui.widgets import with_suffix

FILE_FILTER = "Excel / CSV (*.xlsx *.xlsm *.xls *.ods *.csv)"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
SAMPLE_ROWS = 3
MAX_COLUMN_WIDTH = 220


class ImportDialog(QDialog):
    sig_imported = Signal(object)  # Changes

    def __init__(self, runner: TaskRunner, hub: Hub, *, path: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self.preview: RosterPreview | None = None
        self.result: ImportResult | None = None
        self._mapped_path = ""   # the file and sheet the mapping table describes
        self._mapped_sheet = ""
        self.setWindowTitle(_("Import roster"))
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_source_page())
        self.pages.addWidget(self._build_preview_page())
        self.pages.addWidget(self._build_result_page())
        layout.addWidget(self.pages)
        self._runner.run(lambda desk: desk.roster.open_classes(), on_done=self._fill_classes)
        if path:
            self.file_edit.setText(path)
            self.run_preview()

    # -- page 1: file, sheet, class, column mapping -------------------------------------

    def _build_source_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        browse = QPushButton(_("Choose file…"))
        browse.clicked.connect(self._choose_file)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        form.addRow(_("File"), row)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setToolTip(_("The sheet that looks most like a roster is chosen for you."))
        form.addRow(_("Sheet"), self.sheet_combo)
        self.class_combo = QComboBox()
        self.class_combo.addItem(_("(only add the people; enrol them in no class)"), None)
        form.addRow(_("Enrol in class"), self.class_combo)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Columns: check what each column of the file contains.")))
        self.source_message = QLabel()
        self.source_message.setObjectName("source_message")
        self.source_message.setWordWrap(True)
        self.source_message.setStyleSheet("color: #b3261e;")
        self.source_message.hide()
        layout.addWidget(self.source_message)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setObjectName("mapping_table")
        self.mapping_table.setHorizontalHeaderLabels(
            [_("Column in the file"), _("Examples"), _("Import as")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().setVisible(False)
        layout.addWidget(self.mapping_table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(_("Cancel"))
        cancel.clicked.connect(self.reject)
        self.check_button = QPushButton(_("Check the rows"))
        self.check_button.setObjectName("check_rows")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_preview)
        buttons.addWidget(cancel)
        buttons.addWidget(self.check_button)
        layout.addLayout(buttons)
        return page

    def _fill_classes(self, classes: list[tuple[str, str, str]]) -> None:
        for code, name, start in classes:
            self.class_combo.addItem(f"{code}  {name}（{start}）", code)

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import roster"), "", FILE_FILTER)
        if path:
            self.file_edit.setText(path)
            self.sheet_combo.clear()
            self.mapping_table.setRowCount(0)
            self.run_preview()

    def _fill_mapping(self, preview: RosterPreview | RosterSample) -> None:
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(preview.sheets)
        self.sheet_combo.setCurrentText(preview.sheet)
        self.sheet_combo.blockSignals(False)
        self._mapped_sheet = preview.sheet
        width = len(preview.headers)
        self.mapping_table.setRowCount(width)
        if isinstance(preview, RosterSample):
            samples, mapping = preview.rows[:SAMPLE_ROWS], {}
        else:
            samples, mapping = [r.cells for r in preview.rows[:SAMPLE_ROWS]], preview.mapping
        for column, header in enumerate(preview.headers):
            self.mapping_table.setItem(column, 0, QTableWidgetItem(header or f"({column + 1})"))
            examples = "；".join(cell_text(c[column]) for c in samples
                                if column < len(c) and c[column] not in (None, ""))
            self.mapping_table.setItem(column, 1, QTableWidgetItem(examples))
            combo = QComboBox()
            combo.addItem(_("(do not import)"), None)
            for key, label in FIELDS.items():
                combo.addItem(_(label), key)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(column))))
            self.mapping_table.setCellWidget(column, 2, combo)
        self.mapping_table.resizeColumnToContents(0)
        self.mapping_table.setColumnWidth(2, 200)

    def current_mapping(self) -> dict[int, str] | None:
        if self.mapping_table.rowCount() == 0:
            return None
        mapping = {}
        for column in range(self.mapping_table.rowCount()):
            field = self.mapping_table.cellWidget(column, 2).currentData()
            if field:
                mapping[column] = field
        return mapping

    # -- running the preview ---------------------------------------------------------------

    def run_preview(self) -> None:
        path = self.file_edit.text()
        if not path:
            self._choose_file()
            return
        same_file = self._mapped_path == path
        sheet = self.sheet_combo.currentText() if same_file else None
        mapping = self.current_mapping() if same_file and sheet == self._mapped_sheet else None
        class_code = self.class_combo.currentData()

        def done(preview: RosterPreview) -> None:
            self.source_message.hide()
            self._mapped_path = path
            self._show_preview(preview)

        def failed(exc: BaseException) -> None:
            self.pages.setCurrentIndex(0)
            if isinstance(exc, NoRosterFound):
                # let the user say which column is which, from the first rows
                self.source_message.setText(exc.user_message())
                self.source_message.show()
                self._mapped_path = path
                self._runner.run(lambda desk: desk.roster.sample(path, sheet=sheet),
                                 on_done=self._fill_mapping,
                                 on_error=lambda e: show_error(self, e))
                return
            show_error(self, exc)

        run_with_progress(self._runner, self, _("Import roster"),
                          lambda desk, progress: desk.roster.preview(
                              path, sheet=sheet, class_code=class_code, mapping=mapping,
                              progress=progress),
                          on_done=done, on_error=failed)

    # -- page 2: the preview ----------------------------------------------------------------

    def _build_preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(self.summary)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problem_list")
        self.problem_list.setMaximumHeight(150)
        self.problem_list.setWordWrap(True)
        layout.addWidget(self.problem_list)
        self.only_problems = QCheckBox(_("Show only rows with problems"))
        self.only_problems.toggled.connect(self._filter_rows)
        layout.addWidget(self.only_problems)
        self.table = QTableView()
        self.table.setObjectName("preview_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        back = QPushButton(_("Back to the columns"))
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.export_button = QPushButton(_("Export rows with errors…"))
        self.export_button.setObjectName("export_invalid")
        self.export_button.clicked.connect(self._export_invalid)
        self.strict = QCheckBox(_("Strict: import nothing if any row has an error"))
        self.strict.toggled.connect(self._update_import_button)
        self.import_button = QPushButton()
        self.import_button.setObjectName("do_import")
        self.import_button.clicked.connect(self._commit)
        buttons.addWidget(back)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.strict)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        return page

    def _show_preview(self, preview: RosterPreview) -> None:
        self.preview = preview
        self._fill_mapping(preview)
        counts = preview.counts
        self.summary.setText(_(
            "{rows} rows: {new} new, {updated} updated, {unchanged} unchanged, "
            "{invalid} with errors.").format(**counts))
        self.problem_list.clear()
        for severity, mark in (("error", "✖"), ("warning", "⚠")):
            for _code, message, count, rows in preview.grouped(severity):
                shown = join(rows[:12]) + ("…" if len(rows) > 12 else "")
                where = _(" (rows {rows})").format(rows=shown) if rows and rows[0] else ""
                if count > 1:  # one message stands for all: say it is an example
                    message = _("e.g. {message}").format(message=message)
                self.problem_list.addItem(f"{mark} {count} × {message}{where}")
        if self.problem_list.count() == 0:
            self.problem_list.addItem(_("No problems found."))
        self.model = PreviewModel(preview, self)
        self.table.setModel(self.model)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):  # a long note must not push the rest away
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), MAX_COLUMN_WIDTH))
        self.only_problems.setChecked(False)
        self.export_button.setEnabled(counts["invalid"] > 0)
        self._update_import_button()
        self.pages.setCurrentIndex(1)

    def _filter_rows(self, only: bool) -> None:
        self.model.set_only_problems(only)

    def _update_import_button(self) -> None:
        if self.preview is None:
            return
        counts = self.preview.counts
        valid = counts["new"] + counts["updated"] + counts["unchanged"]
        blocked = self.strict.isChecked() and counts["invalid"] > 0
        self.import_button.setText(_("Import {count} people").format(count=valid))
        self.import_button.setEnabled(valid > 0 and not blocked)

    def _export_invalid(self) -> None:
        assert self.preview is not None
        suggested = str(Path(self.preview.path).with_name(
            Path(self.preview.path).stem + _("-errors") + ".xlsx"))
        path, chosen = QFileDialog.getSaveFileName(self, _("Export rows with errors"), suggested,
                                                   "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_invalid_to(with_suffix(path, chosen))

    def export_invalid_to(self, path: str) -> None:
        preview = self.preview
        run_with_progress(self._runner, self, _("Export rows with errors"),
                          lambda desk, progress: export_invalid_rows(preview, path,
                                                                     progress=progress),
                          on_done=lambda n: self.summary.setText(
                              _("{count} rows with errors written to {path}.").format(
                                  count=n, path=path)),
                          on_error=lambda exc: show_error(self, exc),
                          on_cancel=lambda: self.summary.setText(
                              _("Export cancelled; no file was written.")))

    def _commit(self) -> None:
        preview, strict = self.preview, self.strict.isChecked()

        def done(result: ImportResult) -> None:
            self._show_result(result)
            # the WAL is copied into the database file after the user has the result
            self._runner.run(lambda desk: desk.checkpoint())

        run_with_progress(self._runner, self, _("Import roster"),
                          lambda desk, progress: desk.roster.commit(preview, strict=strict,
                                                                    progress=progress),
                          on_done=done)

    # -- page 3: the result, with undo ------------------------------------------------------

    def _build_result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.result_label = QLabel()
        self.result_label.setObjectName("import_result")
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet("font-size: 15px;")
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.undo_button = QPushButton(_("Undo this import"))
        self.undo_button.setObjectName("undo_import")
        self.undo_button.clicked.connect(self._undo)
        close = QPushButton(_("Close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        return page

    def _show_result(self, result: ImportResult) -> None:
        self.result = result
        counts = result.counts
        if result.committed:
            text = _("Imported: {new} new, {updated} updated, {unchanged} unchanged. "
                     "{invalid} rows with errors were not imported.").format(**counts)
            self._hub.sig_changes.emit(result.changes, self)
            self.sig_imported.emit(result.changes)
        else:
            text = _("Nothing was imported: strict mode is on and {invalid} rows have "
                     "errors.").format(**counts)
        self.result_label.setText(text)
        self.undo_button.setVisible(result.committed)
        self.pages.setCurrentIndex(2)

    def _undo(self) -> None:
        batch_id = self.result.batch_id if self.result else None
        if not batch_id:
            return

        def done(changes: Changes) -> None:
            self.result_label.setText(_("The import was undone; everything is as before."))
            self.undo_button.setVisible(False)
            self._hub.sig_changes.emit(changes, self)

        run_with_progress(self._runner, self, _("Undo the import"),
                          lambda desk, progress: desk.roster.undo(batch_id, progress=progress),
                          on_done=done, on_error=lambda exc: show_error(self, exc),
                          on_cancel=lambda: self.result_label.setText(
                              _("Undo cancelled; the import stays as it was.")))
