"""Build the onedir folder ``skilldesk/`` (GUI + CLI) with PyInstaller.

    python installers/build.py [--dist DIR] [--work DIR]

The one build script: the Windows workflow and the Linux frozen-build test both call it.
It compiles the translations from the .po files into the work folder (the source tree is
not written), runs PyInstaller on installers/skilldesk.spec, and fails if the folder is
200 MB or more. Prints the folder, its size and the build time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installers" / "skilldesk.spec"
LOCALE = ROOT / "skilldesk" / "resources" / "locale"
SIZE_LIMIT = 200 * 1000 * 1000  # bytes: "under 200 MB"
LOCALE_ENV = "SKILLDESK_BUILD_LOCALE"  # read by the spec


def compile_translations(work: Path) -> Path | None:
    """Each locale/<lang>/LC_MESSAGES/skilldesk.po -> <work>/locale/.../skilldesk.mo."""
    try:
        import polib
    except ImportError:
        print("polib is not installed: bundling the committed .mo files", flush=True)
        return None
    out = work / "locale"
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/skilldesk.po")):
        target = out / po.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        polib.pofile(str(po)).save_as_mofile(str(target))
        committed = po.with_suffix(".mo")
        if not committed.exists() or committed.read_bytes() != target.read_bytes():
            print(f"note: {committed.relative_to(ROOT)} is out of date; "
                  f"bundling a fresh compile of {po.name}", flush=True)
    return out


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the skilldesk/ folder is written (default: ./dist)")
    parser.add_argument("--work", type=Path, default=ROOT / "build",
                        help="PyInstaller's work folder (default: ./build)")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    env = dict(os.environ)
    locale = compile_translations(work)
    if locale is not None:
        env[LOCALE_ENV] = str(locale)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
               str(SPEC)]
    print("+ " + " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        print(f"PyInstaller failed (exit {result.returncode})", file=sys.stderr)
        return result.returncode

    folder = dist / "skilldesk"
    size = folder_size(folder)
    elapsed = time.monotonic() - started
    print(f"built {folder}: {size / 1e6:.1f} MB in {elapsed:.0f} s", flush=True)
    if size >= SIZE_LIMIT:
        print(f"too big: {size / 1e6:.1f} MB, the limit is {SIZE_LIMIT / 1e6:.0f} MB",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
