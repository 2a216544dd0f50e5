"""The process the crash test kills (issue 9, SECURITY.md G8 and G10).

    python tests/durability/child.py import DB FILE [FILE ...]
    python tests/durability/child.py claim DB KEY_FILE OUT_DIR [CLASS_ID ...]

It does real work through the facade, exactly as the app does it, and reports each step on
stdout (one flushed line per event) so the parent knows where the SIGKILL landed:

    READY                        the modules are loaded and the database is open
    TXOPEN                       ``Desk.write()`` is about to open a transaction
    import:  BEGIN <file>        ``roster.commit()`` is about to be called
             COMMITTED <batch_id> <rows> <new> <updated> <file>   it returned
             CHECKPOINTED        the checkpoint after the bulk write returned (as the GUI does)
    claim:   CREATE <class_id>   ``claims.create()`` is about to be called
             DRAFT <claim_no>    it returned
             BEGIN <claim_no>    ``claims.sign()`` is about to be called
             SIGNED <claim_no> <path> <manifest_sha256>   it returned
    DONE                         all the work is done

The passphrase of the key file comes from the environment variable the CLI reads
(``skilldesk.signing.keys.PASSPHRASE_ENV``).

``SKILLDESK_CHILD_KILL_AT`` makes the child SIGKILL itself at one exact point of writing a
claim package: ``fsync`` (the temporary file is written and synced, not yet renamed) or
``replace`` (renamed to the final path, the transaction not yet committed).
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from skilldesk.core.desk import Desk  # noqa: E402

KILL_AT = os.environ.get("SKILLDESK_CHILD_KILL_AT", "")


def die() -> None:
    say("KILLSELF", KILL_AT)
    os.kill(os.getpid(), signal.SIGKILL)


def arm() -> None:
    """Wrap os.fsync / os.replace so the child kills itself right after the one that
    concerns a claim package (any other call is left alone)."""
    if KILL_AT == "fsync":
        real_fsync = os.fsync

        def fsync(fd):
            real_fsync(fd)
            if ".tsclaim." in os.readlink(f"/proc/self/fd/{fd}"):
                die()

        os.fsync = fsync
    elif KILL_AT == "replace":
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            real_replace(src, dst, *args, **kwargs)
            if str(dst).endswith(".tsclaim"):
                die()

        os.replace = replace


def say(*words) -> None:
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def watched(desk: Desk) -> Desk:
    """Say TXOPEN whenever a service opens a transaction (the Desk's own write(), wrapped;
    nothing else changes)."""
    write = desk.write

    @contextmanager
    def announced(*args, **kwargs):
        say("TXOPEN")
        with write(*args, **kwargs) as now:
            yield now

    desk.write = announced
    return desk


def run_import(db: Path, files: list[Path]) -> None:
    desk = watched(Desk.open(db))
    say("READY")
    for file in files:
        preview = desk.roster.preview(file)
        say("BEGIN", file.name)
        result = desk.roster.commit(preview)
        counts = result.counts
        say("COMMITTED", result.batch_id, counts["rows"], counts["new"], counts["updated"],
            file.name)
        desk.checkpoint()
        say("CHECKPOINTED")
    desk.close()
    say("DONE")


def run_claims(db: Path, key_file: Path, out_dir: Path, class_ids: list[str]) -> None:
    from skilldesk.signing.keys import PASSPHRASE_ENV
    from skilldesk.signing.keys import load_private_key
    from skilldesk.signing.keys import read_passphrase

    key = load_private_key(key_file, read_passphrase(PASSPHRASE_ENV, "Passphrase: "))
    arm()
    desk = watched(Desk.open(db))
    if not class_ids:
        class_ids = [row.id for row in desk.classes.list(state="assessed").rows]
    say("READY")
    for class_id in class_ids:
        say("CREATE", class_id)
        claim_no = desk.claims.number_of(desk.claims.create([class_id]).ids[0])
        say("DRAFT", claim_no)
        out = out_dir / f"{claim_no}.tsclaim"
        say("BEGIN", claim_no)
        desk.claims.sign(claim_no, key, out)
        say("SIGNED", claim_no, out, desk.claims.get(claim_no)["manifest_sha256"])
    desk.close()
    say("DONE")


def main(argv: list[str]) -> None:
    mode, db, *rest = argv
    if mode == "import":
        run_import(Path(db), [Path(f) for f in rest])
    elif mode == "claim":
        run_claims(Path(db), Path(rest[0]), Path(rest[1]), rest[2:])
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
