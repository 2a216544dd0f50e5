"""审核模式: check a claim package as the bureau does — signature by a registered key,
every file's hash, the claim data — and read its roster, forms and attachments.

Nothing here touches the institution's database: the verification runs on the runner's
side thread (``run_side``). The package is read once into memory; the verdict and the
roster come from those same bytes, so what is shown is what was verified. Nothing is
extracted to disk except a form or attachment the user opens, written to a temporary
folder under its manifest display name (sanitised) after its SHA-256 is checked again.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.package import codes
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.claim_dialogs import PACKAGE_FILTER
from skilldesk.ui.claim_dialogs import documents_folder
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.errors import show_error
from skilldesk.ui.subsidy_model import category_label
from skilldesk.ui.subsidy_model import payee_label
from skilldesk.ui.subsidy_model import yuan
from skilldesk.ui.tasks import TaskRunner

MAX_READ = 1 << 30  # the package format's own limit (1 GiB)
_VALID_STYLE = ("font-size: 22px; font-weight: bold; color: #1e7b34; background: #e6f4ea; "
                "border: 1px solid #9fd3ad; border-radius: 6px; padding: 8px 12px;")
_INVALID_STYLE = ("font-size: 22px; font-weight: bold; color: #b3261e; background: #fce8e6; "
                  "border: 1px solid #f0a8a2; border-radius: 6px; padding: 8px 12px;")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class Review:
    """What the side thread found: the verdict, and after a valid one the roster."""

    result: object                      # package.verify.VerifyResult
    path: str
    lines: list[dict] = field(default_factory=list)


def review_package(package_path: str, registry_path: str) -> Review:
    """Verify *package_path* against the registry folder (side thread; no database)."""
    from skilldesk.package.registry import KeyRegistry
    from skilldesk.package.verify import verify_package

    registry = KeyRegistry.load(registry_path)
    path = Path(package_path)
    data = path.read_bytes() if path.stat().st_size <= MAX_READ else path
    result = verify_package(data, registry)
    review = Review(result, str(path))
    if result.valid and isinstance(data, bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            review.lines = json.loads(zf.read("data/lines.json"))
    return review


def safe_name(title: str, path: str) -> str:
    """The manifest's display name as a plain file name (no folders, no odd characters),
    keeping the member's suffix."""
    suffix = Path(path).suffix
    name = _UNSAFE.sub("_", (title or Path(path).name)).strip(" .") or "file"
    name = name[:120]
    return name if name.lower().endswith(suffix.lower()) else name + suffix


def extract_member(package_path: str, spec: dict, folder: str) -> Path:
    """Write one listed member to *folder* after checking its SHA-256 (side thread)."""
    with zipfile.ZipFile(package_path) as zf:
        data = zf.read(spec["path"])
    if hashlib.sha256(data).hexdigest() != spec["sha256"]:
        raise PackageChanged(detail=codes.message(codes.E_DIGEST, spec["path"]))
    out = Path(folder) / safe_name(spec.get("title", ""), spec["path"])
    out.write_bytes(data)
    return out


class PackageChanged(SkilldeskError):
    code = "E_PACKAGE_CHANGED"
    default_msgid = N_("The package file changed after it was checked. Check it again.")


class ReviewDialog(QDialog):
    sig_verdict = Signal(object)   # the Review shown
    sig_opened = Signal(str)       # a file written for viewing

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.review: Review | None = None
        self.open_after = True      # tests turn the system viewer off
        self._temp: tempfile.TemporaryDirectory | None = None
        self.setWindowTitle(_("Review a claim package (bureau)"))
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Checks a claim package as the bureau does: the signature by a "
                         "registered key, every file's hash and the claim data. Nothing is "
                         "imported into this institution's records."))
        intro.setWordWrap(True)
        intro.setStyleSheet(MUTED_STYLE)
        layout.addWidget(intro)
        form = QFormLayout()
        self.package_edit = QLineEdit()
        self.package_edit.setObjectName("review_package")
        choose_package = QPushButton(_("Choose…"))
        choose_package.clicked.connect(self._choose_package)
        form.addRow(_("Package file"), _row(self.package_edit, choose_package))
        self.registry_edit = QLineEdit()
        self.registry_edit.setObjectName("review_registry")
        choose_registry = QPushButton(_("Choose…"))
        choose_registry.clicked.connect(self._choose_registry)
        form.addRow(_("Key registry folder"), _row(self.registry_edit, choose_registry))
        layout.addLayout(form)
        bar = QHBoxLayout()
        self.verify_button = QPushButton(_("Check package"))
        self.verify_button.setObjectName("review_verify")
        self.verify_button.clicked.connect(
            lambda: self.verify(self.package_edit.text().strip(),
                                self.registry_edit.text().strip()))
        bar.addWidget(self.verify_button)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.verdict = QLabel(_("Choose a package and the key registry, then check it."))
        self.verdict.setObjectName("review_verdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.facts = QLabel()
        self.facts.setObjectName("review_facts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.facts)

        self.tabs = QTabWidget()
        self.errors = make_table([_("Code"), _("Problem")], "review_errors")
        self.errors.setColumnWidth(0, 190)
        self.errors.setWordWrap(True)
        self.roster = make_table([_("Class"), _("Name"), _("ID number"), _("Category"),
                                  _("Payee"), _("Amount (yuan)"), _("Period")], "review_roster")
        for column, width in enumerate((120, 90, 170, 180, 110, 110)):
            self.roster.setColumnWidth(column, width)
        self.files = make_table([_("File"), _("Type"), _("Size"), _("SHA-256"), ""],
                                "review_files")
        for column, width in enumerate((260, 130, 90, 560)):
            self.files.setColumnWidth(column, width)
        self.tabs.addTab(self.errors, _("Problems"))
        self.tabs.addTab(self.roster, _("Roster"))
        self.tabs.addTab(self.files, _("Forms and attachments"))
        layout.addWidget(self.tabs, 1)

    def _choose_package(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the claim package"), self.package_edit.text() or documents_folder(),
            _("Claim packages ({pattern});;All files (*)").format(pattern=PACKAGE_FILTER))
        if path:
            self.package_edit.setText(path)

    def _choose_registry(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, _("Choose the folder of registered public keys"),
            self.registry_edit.text() or documents_folder())
        if path:
            self.registry_edit.setText(path)

    # -- checking --------------------------------------------------------------------------

    def verify(self, package_path: str, registry_path: str) -> None:
        """Check the package on the side thread; the verdict arrives in ``show_review``."""
        self.package_edit.setText(package_path)
        self.registry_edit.setText(registry_path)
        if not package_path or not registry_path:
            self._show_message(_("Choose the package file and the key registry folder."))
            return
        self.verify_button.setEnabled(False)
        self.verdict.setStyleSheet("")
        self.verdict.setText(_("Checking…"))
        self._runner.run_side(lambda: review_package(package_path, registry_path),
                              on_done=self.show_review, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        if isinstance(exc, SkilldeskError):
            self._show_message(exc.user_message())
        elif isinstance(exc, OSError):
            self._show_message(_("The file cannot be read: {reason}").format(
                reason=exc.strerror or exc))
        else:
            show_error(self, exc)
        self.sig_verdict.emit(None)

    def _show_message(self, text: str) -> None:
        self.review = None
        self.verdict.setStyleSheet(_INVALID_STYLE)
        self.verdict.setText(text)
        self.facts.clear()
        for table in (self.errors, self.roster, self.files):
            fill_table(table, [], [])

    def show_review(self, review: Review) -> None:
        self.verify_button.setEnabled(True)
        self.review = review
        result = review.result
        if result.valid:
            from skilldesk.signing.keys import group
            self.verdict.setStyleSheet(_VALID_STYLE)
            self.verdict.setText(_("✓ Valid: signed by a registered key, nothing changed"))
            institution = result.institution or {}
            self.facts.setText("\n".join([
                _("Institution: {name} ({uscc})").format(name=institution.get("name", ""),
                                                          uscc=institution.get("uscc", "")),
                _("Claim {no}, package {seq}").format(no=result.claim_no, seq=result.seq),
                _("Key fingerprint: {fp}").format(fp=group(result.fingerprint or "")),
                _("Manifest SHA-256: {digest}").format(digest=result.manifest_sha256)]))
            self.tabs.setCurrentWidget(self.roster)
        else:
            self.verdict.setStyleSheet(_INVALID_STYLE)
            self.verdict.setText(_("✗ Not valid: {count} problems. Do not accept this "
                                   "package.").format(count=len(result.errors)))
            self.facts.setText(_("Codes: {codes}").format(codes=", ".join(result.codes)))
            self.tabs.setCurrentWidget(self.errors)
        fill_table(self.errors, [[e["code"], e.get("message") or e["detail"]]
                                 for e in result.errors], [e["code"] for e in result.errors])
        self.errors.resizeRowsToContents()
        fill_table(self.roster, [[
            line.get("class_code", ""), (line.get("person") or {}).get("name", ""),
            mask_id_number((line.get("person") or {}).get("id_number", "")),
            category_label(line.get("category", "")), payee_label(line.get("payee")),
            yuan(line.get("amount_fen") or 0), line.get("period", "")]
            for line in review.lines], list(range(len(review.lines))))
        shown_files = [f for f in result.files if not f["path"].startswith("data/")] \
            if result.valid else []
        fill_table(self.files, [[f.get("title") or f["path"], f["media_type"],
                                 f"{f['size']:,}", f["sha256"], ""] for f in shown_files],
                   [f["path"] for f in shown_files])
        for row, spec in enumerate(shown_files):
            button = QPushButton(_("Open"))
            button.setObjectName(f"review_open_{row}")
            button.clicked.connect(lambda _checked=False, s=spec: self.open_file(s))
            self.files.setCellWidget(row, 4, button)
        self.tabs.setTabText(1, _("Roster ({count})").format(count=len(review.lines)))
        self.tabs.setTabText(2, _("Forms and attachments ({count})").format(
            count=len(shown_files)))
        self.tabs.setTabText(0, _("Problems ({count})").format(count=len(result.errors)))
        self.sig_verdict.emit(review)

    def open_file(self, spec: dict) -> None:
        """Write the member to a temporary folder (checked again) and open it."""
        if self.review is None:
            return
        if self._temp is None:
            self._temp = tempfile.TemporaryDirectory(prefix="skilldesk-review-")
        folder, package = self._temp.name, self.review.path

        def done(path: Path) -> None:
            self.sig_opened.emit(str(path))
            if self.open_after:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self._runner.run_side(lambda: extract_member(package, spec, folder), on_done=done,
                              on_error=lambda exc: show_error(self, exc))

    def done(self, result: int) -> None:  # noqa: D401 (QDialog.done)
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None
        super().done(result)


def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return box
