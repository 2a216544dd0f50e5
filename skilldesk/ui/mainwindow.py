"""The main window: navigation for the whole product, pages that work, and the menus
and toolbar of ``main_actions.py`` (one registry, also behind the shortcut list).

The 工作台 (dashboard) opens first; its to-do items open the record they are about.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.models import Institution
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.audit_page import AuditPage
from skilldesk.ui.claims_page import ClaimsPage
from skilldesk.ui.dashboard_page import DashboardPage
from skilldesk.ui.classes_page import ClassesPage
from skilldesk.ui.hub import Hub
from skilldesk.ui.main_actions import MainActions
from skilldesk.ui.main_actions import open_desktop_file
from skilldesk.ui.people_page import PeoplePage
from skilldesk.ui.policy_page import PolicyPage
from skilldesk.ui.settings_page import SettingsPage
from skilldesk.ui.sync_page import SyncPage
from skilldesk.ui.tasks import TaskRunner

# (key, label, built yet?)
SECTIONS: list[tuple[str, str, bool]] = [
    ("dashboard", N_("Dashboard"), True),
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
        self.runner = runner   # for the dialogs the registry's actions open
        self._hub = hub
        self._institution_name = ""
        self.db_path = db_label   # the database file (status bar, about dialog)
        self.shortcuts_dialog = None
        self.about_dialog = None
        self.file_message = None
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
        self.dashboard_page = DashboardPage(runner, hub)
        self.dashboard_page.sig_open_tab.connect(self.open_target)
        built = {"dashboard": self.dashboard_page, "people": self.people_page, "classes": self.classes_page,
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
        self.show_page("dashboard")

    def _build_menus(self) -> None:
        self.main_actions = MainActions(self, set(self.pages))
        self.action_map = self.main_actions.actions   # QActions by registry id

    def trigger(self, action_id: str):
        """Run a registry action as its menu item would (the open/review flows, tests)."""
        return self.main_actions.trigger(action_id)

    def set_account(self, role: str | None, readonly: bool) -> None:
        """The signed-in role (None: no accounts) and read-only state: actions the role
        may not take are disabled with the reason as their tooltip."""
        self.main_actions.set_account(role, readonly)

    def set_locked(self, locked: bool) -> None:
        """The idle lock covers the window: no action or shortcut reaches it."""
        self.main_actions.set_locked(locked)

    def open_review(self, package: str | None = None):
        """审核模式: check a claim package (nothing is imported); *package* fills in
        the package file (the key registry folder is still chosen by the user)."""
        dialog = self.claims_page.open_review()
        if package:
            dialog.package_edit.setText(package)
        return dialog

    def open_file(self, path: str) -> str:
        """A file given on the command line (double-clicked in Explorer): see
        ``main_actions.open_desktop_file``."""
        return open_desktop_file(self, path)

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

    def open_target(self, kind: str, target_id: str, tab: str = "") -> None:
        """Open the record a dashboard to-do is about: a class (on *tab*), the sync
        page for a device, the backups dialog."""
        if kind == "class":
            self.show_page("classes")
            self.classes_page.open_class(target_id)
            if tab:
                self.classes_page.detail.show_tab(tab)
        elif kind == "sync_device":
            self.show_page("sync")
        elif kind == "backups":
            self.show_page("settings")
            self.settings_page.open_backups()

    def start(self) -> None:
        """The database is open: load the pages and the title."""
        self.dashboard_page.start()
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

    def closeEvent(self, event) -> None:
        form = self.people_page.form
        if not form.maybe_leave():
            event.ignore()
            return
        event.accept()
