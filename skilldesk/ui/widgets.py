"""Small reusable widgets: inline field messages, the progress dialog, and the list view
the 学员, 培训班 and 审计 pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QProgressDialog
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.desk import Desk
from skilldesk.core.progress import Progress
from skilldesk.errors import FieldIssue
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.tasks import TaskRunner

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"


def list_view(model: QAbstractItemModel, object_name: str) -> QTableView:
    """A page's main list: one row selected at a time, alternating colours, fixed 26-px
    rows (the models page through thousands of rows, so rows are never measured)."""
    table = QTableView()
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(26)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    return table


def fit_columns(table: QTableView, samples: tuple[str, ...], padding: int) -> None:
    """Each column as wide as its header or its sample value, whichever is wider."""
    metrics = table.fontMetrics()
    model = table.model()
    for column, sample in enumerate(samples):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(header))
        table.setColumnWidth(column, width + padding)


class FieldMessage(QLabel):
    """The red (error) or amber (warning) line under a form field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_issues(self, issues: list[FieldIssue]) -> None:
        if not issues:
            self.clear()
            self.hide()
            return
        has_error = any(i.severity == "error" for i in issues)
        self.setStyleSheet(ERROR_STYLE if has_error else WARNING_STYLE)
        self.setText("\n".join(i.message() for i in issues))
        self.show()


class FieldMessages:
    """The message lines of one form, keyed by field name."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self.by_field: dict[str, FieldMessage] = {}

    def wrap(self, field: str, widget: QWidget) -> QWidget:
        """*widget* with its (hidden) message line under it, for a form row."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        message = FieldMessage()
        message.setObjectName(f"{self._prefix}{field}")
        layout.addWidget(message)
        self.by_field[field] = message
        return box

    def show(self, issues: list[FieldIssue]) -> None:
        """Show each issue under its field; clear the others."""
        for field, message in self.by_field.items():
            message.show_issues([i for i in issues if i.field == field])

    def any_shown(self) -> bool:
        return any(m.text() for m in self.by_field.values())

    def __getitem__(self, field: str) -> FieldMessage:
        return self.by_field[field]


class ProgressDialog(QProgressDialog):
    """Shows a ``Progress`` the worker updates; Cancel asks the worker to stop.

    Polls every 100 ms (the worker never floods the event loop) and appears
    only if the work takes longer than half a second.
    """

    def __init__(self, progress: Progress, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._progress = progress
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(500)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setCancelButtonText(_("Cancel"))
        self.setRange(0, 0)
        self.canceled.connect(progress.cancel)
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        snap = self._progress.snapshot()
        if snap.label:
            self.setLabelText(snap.label)
        if snap.total > 0:
            self.setRange(0, snap.total)
            self.setValue(min(snap.done, snap.total))

    @property
    def finished_work(self) -> bool:
        """True once the work ended (done, failed or cancelled) and the dialog closed.
        A plain Python flag: still readable after Qt has deleted the dialog."""
        return self._finished

    def finish(self) -> None:
        self._finished = True
        self._timer.stop()
        self.close()
        self.deleteLater()


def run_with_progress(runner: TaskRunner, parent: QWidget | None, title: str,
                      op: Callable[[Desk, Progress], Any], *,
                      on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None] | None = None,
                      on_cancel: Callable[[], None] | None = None,
                      label: str | None = None) -> ProgressDialog:
    """Run ``op(desk, progress)`` on the worker behind a ProgressDialog with Cancel.

    The dialog closes before any callback runs; errors go to *on_error* (default:
    ``show_error``); a cancel closes the dialog and calls *on_cancel*, if any.
    """
    progress = Progress()
    if label:
        progress.update(0, 0, label)
    dialog = ProgressDialog(progress, title, parent)

    def done(result: Any) -> None:
        dialog.finish()
        on_done(result)

    def failed(exc: BaseException) -> None:
        dialog.finish()
        (on_error or (lambda e: show_error(parent, e)))(exc)

    def cancelled() -> None:
        dialog.finish()
        if on_cancel is not None:
            on_cancel()

    runner.run(lambda desk: op(desk, progress), on_done=done, on_error=failed,
               on_cancel=cancelled)
    return dialog


def with_suffix(path: str, chosen_filter: str) -> str:
    """The save dialog's *path*, with the chosen filter's suffix if the user typed none."""
    if path.lower().endswith((".xlsx", ".csv")):
        return path
    return path + (".csv" if "*.csv" in chosen_filter else ".xlsx")


ERROR_STYLE = "color: #b3261e;"


def show_save_failure(parent: QWidget, exc: BaseException,
                      show_issues: Callable[[list[FieldIssue]], None], status: QLabel) -> None:
    """A form's save failed: problems under their fields and a red line saying nothing
    was saved; anything else in the error dialog."""
    if isinstance(exc, ValidationError):
        show_issues(exc.issues)
        status.setStyleSheet(ERROR_STYLE)
        status.setText(_("Not saved: please correct the fields marked in red."))
        return
    show_error(parent, exc)
