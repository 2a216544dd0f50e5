"""Errors in the GUI: one helper for expected errors, one handler for crashes.

``show_error`` shows a typed core error as a short translated message with
technical details behind Qt's "Show Details" toggle. Anything else is a bug:
``install_crash_handler`` logs it to the file first, then shows a dialog that
says where the log is (Picard's crash_handler, Frescobaldi's ExceptionDialog).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QMetaObject
from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import _

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user what went wrong and what to do (non-blocking)."""
    if not isinstance(exc, SkilldeskError):
        _report_crash(type(exc), exc, exc.__traceback__)
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("SkillDesk"))
    box.setText(exc.user_message())
    details = [f"{_('Error code')}: {exc.code}"]
    if exc.detail:
        details.append(exc.detail)
    box.setDetailedText("\n".join(details))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class _CrashReporter(QObject):
    def __init__(self, log_path: Path, *, show_dialog: bool) -> None:
        super().__init__()
        self.log_path = log_path
        self.show_dialog = show_dialog
        self._pending: list[str] = []
        self._showing = False

    def report(self, text: str) -> None:
        self._pending.append(text)
        # Always show from the GUI thread, whatever thread crashed.
        QMetaObject.invokeMethod(self, "_show", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _show(self) -> None:
        if not self.show_dialog or self._showing or not self._pending:
            return
        text = "\n\n".join(self._pending)
        self._pending.clear()
        self._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(_("SkillDesk: unexpected error"))
            box.setText(_(
                "An unexpected error occurred. Your saved data is safe. "
                "Please send the log file to support:\n{path}").format(path=self.log_path))
            box.setDetailedText(text)
            box.exec()
        finally:
            self._showing = False


_reporter: _CrashReporter | None = None


def _report_crash(exc_type, exc, tb) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected exception:\n%s", text)
    if _reporter is not None:
        _reporter.report(text)
    else:
        print(text, file=sys.stderr)


def install_crash_handler(log_path: Path, *, show_dialog: bool = True) -> None:
    """Route uncaught exceptions (GUI thread and other threads) to log + dialog."""
    global _reporter
    _reporter = _CrashReporter(log_path, show_dialog=show_dialog)

    def excepthook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        _report_crash(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        _report_crash(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
