"""The one app-wide broadcast: an operation changed something (Anki's operation_did_execute)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal


class Hub(QObject):
    # (Changes, initiator): pages refresh what the flags say, and skip refreshing
    # themselves when they were the initiator and already show the new state.
    sig_changes = Signal(object, object)
