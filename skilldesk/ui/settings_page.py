"""设置 page: the institution's details, accounts and backups (issue 9) and the
interface language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk import i18n
from skilldesk.core.changes import Changes
from skilldesk.core.keystore import WrongPassword
from skilldesk.core.models import Institution
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.ui.backups_dialog import BackupsDialog
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.institution_form import InstitutionForm
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.users_dialog import NewAccountDialog
from skilldesk.ui.users_dialog import PasswordDialog
from skilldesk.ui.users_dialog import RecoveryKeyDialog
from skilldesk.ui.users_dialog import UsersDialog


class SettingsPage(QWidget):
    sig_ready = Signal()
    sig_language_chosen = Signal(str)
    sig_accounts_changed = Signal()   # accounts set up, or the own password changed
    sig_restore_backup = Signal(str)  # a backup to restore, confirmed (the controller does it)

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._hub = hub
        layout = QVBoxLayout(self)

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
        group.setMaximumWidth(860)
        self.users_dialog: UsersDialog | None = None
        self._account = None
        return group

    def _build_backups(self) -> QGroupBox:
        group = QGroupBox(_("Backups"))
        group.setObjectName("backups_group")
        row = QHBoxLayout(group)
        text = QLabel(_("List, verify and restore the backups of this database."))
        text.setWordWrap(True)
        row.addWidget(text, 1)
        self.backups_button = QPushButton(_("Backups…"))
        self.backups_button.setObjectName("open_backups")
        self.backups_button.clicked.connect(self.open_backups)
        row.addWidget(self.backups_button)
        group.setMaximumWidth(860)
        self.backups_dialog: BackupsDialog | None = None
        return group

    def open_backups(self) -> BackupsDialog:
        self.backups_dialog = BackupsDialog(self._runner, self)
        self.backups_dialog.sig_restore_requested.connect(self.sig_restore_backup.emit)
        self.backups_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.backups_dialog.open()
        return self.backups_dialog

    def start(self) -> None:
        self._runner.run(lambda desk: desk.institution.get(), on_done=self._on_loaded,
                         on_error=lambda exc: show_error(self, exc))
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
        self._runner.run(
            lambda desk: desk.accounts.secure(user, password, display_name=display),
            on_done=self._on_secured, on_error=lambda exc: show_error(self, exc))

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
