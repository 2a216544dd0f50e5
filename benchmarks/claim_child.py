"""A claim of 2,000 trainees signed end to end (forms rendered, package built and
signed, written), then verified: one run in its own process; prints JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from skilldesk.core import clock  # noqa: E402
from skilldesk.storage import bulk  # noqa: E402
from tests.reports.build import big_class  # noqa: E402
from tests.reports.build import demo  # noqa: E402

TRAINEES = 2000
TODAY = dt.date(2026, 11, 26)


def assessed_class(desk, class_id: str) -> None:
    """Turn the big draft class into an assessed one: every session marked present,
    every trainee passed with a certificate (benchmark data, written directly)."""
    db = desk.db
    record = desk.classes.get(class_id)
    end = dt.date.fromisoformat(record["end_date"])
    issued = (end + dt.timedelta(days=10)).isoformat()
    now = clock.utc_now()
    roster = desk.classes.roster(class_id, include_withdrawn=False)
    sessions = [s.id for s in desk.attendance.sessions(class_id)]
    with desk.write():
        db.execute("UPDATE training_class SET state = 'assessed', fee_fen = 500000 WHERE id = ?",
                   [class_id])
        db.execute("UPDATE enrolment SET result = 'pass' WHERE class_id = ?", [class_id])
        bulk.insert_rows(db, "attendance", [
            (clock.new_id(), s, t["enrolment_id"], "present", None, None, "paper", now, now,
             desk.device_id) for s in sessions for t in roster])
        bulk.insert_rows(db, "certificate", [
            (clock.new_id(), t["enrolment_id"], "skill_level", f"S000032000001265{n:06d}",
             record["level"], issued, "苏州市职业技能鉴定中心", now, now, desk.device_id)
            for n, t in enumerate(roster)])


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="skilldesk-claim-"))
    desk = demo(folder / "demo.db", people=TRAINEES + 500, seed=1)
    class_id = big_class(desk, TRAINEES)
    assessed_class(desk, class_id)
    claim_id = desk.claims.create([class_id], today=TODAY).ids[0]
    claim_no = next(c["claim_no"] for c in desk.claims.list() if c["id"] == claim_id)
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    out = folder / "claim.tsclaim"
    start = time.perf_counter()
    desk.claims.sign(claim_no, key, out, today=TODAY)
    sign_seconds = time.perf_counter() - start
    data = out.read_bytes()
    start = time.perf_counter()
    hashlib.sha256(data).hexdigest()
    hash_seconds = time.perf_counter() - start
    lines = len(desk.claims.show(claim_no)["lines"])
    print(json.dumps({"trainees": TRAINEES, "lines": lines, "sign_seconds": sign_seconds,
                      "package_bytes": len(data), "sha256_seconds": hash_seconds}))


if __name__ == "__main__":
    main()
