"""Open SkillDesk databases. ``open_database`` is the only function that
creates a SQLite connection, so encryption at rest can be added in one place.

On open: the file header is checked (a renamed spreadsheet is refused, not
"opened"), pragmas are set, applied migrations unknown to this build are
refused (a database from a newer SkillDesk), and pending migrations are
applied, each in its own transaction, after a quick integrity check.

The integrity check reads the whole file (about 1 s per 100 MB here: 13.6 s
for the 1.35 GB benchmark database), so a routine open does not wait for it:
``quick_check(path)`` runs it on a separate read-only connection, which the
GUI does in the background once the window is up and the CLI's ``info`` does
in the foreground. Before a migration it always runs first, blocking.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from skilldesk.errors import DatabaseCorrupt
from skilldesk.errors import DatabaseEncrypted
from skilldesk.errors import NotADatabase
from skilldesk.errors import WrongDatabaseKey
from skilldesk.errors import SchemaTooNew
from skilldesk.errors import StorageError
from skilldesk.i18n import N_
from skilldesk.storage import migrations
from skilldesk.storage.driver import sqlite3

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
MMAP_BYTES = 2_147_418_112  # SQLITE_MAX_MMAP_SIZE's default cap


#: First bytes of files that are certainly not an encrypted database (a spreadsheet, a
#: PDF, a Word file renamed): refused as such rather than "log in to open".
_OTHER_FORMATS = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"{", b"<", b"\xef\xbb\xbf")


def is_encrypted(path: str | Path) -> bool:
    """Does *path* hold an encrypted (SQLCipher) database, as far as its header tells?"""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return len(head) == len(SQLITE_HEADER) and head != SQLITE_HEADER \
        and not head.startswith(_OTHER_FORMATS)


def _check_header(path: Path, key: bytes | None) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(detail=str(exc)) from exc
    if not head or head == SQLITE_HEADER:
        return
    if not is_encrypted(path):
        raise NotADatabase(path=str(path))
    if key is None:
        raise DatabaseEncrypted(path=str(path))


def _apply_key(conn, key: bytes | None, target: str) -> None:
    """SQLCipher: a raw 256-bit key (no passphrase derivation: the key is random and
    reaches here unwrapped by the accounts' Argon2id). Must be the first statement."""
    if key is None:
        return
    if len(key) != 32:
        raise ValueError("a database key is 32 bytes")
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error to report
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise WrongDatabaseKey(path=target, detail=str(exc)) from exc


def _connect(target: str, *, readonly: bool, key: bytes | None = None):
    if readonly:
        uri = Path(target).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        # check_same_thread=False: the Desk is driven by exactly one worker
        # thread at a time (ui.tasks.TaskRunner serialises all access).
        conn = sqlite3.connect(target, check_same_thread=False)
    _apply_key(conn, key, target)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if target != ":memory:" and not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed transaction survives a power cut, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
    # Read the file through a memory map (up to SQLite's 2 GiB cap): large set-based
    # reads such as the subsidy decisions for every enrolment take half the time
    # (docs/benchmarks.md). Writes still go through the WAL.
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    return conn


def open_database(
    path: str | Path | None, *, create: bool = False, readonly: bool = False,
    key: bytes | None = None,
) -> Database:
    """Open (and if *create*, create) the database at *path*; ``None`` = in memory.

    *key*: the 32-byte key of an encrypted database (a new file made with a key is
    encrypted from its first page).

    Raises ``NotADatabase``, ``DatabaseEncrypted``, ``WrongDatabaseKey``,
    ``DatabaseCorrupt``, ``SchemaTooNew`` or ``StorageError`` with a message that tells
    the user what to do.
    """
    existed = False
    if path is None:
        target = ":memory:"
    else:
        file = Path(path)
        if file.exists():
            existed = file.stat().st_size > 0
            _check_header(file, key)
        elif not create:
            raise StorageError(
                "The database file {path} does not exist.", path=str(file)
            )
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
        target = str(file)
    try:
        conn = _connect(target, readonly=readonly, key=key)
        db = Database(conn, execute_plugins=False, strict=True)
        _refuse_newer(db)
        if readonly and existed and migrations.MIGRATIONS.pending(db):
            # written by an older SkillDesk: upgrade it first (a read-only open would
            # otherwise meet tables and columns that are not there yet)
            conn.close()
            if not os.access(target, os.W_OK):
                raise StorageError(N_(
                    "The database {path} was made by an older version of SkillDesk and must "
                    "be upgraded, but it cannot be written here. Open it once with SkillDesk "
                    "where it can be written."), path=target)
            open_database(path, key=key).conn.close()
            conn = _connect(target, readonly=True, key=key)
            db = Database(conn, execute_plugins=False, strict=True)
        if not readonly:
            if existed and migrations.MIGRATIONS.pending(db):
                # never upgrade a damaged file: check it first, whatever it costs
                problems = _run_quick_check(conn)
                if problems:
                    conn.close()
                    raise DatabaseCorrupt(path=target, detail="; ".join(problems[:5]))
                # and keep the file as it was before the upgrade (the backup API, on a
                # connection of its own; no migration runs if the backup fails)
                if os.environ.get("SKILLDESK_NO_AUTO_BACKUP") != "1":
                    from skilldesk.storage import backup
                    backup.backup_before_migration(target, key)
            migrations.MIGRATIONS.apply(db)
            _ensure_device_id(db)
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc) or "malformed" in str(exc):
            raise DatabaseCorrupt(path=target, detail=str(exc)) from exc
        raise StorageError(detail=str(exc)) from exc
    return db


def _run_quick_check(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


def quick_check(path: str | Path, key: bytes | None = None) -> list[str]:
    """Problems ``PRAGMA quick_check`` finds in the file at *path* (empty = intact).

    Uses its own read-only connection, so it may run on any thread while the
    database is in use.
    """
    try:
        conn = _connect(str(path), readonly=True, key=key)
        try:
            return _run_quick_check(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def _refuse_newer(db: Database) -> None:
    applied = [m.name for m in migrations.MIGRATIONS.applied(db)]
    unknown = [name for name in applied if name not in migrations.known_names()]
    if unknown:
        db.conn.close()
        raise SchemaTooNew(names=", ".join(unknown))


def _ensure_device_id(db: Database) -> None:
    row = db.execute("SELECT value FROM setting WHERE key = 'device_id'").fetchone()
    if row is None:
        with db.atomic():
            db.execute(
                "INSERT INTO setting(key, value) VALUES ('device_id', ?)", [str(uuid.uuid4())]
            )


WAL_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default


@contextmanager
def checkpoint_deferred(db: Database) -> Iterator[None]:
    """Let a big transaction's COMMIT return without copying the WAL into the
    database file (SQLite's automatic checkpoint). The commit is as durable
    either way; the copy happens at the next ``checkpoint`` (the GUI runs one
    on the worker when the import is done) or when the database is closed."""
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")


def checkpoint(db: Database) -> None:
    """Copy committed WAL frames into the database file, without waiting for readers."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")


def data_version(db: Database) -> int:
    """SQLite's counter of commits made by OTHER connections to this file."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def schema_version(db: Database) -> str:
    applied = migrations.MIGRATIONS.applied(db)
    return applied[-1].name if applied else ""


def get_setting(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def encrypt_file(path: str | Path, key: bytes) -> None:
    """Turn the plaintext database at *path* (closed by every caller) into an encrypted
    one, in place: exported page by page into a new keyed file (SQLCipher's
    ``sqlcipher_export``), flushed, then swapped in by one rename. A failure leaves the
    plaintext file as it was."""
    file = Path(path)
    tmp = file.with_name(file.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(str(file))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", [str(tmp)])
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    with tmp.open("rb+") as handle:
        os.fsync(handle.fileno())
    for suffix in ("-wal", "-shm"):
        Path(str(file) + suffix).unlink(missing_ok=True)
    os.replace(tmp, file)
    _fsync_folder(file.parent)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows: MoveFileEx is atomic; folders cannot be opened to fsync
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
