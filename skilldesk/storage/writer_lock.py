"""One writer per database: a lock file ``<db>.lock`` held by the SkillDesk that writes.

The lock file holds JSON ``{pid, host, user, app, since}`` saying who writes the
database, and the writer keeps an OS-level exclusive lock on it for as long as it
is open:

- POSIX: ``fcntl.flock(LOCK_EX | LOCK_NB)`` on the whole file. flock locks belong
  to the open file description, so (unlike fcntl/POSIX record locks, which
  SQLite itself uses on the database) opening and closing the lock file elsewhere
  in the process, e.g. in ``holder()``, does not drop them;
- Windows: ``msvcrt.locking(LK_NBLCK)`` on one byte at ``LOCK_OFFSET``, past the
  JSON: Windows byte locks are mandatory, and a lock on byte 0 would stop the
  second SkillDesk from reading who holds the file.

The OS drops the lock when the process ends, however it ends. So a lock file
with content but no OS lock is *stale* (the writer crashed or was killed): the
next writer takes it over and reports the previous holder (``was_stale``,
``previous``). Staleness is never judged by the PID, which may be reused. A
clean ``release()`` empties and deletes the file.

A second writer, in another process or in this one, is refused with
``DatabaseInUse`` naming the holder. Read-only opens never take the lock.
"""

from __future__ import annotations

import atexit
import errno
import getpass
import json
import os
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from skilldesk.errors import StorageError
from skilldesk.i18n import N_

LOCK_SUFFIX = ".lock"
LOCK_OFFSET = 1 << 20  # Windows: the locked byte, far past the JSON
MAX_LOCK_FILE = 4096
HOLDER_KEYS = ("pid", "host", "user", "app", "since")

IN_USE_MSGID = N_(
    "The database is open in SkillDesk on {host} by {user} since {since}. "
    "Open it read-only, or close it there first."
)
IN_USE_UNKNOWN_MSGID = N_(
    "The database is open in another SkillDesk (who has it open could not be read). "
    "Open it read-only, or close it there first."
)
IN_USE_HERE_MSGID = N_(
    "The database is already open for writing in this SkillDesk. "
    "Use the window that has it open, or open it read-only."
)
LOCK_FAILED_MSGID = N_(
    "SkillDesk could not create or lock the file {path} next to the database. "
    "Open the database read-only, or move it to a folder on this PC that you can write to."
)


class DatabaseInUse(StorageError):
    """Another SkillDesk (or this one) has the database open for writing."""

    code = "E_IN_USE"
    default_msgid = IN_USE_MSGID

    def __init__(self, holder: dict[str, Any] | None, *, same_process: bool = False,
                 detail: str | None = None):
        holder = dict(holder or {})
        self.holder = {key: holder.get(key) for key in HOLDER_KEYS}
        self.same_process = same_process
        if same_process:
            msgid = IN_USE_HERE_MSGID
        elif self.holder["host"] and self.holder["user"]:
            msgid = IN_USE_MSGID
        else:
            msgid = IN_USE_UNKNOWN_MSGID
        super().__init__(msgid, detail=detail, host=self.holder["host"] or "?",
                         user=self.holder["user"] or "?",
                         since=_display_time(self.holder["since"]),
                         pid=self.holder["pid"])


def lock_path_for(db_path: str | os.PathLike[str]) -> Path:
    """``<db>.lock`` beside the (symlink-resolved) database file."""
    db = Path(db_path).resolve()
    return db.with_name(db.name + LOCK_SUFFIX)


def _display_time(since: object) -> str:
    if not isinstance(since, str) or not since:
        return "?"
    try:
        return datetime.fromisoformat(since).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return since


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    out: dict[str, Any] = {}
    for key in HOLDER_KEYS:
        value = data.get(key)
        if key == "pid":
            out[key] = value if isinstance(value, int) and not isinstance(value, bool) else None
        else:
            out[key] = str(value) if value is not None else None
    return out


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, MAX_LOCK_FILE)


# --- the OS lock, one small pair per platform ---------------------------------------------

if os.name == "nt":  # pragma: no cover - Windows only
    import msvcrt

    def _try_lock(fd: int, *, shared: bool = False) -> bool:
        """Lock byte LOCK_OFFSET without waiting; False if another handle holds it."""
        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):  # EDEADLOCK: byte already locked
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int, *, shared: bool = False) -> bool:
        """flock the whole file without waiting; False if another description holds it."""
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


_BINARY = getattr(os, "O_BINARY", 0)
_HELD: dict[str, WriterLock] = {}
_HELD_GUARD = threading.Lock()
_ATTEMPTS = 3  # a holder() probe holds the lock for microseconds; do not mistake it


class WriterLock:
    """The writer's lock on one database file. Get one with ``WriterLock.acquire``."""

    def __init__(self, db_path: Path, lock_path: Path, fd: int, info: dict[str, Any],
                 previous: dict[str, Any] | None, was_stale: bool):
        self.db_path = db_path
        self.lock_path = lock_path
        self.info = info  # what this process wrote: {pid, host, user, app, since}
        self.previous = previous  # the crashed holder's info when was_stale (None if unreadable)
        self.was_stale = was_stale
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, db_path: str | os.PathLike[str], *, user: str,
                app: str = "SkillDesk") -> WriterLock:
        """Take the writer's lock on *db_path*, or raise ``DatabaseInUse``.

        Raises ``StorageError`` when the lock file cannot be created (a read-only
        folder or medium: the caller should offer a read-only open).
        """
        db = Path(db_path).resolve()
        lock_path = lock_path_for(db)
        key = os.path.normcase(str(db))
        with _HELD_GUARD:
            if key in _HELD:
                raise DatabaseInUse(_HELD[key].info, same_process=True)
            for _attempt in range(8):  # only repeats when a releaser deleted the file under us
                try:
                    fd = _open_lock_file(lock_path)
                except OSError as exc:
                    raise StorageError(LOCK_FAILED_MSGID, path=str(lock_path),
                                       detail=str(exc)) from exc
                try:
                    locked = _lock_with_retries(fd)
                    if locked and not _same_file(fd, lock_path):
                        continue  # locked a deleted file; the finally closes it
                    if not locked:
                        raise DatabaseInUse(_read_holder_when_held(fd), detail=str(lock_path))
                    raw = _read_fd(fd)
                    was_stale = bool(raw.strip())
                    previous = _parse(raw) if was_stale else None
                    info = {
                        "pid": os.getpid(), "host": socket.gethostname(), "user": user,
                        "app": app, "since": datetime.now().astimezone().isoformat("T", "seconds"),
                    }
                    _write_fd(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"))
                    lock = cls(db, lock_path, fd, info, previous, was_stale)
                    _HELD[key] = lock
                    fd = -1  # owned by the lock now
                    return lock
                except OSError as exc:
                    raise StorageError(LOCK_FAILED_MSGID, path=str(lock_path),
                                       detail=str(exc)) from exc
                finally:
                    if fd >= 0:
                        os.close(fd)
            raise StorageError(LOCK_FAILED_MSGID, path=str(lock_path),
                               detail="the lock file kept being replaced")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Empty and delete the lock file, then drop the OS lock. Safe to call twice."""
        with _HELD_GUARD:
            fd, self._fd = self._fd, None
            if fd is None:
                return
            if _HELD.get(os.path.normcase(str(self.db_path))) is self:
                del _HELD[os.path.normcase(str(self.db_path))]
            try:
                os.ftruncate(fd, 0)  # if the delete fails, an empty file is not "stale"
                if os.name != "nt":
                    # delete while still locked: an acquirer that opened the old file
                    # notices (_same_file) and retries on the new one
                    _unlink_quietly(self.lock_path)
                _unlock(fd)
            except OSError:
                pass  # closing the descriptor below drops the lock anyway
            finally:
                os.close(fd)
            if os.name == "nt":  # pragma: no cover
                # Windows cannot delete a file that is open (ours, until now); this fails,
                # harmlessly, while another SkillDesk has it open
                _unlink_quietly(self.lock_path)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"WriterLock({str(self.db_path)!r}, held={self.held}, was_stale={self.was_stale})"


def holder(db_path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Who has *db_path* open for writing: ``{pid, host, user, app, since}`` (a value is
    None where the lock file could not be read), or None when nobody holds it (no lock
    file, or a stale one). Never takes the lock beyond a momentary probe."""
    lock_path = lock_path_for(db_path)
    try:
        fd = os.open(lock_path, os.O_RDONLY | _BINARY)
    except OSError:
        return None
    try:
        if _try_lock(fd, shared=True):
            _unlock(fd)
            return None
        return _read_holder_when_held(fd)
    except OSError:
        return None
    finally:
        os.close(fd)


def default_user() -> str:
    """The operating-system account name, for callers without a signed-in user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "?"


# --- helpers ---------------------------------------------------------------------------------


def _open_lock_file(lock_path: Path) -> int:
    return os.open(lock_path, os.O_RDWR | os.O_CREAT | _BINARY, 0o666)


def _lock_with_retries(fd: int) -> bool:
    for attempt in range(_ATTEMPTS):
        if _try_lock(fd):
            return True
        if attempt < _ATTEMPTS - 1:
            time.sleep(0.05)
    return False


def _same_file(fd: int, lock_path: Path) -> bool:
    try:
        on_disk = os.stat(lock_path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _write_fd(fd: int, data: bytes) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _read_holder_when_held(fd: int) -> dict[str, Any]:
    """The holder's JSON; a holder that has just taken the lock may not have written it
    yet, so an empty or partial file is read again for a moment."""
    parsed = None
    for _attempt in range(10):
        try:
            parsed = _parse(_read_fd(fd))
        except OSError:
            parsed = None
        if parsed is not None:
            return parsed
        time.sleep(0.03)
    return {key: None for key in HOLDER_KEYS}


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


@atexit.register
def _release_all() -> None:
    """A normal exit that forgot to release leaves no stale-looking lock file."""
    for lock in list(_HELD.values()):
        lock.release()


def _forget_in_child() -> None:
    """A forked child must neither keep the parent's lock alive nor release it: close
    its copies of the descriptors (the parent's lock stays) and forget them."""
    global _HELD_GUARD
    _HELD_GUARD = threading.Lock()  # another thread may have held it at the fork
    for lock in list(_HELD.values()):
        fd, lock._fd = lock._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
