"""登录: the user name and password a database with accounts needs (issue 9).

The dialog only collects the two fields; the controller opens the Desk with them on the
worker and, when the key file refuses them, shows the dialog again with the message
(``show_message``). A demo database gets its documented accounts as a hint.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.accounts import DEMO_ACCOUNTS
from skilldesk.core.permissions import ROLES
from skilldesk.i18n import _

ERROR_STYLE = "color: #b00020;"


class LoginDialog(QDialog):
    """``exec()`` returns Accepted with ``user`` and ``password`` filled."""

    def __init__(self, path: Path, *, demo: bool = False, user: str = "", message: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowTitle(_("Sign in — SkillDesk"))
        layout = QVBoxLayout(self)
        intro = QLabel(_("This database is protected. Sign in with your user name and "
                         "password."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        where = QLabel(str(path))
        where.setObjectName("login_path")
        where.setStyleSheet("color: #555;")
        where.setWordWrap(True)
        layout.addWidget(where)
        form = QFormLayout()
        self.user_edit = QLineEdit(user or ("admin" if demo else ""))
        self.user_edit.setObjectName("login_user")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("login_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("User name"), self.user_edit)
        form.addRow(_("Password"), self.password_edit)
        layout.addLayout(form)
        self.message = QLabel(message)
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(bool(message))
        layout.addWidget(self.message)
        self.hint = QLabel()
        self.hint.setObjectName("login_demo_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        if demo:
            lines = [_("Demo database. Its accounts (user name / password):")]
            lines += [f"{name} / {password} — {_(ROLES[role])}"
                      for name, _display, role, password in DEMO_ACCOUNTS]
            self.hint.setText("\n".join(lines))
        self.hint.setVisible(demo)
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox()
        self.login_button = QPushButton(_("Sign in"))
        self.login_button.setObjectName("login_button")
        self.login_button.setDefault(True)
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.login_button.clicked.connect(self._login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()
        self.resize(max(440, self.sizeHint().width()), self.sizeHint().height())

    @property
    def user(self) -> str:
        return self.user_edit.text().strip()

    @property
    def password(self) -> str:
        return self.password_edit.text()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _login(self) -> None:
        if not self.user or not self.password:
            self.show_message(_("Enter the user name and the password."))
            return
        self.accept()
