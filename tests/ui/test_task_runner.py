"""TaskRunner's edges: work asked after the database closed is dropped (a page's timer
may fire while the window goes), and an answer for a closed dialog goes nowhere."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

from skilldesk.ui.tasks import TaskRunner


def test_work_asked_after_shutdown_is_dropped_quietly(qtbot):
    runner = TaskRunner()
    runner.shutdown()
    ran = []
    runner.run(lambda desk: ran.append("op"), on_done=ran.append)
    runner.run_side(lambda: ran.append("side"), on_done=ran.append)
    qtbot.wait(50)
    assert ran == []


def test_an_answer_for_a_deleted_widget_is_dropped(qtbot):
    runner = TaskRunner()
    label = QLabel()
    runner.run_side(lambda: "late", on_done=label.setText)
    label.deleteLater()
    qtbot.wait(50)   # deleted first (the answer is queued behind the deletion)
    runner.wait_idle()
    qtbot.wait(50)   # delivered: no error in the event loop (pytest-qt would fail the test)
    runner.shutdown()


@pytest.mark.qt_no_exception_capture
def test_other_runtime_errors_still_surface(qtbot, monkeypatch):
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: caught.append(info))
    runner = TaskRunner()

    def broken(_result):
        raise RuntimeError("a real bug")

    runner.run_side(lambda: 1, on_done=broken)
    qtbot.waitUntil(lambda: bool(caught), timeout=5_000)
    assert "a real bug" in str(caught[0][1])
    runner.shutdown()
