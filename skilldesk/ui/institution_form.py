"""The institution's details, used by the first-run set-up and the settings page.

Validation is the core's pure ``institution.validate`` (no database needed),
so it runs on the GUI thread as the user types.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QWidget

from skilldesk.core.institution import validate
from skilldesk.core.models import INSTITUTION_KINDS
from skilldesk.core.models import SUZHOU_DISTRICTS
from skilldesk.core.models import Institution
from skilldesk.core.models import InstitutionDraft
from skilldesk.errors import FieldIssue
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.widgets import FieldMessages

_LINE_FIELDS = [
    ("name", N_("Institution name"), N_("as on the licence")),
    ("uscc", N_("Unified social credit code"), N_("18 characters, e.g. 52320508MJ…")),
    ("address", N_("Address"), ""),
    ("contact_name", N_("Contact person"), ""),
    ("contact_phone", N_("Contact mobile"), N_("11 digits")),
]


class InstitutionForm(QWidget):
    sig_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        self.messages = FieldMessages("institution_message_")
        for key, label, hint in _LINE_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"institution_{key}")
            if hint:
                edit.setPlaceholderText(_(hint))
            edit.textEdited.connect(self._on_edited)
            self.edits[key] = edit
            form.addRow(_(label), self.messages.wrap(key, edit))
        self.kind = QComboBox()
        for key, label in INSTITUTION_KINDS.items():
            self.kind.addItem(_(label), key)
        self.kind.currentIndexChanged.connect(self._on_edited)
        form.insertRow(2, _("Type"), self.messages.wrap("kind", self.kind))
        self.district = QComboBox()
        self.district.addItem("", "")
        for code, name in SUZHOU_DISTRICTS.items():
            self.district.addItem(name, code)
        self.district.currentIndexChanged.connect(self._on_edited)
        form.insertRow(3, _("District"), self.district)

    def draft(self) -> InstitutionDraft:
        return InstitutionDraft(
            name=self.edits["name"].text(), uscc=self.edits["uscc"].text(),
            kind=self.kind.currentData(), district=self.district.currentData() or "",
            address=self.edits["address"].text(),
            contact_name=self.edits["contact_name"].text(),
            contact_phone=self.edits["contact_phone"].text(),
        )

    def fill(self, institution: Institution) -> None:
        for key, edit in self.edits.items():
            edit.setText(getattr(institution, key))
        self.kind.setCurrentIndex(max(0, self.kind.findData(institution.kind)))
        self.district.setCurrentIndex(max(0, self.district.findData(institution.district)))
        self.show_issues([])

    def check(self) -> list[FieldIssue]:
        """Validate now, show the problems inline, and return them."""
        _clean, issues = validate(self.draft())
        self.show_issues(issues)
        return issues

    def show_issues(self, issues: list[FieldIssue]) -> None:
        self.messages.show(issues)

    def _on_edited(self, *_args) -> None:
        # Re-check only once something was flagged, so the form doesn't shout while typing.
        if self.messages.any_shown():
            self.check()
        self.sig_edited.emit()
