"""Accounts in the GUI (issue 9): sign-in, roles, the idle lock, the accounts dialog,
masked personal numbers and their logged reveal. Drives the real controller over a
secured demo database; only the modal dialogs' exec() is answered programmatically."""

from __future__ import annotations

import re
import shutil

import pytest

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QMessageBox

from skilldesk.core.accounts import secure_demo
from skilldesk.core.desk import Desk
from skilldesk.core.keystore import keystore_path
from skilldesk.ui import controller as controller_module
from skilldesk.ui.app import parse_args
from skilldesk.ui.controller import AppController
from skilldesk.ui.people_model import COLUMNS

ID_COLUMN = [key for key, _label in COLUMNS].index("id_number")
PHONE_COLUMN = [key for key, _label in COLUMNS].index("phone")


class FakeLogin:
    """Stands in for the modal login dialog: answers from ``answers``, in turn."""

    answers: list[tuple[str, str]] = []
    seen: list[dict] = []

    def __init__(self, path, *, demo=False, user="", message="", parent=None):
        self.seen.append({"demo": demo, "user": user, "message": message})
        self.user, self.password = "", ""

    def exec(self):
        if not self.answers:
            return QDialog.DialogCode.Rejected
        self.user, self.password = self.answers.pop(0)
        return QDialog.DialogCode.Accepted


@pytest.fixture(scope="session")
def secured_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("secured") / "demo.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=60, seed=3)
    secure_demo(desk)
    desk.close()
    return path


@pytest.fixture
def secured_copy(secured_file, tmp_path):
    path = tmp_path / "demo.skilldesk"
    shutil.copy(secured_file, path)
    shutil.copy(keystore_path(secured_file), keystore_path(path))
    return path


def sign_in(qtbot, qapp, monkeypatch, tmp_path, path, *answers, extra=()):
    monkeypatch.setattr(controller_module, "LoginDialog", FakeLogin)
    monkeypatch.setattr(FakeLogin, "answers", list(answers))
    monkeypatch.setattr(FakeLogin, "seen", [])
    from tests.ui.test_app import i18n_prefs

    page = () if "--page" in extra else ("--page", "people")
    args = parse_args(["--db", str(path), "--no-crash-dialog", *page, *extra])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert controller.start()
    qtbot.waitUntil(lambda: controller.account is not None, timeout=45_000)  # loaded CI
    return controller


def finish(controller) -> None:
    controller.close()
    if controller.window is not None:
        controller.window.close()


def test_login_refuses_a_wrong_password_then_signs_in_and_shows_the_role(
        qtbot, qapp, monkeypatch, tmp_path, secured_copy):
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("admin", "not-the-password"), ("admin", "demo-admin"))
    first, second = FakeLogin.seen
    assert first["demo"] and not first["message"]
    assert "wrong" in second["message"] and second["user"] == "admin"
    assert controller.account.role == "admin"
    assert controller.window.account_label.text() == "Signed in: admin (Administrator)"
    qtbot.waitUntil(lambda: controller.window.people_page.model.total == 60, timeout=10_000)
    # no personal data in the title
    assert "admin" not in controller.window.windowTitle()
    finish(controller)


def test_a_cancelled_login_runs_nothing(qtbot, qapp, monkeypatch, tmp_path, secured_copy):
    monkeypatch.setattr(controller_module, "LoginDialog", FakeLogin)
    monkeypatch.setattr(FakeLogin, "answers", [])
    from tests.ui.test_app import i18n_prefs

    args = parse_args(["--db", str(secured_copy), "--no-crash-dialog"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert not controller.start()
    controller.close()


def test_a_read_only_account_cannot_save(qtbot, qapp, monkeypatch, tmp_path, secured_copy):
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("viewer", "demo-viewer"))
    assert controller.window.account_label.text() == "Signed in: viewer (Read-only)"
    page = controller.window.people_page
    qtbot.waitUntil(lambda: page.model.total == 60, timeout=10_000)
    page.table.selectRow(0)
    form = page.form
    qtbot.waitUntil(lambda: form.person_id is not None, timeout=10_000)
    # a read-only role may not even reveal the number (the facade refuses, shown)
    form.reveal("id_number")
    box = _wait_box(qtbot, qapp, "may not")
    assert "Read-only" in box.text()
    box.close()
    form.edits["name"].setText("改名")
    form.save()
    box = _wait_box(qtbot, qapp, "may not")
    assert "Read-only" in box.text()
    box.close()
    form.revert()   # nothing to save when the window closes
    finish(controller)


def _wait_box(qtbot, qapp, text):
    def boxes():
        return [w for w in qapp.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible() and text in w.text()]

    qtbot.waitUntil(lambda: bool(boxes()), timeout=10_000)
    return boxes()[0]


def test_the_window_locks_when_idle_and_unlocks_with_the_password(
        qtbot, qapp, monkeypatch, tmp_path, secured_copy):
    monkeypatch.setenv("SKILLDESK_IDLE_MINUTES", "0.01")   # 0.6 s
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("clerk", "demo-clerk"))
    qtbot.waitUntil(lambda: controller.lock_screen is not None, timeout=10_000)
    screen = controller.lock_screen
    assert screen.isVisible() and screen.geometry() == controller.window.rect()
    assert not controller.window.centralWidget().isEnabled()
    screen.password.setText("wrong-password")
    screen.unlock()
    qtbot.waitUntil(lambda: screen.message.isVisible(), timeout=10_000)
    assert screen.message.text() == "The password is wrong."
    screen.password.setText("demo-clerk")
    screen.unlock()
    qtbot.waitUntil(lambda: controller.lock_screen is None, timeout=10_000)
    assert controller.window.centralWidget().isEnabled()
    # idle again → locked again; 切换用户 goes back to the login dialog
    qtbot.waitUntil(lambda: controller.lock_screen is not None, timeout=10_000)
    monkeypatch.setattr(FakeLogin, "answers", [("finance", "demo-finance")])
    controller.lock_screen.sig_switch_user.emit()
    qtbot.waitUntil(lambda: controller.account is not None
                    and controller.account.username == "finance", timeout=15_000)
    assert FakeLogin.seen[-1]["demo"]
    finish(controller)


def test_administrators_add_accounts_and_reset_passwords(
        qtbot, qapp, monkeypatch, tmp_path, secured_copy):
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("admin", "demo-admin"))
    settings = controller.window.settings_page
    controller.window.show_page("settings")
    qtbot.waitUntil(lambda: settings.users_button.isVisible(), timeout=10_000)
    assert not settings.setup_accounts_button.isVisible()
    users = settings.open_users()
    qtbot.waitUntil(lambda: users.table.rowCount() == 4, timeout=10_000)
    assert users.add_button.isVisible()

    dialog = users.new_account_dialog()
    dialog.fields.fill("teacher2", "teacher-pw-1", "张老师", "clerk")
    dialog.exec = lambda: QDialog.DialogCode.Accepted
    users.add_account(dialog)
    qtbot.waitUntil(lambda: users.table.rowCount() == 5, timeout=10_000)
    assert "teacher2" in users.status.text()

    users.select("teacher2")
    reset = users.reset_dialog("teacher2")
    reset.fill("teacher-pw-2")
    reset.exec = lambda: QDialog.DialogCode.Accepted
    users.reset_password(reset)
    qtbot.waitUntil(lambda: "reset" in users.status.text(), timeout=10_000)
    users.accept()
    finish(controller)

    desk = Desk.open(secured_copy, user="teacher2", password="teacher-pw-2")
    assert desk.role == "clerk" and desk.account.must_change_password
    desk.close()

    # the next sign-in asks for a password of one's own
    again = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                    ("teacher2", "teacher-pw-2"))
    qtbot.waitUntil(lambda: again.password_dialog is not None
                    and again.password_dialog.isVisible(), timeout=10_000)
    again.password_dialog.fill("teacher-own-3")
    again.password_dialog._ok()
    qtbot.waitUntil(lambda: not again.account.must_change_password, timeout=10_000)
    finish(again)
    desk = Desk.open(secured_copy, user="teacher2", password="teacher-own-3")
    assert not desk.account.must_change_password
    desk.close()


def test_non_administrators_see_no_administration(qtbot, qapp, monkeypatch, tmp_path,
                                                  secured_copy):
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("clerk", "demo-clerk"))
    settings = controller.window.settings_page
    controller.window.show_page("settings")
    qtbot.waitUntil(lambda: settings.my_password_button.isVisible(), timeout=10_000)
    users = settings.open_users()
    qtbot.waitUntil(lambda: users.table.rowCount() == 4, timeout=10_000)
    assert not users.add_button.isVisible() and not users.reset_button.isVisible()
    users.accept()
    finish(controller)


def test_people_show_masked_numbers_and_a_logged_reveal(
        qtbot, qapp, monkeypatch, tmp_path, secured_copy):
    controller = sign_in(qtbot, qapp, monkeypatch, tmp_path, secured_copy,
                         ("admin", "demo-admin"))
    page = controller.window.people_page
    model = page.model
    qtbot.waitUntil(lambda: model.total == 60, timeout=10_000)
    shown = model.data(model.index(0, ID_COLUMN))
    full = model.row_at(0).id_number
    assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", shown) and shown != full
    assert shown[:6] == full[:6] and shown[-4:] == full[-4:]
    phone = model.data(model.index(0, PHONE_COLUMN))
    assert not model.row_at(0).phone or re.fullmatch(r"1\d\d\*{4}\d{4}", phone)

    page.table.selectRow(0)
    form = page.form
    qtbot.waitUntil(lambda: form.person_id == model.row_at(0).id, timeout=10_000)
    edit = form.edits["id_number"]
    assert edit.text() == shown and edit.isReadOnly() and form.is_masked("id_number")
    assert form.reveal_buttons["id_number"].isVisible()
    assert not form.is_dirty()
    form.reveal_buttons["id_number"].click()
    qtbot.waitUntil(lambda: edit.text() == full, timeout=10_000)
    assert not edit.isReadOnly() and not form.is_dirty()
    assert not form.reveal_buttons["id_number"].isVisible()

    reveals = []
    controller.runner.run(lambda d: d.accounts.reveals(), on_done=reveals.extend)
    qtbot.waitUntil(lambda: bool(reveals), timeout=10_000)
    assert reveals[0]["user_name"] == "admin" and reveals[0]["field"] == "id_number"
    assert reveals[0]["entity_id"] == form.person_id

    # searching by a hidden part of the number still finds the person
    page.search.setText(full[6:14])
    qtbot.waitUntil(lambda: model.query == full[6:14] and model.total is not None
                    and model.total >= 1, timeout=10_000)
    assert any(model.row_at(i).id_number == full for i in range(model.rowCount()))
    finish(controller)


def test_a_database_in_use_can_be_opened_read_only(qtbot, qapp, monkeypatch, tmp_path,
                                                   secured_copy):
    holder = Desk.open(secured_copy, user="admin", password="demo-admin")
    try:
        monkeypatch.setattr(controller_module, "LoginDialog", FakeLogin)
        monkeypatch.setattr(FakeLogin, "answers", [("clerk", "demo-clerk")])
        from tests.ui.test_app import i18n_prefs

        args = parse_args(["--db", str(secured_copy), "--no-crash-dialog"])
        controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
        assert controller.start()
        box = _wait_box(qtbot, qapp, "open")
        assert box.objectName() == "database_in_use"
        [button] = [b for b in box.buttons() if b.objectName() == "open_read_only"]
        button.click()
        qtbot.waitUntil(lambda: controller.account is not None, timeout=45_000)  # loaded CI
        assert controller.readonly and controller.account.username == "clerk"
        assert "read-only" in controller.window.account_label.text()
        qtbot.waitUntil(lambda: controller.window.people_page.model.total == 60,
                        timeout=10_000)
        finish(controller)
    finally:
        holder.close()


def test_a_database_without_accounts_offers_to_set_them_up(qtbot, qapp, monkeypatch,
                                                           tmp_path, demo_copy):
    from tests.ui.test_app import i18n_prefs

    args = parse_args(["--db", str(demo_copy), "--no-crash-dialog"])
    controller = AppController(qapp, args, i18n_prefs(), tmp_path / "log.txt")
    assert controller.start()
    settings = controller.window.settings_page
    controller.window.show_page("settings")
    qtbot.waitUntil(lambda: settings.setup_accounts_button.isVisible(), timeout=10_000)
    assert controller.account is None
    page = controller.window.people_page
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)
    assert "*" not in page.model.data(page.model.index(0, ID_COLUMN))

    from skilldesk.ui.users_dialog import NewAccountDialog

    dialog = NewAccountDialog("t", "t", user="admin")
    dialog.fields.fill("boss", "boss-password")
    dialog.exec = lambda: QDialog.DialogCode.Accepted
    from skilldesk.ui import settings_page as settings_module
    shown = []   # encrypting a big database takes a while: a progress dialog, on the worker
    real = settings_module.run_with_progress
    monkeypatch.setattr(settings_module, "run_with_progress", lambda *a, **k: (
        shown.append(a[2]), real(*a, **k))[1])
    settings.set_up_accounts(dialog)
    qtbot.waitUntil(lambda: controller.account is not None, timeout=45_000)  # loaded CI
    assert shown == ["Setting up accounts"]
    assert keystore_path(demo_copy).exists()
    qtbot.waitUntil(lambda: settings.recovery_dialog.isVisible(), timeout=10_000)
    settings.recovery_dialog.accept()
    qtbot.waitUntil(lambda: "*" in page.model.data(page.model.index(0, ID_COLUMN)),
                    timeout=10_000)
    finish(controller)
    desk = Desk.open(demo_copy, user="boss", password="boss-password")
    assert desk.role == "admin"
    desk.close()
