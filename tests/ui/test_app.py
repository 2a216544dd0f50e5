"""The application around the pages: settings, language switch, screenshots, fonts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from PySide6.QtGui import QFontDatabase
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from skilldesk import i18n
from skilldesk.ui import fonts
from skilldesk.ui.app import parse_args
from skilldesk.ui.controller import AppController


def test_bundled_cjk_font_registers_and_covers_chinese(qapp):
    family = fonts.install(qapp)
    assert family == "WenQuanYi Micro Hei"
    assert QApplication.font().family() == family
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def test_institution_settings_validate_inline_and_save(qtbot, gui):
    page = gui.window.settings_page
    gui.window.show_page("settings")
    qtbot.waitUntil(lambda: page.form.edits["name"].text() != "", timeout=10_000)
    uscc = page.form.edits["uscc"]
    uscc.setText(uscc.text()[:-1] + ("0" if uscc.text()[-1] != "0" else "1"))
    page.save()
    message = page.form.messages["uscc"]
    assert message.isVisible() and message.text()
    page.form.edits["address"].setText("苏州市姑苏区人民路100号")
    uscc.setText("91110000600037341L")
    with qtbot.waitSignal(gui.hub.sig_changes, timeout=10_000):
        page.save()
    assert page.status.text() == "Saved."
    gui.runner.wait_idle()
    institution = gui.runner.desk.institution.get()
    assert institution.address == "苏州市姑苏区人民路100号"
    assert institution.uscc == "91110000600037341L"
    qtbot.waitUntil(lambda: gui.window.windowTitle().startswith(institution.name), timeout=5000)


def test_language_switch_rebuilds_the_window_in_chinese(qtbot, qapp, demo_copy, tmp_path):
    args = parse_args(["--db", str(demo_copy), "--no-crash-dialog"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    controller._open(demo_copy, create=False)
    qtbot.waitUntil(lambda: controller.window.people_page.model.total is not None, timeout=10_000)
    assert controller.window.nav.item(2).text() == "People"
    controller.window.show_page("settings")
    controller._switch_language("zh_CN")
    window = controller.window
    assert window.nav.item(2).text() == "学员"
    assert window.current_page_key() == "settings"
    assert window.settings_page.save_button.text() == "保存"
    assert window.nav.item(0).text() == "工作台"
    assert window.nav.item(0).flags() & window.nav.item(0).flags().ItemIsEnabled
    qtbot.waitUntil(lambda: window.people_page.model.total is not None, timeout=10_000)
    assert "人" in window.people_page.count_label.text()
    controller.runner.shutdown()
    window.close()


def i18n_prefs():
    from skilldesk import config

    return config.Preferences(language=i18n.current_language())


def _screenshot(tmp_path, *args):
    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, "-m", "skilldesk", *args, "--screenshot", str(out)],
                            capture_output=True, text=True, timeout=120)
    return result, out


def test_screenshot_renders_the_people_page(tmp_path, demo_copy):
    result, out = _screenshot(tmp_path, "--db", str(demo_copy), "--lang", "zh_CN")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 600


@pytest.mark.parametrize("page", ["classes", "claims", "policy"])
def test_screenshot_renders_every_built_page(tmp_path, demo_copy, page):
    result, out = _screenshot(tmp_path, "--db", str(demo_copy), "--page", page)
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).width() >= 1000


def test_screenshot_of_a_missing_database_fails_cleanly(tmp_path):
    result, out = _screenshot(tmp_path, "--db", str(tmp_path / "nope.skilldesk"))
    assert result.returncode == 1
    assert "不存在" in result.stderr  # Chinese is the default language
    assert not out.exists()


def test_a_damaged_database_is_reported_after_start_up(qtbot, qapp, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from tests.storage.test_database import _damage

    db = tmp_path / "damaged.skilldesk"
    _damage(db)
    args = parse_args(["--db", str(db), "--no-crash-dialog"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    controller._open(db, create=False)

    def warning_shown():
        return [w for w in qapp.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible() and "backup" in w.text()]

    qtbot.waitUntil(lambda: bool(warning_shown()), timeout=10_000)
    for box in warning_shown():
        box.close()
    controller.runner.shutdown()
    controller.window.close()


class _FakeSetup:
    """Stands in for the modal set-up dialog: answers as a user would."""

    answer = ("create", None)
    admin_password = "first-admin-pw"

    def __init__(self, parent=None):
        from skilldesk.ui.institution_form import InstitutionForm

        self.choice, draft = self.answer
        self.form = InstitutionForm()
        self.admin = lambda: ("admin", "校长", self.admin_password)
        if draft is not None:
            self.form.edits["name"].setText(draft[0])
            self.form.edits["uscc"].setText(draft[1])

    def exec(self):
        from PySide6.QtWidgets import QDialog

        return QDialog.DialogCode.Accepted


def _first_run(qtbot, qapp, tmp_path, monkeypatch, answer):
    from skilldesk.ui import controller as controller_module

    monkeypatch.setattr(controller_module, "SetupDialog", _FakeSetup)
    monkeypatch.setattr(_FakeSetup, "answer", answer)
    monkeypatch.setenv("SKILLDESK_HOME", str(tmp_path / "home"))
    args = parse_args(["--no-crash-dialog"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert controller.start()
    return controller


def _close_recovery_key(qtbot, controller) -> str:
    qtbot.waitUntil(lambda: controller.recovery_dialog is not None
                    and controller.recovery_dialog.isVisible(), timeout=10_000)
    dialog = controller.recovery_dialog
    key = dialog.key
    dialog.accept()
    return key


def test_first_run_creates_the_institution_database(qtbot, qapp, tmp_path, monkeypatch):
    from skilldesk import paths

    controller = _first_run(qtbot, qapp, tmp_path, monkeypatch,
                            ("create", ("苏州市相城区新学校", "91110000600037341L")))
    qtbot.waitUntil(lambda: controller.window.people_page.model.total == 0, timeout=10_000)
    assert controller.path == paths.default_db_path()
    qtbot.waitUntil(lambda: controller.window.windowTitle().startswith("苏州市相城区新学校"),
                    timeout=10_000)
    # the database got accounts: the administrator signed in, the recovery key shown once
    qtbot.waitUntil(lambda: controller.account is not None, timeout=10_000)
    assert controller.account.username == "admin" and controller.account.role == "admin"
    key = _close_recovery_key(qtbot, controller)
    assert len(key.replace("-", "")) == 52
    assert "admin" in controller.window.account_label.text()
    controller.runner.shutdown()
    controller.window.close()


def test_first_run_can_choose_the_demo(qtbot, qapp, tmp_path, monkeypatch):
    from skilldesk import paths

    from skilldesk.core.keystore import KeyStore

    controller = _first_run(qtbot, qapp, tmp_path, monkeypatch, ("demo", None))
    qtbot.waitUntil(lambda: controller.window.people_page.model.total == 2000, timeout=30_000)
    assert controller.path == paths.demo_db_path()
    # the demo is secured like any database, and the app goes on as its administrator
    qtbot.waitUntil(lambda: controller.account is not None, timeout=30_000)
    assert controller.account.username == "admin"
    assert KeyStore.load(paths.demo_db_path()).demo
    controller.runner.shutdown()
    controller.window.close()


def test_first_run_can_set_up_a_field_laptop(qtbot, qapp, tmp_path, monkeypatch):
    """A laptop starts empty on the 同步 page, and opens there again until the office's
    first bundle brings the institution (no set-up dialog the second time)."""
    from skilldesk import paths
    from skilldesk.core.desk import Desk

    controller = _first_run(qtbot, qapp, tmp_path, monkeypatch, ("laptop", None))
    qtbot.waitUntil(lambda: controller.window.current_page_key() == "sync", timeout=10_000)
    assert controller.path == paths.default_db_path()
    qtbot.waitUntil(lambda: controller.account is not None, timeout=10_000)
    _close_recovery_key(qtbot, controller)
    controller.runner.shutdown()
    controller.window.close()
    desk = Desk.open(paths.default_db_path(), user="admin", password=_FakeSetup.admin_password)
    assert desk.sync.device().role == "laptop" and desk.sync.waiting_for_office()
    assert desk.role == "admin"
    desk.close()

    from skilldesk.ui import controller as controller_module
    from tests.ui.test_accounts_gui import FakeLogin

    monkeypatch.setattr(_FakeSetup, "exec", lambda self: pytest.fail("asked to set up again"))
    monkeypatch.setattr(controller_module, "LoginDialog", FakeLogin)
    monkeypatch.setattr(FakeLogin, "answers", [("admin", _FakeSetup.admin_password)])
    args = parse_args(["--no-crash-dialog"])
    again = AppController(qapp, args, i18n_prefs(), tmp_path / "log2.txt")
    assert again.start()
    qtbot.waitUntil(lambda: again.window.current_page_key() == "sync", timeout=10_000)
    again.runner.shutdown()
    again.window.close()
