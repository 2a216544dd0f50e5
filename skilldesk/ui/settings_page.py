"""设置 page: the institution's details, accounts and the idle lock, backups and their
schedule, the data folder (and opening another database), the interface language.

Preferences (schedule, idle minutes, language, another database) are only *chosen*
here: the page emits them and the controller stores, saves and applies them, so one
``Preferences`` object stays the truth."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk import config
from skilldesk import i18n
from skilldesk.core.changes import Changes
from skilldesk.core.keystore import WrongPassword
from skilldesk.core.models import Institution
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.storage import location
from skilldesk.ui.backups_dialog import BackupsDialog
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.institution_form import InstitutionForm
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.users_dialog import NewAccountDialog
from skilldesk.ui.users_dialog import PasswordDialog
from skilldesk.ui.users_dialog import RecoveryKeyDialog
from skilldesk.ui.users_dialog import UsersDialog
from skilldesk.ui.widgets import run_with_progress


class SettingsPage(QWidget):
    sig_ready = Signal()
    sig_language_chosen = Signal(str)
    sig_accounts_changed = Signal()   # accounts set up, or the own password changed
    sig_restore_backup = Signal(str)  # a backup to restore, confirmed (the controller does it)
    sig_open_database = Signal(str)   # another database file, checked for its location
    sig_backup_schedule_chosen = Signal(str)   # a config.BACKUP_SCHEDULES key
    sig_idle_minutes_chosen = Signal(int)

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        self.db_path: Path | None = None
        self.backup_folder: Path | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()   # the groups are taller than a small laptop screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)

        group = QGroupBox(_("Institution"))
        group_layout = QVBoxLayout(group)
        self.form = InstitutionForm()
        self.form.sig_edited.connect(lambda: self.status.clear())
        group_layout.addWidget(self.form)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("settings_status")
        row.addWidget(self.status, 1)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("save_institution")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        group_layout.addLayout(row)
        group.setMaximumWidth(860)
        layout.addWidget(group)

        layout.addWidget(self._build_accounts())
        layout.addWidget(self._build_backups())
        layout.addWidget(self._build_data_folder())

        language = QGroupBox(_("Language"))
        language_layout = QHBoxLayout(language)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.current_language()))
        apply = QPushButton(_("Apply"))
        apply.setObjectName("apply_language")
        apply.clicked.connect(lambda: self.sig_language_chosen.emit(self.language.currentData()))
        language_layout.addWidget(QLabel(_("Interface language")))
        language_layout.addWidget(self.language, 1)
        language_layout.addWidget(apply)
        language.setMaximumWidth(860)
        layout.addWidget(language)
        layout.addStretch(1)
        hub.sig_changes.connect(self._on_changes)

    def _build_accounts(self) -> QGroupBox:
        group = QGroupBox(_("Accounts"))
        group.setObjectName("accounts_group")
        box = QVBoxLayout(group)
        self.account_status = QLabel()
        self.account_status.setObjectName("account_status")
        self.account_status.setWordWrap(True)
        box.addWidget(self.account_status)
        row = QHBoxLayout()
        self.setup_accounts_button = QPushButton(_("Set up accounts…"))
        self.setup_accounts_button.setObjectName("setup_accounts")
        self.setup_accounts_button.clicked.connect(lambda: self.set_up_accounts())
        self.users_button = QPushButton(_("Manage accounts…"))
        self.users_button.setObjectName("manage_accounts")
        self.users_button.clicked.connect(self.open_users)
        self.my_password_button = QPushButton(_("Change my password…"))
        self.my_password_button.setObjectName("change_my_password")
        self.my_password_button.clicked.connect(lambda: self.change_my_password())
        for button in (self.setup_accounts_button, self.users_button, self.my_password_button):
            button.hide()
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        idle = QHBoxLayout()
        idle.addWidget(QLabel(_("Lock the window after")))
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idle_minutes")
        self.idle_minutes.setRange(*config.IDLE_MINUTES_RANGE)
        self.idle_minutes.setValue(config.DEFAULT_IDLE_MINUTES)
        self.idle_minutes.valueChanged.connect(self.sig_idle_minutes_chosen.emit)
        idle.addWidget(self.idle_minutes)
        idle_hint = QLabel(_("minutes without use (only with accounts; unlocking needs the "
                             "password)"))
        idle_hint.setWordWrap(True)
        idle.addWidget(idle_hint, 1)
        box.addLayout(idle)
        group.setMaximumWidth(860)
        self.users_dialog: UsersDialog | None = None
        self._account = None
        return group

    def _build_backups(self) -> QGroupBox:
        group = QGroupBox(_("Backups"))
        group.setObjectName("backups_group")
        box = QVBoxLayout(group)
        row = QHBoxLayout()
        text = QLabel(_("List, verify and restore the backups of this database."))
        text.setWordWrap(True)
        row.addWidget(text, 1)
        self.backups_button = QPushButton(_("Backups…"))
        self.backups_button.setObjectName("open_backups")
        self.backups_button.clicked.connect(self.open_backups)
        row.addWidget(self.backups_button)
        box.addLayout(row)
        schedule = QHBoxLayout()
        schedule.addWidget(QLabel(_("Automatic backup")))
        self.backup_schedule = QComboBox()
        self.backup_schedule.setObjectName("backup_schedule")
        for key, label in config.BACKUP_SCHEDULES.items():
            self.backup_schedule.addItem(_(label), key)
        self.backup_schedule.setCurrentIndex(
            self.backup_schedule.findData(config.DEFAULT_BACKUP_SCHEDULE))
        self.backup_schedule.currentIndexChanged.connect(
            lambda _i: self.sig_backup_schedule_chosen.emit(self.backup_schedule.currentData()))
        schedule.addWidget(self.backup_schedule, 1)
        box.addLayout(schedule)
        hint = QLabel(_("Imports and claim packages always make a backup first, whatever "
                        "is chosen here."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6368;")
        box.addWidget(hint)
        group.setMaximumWidth(860)
        self.backups_dialog: BackupsDialog | None = None
        return group

    def _build_data_folder(self) -> QGroupBox:
        group = QGroupBox(_("Data folder"))
        group.setObjectName("data_folder_group")
        box = QVBoxLayout(group)
        form = QFormLayout()
        self.db_file_label = QLabel("—")
        self.db_file_label.setObjectName("db_file")
        self.db_folder_label = QLabel("—")
        self.db_folder_label.setObjectName("db_folder")
        self.backup_folder_label = QLabel("—")
        self.backup_folder_label.setObjectName("backup_folder")
        for label in (self.db_file_label, self.db_folder_label, self.backup_folder_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_("Database file"), self.db_file_label)
        form.addRow(_("Folder"), self.db_folder_label)
        form.addRow(_("Backups are kept in"), self.backup_folder_label)
        box.addLayout(form)
        row = QHBoxLayout()
        self.open_folder_button = QPushButton(_("Open the folder"))
        self.open_folder_button.setObjectName("open_db_folder")
        self.open_folder_button.clicked.connect(lambda: self.open_folder(self.db_path.parent))
        self.open_backup_folder_button = QPushButton(_("Open the backups folder"))
        self.open_backup_folder_button.setObjectName("open_backup_folder")
        self.open_backup_folder_button.clicked.connect(
            lambda: self.open_folder(self.backup_folder))
        self.other_db_button = QPushButton(_("Open another database…"))
        self.other_db_button.setObjectName("open_other_database")
        self.other_db_button.clicked.connect(lambda: self.choose_database())
        for button in (self.open_folder_button, self.open_backup_folder_button):
            button.setEnabled(False)
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.other_db_button)
        box.addLayout(row)
        self.folder_status = QLabel()
        self.folder_status.setObjectName("folder_status")
        self.folder_status.setWordWrap(True)
        self.folder_status.hide()
        box.addWidget(self.folder_status)
        group.setMaximumWidth(860)
        return group

    def set_preferences(self, prefs: config.Preferences) -> None:
        """Show the saved choices (without emitting them back)."""
        for widget in (self.backup_schedule, self.idle_minutes):
            widget.blockSignals(True)
        index = self.backup_schedule.findData(prefs.backup_schedule)
        self.backup_schedule.setCurrentIndex(max(index, 0))
        self.idle_minutes.setValue(prefs.idle_minutes)
        for widget in (self.backup_schedule, self.idle_minutes):
            widget.blockSignals(False)

    def _on_where(self, found: tuple[Path | None, Path | None]) -> None:
        self.db_path, self.backup_folder = found
        if self.db_path is None:
            self.db_file_label.setText(_("(in memory: nothing is saved)"))
            return
        self.db_file_label.setText(str(self.db_path))
        self.db_folder_label.setText(str(self.db_path.parent))
        self.backup_folder_label.setText(str(self.backup_folder or "—"))
        self.open_folder_button.setEnabled(True)
        self.open_backup_folder_button.setEnabled(self.backup_folder is not None)

    def open_folder(self, folder: Path | None) -> bool:
        """Show *folder* in the file manager (Explorer); made first if it is missing
        (the backups folder appears with the first backup)."""
        if folder is None:
            return False
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        if not opened:
            self._folder_message(_("The folder {path} could not be opened. Open it in "
                                   "Explorer yourself.").format(path=folder))
        return opened

    def _folder_message(self, text: str) -> None:
        self.folder_status.setText(text)
        self.folder_status.setVisible(bool(text))

    def choose_database(self, path: str | None = None) -> bool:
        """Ask for another database file (*path* given: that one) and, unless it is on a
        network location, ask the controller to open it (``sig_open_database``)."""
        if path is None:
            start = str(self.db_path.parent) if self.db_path else ""
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Open another database"), start,
                _("SkillDesk databases (*.skilldesk);;All files (*)"))
            if not path:
                return False
        try:
            location.check_location(path)
        except location.LocationRefused as exc:
            self._folder_message(exc.user_message())
            show_error(self, exc)
            return False
        self._folder_message(location.cloud_folder_warning(path) or "")
        self.sig_open_database.emit(str(path))
        return True

    def open_backups(self) -> BackupsDialog:
        self.backups_dialog = BackupsDialog(self._runner, self)
        self.backups_dialog.sig_restore_requested.connect(self.sig_restore_backup.emit)
        self.backups_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.backups_dialog.open()
        return self.backups_dialog

    def start(self) -> None:
        self._runner.run(lambda desk: desk.institution.get(), on_done=self._on_loaded,
                         on_error=lambda exc: show_error(self, exc))
        self._runner.run(_where, on_done=self._on_where)
        self.load_account()

    # -- accounts --------------------------------------------------------------------------

    def load_account(self) -> None:
        self._runner.run(lambda desk: (desk.account, desk.path is not None),
                         on_done=self._on_account)

    def _on_account(self, found) -> None:
        account, on_file = found
        self._account = account
        if account is None:
            self.account_status.setText(_(
                "This database has no accounts yet: anyone who can open the file sees "
                "everything. Set up accounts to encrypt it and have everyone sign in "
                "(you become its administrator).") if on_file else "")
        else:
            self.account_status.setText(_("Signed in as {user} ({role}).").format(
                user=account.username, role=account.role_label))
        self.setup_accounts_button.setVisible(account is None and on_file)
        self.users_button.setVisible(account is not None)
        self.users_button.setText(_("Manage accounts…") if account and account.role == "admin"
                                  else _("Accounts…"))
        self.my_password_button.setVisible(account is not None)

    def set_up_accounts(self, dialog: NewAccountDialog | None = None) -> None:
        dialog = dialog or NewAccountDialog(_("Set up accounts"), _(
            "The database will be encrypted and everyone will sign in. Choose the "
            "administrator's user name and password; the administrator then adds the "
            "other accounts."), user="admin", parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        user, display, password = dialog.fields.values()

        def op(desk, progress):
            progress.check()   # Cancel is honoured until the encryption starts
            return desk.accounts.secure(user, password, display_name=display)
        run_with_progress(self._runner, self, _("Setting up accounts"), op,
                          on_done=self._on_secured, label=_(
                              "Encrypting the database and its backups…"))

    def _on_secured(self, recovery: str) -> None:
        self.load_account()
        self.sig_accounts_changed.emit()
        self.recovery_dialog = RecoveryKeyDialog(recovery, self)
        self.recovery_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.recovery_dialog.open()

    def open_users(self) -> UsersDialog:
        is_admin = self._account is not None and self._account.role == "admin"
        self.users_dialog = UsersDialog(self._runner, self._hub, is_admin=is_admin,
                                        parent=self)
        self.users_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.users_dialog.open()
        return self.users_dialog

    def change_my_password(self, dialog: PasswordDialog | None = None) -> None:
        dialog = dialog or PasswordDialog(_("Change my password"), _(
            "Type your current password, then the new one twice."), ask_old=True, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        old, new = dialog.old, dialog.new

        def done(_changes) -> None:
            self.account_status.setText(_("Your password was changed."))
            self.sig_accounts_changed.emit()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, WrongPassword):
                self.account_status.setText(_("Not changed: the current password is wrong."))
                return
            show_error(self, exc)

        self._runner.run(lambda desk: desk.accounts.change_password(old, new),
                         on_done=done, on_error=failed)

    def _on_loaded(self, institution: Institution | None) -> None:
        if institution is not None:
            self.form.fill(institution)
        self.sig_ready.emit()

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if changes.institution and initiator is not self:
            self.start()

    def save(self) -> None:
        if any(i.severity == "error" for i in self.form.check()):
            self.status.setText(_("Not saved: please correct the fields marked in red."))
            return
        draft = self.form.draft()
        self._runner.run(lambda desk: desk.institution.update(draft),
                         on_done=self._on_saved, on_error=self._on_failed)

    def _on_saved(self, changes: Changes) -> None:
        self.status.setText(_("Saved.") if changes.anything else _("No changes to save."))
        self._hub.sig_changes.emit(changes, self)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.form.show_issues(exc.issues)
            return
        show_error(self, exc)


def _where(desk) -> tuple[Path | None, Path | None]:
    """The database file and its backups folder (worker thread)."""
    if desk.path is None:
        return None, None
    return Path(desk.path), desk.backups.folder()
