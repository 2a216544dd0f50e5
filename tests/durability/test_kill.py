"""Crash test (issue 9; SECURITY.md G8 "kill during import", G10 "kill during export").

A child process (``child.py``) imports 5,000-row Excel rosters one after another, or
creates and signs claims one after another, and is killed with SIGKILL at a random moment.
The database is then opened the app's own way (``Desk.open``, no manual step) and checked:

* ``PRAGMA integrity_check`` is ``ok`` (and the FTS index and foreign keys are sound);
* import: every batch is whole — its items, the people it created, the people it changed
  and its op-log rows all match its recorded counts, and a roster whose batch is absent left
  no trace (no people, no changed phone numbers); every batch the child saw committed is
  there; the people count is the sum of the batches' new rows;
* claims: every claim the child saw signed is signed in the database with the package at its
  final path, and that package verifies; no file at a final path fails to verify; a claim
  that is signed has its package, a claim the kill left as a draft can be signed normally
  (tried on a few runs); the package sequence chain has no gap or fork.

``SKILLDESK_KILL_RUNS`` (default 200, as the issue says) kills per mode; e.g. 20 for a quick
local run. ``SKILLDESK_KILL_SEED`` changes the random moments; ``SKILLDESK_KILL_REPORT`` names
a JSON file to write the figures to. Each kill gets a fresh copy of a template database made
once per mode (a file copy of a closed, checkpointed database: test set-up only); two runs go
at a time. The delays come from uninterrupted calibration runs (two side by side, like the
killed ones): a fifth drawn uniformly over the child's start-up, the rest uniformly over its
work up to just past its last commit, so kills land during start-up, reading and checking the
file, inside the commit, during the checkpoint and just after.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from skilldesk.core.desk import Desk
from skilldesk.core.models import InstitutionDraft
from skilldesk.rules.identifiers import id_check_char

pytestmark = pytest.mark.slow

CHILD = Path(__file__).resolve().parent / "child.py"
RUNS = int(os.environ.get("SKILLDESK_KILL_RUNS", "200"))
SEED = int(os.environ.get("SKILLDESK_KILL_SEED", "20261126"))
WORKERS = int(os.environ.get("SKILLDESK_KILL_WORKERS", "2"))
REPORT = os.environ.get("SKILLDESK_KILL_REPORT")
PASSPHRASE = "crash test passphrase 2026"

BASE_ROWS = 5000        # people imported (committed) into the template before any kill
FILES = 2               # rosters the child imports, one after another (after the base one)
FILE_ROWS = 5000        # rows per roster ...
CHANGED_ROWS = 500      # ... of which this many change the phone of a base person
CLAIM_TRAINEES = 400    # the big class of the claim mode (benchmarks/claim_child.py: 2,000)
MIN_RUNS_FOR_SHARE = 50  # fewer kills: the share is printed, not asserted
EARLY_SHARE = 0.2        # kills drawn over the child's start-up (before READY)
RESIGN_RUNS = 3         # runs in which a claim left as a draft is then signed normally

HEADER = ["序号", "姓名", "性别", "证件类型", "身份证号码", "出生日期", "联系电话", "人员类别",
          "户籍所在地", "文化程度"]
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


# -- the rosters -------------------------------------------------------------------------

def person_row(n: int, phone: str | None = None) -> list:
    """Person number *n*: a valid, unique ID number (unique for n < 1,000,000)."""
    body = (f"3205{n % 9 + 1:02d}{1970 + n % 35}{n % 12 + 1:02d}{n % 28 + 1:02d}"
            f"{(n // 1000) % 1000:03d}")
    number = body + id_check_char(body)
    sex = "男" if int(number[16]) % 2 else "女"
    return [n + 1, SURNAMES[n % 20] + GIVEN[n % 21] + GIVEN[(n // 21) % 21], sex, "居民身份证",
            number, f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
            phone or f"139{n:08d}", "农民工", "苏州市姑苏区人民路1号", "高中"]


def write_roster(path: Path, rows: list[list]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    for row in [["苏州市姑苏区示范职业培训学校2026年第3期学员花名册"], HEADER, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def roster_files(folder: Path) -> tuple[Path, list[Path]]:
    """The base roster and FILES rosters: each has FILE_ROWS - CHANGED_ROWS new people and
    CHANGED_ROWS base people with a new phone number."""
    base = write_roster(folder / "base.xlsx", [person_row(n) for n in range(BASE_ROWS)])
    files = []
    new = FILE_ROWS - CHANGED_ROWS
    for k in range(1, FILES + 1):
        changed = [person_row(n, f"137{k}{n:07d}")
                   for n in range((k - 1) * CHANGED_ROWS, k * CHANGED_ROWS)]
        fresh = [person_row(n) for n in range(BASE_ROWS + (k - 1) * new, BASE_ROWS + k * new)]
        files.append(write_roster(folder / f"roster-{k}.xlsx", changed + fresh))
    return base, files


# -- running and killing the child -------------------------------------------------------

def copy_template(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{template}{suffix}").exists(), "the template must be closed"
    db = folder / "school.skilldesk"
    shutil.copyfile(template, db)
    return db


def child_env() -> dict:
    from skilldesk.signing.keys import PASSPHRASE_ENV

    return {**os.environ, PASSPHRASE_ENV: PASSPHRASE}


def calibrate(argvs: list[list[str]]) -> list[tuple[float, str]]:
    """The child's lines with the time (s after its start) each arrived, in uninterrupted
    runs made side by side like the killed ones (the median time of each line)."""
    def one(argv: list[str]) -> list[tuple[float, str]]:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(CHILD), *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=child_env())
        events = [(time.perf_counter() - start, line.strip()) for line in proc.stdout]
        err = proc.stderr.read()
        assert proc.wait() == 0, err
        return events

    with ThreadPoolExecutor(max_workers=len(argvs)) as pool:
        runs = list(pool.map(one, argvs))
    assert len({tuple(line.split()[0] for _t, line in run) for run in runs}) == 1
    return [(statistics.median(run[i][0] for run in runs), runs[0][i][1])
            for i in range(len(runs[0]))]


def run_and_kill(argv: list[str], delay: float, **env: str) -> dict:
    """Start the child, SIGKILL it *delay* s later (unless it finished), return its lines."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(CHILD), *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**child_env(), **env})
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        killed = True
    out, err = proc.communicate()
    if proc.returncode == 0:
        killed = False   # it finished between the timeout and the signal
    return {"delay": delay, "killed": killed, "returncode": proc.returncode,
            "elapsed": time.perf_counter() - start,
            "lines": [line.split() for line in out.splitlines() if line.strip()], "stderr": err}


def where(lines: list[list[str]], killed: bool) -> tuple[str, bool]:
    """Where the kill landed: startup (before READY), inside (a commit/create/sign call was
    running), between (reading/checking a file, checkpointing, between claims) or after (the
    child had finished); and whether a transaction had been opened in it (TXOPEN last)."""
    words = [w[0] for w in lines]
    if not killed or "DONE" in words:
        return "after", False
    if "READY" not in words:
        return "startup", False
    last = words[-1]
    tx = last == "TXOPEN"
    calls = [w for w in words if w in ("BEGIN", "CREATE", "COMMITTED", "DRAFT", "SIGNED")]
    inside = bool(calls) and calls[-1] in ("BEGIN", "CREATE")
    return ("inside" if inside else "between"), tx


def kill_runs(argv_for, delays: list[float], check) -> list[dict]:
    """Each delay: a fresh copy, the child killed, the database checked (two at a time)."""
    def one(index: int) -> dict:
        argv, context = argv_for(index)
        result = run_and_kill(argv, delays[index])
        result["index"] = index
        result["where"], result["tx"] = where(result["lines"], result["killed"])
        result["seen"] = "child-failed"
        if result["killed"] and result["returncode"] != -signal.SIGKILL:
            result["problems"] = [f"child exited {result['returncode']} before the kill: "
                                  f"{result['stderr'][-800:]}"]
        elif not result["killed"] and result["returncode"] != 0:
            result["problems"] = [f"child failed ({result['returncode']}): "
                                  f"{result['stderr'][-800:]}"]
        else:
            result["problems"] = check(result, context)
        return result

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(one, range(len(delays))))


def delays_for(mode: str, ready: float, end: float) -> list[float]:
    """EARLY_SHARE of the kills uniformly over the child's start-up [0, ready], the rest
    uniformly over its work [ready, end] (start-up alone is half the claim child's time)."""
    rng = random.Random(f"{SEED}-{mode}")
    return [rng.uniform(0.0, ready) if rng.random() < EARLY_SHARE else rng.uniform(ready, end)
            for _ in range(RUNS)]


def integrity(desk: Desk) -> list[str]:
    problems = []
    rows = [r[0] for r in desk.db.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems.append(f"integrity_check: {rows[:5]}")
    if desk.db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("foreign_key_check found rows")
    try:
        desk.db.execute("INSERT INTO person_fts(person_fts) VALUES('integrity-check')")
    except Exception as exc:  # noqa: BLE001  (reported, not raised)
        problems.append(f"person_fts integrity-check: {exc}")
    return problems


def summarise(mode: str, results: list[dict], seconds: float, extra: dict) -> dict:
    places = Counter(r["where"] for r in results)
    seen = Counter((r["where"], r["seen"]) for r in results)
    summary = {
        "mode": mode, "runs": len(results), "seed": SEED, "workers": WORKERS,
        "seconds": round(seconds, 1),
        "where": dict(places),
        "inside_share": round(places["inside"] / len(results), 3),
        "transaction_open_share": round(sum(r["tx"] for r in results) / len(results), 3),
        "by_last_line_seen": {f"{w}/{s}": n for (w, s), n in sorted(seen.items())},
        "delay_median_s": round(statistics.median(r["delay"] for r in results), 3),
        **extra,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if REPORT:
        with _REPORT_LOCK:
            path = Path(REPORT)
            data = json.loads(path.read_text()) if path.exists() else {}
            data[mode] = summary
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return summary


_REPORT_LOCK = threading.Lock()


def assert_clean(results: list[dict]) -> None:
    bad = [(r["index"], r["delay"], p) for r in results for p in r["problems"]]
    assert not bad, f"{len(bad)} problems, first ones: {bad[:15]}"


# -- import mode -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def import_setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill-import")
    base, files = roster_files(folder)
    template = folder / "template.skilldesk"
    desk = Desk.open(template, create=True)
    desk.institution.create(InstitutionDraft(name="示范学校", uscc="91110000600037341L"))
    desk.roster.commit(desk.roster.preview(base))
    before = dict(desk.db.execute("SELECT id, phone FROM person").fetchall())
    desk.close()
    # an uninterrupted run: timing, and what each roster changes when it is committed
    dbs = [copy_template(template, folder / f"calibration{n}") for n in range(WORKERS)]
    events = calibrate([["import", str(db), *map(str, files)] for db in dbs])
    db = dbs[0]
    desk = Desk.open(db)
    try:
        changes = {}
        for batch_id, name in desk.db.execute("SELECT id, file_name FROM import_batch"):
            ids = [r[0] for r in desk.db.execute(
                "SELECT entity_id FROM import_batch_item WHERE batch_id = ? AND action = 'update'",
                [batch_id])]
            after = {i: desk.db.execute("SELECT phone FROM person WHERE id = ?", [i]).fetchone()[0]
                     for i in ids}
            changes[name] = (after, {i: before[i] for i in ids})
    finally:
        desk.close()
    assert set(changes) == {"base.xlsx", *(f.name for f in files)}
    for name, (after, old) in changes.items():
        if name != "base.xlsx":
            assert len(after) == CHANGED_ROWS and all(after[i] != old[i] for i in after)
    return {"folder": folder, "template": template, "files": files, "events": events,
            "changes": changes, "base_people": len(before)}


def check_import(result: dict, context: dict) -> list[str]:
    db, setup = context["db"], context["setup"]
    problems: list[str] = []
    lines = result["lines"]
    committed = {w[1]: w for w in lines if w[0] == "COMMITTED"}
    result["seen"] = "committed-seen" if committed else "none-seen"
    try:
        desk = Desk.open(db)
    except Exception as exc:  # noqa: BLE001
        return [f"Desk.open failed: {type(exc).__name__}: {exc}"]
    try:
        problems += integrity(desk)
        db_ = desk.db
        batches = {r[0]: r for r in db_.execute(
            "SELECT id, file_name, rows, new, updated, unchanged, invalid, state, at "
            "FROM import_batch").fetchall()}
        names = [b[1] for b in batches.values()]
        if "base.xlsx" not in names:
            problems.append("the base batch committed in the template is gone")
        if len(names) != len(set(names)):
            problems.append(f"a roster imported twice: {names}")
        for batch_id, words in committed.items():
            if batch_id not in batches:
                problems.append(f"COMMITTED batch {batch_id} ({words[-1]}) is missing")
        began = [w[1] for w in lines if w[0] == "BEGIN"]
        for batch_id, (_id, name, rows, new, updated, unchanged, invalid, state, at) \
                in batches.items():
            if name != "base.xlsx" and batch_id not in committed:
                # only the commit the kill interrupted after it returned may be unseen
                if not began or began[-1] != name:
                    problems.append(f"batch of {name} present, but its commit never started")
                result["seen"] = "committed-unseen"
            items = dict(db_.execute(
                "SELECT action, count(*) FROM import_batch_item WHERE batch_id = ? "
                "GROUP BY action", [batch_id]).fetchall())
            people = db_.execute(
                "SELECT count(*) FROM import_batch_item i JOIN person p ON p.id = i.entity_id "
                "WHERE i.batch_id = ? AND i.entity = 'person' AND i.action = 'create'",
                [batch_id]).fetchone()[0]
            ops = db_.execute("SELECT count(*) FROM op_log WHERE at = ? AND entity = 'person'",
                              [at]).fetchone()[0]
            if (rows, invalid, state) != (FILE_ROWS if name != "base.xlsx" else BASE_ROWS,
                                          0, "committed"):
                problems.append(f"batch {name}: rows {rows}, invalid {invalid}, state {state}")
            if items.get("create", 0) != new or items.get("update", 0) != updated:
                problems.append(f"batch {name}: items {items} but new {new}, updated {updated}")
            if people != new:
                problems.append(f"batch {name}: {people} of its {new} new people exist")
            if ops != new + updated:
                problems.append(f"batch {name}: {ops} op-log rows for {new + updated} changes")
        total = db_.execute("SELECT count(*) FROM person").fetchone()[0]
        expected = sum(b[3] for b in batches.values())
        if total != expected:
            problems.append(f"{total} people, but the batches added {expected}")
        present = set(names)
        for name, (after, old) in setup["changes"].items():
            if name == "base.xlsx":
                continue
            want = after if name in present else old
            got = dict(db_.execute(
                f"SELECT id, phone FROM person WHERE id IN ({','.join('?' * len(want))})",
                list(want)).fetchall())
            wrong = sum(1 for i in want if got.get(i) != want[i])
            if wrong:
                problems.append(f"{name} ({'committed' if name in present else 'absent'}): "
                                f"{wrong} of its {len(want)} changed phone numbers are wrong")
        result["batches"] = len(batches) - 1
    finally:
        desk.close()
    return problems


def test_kill_during_import(import_setup, tmp_path):
    setup = import_setup
    events = setup["events"]
    commits = [t for t, line in events if line.startswith("COMMITTED")]
    begins = [t for t, line in events if line.startswith("BEGIN")]
    ready = next(t for t, line in events if line == "READY")
    end = commits[-1] * 1.03
    delays = delays_for("import", ready, end)

    def argv_for(index: int):
        db = copy_template(setup["template"], tmp_path / f"run{index:03d}")
        return (["import", str(db), *map(str, setup["files"])],
                {"db": db, "setup": setup})

    start = time.perf_counter()
    results = kill_runs(argv_for, delays, check_import)
    seconds = time.perf_counter() - start
    summary = summarise("import", results, seconds, {
        "calibration_s": {"ready": round(ready, 3), "begin": [round(t, 3) for t in begins],
                          "committed": [round(t, 3) for t in commits]},
        "rows_per_roster": FILE_ROWS, "rosters": FILES,
        "batches_present": dict(Counter(r.get("batches") for r in results)),
    })
    assert_clean(results)
    if RUNS >= MIN_RUNS_FOR_SHARE:
        assert summary["inside_share"] > 0.20, summary


# -- claim mode --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def claim_setup(tmp_path_factory):
    from skilldesk.package.registry import KeyRegistry
    from skilldesk.signing.keys import export_public
    from skilldesk.signing.keys import generate_key_file
    from skilldesk.signing.keys import load_private_key
    from tests.reports.build import assessed_class
    from tests.reports.build import big_class
    from tests.reports.build import demo

    folder = tmp_path_factory.mktemp("kill-claim")
    template = folder / "template.skilldesk"
    desk = demo(template, people=2500, seed=1)  # as benchmarks/claim_child.py
    small = [row.id for row in desk.classes.list(state="assessed").rows]
    big = big_class(desk, CLAIM_TRAINEES)
    assessed_class(desk, big)
    inst = desk.institution.get()
    before = {c["id"] for c in desk.claims.list()}
    desk.close()
    key = folder / "institution.key"
    generate_key_file(key, PASSPHRASE, institution={"name": inst.name, "uscc": inst.uscc},
                      created_at="2026-11-01T00:00:00Z")
    (folder / "registry").mkdir()
    export_public(key, folder / "registry" / "institution.json")
    registry = KeyRegistry.load(folder / "registry")
    # a small claim, then the big one
    classes = [small[0], big]
    argvs = []
    for n in range(WORKERS):
        db = copy_template(template, folder / f"calibration{n}")
        (db.parent / "out").mkdir()
        argvs.append(["claim", str(db), str(key), str(db.parent / "out"), *classes])
    events = calibrate(argvs)
    return {"template": template, "key": key, "registry": registry, "classes": classes,
            "events": events, "private_key": load_private_key(key, PASSPHRASE),
            "resigned": [], "lock": threading.Lock(), "template_claims": before}


def check_claims(result: dict, context: dict) -> list[str]:
    from skilldesk.package.verify import verify_package
    from skilldesk.storage import claims as claim_sql

    db, out, setup = context["db"], context["out"], context["setup"]
    registry = setup["registry"]
    problems: list[str] = []
    lines = result["lines"]
    signed = {w[1]: w for w in lines if w[0] == "SIGNED"}
    result["seen"] = "signed-seen" if signed else "none-seen"
    verified: dict[Path, object] = {}

    def verify(path: Path):
        if path not in verified:
            verified[path] = verify_package(path, registry)
        return verified[path]

    finals = sorted(p for p in out.iterdir() if p.name.endswith(".tsclaim"))
    temps = sorted(p for p in out.iterdir() if p.name.endswith(".tmp"))
    other = sorted(set(out.iterdir()) - set(finals) - set(temps))
    result["temp_files"] = len(temps)
    if other:
        problems.append(f"unexpected files: {other}")
    for path in finals:
        check = verify(path)
        if not check.valid:
            problems.append(f"{path.name} at a final path does not verify: {check.codes}")
    try:
        desk = Desk.open(db)
    except Exception as exc:  # noqa: BLE001
        return problems + [f"Desk.open failed: {type(exc).__name__}: {exc}"]
    try:
        problems += integrity(desk)
        claims = {c["claim_no"]: c for c in desk.claims.list()}
        for claim_no, words in signed.items():
            claim = claims.get(claim_no)
            path = Path(words[2])
            if claim is None or claim["state"] != "signed":
                problems.append(f"SIGNED {claim_no} is {claim and claim['state']} in the database")
            elif claim["manifest_sha256"] != words[3]:
                problems.append(f"SIGNED {claim_no}: manifest hash changed")
            if not path.exists():
                problems.append(f"SIGNED {claim_no}: no package at {path}")
        drafts, orphans = [], []
        for claim_no, claim in claims.items():
            path = out / f"{claim_no}.tsclaim"
            if claim["id"] in setup["template_claims"]:
                continue
            if claim["state"] == "signed":
                if not path.exists():
                    problems.append(f"{claim_no} is signed but has no package at {path}")
                elif verify(path).manifest_sha256 != claim["manifest_sha256"]:
                    problems.append(f"{claim_no}: the package is not the one signed")
                classes = {c["state"] for c in claim_sql.classes_of(desk.db, claim["id"])}
                if classes != {"claimed"}:
                    problems.append(f"{claim_no} signed, its classes are {classes}")
            elif claim["state"] == "draft":
                drafts.append(claim_no)
                if path.exists():
                    orphans.append(claim_no)  # a verifying package of a claim still a draft
                classes = {c["state"] for c in claim_sql.classes_of(desk.db, claim["id"])}
                if classes != {"assessed"}:
                    problems.append(f"{claim_no} draft, its classes are {classes}")
        chain = sorted((c["package_seq"], c["manifest_sha256"], c["prev_manifest_sha256"])
                       for c in claims.values() if c["package_seq"] is not None)
        for (seq, _m, _p), (next_seq, _m2, prev) in zip(chain, chain[1:]):
            if next_seq != seq + 1 or prev != _m:
                problems.append(f"package chain broken after seq {seq}: {chain}")
        result["drafts"], result["orphans"] = len(drafts), len(orphans)
        result["resigned"] = False
        if drafts and not problems:
            with setup["lock"]:
                resign = len(setup["resigned"]) < RESIGN_RUNS
                if resign:
                    setup["resigned"].append(result["index"])
            if resign:
                claim_no = min(drafts, key=lambda no: claim_sql.line_count(
                    desk.db, claims[no]["id"]))  # the smallest: signing takes time
                path = out / f"{claim_no}.tsclaim"
                desk.claims.sign(claim_no, setup["private_key"], path)
                again = desk.claims.get(claim_no)
                check = verify_package(path, registry)
                if again["state"] != "signed" or not check.valid or \
                        check.manifest_sha256 != again["manifest_sha256"]:
                    problems.append(f"{claim_no}: signing the draft after the kill failed "
                                    f"({again['state']}, {check.codes})")
                result["resigned"] = True
    finally:
        desk.close()
    return problems


def test_kill_during_claim_build(claim_setup, tmp_path):
    setup = claim_setup
    events = setup["events"]
    signs = [t for t, line in events if line.startswith("SIGNED")]
    begins = [t for t, line in events if line.startswith("BEGIN")]
    ready = next(t for t, line in events if line == "READY")
    end = signs[-1] * 1.03
    delays = delays_for("claim", ready, end)

    def argv_for(index: int):
        folder = tmp_path / f"run{index:03d}"
        db = copy_template(setup["template"], folder)
        out = folder / "out"
        out.mkdir()
        return (["claim", str(db), str(setup["key"]), str(out), *setup["classes"]],
                {"db": db, "out": out, "setup": setup})

    start = time.perf_counter()
    results = kill_runs(argv_for, delays, check_claims)
    seconds = time.perf_counter() - start
    summary = summarise("claim", results, seconds, {
        "calibration_s": {"ready": round(ready, 3), "begin": [round(t, 3) for t in begins],
                          "signed": [round(t, 3) for t in signs]},
        "claim_trainees": CLAIM_TRAINEES, "claims_per_run": len(setup["classes"]),
        "runs_with_temp_files_left": sum(1 for r in results if r.get("temp_files")),
        "temp_files_left": sum(r.get("temp_files", 0) for r in results),
        "runs_with_draft_left": sum(1 for r in results if r.get("drafts")),
        "orphan_packages": sum(r.get("orphans", 0) for r in results),
        "drafts_signed_after_kill": sum(1 for r in results if r.get("resigned")),
    })
    assert_clean(results)
    if RUNS >= MIN_RUNS_FOR_SHARE:
        assert summary["inside_share"] > 0.20, summary
    assert summary["drafts_signed_after_kill"] >= min(RESIGN_RUNS, summary["runs_with_draft_left"])


@pytest.mark.parametrize("point", ["fsync", "replace"])
def test_kill_at_each_package_write_step(claim_setup, tmp_path, point):
    """The two instants a random kill rarely hits, hit on purpose: the child kills itself
    right after the temporary package file is synced (``fsync``), and right after it is
    renamed to the final path but before the transaction that marks the claim signed
    commits (``replace``)."""
    from skilldesk.package.verify import verify_package
    from skilldesk.storage import claims as claim_sql

    setup = claim_setup
    db = copy_template(setup["template"], tmp_path / "run")
    out = tmp_path / "run" / "out"
    out.mkdir()
    result = run_and_kill(["claim", str(db), str(setup["key"]), str(out), setup["classes"][0]],
                          120.0, SKILLDESK_CHILD_KILL_AT=point)
    assert result["lines"][-1] == ["KILLSELF", point], result["stderr"]
    assert result["returncode"] == -signal.SIGKILL
    claim_no = next(w[1] for w in result["lines"] if w[0] == "BEGIN")
    final = out / f"{claim_no}.tsclaim"
    temps = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    desk = Desk.open(db)   # the app's own open: no manual step
    try:
        assert integrity(desk) == []
        claim = desk.claims.get(claim_no)
        assert claim["state"] == "draft"    # the transaction never committed
        assert {c["state"] for c in claim_sql.classes_of(desk.db, claim["id"])} == {"assessed"}
        orphan = None
        if point == "fsync":
            assert not final.exists() and len(temps) == 1   # G10: no file at the final path
        else:
            assert not temps
            orphan = verify_package(final, setup["registry"])
            assert orphan.valid    # G10: the file at the final path verifies ...
            # ... but it is a signed package of a claim the database still calls a draft
        desk.claims.sign(claim_no, setup["private_key"], final)   # signing again just works
        again = desk.claims.get(claim_no)
        check = verify_package(final, setup["registry"])
        assert again["state"] == "signed" and check.valid
        assert check.manifest_sha256 == again["manifest_sha256"]
        left = sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))
        assert left == []   # signing again clears what the killed signing left behind
    finally:
        desk.close()
    Desk.open(db).close()   # "next start": the temporary file is still there (see the report)
    left_after_start = sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))
    print(json.dumps({"point": point, "temp_files_after_resign": left,
                      "temp_files_after_next_start": left_after_start,
                      "orphan_seq": orphan and orphan.seq, "resigned_seq": check.seq,
                      "orphan_manifest": orphan and orphan.manifest_sha256,
                      "resigned_manifest": check.manifest_sha256}))
