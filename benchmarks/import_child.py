"""Child process for the import benchmark: one measurement per process, so
each reports its own peak memory. Prints JSON: {"seconds": .., "peak_mb": ..}."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak import peak_mb  # noqa: E402

mode, path = sys.argv[1], Path(sys.argv[2])
extra: dict = {}
start = time.perf_counter()
if mode == "openpyxl":
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = sum(1 for _row in workbook.active.iter_rows(values_only=True))
    extra["rows"] = rows
elif mode == "calamine":
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python()
    extra["rows"] = len(rows)
elif mode == "skilldesk":
    from skilldesk.core.desk import Desk
    from skilldesk.core.models import InstitutionDraft

    db = Path(sys.argv[3])
    desk = Desk.open(db, create=True)
    desk.institution.create(InstitutionDraft(name="基准学校", uscc="91110000600037341L"))
    start = time.perf_counter()  # the import only, not creating the database
    preview = desk.roster.preview(path)
    checked = time.perf_counter()
    result = desk.roster.commit(preview)
    done = time.perf_counter()
    extra.update(result.counts, check_seconds=checked - start, commit_seconds=done - checked)
    # Closing copies the WAL into the database file: after the result, so it is
    # reported apart (the GUI does it on its worker once the user has the result).
    desk.close()
    extra["close_seconds"] = time.perf_counter() - done
    print(json.dumps({"seconds": done - start,
                      "peak_mb": peak_mb(),
                      **extra}))
    sys.exit(0)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": peak_mb(), **extra}))
