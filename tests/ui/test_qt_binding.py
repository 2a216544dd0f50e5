"""The Qt binding itself: defects in it that would crash a long session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel


class _Filter(QObject):
    def eventFilter(self, _watched, _event) -> bool:  # noqa: N802 (Qt's name)
        return False


def test_calls_returning_nothing_keep_none_and_false_alive(qtbot):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every call that
    returns nothing (and to False from event filters): after a few thousand calls
    the process aborts with "deallocating None". pyproject.toml keeps it below 6.12."""
    label = QLabel()
    qtbot.addWidget(label)
    watcher = _Filter()
    label.installEventFilter(watcher)
    none_before, false_before = sys.getrefcount(None), sys.getrefcount(False)
    for n in range(500):
        label.setText(str(n % 7))
        label.event(QEvent(QEvent.Type.User))
    # other threads may hold or drop a few references meanwhile; the defect loses 500
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(False) - false_before) < 100
