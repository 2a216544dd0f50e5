"""Accounts in the GUI (issue 9): the fields of a new account, password dialogs, the
recovery key sheet, and the administrators' list of accounts (设置 → 账户)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.accounts import MIN_PASSWORD
from skilldesk.core.changes import Changes
from skilldesk.core.permissions import ROLES
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner

ERROR_STYLE = "color: #b00020;"


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def password_problem(password: str, repeat: str) -> str:
    """What is wrong with a new password typed twice ("" when nothing)."""
    if len(password) < MIN_PASSWORD:
        return _("A password needs at least {n} characters.").format(n=MIN_PASSWORD)
    if password != repeat:
        return _("The two passwords differ.")
    return ""


class AccountFields(QWidget):
    """User name, display name, password twice (and a role, for ``with_role``)."""

    def __init__(self, *, user: str = "", with_role: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.user_edit = QLineEdit(user)
        self.user_edit.setObjectName("account_user")
        self.display_edit = QLineEdit()
        self.display_edit.setObjectName("account_display")
        self.display_edit.setPlaceholderText(_("e.g. 张老师 (optional)"))
        self.password_edit = _password_edit("account_password")
        self.password_edit.setPlaceholderText(
            _("At least {n} characters").format(n=MIN_PASSWORD))
        self.repeat_edit = _password_edit("account_repeat")
        form.addRow(_("User name"), self.user_edit)
        form.addRow(_("Display name"), self.display_edit)
        self.role = None
        if with_role:
            self.role = QComboBox()
            self.role.setObjectName("account_role")
            for code, label in ROLES.items():
                self.role.addItem(_(label), code)
            self.role.setCurrentIndex(self.role.findData("clerk"))
            form.addRow(_("Account role"), self.role)
        form.addRow(_("Password"), self.password_edit)
        form.addRow(_("Password again"), self.repeat_edit)
        self.message = QLabel()
        self.message.setObjectName("account_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        form.addRow(self.message)

    def fill(self, user: str, password: str, display: str = "", role: str = "") -> None:
        """Tests and defaults: type into the fields."""
        self.user_edit.setText(user)
        self.display_edit.setText(display)
        self.password_edit.setText(password)
        self.repeat_edit.setText(password)
        if role and self.role is not None:
            self.role.setCurrentIndex(self.role.findData(role))

    def values(self) -> tuple[str, str, str]:
        """(user name, display name, password)."""
        return (self.user_edit.text().strip(), self.display_edit.text().strip(),
                self.password_edit.text())

    def check(self) -> bool:
        problem = ""
        if not self.user_edit.text().strip():
            problem = _("Enter a user name.")
        else:
            problem = password_problem(self.password_edit.text(), self.repeat_edit.text())
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        return not problem


class NewAccountDialog(QDialog):
    """A user name, role and password: for 添加账户… and for setting accounts up."""

    def __init__(self, title: str, intro: str, *, user: str = "", with_role: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.fields = AccountFields(user=user, with_role=with_role)
        layout.addWidget(self.fields)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def _ok(self) -> None:
        if self.fields.check():
            self.accept()


class PasswordDialog(QDialog):
    """A new password twice (and the current one, for ``ask_old``)."""

    def __init__(self, title: str, intro: str, *, ask_old: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("password_dialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.old_edit = _password_edit("password_old")
        if ask_old:
            form.addRow(_("Current password"), self.old_edit)
        self.new_edit = _password_edit("password_new")
        self.new_edit.setPlaceholderText(_("At least {n} characters").format(n=MIN_PASSWORD))
        self.repeat_edit = _password_edit("password_repeat")
        form.addRow(_("New password"), self.new_edit)
        form.addRow(_("New password again"), self.repeat_edit)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("password_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(440, self.sizeHint().height())

    def fill(self, new: str, old: str = "") -> None:
        self.old_edit.setText(old)
        self.new_edit.setText(new)
        self.repeat_edit.setText(new)

    @property
    def old(self) -> str:
        return self.old_edit.text()

    @property
    def new(self) -> str:
        return self.new_edit.text()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _ok(self) -> None:
        problem = password_problem(self.new_edit.text(), self.repeat_edit.text())
        self.show_message(problem)
        if not problem:
            self.accept()


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: to be printed and kept in the institution's safe."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_key_dialog")
        self.setWindowTitle(_("Recovery key"))
        self.key = key
        layout = QVBoxLayout(self)
        intro = QLabel(_(
            "This database is now protected by accounts. Below is its recovery key: with it an "
            "administrator's lost password can be replaced. It is shown only this once.\n\n"
            "Print it or write it down now, and keep the sheet in the institution's safe. "
            "Without it and without an administrator's password, the data cannot be opened."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        groups = key.split("-")
        # whole groups per line, so no group is ever split when it is copied onto paper
        text = QLabel("\n".join("-".join(groups[i:i + 5]) for i in range(0, len(groups), 5)))
        text.setObjectName("recovery_key")
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(13)
        text.setFont(font)
        text.setStyleSheet("padding: 10px; border: 1px solid #999; background: #fff;")
        layout.addWidget(text)
        self.status = QLabel()
        self.status.setObjectName("recovery_status")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        copy = QPushButton(_("Copy to the clipboard"))
        copy.setObjectName("copy_recovery")
        copy.clicked.connect(self._copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        done = QPushButton(_("I have printed or written it down"))
        done.setObjectName("recovery_done")
        done.clicked.connect(self.accept)
        buttons.addButton(done, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.status.setText(_("Copied. Paste it into a document, print it, then delete the "
                              "document."))


class UsersDialog(QDialog):
    """设置 → 账户: the accounts (administrators manage them; everyone changes their own
    password). The facade refuses what a role may not do; the buttons only follow it."""

    sig_changed = Signal()

    def __init__(self, runner: TaskRunner, hub: Hub, *, is_admin: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("users_dialog")
        self._runner = runner
        self._hub = hub
        self.setWindowTitle(_("Accounts"))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("users_table")
        self.table.setHorizontalHeaderLabels(
            [_("User name"), _("Display name"), _("Account role"), _("Active")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setObjectName("users_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add account…"))
        self.add_button.setObjectName("add_account")
        self.add_button.clicked.connect(self.add_account)
        self.reset_button = QPushButton(_("Reset password…"))
        self.reset_button.setObjectName("reset_password")
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button = QPushButton(_("Disable"))
        self.active_button.setObjectName("toggle_active")
        self.active_button.clicked.connect(self.toggle_active)
        for button in (self.add_button, self.reset_button, self.active_button):
            button.setVisible(is_admin)
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self._users: list[dict] = []
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.resize(640, 380)
        self.reload()

    # -- list ------------------------------------------------------------------------------

    def reload(self) -> None:
        self._runner.run(lambda desk: desk.accounts.users(), on_done=self._on_loaded,
                         on_error=lambda exc: show_error(self, exc))

    def _on_loaded(self, users: list[dict]) -> None:
        self._users = users
        self.table.setRowCount(len(users))
        for number, user in enumerate(users):
            cells = [user["username"], user.get("display_name") or "",
                     _(ROLES.get(user["role"], user["role"])),
                     _("Yes") if user.get("active") else _("No")]
            for column, text in enumerate(cells):
                self.table.setItem(number, column, QTableWidgetItem(text))
        self._update_buttons()

    def selected_user(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self._users[rows[0].row()] if rows else None

    def select(self, username: str) -> None:
        for number, user in enumerate(self._users):
            if user["username"] == username:
                self.table.selectRow(number)

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.reset_button.setEnabled(user is not None)
        self.active_button.setEnabled(user is not None)
        self.active_button.setText(_("Enable") if user and not user.get("active")
                                   else _("Disable"))

    # -- actions -----------------------------------------------------------------------------

    def _run(self, op, done_text: str) -> None:
        def done(changes: Changes) -> None:
            self.status.setText(done_text)
            self._hub.sig_changes.emit(changes, self)
            self.sig_changed.emit()
            self.reload()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.status.setText("; ".join(i.message for i in exc.issues))
                return
            show_error(self, exc)

        self._runner.run(op, on_done=done, on_error=failed)

    def new_account_dialog(self) -> NewAccountDialog:
        return NewAccountDialog(_("Add account"), _(
            "The new account signs in with this user name and password. Its role decides "
            "what it may change."), with_role=True, parent=self)

    def add_account(self, dialog: NewAccountDialog | None = None) -> None:
        dialog = dialog or self.new_account_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        user, display, password = dialog.fields.values()
        role = dialog.fields.role.currentData()
        self._run(lambda desk: desk.accounts.create(user, password, role=role,
                                                   display_name=display),
                  _("Account {user} added.").format(user=user))

    def reset_dialog(self, user: str) -> PasswordDialog:
        return PasswordDialog(_("Reset password"), _(
            "A new password for {user}. They must change it when they next sign in.").format(
                user=user), parent=self)

    def reset_password(self, dialog: PasswordDialog | None = None) -> None:
        user = self.selected_user()
        if user is None:
            return
        name = user["username"]
        dialog = dialog or self.reset_dialog(name)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        password = dialog.new
        self._run(lambda desk: desk.accounts.reset_password(name, password),
                  _("The password of {user} was reset.").format(user=name))

    def toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        name, active = user["username"], not user.get("active")
        self._run(lambda desk: desk.accounts.set_active(name, active),
                  (_("Account {user} enabled.") if active
                   else _("Account {user} disabled.")).format(user=name))
