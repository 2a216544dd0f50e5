"""The main window's actions: one registry for the menus, the toolbar and the shortcut list.

Every frequent action is an ``ActionSpec``: its id, label (an English msgid), key
sequences, menu, where it applies, the change it makes (``needs``: the entity and
action ``core.permissions`` judges) and its callback. ``MainActions`` turns the
registry into ``QAction``s; the shortcut list (``shortcuts_dialog.py``) reads the same
registry, so menus, toolbar and list cannot disagree.

Scopes:

- ``window``: the action's keys are bound on the main window and work on every page.
  No two window actions share a key, and none uses a key a page binds for itself
  (``tests/ui/test_main_actions.py`` checks both).
- ``local``: the keys belong to a page (``QShortcut`` in the page's own module, e.g.
  Ctrl+N on 学员 and on 班级). Listed here so the shortcut list shows them; an entry
  with a callback also gets a menu item, which shows the key but leaves the binding
  to the page (its ``QAction`` shortcut only fires while its menu is open).

Permissions: an action whose change the signed-in role may not make, or any change
while the database is open read-only, is disabled with a tooltip saying why.
"""

from __future__ import annotations

from collections.abc import Callable
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QToolBar

from skilldesk.core import permissions
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.widgets import with_suffix

if TYPE_CHECKING:
    from skilldesk.ui.mainwindow import MainWindow

WINDOW = "window"
LOCAL = "local"
SP = QStyle.StandardPixmap
EVERYWHERE = N_("Everywhere")

# the menus, in order: (id, title msgid)
MENUS: list[tuple[str, str]] = [
    ("file", N_("&File")),
    ("records", N_("&Records")),
    ("go", N_("&Go")),
    ("sync", N_("&Sync")),
    ("help", N_("&Help")),
]


#: The toolbar, in order: the most frequent actions.
TOOLBAR: list[str] = ["new_person", "new_class", "import_roster", "new_claim",
                      "import_bundle", "back_up_now"]


def plain(label: str) -> str:
    """A menu label without its mnemonic: "&Find" → "Find", "查找(&F)" → "查找"."""
    return re.sub(r"\s*\(&\w\)", "", label).replace("&", "")


@dataclass(frozen=True)
class ActionSpec:
    id: str
    label: str                                   # English msgid
    keys: tuple[str, ...] = ()                   # portable key texts ("Ctrl+Shift+P")
    menu: str | None = None                      # a MENUS id; None: listed only
    where: str = EVERYWHERE                      # msgid: where the keys work
    scope: str = WINDOW
    needs: tuple[str, str] | None = None         # (entity, action) the change needs
    icon: QStyle.StandardPixmap | None = None
    separator: bool = False                      # a separator before it in its menu
    run: Callable[[MainWindow], object] | None = None
    page: str | None = None                      # go-to actions: enabled once the page exists

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(key) for key in self.keys]

    def key_text(self) -> str:
        return ", ".join(QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
                         for key in self.keys)


# -- callbacks (each takes the main window) ---------------------------------------------

def _import_roster(w: MainWindow):
    w.show_page("people")
    return w.people_page.open_import()


def _export_roster(w: MainWindow) -> None:
    w.show_page("people")
    path, chosen = QFileDialog.getSaveFileName(
        w, _("Export people"), _("roster") + ".xlsx", "Excel (*.xlsx);;CSV (*.csv)")
    if path:
        w.people_page.export_to(with_suffix(path, chosen))


def _new_person(w: MainWindow) -> None:
    w.show_page("people")
    w.people_page.new_button.click()


def _new_class(w: MainWindow):
    w.show_page("classes")
    return w.classes_page.new_class()


def _new_claim(w: MainWindow):
    w.show_page("claims")
    return w.claims_page.new_claim()


def _find(w: MainWindow) -> None:
    """Into the current page's search box (学员, 班级, 政策)."""
    search = getattr(w.pages.get(w.current_page_key()), "search", None)
    if search is None:
        w.statusBar().showMessage(_("This page has no search box."), 5000)
        return
    search.setFocus()
    search.selectAll()


def _import_bundle(w: MainWindow) -> None:
    w.show_page("sync")
    w.sync_page.import_bundle()


def _export_bundle(w: MainWindow) -> None:
    w.show_page("sync")
    page = w.sync_page
    if page.devices_table.currentRow() < 0:
        box = QMessageBox(QMessageBox.Icon.Information, _("SkillDesk"), _(
            "Choose the device in the list of the Devices tab, then click "
            "“Export sync bundle…” there."), QMessageBox.StandardButton.Ok, w)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return
    page.export_bundle()


def _back_up_now(w: MainWindow):
    dialog = w.settings_page.open_backups()
    dialog.back_up_now()
    return dialog


def _open_database(w: MainWindow):
    return w.settings_page.choose_database()


def _shortcuts(w: MainWindow):
    from skilldesk.ui.shortcuts_dialog import ShortcutsDialog  # only when asked

    dialog = ShortcutsDialog(registry(), w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    w.shortcuts_dialog = dialog
    return dialog


def _about(w: MainWindow):
    from skilldesk.ui.about_dialog import AboutDialog  # only when asked

    dialog = AboutDialog(db_path=w.db_path, runner=w.runner, parent=w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    w.about_dialog = dialog
    return dialog


def _go(key: str) -> Callable[[MainWindow], None]:
    return lambda w: w.show_page(key)


# -- the registry ------------------------------------------------------------------------

_PEOPLE = N_("People page")
_CLASSES = N_("Classes page")
_CLASS_DETAIL = N_("A class's details")
_PERSON_FORM = N_("Person form (People page)")
_SYNC = N_("Sync page")
_SEARCH_PAGES = N_("People and Classes pages")

FILE_ACTIONS: list[ActionSpec] = [
    ActionSpec("open_database", N_("&Open another database…"), ("Ctrl+O",), "file",
               icon=SP.SP_DirOpenIcon, run=_open_database),
    ActionSpec("import_roster", N_("&Import roster…"), ("Ctrl+Shift+I",), "file",
               needs=("person", "import"), icon=SP.SP_DialogOpenButton, separator=True,
               run=_import_roster),
    ActionSpec("export_roster", N_("&Export roster…"), ("Ctrl+Shift+E",), "file",
               icon=SP.SP_DialogSaveButton, run=_export_roster),
    ActionSpec("review_package", N_("&Review a claim package…"), ("Ctrl+R",), "file",
               icon=SP.SP_FileDialogContentsView, separator=True,
               run=lambda w: w.open_review()),
    ActionSpec("back_up_now", N_("&Back up now"), ("Ctrl+B",), "file",
               needs=("backup", "create"), icon=SP.SP_DriveHDIcon,
               separator=True, run=_back_up_now),
    ActionSpec("backups", N_("Back&ups…"), (), "file",
               run=lambda w: w.settings_page.open_backups()),
    ActionSpec("quit", N_("E&xit"), ("Ctrl+Q",), "file", separator=True,
               run=lambda w: w.close()),
]

RECORD_ACTIONS: list[ActionSpec] = [
    ActionSpec("new_person", N_("New &person"), ("Ctrl+Shift+P",), "records",
               needs=("person", "create"), icon=SP.SP_FileIcon,
               run=_new_person),
    ActionSpec("new_class", N_("New &class"), ("Ctrl+Shift+K",), "records",
               needs=("training_class", "create"), icon=SP.SP_FileDialogNewFolder,
               run=_new_class),
    ActionSpec("new_claim", N_("New subsidy c&laim…"), ("Ctrl+Shift+L",), "records",
               needs=("claim", "create"), icon=SP.SP_DialogApplyButton,
               run=_new_claim),
    ActionSpec("find", N_("&Find"), ("Ctrl+F",), "records", where=_SEARCH_PAGES,
               scope=LOCAL, separator=True, run=_find),
]

SYNC_ACTIONS: list[ActionSpec] = [
    ActionSpec("import_bundle", N_("&Import sync bundle…"), ("Ctrl+Shift+T",), "sync",
               needs=("sync_bundle", "import"), icon=SP.SP_BrowserReload,
               run=_import_bundle),
    ActionSpec("export_bundle", N_("&Export a sync bundle…"), (), "sync",
               needs=("sync_bundle", "export"), run=_export_bundle),
]

HELP_ACTIONS: list[ActionSpec] = [
    ActionSpec("shortcuts", N_("&Keyboard shortcuts"), ("F1", "Ctrl+/"), "help",
               icon=SP.SP_DialogHelpButton, run=_shortcuts),
    ActionSpec("about", N_("&About SkillDesk"), (), "help", separator=True,
               icon=SP.SP_MessageBoxInformation, run=_about),
]

#: Keys the pages bind themselves (documented, not bound here).
LOCAL_KEYS: list[ActionSpec] = [
    ActionSpec("people_new", N_("New person"), ("Ctrl+N",), where=_PEOPLE, scope=LOCAL),
    ActionSpec("people_import", N_("Import roster…"), ("Ctrl+I",), where=_PEOPLE,
               scope=LOCAL),
    ActionSpec("people_export", N_("Export roster…"), ("Ctrl+E",), where=_PEOPLE,
               scope=LOCAL),
    ActionSpec("person_save", N_("Save"), ("Ctrl+S",), where=_PERSON_FORM, scope=LOCAL),
    ActionSpec("classes_new", N_("New class"), ("Ctrl+N",), where=_CLASSES, scope=LOCAL),
    ActionSpec("classes_open", N_("Open the selected class"), ("Return",), where=_CLASSES,
               scope=LOCAL),
    ActionSpec("class_back", N_("Back to the list of classes"), ("Esc",),
               where=_CLASS_DETAIL, scope=LOCAL),
    ActionSpec("class_save", N_("Save attendance or results"), ("Ctrl+S",),
               where=_CLASS_DETAIL, scope=LOCAL),
    ActionSpec("sync_import_local", N_("Import sync bundle…"), ("Ctrl+I",), where=_SYNC,
               scope=LOCAL),
]


def go_actions() -> list[ActionSpec]:
    """Ctrl+1… for the sections, in the navigation's order (a section not built yet is
    listed disabled: enabling it in ``mainwindow.SECTIONS`` enables its action too)."""
    from skilldesk.ui.mainwindow import SECTIONS  # the window imports this module

    return [ActionSpec(f"go_{key}", label, (f"Ctrl+{number}",), "go", page=key,
                       separator=False, run=_go(key))
            for number, (key, label, _built) in enumerate(SECTIONS, start=1)]


def registry() -> list[ActionSpec]:
    """Every action, in menu order, then the pages' own keys."""
    return [*FILE_ACTIONS, *RECORD_ACTIONS, *go_actions(), *SYNC_ACTIONS, *HELP_ACTIONS,
            *LOCAL_KEYS]


class MainActions:
    """The registry's ``QAction``s on *window*: menus, toolbar, enabled states.

    ``handlers`` maps an action id to its callback, looked up when the action fires
    (tests replace entries to see which action a key reaches)."""

    def __init__(self, window: MainWindow, built: set[str]) -> None:
        self.window = window
        self.specs = {spec.id: spec for spec in registry()}
        self.handlers: dict[str, Callable[[MainWindow], object]] = {
            spec.id: spec.run for spec in self.specs.values() if spec.run is not None}
        self.actions: dict[str, QAction] = {}
        self._built = built
        self._role: str | None = None
        self._readonly = False
        self._locked = False
        menus = {key: window.menuBar().addMenu(_(title)) for key, title in MENUS}
        for menu in menus.values():
            menu.setToolTipsVisible(True)   # a disabled item says why
        self.toolbar = QToolBar(_("Frequent actions"), window)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        window.addToolBar(self.toolbar)
        style = window.style()
        for spec in self.specs.values():
            if spec.menu is None or spec.run is None:
                continue
            action = QAction(_(spec.label), window)
            action.setObjectName(f"action_{spec.id}")
            action.setIconText(plain(_(spec.label)).rstrip("…"))   # the toolbar's text
            if spec.icon is not None:
                action.setIcon(style.standardIcon(spec.icon))
            action.setShortcuts(spec.sequences())
            if spec.scope == LOCAL:
                # the page binds the key; here it is only shown (and fires in the open menu)
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)   # works with the menu bar hidden too
            action.triggered.connect(lambda _checked=False, key=spec.id: self.trigger(key))
            if spec.separator:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(action)
            self.actions[spec.id] = action
        for key in TOOLBAR:
            self.toolbar.addAction(self.actions[key])
        self.menus = menus
        self.apply_state()

    def trigger(self, action_id: str):
        handler = self.handlers.get(action_id)
        return handler(self.window) if handler is not None else None

    def window_sequences(self) -> dict[str, list[QKeySequence]]:
        """The key sequences bound on the window, by action id."""
        return {key: self.specs[key].sequences() for key in self.actions
                if self.specs[key].scope == WINDOW}

    # -- enabled states ------------------------------------------------------------------

    def set_account(self, role: str | None, readonly: bool) -> None:
        self._role, self._readonly = role, readonly
        self.apply_state()

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        self.toolbar.setEnabled(not locked)
        self.apply_state()

    def why_disabled(self, spec: ActionSpec) -> str:
        """Empty when *spec* may run now; otherwise the reason, for the tooltip."""
        if spec.page is not None and spec.page not in self._built:
            return _("Comes in a later version of SkillDesk.")
        if spec.needs is None:
            return ""
        if self._readonly:
            return _("The database is open read-only: nothing can be changed.")
        if not permissions.may_change(self._role, *spec.needs):
            role = _(permissions.ROLES.get(self._role or "", self._role or ""))
            return _("Your role ({role}) may not do this. Ask an administrator.").format(
                role=role)
        return ""

    def apply_state(self) -> None:
        for key, action in self.actions.items():
            spec = self.specs[key]
            reason = self.why_disabled(spec)
            action.setEnabled(not reason and not self._locked)
            tip = plain(_(spec.label))
            if spec.keys:
                tip += f" ({spec.key_text()})"
            action.setToolTip(f"{tip}\n{reason}" if reason else tip)
            action.setStatusTip(reason)


# -- a file double-clicked in Explorer -----------------------------------------------------

CLAIM_SUFFIX = ".tsclaim"
SYNC_SUFFIX = ".tssync"


def open_desktop_file(window: MainWindow, path: str) -> str:
    """Route a file given on the command line once the database is open: a claim
    package opens the review mode on it (``"review"``), a sync bundle switches to the
    同步 page and imports it as a dropped bundle would (``"sync"``); a missing file
    (``"missing"``) or any other kind (``"unknown"``) is explained in a message."""
    file = Path(path)
    suffix = file.suffix.lower()
    if not file.is_file():
        _tell(window, _("The file {path} was not found. It may have been moved or deleted; "
                        "open it again from where it is now.").format(path=path))
        return "missing"
    if suffix == CLAIM_SUFFIX:
        window.open_review(str(file))
        return "review"
    if suffix == SYNC_SUFFIX:
        reason = window.main_actions.why_disabled(window.main_actions.specs["import_bundle"])
        window.show_page("sync")
        if reason:
            _tell(window, reason)
            return "refused"
        window.sync_page.import_bundle(str(file))
        return "sync"
    _tell(window, _("SkillDesk cannot open {name}. It opens claim packages (.tsclaim), sync "
                    "bundles (.tssync) and SkillDesk databases (.skilldesk). To import a "
                    "roster, use File → Import roster….").format(name=file.name))
    return "unknown"


def _tell(window: MainWindow, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, _("SkillDesk"), text,
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("open_file_message")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    window.file_message = box
    return box
