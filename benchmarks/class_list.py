"""The class list with 10,000 classes: a cached database and the measurements.

``python benchmarks/class_list.py`` runs in its own process (run.py calls it),
so each figure includes nothing warmed up by another benchmark.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(HERE.parent))

from skilldesk.core import clock  # noqa: E402
from skilldesk.core.desk import Desk  # noqa: E402
from skilldesk.storage import bulk  # noqa: E402

CLASSES = 10_000
TRAINEES = 30


def class_db() -> Path:
    """A demo institution (20,000 people) whose classes are copied up to 10,000,
    each with 30 enrolments: the size of a large school after several years."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"classes-{CLASSES}.skilldesk"
    if path.exists():
        return path
    desk = Desk.open(path, create=True)
    desk.build_demo(people=20_000, seed=7)
    db = desk.db
    columns = bulk.COLUMNS["training_class"]
    templates = db.execute(f"SELECT {', '.join(columns)} FROM training_class").fetchall()
    people = [r[0] for r in db.execute("SELECT id FROM person")]
    rng = random.Random(7)
    classes, enrolments = [], []
    now = clock.utc_now()
    for n in range(CLASSES - len(templates)):
        row = dict(zip(columns, rng.choice(templates)))
        year = 2019 + n % 8
        shift = year - int(row["start_date"][:4])
        row.update(id=clock.new_id(), code=f"BX{year}-{n:05d}",
                   start_date=_shift(row["start_date"], shift),
                   end_date=_shift(row["end_date"], shift))
        classes.append(tuple(row[c] for c in columns))
        for person_id in rng.sample(people, TRAINEES):
            enrolments.append((clock.new_id(), row["id"], person_id, "", "enrolled", None, None,
                               None, None, now, now, desk.device_id))
    with desk.write():
        bulk.insert_rows(db, "training_class", classes)
        bulk.insert_rows(db, "enrolment", enrolments)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    return path


def _shift(day: str, years: int) -> str:
    year = int(day[:4]) + years
    return f"{year}{day[4:]}" if day[5:] != "02-29" else f"{year}-02-28"


def measure(path: Path) -> dict:
    figures: dict[str, float] = {}
    start = time.perf_counter()
    desk = Desk.open(path, readonly=True)
    page = desk.classes.list()
    figures["core_list_all_s"] = time.perf_counter() - start
    figures["classes"] = page.total
    for label, kwargs in (("year", {"year": 2024}), ("state", {"state": "in_training"}),
                          ("text", {"text": "电工"})):
        start = time.perf_counter()
        desk.classes.list(**kwargs)
        figures[f"core_list_{label}_s"] = time.perf_counter() - start
    desk.close()
    return figures


def measure_gui(path: Path) -> dict:
    """The 培训班 page: from start() to the list painted, on the offscreen platform."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from skilldesk.ui.classes_page import ClassesPage
    from skilldesk.ui.hub import Hub
    from skilldesk.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    runner.set_desk(Desk.open(path, readonly=True))
    page = ClassesPage(runner, Hub())
    page.resize(1280, 800)
    page.show()
    loop = QEventLoop()
    page.sig_ready.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)
    start = time.perf_counter()
    page.start()
    loop.exec()
    page.grab()  # the first paint of the list
    figures = {"gui_open_s": time.perf_counter() - start, "rows": page.model.rowCount()}
    start = time.perf_counter()
    page.table.scrollToBottom()
    page.grab()
    figures["gui_scroll_bottom_s"] = time.perf_counter() - start
    runner.shutdown()
    app.processEvents()
    return figures


if __name__ == "__main__":
    path = class_db()
    print(json.dumps(measure(path) | measure_gui(path)))
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of Qt objects: figures are printed
