"""All SkillDesk benchmarks in one command; prints figures for docs/benchmarks.md.

    python benchmarks/run.py            # everything (builds a 1,000,000-person database once)
    python benchmarks/run.py --quick    # 100,000 people for the page figures too

Databases are cached in benchmarks/.cache/ (git-ignored). GUI figures run on
Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import json
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


ROSTER_HEADER = ["序号", "姓名", "性别", "证件类型", "身份证号码", "出生日期", "联系电话",
                 "人员类别", "户籍所在地", "户籍性质", "文化程度", "工作单位",
                 "统一社会信用代码", "毕业院校", "备注"]


def roster_file(rows: int, suffix: str) -> Path:
    """A realistic roster with *rows* valid people (15 columns), cached."""
    import csv

    import openpyxl

    from skilldesk.rules.identifiers import id_check_char

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"roster-{rows}{suffix}"
    if path.exists():
        return path
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
    body_rows = []
    for n in range(rows):
        body = f"3205{n % 9 + 1:02d}{1970 + n % 35}{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
        body = body[:6] + body[6:14] + f"{(n // 1000) % 1000:03d}"
        number = body + id_check_char(body)
        sex = "男" if int(number[16]) % 2 else "女"
        body_rows.append([n + 1, surnames[n % 20] + given[n % 21] + given[(n // 21) % 21], sex,
                          "居民身份证", number, f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                          f"139{n:08d}", "农民工", "苏州市姑苏区人民路1号", "非农业", "高中",
                          "苏州某某电子有限公司", "91110000600037341L", "", ""])
    title = ["苏州市姑苏区示范职业培训学校2026年第3期学员花名册"]
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerows([ROSTER_HEADER, *body_rows])
        return path
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    for row in [title, ROSTER_HEADER, *body_rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def _measure(*argv: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    out = subprocess.run([sys.executable, str(HERE / "import_child.py"), *argv],
                         capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_import(rows: int = 50_000, runs: int = 3, csv_runs: int = 7) -> None:
    xlsx, csv_file = roster_file(rows, ".xlsx"), roster_file(rows, ".csv")
    results: dict[str, list[dict]] = {"openpyxl": [], "calamine": [], "skilldesk": [],
                                      "csv": []}
    for run in range(csv_runs):
        with tempfile.TemporaryDirectory() as folder:
            if run < runs:
                results["openpyxl"].append(_measure("openpyxl", str(xlsx)))
                results["calamine"].append(_measure("calamine", str(xlsx)))
                results["skilldesk"].append(_measure("skilldesk", str(xlsx), f"{folder}/a.db"))
            results["csv"].append(_measure("skilldesk", str(csv_file), f"{folder}/b.db"))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    ours = min(results["skilldesk"], key=lambda r: abs(r["seconds"] - med["skilldesk"]))
    print(f"roster import, {rows:,}-row .xlsx (15 columns), median of {runs}: "
          f"validated and committed in {med['skilldesk']:.2f} s "
          f"(reading+checking {ours['check_seconds']:.2f} s, committing "
          f"{ours['commit_seconds']:.2f} s; {ours['new']:,} new people); "
          f"openpyxl read-only merely reading it: {med['openpyxl']:.2f} s "
          f"-> ratio {med['skilldesk'] / med['openpyxl']:.2f}; python-calamine bare read "
          f"{med['calamine']:.2f} s -> ratio {med['skilldesk'] / med['calamine']:.1f}  "
          f"[target: ratio to openpyxl < 1]")
    print(f"  peak memory: SkillDesk import {max(r['peak_mb'] for r in results['skilldesk']):.0f} MB, "
          f"openpyxl read {max(r['peak_mb'] for r in results['openpyxl']):.0f} MB, "
          f"calamine read {max(r['peak_mb'] for r in results['calamine']):.0f} MB")
    csv_times = sorted(r["seconds"] for r in results["csv"])
    print(f"roster import, {rows:,}-row CSV, median of {csv_runs}: {med['csv']:.2f} s "
          f"(range {csv_times[0]:.2f}-{csv_times[-1]:.2f} s)  [target < 3 s]; then "
          f"{statistics.median(r['close_seconds'] for r in results['csv']):.2f} s copying "
          f"the WAL into the database file on close; peak "
          f"{max(r['peak_mb'] for r in results['csv']):.0f} MB")
    print(f"  (the .xlsx import's close: "
          f"{statistics.median(r['close_seconds'] for r in results['skilldesk']):.2f} s)")


def _grid_child(mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, str(HERE / "grid_child.py"), mode],
                         capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_classes(runs: int = 3) -> None:
    """The class list with 10,000 classes (class_list.py) and the attendance grid of one
    class: 50 trainees × 80 sessions (grid_child.py)."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    lists = [json.loads(subprocess.run(
        [sys.executable, str(HERE / "class_list.py")], capture_output=True, text=True,
        check=True, env=env).stdout.strip().splitlines()[-1]) for _ in range(runs)]
    first = lists[0]
    print(f"class list, {first['classes']:,} classes (30 trainees each), median of {runs}: "
          f"培训班 page open to painted "
          f"{statistics.median(r['gui_open_s'] for r in lists) * 1000:.0f} ms  [target < 300 ms]; "
          f"core query with the counts "
          f"{statistics.median(r['core_list_all_s'] for r in lists) * 1000:.0f} ms; filtered by "
          f"year / state / text "
          f"{statistics.median(r['core_list_year_s'] for r in lists) * 1000:.0f} / "
          f"{statistics.median(r['core_list_state_s'] for r in lists) * 1000:.0f} / "
          f"{statistics.median(r['core_list_text_s'] for r in lists) * 1000:.0f} ms; "
          f"scroll to the end {statistics.median(r['gui_scroll_bottom_s'] for r in lists) * 1000:.0f} ms")
    saves = [_grid_child("save") for _ in range(runs)]
    save = statistics.median(r["save_median"] for r in saves)
    print(f"attendance, 50 trainees × 80 sessions ({saves[0]['cells']:,} marks) saved in one "
          f"desk.attendance.save on a file database: {save * 1000:.0f} ms (median of "
          f"{runs}×5; first save {statistics.median(r['save_first'] for r in saves) * 1000:.0f} ms)"
          f"  [target < 200 ms]")
    guis = [_grid_child("gui") for _ in range(runs)]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in guis)

    print(f"  课次与考勤 tab, 50 × 80: load() to first paint {med('first_paint') * 1000:.0f} ms "
          f"(model reset to paint {med('model_and_paint') * 1000:.1f} ms); scrolling to each of "
          f"82 columns and repainting: median {med('scroll_median_ms'):.1f} ms, worst "
          f"{max(r['scroll_max_ms'] for r in guis):.1f} ms; full viewport repaint "
          f"{med('repaint_median_ms'):.1f} ms  [target < 50 ms]")
    print(f"  one keystroke (mark, totals, cursor down, repaint): median "
          f"{med('key_median_ms'):.1f} ms, worst {max(r['key_max_ms'] for r in guis):.1f} ms"
          f"  [target < 50 ms]")


def bench_subsidy(db: Path, runs: int = 3) -> None:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    figures = [json.loads(subprocess.run(
        [sys.executable, str(HERE / "subsidy_child.py"), str(db)], capture_output=True,
        text=True, check=True, env=env).stdout.strip().splitlines()[-1]) for _ in range(runs)]
    first = figures[0]
    print(f"subsidy decisions for {first['enrolments']:,} enrolments in {first['classes']:,} "
          f"classes ({first['eligible']:,} eligible, {first['total_fen'] / 100:,.0f} yuan), "
          f"median of {runs}: {statistics.median(f['seconds'] for f in figures):.2f} s  "
          f"[target < 3 s]; with the readiness report "
          f"{statistics.median(f['with_readiness_seconds'] for f in figures):.2f} s "
          f"({first['signals']:,} signals); peak {max(f['peak_mb'] for f in figures):.0f} MB")


def bench_dashboard(db: Path) -> None:
    """The 工作台's three queries on the 100,000-person database (dashboard_child.py)."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    out = json.loads(subprocess.run(
        [sys.executable, str(HERE / "dashboard_child.py"), str(db)], capture_output=True,
        text=True, check=True, env=env).stdout.strip().splitlines()[-1])
    print(f"工作台 on 100,000 people ({out['trainees']:,} trainees this year, "
          f"{out['todos_count']} to-dos), median of 5: figures {out['figures'] * 1000:.0f} ms, "
          f"charts {out['charts'] * 1000:.0f} ms, to-dos {out['todos'] * 1000:.0f} ms, "
          f"together {out['total'] * 1000:.0f} ms (first, cold cache: "
          f"{out['first_total'] * 1000:.0f} ms)  [target < 300 ms]")


def bench_reports() -> None:
    """Printed forms for a class of 2,000 trainees (reports_child.py)."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    out = subprocess.run([sys.executable, str(HERE / "reports_child.py")], capture_output=True,
                         text=True, check=True, env=env).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    for kind, f in figures["forms"].items():
        print(f"PDF {kind}, {figures['trainees']:,} trainees: {f['seconds']:.2f} s for "
              f"{f['pages']} pages ({f['pages'] / f['seconds']:.0f} pages/s; first run "
              f"{f['first']:.2f} s), median of 3  [target < 3 s]")


def bench_package() -> None:
    """Signed claim package, 2,000 trainees, ~10 MB of files (package_child.py), and a
    real claim of 2,000 trainees signed end to end with its forms (claim_child.py)."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    claims = [json.loads(subprocess.run(
        [sys.executable, str(HERE / "claim_child.py")], capture_output=True, text=True,
        check=True, env=env).stdout.strip().splitlines()[-1]) for _ in range(3)]
    first = claims[0]
    print(f"claim of {first['lines']:,} lines (2,000 trainees) signed end to end — claim form "
          f"and roster rendered, package built, signed and written ({first['package_bytes'] / 1e6:.1f}"
          f" MB): {statistics.median(c['sign_seconds'] for c in claims):.2f} s median of 3  "
          f"[target < 5 s]")
    out = subprocess.run([sys.executable, str(HERE / "package_child.py")], capture_output=True,
                         text=True, check=True, env=env).stdout
    f = json.loads(out.strip().splitlines()[-1])
    print(f"claim package, {f['trainees']:,} trainees, {f['package_bytes'] / 1e6:.1f} MB: "
          f"build+sign {f['build_seconds']:.2f} s (package part; forms excluded); verify "
          f"{f['verify_seconds']:.3f} s vs SHA-256 {f['sha256_seconds']:.3f} s  "
          f"[target verify <= 1.5 x hash + 0.3 s = {f['budget_seconds']:.3f} s]")


def bench_sync() -> None:
    """A field laptop's bundle of 10,000 operations, exported and imported (sync_child.py)."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    out = subprocess.run([sys.executable, str(HERE / "sync_child.py")], capture_output=True,
                         text=True, check=True, env=env).stdout
    f = json.loads(out.strip().splitlines()[-1])
    print(f"sync bundle of {f['changes']:,} operations ({f['rows']:,} records, "
          f"{f['bundle_bytes'] / 1e6:.1f} MB signed and encrypted): export "
          f"{f['export_seconds']:.2f} s  [target < 2 s]; import {f['import_seconds']:.2f} s "
          f"({f['counts']['added']:,} added, {f['counts']['updated']:,} updated, "
          f"{f['counts']['conflicts']} conflicts)  [target < 5 s]; medians of 3")
    print(f"  first full copy of the 2,000-person office to an empty laptop: "
          f"{f['first_copy_seconds']:.2f} s (export + import)")


def bench_encryption() -> None:
    """The same import and people-page work on a plaintext and an encrypted database."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "SKILLDESK_NO_AUTO_BACKUP": "1"}
    demo_db(100_000)
    roster_file(50_000, ".csv")
    out = subprocess.run([sys.executable, str(HERE / "encryption_child.py")],
                         capture_output=True, text=True, check=True, env=env).stdout
    f = json.loads(out.strip().splitlines()[-1])
    plain, enc = f["import_plain"], f["import_encrypted"]
    print(f"encryption at rest, 50,000-row CSV import: plaintext {plain:.2f} s, encrypted "
          f"{enc:.2f} s (+{(enc / plain - 1) * 100:.0f}%), medians of 3")
    p, e = f["people_plain"], f["people_encrypted"]
    print(f"  100,000 people: open {p['open'] * 1000:.0f} ms plain vs {e['open'] * 1000:.0f} ms "
          f"encrypted (the login's Argon2id included); first page {p['first_page'] * 1000:.1f} "
          f"vs {e['first_page'] * 1000:.1f} ms; searches "
          + ", ".join(f"{t} {p['searches'][t] * 1000:.1f}/{e['searches'][t] * 1000:.1f} ms"
                      for t in p["searches"]))
    print(f"  encrypting the 100,000-person database in place: "
          f"{f['encrypt_100k_seconds']:.1f} s (once, at set-up)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true",
                        help="use 100,000 people for the page figures (no 1M database)")
    parser.add_argument("--only", choices=("demo", "startup", "people", "import", "classes",
                                           "subsidy", "reports", "package", "sync", "encryption",
                                           "dashboard"),
                        action="append",
                        help="run only these parts (repeatable)")
    args = parser.parse_args()
    parts = set(args.only or ("demo", "startup", "people", "import", "classes", "subsidy",
                              "reports", "package", "sync", "encryption", "dashboard"))
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
    if "import" in parts:
        bench_import()
    if "classes" in parts:
        bench_classes()
    if "subsidy" in parts:
        people = 100_000 if args.quick else 1_000_000
        bench_subsidy(demo_db(people)[0])
    if "reports" in parts:
        bench_reports()
    if "package" in parts:
        bench_package()
    if "sync" in parts:
        bench_sync()
    if "encryption" in parts:
        bench_encryption()
    if "dashboard" in parts:
        bench_dashboard(demo_db(100_000)[0])


if __name__ == "__main__":
    main()
