"""The application's flow: pick the database, open it on the worker, show the
window, handle the first run and language switches, take screenshots."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo
from PySide6.QtCore import QTimer
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QDialog

from skilldesk import config
from skilldesk import i18n
from skilldesk import paths
from skilldesk.core.desk import Desk
from skilldesk.core.models import Institution
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import _
from skilldesk.ui import fonts
from skilldesk.ui.errors import install_crash_handler
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.mainwindow import MainWindow
from skilldesk.ui.setup_dialog import SetupDialog
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import run_with_progress

log = logging.getLogger(__name__)
DEMO_PEOPLE = 2000
DEMO_SEED = 1
SCREENSHOT_TIMEOUT_MS = 60_000


def target_database(args: argparse.Namespace, prefs: config.Preferences) -> tuple[Path, str]:
    """Which file to open and how: "open", "demo" (create if missing) or "setup"."""
    if args.demo:
        return paths.demo_db_path(), "demo"
    if args.db:
        path = Path(args.db)
        return path, "open" if path.exists() else "setup"
    if prefs.last_db and Path(prefs.last_db).exists():
        return Path(prefs.last_db), "open"
    path = paths.default_db_path()
    return path, "open" if path.exists() else "setup"


class AppController:
    def __init__(self, app: QApplication, args: argparse.Namespace,
                 prefs: config.Preferences, log_path: Path) -> None:
        self.app = app
        self.args = args
        self.prefs = prefs
        self.exit_code = 0
        self.font_family = fonts.install(app)
        self._qt_translator: QTranslator | None = None
        self._install_qt_translator()
        install_crash_handler(log_path, show_dialog=not (args.no_crash_dialog or args.screenshot))
        self.hub = Hub()
        self.runner = TaskRunner()
        self.window: MainWindow | None = None
        self.path: Path | None = None

    # -- start-up ------------------------------------------------------------------------

    def run(self) -> int:
        if not self.start():
            self.runner.shutdown()
            return self.exit_code
        code = self.app.exec()
        self.runner.shutdown()
        return self.exit_code or code

    def start(self) -> bool:
        """Pick the database (first-run set-up if there is none) and start opening
        it; False when there is nothing to run (set-up cancelled, or an error)."""
        path, mode = target_database(self.args, self.prefs)
        if mode == "setup":
            if self.args.screenshot:
                self._fail(_("The database {path} does not exist.").format(path=path))
                return False
            dialog = SetupDialog()
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            if dialog.choice == "demo":
                path, mode = paths.demo_db_path(), "demo"
            elif dialog.choice == "laptop":
                self._open(path, create=True, page="sync",
                           then=lambda desk: desk.sync.set_device(role="laptop"))
                return True
            else:
                draft = dialog.form.draft()
                self._open(path, create=True,
                           then=lambda desk: desk.institution.create(draft))
                return True
        self._open(path, create=(mode == "demo"), demo=(mode == "demo"))
        return True

    def _open(self, path: Path, *, create: bool, demo: bool = False, then=None,
              page: str | None = None) -> None:
        self.path = path
        self._show_window(page)
        self.runner.open_desk(lambda: Desk.open(path, create=create),
                              on_done=lambda desk: self._on_opened(desk, demo, then),
                              on_error=self._on_open_failed)

    def _show_window(self, page: str | None = None) -> None:
        old = self.window
        self.window = MainWindow(self.runner, self.hub, db_label=str(self.path or ""))
        self.window.settings_page.sig_language_chosen.connect(self._switch_language)
        if old is not None:
            self.window.setGeometry(old.geometry())
            old.hide()
            old.deleteLater()
        self.window.show_page(page or self.args.page)
        self.window.show()

    def _on_opened(self, desk: Desk, demo: bool, then) -> None:
        if then is not None:
            self.runner.run(then, on_done=lambda _c: self._ready(),
                            on_error=self._on_open_failed)
            return
        self.runner.run(lambda d: (d.institution.get(), d.sync.waiting_for_office()),
                        on_done=lambda found: self._check_institution(*found, demo))

    def _check_institution(self, institution: Institution | None, laptop: bool,
                           demo: bool) -> None:
        if institution is not None:
            self._ready()
            return
        if laptop:  # a field laptop before its first bundle from the office
            self.window.show_page("sync")
            self._ready()
            return
        if demo:  # first use of the demo (or an earlier attempt was cancelled)
            run_with_progress(
                self.runner, self.window, _("Demo"),
                lambda d, progress: d.build_demo(people=DEMO_PEOPLE, seed=DEMO_SEED,
                                                 progress=progress),
                on_done=lambda _summary: self._ready(), on_error=self._on_open_failed,
                on_cancel=self.app.quit, label=_("Creating the demo institution…"))
            return
        if self.args.screenshot:
            self._fail(_("The database has no institution yet."))
            return
        dialog = SetupDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.app.quit()
            return
        if dialog.choice == "demo":
            self.runner.shutdown()
            self.runner = TaskRunner()
            self._open(paths.demo_db_path(), create=True, demo=True)
            return
        if dialog.choice == "laptop":
            self.window.show_page("sync")
            self.runner.run(lambda d: d.sync.set_device(role="laptop"),
                            on_done=lambda _c: self._ready(), on_error=self._on_open_failed)
            return
        draft = dialog.form.draft()
        self.runner.run(lambda d: d.institution.create(draft), on_done=lambda _c: self._ready(),
                        on_error=self._on_open_failed)

    def _ready(self) -> None:
        assert self.window is not None and self.path is not None
        if not self.args.screenshot:
            self.prefs.last_db = str(self.path.resolve())
            config.save(self.prefs)
        self._start_window()
        # the whole-file check takes ~1 s per 100 MB: run it beside, not before, the work
        path = self.path
        self.runner.run_side(lambda: Desk.check_file_integrity(path),
                             on_error=self._on_integrity_failed)

    def _on_integrity_failed(self, exc: BaseException) -> None:
        log.error("integrity check failed: %s", getattr(exc, "code", type(exc).__name__))
        show_error(self.window, exc)

    def _start_window(self) -> None:
        assert self.window is not None
        if self.args.screenshot:
            page = self.window.pages[self.args.page]
            ready = getattr(page, "sig_ready", None) or page.sig_loaded  # claims: sig_loaded
            ready.connect(lambda: QTimer.singleShot(100, self._take_screenshot))
            QTimer.singleShot(SCREENSHOT_TIMEOUT_MS,
                              lambda: self._fail(_("the page did not load in time")))
        self.window.start()

    def _on_open_failed(self, exc: BaseException) -> None:
        if self.args.screenshot:
            message = exc.user_message() if isinstance(exc, SkilldeskError) else repr(exc)
            self._fail(message)
            return
        log.warning("could not open the database: %s", getattr(exc, "code", type(exc).__name__))
        show_error(self.window, exc)

    # -- language --------------------------------------------------------------------------

    def _install_qt_translator(self) -> None:
        if self._qt_translator is not None:
            self.app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        if i18n.current_language() == "zh_CN":
            translator = QTranslator(self.app)
            folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load("qtbase_zh_CN", folder):
                self.app.installTranslator(translator)
                self._qt_translator = translator

    def _switch_language(self, language: str) -> None:
        if language == i18n.current_language():
            return
        i18n.set_language(language)
        self.prefs.language = language
        config.save(self.prefs)
        self._install_qt_translator()
        page = self.window.current_page_key() if self.window else None
        self._show_window(page)  # rebuilt with every string in the new language
        self._start_window()

    # -- screenshots ---------------------------------------------------------------------------

    def _take_screenshot(self) -> None:
        assert self.window is not None
        self.app.processEvents()
        if not self.window.grab().save(self.args.screenshot):
            self._fail(_("could not write {path}").format(path=self.args.screenshot))
            return
        self.app.quit()

    def _fail(self, message: str) -> int:
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        self.exit_code = 1
        QTimer.singleShot(0, self.app.quit)
        return 1
