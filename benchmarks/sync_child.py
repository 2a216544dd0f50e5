"""Sync bundle of 10,000 operations (issue 8): a field laptop with a copy of a 2,000-person
office registers 3,000 people, edits 2,000 and records 5,000 attendance marks while the office edits 200 of
the same people; then the laptop's bundle is exported (signed, encrypted) and imported at the
office (merged, with conflicts). Targets: export < 2 s, import < 5 s. Prints one JSON line."""

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
from skilldesk.core.models import PersonDraft  # noqa: E402
from skilldesk.core.people import draft_from  # noqa: E402
from skilldesk.rules.identifiers import id_check_char  # noqa: E402


def pair(a: Desk, b: Desk) -> None:
    a.sync.pair(b.sync.pairing_file()[0])
    b.sync.pair(a.sync.pairing_file()[0])


def set_phone(desk: Desk, person_id: str, phone: str) -> None:
    person = desk.people.get(person_id)
    desk.people.save(PersonDraft(**{**draft_from(person).__dict__, "phone": phone}),
                     person_id=person_id)


def marks(desk: Desk, wanted: int) -> int:
    """Attendance marks set in the classes in training (each a new or changed mark)."""
    done = 0
    classes = [r[0] for r in desk.db.execute(
        "SELECT id FROM training_class WHERE state IN ('in_training', 'completed')")]
    for status in ("absent", "late", "present", "leave"):
        for class_id in classes:
            grid = desk.attendance.grid(class_id)
            changes = {}
            for trainee in grid.trainees:
                for session in grid.sessions:
                    key = (trainee.enrolment_id, session.id)
                    if grid.marks.get(key) != status and done + len(changes) < wanted:
                        changes[key] = status
            if changes:
                desk.attendance.save(class_id, changes)
                done += len(changes)
            if done >= wanted:
                return done
    return done


def prepare(folder: Path) -> tuple[Path, Path, str]:
    office = Desk.open(folder / "office.skilldesk", create=True)
    office.build_demo(people=2000, seed=1)
    laptop = Desk.open(folder / "laptop.skilldesk", create=True)
    pair(office, laptop)
    start = time.perf_counter()
    laptop.sync.import_bundle(office.sync.export_bundle(laptop.device_id).data)
    first_copy = time.perf_counter() - start
    people = [r[0] for r in office.db.execute("SELECT id FROM person ORDER BY seq")]
    for n, person_id in enumerate(people[:200]):
        set_phone(office, person_id, f"1390000{n:04d}")
    for n, person_id in enumerate(people[:2000]):
        set_phone(laptop, person_id, f"1380000{n:04d}")
    for n in range(3000):         # people registered in the field
        body = f"3205851990{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
        name = "赵钱孙李周吴郑王"[n % 8] + "一二三四五六七八九十"[n // 8 % 10] + "春夏秋冬"[n // 80 % 4]
        laptop.people.save(PersonDraft(name=name, id_number=body + id_check_char(body),
                                       phone=f"1370000{n:04d}"))
    marked = marks(laptop, 5000)
    office_id = office.device_id
    office.close()
    laptop.close()
    return folder, Path(str(first_copy)), f"{office_id}|{marked}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        _folder, first_copy, info = prepare(base)
        office_id, marked = info.split("|")
        exports, imports, result = [], [], {}
        for run in range(3):
            run_dir = Path(tmp) / f"run{run}"
            shutil.copytree(base, run_dir)
            laptop = Desk.open(run_dir / "laptop.skilldesk")
            start = time.perf_counter()
            bundle = laptop.sync.export_bundle(office_id)
            exports.append(time.perf_counter() - start)
            laptop.close()
            office = Desk.open(run_dir / "office.skilldesk")
            start = time.perf_counter()
            imported = office.sync.import_bundle(bundle.data)
            imports.append(time.perf_counter() - start)
            office.close()
            result = {"changes": bundle.changes, "rows": bundle.rows,
                      "bundle_bytes": len(bundle.data), "counts": imported.counts}
        print(json.dumps({**result, "marks": int(marked),
                          "first_copy_seconds": float(str(first_copy)),
                          "export_seconds": statistics.median(exports),
                          "import_seconds": statistics.median(imports),
                          "export_runs": exports, "import_runs": imports}))


if __name__ == "__main__":
    main()
