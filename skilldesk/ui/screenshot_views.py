"""``--screenshot --view NAME``: open a view of the main window (a class on one tab, a
claim, a dialog) once the page has loaded, wait until what it shows has arrived, then
hand the widget to grab. Used by ``tools/guide_screenshots.py`` for the user guide.

A view is ``name`` or ``name:argument``; ``VIEWS`` maps each name to a function
``(window, argument) -> View``. The function starts the navigation (queuing work on the
runner as the pages do) and returns a ``View`` whose ``widget`` is what to grab (the
window, or the dialog it opened) and whose ``ready()`` says when the data is shown.
``Capture`` polls: once the runner has had no work for a few polls in a row (the page,
the account and the title are shown) it opens the view; the view is grabbed once
``ready()`` holds and the runner is quiet again (a tab loads its own data after the
class arrives; the review dialog checks the package on the side thread). An unknown
view, an error or a time-out ends it with a message. Nothing here blocks the GUI thread
(``runner.wait_idle()`` would: results come back through the GUI thread's event loop).

Arguments holding two paths separate them with ``os.pathsep`` (``;`` on Windows, ``:``
elsewhere): ``review:PACKAGE;REGISTRY`` on Windows, ``review:PACKAGE:REGISTRY`` on Linux.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import _

if TYPE_CHECKING:
    from skilldesk.ui.mainwindow import MainWindow
    from skilldesk.ui.tasks import TaskRunner

POLL_MS = 100
QUIET_POLLS = 3          # the runner idle this many polls in a row: nothing more is coming
VIEW_TIMEOUT_MS = 45_000


@dataclass
class View:
    """What a view function opened: the widget to grab (None until known), when it is
    ready, and an error that ends the capture (a class code that does not exist…)."""

    widget: QWidget | None = None
    ready: Callable[[], bool] = field(default=lambda: True)
    error: str = ""


def _error_text(exc: BaseException) -> str:
    return exc.user_message() if isinstance(exc, SkilldeskError) else repr(exc)


def _needs(name: str, example: str) -> View:
    return View(error=_("The view {view} needs an argument, for example {example}.").format(
        view=name, example=example))


def _two_paths(argument: str) -> tuple[str, str]:
    first, _sep, second = argument.partition(os.pathsep)
    return first, second


# -- the views ------------------------------------------------------------------------------

def class_view(window: MainWindow, argument: str) -> View:
    """``class:CODE[:TAB]``: the class detail on a tab (basic, roster, sessions,
    inspections, results, subsidy, followup; basic when none)."""
    from skilldesk.ui.class_detail import TAB_KEYS

    code, _sep, tab = argument.partition(":")
    tab = tab or "basic"
    if not code:
        return _needs("class", "class:SZ2026-0001:roster")
    if tab not in TAB_KEYS:
        return View(error=_("Unknown tab {tab}. Tabs: {tabs}.").format(
            tab=tab, tabs=", ".join(TAB_KEYS)))
    view = View()
    wanted: dict[str, str] = {}
    detail = window.classes_page.detail

    def found(class_id: str) -> None:
        wanted["id"] = class_id
        window.show_page("classes")
        window.classes_page.open_class(class_id)

    def loaded() -> None:
        if detail.view is not None and detail.view.record["id"] == wanted.get("id") \
                and detail.current_tab_key() != tab:
            detail.show_tab(tab)   # the tab loads what it shows (attendance, subsidies…)

    def failed(exc: BaseException) -> None:
        view.error = _error_text(exc)

    detail.sig_loaded.connect(loaded)
    window.runner.run(lambda desk: desk.classes.id_for_code(code), on_done=found,
                      on_error=failed)
    view.widget = window
    view.ready = lambda: (detail.view is not None
                          and detail.view.record["id"] == wanted.get("id")
                          and detail.current_tab_key() == tab)
    return view


def claim_view(window: MainWindow, claim_no: str) -> View:
    """``claim:NO``: the 补贴申领 page with the claim's newest version selected."""
    if not claim_no:
        return _needs("claim", "claim:SQ2026-0001")
    page = window.claims_page
    view = View(widget=window)
    window.show_page("claims")

    def loaded() -> None:
        if not any(c["claim_no"] == claim_no for c in page.claims):
            view.error = _("No claim {no} was found.").format(no=claim_no)

    page.sig_loaded.connect(loaded)
    page.select(claim_no)
    view.ready = lambda: bool(page.shown) and page.shown["claim_no"] == claim_no
    return view


def sign_view(window: MainWindow, argument: str) -> View:
    """``sign:NO[;KEY FILE]``: the dialog that signs the claim into a package, the key
    file filled in when given."""
    claim_no, key = _two_paths(argument)
    shown = claim_view(window, claim_no)
    if shown.error:
        return shown
    view = View()

    def ready() -> bool:
        if shown.error:
            view.error = shown.error
        if view.widget is None and shown.ready():
            dialog = window.claims_page.open_sign_dialog()
            if key:
                dialog.key_edit.setText(key)
            view.widget = dialog
        return view.widget is not None

    view.ready = ready
    return view


def new_claim_view(window: MainWindow, _argument: str) -> View:
    """``new_claim``: the checklist of assessed classes a claim is made from."""
    dialog = window.trigger("new_claim")
    return View(widget=dialog,
                ready=lambda: dialog.classes.count() > 0 or bool(dialog.message.text())
                and dialog.message.text() != _("Loading…"))


def review_view(window: MainWindow, argument: str) -> View:
    """``review:PACKAGE[;REGISTRY]``: 审核模式 on a claim package; with the key registry
    folder the package is checked before the picture is taken."""
    package, registry = _two_paths(argument)
    if not package:
        return _needs("review", "review:SQ2026-0001.tsclaim" + os.pathsep + "registry")
    dialog = window.open_review(package)
    if not registry:
        return View(widget=dialog)
    verdicts: list[object] = []
    dialog.sig_verdict.connect(verdicts.append)
    dialog.verify(package, registry)
    return View(widget=dialog, ready=lambda: bool(verdicts))


def sync_view(window: MainWindow, tab: str) -> View:
    """``sync[:devices|conflicts|history]``: the 同步 page on a tab."""
    tabs = ("devices", "conflicts", "history")
    tab = tab or "devices"
    if tab not in tabs:
        return View(error=_("Unknown tab {tab}. Tabs: {tabs}.").format(
            tab=tab, tabs=", ".join(tabs)))
    page = window.sync_page
    window.show_page("sync")
    page.tabs.setCurrentIndex(tabs.index(tab))
    loaded: list[bool] = []
    page.sig_loaded.connect(lambda: loaded.append(True))
    page.refresh()
    return View(widget=window, ready=lambda: bool(loaded))


def audit_view(window: MainWindow, argument: str) -> View:
    """``audit[:verify]``: the 审计 page; with ``verify`` after 核验 has run."""
    page = window.audit_page
    window.show_page("audit")
    if argument != "verify":
        return View(widget=window)
    results: list[dict] = []
    page.sig_verified.connect(results.append)
    page.verify()
    return View(widget=window, ready=lambda: bool(results))


def settings_view(window: MainWindow, argument: str) -> View:
    """``settings[:end]``: the 设置 page, scrolled to its end (language) with ``end``."""
    from PySide6.QtWidgets import QScrollArea

    window.show_page("settings")
    if argument == "end":
        scroll = window.settings_page.findChild(QScrollArea)
        if scroll is not None:
            bar = scroll.verticalScrollBar()
            bar.setValue(bar.maximum())
    return View(widget=window)


def backups_view(window: MainWindow, _argument: str) -> View:
    """``backups``: 设置 → 备份… with the list of backups."""
    window.show_page("settings")
    return View(widget=window.settings_page.open_backups())


def users_view(window: MainWindow, _argument: str) -> View:
    """``users``: 设置 → 账户管理 (administrators)."""
    window.show_page("settings")
    return View(widget=window.settings_page.open_users())


def new_class_view(window: MainWindow, _argument: str) -> View:
    """``new_class``: the form for a new class."""
    return View(widget=window.trigger("new_class"))


def setup_view(window: MainWindow, _argument: str) -> View:
    """``setup``: the first-run dialog (institution details and administrator), empty."""
    from skilldesk.ui.setup_dialog import SetupDialog

    dialog = SetupDialog(window)
    dialog.open()
    window.screenshot_dialog = dialog   # kept alive until grabbed
    return View(widget=dialog)


def recovery_view(window: MainWindow, _argument: str) -> View:
    """``recovery``: the recovery-key sheet shown once after set-up, with a made-up key
    (it opens nothing)."""
    from skilldesk.core.keystore import recovery_text
    from skilldesk.ui.users_dialog import RecoveryKeyDialog

    dialog = RecoveryKeyDialog(recovery_text(os.urandom(32)), window)
    dialog.open()
    window.screenshot_dialog = dialog
    return View(widget=dialog)


def login_view(window: MainWindow, user: str) -> View:
    """``login[:USER]``: the sign-in dialog for this database."""
    from pathlib import Path

    from skilldesk.ui.login_dialog import LoginDialog

    dialog = LoginDialog(Path(window.db_path), user=user)
    dialog.open()
    window.screenshot_dialog = dialog
    return View(widget=dialog)


def shortcuts_view(window: MainWindow, _argument: str) -> View:
    """``shortcuts``: 帮助 → 快捷键 (F1)."""
    return View(widget=window.trigger("shortcuts"))


def about_view(window: MainWindow, _argument: str) -> View:
    """``about``: 帮助 → 关于 SkillDesk."""
    return View(widget=window.trigger("about"))


VIEWS: dict[str, Callable[[MainWindow, str], View]] = {
    "class": class_view,
    "claim": claim_view,
    "sign": sign_view,
    "new_claim": new_claim_view,
    "review": review_view,
    "sync": sync_view,
    "audit": audit_view,
    "settings": settings_view,
    "backups": backups_view,
    "users": users_view,
    "new_class": new_class_view,
    "setup": setup_view,
    "recovery": recovery_view,
    "login": login_view,
    "shortcuts": shortcuts_view,
    "about": about_view,
}


def open_view(window: MainWindow, spec: str | None) -> View:
    """Start the navigation to *spec* (``None``: the window as it is)."""
    if not spec:
        return View(widget=window)
    name, _sep, argument = spec.partition(":")
    opener = VIEWS.get(name)
    if opener is None:
        return View(error=_("Unknown view {view}. Views: {names}.").format(
            view=name, names=", ".join(VIEWS)))
    return opener(window, argument)


def runner_busy(runner: TaskRunner) -> bool:
    """Work queued or running on the worker or side thread, or a result not yet delivered
    (the runner counts them; its busy signal only reports changes)."""
    return runner.busy


class Capture(QObject):
    """Open *spec* on *window*, then call ``done(widget)`` once it is ready and the
    runner is quiet, or ``fail(message)`` (unknown view, error, time-out)."""

    def __init__(self, window: MainWindow, spec: str | None, *,
                 done: Callable[[QWidget], None], fail: Callable[[str], None],
                 timeout_ms: int = VIEW_TIMEOUT_MS) -> None:
        super().__init__(window)
        self.spec = spec
        self._window = window
        self._done = done
        self._fail = fail
        self._deadline = time.monotonic() + timeout_ms / 1000
        self._timeout_ms = timeout_ms
        self._quiet = 0
        self.finished = False
        self.view: View | None = None   # opened once the window has settled
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _finish(self) -> None:
        self.finished = True
        self._timer.stop()

    def _poll(self) -> None:
        if self.finished:
            return
        if time.monotonic() > self._deadline:
            self._finish()
            self._fail(_("The view {view} did not appear within {seconds} seconds.").format(
                view=self.spec or "", seconds=self._timeout_ms // 1000))
            return
        quiet = not runner_busy(self._window.runner)
        view = self.view
        if view is None:
            # first the window settles (the page, the account, the title), then the view
            self._quiet = self._quiet + 1 if quiet else 0
            if self._quiet >= QUIET_POLLS:
                self._quiet = 0
                self.view = open_view(self._window, self.spec)
            return
        settled = quiet and view.ready() and view.widget is not None
        if view.error:   # from the opener, a callback, or ready()
            self._finish()
            self._fail(view.error)
            return
        self._quiet = self._quiet + 1 if settled else 0
        if self._quiet >= QUIET_POLLS:
            self._finish()
            self._done(view.widget)
