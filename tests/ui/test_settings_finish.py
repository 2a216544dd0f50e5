"""设置: the data folder, opening another database (network locations refused), the backup
schedule the controller follows, and the idle lock's minutes applied at once."""

from __future__ import annotations

import datetime as dt
import shutil

from skilldesk import config
from skilldesk.core.desk import Desk
from skilldesk.core.keystore import keystore_path
from skilldesk.ui import settings_page as settings_module
from skilldesk.ui.app import parse_args
from skilldesk.ui.controller import AppController
from skilldesk.ui.controller import scheduled_backup
from tests.ui.test_accounts_gui import finish
from tests.ui.test_accounts_gui import secured_copy  # noqa: F401 (fixture)
from tests.ui.test_accounts_gui import secured_file  # noqa: F401 (fixture)
from tests.ui.test_accounts_gui import sign_in


def test_the_data_folder_shows_the_file_and_where_backups_go(qtbot, gui, demo_copy,
                                                            monkeypatch):
    page = gui.window.settings_page
    gui.window.show_page("settings")
    qtbot.waitUntil(lambda: page.db_path is not None, timeout=10_000)
    assert page.db_file_label.text() == str(demo_copy)
    assert page.db_folder_label.text() == str(demo_copy.parent)
    backups = page.backup_folder_label.text()
    assert backups and backups != "—"
    gui.runner.wait_idle()
    assert backups == str(gui.runner.desk.backups.folder())
    opened = []
    monkeypatch.setattr(settings_module.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    page.open_folder_button.click()
    page.open_backup_folder_button.click()
    assert opened == [str(demo_copy.parent), backups]


def test_a_folder_that_cannot_be_opened_says_what_to_do(gui, monkeypatch, tmp_path):
    page = gui.window.settings_page
    monkeypatch.setattr(settings_module.QDesktopServices, "openUrl", lambda url: False)
    assert not page.open_folder(tmp_path)
    assert page.folder_status.isVisibleTo(page)
    assert "Open it in Explorer yourself" in page.folder_status.text()


def test_another_database_on_a_network_share_is_refused(qtbot, gui, tmp_path):
    page = gui.window.settings_page
    chosen = []
    page.sig_open_database.connect(chosen.append)
    assert not page.choose_database("\\\\server\\培训\\机构.skilldesk")
    assert chosen == []
    assert "network" in page.folder_status.text().lower()
    local = tmp_path / "other.skilldesk"
    assert page.choose_database(str(local))
    assert chosen == [str(local)]


def test_the_controller_opens_another_database(qtbot, qapp, demo_copy, tmp_path):
    from tests.ui.test_app import i18n_prefs

    other = tmp_path / "other" / "second.skilldesk"
    other.parent.mkdir()
    shutil.copy(demo_copy, other)
    args = parse_args(["--db", str(demo_copy), "--no-crash-dialog"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert controller.start()
    qtbot.waitUntil(lambda: controller.window.people_page.model.total is not None,
                    timeout=20_000)
    first_window = controller.window
    assert not controller.open_database(demo_copy)          # already open: nothing to do
    assert not controller.open_database(tmp_path / "missing.skilldesk")
    assert controller.window is first_window
    first_window.settings_page.sig_open_database.emit(str(other))
    qtbot.waitUntil(lambda: controller.prefs.last_db == str(other.resolve()), timeout=20_000)
    assert controller.window is not first_window
    assert controller.window.db_path == str(other)
    assert config.load().last_db == str(other.resolve())
    controller.close()
    controller.window.close()


# -- the backup schedule ---------------------------------------------------------------------

def test_the_schedule_decides_the_backup_on_opening(monkeypatch, tmp_path):
    monkeypatch.delenv("SKILLDESK_NO_AUTO_BACKUP", raising=False)
    desk = Desk.open(tmp_path / "a.skilldesk", create=True)
    try:
        now = dt.datetime(2026, 3, 10, 9, 0, 0)
        assert scheduled_backup("manual", desk, now=now) is None
        assert desk.backups.list() == []
        made = scheduled_backup("daily", desk, now=now)
        assert made is not None and made.reason == "open"
        assert scheduled_backup("daily", desk, now=now + dt.timedelta(hours=5)) is None
        # weekly: nothing while the newest backup is under 7 days old
        assert scheduled_backup("weekly", desk, now=now + dt.timedelta(days=3)) is None
        assert scheduled_backup("weekly", desk, now=now + dt.timedelta(days=6, hours=23)) \
            is None
        assert scheduled_backup("weekly", desk, now=now + dt.timedelta(days=7)) is not None
        # daily after two days: one more
        assert scheduled_backup("daily", desk, now=now + dt.timedelta(days=9)) is not None
        assert len(desk.backups.list()) == 3
    finally:
        desk.close()


def test_the_chosen_schedule_is_saved_and_followed(qtbot, qapp, demo_copy, tmp_path,
                                                   monkeypatch):
    from tests.ui.test_app import i18n_prefs

    monkeypatch.delenv("SKILLDESK_NO_AUTO_BACKUP", raising=False)
    prefs = i18n_prefs()
    prefs.backup_schedule = "manual"
    args = parse_args(["--db", str(demo_copy), "--no-crash-dialog"])
    controller = AppController(qapp, args, prefs, tmp_path / "log.txt")
    assert controller.start()
    qtbot.waitUntil(lambda: controller.window.people_page.model.total is not None,
                    timeout=20_000)
    controller.runner.wait_idle()
    assert controller.runner.desk.backups.list() == []      # 仅手动: none on opening
    page = controller.window.settings_page
    assert page.backup_schedule.currentData() == "manual"    # shows the saved choice
    page.backup_schedule.setCurrentIndex(page.backup_schedule.findData("daily"))
    assert controller.prefs.backup_schedule == "daily"
    assert config.load().backup_schedule == "daily"
    controller.runner.wait_idle()
    controller._ready()                                      # the next opening
    controller.runner.wait_idle()
    backups = controller.runner.desk.backups.list()
    assert [b.reason for b in backups] == ["open"]
    controller.close()
    controller.window.close()


# -- the idle lock ---------------------------------------------------------------------------

def test_idle_minutes_are_saved_and_applied_at_once(qtbot, qapp, monkeypatch, tmp_path,
                                                   secured_copy):  # noqa: F811
    monkeypatch.delenv("SKILLDESK_IDLE_MINUTES", raising=False)
    assert keystore_path(secured_copy).exists()
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("clerk", "demo-clerk"))
    assert controller.idle is not None
    assert controller.idle._timer.interval() == 10 * 60_000     # the default
    page = controller.window.settings_page
    assert page.idle_minutes.value() == 10
    assert (page.idle_minutes.minimum(), page.idle_minutes.maximum()) == (1, 60)
    page.idle_minutes.setValue(3)
    assert controller.prefs.idle_minutes == 3 and config.load().idle_minutes == 3
    assert controller.idle._timer.interval() == 3 * 60_000
    assert controller.idle._timer.isActive()
    controller.set_idle_minutes(500)                              # clamped to the range
    assert controller.idle._timer.interval() == 60 * 60_000
    finish(controller)


def test_the_saved_idle_minutes_are_used_on_sign_in(qtbot, qapp, monkeypatch, tmp_path,
                                                    secured_copy):  # noqa: F811
    monkeypatch.delenv("SKILLDESK_IDLE_MINUTES", raising=False)
    config.save(config.Preferences(idle_minutes=7))
    monkeypatch.setattr("tests.ui.test_app.i18n_prefs", config.load)
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("clerk", "demo-clerk"))
    assert controller.idle._timer.interval() == 7 * 60_000
    assert controller.window.settings_page.idle_minutes.value() == 7
    finish(controller)
