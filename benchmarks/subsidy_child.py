"""Subsidy decisions for every enrolment of a demo database, in its own process.
Prints JSON: seconds for the decisions alone and with the readiness report."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak import peak_mb  # noqa: E402

from skilldesk.core.desk import Desk

path = Path(sys.argv[1])
desk = Desk.open(path)  # migrates a cached database once
today = dt.date.today()
start = time.perf_counter()
results = desk.subsidy.check(today=today, readiness=False)
decided = time.perf_counter() - start
start = time.perf_counter()
with_readiness = desk.subsidy.check(today=today)
both = time.perf_counter() - start
print(json.dumps({
    "seconds": decided, "with_readiness_seconds": both,
    "classes": len(results), "enrolments": sum(len(r.lines) for r in results),
    "eligible": sum(r.eligible for r in results),
    "total_fen": sum(r.total_fen for r in results),
    "signals": sum(len(r.blocking) + len(r.warnings) for r in with_readiness),
    "peak_mb": peak_mb()}))
