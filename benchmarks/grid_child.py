"""The attendance grid benchmark (a child of run.py, offscreen): a class of
*trainees* × *sessions* built on a file database, then

- ``save``: the whole grid saved in one ``desk.attendance.save`` call;
- ``gui``: the 课次与考勤 tab loads it (time to first paint), scrolls to each
  column, and one keystroke updates the cell and its totals.

Prints one JSON line of figures. ``build_class`` is also used for screenshots.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from skilldesk.core.class_models import ClassDraft  # noqa: E402
from skilldesk.core.class_models import TeacherDraft  # noqa: E402
from skilldesk.core.desk import Desk  # noqa: E402
from skilldesk.core.models import InstitutionDraft  # noqa: E402
from skilldesk.core.models import PersonDraft  # noqa: E402
from skilldesk.rules.class_rules import Slot  # noqa: E402
from skilldesk.rules.identifiers import id_check_char  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def build_class(path: Path | None, trainees: int = 50, sessions: int = 80,
                state: str = "in_training") -> tuple[Desk, str, dt.date]:
    """A class with *trainees* enrolled and *sessions* 4-period sessions, moved on to
    *state*; returns the open Desk, the class id and the start date."""
    desk = Desk.open(path, create=path is not None)
    desk.institution.create(InstitutionDraft(name="苏州示范职业培训学校", uscc="91110000600037341L"))
    for n in range(trainees):
        body = f"320508199{n % 10}0{n % 9 + 1}1{n % 10}{n:03d}"
        desk.people.save(PersonDraft(name=SURNAMES[n % 20] + GIVEN[n % 21] + GIVEN[(n * 7) % 21],
                                     id_number=body + id_check_char(body)))
    people = [r.id for r in desk.people.search("").rows]
    start = dt.date.today() + dt.timedelta(days=20)
    periods = sessions * 4
    theory = periods * 3 // 10 // 4 * 4
    draft = ClassDraft(
        code="SZ-BENCH-001", name="电工（初级）", training_type="employment_skill",
        start_date=start.isoformat(), end_date=(start + dt.timedelta(days=sessions + 40)).isoformat(),
        occupation_code="6-31-01-03", occupation_name="电工", level="L5", category="A",
        theory_hours=theory, practice_hours=periods - theory, venue="实训楼 201",
        capacity=max(50, trainees), teaching_plan="教学计划", assessment_plan="考核方案",
        teachers=[TeacherDraft("李老师", "高级技师")])
    class_id = desk.classes.save(draft).ids[0]
    desk.classes.enrol(class_id, people)
    steps = ("filed", "approved", "in_training", "completed")
    for step in steps[:steps.index(state) + 1] if state in steps else ():
        if step == "in_training":
            desk.classes.advance(class_id, step, today=start)
        elif step == "completed":
            grid = desk.attendance.grid(class_id)
            desk.attendance.save(class_id, {(t.enrolment_id, s.id): "present"
                                            for t in grid.trainees for s in grid.sessions})
            desk.classes.advance(class_id, step, today=start + dt.timedelta(days=sessions + 41))
        else:
            desk.classes.advance(class_id, step)
        if step == "approved":
            desk.attendance.generate(class_id, weekdays=set(range(7)), slots=[Slot("08:30", 4)])
    return desk, class_id, start


def bench_save(folder: Path, runs: int = 5) -> dict:
    desk, class_id, _start = build_class(folder / "save.skilldesk")
    grid = desk.attendance.grid(class_id)
    statuses = ("present", "present", "present", "late", "leave", "absent")
    times = []
    for run in range(runs):
        marks = {(t.enrolment_id, s.id): statuses[(r + c + run) % len(statuses)]
                 for r, t in enumerate(grid.trainees) for c, s in enumerate(grid.sessions)}
        start = time.perf_counter()
        desk.attendance.save(class_id, marks, method="paper")
        times.append(time.perf_counter() - start)
    desk.close()
    return {"cells": len(marks), "save_first": times[0], "save_median": statistics.median(times)}


def bench_gui(folder: Path) -> dict:
    from PySide6.QtCore import QEvent
    from PySide6.QtCore import QObject
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from skilldesk.ui import fonts
    from skilldesk.ui.attendance_tab import AttendanceTab
    from skilldesk.ui.hub import Hub
    from skilldesk.ui.tasks import TaskRunner

    desk, class_id, _start = build_class(folder / "gui.skilldesk")
    app = QApplication.instance() or QApplication([])
    fonts.install(app)
    runner = TaskRunner(desk)
    tab = AttendanceTab(runner, Hub())
    tab.resize(1280, 800)
    tab.show()
    painted: list[float] = []

    class PaintSpy(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(time.perf_counter())
            return False

    spy = PaintSpy()
    tab.view.viewport().installEventFilter(spy)
    loaded: list[float] = []
    tab.sig_loaded.connect(lambda: loaded.append(time.perf_counter()))
    start = time.perf_counter()
    tab.load(class_id)
    while not loaded:
        app.processEvents()
        time.sleep(0.0005)
    painted.clear()
    while not painted:
        app.processEvents()
    tab.view.viewport().removeEventFilter(spy)
    first_paint = painted[0] - start
    model_and_paint = painted[0] - loaded[0]
    view = tab.view
    model = tab.model

    def repaint_ms() -> float:
        begin = time.perf_counter()
        view.viewport().repaint()
        return (time.perf_counter() - begin) * 1000

    scrolls = []
    for column in range(model.columnCount()):
        begin = time.perf_counter()
        view.scrollTo(model.index(len(model.trainees) - 1 if column % 2 else 0, column))
        view.viewport().repaint()
        scrolls.append((time.perf_counter() - begin) * 1000)
    repaints = [repaint_ms() for _ in range(20)]
    view.setFocus()
    keys = []
    for row in range(len(model.trainees)):
        view.setCurrentIndex(model.index(row, 40))
        begin = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_2)
        view.viewport().repaint()
        keys.append((time.perf_counter() - begin) * 1000)
    assert model.pending_count() == len(model.trainees)
    tab.close()
    runner.shutdown()
    return {"first_paint": first_paint, "model_and_paint": model_and_paint,
            "scroll_median_ms": statistics.median(scrolls), "scroll_max_ms": max(scrolls),
            "repaint_median_ms": statistics.median(repaints),
            "key_median_ms": statistics.median(keys), "key_max_ms": max(keys),
            "cells": len(model.trainees) * len(model.sessions)}


if __name__ == "__main__":
    import tempfile

    mode = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        result = bench_save(Path(folder)) if mode == "save" else bench_gui(Path(folder))
    print(json.dumps(result), flush=True)
    # Skip interpreter finalisation: PySide6 6.12 on CPython 3.11 leaves the
    # refcounts of None/True/False short after many Qt calls (they are immortal
    # only from 3.12), and the final garbage collection can then abort.
    os._exit(0)
