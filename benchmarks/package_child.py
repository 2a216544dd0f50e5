"""Signed claim package for 2,000 trainees with ~10 MB of forms and attachments (synthetic
bytes): build+sign time, verify time, and SHA-256 over the package's bytes in the same run.
Target (issue 7): verify <= 1.5 x hash + 0.3 s."""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from skilldesk.package.build import build_package  # noqa: E402
from skilldesk.package.model import PackageFile  # noqa: E402
from skilldesk.package.registry import KeyRegistry  # noqa: E402
from skilldesk.package.verify import verify_package  # noqa: E402
from tests.tamper import golden as g  # noqa: E402

TRAINEES = 2000


def package_input():
    rnd = hashlib.sha256(b"seed")
    blob = bytearray()
    while len(blob) < 10_500_000:            # incompressible, like real PDFs/JPEGs
        rnd = hashlib.sha256(rnd.digest())
        blob += rnd.digest() * 4
    files = [PackageFile("forms/claim-form.pdf", b"%PDF-1.4\n" + bytes(blob[:2_000_000]),
                         "application/pdf", "补贴申领表.pdf"),
             PackageFile("forms/roster-table.pdf", b"%PDF-1.4\n" + bytes(blob[2_000_000:4_000_000]),
                         "application/pdf", "花名册.pdf")]
    for k in range(60):
        start = 4_000_000 + k * 100_000
        files.append(PackageFile(f"attachments/{k:04d}-certificate.jpg",
                                 b"\xff\xd8\xff\xe0" + bytes(blob[start:start + 100_000]),
                                 "image/jpeg", f"证书{k}.jpg"))
    return g.golden_input(people=g.lines(TRAINEES), files=files)


def main() -> None:
    data = package_input()
    builds, verifies, hashes = [], [], []
    folder = Path(tempfile.mkdtemp(prefix="skilldesk-package-"))
    registry = KeyRegistry.load(g.write_registry(folder / "keys"))
    path = folder / "claim.tsclaim"
    for _run in range(3):
        start = time.perf_counter()
        package, _sha = build_package(data, g.test_key())
        builds.append(time.perf_counter() - start)
        path.write_bytes(package)
        start = time.perf_counter()
        hashlib.sha256(path.read_bytes()).hexdigest()
        hashes.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = verify_package(path, registry)
        verifies.append(time.perf_counter() - start)
        assert result.valid, result.errors
    verify, hashed = statistics.median(verifies), statistics.median(hashes)
    print(json.dumps({"trainees": TRAINEES, "package_bytes": len(package),
                      "build_seconds": statistics.median(builds), "verify_seconds": verify,
                      "sha256_seconds": hashed, "budget_seconds": 1.5 * hashed + 0.3,
                      "within_budget": verify <= 1.5 * hashed + 0.3}))


if __name__ == "__main__":
    main()
