"""One measurement of the 工作台 on a demo database (run by run.py): the figures, the charts
and the to-do list for this year, as the page loads them on the worker. Prints one JSON line."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time

from skilldesk.core.desk import Desk


def main(path: str, runs: int = 5) -> None:
    desk = Desk.open(path, readonly=True)
    year, today = dt.date.today().year, dt.date.today()
    parts: dict[str, list[float]] = {"figures": [], "charts": [], "todos": [], "total": []}
    for _ in range(runs):
        start = time.perf_counter()
        figures = desk.dashboard.figures(year)
        after_figures = time.perf_counter()
        desk.dashboard.charts(year)
        after_charts = time.perf_counter()
        todos = desk.dashboard.todos(today)
        end = time.perf_counter()
        parts["figures"].append(after_figures - start)
        parts["charts"].append(after_charts - after_figures)
        parts["todos"].append(end - after_charts)
        parts["total"].append(end - start)
    print(json.dumps({**{k: statistics.median(v) for k, v in parts.items()},
                      "first_total": parts["total"][0], "todos_count": len(todos),
                      "trainees": figures.trainees}))


if __name__ == "__main__":
    main(sys.argv[1])
