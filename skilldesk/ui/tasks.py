"""All database work runs here: one worker thread, results back on the GUI thread.

Modelled on Anki's ``CollectionOp``/``QueryOp``: ``runner.run(op, ...)`` calls
``op(desk)`` on the single database thread and then ``on_done(result)`` or
``on_error(exc)`` on the GUI thread. Never touch Qt inside ``op``.

Long operations pass a ``Progress``; ``ui.widgets.ProgressDialog`` polls it on a
timer and its Cancel button calls ``progress.cancel()``; the op then raises
``Cancelled``, which is dropped quietly (the user asked for it).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal

from skilldesk.core.desk import Desk
from skilldesk.errors import Cancelled
from skilldesk.ui.errors import show_error

log = logging.getLogger(__name__)

Op = Callable[[Desk], Any]


def _is_deleted_widget(exc: RuntimeError) -> bool:
    """PySide's error for a call on a Qt object whose C++ side was deleted."""
    return "Internal C++ object" in str(exc) and "already deleted" in str(exc)


class TaskRunner(QObject):
    """Owns the Desk and the one thread allowed to use it."""

    _sig_finished = Signal(object)  # (future, on_done, on_error), delivered on the GUI thread
    sig_busy_changed = Signal(bool)

    def __init__(self, desk: Desk | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skilldesk-db")
        # for slow work that must not hold up the database thread and does not use
        # the Desk's connection (e.g. the integrity check on its own connection)
        self._side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skilldesk-side")
        self._desk = desk
        self._pending = 0
        self._closed = False
        self._sig_finished.connect(self._deliver)

    @property
    def desk(self) -> Desk | None:
        """The facade; only ops running on the worker may use it."""
        return self._desk

    @property
    def busy(self) -> bool:
        """Work is queued, running, or its result not yet delivered (screenshots wait for
        a quiet spell)."""
        return self._pending > 0

    def set_desk(self, desk: Desk) -> None:
        self._desk = desk

    def open_desk(self, opener: Callable[[], Desk], *, on_done: Callable[[Desk], None],
                  on_error: Callable[[BaseException], None]) -> None:
        """Open the database on the worker thread (pending migrations included)."""
        def op(_: Desk | None) -> Desk:
            desk = opener()
            self._desk = desk
            return desk
        self._submit(op, on_done, on_error, needs_desk=False)

    def run(self, op: Op, *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_cancel: Callable[[], None] | None = None) -> None:
        """Run ``op(desk)`` on the worker; call back on the GUI thread: ``on_done(result)``,
        ``on_error(exc)``, or ``on_cancel()`` when the op stopped because the user
        cancelled (never shown as an error)."""
        self._submit(op, on_done, on_error, needs_desk=True, on_cancel=on_cancel)

    def run_side(self, fn: Callable[[], Any], *, on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``fn()`` on the side thread (never the Desk); call back on the GUI thread."""
        self._submit(lambda _desk: fn(), on_done, on_error, needs_desk=False,
                     executor=self._side)

    def _submit(self, op: Callable, on_done, on_error, *, needs_desk: bool,
                executor: ThreadPoolExecutor | None = None, on_cancel=None) -> None:
        if self._closed:
            # a timer or late signal of a page whose database was closed (the window is
            # going, another database is being opened): nothing to ask any more
            log.debug("work asked after the database was closed; dropped")
            return
        self._pending += 1
        if self._pending == 1:
            self.sig_busy_changed.emit(True)

        def work() -> Any:
            if needs_desk and self._desk is None:
                raise RuntimeError("no database is open")
            return op(self._desk)

        future: Future = (executor or self._executor).submit(work)
        future.add_done_callback(
            lambda f: self._sig_finished.emit((f, on_done, on_error, on_cancel)))

    def _deliver(self, payload: tuple) -> None:
        future, on_done, on_error, on_cancel = payload
        self._pending -= 1
        if self._pending == 0:
            self.sig_busy_changed.emit(False)
        try:
            self._deliver_to(future, on_done, on_error, on_cancel)
        except RuntimeError as exc:
            # the dialog or page that asked was closed (and deleted) while the work ran:
            # the answer has nowhere to go, as a Qt slot of a deleted receiver would not
            if not _is_deleted_widget(exc):
                raise
            log.debug("a result arrived for a closed window; dropped")

    @staticmethod
    def _deliver_to(future: Future, on_done, on_error, on_cancel) -> None:
        exc = future.exception()
        if exc is None:
            if on_done is not None:
                on_done(future.result())
            return
        if isinstance(exc, Cancelled):
            log.info("operation cancelled by the user")
            if on_cancel is not None:
                on_cancel()
            return
        if on_error is not None:
            on_error(exc)
        else:
            show_error(None, exc)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until queued work finished (tests, screenshots, shutdown)."""
        self._executor.submit(lambda: None).result(timeout=timeout)

    def shutdown(self) -> None:
        """Finish queued work, close the database and stop the thread."""
        def close(_: Desk | None) -> None:
            if self._desk is not None:
                self._desk.close()
                self._desk = None
        self._closed = True
        self._executor.submit(close, None)
        self._executor.shutdown(wait=True)
        self._side.shutdown(wait=True, cancel_futures=True)
