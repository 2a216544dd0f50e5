"""The only progress-and-cancel protocol long operations see (Orange's TaskState).

The worker calls ``progress.update(done, total, label)`` and
``progress.check()``; the GUI polls ``snapshot()`` on a timer (it never gets
flooded with signals) and calls ``cancel()`` from its Cancel button.
``check()`` raises ``Cancelled``, which the faces treat as a quiet outcome.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from skilldesk.errors import Cancelled


@dataclass(frozen=True)
class ProgressSnapshot:
    done: int
    total: int
    label: str

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total > 0 else None


class Progress:
    """Thread-safe latest progress value plus a cancel flag."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = ProgressSnapshot(0, 0, "")
        self._cancelled = threading.Event()

    def update(self, done: int, total: int = 0, label: str | None = None) -> None:
        with self._lock:
            self._snapshot = ProgressSnapshot(
                done, total, self._snapshot.label if label is None else label
            )

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            return self._snapshot

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""
        if self._cancelled.is_set():
            raise Cancelled()


class NullProgress(Progress):
    """For callers that do not watch progress (tests, quick CLI calls)."""
