"""The catalogue import preview: row problems and what the new catalogue changes against
the one in use (added / removed / changed), then 导入并启用 / 仅导入 / 取消.

The dialog only shows a ``CataloguePreview`` made on the worker; the page does the commit.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.catalogue import CataloguePreview
from skilldesk.core.catalogue_diff import DIFF_FIELDS
from skilldesk.core.catalogue_rows import yuan
from skilldesk.i18n import _
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.ui.policy_model import ItemsModel
from skilldesk.ui.policy_model import item_cells
from skilldesk.ui.policy_model import level_label
from skilldesk.ui.widgets import ERROR_STYLE
from skilldesk.ui.widgets import WARNING_STYLE


def table(headers: list[str], rows: list[list[str]], object_name: str = "", *,
          stretch: int | None = None, wrap: bool = False) -> QTableWidget:
    """A read-only table of texts, columns sized to their contents; column *stretch* (the
    last one if None) takes the rest of the width. With *wrap*, long texts wrap and rows
    grow to fit them."""
    widget = QTableWidget(len(rows), len(headers))
    widget.setObjectName(object_name)
    widget.setHorizontalHeaderLabels(headers)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setWordWrap(wrap)
    widget.verticalHeader().hide()
    if wrap:
        widget.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    fill_table(widget, rows)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    column = len(headers) - 1 if stretch is None else stretch
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return widget


def fill_table(widget: QTableWidget, rows: list[list[str]]) -> None:
    widget.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            widget.setItem(r, c, item)


def _value(field: str, value: object) -> str:
    if field == "standard_fen":
        return yuan(int(value)) if value else "—"
    if field == "shortage":
        return _("Yes") if value else _("No")
    if field == "min_hours":
        return str(value) if value else "—"
    return str(value) if value else "—"


def _item_name(item: CatalogueItem) -> str:
    parts = [item.occupation_code, item.occupation_name, item.work_type, level_label(item.level)]
    return " ".join(p for p in parts if p)


class CatalogueImportDialog(QDialog):
    """Emits ``sig_commit(activate)`` when the user chooses to import."""

    sig_commit = Signal(bool)

    def __init__(self, preview: CataloguePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(_("Import the occupation catalogue"))
        self.resize(980, 640)
        counts = preview.counts
        layout = QVBoxLayout(self)

        self.summary = QLabel(self._summary_text())
        self.summary.setObjectName("catalogue_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.notice = QLabel()
        self.notice.setObjectName("catalogue_notice")
        self.notice.setWordWrap(True)
        if counts["invalid"]:
            self.notice.setStyleSheet(ERROR_STYLE)
            self.notice.setText(_(
                "{invalid} rows have errors (see Problems). Correct them in the file and "
                "choose the file again, or import without them: those items will then be "
                "missing from the catalogue.").format(**counts))
        elif preview.issues("warning"):
            self.notice.setStyleSheet(WARNING_STYLE)
            self.notice.setText(_("Check the warnings under Problems before importing."))
        self.notice.setVisible(bool(self.notice.text()))
        layout.addWidget(self.notice)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("catalogue_tabs")
        issues = preview.issues("error") + preview.issues("warning")
        self.problems = table(
            [_("Row"), _("Column"), _("Severity"), _("Problem")],
            [[str(i.row) if i.row else "—", i.column or "—",
              _("Error") if i.severity == "error" else _("Warning"), i.message()]
             for i in sorted(issues, key=lambda i: i.row)], "catalogue_problems", wrap=True)
        headers = [_(h) for h in ItemsModel.HEADERS]
        diff = preview.diff
        self.added = table(headers, [item_cells(i) for i in diff.added], "catalogue_added",
                           stretch=1)
        self.removed = table(headers, [item_cells(i) for i in diff.removed],
                             "catalogue_removed", stretch=1)
        self.changed = table(
            [_("Item"), _("What"), _("Before"), _("After")],
            [[_item_name(c.item), _(DIFF_FIELDS[c.field]), _value(c.field, c.old),
              _value(c.field, c.new)] for c in diff.changed], "catalogue_changed", stretch=0)
        self.tabs.addTab(self.problems, _("Problems ({count})").format(count=len(issues)))
        self.tabs.addTab(self.added, _("Added ({count})").format(count=len(diff.added)))
        self.tabs.addTab(self.removed, _("Removed ({count})").format(count=len(diff.removed)))
        self.tabs.addTab(self.changed, _("Changed ({count})").format(
            count=diff.changed_items))
        if not issues:
            self.tabs.setCurrentWidget(self.changed if diff.changed else self.added)
        layout.addWidget(self.tabs, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.activate_button = QPushButton(_("Import and activate"))
        self.activate_button.setObjectName("catalogue_import_activate")
        self.import_button = QPushButton(_("Import only"))
        self.import_button.setObjectName("catalogue_import_only")
        self.cancel_button = QPushButton(_("Cancel"))
        for button in (self.activate_button, self.import_button, self.cancel_button):
            buttons.addWidget(button)
        can_import = counts["valid"] > 0
        self.activate_button.setEnabled(can_import)
        self.import_button.setEnabled(can_import)
        self.activate_button.setDefault(can_import and not counts["invalid"])
        self.activate_button.clicked.connect(lambda: self.choose(True))
        self.import_button.clicked.connect(lambda: self.choose(False))
        self.cancel_button.clicked.connect(self.reject)
        layout.addLayout(buttons)

    def _summary_text(self) -> str:
        p = self.preview
        counts = p.counts
        lines = [
            _("<b>{title}</b> — from {start}, file {file}, sheet “{sheet}”, header on row "
              "{header}").format(title=html.escape(p.title), start=p.effective_from.isoformat(),
                                 file=html.escape(p.path.name), sheet=html.escape(p.sheet),
                                 header=p.header_row),
            _("{rows} items read: {valid} valid, {invalid} with errors.").format(**counts),
        ]
        if p.diff.base_id:
            lines.append(_("Against the catalogue in use, “{base}”: {added} added, {removed} "
                           "removed, {changed} changed.").format(base=html.escape(p.diff.base_title),
                                                                 **counts))
        else:
            lines.append(_("No catalogue is in use yet: every item is new."))
        if p.rule_set:
            lines.append(_("Amounts checked against rule set {id}.").format(id=p.rule_set))
        return "<br>".join(lines)

    def choose(self, activate: bool) -> None:
        self.sig_commit.emit(activate)
        self.accept()
