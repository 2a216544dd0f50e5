"""Accounts and roles (issue 9): who may open the database, and what each may do.

A database gets accounts once (``secure()``): it is encrypted with a random key, the key
is wrapped for the first administrator and by a recovery key (``core/keystore.py``), and
from then on every open needs a user name and password. The role of the account that
opened a Desk is checked by the facade on every change (``core/permissions.py``).
Passwords are also stored as Argon2id hashes (argon2-cffi, OWASP's parameters) in the
database, which the login checks as well.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from skilldesk.core import clock
from skilldesk.core import permissions
from skilldesk.core.changes import Changes
from skilldesk.core.keystore import ARGON2
from skilldesk.core.keystore import KeyStore
from skilldesk.core.keystore import WrongPassword
from skilldesk.errors import Conflict
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.storage import accounts as sql
from skilldesk.storage import backup as backup_files
from skilldesk.storage import database

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

log = logging.getLogger(__name__)

MIN_PASSWORD = 8
_HASHER = PasswordHasher(**ARGON2)

#: The demo database's accounts (README, user guide): one per role.
DEMO_ACCOUNTS = (
    ("admin", "演示管理员", "admin", "demo-admin"),
    ("clerk", "演示经办人", "clerk", "demo-clerk"),
    ("finance", "演示财务", "finance", "demo-finance"),
    ("viewer", "演示只读", "readonly", "demo-viewer"),
)


def secure_demo(desk: Desk) -> str:
    """The demo database with its documented accounts (README): encrypted like any other."""
    username, display, _role, password = DEMO_ACCOUNTS[0]
    recovery = desk.accounts.secure(username, password, display_name=display, demo=True)
    desk.accounts.add_demo_accounts()
    return recovery


class PasswordIncorrect(WrongPassword):
    """The password does not match the account (the key file was already passed)."""

    default_msgid = N_("The password is wrong.")


class LoginRequired(SkilldeskError):
    code = "E_LOGIN_REQUIRED"
    default_msgid = N_("This database has accounts: give a user name and password "
                       "(skilldesk-cli --user NAME, password at the prompt or in "
                       "SKILLDESK_PASSWORD).")


class AccountDisabled(SkilldeskError):
    code = "E_ACCOUNT_DISABLED"
    default_msgid = N_("The account {user} is disabled. Ask an administrator.")


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    must_change_password: bool = False

    @property
    def role_label(self) -> str:
        from skilldesk.i18n import _
        return _(permissions.ROLES.get(self.role, self.role))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        from skilldesk.errors import FieldIssue
        raise ValidationError([FieldIssue("password", "PASSWORD_SHORT", N_(
            "A password needs at least {n} characters."), {"n": MIN_PASSWORD})])


def authenticate(path: Path, username: str, password: str) -> tuple[bytes, KeyStore]:
    """The database key for these credentials (failures are counted in the key file)."""
    store = KeyStore.load(path)
    if store is None:
        raise LoginRequired()
    return store.unlock(username, password), store


def verify_account(db, username: str, password: str) -> Account:
    """The account row must exist, be active, and agree with the password."""
    row = sql.user(db, username)
    if row is None:
        raise PasswordIncorrect()
    if not row["active"]:
        raise AccountDisabled(user=username)
    try:
        _HASHER.verify(row["password_hash"], password)
    except VerificationError:
        raise PasswordIncorrect() from None
    return Account(row["username"], row["display_name"], row["role"],
                   bool(row["must_change_password"]))


class AccountService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- set-up --------------------------------------------------------------------------

    def secure(self, username: str, password: str, *, display_name: str = "",
               demo: bool = False) -> str:
        """Give this (plaintext, file) database accounts: encrypt it, make *username* its
        administrator. Returns the recovery key text to print. The Desk is reopened."""
        desk = self._desk
        if desk.path is None or KeyStore.load(desk.path) is not None:
            raise Conflict(N_("This database already has accounts."))
        check_password(password)
        key = os.urandom(32)
        with desk.write() as now:
            if sql.user(desk.db, username) is not None:   # an earlier attempt that failed
                sql.update_user(desk.db, username, {
                    "password_hash": _HASHER.hash(password), "role": "admin", "active": 1,
                    "password_set_at": now, "updated_at": now})
            else:
                self._insert(username, display_name, "admin", password, now, by="")
        path = desk.path
        desk.db.conn.close()
        try:
            database.encrypt_file(path, key)
        except BaseException:
            desk.db = database.open_database(path)   # still plaintext, as it was
            raise
        # the key file at once: from here on the database cannot be opened without it
        store = KeyStore.new(path, demo=demo)
        store.set_password(username, password, key)
        recovery = store.new_recovery(key)
        store.save()
        desk.reopen(key, Account(username, display_name, "admin"))
        self._encrypt_old_backups(path, key)
        return recovery

    @staticmethod
    def _encrypt_old_backups(path: Path, key: bytes) -> None:
        """Backups made before hold the same personal data: encrypted too, same key. One
        that cannot be read (damaged) is left as it is, and logged by file name."""
        for item in backup_files.list_files(backup_files.backup_dir(path)):
            if database.is_encrypted(item.path):
                continue
            try:
                database.encrypt_file(item.path, key)
            except Exception as exc:   # noqa: BLE001 - one bad backup must not stop the rest
                log.warning("backup %s could not be encrypted: %s", item.path.name,
                            type(exc).__name__)

    def add_demo_accounts(self) -> None:
        """The demo's documented accounts, one per role (the administrator exists)."""
        for username, display, role, password in DEMO_ACCOUNTS[1:]:
            self.create(username, password, role=role, display_name=display)

    def _insert(self, username, display_name, role, password, now, by) -> None:
        sql.insert_user(self._desk.db, {
            "id": clock.new_id(), "username": username, "display_name": display_name,
            "role": role, "password_hash": _HASHER.hash(password), "active": 1,
            "password_set_at": now, "password_set_by": by, "created_at": now,
            "updated_at": now, "device_id": self._desk.device_id})
        self._desk.log(now, "create", "user", username, None,
                       {"role": role, "display_name": display_name})

    @staticmethod
    def recover(path: Path, recovery: str, username: str, new_password: str) -> None:
        """With the printed recovery key: give *username* (an existing account) a new
        password, when every administrator's password is lost. Logged as a recovery."""
        from skilldesk.core.desk import Desk

        check_password(new_password)
        store = KeyStore.load(path)
        if store is None:
            raise LoginRequired()
        key = store.recover(recovery)
        db = database.open_database(path, key=key)
        desk = Desk(db, Path(path), user_name=f"recovery:{username}")
        desk.db_key = key
        try:
            if sql.user(db, username) is None:
                raise NotFound(N_("There is no account {user}."), user=username)
            with desk.write() as now:
                sql.update_user(db, username, {
                    "password_hash": _HASHER.hash(new_password), "password_set_at": now,
                    "password_set_by": "recovery key", "must_change_password": 1,
                    "active": 1, "updated_at": now})
                desk.log(now, "recover", "user", username, None, {"by": "recovery key"})
                store.set_password(username, new_password, key)
                store.save()
        finally:
            desk.close()

    # -- administration ------------------------------------------------------------------

    def _store(self) -> KeyStore:
        store = KeyStore.load(self._desk.path) if self._desk.path else None
        if store is None or self._desk.db_key is None:
            raise Conflict(N_("This database has no accounts yet."))
        return store

    def users(self) -> list[dict]:
        return [{k: v for k, v in u.items() if k != "password_hash"}
                for u in sql.users(self._desk.db)]

    def create(self, username: str, password: str, *, role: str,
               display_name: str = "") -> Changes:
        username = username.strip()
        if role not in permissions.ROLES or not username:
            raise ValueError(f"bad account {username!r} {role!r}")
        check_password(password)
        store = self._store()
        if sql.user(self._desk.db, username) is not None:
            raise Conflict(N_("There is already an account {user}."), user=username)
        with self._desk.write() as now:
            self._insert(username, display_name, role, password, now,
                         by=self._desk.user_name)
            store.set_password(username, password, self._desk.db_key)
            store.save()
        return Changes(settings=True)

    def reset_password(self, username: str, new_password: str) -> Changes:
        """An administrator sets a new password; the owner must change it at next login."""
        check_password(new_password)
        store = self._store()
        if sql.user(self._desk.db, username) is None:
            raise NotFound(N_("There is no account {user}."), user=username)
        with self._desk.write() as now:
            sql.update_user(self._desk.db, username, {
                "password_hash": _HASHER.hash(new_password), "password_set_at": now,
                "password_set_by": self._desk.user_name, "must_change_password": 1,
                "updated_at": now})
            self._desk.log(now, "reset_password", "user", username, None,
                           {"by": self._desk.user_name})
            store.set_password(username, new_password, self._desk.db_key)
            store.save()
        return Changes(settings=True)

    def verify_current(self, password: str) -> Account:
        """The locked screen's check: the password of the account logged in here. Counts
        failures in the key file like a login (five lock the account)."""
        desk = self._desk
        store = KeyStore.load(desk.path) if desk.path else None
        if store is None or desk.account is None:
            raise LoginRequired()
        if store.unlock(desk.user_name, password) != desk.db_key:
            raise PasswordIncorrect()
        return verify_account(desk.db, desk.user_name, password)

    def change_password(self, old: str, new: str) -> Changes:
        """The logged-in account changes its own password."""
        desk = self._desk
        verify_account(desk.db, desk.user_name, old)
        check_password(new)
        store = self._store()
        with desk.write(own_account=True) as now:
            sql.update_user(desk.db, desk.user_name, {
                "password_hash": _HASHER.hash(new), "password_set_at": now,
                "password_set_by": desk.user_name, "must_change_password": 0,
                "updated_at": now})
            desk.log(now, "change_password", "account", desk.user_name, None, None)
            store.set_password(desk.user_name, new, desk.db_key)
            store.save()
        if desk.account is not None:
            desk.account = replace(desk.account, must_change_password=False)
        return Changes(settings=True)

    def set_active(self, username: str, active: bool) -> Changes:
        store = self._store()
        row = sql.user(self._desk.db, username)
        if row is None:
            raise NotFound(N_("There is no account {user}."), user=username)
        if not active and row["role"] == "admin" and sql.count_admins(self._desk.db) <= 1:
            raise Conflict(N_("The last administrator cannot be disabled."))
        with self._desk.write() as now:
            sql.update_user(self._desk.db, username, {"active": int(active), "updated_at": now})
            self._desk.log(now, "enable" if active else "disable", "user", username, None,
                           None)
            if not active:
                store.remove(username)   # the key is no longer wrapped for it
                store.save()
        return Changes(settings=True)

    # -- personal numbers ----------------------------------------------------------------

    def reveal(self, entity: str, entity_id: str, field: str, *, purpose: str = "") -> str:
        """The full number, for a role that may see it; logged (who, when, which record)."""
        desk = self._desk
        if not permissions.may_reveal(desk.role, field):
            raise permissions.PermissionDenied(role=permissions._RoleLabel(desk.role),
                                               what=f"reveal {field}")
        value = sql.personal_value(desk.db, entity, entity_id, field)
        if value is None:
            raise NotFound()
        with desk.db.atomic():
            sql.log_reveal(desk.db, at=clock.utc_now(), user_name=desk.user_name,
                           role=desk.role or "", device_id=desk.device_id, entity=entity,
                           entity_id=entity_id, field=field, purpose=purpose)
        return value or ""

    def reveals(self, limit: int = 500) -> list[dict]:
        return sql.reveals(self._desk.db, limit)
