"""The cost of encryption at rest (issue 9): the same work on a plaintext and on an
encrypted (SQLCipher) database. Prints one JSON line.

- roster import: 50,000-row CSV validated and committed into a new institution database;
- people page: open a 100,000-person demo database (with the login for the encrypted one),
  the first page, and searches, in the core (what the page waits for).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from skilldesk.core.desk import Desk  # noqa: E402
from skilldesk.core.models import InstitutionDraft  # noqa: E402

SEARCHES = ("张", "建国", "199005", "1388")


def import_once(folder: Path, csv: Path, encrypted: bool) -> float:
    path = folder / f"import-{encrypted}-{time.monotonic_ns()}.skilldesk"
    desk = Desk.open(path, create=True)
    desk.institution.create(InstitutionDraft(name="基准学校", uscc="91110000600037341L"))
    if encrypted:
        desk.accounts.secure("admin", "bench-password")
    start = time.perf_counter()
    desk.roster.commit(desk.roster.preview(csv))
    seconds = time.perf_counter() - start
    desk.close()
    return seconds


def people_once(path: Path, encrypted: bool) -> dict:
    start = time.perf_counter()
    desk = Desk.open(path, user="admin" if encrypted else None,
                     password="bench-password" if encrypted else None)
    opened = time.perf_counter() - start
    start = time.perf_counter()
    desk.people.search("")
    first = time.perf_counter() - start
    searches = {}
    for text in SEARCHES:
        start = time.perf_counter()
        desk.people.search(text)
        searches[text] = time.perf_counter() - start
    desk.close()
    return {"open": opened, "first_page": first, "searches": searches}


def main() -> None:
    csv = HERE / ".cache" / "roster-50000.csv"
    demo = HERE / ".cache" / "demo-100000.skilldesk"
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for encrypted in (False, True):
            runs = [import_once(folder, csv, encrypted) for _ in range(3)]
            out[f"import_{'encrypted' if encrypted else 'plain'}"] = statistics.median(runs)
        plain = folder / "plain.skilldesk"
        shutil.copy(demo, plain)
        encrypted_db = folder / "encrypted.skilldesk"
        shutil.copy(demo, encrypted_db)
        desk = Desk.open(encrypted_db)
        start = time.perf_counter()
        desk.accounts.secure("admin", "bench-password")
        out["encrypt_100k_seconds"] = time.perf_counter() - start
        desk.close()
        for label, path, enc in (("plain", plain, False), ("encrypted", encrypted_db, True)):
            people_once(path, enc)   # warm the file cache
            runs = [people_once(path, enc) for _ in range(3)]
            out[f"people_{label}"] = {
                "open": statistics.median(r["open"] for r in runs),
                "first_page": statistics.median(r["first_page"] for r in runs),
                "searches": {t: statistics.median(r["searches"][t] for r in runs)
                             for t in SEARCHES}}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
