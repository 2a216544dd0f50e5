"""Printed forms for a class of 2,000 trainees (the demo's draft class, enrolled up to 2,000):
seconds per form through ``desk.reports.render`` (data gathering included), median of 3."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.reports.build import big_class  # noqa: E402
from tests.reports.build import demo  # noqa: E402

TRAINEES = 2000
KINDS = ("opening-application", "claim-roster")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="skilldesk-reports-"))
    desk = demo(folder / "demo.db", people=TRAINEES + 500, seed=1)
    class_id = big_class(desk, TRAINEES)
    figures = {}
    for kind in KINDS:
        times, pages = [], 0
        for run in range(3):
            start = time.perf_counter()
            result = desk.reports.render(kind, class_id, folder / f"{kind}.pdf",
                                         today=dt.date(2026, 10, 25))
            times.append(time.perf_counter() - start)
            pages = result.pages
        figures[kind] = {"seconds": statistics.median(times), "pages": pages,
                         "first": times[0]}
    print(json.dumps({"trainees": TRAINEES, "forms": figures}))


if __name__ == "__main__":
    main()
