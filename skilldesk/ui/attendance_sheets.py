"""Sign-in sheets (签到表) of a session: attach a scan, list them, open one.

Stored by ``desk.attachments`` (content-addressed by SHA-256, the same file kept
once); all reads and writes run on the worker.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.tasks import TaskRunner

SHEET_ROLE = "sign_in_sheet"
SHEET_FILTER = "(*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.heic);;(*)"


def choose_file(parent: QWidget) -> str:
    path, _chosen = QFileDialog.getOpenFileName(
        parent, _("Attach sign-in sheet"), "", _("Scans and PDF") + " " + SHEET_FILTER)
    return path


def attach(runner: TaskRunner, parent: QWidget, session_id: str, path: str,
           on_done: Callable[[int], None]) -> None:
    """Store *path* as a sign-in sheet of the session; ``on_done(files attached now)``."""
    def op(desk) -> int:
        desk.attachments.add("session", session_id, path, role=SHEET_ROLE)
        return len(desk.attachments.list("session", session_id))

    runner.run(op, on_done=on_done, on_error=lambda exc: show_error(parent, exc))


def show_menu(runner: TaskRunner, button: QPushButton, session_id: str) -> None:
    """Pop up the session's attachments under *button*; choosing one opens it."""
    def shown(attachments: list[dict]) -> None:
        menu = QMenu(button)
        for item in attachments:
            action = menu.addAction(item["original_name"])
            action.triggered.connect(partial(open_sheet, runner, button, item))
        if not attachments:
            menu.addAction(_("No sign-in sheet attached")).setEnabled(False)
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))

    runner.run(lambda desk: desk.attachments.list("session", session_id), on_done=shown,
               on_error=lambda exc: show_error(button, exc))


def open_sheet(runner: TaskRunner, parent: QWidget, item: dict, *_args) -> None:
    """Copy the stored file (its SHA-256 checked) to a temporary folder and open it."""
    target = Path(tempfile.mkdtemp(prefix="skilldesk-")) / Path(item["original_name"]).name
    runner.run(lambda desk: desk.attachments.save_to(item["attachment_id"], target),
               on_done=lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))),
               on_error=lambda exc: show_error(parent, exc))
