"""Backups of the open database (issue 9): made, listed, verified, previewed, restored,
pruned. The copying and checking is ``storage/backup.py`` (SQLite's backup API, never a
file copy); which backups to keep is ``rules/retention.py``.

Automatic backups: ``before(reason)`` at the start of every import commit
(``import``) and claim package build (``claim``), ``maybe_daily()`` when the GUI or CLI
opens a database, ``storage.backup.backup_before_migration`` before a migration.
``before`` does nothing for an in-memory database, when ``BackupService.auto`` is
False, or when the environment has ``SKILLDESK_NO_AUTO_BACKUP=1`` (test suites).

Restoring replaces the database file's contents, so it is a static function over the
database *path*: the GUI and CLI close their Desk first, call
``BackupService.restore(db_path, backup)`` and open the database again afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.errors import DatabaseCorrupt
from skilldesk.errors import NotFound
from skilldesk.errors import StorageError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules import retention
from skilldesk.storage import backup as store

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

NO_AUTO_ENV = "SKILLDESK_NO_AUTO_BACKUP"
REASON_LABELS = {
    "open": N_("on opening"), "migration": N_("before an upgrade"),
    "import": N_("before an import"), "claim": N_("before a claim package"),
    "daily": N_("daily"), "manual": N_("made by hand"), "restore": N_("before a restore"),
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: dt.datetime  # local time, to the second
    reason: str
    size: int  # bytes

    def as_json(self) -> dict:
        return {"path": str(self.path), "made_at": self.made_at.isoformat(),
                "reason": self.reason, "size": self.size}


def _info(found: store.BackupFile) -> BackupInfo:
    return BackupInfo(found.path, found.made_at, found.reason, found.size)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def folder_for(db_path: str | Path) -> Path:
    """Where the backups of the database at *db_path* go."""
    return store.backup_dir(db_path)


LABEL_BACKING_UP = N_("Backing up the database…")
LABEL_CHECKING = N_("Checking the backup (integrity check)…")


def _make(db_path: Path, folder: Path, reason: str, key: bytes | None, *,
          source_conn=None, now: dt.datetime | None = None, verify: bool = True,
          progress=None) -> BackupInfo:
    """A backup in *folder*. With *progress*, the copy is reported page by page and a
    cancel leaves no file behind (the copy is written under a temporary name)."""
    made_at = (now or _now()).replace(microsecond=0)
    target = store.free_name(folder, made_at, reason)
    if progress is not None:
        progress.update(0, 0, _(LABEL_BACKING_UP))
    if source_conn is not None:
        store.backup_file(source_conn, target, key=key, verify=verify, progress=progress)
    else:
        store.backup_path_file(db_path, target, key=key, verify=verify, progress=progress)
    return BackupInfo(target, made_at, reason, target.stat().st_size)


def _require_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise NotFound(N_("The backup {path} was not found."), path=str(path))
    return path


def _differences(then: dict, now: dict) -> dict:
    return {table: {"then": then["counts"].get(table), "now": now["counts"].get(table)}
            for table in store.COUNTED
            if then["counts"].get(table) != now["counts"].get(table)}


class BackupService:
    auto = True  # tests may set False; the environment switch also turns it off

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self.folder_override: Path | None = None  # a setting can move the folder later

    # -- where -----------------------------------------------------------------------------

    @property
    def key(self) -> bytes | None:
        return getattr(self._desk, "db_key", None)

    def folder(self) -> Path:
        if self.folder_override is not None:
            return Path(self.folder_override)
        if self._desk.path is None:
            raise StorageError(N_("An in-memory database has no backups."))
        return folder_for(self._desk.path)

    # -- making ----------------------------------------------------------------------------

    def create(self, reason: str = "manual", *, now: dt.datetime | None = None,
               progress=None) -> BackupInfo:
        """Back up the open database now (its committed state) and return the backup.
        Asked for by a user: an administrator's action (with accounts). With *progress*
        (``core.progress.Progress``) the copy is reported and can be cancelled; a
        cancelled backup leaves no file."""
        self._desk.require("backup", "create")
        return self._create(reason, now, progress)

    def _create(self, reason: str, now: dt.datetime | None = None,
                progress=None) -> BackupInfo:
        """Automatic backups are made whatever the user's role."""
        if reason not in store.REASONS:
            raise ValueError(f"unknown backup reason {reason!r}")
        desk = self._desk
        folder = self.folder()
        return _make(Path(desk.path), folder, reason, self.key, source_conn=desk.db.conn,
                     now=now, progress=progress)

    def enabled(self) -> bool:
        return (self.auto and self._desk.path is not None
                and os.environ.get(NO_AUTO_ENV, "") not in ("1", "true", "yes"))

    def before(self, reason: str, *, progress=None) -> BackupInfo | None:
        """The automatic backup before an import (``import``) or a claim package
        (``claim``), then old backups are pruned. Skipped (``None``) for in-memory
        databases and when automatic backups are off. A backup that cannot be made
        raises: the import or claim does not start without one. With *progress* the
        copy is reported and a cancel (``Cancelled``) stops it, leaving no file."""
        if not self.enabled():
            return None
        made = self._create(reason, progress=progress)
        self._prune_quietly()
        return made

    def due_daily(self, now: dt.datetime | None = None) -> bool:
        """No backup was made in the 24 hours before *now*."""
        now = now or _now()
        newest = self.list()[:1]
        return not newest or now - newest[0].made_at >= dt.timedelta(hours=24) \
            or newest[0].made_at > now + retention.GRACE  # a clock set back a long way

    def maybe_daily(self, *, now: dt.datetime | None = None, reason: str = "daily"
                    ) -> BackupInfo | None:
        """The daily backup if one is due (call on opening; *reason* ``open`` to name it
        so), then old backups are pruned."""
        if not self.enabled() or not self.due_daily(now):
            return None
        made = self._create(reason, now)
        self._prune_quietly(now)
        return made

    # -- looking ---------------------------------------------------------------------------

    def list(self) -> list[BackupInfo]:
        """The backups of this database, newest first."""
        if self._desk.path is None and self.folder_override is None:
            return []
        return [_info(b) for b in store.list_files(self.folder())]

    def verify(self, path: str | Path, *, progress=None) -> list[str]:
        """Problems the full integrity check finds in the backup ([] = intact). With
        *progress* a cancel stops the check (``Cancelled``); it only reads."""
        path = _require_file(path)
        if progress is not None:
            progress.update(0, 0, _(LABEL_CHECKING))
        return store.integrity(path, self.key, progress=progress)

    def preview(self, path: str | Path, *, progress=None) -> dict:
        """What the backup holds and how it differs from the database as it is now.
        With *progress* a cancel stops the integrity check (``Cancelled``)."""
        path = _require_file(path)
        if progress is not None:
            progress.update(0, 0, _(LABEL_CHECKING))
        problems = store.integrity(path, self.key, progress=progress)
        then = store.summary(path, self.key) if not problems else None
        current = store.summary_of(self._desk.db.conn)
        parsed = store.parse_name(path)
        return {
            "path": str(path),
            "made_at": parsed[0].isoformat() if parsed else None,
            "reason": parsed[1] if parsed else None,
            "size": path.stat().st_size,
            "problems": problems,
            "backup": then,
            "current": current,
            "differences": _differences(then, current) if then else {},
        }

    def record_restore(self, backup_path: str | Path, saved: BackupInfo | None) -> None:
        """After a restore, on the Desk opened again: the operation log says which backup
        replaced the data and where the replaced state was kept."""
        desk = self._desk
        backup_path = Path(backup_path)
        with desk.write() as now:
            desk.log(now, "restore", "backup", backup_path.name,
                     {"saved_as": saved.path.name if saved else None},
                     {"from": backup_path.name})

    # -- retention -------------------------------------------------------------------------

    def prune(self, now: dt.datetime | None = None) -> list[Path]:
        """Delete the backups the retention rule lets go (7 daily, 4 weekly, 12 monthly;
        never the newest, never one made in the last hour) and temporary files older
        than an hour. Returns the deleted paths."""
        now = now or _now()
        if isinstance(now, dt.date) and not isinstance(now, dt.datetime):
            now = dt.datetime.combine(now, dt.time(23, 59, 59))
        found = {b.path: b for b in self.list()}
        doomed = retention.to_delete([(p, b.made_at) for p, b in found.items()], now)
        doomed += store.stale_temp_files(self.folder())
        for path in doomed:
            path.unlink(missing_ok=True)
            Path(str(path) + "-wal").unlink(missing_ok=True)  # beside a kept unreadable file
        return doomed

    def _prune_quietly(self, now: dt.datetime | None = None) -> None:
        try:
            self.prune(now)
        except OSError:  # a backup we cannot delete now is deleted next time
            pass

    # -- restoring -------------------------------------------------------------------------

    @staticmethod
    def restore(db_path: str | Path, backup_path: str | Path, *, key: bytes | None = None,
                folder: str | Path | None = None) -> BackupInfo | None:
        """Replace the contents of the database at *db_path* with the backup.

        Refuses (``DatabaseCorrupt``) a backup that fails the integrity check. The
        current state is backed up first (reason ``restore``; ``None`` if there was no
        database file). Uses connections of its own only: close the Desk on *db_path*
        before, and open it again after.
        """
        db_path, backup_path = Path(db_path), _require_file(backup_path)
        problems = store.integrity(backup_path, key)
        if problems:
            raise DatabaseCorrupt(N_(
                "The backup {path} is damaged (integrity check failed), so it was not "
                "restored; nothing was changed. Choose another backup."),
                path=str(backup_path), detail="; ".join(problems[:5]))
        folder = Path(folder) if folder is not None else folder_for(db_path)
        saved = None
        if db_path.exists() and db_path.stat().st_size > 0:
            # the state being replaced, even if damaged: a restore can be undone
            try:
                saved = _make(db_path, folder, "restore", key, verify=False)
            except StorageError:  # unreadable: keep its bytes as evidence instead
                made_at = _now()
                kept = store.keep_unreadable(db_path, store.free_name(folder, made_at, "restore"))
                saved = BackupInfo(kept, made_at, "restore", kept.stat().st_size)
        store.restore_into(backup_path, db_path, key)
        return saved
