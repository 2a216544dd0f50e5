"""GUI fixtures: a demo database built once, a window over a copy of it."""

from __future__ import annotations

import shutil
import threading

import pytest

from skilldesk.core.desk import Desk
from skilldesk.ui.hub import Hub
from skilldesk.ui.mainwindow import MainWindow
from skilldesk.ui.tasks import TaskRunner

DEMO_PEOPLE = 450


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=DEMO_PEOPLE, seed=3)
    desk.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    path = tmp_path / "demo.skilldesk"
    shutil.copy(demo_file, path)
    return path


class Gui:
    def __init__(self, window: MainWindow, runner: TaskRunner, hub: Hub, db_threads: set[int]):
        self.window = window
        self.runner = runner
        self.hub = hub
        self.db_threads = db_threads


@pytest.fixture
def gui(qtbot, demo_copy):
    runner = TaskRunner()
    hub = Hub()
    db_threads: set[int] = set()
    desk = Desk.open(demo_copy)
    # record which threads run SQL: the GUI thread must never be one of them
    desk.db.conn.set_trace_callback(lambda _sql: db_threads.add(threading.get_ident()))
    runner.set_desk(desk)
    window = MainWindow(runner, hub)
    qtbot.addWidget(window)
    window.show_page("people")   # the window opens on 工作台; most tests start on 学员
    window.show()
    with qtbot.waitSignal(window.people_page.sig_ready, timeout=10_000):
        window.start()
    qtbot.waitUntil(lambda: window.people_page.model.total is not None, timeout=10_000)
    yield Gui(window, runner, hub, db_threads)
    runner.shutdown()
