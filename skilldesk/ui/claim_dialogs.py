"""The dialogs of the 补贴申领 page: a new claim from assessed classes, signing a claim
into its package (key file, passphrase, output file) and recording a payment.

Each dialog is a thin layer over fields a test can fill: the file choosers only put a
path into a line edit, and the work itself runs on the worker through the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from decimal import InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtCore import QStandardPaths
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.errors import FieldIssue
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.widgets import ERROR_STYLE
from skilldesk.ui.widgets import FieldMessages

PACKAGE_FILTER = "*.tsclaim"


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def yuan_to_fen(text: str) -> int | None:
    """“1,234.50” → 123450; None for anything that is not an amount in whole fen."""
    try:
        fen = Decimal(text.strip().replace(",", "").replace("，", "")) * 100
    except InvalidOperation:
        return None
    if not fen.is_finite() or fen != fen.to_integral_value() or fen < 0:
        return None
    return int(fen)


class NewClaimDialog(QDialog):
    """A checklist of the assessed classes (loaded on the worker by the page)."""

    sig_create = Signal(list)  # class ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New claim"))
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Tick the classes to claim for. Only classes whose assessment is "
                         "closed (已考核) and that are in no other claim are listed."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.classes = QListWidget()
        self.classes.setObjectName("claim_new_classes")
        layout.addWidget(self.classes, 1)
        self.message = QLabel(_("Loading…"))
        self.message.setObjectName("claim_new_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton(_("Create claim"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("claim_new_create")
        self.create_button.setEnabled(False)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_classes(self, rows: list) -> None:
        self.classes.clear()
        for row in rows:
            item = QListWidgetItem(_("{code}  {name}  ({trainees} trainees, {start} – {end})")
                                   .format(code=row.code, name=row.name, trainees=row.trainees,
                                           start=row.start_date, end=row.end_date))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.classes.addItem(item)
        self.message.setStyleSheet(MUTED_STYLE)
        self.message.setText(_("No class is ready for a claim: close a class's assessment "
                               "(已考核) first.") if not rows else "")
        self.create_button.setEnabled(bool(rows))

    def check(self, class_id: str, checked: bool = True) -> None:
        for row in range(self.classes.count()):
            item = self.classes.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == class_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked_ids(self) -> list[str]:
        return [self.classes.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(self.classes.count())
                if self.classes.item(r).checkState() == Qt.CheckState.Checked]

    def show_problem(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)
        self.create_button.setEnabled(True)

    def submit(self) -> None:
        ids = self.checked_ids()
        if not ids:
            self.show_problem(_("Tick at least one class."))
            return
        self.create_button.setEnabled(False)
        self.message.setStyleSheet(MUTED_STYLE)
        self.message.setText(_("Working…"))
        self.sig_create.emit(ids)


def _path_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return box


class SignDialog(QDialog):
    """The signing key file, its passphrase and where to write the package. A wrong
    passphrase leaves the dialog open with the core's message, to try again."""

    sig_sign = Signal(str, str, str)  # key path, passphrase, output path

    def __init__(self, claim_no: str, version: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign and export claim {no}").format(no=claim_no))
        self.resize(620, 300)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Signing locks version {version} of claim {no} and writes the "
                         "package to hand to the bureau. Changes afterwards need a new "
                         "version.").format(version=version, no=claim_no))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.messages = FieldMessages("claim_sign_msg_")
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("claim_sign_key")
        key_button = QPushButton(_("Choose…"))
        key_button.clicked.connect(self._choose_key)
        form.addRow(_("Key file"), self.messages.wrap("key", _path_row(self.key_edit,
                                                                        key_button)))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("claim_sign_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Passphrase"), self.messages.wrap("passphrase", self.passphrase))
        self.out_edit = QLineEdit(f"{documents_folder()}/{claim_no}-v{version}.tsclaim")
        self.out_edit.setObjectName("claim_sign_out")
        out_button = QPushButton(_("Choose…"))
        out_button.clicked.connect(self._choose_out)
        form.addRow(_("Save package as"), self.messages.wrap("out", _path_row(self.out_edit,
                                                                               out_button)))
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("claim_sign_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.addButton(_("Sign and export"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("claim_sign_button")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _choose_key(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the signing key file"), self.key_edit.text() or documents_folder(),
            _("SkillDesk key files (*.key *.json);;All files (*)"))
        if path:
            self.key_edit.setText(path)

    def _choose_out(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the claim package as"), self.out_edit.text(),
            _("Claim packages ({pattern})").format(pattern=PACKAGE_FILTER))
        if path:
            self.out_edit.setText(path if path.lower().endswith(".tsclaim")
                                  else path + ".tsclaim")

    def submit(self) -> None:
        issues = []
        if not self.key_edit.text().strip():
            issues.append(FieldIssue("key", "KEY_MISSING", N_("Choose the key file.")))
        if not self.passphrase.text():
            issues.append(FieldIssue("passphrase", "PASSPHRASE_MISSING",
                                     N_("Type the passphrase of the key file.")))
        if not self.out_edit.text().strip():
            issues.append(FieldIssue("out", "OUT_MISSING",
                                     N_("Choose where to save the package.")))
        self.messages.show(issues)
        if issues:
            return
        self.message.clear()
        self.sign_button.setEnabled(False)
        self.sig_sign.emit(self.key_edit.text().strip(), self.passphrase.text(),
                           self.out_edit.text().strip())

    def show_problem(self, text: str) -> None:
        """The core's message; the passphrase is cleared and focused for another try."""
        self.message.setText(text)
        self.sign_button.setEnabled(True)
        self.passphrase.selectAll()
        self.passphrase.setFocus()


class PaymentDialog(QDialog):
    """The date and amount (yuan) the bureau paid."""

    sig_pay = Signal(object, int)  # date, fen

    def __init__(self, claim_no: str, approved_fen: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record payment of claim {no}").format(no=claim_no))
        self.resize(440, 200)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.messages = FieldMessages("claim_pay_msg_")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setObjectName("claim_pay_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(_("Paid on"), self.date)
        self.amount = QLineEdit("" if approved_fen is None else f"{approved_fen / 100:.2f}")
        self.amount.setObjectName("claim_pay_amount")
        self.amount.setPlaceholderText(_("Amount in yuan, e.g. 12500.00"))
        form.addRow(_("Amount (yuan)"), self.messages.wrap("amount", self.amount))
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.pay_button = buttons.addButton(_("Record payment"),
                                            QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        fen = yuan_to_fen(self.amount.text())
        if fen is None:
            self.messages.show([FieldIssue("amount", "AMOUNT_INVALID", N_(
                "Type the amount in yuan as on the bank statement, e.g. 12500.00."))])
            return
        self.messages.show([])
        day = self.date.date()
        self.sig_pay.emit(dt.date(day.year(), day.month(), day.day()), fen)
