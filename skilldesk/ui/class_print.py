"""The 打印 / 导出PDF button of the class detail: every form of the class as a PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from skilldesk.core.reports import REPORT_KINDS
from skilldesk.core.reports import ReportResult
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import run_with_progress


def default_name(code: str, kind: str) -> str:
    """``SZ2026-0001-开班申请表.pdf``: the class code and the form's title."""
    unsafe = '\\/:*?"<>|'
    title = "".join("_" if ch in unsafe else ch for ch in _(REPORT_KINDS[kind]))
    return f"{code}-{title}.pdf"


class PrintButton(QPushButton):
    """A menu of the class's forms; the chosen one is written on the worker, with
    progress, and opened in the system's PDF viewer (print from there)."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(_("Print / export PDF"), parent)
        self.setObjectName("class_print")
        self._runner = runner
        self.class_id: str | None = None
        self.class_code = ""
        self.open_after = True  # tests turn the viewer off
        self.last_result: ReportResult | None = None
        menu = QMenu(self)
        for kind, label in REPORT_KINDS.items():
            action = menu.addAction(_(label))
            action.setObjectName(f"print_{kind}")
            action.triggered.connect(lambda _checked=False, k=kind: self.choose(k))
        self.setMenu(menu)

    def set_class(self, class_id: str | None, code: str) -> None:
        self.class_id, self.class_code = class_id, code
        self.setEnabled(class_id is not None)

    def choose(self, kind: str) -> None:
        """Ask where to save the form, then write it."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / default_name(self.class_code, kind))
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save {form} as PDF").format(form=_(REPORT_KINDS[kind])), suggested,
            _("PDF files (*.pdf)"))
        if path:
            self.export(kind, path if path.lower().endswith(".pdf") else path + ".pdf")

    def export(self, kind: str, path: str) -> None:
        class_id = self.class_id
        if class_id is None:
            return
        run_with_progress(
            self._runner, self, _("Writing {form}").format(form=_(REPORT_KINDS[kind])),
            lambda desk, progress: desk.reports.render(kind, class_id, path, progress=progress),
            on_done=self._written, on_error=lambda exc: show_error(self, exc))

    def _written(self, result: ReportResult) -> None:
        self.last_result = result
        if self.open_after:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path)))
