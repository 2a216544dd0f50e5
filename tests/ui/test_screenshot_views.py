"""``skilldesk --screenshot OUT.png --view NAME``: the view is opened after the page has
loaded, its data arrives, and the PNG shows it (run in-process through ``app.main``)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from skilldesk.core.desk import Desk
from skilldesk.ui import screenshot_views
from skilldesk.ui.app import main
from skilldesk.ui.controller import AppController
from skilldesk.ui.mainwindow import MainWindow


@pytest.fixture
def shoot(qapp, tmp_path, monkeypatch, capsys):
    """Run ``skilldesk --db DB --screenshot OUT --view VIEW`` in this process; returns
    (exit code, image, the main window it drew, stderr); ``run.seen`` holds what
    *seen(widget)* noted about the grabbed widget. Windows left behind are deleted and
    the crash handler's hooks put back."""
    # quitting closes the windows; with quit-on-last-window-closed Qt then posts another
    # Quit that arrives after app.exec() returned and makes every later event loop of
    # this process return at once
    quit_on_close = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    before = set(QApplication.topLevelWidgets())
    runs = []
    grabbed: list[object] = []
    save = AppController._save_screenshot

    def recording_save(controller, widget) -> None:
        grabbed.append(look(widget))   # before the dialog is closed and deleted
        save(controller, widget)

    look = None
    monkeypatch.setattr(AppController, "_save_screenshot", recording_save)

    def run(db, view: str | None, name: str = "shot.png", *, seen=lambda widget: widget):
        """*seen(widget)*: what to note about the grabbed widget while it exists."""
        nonlocal look
        look = seen
        grabbed.clear()
        out = tmp_path / name
        argv = ["--db", str(db), "--lang", "en", "--screenshot", str(out)]
        if view is not None:
            argv += ["--view", view]
        code = main(argv)
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w not in before and w not in runs]
        runs.extend(windows)
        image = QImage(str(out)) if out.exists() else None
        run.seen = grabbed[0] if grabbed else None
        return code, image, (windows[-1] if windows else None), capsys.readouterr().err

    yield run
    for widget in set(QApplication.topLevelWidgets()) - before:
        widget.hide()
        widget.deleteLater()
    QApplication.processEvents()
    qapp.setQuitOnLastWindowClosed(quit_on_close)


def _not_blank(image: QImage) -> bool:
    """Drawn, not one flat colour: text and borders give many shades."""
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    return len(colours) > 10


def _class_with_sessions(db) -> tuple[str, int]:
    desk = Desk.open(db, readonly=True)
    try:
        for row in desk.classes.list(state="in_training").rows:
            return row.code, row.trainees
    finally:
        desk.close()
    raise AssertionError("the demo has no class in training")


def test_class_view_opens_the_class_on_the_tab_and_grabs_it(shoot, demo_copy):
    code, trainees = _class_with_sessions(demo_copy)
    plain_code, plain, _window, err = shoot(demo_copy, None, "plain.png")
    assert plain_code == 0, err

    exit_code, image, window, err = shoot(demo_copy, f"class:{code}:roster")

    assert exit_code == 0, err
    assert image.width() >= 1000 and image.height() >= 600 and _not_blank(image)
    detail = window.classes_page.detail
    assert window.current_page_key() == "classes"
    assert detail.view.record["code"] == code
    assert detail.current_tab_key() == "roster"
    assert detail.roster.table.rowCount() >= trainees > 0   # the roster had arrived
    assert image != plain   # not the dashboard the run started on
    assert window.screenshot_capture.finished


def test_review_view_grabs_the_dialog_after_its_check(shoot, demo_copy, tmp_path):
    package = tmp_path / "damaged.tsclaim"
    package.write_bytes(b"PK\x03\x04 not a real package")
    registry = tmp_path / "registry"
    registry.mkdir()

    def seen(dialog):
        return {"kind": type(dialog).__name__, "size": (dialog.width(), dialog.height()),
                "package": dialog.package_edit.text(), "registry": dialog.registry_edit.text(),
                "verdict": dialog.verdict.text()}

    exit_code, image, window, err = shoot(
        demo_copy, f"review:{package}{os.pathsep}{registry}", seen=seen)

    assert exit_code == 0, err
    review = shoot.seen
    assert review["kind"] == "ReviewDialog"
    assert review["package"] == str(package) and review["registry"] == str(registry)
    assert review["verdict"] not in ("", "Checking…")   # the check had answered
    # the dialog itself was grabbed, not the window behind it
    assert (image.width(), image.height()) == review["size"]
    assert review["size"] != (window.width(), window.height())


def test_shortcuts_view_grabs_the_shortcut_list(shoot, demo_copy):
    exit_code, image, _window, err = shoot(
        demo_copy, "shortcuts",
        seen=lambda d: (type(d).__name__, d.isVisible(), (d.width(), d.height())))

    assert exit_code == 0, err
    kind, visible, size = shoot.seen
    assert kind == "ShortcutsDialog" and visible
    assert (image.width(), image.height()) == size
    assert _not_blank(image)


def test_sync_view_shows_the_tab(shoot, demo_copy):
    exit_code, image, window, err = shoot(demo_copy, "sync:history")

    assert exit_code == 0, err
    assert window.current_page_key() == "sync"
    assert window.sync_page.tabs.currentIndex() == 2
    assert image.width() >= 1000


@pytest.mark.parametrize(("view", "words"), [
    ("nonsense", "Unknown view nonsense"),
    ("class:NO-SUCH-CLASS:roster", "NO-SUCH-CLASS"),
    ("class:SZ2026-0001:nosuchtab", "Unknown tab nosuchtab"),
    ("claim:SQ2099-0001", "No claim SQ2099-0001"),
    ("review:", "needs an argument"),
])
def test_a_view_that_cannot_be_shown_fails_with_a_message(shoot, demo_copy, view, words):
    exit_code, image, _window, err = shoot(demo_copy, view)

    assert exit_code == 1
    assert image is None   # nothing written
    assert words in err


def test_a_view_that_never_gets_ready_times_out(qtbot, gui):
    failures: list[str] = []
    done: list[object] = []
    view = screenshot_views.View(widget=gui.window, ready=lambda: False)
    screenshot_views.VIEWS["never"] = lambda _w, _a: view
    try:
        capture = screenshot_views.Capture(gui.window, "never", done=done.append,
                                           fail=failures.append, timeout_ms=2000)
        qtbot.waitUntil(lambda: capture.finished, timeout=10_000)
    finally:
        del screenshot_views.VIEWS["never"]
    assert not done
    assert failures and "never" in failures[0] and "2 seconds" in failures[0]


def test_every_picture_the_user_guide_shows_exists():
    """docs/user-guide.md embeds the pictures tools/guide_screenshots.py makes (numbered
    in the order it takes them): a renumbering must update the guide."""
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    guide = (docs / "user-guide.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", guide)
    assert len(pictures) >= 25
    missing = [p for p in pictures if not (docs / p).is_file()]
    assert not missing
