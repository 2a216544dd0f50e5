"""The Desk: the one facade both faces (GUI, CLI) call.

Threading contract: a Desk and everything reached through it must be used by
one thread at a time. The GUI keeps it on its single database worker
(``ui.tasks.TaskRunner``); the CLI uses it on the main thread.

Every mutating method runs in one transaction, appends to the operation log in
that same transaction, and returns a ``Changes`` record.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from skilldesk.core import clock
from skilldesk.core import demo
from skilldesk.core.progress import Progress
from skilldesk.errors import DatabaseCorrupt
from skilldesk.core import permissions
from skilldesk.core.accounts import Account
from skilldesk.core.accounts import AccountService
from skilldesk.core.accounts import LoginRequired
from skilldesk.core.accounts import authenticate
from skilldesk.core.accounts import verify_account
from skilldesk.core.attachments import AttachmentService
from skilldesk.core.audit import AuditService
from skilldesk.core.keystore import keystore_path
from skilldesk.core.attendance import AttendanceService
from skilldesk.core.backups import BackupService
from skilldesk.core.catalogue import CatalogueService
from skilldesk.core.class_imports import ClassImportService
from skilldesk.core.claims import ClaimService
from skilldesk.core.dashboard import DashboardService
from skilldesk.core.classes import ClassService
from skilldesk.core.history_import import HistoryImportService
from skilldesk.core.institution import InstitutionService
from skilldesk.core.outcomes import OutcomeService
from skilldesk.core.people import PeopleService
from skilldesk.core.subsidy import SubsidyService
from skilldesk.core.sync import SyncService
from skilldesk.core.readiness import ReadinessService
from skilldesk.core.reports import ReportService
from skilldesk.core.roster_import import RosterImportService
from skilldesk.storage import database
from skilldesk.storage import location
from skilldesk.storage.writer_lock import WriterLock
from skilldesk.storage.writer_lock import default_user
from skilldesk.storage import institution as institution_sql
from skilldesk.storage import oplog
from skilldesk.storage import sync as sync_sql


log = logging.getLogger(__name__)


class Desk:
    #: Where ``open`` asks for a user name and password when the caller gave none and the
    #: database has accounts: the CLI answers from ``--user`` and a prompt, the GUI from
    #: its login dialog. ``(path) -> (user, password)``; None: refuse (LoginRequired).
    credentials = None

    def __init__(self, db: Database, path: Path | None, *, user_name: str = "") -> None:
        self.db = db
        self.path = path
        self.user_name = user_name
        self._user_marked = False
        self.writes = 0  # transactions this Desk opened: lets a preview know it is still current
        self.device_id = database.get_setting(db, "device_id") or ""
        # set by open() for a database with accounts: the key it was opened with and
        # the account whose role the facade checks (None: no accounts, no limits)
        self.db_key: bytes | None = None
        self.account: Account | None = None
        self.writer_lock: WriterLock | None = None   # held while this Desk may write
        self.accounts = AccountService(self)
        self.people = PeopleService(self)
        self.institution = InstitutionService(self)
        self.roster = RosterImportService(self)
        self.classes = ClassService(self)
        self.attendance = AttendanceService(self)
        self.outcomes = OutcomeService(self)
        self.attachments = AttachmentService(self)
        self.class_imports = ClassImportService(self)
        self.catalogue = CatalogueService(self)
        self.subsidy = SubsidyService(self)
        self.subsidy_history = HistoryImportService(self)
        self.readiness = ReadinessService(self)
        self.sync = SyncService(self)
        self.reports = ReportService(self)
        self.claims = ClaimService(self)
        self.audit = AuditService(self)
        self.backups = BackupService(self)
        self.dashboard = DashboardService(self)

    @classmethod
    def open(
        cls, path: str | Path | None, *, create: bool = False, readonly: bool = False,
        user: str | None = None, password: str | None = None,
    ) -> Desk:
        """Open the database at *path* (``None``: a new in-memory one).

        A database with accounts (a key file beside it) needs *user* and *password*:
        they unwrap its key, and the account's role then limits what this Desk may do.
        """
        key, account = None, None
        if path is not None and keystore_path(path).exists():
            if not user and Desk.credentials is not None:
                user, password = Desk.credentials(Path(path))
            if not user:
                raise LoginRequired()
            key, _store = authenticate(Path(path), user, password or "")
        lock = None
        if path is not None:
            location.check_location(path)   # a network drive is refused before anything
            if not readonly and (create or Path(path).exists()):
                lock = WriterLock.acquire(path, user=user or default_user())
        try:
            db = database.open_database(path, create=create, readonly=readonly, key=key)
            if key is not None:
                try:
                    account = verify_account(db, user, password or "")
                except Exception:
                    db.conn.close()
                    raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        desk = cls(db, Path(path) if path is not None else None,
                   user_name=account.username if account else "")
        desk.db_key, desk.account, desk.writer_lock = key, account, lock
        if lock is not None and lock.was_stale:
            log.warning("database lock left by a crashed session taken over (%s)",
                        (lock.previous or {}).get("host", "?"))
        return desk

    def reopen(self, key: bytes, account: Account) -> None:
        """After the file was encrypted under this Desk (accounts set up): the same
        Desk, now on the encrypted file as *account*."""
        self.db = database.open_database(self.path, key=key)
        self.db_key, self.account, self.user_name = key, account, account.username
        self._user_marked = False

    @property
    def role(self) -> str | None:
        return None if self.account is None else self.account.role

    def data_version(self) -> tuple[int, int]:
        """Changes when this Desk or any other connection has written since."""
        return self.writes, database.data_version(self.db)

    def close(self) -> None:
        self.db.conn.close()
        if self.writer_lock is not None:
            self.writer_lock.release()
            self.writer_lock = None

    def require(self, entity: str, action: str) -> None:
        """Refuse early (before any work) what ``log`` would refuse at the end."""
        permissions.require_change(self.role, entity, action)

    @staticmethod
    def check_file_integrity(path: str | Path, key: bytes | None = None) -> None:
        """Read the whole file and raise ``DatabaseCorrupt`` if it is damaged.

        Does not use any open Desk: safe on any thread, e.g. in the background
        after start-up (it takes about 1 s per 100 MB).
        """
        problems = database.quick_check(path, key)
        if problems:
            raise DatabaseCorrupt(path=str(path), detail="; ".join(problems[:5]))

    # -- helpers for the services -------------------------------------------------

    @contextmanager
    def write(self, *, bulk: bool = False, own_account: bool = False) -> Iterator[str]:
        """One transaction; yields the timestamp every row written in it shares.

        ``bulk``: a large write whose COMMIT should not also copy the WAL into the
        database file; call ``checkpoint()`` afterwards, when nobody is waiting.
        """
        if not own_account:   # a read-only account still changes its own password
            permissions.require_writer(self.role)
        self.writes += 1
        if bulk:
            with database.checkpoint_deferred(self.db), self.db.atomic():
                self._mark_user()
                yield clock.utc_now()
            return
        with self.db.atomic():
            self._mark_user()
            yield clock.utc_now()

    def _mark_user(self) -> None:
        """Tell the change-recording triggers who works here (once per Desk)."""
        if not self._user_marked:
            sync_sql.set_user(self.db, self.user_name)
            self._user_marked = True

    def checkpoint(self) -> None:
        """Housekeeping after a bulk write (see ``write(bulk=True)``)."""
        if self.path is not None:
            database.checkpoint(self.db)

    def log(
        self, at: str, action: str, entity: str, entity_id: str,
        before: dict | None, after: dict | None,
    ) -> None:
        # every change through the facade passes here, inside its transaction: a change
        # the role may not make is refused and rolled back with everything it wrote
        permissions.require_change(self.role, entity, action)
        oplog.append(
            self.db, at=at, user_name=self.user_name, device_id=self.device_id,
            action=action, entity=entity, entity_id=entity_id, before=before, after=after,
        )

    # -- summary -----------------------------------------------------------------------

    def info(self) -> dict:
        inst = self.institution.get()
        return {
            "db": str(self.path) if self.path else ":memory:",
            "schema_version": database.schema_version(self.db),
            "device_id": self.device_id,
            "institution": None if inst is None else {
                "name": inst.name, "uscc": inst.uscc, "kind": inst.kind,
                "district": inst.district, "is_demo": inst.is_demo,
            },
            "counts": institution_sql.row_counts(self.db),
            "classes_by_state": institution_sql.classes_by_state(self.db),
        }

    def build_demo(
        self, *, people: int, seed: int, progress: Progress | None = None
    ) -> demo.DemoSummary:
        """Fill this (empty) database with the demo institution, in one transaction."""
        return demo.build_demo(
            self.db, people=people, seed=seed, device_id=self.device_id, progress=progress
        )
