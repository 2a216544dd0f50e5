"""``skilldesk-cli accounts ...`` and the command line's login (issue 9).

Every command that opens a database with accounts logs in: ``--user NAME``, the password
from ``SKILLDESK_PASSWORD`` or a prompt. On a demo database with no ``--user``, the
documented demo administrator is used, so the demo stays a two-command experience.

- ``accounts setup --admin NAME``: give a database accounts (it is encrypted; prints the
  recovery key to print and keep in the safe).
- ``accounts list``; ``accounts add NAME --role ROLE``; ``accounts reset NAME``;
  ``accounts disable NAME``; ``accounts passwd``; ``accounts reveals``.
- ``accounts recover --user NAME``: a new password with the recovery key.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.accounts import DEMO_ACCOUNTS
from skilldesk.core.accounts import AccountService
from skilldesk.core.accounts import LoginRequired
from skilldesk.core.desk import Desk
from skilldesk.core.keystore import KeyStore
from skilldesk.core.permissions import ROLES
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _

PASSWORD_ENV = "SKILLDESK_PASSWORD"
NEW_PASSWORD_ENV = "SKILLDESK_NEW_PASSWORD"
RECOVERY_ENV = "SKILLDESK_RECOVERY_KEY"


def _ask(env: str, prompt: str, *, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise SkilldeskError(N_("No password given: type it at the prompt, or set {env}."),
                             env=env)
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Type it again: ")) != value:
        raise SkilldeskError(N_("The two passwords differ."))
    return value


def new_password(user: str) -> str:
    return _ask(NEW_PASSWORD_ENV, _("New password for {user}: ").format(user=user), confirm=True)


def install_login(args: argparse.Namespace) -> None:
    """Answer ``Desk.open``'s question for user and password, once per run."""
    answered: dict[Path, tuple[str, str]] = {}

    def credentials(path: Path) -> tuple[str, str]:
        if path in answered:
            return answered[path]
        store = KeyStore.load(path)
        user = getattr(args, "user", None)
        password = os.environ.get(PASSWORD_ENV)
        if user is None and store is not None and store.demo:
            user = DEMO_ACCOUNTS[0][0]
            password = password if password is not None else DEMO_ACCOUNTS[0][3]
        if user is None:
            raise LoginRequired()
        if password is None and store is not None and store.demo:
            password = {u: pw for u, _d, _r, pw in DEMO_ACCOUNTS}.get(user)
        if password is None:
            password = _ask(PASSWORD_ENV, _("Password for {user}: ").format(user=user))
        answered[path] = (user, password)
        return user, password

    Desk.credentials = credentials


def write_recovery_sheet(out_path: Path, desk: Desk, admin: str, recovery: str) -> int:
    """The 数据库恢复密钥 sheet to print for the safe."""
    import datetime as dt

    from skilldesk.reports.form_recovery import TITLE
    from skilldesk.reports.form_recovery import render_recovery_sheet
    from skilldesk.reports.page import Masthead

    institution = desk.institution.get()
    today = dt.date.today()
    head = Masthead(_(TITLE), institution.name if institution else "", "", "", today)
    return render_recovery_sheet(head, {
        "institution": institution.name if institution else "",
        "database": desk.path.name if desk.path else "", "admin": admin,
        "created": today.isoformat(), "key": recovery}, out_path)


def _open(args) -> Desk:
    return Desk.open(db_path(args, paths.default_db_path))


def cmd_setup(args, out: Output) -> int:
    desk = _open(args)
    try:
        password = _ask(NEW_PASSWORD_ENV, _("New password for {user}: ").format(user=args.admin),
                        confirm=True)
        recovery = desk.accounts.secure(args.admin, password, display_name=args.name or "")
        if args.recovery_pdf:
            write_recovery_sheet(args.recovery_pdf, desk, args.admin, recovery)
    finally:
        desk.close()
    out.result({"admin": args.admin, "recovery_key": recovery, "encrypted": True},
               _("The database is now encrypted, with {user} as its administrator.\n"
                 "Recovery key (print it and keep it in the safe; it is shown once):\n"
                 "  {key}").format(user=args.admin, key=recovery))
    return EXIT_OK


def cmd_list(args, out: Output) -> int:
    desk = _open(args)
    try:
        users = desk.accounts.users()
    finally:
        desk.close()
    lines = [f"{u['username']}  {_(ROLES[u['role']])}  {u['display_name']}  "
             + ("" if u["active"] else _("(disabled)")) for u in users]
    out.result({"users": users}, "\n".join(lines) or _("No accounts."))
    return EXIT_OK


def cmd_add(args, out: Output) -> int:
    desk = _open(args)
    try:
        desk.require("user", "create")  # before asking for a password
        password = _ask(NEW_PASSWORD_ENV, _("Password for the new account {user}: ").format(
            user=args.name), confirm=True)
        desk.accounts.create(args.name, password, role=args.role, display_name=args.display or "")
    finally:
        desk.close()
    out.result({"added": args.name, "role": args.role}, _("Account {user} added.").format(
        user=args.name))
    return EXIT_OK


def cmd_reset(args, out: Output) -> int:
    desk = _open(args)
    try:
        desk.require("user", "create")  # before asking for a password
        password = _ask(NEW_PASSWORD_ENV, _("New password for {user}: ").format(user=args.name),
                        confirm=True)
        desk.accounts.reset_password(args.name, password)
    finally:
        desk.close()
    out.result({"reset": args.name}, _("Password of {user} reset; it must be changed at the "
                                       "next login.").format(user=args.name))
    return EXIT_OK


def cmd_disable(args, out: Output) -> int:
    desk = _open(args)
    try:
        desk.accounts.set_active(args.name, False)
    finally:
        desk.close()
    out.result({"disabled": args.name}, _("Account {user} disabled.").format(user=args.name))
    return EXIT_OK


def cmd_passwd(args, out: Output) -> int:
    desk = _open(args)
    try:
        old = _ask(PASSWORD_ENV, _("Current password: "))
        new = _ask(NEW_PASSWORD_ENV, _("New password: "), confirm=True)
        desk.accounts.change_password(old, new)
    finally:
        desk.close()
    out.result({"changed": desk.user_name}, _("Password changed."))
    return EXIT_OK


def cmd_recover(args, out: Output) -> int:
    user = getattr(args, "user", None)
    if not user:
        raise SkilldeskError(N_("Say whose password to set: --user NAME."))
    recovery = _ask(RECOVERY_ENV, _("Recovery key: "))
    password = new_password(user)
    AccountService.recover(db_path(args, paths.default_db_path), recovery, user, password)
    out.result({"recovered": user}, _("{user} has a new password (to be changed at the "
                                      "next login).").format(user=user))
    return EXIT_OK


def cmd_reveals(args, out: Output) -> int:
    desk = _open(args)
    try:
        rows = desk.accounts.reveals()
    finally:
        desk.close()
    lines = [f"{r['at'][:19]}  {r['user_name']}  {r['entity']} {r['entity_id'][:8]}  {r['field']}"
             for r in rows]
    out.result({"reveals": rows}, "\n".join(lines) or _("Nothing."))
    return EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser("accounts", parents=[common], help="users and roles (账户)")
    actions = group.add_subparsers(dest="accounts_action", metavar="ACTION", required=True)
    setup = actions.add_parser("setup", parents=[common], help="encrypt and add accounts")
    setup.add_argument("--admin", required=True, metavar="NAME")
    setup.add_argument("--name", help="the administrator's display name")
    setup.add_argument("--recovery-pdf", type=Path, metavar="FILE.pdf",
                       help="write the recovery key sheet to print for the safe")
    setup.set_defaults(handler=cmd_setup)
    actions.add_parser("list", parents=[common], help="the accounts").set_defaults(
        handler=cmd_list)
    add = actions.add_parser("add", parents=[common], help="a new account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--display")
    add.set_defaults(handler=cmd_add)
    reset = actions.add_parser("reset", parents=[common], help="set a new password (admin)")
    reset.add_argument("name", metavar="NAME")
    reset.set_defaults(handler=cmd_reset)
    disable = actions.add_parser("disable", parents=[common], help="disable an account")
    disable.add_argument("name", metavar="NAME")
    disable.set_defaults(handler=cmd_disable)
    actions.add_parser("passwd", parents=[common], help="change your password").set_defaults(
        handler=cmd_passwd)
    recover = actions.add_parser("recover", parents=[common],
                                 help="a new password with the recovery key")
    recover.set_defaults(handler=cmd_recover)
    actions.add_parser("reveals", parents=[common],
                       help="who saw which full number").set_defaults(handler=cmd_reveals)
