"""Backups in the GUI (issue 9): the 备份 dialog from 设置 lists the backups, makes one
by hand, verifies one (intact / damaged) and restores one through the controller,
which closes the database, restores, opens it again and logs it. A real file
database; only the modal confirmation is answered programmatically."""

from __future__ import annotations

import threading

import pytest

from skilldesk.core.desk import Desk
from skilldesk.ui import controller as controller_module
from skilldesk.ui.app import parse_args
from skilldesk.ui.backups_dialog import BackupsDialog
from skilldesk.ui.backups_dialog import describe
from skilldesk.ui.controller import AppController


def open_dialog(qtbot, page) -> BackupsDialog:
    dialog = page.open_backups()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    return dialog


def back_up(qtbot, dialog: BackupsDialog) -> None:
    rows = dialog.table.rowCount()
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == rows + 1 and not dialog.is_busy(),
                    timeout=15_000)


def test_dialog_lists_makes_and_verifies_backups(qtbot, gui):
    page = gui.window.settings_page
    dialog = open_dialog(qtbot, page)
    assert dialog.table.rowCount() == 0
    assert "No backups yet" in dialog.status.text()
    assert not dialog.verify_button.isEnabled()

    back_up(qtbot, dialog)
    assert "Backup made" in dialog.status.text()
    assert dialog.table.item(0, 1).text() == "made by hand"
    assert dialog.table.item(0, 2).text().endswith(" MB")
    assert dialog.verify_button.isEnabled() and dialog.restore_button.isEnabled()
    listed = dialog.selected()
    assert listed is not None and listed.path.is_file() and listed.reason == "manual"

    dialog.verify_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Intact"), timeout=15_000)

    # damage the middle of the backup: the full check lists problems
    with open(listed.path, "r+b") as handle:
        handle.seek(listed.size // 2)
        handle.write(b"\xff" * 8192)
    dialog.verify_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Damaged"), timeout=15_000)
    assert "•" in dialog.status.text()

    # a damaged backup is never offered for restoring
    asked = []
    dialog.confirm_restore = lambda preview: asked.append(preview) or True
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: "cannot be restored" in dialog.status.text(), timeout=15_000)
    assert asked == []
    assert threading.get_ident() not in gui.db_threads
    dialog.close()


def test_page_shows_the_dialog_without_clipping(qtbot, gui, tmp_path):
    page = gui.window.settings_page
    dialog = open_dialog(qtbot, page)
    back_up(qtbot, dialog)
    back_up(qtbot, dialog)
    dialog.verify_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Intact"), timeout=15_000)
    for button in (dialog.create_button, dialog.verify_button, dialog.restore_button):
        assert button.width() >= button.sizeHint().width()
    assert dialog.status.height() >= dialog.status.heightForWidth(dialog.status.width())
    dialog.grab().save(str(tmp_path / "backups_dialog.png"))
    dialog.close()


def _start(qtbot, qapp, tmp_path, path) -> AppController:
    from tests.ui.test_app import i18n_prefs

    args = parse_args(["--db", str(path), "--no-crash-dialog", "--page", "settings"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert controller.start()
    qtbot.waitUntil(lambda: controller.window.settings_page.form.edits["name"].text() != "",
                    timeout=15_000)
    return controller


def _institution(path) -> str:
    desk = Desk.open(path, readonly=True)
    try:
        return desk.institution.get().name
    finally:
        desk.close()


def test_restore_brings_back_the_old_state(qtbot, qapp, tmp_path, demo_copy, monkeypatch):
    controller = _start(qtbot, qapp, tmp_path, demo_copy)
    page = controller.window.settings_page
    old_name = page.form.edits["name"].text()
    dialog = open_dialog(qtbot, page)
    back_up(qtbot, dialog)
    dialog.close()

    # a change after the backup
    page.form.edits["name"].setText("后来改的名称培训学校")
    page.save()
    qtbot.waitUntil(lambda: page.status.text() == "Saved.", timeout=10_000)
    controller.runner.wait_idle()
    assert _institution(demo_copy) == "后来改的名称培训学校"

    dialog = open_dialog(qtbot, page)
    assert dialog.selected().reason == "manual"
    asked: list[dict] = []

    def confirm(preview: dict) -> bool:
        asked.append(preview)
        return True

    monkeypatch.setattr(BackupsDialog, "confirm_restore", lambda self, p: confirm(p))
    cancel_buttons = []   # a restore cannot be stopped: progress, but no Cancel button

    class Recording(controller_module.ProgressDialog):
        def setCancelButton(self, button) -> None:
            cancel_buttons.append(button)
            super().setCancelButton(button)

    monkeypatch.setattr(controller_module, "ProgressDialog", Recording)
    old_window = controller.window
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: controller.window is not old_window, timeout=15_000)
    assert cancel_buttons == [None] and controller.restore_progress.finished_work
    new_page = controller.window.settings_page
    qtbot.waitUntil(lambda: new_page.form.edits["name"].text() == old_name, timeout=20_000)

    (preview,) = asked
    assert preview["backup"]["institution"] == old_name
    assert preview["current"]["institution"] == "后来改的名称培训学校"
    text = describe(preview)
    assert "People: 450 in the backup, 450 now" in text
    assert "Operation log entries" in text and "≠" in text   # the change was logged
    assert "backed up first" in text

    controller.runner.wait_idle()
    qtbot.waitUntil(lambda: controller.window.current_page_key() == "settings",
                    timeout=5_000)
    finish = controller.runner
    dialog = open_dialog(qtbot, new_page)
    reasons = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "before a restore" in reasons and "made by hand" in reasons
    dialog.close()
    finish.wait_idle()
    controller.close()
    controller.window.close()

    assert _institution(demo_copy) == old_name
    desk = Desk.open(demo_copy, readonly=True)
    try:
        row = desk.db.conn.execute(
            "SELECT count(*) FROM op_log WHERE action = 'restore'").fetchone()
        assert row[0] == 1
        # the state before the restore is kept: it has the changed name
        saved = [b for b in desk.backups.list() if b.reason == "restore"]
        assert len(saved) == 1
        assert desk.backups.preview(saved[0].path)["backup"]["institution"] == \
            "后来改的名称培训学校"
    finally:
        desk.close()


def test_opening_makes_the_daily_backup(qtbot, qapp, tmp_path, demo_copy, monkeypatch):
    monkeypatch.delenv("SKILLDESK_NO_AUTO_BACKUP", raising=False)
    controller = _start(qtbot, qapp, tmp_path, demo_copy)
    controller.runner.wait_idle()
    qtbot.waitUntil(lambda: any(
        p.name != demo_copy.name for p in _backup_files(demo_copy)), timeout=15_000)
    controller.close()
    controller.window.close()
    desk = Desk.open(demo_copy, readonly=True)
    try:
        assert [b.reason for b in desk.backups.list()] == ["open"]
    finally:
        desk.close()
    # opened again the same day: no second backup
    controller = _start(qtbot, qapp, tmp_path, demo_copy)
    controller.runner.wait_idle()
    controller.close()
    controller.window.close()
    desk = Desk.open(demo_copy, readonly=True)
    try:
        assert len(desk.backups.list()) == 1
    finally:
        desk.close()


def _backup_files(db_path):
    from skilldesk.core.backups import folder_for

    folder = folder_for(db_path)
    return list(folder.glob("*")) if folder.exists() else []


def test_a_failed_daily_backup_is_shown_and_does_not_block(qtbot, qapp, tmp_path, demo_copy,
                                                           monkeypatch):
    monkeypatch.delenv("SKILLDESK_NO_AUTO_BACKUP", raising=False)
    shown = []
    monkeypatch.setattr(controller_module, "show_error", lambda parent, exc: shown.append(exc))
    from skilldesk.core.backups import BackupService
    from skilldesk.errors import StorageError

    def broken(self, **_kw):
        raise StorageError("The backup folder cannot be written.")

    monkeypatch.setattr(BackupService, "maybe_daily", broken)
    controller = _start(qtbot, qapp, tmp_path, demo_copy)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert isinstance(shown[0], StorageError)
    qtbot.waitUntil(lambda: controller.window.people_page.model.total == 450, timeout=10_000)
    controller.close()
    controller.window.close()


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
