"""Menus, toolbar and shortcuts from one registry: no ambiguous keys, every key reaches its
action, roles and the read-only state disable what they must (saying why), and files
double-clicked in Explorer are routed to the review mode or the sync page."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton
from PySide6.QtWidgets import QApplication

from skilldesk.ui import main_actions
from skilldesk.ui.app import parse_args
from skilldesk.ui.controller import AppController
from skilldesk.ui.controller import pending_file
from skilldesk.ui.controller import target_database
from skilldesk.ui.mainwindow import SECTIONS
from skilldesk.ui.shortcuts_dialog import ShortcutsDialog


def _activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def _recording(window) -> list[str]:
    hits: list[str] = []
    for key in list(window.main_actions.handlers):
        window.main_actions.handlers[key] = lambda _w, key=key: hits.append(key)
    return hits


def _page_keys(window) -> set[str]:
    """Key sequences the pages bind themselves (QShortcut, button shortcuts)."""
    keys = {s.key().toString() for s in window.findChildren(QShortcut)}
    keys |= {b.shortcut().toString() for b in window.findChildren(QAbstractButton)
             if not b.shortcut().isEmpty()}
    return keys - {""}


def test_no_two_window_actions_share_a_key_nor_take_a_page_key(gui):
    window = gui.window
    seen: dict[str, str] = {}
    for action_id, sequences in window.main_actions.window_sequences().items():
        for sequence in sequences:
            text = sequence.toString()
            assert text, action_id
            assert text not in seen, f"{text}: {seen.get(text)} and {action_id}"
            seen[text] = action_id
    # the pages' own keys (Ctrl+N, Ctrl+F, Ctrl+I, …) must not be ambiguous with ours
    page_keys = _page_keys(window)
    assert {"Ctrl+N", "Ctrl+F", "Ctrl+I"} <= page_keys
    assert not page_keys & set(seen), page_keys & set(seen)
    # and the local keys the registry documents are the ones the pages really bind
    local = {key for spec in main_actions.registry() if spec.scope == main_actions.LOCAL
             for key in (QKeySequence(k).toString() for k in spec.keys)}
    assert local <= page_keys | {"Return"}


def test_every_key_fires_its_action_and_only_it(qtbot, gui):
    window = gui.window
    _activate(qtbot, window)
    hits = _recording(window)
    fired = 0
    for action_id, sequences in window.main_actions.window_sequences().items():
        spec = window.main_actions.specs[action_id]
        for sequence in sequences:
            hits.clear()
            QTest.keySequence(window, sequence)
            if spec.page is not None and spec.page not in window.pages:
                assert hits == [], action_id      # 工作台: not built yet, disabled
            else:
                assert hits == [action_id], (action_id, sequence.toString(), hits)
                fired += 1
    assert fired >= 18


def test_page_keys_still_work_beside_the_window_actions(qtbot, gui):
    window = gui.window
    _activate(qtbot, window)
    window.show_page("people")
    window.people_page.table.setFocus()
    QTest.keySequence(window, QKeySequence("Ctrl+F"))
    qtbot.waitUntil(window.people_page.search.hasFocus, timeout=3000)
    window.show_page("classes")
    window.classes_page.table.setFocus()
    QTest.keySequence(window, QKeySequence("Ctrl+F"))
    qtbot.waitUntil(window.classes_page.search.hasFocus, timeout=3000)
    # the menu's 查找 does the same, and says so on a page without a search box
    window.show_page("people")
    window.people_page.table.setFocus()
    window.action_map["find"].trigger()
    assert window.people_page.search.hasFocus()
    window.show_page("audit")
    window.action_map["find"].trigger()
    assert window.statusBar().currentMessage() == "This page has no search box."


def test_menus_toolbar_and_shortcut_list_come_from_the_registry(qtbot, gui):
    window = gui.window
    ids = {spec.id for spec in main_actions.registry()}
    menu_actions = [a for menu in window.main_actions.menus.values() for a in menu.actions()
                    if not a.isSeparator()]
    assert len(menu_actions) >= 20
    for action in menu_actions:
        assert action.objectName().removeprefix("action_") in ids, action.objectName()
    toolbar = [a for a in window.main_actions.toolbar.actions() if not a.isSeparator()]
    assert 5 <= len(toolbar) <= 8
    assert all(not a.icon().isNull() and a.text() for a in toolbar)
    # Ctrl+1… follow the navigation, 工作台 first
    go = [window.action_map[f"go_{key}"] for key, _label, _built in SECTIONS]
    assert [a.shortcut().toString() for a in go] == [f"Ctrl+{n}"
                                                     for n in range(1, len(SECTIONS) + 1)]
    dashboard = window.action_map["go_dashboard"]
    assert dashboard.isEnabled()
    window.show_page("people")
    dashboard.trigger()
    assert window.current_page_key() == "dashboard"
    # the list shows every key of the menus (and the pages' own), filterable
    dialog = ShortcutsDialog(main_actions.registry(), window)
    qtbot.addWidget(dialog)
    listed = {keys for _action, keys, _where in dialog.rows}
    for action in menu_actions:
        if not action.shortcut().isEmpty():
            native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            assert any(native in keys for keys in listed), native
    assert ("New person", "Ctrl+N", "People page") in dialog.rows
    assert dialog.apply_filter("sync") >= 2
    assert all("sync" in " ".join(row).lower() for row in dialog.visible_rows())
    assert dialog.apply_filter("Ctrl+Shift+K") == 1
    assert dialog.visible_rows()[0][0] == "New class"
    assert dialog.apply_filter("") == len(dialog.rows)


def test_f1_opens_the_shortcut_list(qtbot, gui):
    window = gui.window
    _activate(qtbot, window)
    QTest.keySequence(window, QKeySequence("F1"))
    qtbot.waitUntil(lambda: window.shortcuts_dialog is not None
                    and window.shortcuts_dialog.isVisible(), timeout=3000)
    assert window.shortcuts_dialog.table.rowCount() >= 25
    window.shortcuts_dialog.close()


def test_roles_and_read_only_disable_actions_with_the_reason(qtbot, gui):
    window = gui.window
    actions = window.action_map
    window.set_account("finance", False)
    assert actions["new_claim"].isEnabled()
    for key in ("new_person", "new_class", "import_roster", "back_up_now", "import_bundle"):
        assert not actions[key].isEnabled(), key
        assert "Your role (Finance) may not do this" in actions[key].toolTip()
    assert actions["export_roster"].isEnabled() and actions["review_package"].isEnabled()
    window.set_account("clerk", False)
    assert actions["new_person"].isEnabled() and actions["import_bundle"].isEnabled()
    assert not actions["back_up_now"].isEnabled()
    window.set_account("admin", True)     # opened read-only (another PC writes)
    assert not actions["new_person"].isEnabled()
    assert "read-only" in actions["new_person"].toolTip()
    assert actions["go_people"].isEnabled() and actions["about"].isEnabled()
    # a disabled action's key does nothing
    _activate(qtbot, window)
    hits = _recording(window)
    QTest.keySequence(window, QKeySequence("Ctrl+Shift+P"))
    assert hits == []
    window.set_account(None, False)        # a database without accounts: no limits
    assert all(a.isEnabled() for k, a in actions.items() if k != "go_dashboard")


def test_the_idle_lock_stops_every_action(qtbot, gui):
    window = gui.window
    _activate(qtbot, window)
    hits = _recording(window)
    window.set_locked(True)
    assert not window.main_actions.toolbar.isEnabled()
    for sequence in ("Ctrl+3", "Ctrl+Shift+P", "F1", "Ctrl+Q"):
        QTest.keySequence(window, QKeySequence(sequence))
    assert hits == []
    window.set_locked(False)
    QTest.keySequence(window, QKeySequence("Ctrl+3"))
    assert hits == ["go_people"]


def test_record_actions_open_the_real_forms(qtbot, gui):
    window = gui.window
    window.show_page("people")
    form = window.trigger("new_class")
    assert window.current_page_key() == "classes" and form.isVisible()
    dialog = window.trigger("new_claim")
    assert window.current_page_key() == "claims"
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    gui.runner.wait_idle()
    qtbot.wait(50)    # the classes list arrives (closing before it does is another issue)
    dialog.reject()
    window.trigger("new_person")
    assert window.current_page_key() == "people"
    assert window.people_page.form.person_id is None
    review = window.open_review("/tmp/x.tsclaim")
    assert review.package_edit.text() == "/tmp/x.tsclaim"
    review.close()


# -- files from the desktop ------------------------------------------------------------------

def test_command_line_file_argument():
    args = parse_args(["C:\\Users\\a\\Desktop\\2026-001.tsclaim"])
    assert args.file.endswith(".tsclaim") and pending_file(args) == args.file
    args = parse_args(["--db", "x.skilldesk", "b.TSSYNC"])
    assert pending_file(args) == "b.TSSYNC"
    # a database double-clicked is opened, not "routed"
    args = parse_args(["D:\\培训\\机构.skilldesk"])
    assert pending_file(args) is None
    from tests.ui.test_app import i18n_prefs
    assert target_database(args, i18n_prefs()) == (Path("D:\\培训\\机构.skilldesk"), "open")


def test_a_claim_package_opens_the_review_mode_and_a_bundle_the_sync_page(
        qtbot, gui, tmp_path):
    window = gui.window
    package = tmp_path / "机构-2026-001.tsclaim"
    package.write_bytes(b"PK\x03\x04 not really a package")
    assert window.open_file(str(package)) == "review"
    review = window.claims_page.review
    assert review.isVisible() and review.package_edit.text() == str(package)
    review.close()
    # a damaged bundle goes through the page's own import, which refuses it
    bundle = tmp_path / "from-laptop.tssync"
    bundle.write_bytes(b"PK\x03\x04 damaged")
    with qtbot.waitSignal(window.sync_page.sig_done, timeout=10_000) as done:
        assert window.open_file(str(bundle)) == "sync"
    assert window.current_page_key() == "sync"
    assert done.args == ["import_failed"]


@pytest.mark.parametrize("name, outcome, words", [
    ("roster.xlsx", "unknown", ["roster.xlsx", ".tsclaim", ".tssync"]),
    ("gone.tssync", "missing", ["was not found"]),
])
def test_other_files_are_explained(gui, tmp_path, name, outcome, words):
    window = gui.window
    path = tmp_path / name
    if outcome != "missing":
        path.write_bytes(b"x")
    assert window.open_file(str(path)) == outcome
    box = window.file_message
    assert box.isVisible() and all(word in box.text() for word in words)
    box.close()


def test_a_bundle_needs_a_role_that_may_import(gui, tmp_path):
    window = gui.window
    window.set_account("finance", False)
    bundle = tmp_path / "b.tssync"
    bundle.write_bytes(b"x")
    assert window.open_file(str(bundle)) == "refused"
    assert "Finance" in window.file_message.text()
    window.file_message.close()


def test_the_app_opens_a_double_clicked_package_once_the_database_is_ready(
        qtbot, qapp, demo_copy, tmp_path):
    from tests.ui.test_app import i18n_prefs

    package = tmp_path / "claim.tsclaim"
    package.write_bytes(b"PK")
    args = parse_args(["--db", str(demo_copy), "--no-crash-dialog", str(package)])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert controller.start()
    qtbot.waitUntil(lambda: getattr(controller.window.claims_page, "review", None) is not None,
                    timeout=20_000)
    assert controller.window.claims_page.review.package_edit.text() == str(package)
    assert controller.pending_file is None
    controller.window.claims_page.review.close()
    controller.close()
    controller.window.close()
