"""The main window opens on the 工作台, and a to-do opens its record: a class on the tab
that fixes it, the backups dialog, the sync page."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from skilldesk.core.dashboard_todos import add_months
from skilldesk.core.desk import Desk
from skilldesk.ui.app import parse_args
from skilldesk.ui.class_detail import TAB_KEYS
from skilldesk.ui.mainwindow import MainWindow


def _loaded(qtbot, gui):
    page = gui.window.dashboard_page
    qtbot.waitUntil(lambda: bool(page.todo_items()), timeout=10_000)
    return page


def _activate(qtbot, page, kind: str):
    for row in page.todo_items():
        todo = row.data(0, Qt.ItemDataRole.UserRole)
        if kind in (todo.kind, todo.target.kind):
            page.todo_tree.setFocus()
            page.todo_tree.setCurrentItem(row)
            qtbot.keyClick(page.todo_tree, Qt.Key.Key_Return)
            return todo
    raise AssertionError(f"the demo has no {kind} to-do")


def test_the_window_opens_on_the_dashboard(qtbot, gui):
    window = MainWindow(gui.runner, gui.hub)
    qtbot.addWidget(window)
    assert window.current_page_key() == "dashboard"
    assert window.stack.currentWidget() is window.dashboard_page
    assert parse_args([]).page == "dashboard"


def test_a_class_todo_opens_the_class_on_its_tab(qtbot, gui, demo_copy):
    # a day 20 days before an assessed class's 12-month claim window closes
    other = Desk.open(demo_copy, readonly=True)
    try:
        klass = other.classes.list(state="assessed").rows[0]
        issued = min(c["issue_date"] for c in other.outcomes.certificates(klass.id).values())
    finally:
        other.close()
    page = _loaded(qtbot, gui)
    page.today = add_months(dt.date.fromisoformat(issued), 12) - dt.timedelta(days=20)
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.refresh()
    todo = _activate(qtbot, page, "claim_window")
    window = gui.window
    assert window.current_page_key() == "classes"
    detail = window.classes_page.detail
    assert window.classes_page.stack.currentWidget() is detail
    assert detail.class_id == todo.target.id
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record["id"] == todo.target.id,
                    timeout=10_000)
    assert todo.target.tab == "subsidy"
    assert detail.tabs.currentIndex() == TAB_KEYS.index("subsidy")


def test_the_backups_todo_opens_the_backups_dialog(qtbot, gui):
    page = _loaded(qtbot, gui)
    _activate(qtbot, page, "backups")
    window = gui.window
    assert window.current_page_key() == "settings"
    dialog = window.settings_page.backups_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.close()
