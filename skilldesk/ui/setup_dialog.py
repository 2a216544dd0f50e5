"""First run: create the institution, use the demo institution instead, or set this
computer up as a field laptop that takes its data from the office PC. Creating and the
laptop also name the first administrator (the database is protected by accounts)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.i18n import _
from skilldesk.ui.institution_form import InstitutionForm
from skilldesk.ui.users_dialog import AccountFields


class SetupDialog(QDialog):
    """``exec()`` returns Accepted with ``choice`` = "create", "demo" or "laptop"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = ""
        self.setWindowTitle(_("Welcome to SkillDesk"))
        layout = QVBoxLayout(self)
        intro = QLabel(_(
            "Enter your institution's details to create its database. "
            "Everything stays on this computer. You can change the details later in Settings."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = InstitutionForm()
        layout.addWidget(self.form)
        admin = QGroupBox(_("Administrator account"))
        admin_layout = QVBoxLayout(admin)
        admin_intro = QLabel(_(
            "The database is protected: everyone signs in with a user name and password. "
            "Choose the administrator's now (also needed for a field laptop); "
            "the administrator adds the other accounts in Settings."))
        admin_intro.setWordWrap(True)
        admin_layout.addWidget(admin_intro)
        self.admin_fields = AccountFields(user="admin")
        admin_layout.addWidget(self.admin_fields)
        layout.addWidget(admin)
        buttons = QDialogButtonBox()
        self.create_button = QPushButton(_("Create"))
        self.create_button.setDefault(True)
        self.demo_button = QPushButton(_("Try the demo institution instead"))
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.laptop_button = QPushButton(_("This is a field laptop: get the data from the "
                                           "office PC"))
        buttons.addButton(self.laptop_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.laptop_button.clicked.connect(self._laptop)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.create_button.clicked.connect(self._create)
        self.demo_button.clicked.connect(self._demo)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def admin(self) -> tuple[str, str, str]:
        """The first administrator: (user name, display name, password)."""
        return self.admin_fields.values()

    def _create(self) -> None:
        form_ok = not any(i.severity == "error" for i in self.form.check())
        if not (self.admin_fields.check() and form_ok):
            return
        self.choice = "create"
        self.accept()

    def _demo(self) -> None:
        self.choice = "demo"
        self.accept()

    def _laptop(self) -> None:
        if not self.admin_fields.check():
            return
        self.choice = "laptop"
        self.accept()
