"""The application's flow: pick the database, sign in when it has accounts, open it
on the worker, show the window, handle the first run, the idle lock and language
switches, take screenshots."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QLibraryInfo
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QMessageBox

from skilldesk import config
from skilldesk import i18n
from skilldesk import paths
from skilldesk.core.accounts import Account
from skilldesk.core.accounts import AccountDisabled
from skilldesk.core.accounts import secure_demo
from skilldesk.core.backups import BackupService
from skilldesk.core.desk import Desk
from skilldesk.core.keystore import AccountLocked
from skilldesk.core.keystore import KeyStore
from skilldesk.core.keystore import WrongPassword
from skilldesk.core.keystore import keystore_path
from skilldesk.core.models import Institution
from skilldesk.core.progress import Progress
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui import fonts
from skilldesk.ui.errors import install_crash_handler
from skilldesk.ui.errors import show_error
from skilldesk.storage.writer_lock import DatabaseInUse
from skilldesk.ui.hub import Hub
from skilldesk.ui.lock_screen import DEFAULT_IDLE_MINUTES
from skilldesk.ui.lock_screen import IdleWatch
from skilldesk.ui.lock_screen import LockScreen
from skilldesk.ui.lock_screen import lock_window
from skilldesk.ui.login_dialog import LoginDialog
from skilldesk.ui.mainwindow import MainWindow
from skilldesk.ui.setup_dialog import SetupDialog
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.users_dialog import PasswordDialog
from skilldesk.ui.users_dialog import RecoveryKeyDialog
from skilldesk.ui.widgets import ProgressDialog
from skilldesk.ui.widgets import run_with_progress

log = logging.getLogger(__name__)
DEMO_PEOPLE = 2000
DEMO_SEED = 1
SCREENSHOT_TIMEOUT_MS = 60_000


DATABASE_SUFFIX = ".skilldesk"
WEEK = dt.timedelta(days=7)


def target_database(args: argparse.Namespace, prefs: config.Preferences) -> tuple[Path, str]:
    """Which file to open and how: "open", "demo" (create if missing) or "setup"."""
    if args.demo:
        return paths.demo_db_path(), "demo"
    file = getattr(args, "file", None)
    if not args.db and file and Path(file).suffix.lower() == DATABASE_SUFFIX:
        return Path(file), "open"   # a database double-clicked in Explorer
    if args.db:
        path = Path(args.db)
        return path, "open" if path.exists() else "setup"
    if prefs.last_db and Path(prefs.last_db).exists():
        return Path(prefs.last_db), "open"
    path = paths.default_db_path()
    return path, "open" if path.exists() else "setup"


def idle_minutes(args: argparse.Namespace, prefs: config.Preferences | None = None) -> float:
    """Minutes without input before the window locks: --idle-minutes, then the
    SKILLDESK_IDLE_MINUTES environment variable (tests), then the preference (设置),
    then the default."""
    value = getattr(args, "idle_minutes", None) or os.environ.get("SKILLDESK_IDLE_MINUTES")
    if not value and prefs is not None:
        value = prefs.idle_minutes
    try:
        minutes = float(value) if value else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


def pending_file(args: argparse.Namespace) -> str | None:
    """The file given on the command line (double-clicked in Explorer) to open once the
    database is ready: a claim package or a sync bundle (a database is opened instead)."""
    file = getattr(args, "file", None)
    if not file or Path(file).suffix.lower() == DATABASE_SUFFIX:
        return None
    return file


def scheduled_backup(schedule: str, desk: Desk, *, now: dt.datetime | None = None):
    """The automatic backup on opening, as 设置 schedules it (worker thread): ``daily``
    when none was made in the last 24 hours, ``weekly`` when none in the last 7 days,
    ``manual`` never. Returns the ``BackupInfo`` made, or None."""
    if schedule == "manual":
        return None
    if schedule == "weekly":
        newest = desk.backups.list()[:1]
        moment = now or dt.datetime.now()
        if newest and dt.timedelta(0) <= moment - newest[0].made_at < WEEK:
            return None
    return desk.backups.maybe_daily(reason="open", now=now)


def _is_demo_store(path: Path) -> bool:
    try:
        store = KeyStore.load(path)
    except SkilldeskError:
        return False
    return bool(store and store.demo)


def _secure(admin: tuple[str, str, str], desk: Desk) -> str | None:
    """Accounts for a database that has none yet: the recovery key to show once."""
    if desk.role is not None or desk.path is None:
        return None
    user, display, password = admin
    return desk.accounts.secure(user, password, display_name=display)


def _create_institution(draft, admin, desk: Desk) -> str | None:
    desk.institution.create(draft)
    return _secure(admin, desk)


def _set_up_laptop(admin, desk: Desk) -> str | None:
    desk.sync.set_device(role="laptop")
    return _secure(admin, desk)


def _secure_demo(desk: Desk) -> None:
    if desk.role is None and desk.path is not None:
        secure_demo(desk)


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
        # who signed in (None: a database without accounts) and with what
        self.account: Account | None = None
        self.readonly = False
        self._credentials: tuple[str, str] | None = None
        self.idle: IdleWatch | None = None
        self.lock_screen: LockScreen | None = None
        self.recovery_dialog: RecoveryKeyDialog | None = None
        self.password_dialog: PasswordDialog | None = None
        self.pending_file = pending_file(args)   # opened once the database is ready
        self.restore_progress: ProgressDialog | None = None
        self._idle_chosen: int | None = None     # chosen in 设置 during this session

    # -- start-up ------------------------------------------------------------------------

    def run(self) -> int:
        if not self.start():
            self.runner.shutdown()
            return self.exit_code
        code = self.app.exec()
        self.close()
        return self.exit_code or code

    def close(self) -> None:
        """Stop watching for idleness and close the database (end of run, tests)."""
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        self.runner.shutdown()

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
                           then=partial(_set_up_laptop, dialog.admin()))
                return True
            else:
                self._open(path, create=True,
                           then=partial(_create_institution, dialog.form.draft(),
                                        dialog.admin()))
                return True
        if keystore_path(path).exists():
            return self._sign_in(path)
        self._open(path, create=(mode == "demo"), demo=(mode == "demo"))
        return True

    def _sign_in(self, path: Path, *, message: str = "", user: str = "",
                 page: str | None = None) -> bool:
        """The login dialog, then the open on the worker; False when cancelled."""
        if self.args.screenshot:
            user = getattr(self.args, "user", None) or ""
            password = os.environ.get("SKILLDESK_PASSWORD", "")
            if not user or not password:
                self._fail(_("This database has accounts: give --user NAME and the password "
                             "in SKILLDESK_PASSWORD."))
                return False
            self._open(path, create=False, credentials=(user, password))
            return True
        dialog = LoginDialog(path, demo=_is_demo_store(path), user=user, message=message)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            if self.window is not None:   # after a failed attempt or 切换用户: nothing to run
                self.app.quit()
            return False
        self._open(path, create=False, credentials=(dialog.user, dialog.password), page=page)
        return True

    def _open(self, path: Path, *, create: bool, demo: bool = False, then=None,
              page: str | None = None, credentials: tuple[str, str] | None = None,
              readonly: bool = False) -> None:
        self.path = path
        self._credentials = credentials
        self.readonly = readonly
        self.account = None
        self._show_window(page)
        user, password = credentials or (None, None)
        self.runner.open_desk(
            lambda: Desk.open(path, create=create, readonly=readonly, user=user,
                              password=password),
            on_done=lambda desk: self._on_opened(desk, demo, then),
            on_error=partial(self._on_open_failed, page=page))

    def _show_window(self, page: str | None = None) -> None:
        old = self.window
        self.window = MainWindow(self.runner, self.hub, db_label=str(self.path or ""))
        self.window.settings_page.sig_language_chosen.connect(self._switch_language)
        self.window.settings_page.sig_accounts_changed.connect(
            lambda: self._load_account(refresh=True))
        self.window.settings_page.sig_restore_backup.connect(self.restore_backup)
        self.window.settings_page.sig_open_database.connect(self.open_database)
        self.window.settings_page.sig_backup_schedule_chosen.connect(self.set_backup_schedule)
        self.window.settings_page.sig_idle_minutes_chosen.connect(self.set_idle_minutes)
        self.window.settings_page.set_preferences(self.prefs)
        if old is not None:
            self.window.setGeometry(old.geometry())
            old.hide()
            old.deleteLater()
        self.window.show_page(page or self.args.page)
        self.window.show()

    def _on_opened(self, desk: Desk, demo: bool, then) -> None:
        if then is not None:
            self.runner.run(then, on_done=self._after_set_up, on_error=self._on_open_failed)
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
                on_done=lambda _summary: self.runner.run(
                    _secure_demo, on_done=lambda _r: self._ready(),
                    on_error=self._on_open_failed),
                on_error=self._on_open_failed,
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
            self.runner.run(partial(_set_up_laptop, dialog.admin()),
                            on_done=self._after_set_up, on_error=self._on_open_failed)
            return
        self.runner.run(partial(_create_institution, dialog.form.draft(), dialog.admin()),
                        on_done=self._after_set_up, on_error=self._on_open_failed)

    def _after_set_up(self, recovery: str | None) -> None:
        """A new database got accounts: its recovery key is shown once, to print."""
        self._ready()
        if isinstance(recovery, str) and recovery:
            self.show_recovery_key(recovery)

    def show_recovery_key(self, recovery: str) -> RecoveryKeyDialog:
        dialog = RecoveryKeyDialog(recovery, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.recovery_dialog = dialog
        return dialog

    def _ready(self) -> None:
        assert self.window is not None and self.path is not None
        if not self.args.screenshot:
            self.prefs.last_db = str(self.path.resolve())
            config.save(self.prefs)
        self._start_window()
        self._load_account(check_file=True)
        if not self.readonly and not self.args.screenshot:
            # the scheduled backup (设置: daily by default); a failure is shown, never blocks
            schedule = self.prefs.backup_schedule
            self.runner.run(partial(scheduled_backup, schedule),
                            on_error=lambda exc: show_error(self.window, exc))
        if self.pending_file and not self.args.screenshot:
            file, self.pending_file = self.pending_file, None
            self.window.open_file(file)

    # -- preferences chosen in 设置 -------------------------------------------------------------

    def set_backup_schedule(self, schedule: str) -> None:
        if schedule not in config.BACKUP_SCHEDULES:
            return
        self.prefs.backup_schedule = schedule
        config.save(self.prefs)

    def set_idle_minutes(self, minutes: int) -> None:
        """Saved, and applied at once: the idle watch restarts with the new time."""
        low, high = config.IDLE_MINUTES_RANGE
        minutes = min(max(int(minutes), low), high)
        self.prefs.idle_minutes = minutes
        self._idle_chosen = minutes
        config.save(self.prefs)
        if self.idle is not None and self.lock_screen is None:
            self._arm_idle_lock()

    def idle_minutes(self) -> float:
        if self._idle_chosen is not None:
            return float(self._idle_chosen)
        return idle_minutes(self.args, self.prefs)

    # -- another database -------------------------------------------------------------------------

    def open_database(self, path: str | Path) -> bool:
        """Close this database and open *path* (a sign-in first when it has accounts: a
        cancelled sign-in leaves everything as it was). False when nothing changed."""
        path = Path(path)
        if self.path is not None and path.resolve() == self.path.resolve():
            return False
        if not path.is_file():
            show_error(self.window, NotFound(
                N_("The database {path} was not found."), path=str(path)))
            return False
        credentials = None
        if keystore_path(path).exists():
            dialog = LoginDialog(path, demo=_is_demo_store(path))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            credentials = (dialog.user, dialog.password)
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        self.lock_screen = None
        self.runner.shutdown()   # the current Desk is closed (its writer lock released)
        self.runner = TaskRunner()
        self._open(path, create=False, credentials=credentials)
        return True

    # -- restoring a backup -------------------------------------------------------------------

    def restore_backup(self, backup: str | Path) -> None:
        """Replace the open database with *backup* (confirmed by the user): close the
        Desk, restore on the side thread (the current state is backed up first), open
        the same database again with the same sign-in, then log the restore."""
        if self.path is None or self.window is None:
            return
        if self.readonly:
            box = QMessageBox(self.window)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(_("SkillDesk"))
            box.setText(_("The database is open read-only, so a backup cannot be restored."))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        path, credentials = self.path, self._credentials
        page = self.window.current_page_key()

        def reopen(then=None) -> None:
            QApplication.restoreOverrideCursor()
            if self.restore_progress is not None and not self.restore_progress.finished_work:
                self.restore_progress.finish()
            self._open(path, create=False, credentials=credentials, page=page, then=then)

        def restored(saved) -> None:
            reopen(lambda d: d.backups.record_restore(backup, saved))

        def failed(exc: BaseException) -> None:
            reopen()   # nothing was replaced: the database as it was
            show_error(self.window, exc)

        def close_and_restore(found: tuple) -> None:
            key, folder = found
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            # a restore cannot be stopped half-way: progress without a Cancel button
            progress = Progress()
            progress.update(0, 0, _("Restoring the backup; the database opens again when "
                                    "it is done…"))
            self.restore_progress = ProgressDialog(progress, _("Restoring a backup"),
                                                   self.window)
            self.restore_progress.setCancelButton(None)
            if self.idle is not None:
                self.idle.stop()
                self.idle = None
            self.runner.shutdown()   # the Desk is closed (quick); queued work finishes
            self.runner = TaskRunner()
            self.runner.run_side(
                lambda: BackupService.restore(path, backup, key=key, folder=folder),
                on_done=restored, on_error=failed)

        def details(d: Desk) -> tuple:
            d.require("backup", "restore")
            return d.db_key, d.backups.folder()

        self.runner.run(details, on_done=close_and_restore,
                        on_error=lambda exc: show_error(self.window, exc))

    # -- the signed-in account ----------------------------------------------------------------

    def _load_account(self, check_file: bool = False, refresh: bool = False) -> None:
        self.runner.run(lambda d: (d.account, d.db_key),
                        on_done=partial(self._on_account, check_file, refresh))

    def _on_account(self, check_file: bool, refresh: bool,
                    found: tuple[Account | None, bytes | None]) -> None:
        account, key = found
        self.account = account
        self._show_account()
        if refresh and self.window is not None:
            self.window.people_page.start()   # accounts set up: numbers masked from now on
        self._arm_idle_lock()
        if check_file:
            # the whole-file check takes ~1 s per 100 MB: run it beside, not before, the work
            path = self.path
            self.runner.run_side(lambda: Desk.check_file_integrity(path, key),
                                 on_error=self._on_integrity_failed)
        if account is not None and account.must_change_password and self._credentials:
            self._ask_new_password()

    def _show_account(self) -> None:
        if self.window is None:
            return
        account = self.account
        if account is None:
            text = _("Read-only") if self.readonly else ""
        else:
            text = _("Signed in: {user} ({role})").format(user=account.username,
                                                        role=account.role_label)
            if self.readonly:
                text += " · " + _("opened read-only")
        self.window.set_account_text(text)
        self.window.set_account(account.role if account is not None else None, self.readonly)

    def _ask_new_password(self) -> PasswordDialog:
        """After an administrator reset it (or a recovery): a password of one's own."""
        dialog = PasswordDialog(_("Choose a new password"), _(
            "Your password was set by an administrator. Choose your own now."), parent=self.window)
        dialog.setObjectName("must_change_password")
        old = self._credentials[1] if self._credentials else ""

        def accepted() -> None:
            new = dialog.new

            def changed(_changes) -> None:
                if self._credentials:
                    self._credentials = (self._credentials[0], new)
                # desk.account keeps the flag it was opened with (core does not refresh it)
                if self.account is not None:
                    self.account = dataclasses.replace(self.account,
                                                       must_change_password=False)

            def failed(exc: BaseException) -> None:
                show_error(self.window, exc)
                self._ask_new_password()

            self.runner.run(lambda d: d.accounts.change_password(old, new),
                            on_done=changed, on_error=failed)

        dialog.accepted.connect(accepted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.password_dialog = dialog
        return dialog

    # -- the idle lock --------------------------------------------------------------------------

    def _arm_idle_lock(self) -> None:
        if self.idle is not None:
            self.idle.stop()
            self.idle.deleteLater()
            self.idle = None
        if self.account is None or self.args.screenshot:
            return
        self.idle = IdleWatch(self.idle_minutes())
        self.idle.sig_idle.connect(self.lock)

    def lock(self) -> None:
        if self.window is None or self.account is None or self.lock_screen is not None:
            return
        label = self.account.display_name or self.account.username
        screen = LockScreen(self.window, self.runner, self.account.username, label)
        screen.sig_unlocked.connect(self._on_unlocked)
        screen.sig_switch_user.connect(self.switch_user)
        lock_window(self.window, True)
        self.window.set_locked(True)
        if self.idle is not None:
            self.idle.pause()
        self.lock_screen = screen

    def _on_unlocked(self) -> None:
        self.lock_screen = None
        if self.window is not None:
            lock_window(self.window, False)
            self.window.set_locked(False)
        if self.idle is not None:
            self.idle.restart()

    def switch_user(self) -> None:
        """Close the database and sign in again (another user, or the same)."""
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        self.lock_screen = None
        user = self.account.username if self.account else ""
        page = self.window.current_page_key() if self.window else None
        if self.window is not None:
            self.window.hide()
        self.runner.shutdown()
        self.runner = TaskRunner()
        self.account = None
        assert self.path is not None
        self._sign_in(self.path, user=user if not _is_demo_store(self.path) else "",
                      page=page)

    def _on_integrity_failed(self, exc: BaseException) -> None:
        log.error("integrity check failed: %s", getattr(exc, "code", type(exc).__name__))
        show_error(self.window, exc)

    def _start_window(self) -> None:
        assert self.window is not None
        if self.args.screenshot:
            page = self.window.pages[self.args.page]
            ready = getattr(page, "sig_ready", None) or page.sig_loaded  # claims: sig_loaded
            ready.connect(self._take_screenshot)   # then --view, once all is shown
            QTimer.singleShot(SCREENSHOT_TIMEOUT_MS,
                              lambda: self._fail(_("the page did not load in time")))
        self.window.start()

    def _on_open_failed(self, exc: BaseException, page: str | None = None) -> None:
        path = self.path
        if isinstance(exc, (WrongPassword, AccountLocked, AccountDisabled)) \
                and self._credentials and path is not None and not self.args.screenshot:
            user = self._credentials[0]
            # the dialog again, with the reason (after this callback has returned)
            QTimer.singleShot(0, lambda: self._sign_in(path, message=exc.user_message(),
                                                       user=user, page=page))
            return
        if isinstance(exc, DatabaseInUse) and not self.args.screenshot and path is not None:
            self._offer_read_only(exc, path, page)
            return
        if self.args.screenshot:
            message = exc.user_message() if isinstance(exc, SkilldeskError) else repr(exc)
            self._fail(message)
            return
        log.warning("could not open the database: %s", getattr(exc, "code", type(exc).__name__))
        show_error(self.window, exc)

    def _offer_read_only(self, exc: DatabaseInUse, path: Path, page: str | None) -> QMessageBox:
        """Another SkillDesk writes this database: say who, offer to open it read-only."""
        box = QMessageBox(self.window)
        box.setObjectName("database_in_use")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("SkillDesk"))
        box.setText(exc.user_message())
        read_only = box.addButton(_("Open read-only"), QMessageBox.ButtonRole.AcceptRole)
        read_only.setObjectName("open_read_only")
        box.addButton(QMessageBox.StandardButton.Cancel)
        credentials = self._credentials

        def chosen(_result) -> None:
            if box.clickedButton() is read_only:
                self._open(path, create=False, readonly=True, credentials=credentials,
                           page=page)

        box.finished.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

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
        self._show_account()

    # -- screenshots ---------------------------------------------------------------------------

    def _take_screenshot(self) -> None:
        """The page has loaded: open ``--view`` (if any), wait until it is shown and the
        worker is quiet, then grab it (``screenshot_views.Capture``)."""
        from skilldesk.ui.screenshot_views import Capture

        assert self.window is not None
        if getattr(self.window, "screenshot_capture", None) is not None:
            return   # the page loaded again (a refresh): the capture is under way
        self.window.screenshot_capture = Capture(
            self.window, getattr(self.args, "view", None), done=self._save_screenshot,
            fail=self._fail)

    def _save_screenshot(self, widget) -> None:
        self.app.processEvents()
        if not widget.grab().save(self.args.screenshot):
            self._fail(_("could not write {path}").format(path=self.args.screenshot))
            return
        self.app.quit()

    def _fail(self, message: str) -> int:
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        self.exit_code = 1
        QTimer.singleShot(0, self.app.quit)
        return 1
