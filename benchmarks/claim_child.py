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

from tests.reports.build import assessed_class  # noqa: E402
from tests.reports.build import big_class  # noqa: E402
from tests.reports.build import demo  # noqa: E402

TRAINEES = 2000
TODAY = dt.date(2026, 11, 26)


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
