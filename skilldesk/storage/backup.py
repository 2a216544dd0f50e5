"""Backups of a SkillDesk database through SQLite's online backup API (issue 9).

Never a file copy: copying a database while a transaction is active, or without its
``-wal``, gives a damaged or out-of-date file (SECURITY.md §4). Every backup is

1. copied page by page with ``Connection.backup`` from a live connection (or from a
   fresh read-only one for a database that is not open) into a temporary file in the
   backup folder, opened with the same driver and, for an encrypted database, keyed
   with the same key (so the backup is encrypted too);
2. switched to ``journal_mode=DELETE`` so it is one self-contained file, checked with
   ``PRAGMA quick_check`` (``verify=True``), closed, fsynced;
3. renamed atomically to its final name (and, on POSIX, the folder fsynced). A backup
   that fails midway leaves nothing at the final name.

Files are named ``YYYYMMDD-HHMMSS-<reason>.skilldesk`` (local time) in
``<database folder>/backups/<database file stem>/``. Retention (which to delete) is a
pure rule in ``rules/retention.py``; the service in ``core/backups.py`` applies it.

A key is the raw 32-byte database key; a connection is keyed by executing
``PRAGMA key = "x'<64 hex>'"`` as its first statement.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from skilldesk.errors import StorageError
from skilldesk.i18n import N_
from skilldesk.storage.driver import sqlite3

SUFFIX = ".skilldesk"
TEMP_PREFIX = ".tmp-"
REASONS = ("open", "migration", "import", "claim", "daily", "manual", "restore")
NAME = re.compile(r"^(\d{8})-(\d{6})-([a-z]+)(?:-(\d+))?\.skilldesk$")
SQLITE_HEADER = b"SQLite format 3\x00"
COUNTED = ("person", "training_class", "enrolment", "claim", "op_log")
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class BackupFile:
    """A file in a backup folder, as its name describes it."""

    path: Path
    made_at: dt.datetime  # local time, naive, to the second
    reason: str
    size: int


# -- connections ---------------------------------------------------------------------------


def _apply_key(conn: sqlite3.Connection, key: bytes | None) -> None:
    """Key *conn* (must be its first statement). ``None``: a plaintext database."""
    if key is None:
        return
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        raise StorageError(N_("The database key is not valid."))
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error to report
    conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")


def _open(path: str | Path, *, key: bytes | None, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), check_same_thread=False)
    try:
        _apply_key(conn, key)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        conn.close()
        raise
    return conn


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows: MoveFileEx (os.replace) is what we rely on
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Pages copied per backup step (4 MB at the default page size): a progress report and a
# chance to cancel every few tenths of a second, not per page.
BACKUP_STEP_PAGES = 1024
# SQLite virtual-machine instructions between two looks at the cancel flag in a check.
CHECK_EVERY_OPS = 100_000


def _copy(source_conn: sqlite3.Connection, target_conn: sqlite3.Connection,
          progress=None) -> None:
    """The backup API, in steps reporting to *progress* (one step without it)."""
    if progress is None:
        source_conn.backup(target_conn)
        return

    def step(_status: int, remaining: int, total: int) -> None:
        progress.update(max(total - remaining, 0), total)
        progress.check()  # raises Cancelled; the backup API then stops the copy

    progress.check()
    source_conn.backup(target_conn, pages=BACKUP_STEP_PAGES, progress=step)


@contextmanager
def _interruptible(conn: sqlite3.Connection, progress=None) -> Iterator[None]:
    """With *progress*, a cancel interrupts the statements run inside (SQLite's progress
    handler) and ``Cancelled`` is raised; without, nothing changes."""
    if progress is None:
        yield
        return
    progress.check()
    conn.set_progress_handler(lambda: 1 if progress.cancelled else 0, CHECK_EVERY_OPS)
    try:
        yield
    except sqlite3.OperationalError:
        progress.check()  # interrupted because the user cancelled: Cancelled
        raise
    finally:
        conn.set_progress_handler(None, 0)


def _check(conn: sqlite3.Connection, pragma: str) -> list[str]:
    rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    return [] if rows == ["ok"] else [str(r) for r in rows]


# -- making backups ------------------------------------------------------------------------


def backup_file(source_conn: sqlite3.Connection, target_path: str | Path, *,
                key: bytes | None = None, verify: bool = True, progress=None) -> Path:
    """Copy the database behind *source_conn* into a new file at *target_path*.

    Written under a temporary name in the same folder and renamed when complete, so the
    final path holds a whole, checked backup or nothing. With *key* the target is an
    encrypted SQLCipher file keyed the same way, else plaintext. *verify*: run
    ``quick_check`` on the copy before it is renamed (``StorageError`` if it fails).
    The caller's connection must not be mid-write on this thread (the copy is of what
    is committed). Returns the final path.

    *progress* (optional; anything with ``update(done, total)`` and ``check()``, e.g. a
    ``core.progress.Progress``): the pages are copied in steps of ``BACKUP_STEP_PAGES``,
    each reported, and ``check()`` runs between steps; a cancel (``Cancelled``) stops the
    copy and removes the temporary file, so nothing is left behind.
    """
    target = Path(target_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{target.name}"
    try:
        conn = _open(temp, key=key, readonly=False)
        try:
            _copy(source_conn, conn, progress)
            conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            with _interruptible(conn, progress):
                problems = _check(conn, "quick_check") if verify else []
        finally:
            conn.close()
        if problems:
            raise StorageError(N_("The backup copy failed its integrity check."),
                               detail="; ".join(problems[:5]))
        _fsync_file(temp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise StorageError(N_("The backup could not be made."),
                               detail=str(exc)) from exc
        raise
    return target


def backup_path_file(path: str | Path, target: str | Path, key: bytes | None = None, *,
                     verify: bool = True, progress=None) -> Path:
    """Back up the database file at *path*, which nobody needs to have open (e.g. before
    a migration), through a fresh read-only connection."""
    source = _open(path, key=key, readonly=True)
    try:
        return backup_file(source, target, key=key, verify=verify, progress=progress)
    finally:
        source.close()


def backup_dir(db_path: str | Path) -> Path:
    """``<database folder>/backups/<database file stem>/`` (not created here)."""
    db_path = Path(db_path)
    return db_path.parent / "backups" / db_path.stem


def file_name(made_at: dt.datetime, reason: str, n: int = 1) -> str:
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    extra = f"-{n}" if n > 1 else ""
    return f"{made_at:%Y%m%d-%H%M%S}-{reason}{extra}{SUFFIX}"


def free_name(folder: Path, made_at: dt.datetime, reason: str) -> Path:
    """The backup's final path: its name, with ``-2``, ``-3`` … if one is taken."""
    n = 1
    while (folder / file_name(made_at, reason, n)).exists():
        n += 1
    return folder / file_name(made_at, reason, n)


def parse_name(path: Path) -> tuple[dt.datetime, str] | None:
    """(made_at, reason) of a backup file name; ``None`` for anything else."""
    match = NAME.match(path.name)
    if not match or match.group(3) not in REASONS:
        return None
    try:
        made_at = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return made_at, match.group(3)


def _number(path: Path) -> int:
    match = NAME.match(path.name)
    return int(match.group(4) or 1) if match else 0


def list_files(folder: str | Path) -> list[BackupFile]:
    """The backups in *folder*, newest first (temporary and foreign files ignored)."""
    folder = Path(folder)
    found = []
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        parsed = parse_name(entry)
        if parsed is None or not entry.is_file():
            continue
        try:
            size = entry.stat().st_size
        except OSError:
            continue
        found.append(BackupFile(entry, parsed[0], parsed[1], size))
    found.sort(key=lambda b: (b.made_at, _number(b.path)), reverse=True)
    return found


def stale_temp_files(folder: str | Path, older_than: dt.timedelta = dt.timedelta(hours=1)
                     ) -> list[Path]:
    """Temporary files a crashed backup left behind (older than *older_than*)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    cutoff = dt.datetime.now().timestamp() - older_than.total_seconds()
    out = []
    for entry in folder.iterdir():
        if entry.name.startswith(TEMP_PREFIX):
            try:
                if entry.stat().st_mtime < cutoff:
                    out.append(entry)
            except OSError:
                continue
    return out


def backup_before_migration(path: str | Path, key: bytes | None = None, *,
                            now: dt.datetime | None = None) -> Path | None:
    """Back up the database at *path* before its schema is migrated, into its backup
    folder as ``…-migration.skilldesk``. ``None`` if there is nothing to back up (no
    file, or an empty one). Raises ``StorageError`` if the backup cannot be made: the
    migration must not run then."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    folder = backup_dir(path)
    made_at = (now or dt.datetime.now()).replace(microsecond=0)
    return backup_path_file(path, free_name(folder, made_at, "migration"), key=key)


# -- checking and describing ---------------------------------------------------------------


def integrity(path: str | Path, key: bytes | None = None, *, progress=None) -> list[str]:
    """Problems ``PRAGMA integrity_check`` finds in the backup at *path* ([] = intact),
    through a read-only connection. A file that is not a database (or has another key)
    is one problem. With *progress*, a cancel stops the check (``Cancelled``)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return [str(exc)]
    if len(head) < len(SQLITE_HEADER):
        return ["the file is empty or too short to be a database"]
    if key is None and head != SQLITE_HEADER:
        return ["file is not a database (or it is encrypted and no key was given)"]
    try:
        conn = _open(path, key=key, readonly=True)
        try:
            with _interruptible(conn, progress):
                return _check(conn, "integrity_check")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if progress is not None:
            progress.check()  # a cancel is not a problem of the file
        return [str(exc)]


def _tables(conn) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}


def summary_of(conn) -> dict:
    """What the database behind *conn* holds: schema version, row counts of the main
    tables, the newest operation-log time, the institution's name."""
    tables = _tables(conn)
    version = ""
    if "_sqlite_migrations" in tables:
        row = conn.execute("SELECT name FROM _sqlite_migrations ORDER BY applied_at DESC, "
                           "rowid DESC LIMIT 1").fetchone()
        version = row[0] if row else ""
    counts = {table: (conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                      if table in tables else None) for table in COUNTED}
    last_change = None
    if "op_log" in tables:
        last_change = conn.execute("SELECT max(at) FROM op_log").fetchone()[0]
    institution = None
    if "institution" in tables:
        row = conn.execute("SELECT name FROM institution LIMIT 1").fetchone()
        institution = row[0] if row else None
    return {"schema_version": version, "counts": counts, "last_change": last_change,
            "institution": institution}


def summary(path: str | Path, key: bytes | None = None) -> dict:
    """``summary_of`` a database file, through a read-only connection."""
    try:
        conn = _open(path, key=key, readonly=True)
        try:
            return summary_of(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(N_("The backup {path} cannot be read."),
                           path=str(path), detail=str(exc)) from exc


# -- restoring -----------------------------------------------------------------------------


def restore_into(backup_path: str | Path, db_path: str | Path, key: bytes | None = None
                 ) -> None:
    """Copy the backup at *backup_path* INTO the database file at *db_path* with the
    backup API, through fresh connections of its own (closed afterwards). Nobody else
    may be using *db_path*; the caller closes its own connections first and opens the
    database again afterwards.

    A file too damaged to be written through SQLite (its header destroyed) is replaced
    instead: the backup is copied (backup API) into a new file beside it, which is
    renamed over it, and the old ``-wal``/``-shm`` are removed (a stale WAL must never
    be replayed onto the restored file).
    """
    db_path = Path(db_path)
    try:
        source = _open(backup_path, key=key, readonly=True)
    except sqlite3.DatabaseError as exc:
        raise StorageError(N_("The backup could not be restored."), detail=str(exc)) from exc
    try:
        try:
            target = _open(db_path, key=key, readonly=False)
            try:
                source.backup(target)
                # a WAL-mode target stays in WAL mode; copy the result into the file now
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                target.close()
        except sqlite3.DatabaseError:
            fresh = db_path.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{db_path.name}"
            backup_file(source, fresh, key=key)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
            os.replace(fresh, db_path)
            _fsync_dir(db_path.parent)
    except sqlite3.DatabaseError as exc:
        raise StorageError(N_("The backup could not be restored."), detail=str(exc)) from exc
    finally:
        source.close()


def keep_unreadable(db_path: str | Path, target: str | Path) -> Path:
    """Keep a database file SQLite cannot read at all (before it is replaced by a
    restore): its bytes, and its ``-wal`` beside, copied as they are. Not a backup
    (the file is closed and damaged; the backup API cannot read it), evidence."""
    import shutil

    db_path, target = Path(db_path), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = Path(str(db_path) + suffix)
        if source.exists():
            temp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{target.name}{suffix}"
            shutil.copyfile(source, temp)
            _fsync_file(temp)
            os.replace(temp, Path(str(target) + suffix))
    _fsync_dir(target.parent)
    return target
