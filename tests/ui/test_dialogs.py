"""First-run set-up, progress with cancel, and the crash handler."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QPushButton

from skilldesk import logging_setup
from skilldesk.core.progress import Progress
from skilldesk.ui import errors as ui_errors
from skilldesk.ui.setup_dialog import SetupDialog
from skilldesk.ui.widgets import ProgressDialog


def test_setup_refuses_a_bad_credit_code_then_accepts(qtbot):
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    dialog.form.edits["name"].setText("苏州市吴中区新开职业培训学校")
    dialog.form.edits["uscc"].setText("52320506MJ000000XX")
    dialog.create_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    message = dialog.form.messages["uscc"]
    assert not message.isHidden() and message.text()
    dialog.form.edits["uscc"].setText("91110000600037341L")
    # the first administrator is required too (issue 9): a short password is refused
    dialog.admin_fields.fill("admin", "short")
    dialog.create_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.admin_fields.message.isHidden()
    dialog.admin_fields.fill("admin", "long-enough-pw", "校长")
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == "create"
    assert dialog.form.draft().uscc == "91110000600037341L"
    assert dialog.admin() == ("admin", "校长", "long-enough-pw")


def test_setup_offers_the_demo_instead(qtbot):
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    dialog.demo_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.choice == "demo"


def test_progress_dialog_follows_the_worker_and_cancel_reaches_it(qtbot):
    progress = Progress()
    dialog = ProgressDialog(progress, "demo")
    qtbot.addWidget(dialog)
    progress.update(30, 120, "Creating people")
    qtbot.waitUntil(lambda: dialog.value() == 30 and dialog.maximum() == 120, timeout=2000)
    assert dialog.labelText() == "Creating people"
    dialog.show()
    dialog.findChild(QPushButton).click()  # what the user's click on 取消 does
    assert progress.cancelled
    dialog.finish()


def test_crash_handler_logs_the_traceback_before_anything_else(qtbot, tmp_path):
    log_path = logging_setup.setup()
    ui_errors.install_crash_handler(log_path, show_dialog=False)
    try:
        raise ZeroDivisionError("boom in a slot")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_path.read_text(encoding="utf-8")
    assert "ZeroDivisionError: boom in a slot" in text
    assert "unexpected exception" in text
    sys.excepthook = sys.__excepthook__


def test_a_cancelled_operation_calls_on_cancel_not_on_error(qtbot):
    from skilldesk.errors import Cancelled
    from skilldesk.ui.tasks import TaskRunner

    runner = TaskRunner()
    runner.set_desk(object())
    seen = []

    def op(_desk):
        raise Cancelled()

    runner.run(op, on_done=lambda r: seen.append("done"), on_error=lambda e: seen.append("error"),
               on_cancel=lambda: seen.append("cancel"))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == ["cancel"]
    runner.shutdown()


def test_cancelling_an_import_closes_its_progress_dialog(qtbot, gui, tmp_path):
    from skilldesk.ui import widgets as module
    from tests.core.test_roster_import import roster_rows
    from tests.imports.files import write_xlsx

    path = write_xlsx(tmp_path / "r.xlsx", {"S": roster_rows()})
    dialogs = []

    class CancelledAtOnce(module.ProgressDialog):
        def __init__(self, progress, title, parent=None):
            super().__init__(progress, title, parent)
            progress.cancel()  # the user pressed 取消 straight away
            dialogs.append(self)

    original = module.ProgressDialog
    module.ProgressDialog = CancelledAtOnce
    try:
        dialog = gui.window.people_page.open_import(str(path))
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: bool(dialogs) and dialogs[0].finished_work, timeout=10_000)
    finally:
        module.ProgressDialog = original
    assert dialog.pages.currentIndex() == 0 and dialog.preview is None


def test_a_save_name_typed_without_suffix_gets_the_chosen_one():
    from skilldesk.ui.widgets import with_suffix

    assert with_suffix("/tmp/名单", "Excel (*.xlsx)") == "/tmp/名单.xlsx"
    assert with_suffix("/tmp/名单", "CSV (*.csv)") == "/tmp/名单.csv"
    assert with_suffix("/tmp/名单.CSV", "Excel (*.xlsx)") == "/tmp/名单.CSV"
