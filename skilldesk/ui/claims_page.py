"""补贴申领 page: the claims (every version), and the selected claim's detail — totals,
lines, excluded trainees with their reasons, versions — with the actions its state allows.

All reads and writes run on the worker; every mutation is broadcast on the hub. The
file dialogs only choose paths: the work is in methods taking paths (``sign``,
``print_receipt``, ``import_decision``, ``record_payment``), which the tests call.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import _
from skilldesk.ui.claim_detail import ClaimDetail
from skilldesk.ui.claim_dialogs import NewClaimDialog
from skilldesk.ui.claim_dialogs import PaymentDialog
from skilldesk.ui.claim_dialogs import SignDialog
from skilldesk.ui.claim_dialogs import documents_folder
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import row_key
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.subsidy_model import yuan
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import run_with_progress


def error_text(exc: BaseException) -> str:
    """The core's message, with the problems it lists (one a line)."""
    if not isinstance(exc, SkilldeskError):
        return str(exc)
    lines = [exc.user_message()]
    for issue in getattr(exc, "issues", []) or []:
        lines.append(f"• {issue.field}: {issue.message()}" if issue.field
                     else f"• {issue.message()}")
    return "\n".join(lines)


def _claim_list(desk) -> list[dict]:
    """Every version of every claim with its class codes (on the worker)."""
    from skilldesk.core.claims import state_label
    rows = []
    for claim in desk.claims.list():
        shown = desk.claims.show(claim["claim_no"], claim["version"])
        rows.append({**claim, "state_label": state_label(claim["state"]),
                     "classes": [c["code"] for c in shown["classes"]]})
    return rows


class ClaimsPage(QWidget):
    sig_loaded = Signal()        # the list is shown
    sig_detail = Signal()        # the selected claim's detail is shown
    sig_done = Signal(str)       # an action finished (its name)

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.open_after = True         # tests turn the PDF viewer and messages off
        self.claims: list[dict] = []
        self.shown: dict | None = None
        self.last_report = None
        self.sign_dialog: SignDialog | None = None
        self.new_dialog: NewClaimDialog | None = None
        self.pay_dialog: PaymentDialog | None = None
        self.review = None
        self._select: tuple[str, int | None] | None = None

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        title = QLabel(_("Subsidy claims"))
        title.setStyleSheet(HEADING_STYLE)
        bar.addWidget(title)
        bar.addStretch(1)
        self.new_button = QPushButton(_("New claim…"))
        self.new_button.setObjectName("claim_new")
        self.new_button.clicked.connect(self.new_claim)
        self.review_button = QPushButton(_("Review a package…"))
        self.review_button.setObjectName("claim_review")
        self.review_button.setToolTip(_("Check a claim package as the bureau does: "
                                        "signature, files and roster"))
        self.review_button.clicked.connect(self.open_review)
        bar.addWidget(self.new_button)
        bar.addWidget(self.review_button)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.count_label = QLabel()
        self.count_label.setObjectName("claim_count")
        self.count_label.setStyleSheet(MUTED_STYLE)
        top_layout.addWidget(self.count_label)
        self.table = make_table([_("Claim number"), _("Version"), _("State"), _("Classes"),
                                 _("Total (yuan)"), _("Created"), _("Signed")], "claim_table")
        for column, width in enumerate((120, 60, 200, 260, 120, 100)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._on_select)
        top_layout.addWidget(self.table)
        splitter.addWidget(top)
        self.detail = ClaimDetail()
        self.detail.sig_action.connect(self.act)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([160, 600])
        layout.addWidget(splitter, 1)
        hub.sig_changes.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.count_label.setText(_("Loading…"))
        self._runner.run(_claim_list, on_done=self._set_claims)

    def _set_claims(self, claims: list[dict]) -> None:
        self.claims = claims
        rows = [[c["claim_no"], str(c["version"]),
                 c["state_label"] + (" · " + _("superseded") if c["superseded_by"] else ""),
                 ", ".join(c["classes"]), yuan(c["total_fen"]), (c["created_at"] or "")[:10],
                 (c["signed_at"] or "")[:10]] for c in claims]
        want = self._select
        self._select = None
        self.table.blockSignals(True)
        fill_table(self.table, rows, [(c["claim_no"], c["version"]) for c in claims])
        self.table.blockSignals(False)
        self.count_label.setText(_("{count} claims (all versions)").format(count=len(claims))
                                 if claims else _("No claims yet. Make one with “New claim…” "
                                                  "from classes whose assessment is closed."))
        if want is not None:
            for row, claim in enumerate(claims):
                if claim["claim_no"] == want[0] and (want[1] is None
                                                     or claim["version"] == want[1]):
                    self.table.selectRow(row)
                    break
        self._on_select()
        self.sig_loaded.emit()

    def current(self) -> tuple[str, int] | None:
        return row_key(self.table)

    def select(self, claim_no: str, version: int | None = None) -> None:
        """Select a claim (the newest version unless *version*) once the list has it."""
        self._select = (claim_no, version)
        self.refresh()

    def _on_select(self) -> None:
        key = self.current()
        if key is None:
            self.shown = None
            self.detail.show_claim(None)
            return
        claim_no, version = key
        self._runner.run(lambda desk: desk.claims.show(claim_no, version),
                         on_done=self._show_detail)

    def _show_detail(self, shown: dict) -> None:
        if self.current() != (shown["claim_no"], shown["version"]):
            return  # the selection moved on meanwhile
        self.shown = shown
        self.detail.show_claim(shown)
        self.sig_detail.emit()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.claims or changes.classes:
            key = self.current()
            if self._select is None and key is not None:
                self._select = (key[0], None)
            self.refresh()

    def _broadcast(self, changes: Changes, claim_no: str, action: str) -> None:
        self._select = (claim_no, None)
        self._hub.sig_changes.emit(changes, self)
        self.refresh()
        self.sig_done.emit(action)

    def _info(self, text: str) -> None:
        if not self.open_after:
            return
        box = QMessageBox(QMessageBox.Icon.Information, _("SkillDesk"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- new claim -----------------------------------------------------------------------

    def new_claim(self) -> NewClaimDialog:
        dialog = NewClaimDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_create.connect(lambda ids: self.create(ids, dialog))
        self.new_dialog = dialog
        self._runner.run(lambda desk: desk.classes.list(state="assessed").rows,
                         on_done=dialog.set_classes)
        dialog.open()
        return dialog

    def create(self, class_ids: list[str], dialog: NewClaimDialog | None = None) -> None:
        """Work out the subsidies of the classes and save the draft claim, on the worker
        behind a progress dialog (thousands of trainees take a while); Cancel before the
        claim is saved leaves no claim."""
        def op(desk, progress):
            changes = desk.claims.create(class_ids, progress=progress)
            return changes, desk.claims.number_of(changes.ids[0])

        def done(result) -> None:
            changes, claim_no = result
            if dialog is not None:
                dialog.accept()
            self._broadcast(changes, claim_no, "create")

        def failed(exc: BaseException) -> None:
            if dialog is not None and isinstance(exc, SkilldeskError):
                dialog.show_problem(error_text(exc))
            else:
                show_error(self, exc)
        run_with_progress(self._runner, self, _("Creating the claim"), op, on_done=done,
                          on_error=failed)

    # -- actions by state ----------------------------------------------------------------

    def act(self, action: str) -> None:
        """A detail button: open its dialog (the work is in the methods below)."""
        if self.shown is None:
            return
        if action == "sign":
            self.open_sign_dialog()
        elif action == "receipt":
            self._choose_receipt()
        elif action == "submit":
            self.mark_submitted()
        elif action == "decision":
            self._choose_decision()
        elif action == "pay":
            self.open_pay_dialog()
        elif action == "new_version":
            self.new_version()

    def open_sign_dialog(self) -> SignDialog:
        shown = self.shown
        assert shown is not None
        dialog = SignDialog(shown["claim_no"], shown["version"], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_sign.connect(lambda key, phrase, out: self.sign(
            shown["claim_no"], key, phrase, out, dialog))
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def sign(self, claim_no: str, key_path: str, passphrase: str, out_path: str,
             dialog: SignDialog | None = None) -> None:
        """Unlock the key and sign on the worker, with progress; problems go back to the
        dialog (a wrong passphrase can be typed again)."""
        def op(desk, progress):
            from skilldesk.signing.keys import load_private_key
            progress.update(0, 0, _("Unlocking the key file"))
            key = load_private_key(key_path, passphrase)
            return desk.claims.sign(claim_no, key, out_path, progress=progress)

        def done(changes: Changes) -> None:
            if dialog is not None:
                dialog.accept()
            self._broadcast(changes, claim_no, "sign")
            self._info(_("Claim {no} was signed; the package was written to {path}. Print "
                         "the receipt and hand both to the bureau.").format(
                             no=claim_no, path=out_path))

        def failed(exc: BaseException) -> None:
            if dialog is not None and isinstance(exc, SkilldeskError):
                dialog.show_problem(error_text(exc))
            else:
                show_error(self, exc)
            self.sig_done.emit("sign_failed")
        run_with_progress(self._runner, self, _("Signing claim {no}").format(no=claim_no), op,
                          on_done=done, on_error=failed,
                          on_cancel=lambda: dialog.show_problem(_("Cancelled; nothing was "
                                                                  "written."))
                          if dialog is not None else None)

    def _choose_receipt(self) -> None:
        shown = self.shown
        suggested = str(Path(documents_folder()) / f"{shown['claim_no']}-回执.pdf")
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the receipt as PDF"),
                                                    suggested, _("PDF files (*.pdf)"))
        if path:
            self.print_receipt(path if path.lower().endswith(".pdf") else path + ".pdf")

    def print_receipt(self, path: str) -> None:
        claim_no = self.shown["claim_no"]

        def done(_pages: int) -> None:
            self.sig_done.emit("receipt")
            if self.open_after:
                QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        run_with_progress(self._runner, self, _("Writing the receipt"),
                          lambda desk, _progress: desk.claims.receipt(claim_no, path),
                          on_done=done)

    def mark_submitted(self) -> None:
        claim_no = self.shown["claim_no"]
        self._runner.run(lambda desk: desk.claims.record_submission(claim_no),
                         on_done=lambda ch: self._broadcast(ch, claim_no, "submit"))

    def _choose_decision(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the bureau's decision file"), documents_folder(),
            _("Spreadsheets (*.xlsx *.xls *.csv *.ods);;All files (*)"))
        if path:
            self.import_decision(path)

    def import_decision(self, path: str) -> None:
        claim_no = self.shown["claim_no"]

        def done(report) -> None:
            self.last_report = report
            self.detail.show_report(report)
            if report.saved:
                self._broadcast(Changes(claims=True, classes=True), claim_no, "decision")
            else:
                self.sig_done.emit("decision")
        run_with_progress(self._runner, self, _("Reading the decision file"),
                          lambda desk, _progress: desk.claims.import_decision(claim_no, path),
                          on_done=done)

    def open_pay_dialog(self) -> PaymentDialog:
        shown = self.shown
        dialog = PaymentDialog(shown["claim_no"], shown["approved_fen"], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_pay.connect(lambda day, fen: self.record_payment(day, fen, dialog))
        self.pay_dialog = dialog
        dialog.open()
        return dialog

    def record_payment(self, day, fen: int, dialog: PaymentDialog | None = None) -> None:
        claim_no = self.shown["claim_no"]

        def done(changes: Changes) -> None:
            if dialog is not None:
                dialog.accept()
            self._broadcast(changes, claim_no, "pay")

        def failed(exc: BaseException) -> None:
            issues = getattr(exc, "issues", None)
            if dialog is not None and issues:
                dialog.messages.show(issues)
            else:
                show_error(self, exc)
        self._runner.run(lambda desk: desk.claims.record_payment(claim_no, day, fen),
                         on_done=done, on_error=failed)

    def new_version(self) -> None:
        claim_no = self.shown["claim_no"]
        self._runner.run(lambda desk: desk.claims.new_version(claim_no),
                         on_done=lambda ch: self._broadcast(ch, claim_no, "new_version"))

    # -- review mode ---------------------------------------------------------------------

    def open_review(self):
        from skilldesk.ui.review_mode import ReviewDialog
        dialog = ReviewDialog(self._runner, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.review = dialog
        dialog.show()
        return dialog
