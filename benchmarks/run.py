"""All SkillDesk benchmarks in one command; prints figures for docs/benchmarks.md.

    python benchmarks/run.py            # everything (builds a 1,000,000-person database once)
    python benchmarks/run.py --quick    # 100,000 people for the page figures too

Databases are cached in benchmarks/.cache/ (git-ignored). GUI figures run on
Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SKILLDESK_HOME", tempfile.mkdtemp(prefix="skilldesk-bench-"))
sys.path.insert(0, str(HERE.parent))

from skilldesk.core.desk import Desk  # noqa: E402

QUERIES = {
    "surname, 1 char": "张",
    "given name, 2 chars": "建国",
    "full name, 3 chars": "王建国",
    "ID fragment, 6 digits": "199005",
    "ID fragment, 4 digits": "0508",
    "phone fragment, 4 digits": "1388",
    "digits, 2 chars": "37",
    "no match": "不存在的",
}


def demo_db(people: int) -> tuple[Path, float | None]:
    """A cached demo database with *people* people; build time if built now."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{people}.skilldesk"
    if path.exists():
        return path, None
    start = time.perf_counter()
    desk = Desk.open(path, create=True)
    desk.build_demo(people=people, seed=1)
    desk.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    return path, time.perf_counter() - start


def bench_demo() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.skilldesk"
        start = time.perf_counter()
        desk = Desk.open(path, create=True)
        summary = desk.build_demo(people=100_000, seed=1)
        desk.close()
        elapsed = time.perf_counter() - start
        size = path.stat().st_size / 1e6
    print(f"demo generation, 100,000 people: {elapsed:.2f} s "
          f"({summary.classes} classes, {summary.enrolments} enrolments, "
          f"{summary.attendance} attendance marks; {size:.0f} MB)  [target < 20 s]")


def _child(mode: str, db: Path | None) -> dict[str, float]:
    extra = [str(db)] if db is not None else []
    argv = [sys.executable, str(HERE / "startup_child.py"), mode, repr(time.time()), *extra]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    out = subprocess.run(argv, capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir(), env=env).stdout
    return {k: float(v) for k, v in (line.split() for line in out.splitlines() if line.strip())}


def bench_startup(db: Path, runs: int = 7) -> None:
    _child("bare", None)  # warm the file cache
    _child("app", db)
    bare = [_child("bare", None)["interactive"] for _ in range(runs)]
    app = [_child("app", db) for _ in range(runs)]
    bare_m = statistics.median(bare)
    inter = statistics.median(r["interactive"] for r in app)
    first = statistics.median(r["first_page"] for r in app)
    print(f"start-up, 100,000 people (median of {runs}): window interactive {inter:.3f} s, "
          f"first page of people shown {first:.3f} s; bare PySide6 window {bare_m:.3f} s; "
          f"ratio {inter / bare_m:.2f}x (first page {first / bare_m:.2f}x)  [target < 1.5 s]")


def bench_people(db: Path, people: int) -> None:
    from PySide6.QtWidgets import QApplication

    from skilldesk.ui.hub import Hub
    from skilldesk.ui.people_page import PeoplePage
    from skilldesk.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    desk = Desk.open(db)
    runner = TaskRunner(desk)

    def until(signal, action) -> float:
        done = []
        signal.connect(lambda *_: done.append(time.perf_counter()))
        start = time.perf_counter()
        action()
        while not done:
            app.processEvents()
            time.sleep(0.0005)
        signal.disconnect()
        return done[0] - start

    opens = []
    for _ in range(5):
        page = PeoplePage(runner, Hub())
        page.resize(1200, 700)
        page.show()
        opens.append(until(page.sig_ready, page.start))
        runner.wait_idle()
        page.close()
        page.deleteLater()
        app.processEvents()
    print(f"people page, {people:,} people: first screen shown in {min(opens) * 1000:.0f} ms "
          f"(first open {opens[0] * 1000:.0f} ms, median {statistics.median(opens) * 1000:.0f} ms)"
          f"  [target < 300 ms]")

    page = PeoplePage(runner, Hub())
    page.show()
    until(page.sig_ready, page.start)
    runner.wait_idle()
    for label, text in QUERIES.items():
        core = []
        for _ in range(5):
            start = time.perf_counter()
            rows = desk.people.search(text).rows
            core.append(time.perf_counter() - start)
        gui = until(page.model.sig_page_loaded, lambda t=text: page.model.set_query(t))
        runner.wait_idle()
        start = time.perf_counter()
        total = desk.people.count(text)
        counting = time.perf_counter() - start
        print(f"  search '{text}' ({label}): first screen {statistics.median(core) * 1000:.1f} ms "
              f"in the core, {gui * 1000:.1f} ms typed-to-shown in the GUI; "
              f"{len(rows)} rows shown, {total:,} matches counted in {counting * 1000:.0f} ms"
              f"  [target < 100 ms]")
    # responsiveness: the longest the GUI thread went without turning its event
    # loop while a slow count (a fragment most people match) ran on the worker
    from PySide6.QtCore import QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    page.model.set_query("3205")
    start = time.perf_counter()
    while page.model.total is None:
        app.processEvents()
        time.sleep(0.001)
    counted = time.perf_counter() - start
    timer.stop()
    gap = max((b - a for a, b in zip(ticks, ticks[1:])), default=0.0)
    print(f"  while counting {page.model.total:,} matches of '3205' ({counted:.2f} s on the "
          f"worker) the GUI thread's longest pause was {gap * 1000:.0f} ms")
    pages = []
    for _ in range(5):
        rows = page.model.rowCount()
        start = time.perf_counter()
        page.model.fetchMore()
        while page.model.rowCount() == rows:
            app.processEvents()
            time.sleep(0.0005)
        pages.append(time.perf_counter() - start)
    print(f"  scrolling: each further page of 200 rows arrives in "
          f"{statistics.median(pages) * 1000:.1f} ms (median of 5)")
    runner.shutdown()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the benchmark process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true",
                        help="use 100,000 people for the page figures (no 1M database)")
    parser.add_argument("--only", choices=("demo", "startup", "people"), action="append",
                        help="run only these parts (repeatable)")
    args = parser.parse_args()
    parts = set(args.only or ("demo", "startup", "people"))
    if "demo" in parts:
        bench_demo()
    if "startup" in parts:
        db100k, _built = demo_db(100_000)
        bench_startup(db100k)
    if "people" in parts:
        people = 100_000 if args.quick else 1_000_000
        db, built = demo_db(people)
        if built is not None:
            size = db.stat().st_size / 1e6
            print(f"built the {people:,}-person database in {built:.1f} s ({size:.0f} MB)")
        bench_people(db, people)


if __name__ == "__main__":
    main()
