"""The main window: navigation for the whole product, pages that work.

Sections later releases build (工作台) are listed but
disabled, with a tooltip saying so: they are not faked.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QWidget

from skilldesk import __version__
from skilldesk.core.changes import Changes
from skilldesk.core.models import Institution
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.audit_page import AuditPage
from skilldesk.ui.claims_page import ClaimsPage
from skilldesk.ui.classes_page import ClassesPage
from skilldesk.ui.hub import Hub
from skilldesk.ui.people_page import PeoplePage
from skilldesk.ui.policy_page import PolicyPage
from skilldesk.ui.settings_page import SettingsPage
from skilldesk.ui.sync_page import SyncPage
from skilldesk.ui.tasks import TaskRunner

# (key, label, built yet?)
SECTIONS: list[tuple[str, str, bool]] = [
    ("dashboard", N_("Dashboard"), False),
    ("classes", N_("Classes"), True),
    ("people", N_("People"), True),
    ("claims", N_("Subsidy claims"), True),
    ("sync", N_("Sync"), True),
    ("audit", N_("Audit"), True),
    ("policy", N_("Policy and catalogue"), True),
    ("settings", N_("Settings"), True),
]


class MainWindow(QMainWindow):
    def __init__(self, runner: TaskRunner, hub: Hub, *, db_label: str = "") -> None:
        super().__init__()
        self._runner = runner
        self._hub = hub
        self._institution_name = ""
        self.setWindowTitle("SkillDesk")
        self.resize(1280, 800)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; outline: 0; } "
                               "QListWidget::item { padding: 10px 12px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self.people_page = PeoplePage(runner, hub)
        self.settings_page = SettingsPage(runner, hub)
        self.classes_page = ClassesPage(runner, hub)
        self.policy_page = PolicyPage(runner, hub)
        self.claims_page = ClaimsPage(runner, hub)
        self.sync_page = SyncPage(runner, hub)
        self.audit_page = AuditPage(runner, hub)
        built = {"people": self.people_page, "classes": self.classes_page,
                 "claims": self.claims_page, "sync": self.sync_page, "audit": self.audit_page,
                 "policy": self.policy_page, "settings": self.settings_page}
        for key, label, is_built in SECTIONS:
            item = QListWidgetItem(_(label))
            item.setData(Qt.ItemDataRole.UserRole, key)
            if not is_built:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(_("Comes in a later version of SkillDesk."))
            self.nav.addItem(item)
            page = built.get(key)
            if page is not None:
                self.pages[key] = page
                self.stack.addWidget(page)
        self.nav.currentItemChanged.connect(self._on_nav)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.busy_label = QLabel()
        self.statusBar().addPermanentWidget(self.busy_label)
        self.account_label = QLabel()   # who signed in and their role (issue 9)
        self.account_label.setObjectName("account_label")
        self.statusBar().addPermanentWidget(self.account_label)
        self.statusBar().showMessage(db_label)
        runner.sig_busy_changed.connect(self._on_busy)
        hub.sig_changes.connect(self._on_changes)
        self._build_menus()
        self.show_page("people")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        review = QAction(_("&Review a claim package…"), self)
        review.setObjectName("action_review")
        review.triggered.connect(self.open_review)
        file_menu.addAction(review)
        file_menu.addSeparator()
        quit_action = QAction(_("E&xit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu(_("&Go"))
        for number, (key, label, is_built) in enumerate(SECTIONS, start=1):
            action = QAction(_(label), self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setEnabled(is_built)
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        about = QAction(_("&About SkillDesk"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def open_review(self):
        """审核模式: check a claim package (nothing is imported)."""
        return self.claims_page.open_review()

    def show_page(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
                return

    def current_page_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def _on_nav(self, current: QListWidgetItem | None, _previous) -> None:
        if current is None:
            return
        page = self.pages.get(current.data(Qt.ItemDataRole.UserRole))
        if page is not None:
            self.stack.setCurrentWidget(page)

    def start(self) -> None:
        """The database is open: load the pages and the title."""
        self.people_page.start()
        self.classes_page.start()
        self.claims_page.start()
        self.sync_page.start()
        self.audit_page.start()
        self.policy_page.start()
        self.settings_page.start()
        self._load_title()

    def _load_title(self) -> None:
        self._runner.run(lambda desk: desk.institution.get(), on_done=self._set_title)

    def _set_title(self, institution: Institution | None) -> None:
        if institution is None:
            self.setWindowTitle("SkillDesk")
            return
        suffix = _(" (demo)") if institution.is_demo else ""
        self.setWindowTitle(f"{institution.name}{suffix} — SkillDesk")

    def set_account_text(self, text: str) -> None:
        self.account_label.setText(text)

    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(_("Working…") if busy else "")

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.institution:
            self._load_title()

    def _about(self) -> None:
        QMessageBox.about(self, _("About SkillDesk"), _(
            "SkillDesk {version}\nOffline management of vocational training for "
            "Suzhou institutions.\n\nFont: WenQuanYi Micro Hei (Apache License 2.0)."
        ).format(version=__version__))

    def closeEvent(self, event) -> None:
        form = self.people_page.form
        if not form.maybe_leave():
            event.ignore()
            return
        event.accept()
