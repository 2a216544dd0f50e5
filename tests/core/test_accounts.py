"""Accounts, roles and the encrypted database (issue 9): through the facade, on real
encrypted files."""

from __future__ import annotations

import datetime as dt

import pytest

from skilldesk.core.accounts import DEMO_ACCOUNTS
from skilldesk.core.accounts import AccountDisabled
from skilldesk.core.accounts import AccountService
from skilldesk.core.accounts import LoginRequired
from skilldesk.core.accounts import secure_demo
from skilldesk.core.desk import Desk
from skilldesk.core.keystore import AccountLocked
from skilldesk.core.keystore import KeyStore
from skilldesk.core.keystore import WrongPassword
from skilldesk.core.keystore import WrongRecoveryKey
from skilldesk.core.keystore import parse_recovery
from skilldesk.core.keystore import recovery_text
from skilldesk.core.models import PersonDraft
from skilldesk.core.people import draft_from
from skilldesk.core.permissions import PermissionDenied
from skilldesk.errors import DatabaseEncrypted
from skilldesk.errors import ValidationError
from skilldesk.errors import WrongDatabaseKey
from skilldesk.storage import database

PASSWORDS = {user: password for user, _d, _r, password in DEMO_ACCOUNTS}


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    path = tmp_path_factory.mktemp("accounts") / "school.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=40, seed=3)
    recovery = secure_demo(desk)
    desk.close()
    return path, recovery


def _login(path, user):
    return Desk.open(path, user=user, password=PASSWORDS[user])


def test_the_file_is_encrypted_and_cannot_be_opened_without_the_key(secured):
    path, _recovery = secured
    head = path.read_bytes()[:16]
    assert head != database.SQLITE_HEADER and database.is_encrypted(path)
    assert b"demo" not in path.read_bytes()[:4096]
    with pytest.raises(DatabaseEncrypted):
        database.open_database(path)
    with pytest.raises(WrongDatabaseKey):
        database.open_database(path, key=b"\x01" * 32)
    with pytest.raises(LoginRequired):
        Desk.open(path)
    # the WAL and the key file never hold the key in the clear
    store = path.with_name(path.name + ".keys").read_text()
    desk = _login(path, "admin")
    try:
        assert desk.db_key.hex() not in store
    finally:
        desk.close()


def test_each_role_is_limited_by_the_facade_not_by_buttons(secured):
    path, _ = secured
    for user, allowed in (("viewer", False), ("finance", False), ("clerk", True),
                          ("admin", True)):
        desk = _login(path, user)
        try:
            person = desk.people.get(desk.people.search().rows[0].id)
            draft = PersonDraft(**{**draft_from(person).__dict__,
                                   "notes": f"edited by {user}"})
            if allowed:
                desk.people.save(draft, person_id=person.id)
                assert desk.people.get(person.id).notes == f"edited by {user}"
            else:
                before = desk.people.get(person.id)
                with pytest.raises(PermissionDenied):
                    desk.people.save(draft, person_id=person.id)
                assert desk.people.get(person.id) == before   # nothing written
            # account administration is the administrator's alone
            if user != "admin":
                with pytest.raises(PermissionDenied):
                    desk.accounts.reset_password("viewer", "another-pass1")
        finally:
            desk.close()


def test_the_op_log_names_the_account_that_made_each_change(secured):
    path, _ = secured
    desk = _login(path, "clerk")
    try:
        row = desk.db.execute("SELECT user_name FROM op_log WHERE action = 'update' "
                              "AND entity = 'person' ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        desk.close()
    assert row[0] in ("clerk", "admin")


def test_wrong_passwords_lock_the_account_for_a_while(tmp_path):
    path = tmp_path / "lock.skilldesk"
    desk = Desk.open(path, create=True)
    desk.accounts.secure("boss", "right-password")
    desk.close()
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPassword) as info:
            Desk.open(path, user="boss", password="wrong")
        assert info.value.params["left"] == left
    with pytest.raises(AccountLocked):
        Desk.open(path, user="boss", password="wrong")
    with pytest.raises(AccountLocked):     # even the right password, until the time is up
        Desk.open(path, user="boss", password="right-password")
    store = KeyStore.load(path)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=16)
    assert store.unlock("boss", "right-password", now=later)
    Desk.open(path, user="boss", password="right-password").close()
    with pytest.raises(WrongPassword):       # an unknown name looks like a wrong password
        Desk.open(path, user="nobody", password="whatever")


def test_an_administrator_resets_a_password_and_it_is_logged(tmp_path):
    path = tmp_path / "reset.skilldesk"
    desk = Desk.open(path, create=True)
    desk.accounts.secure("boss", "boss-password")
    desk.accounts.create("li", "first-password", role="clerk", display_name="李老师")
    with pytest.raises(ValidationError):
        desk.accounts.create("wu", "short", role="clerk")
    desk.accounts.reset_password("li", "second-password")
    entry = desk.db.execute("SELECT user_name, action, entity_id FROM op_log "
                            "WHERE action = 'reset_password'").fetchone()
    desk.close()
    assert entry == ("boss", "reset_password", "li")
    with pytest.raises(WrongPassword):
        Desk.open(path, user="li", password="first-password")
    li = Desk.open(path, user="li", password="second-password")
    assert li.account.must_change_password and li.role == "clerk"
    li.accounts.change_password("second-password", "third-password")
    li.close()
    Desk.open(path, user="li", password="third-password").close()

    boss = Desk.open(path, user="boss", password="boss-password")
    boss.accounts.set_active("li", False)
    with pytest.raises(Exception):
        boss.accounts.set_active("boss", False)   # the last administrator stays
    boss.close()
    with pytest.raises((WrongPassword, AccountDisabled)):
        Desk.open(path, user="li", password="third-password")


def test_the_recovery_key_gives_an_administrator_a_new_password(tmp_path):
    path = tmp_path / "recover.skilldesk"
    desk = Desk.open(path, create=True)
    recovery = desk.accounts.secure("boss", "forgotten-password")
    desk.close()
    assert len(recovery.split("-")) == 13 and parse_recovery(recovery.lower())
    with pytest.raises(WrongRecoveryKey):
        AccountService.recover(path, recovery_text(b"\x07" * 32), "boss", "new-password-1")
    AccountService.recover(path, recovery, "boss", "new-password-1")
    boss = Desk.open(path, user="boss", password="new-password-1")
    assert boss.account.must_change_password
    assert boss.db.execute("SELECT count(*) FROM op_log WHERE action = 'recover'"
                           ).fetchone()[0] == 1
    boss.close()


def test_revealing_a_full_number_needs_a_role_that_may_and_is_logged(secured):
    path, _ = secured
    desk = _login(path, "clerk")
    try:
        person = desk.people.search().rows[0]
        full = desk.accounts.reveal("person", person.id, "id_number", purpose="核对")
        assert len(full) == 18
        with pytest.raises(PermissionDenied):
            desk.accounts.reveal("person", person.id, "bank_account")
        log = desk.accounts.reveals(5)[0]
        assert (log["user_name"], log["entity_id"], log["field"], log["purpose"]) == (
            "clerk", person.id, "id_number", "核对")
    finally:
        desk.close()
    viewer = _login(path, "viewer")
    try:
        with pytest.raises(PermissionDenied):
            viewer.accounts.reveal("person", person.id, "id_number")
    finally:
        viewer.close()


def test_a_database_without_accounts_has_no_limits(tmp_path):
    desk = Desk.open(tmp_path / "plain.skilldesk", create=True)
    assert desk.role is None and desk.db_key is None
    assert (tmp_path / "plain.skilldesk").read_bytes()[:16] == database.SQLITE_HEADER
    desk.close()


def test_backups_made_before_accounts_are_encrypted_with_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SKILLDESK_NO_AUTO_BACKUP", raising=False)
    path = tmp_path / "school.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=20, seed=1)
    made = desk.backups.create("manual")
    assert not database.is_encrypted(made.path)
    desk.accounts.secure("boss", "boss-password")
    assert database.is_encrypted(made.path)
    assert desk.backups.verify(made.path) == []
    desk.close()


def test_a_bulk_roster_import_checks_the_role_too(secured, tmp_path):
    """Rows a roster import writes in bulk bypass Desk.log: the role is checked up front."""
    from tests.imports.files import write_csv
    from skilldesk.rules.identifiers import id_check_char

    path, _ = secured
    body = "32050819900101777"
    roster = write_csv(tmp_path / "roster.csv", [["姓名", "身份证号"],
                                                ["周新", body + id_check_char(body)]])
    desk = _login(path, "finance")
    try:
        preview = desk.roster.preview(roster)
        before = desk.people.total()
        with pytest.raises(PermissionDenied):
            desk.roster.commit(preview)
        assert desk.people.total() == before
    finally:
        desk.close()


def test_a_damaged_old_backup_does_not_stop_the_set_up(tmp_path, monkeypatch):
    """The database is encrypted and its key file written whatever an old backup holds:
    the damaged one is left as it was, the good ones are encrypted."""
    monkeypatch.delenv("SKILLDESK_NO_AUTO_BACKUP", raising=False)
    path = tmp_path / "school.skilldesk"
    desk = Desk.open(path, create=True)
    desk.build_demo(people=20, seed=1)
    good = desk.backups.create("manual").path
    bad = desk.backups.create("daily").path
    data = bytearray(bad.read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\xff" * 8192
    data[100:4096] = b"\x00" * 3996
    bad.write_bytes(bytes(data))
    desk.accounts.secure("boss", "boss-password")
    assert desk.role == "admin" and KeyStore.load(path) is not None
    assert database.is_encrypted(good)
    desk.close()
    Desk.open(path, user="boss", password="boss-password").close()
