"""设置 page: the institution's details and the interface language."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk import i18n
from skilldesk.core.changes import Changes
from skilldesk.core.models import Institution
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.institution_form import InstitutionForm
from skilldesk.ui.tasks import TaskRunner


class SettingsPage(QWidget):
    sig_ready = Signal()
    sig_language_chosen = Signal(str)

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

    def start(self) -> None:
        self._runner.run(lambda desk: desk.institution.get(), on_done=self._on_loaded,
                         on_error=lambda exc: show_error(self, exc))

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
