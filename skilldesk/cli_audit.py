"""``skilldesk-cli audit …``: the audit trail (审计) of every change (issue 9).

``audit verify`` recomputes the hash chain of the operation log: exit 0 when it is
intact, 1 when not; with ``--json`` exactly ``{"entries": n, "valid": bool,
"first_bad": null | seq}``. (``--by``, not ``--user``: that one is the log-in
every command takes.) ``audit list [--by USER] [--entity E] [--id ID]
[--action A] [--since DATE] [--until DATE] [--limit N]`` prints entries newest
first; ``audit export --out FILE.xlsx`` with the same filters writes them to Excel.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.audit import AuditFilter
from skilldesk.core.desk import Desk
from skilldesk.errors import UsageError
from skilldesk.i18n import N_
from skilldesk.i18n import _


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(N_("“{value}” is not a date; write it as YYYY-MM-DD."),
                         value=text) from None


def _open(args: argparse.Namespace) -> Desk:
    return Desk.open(db_path(args, paths.default_db_path), readonly=True)


def _filter(args: argparse.Namespace) -> AuditFilter:
    return AuditFilter(subject=args.id or "", entity=args.entity or "", user=args.by,
                       action=args.action or "", since=_day(args.since),
                       until=_day(args.until))


def cmd_verify(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args)
    try:
        result = desk.audit.verify()
    finally:
        desk.close()
    if result["valid"]:
        human = _("The audit trail is intact: {entries} entries verified.").format(**result)
    else:
        human = _("The audit trail has been altered: entry {first_bad} does not match the "
                  "chain ({entries} entries).").format(**result)
    out.result({"entries": result["entries"], "valid": result["valid"],
                "first_bad": result["first_bad"]}, human)
    return EXIT_OK if result["valid"] else EXIT_PROBLEMS


def cmd_list(args: argparse.Namespace, out: Output) -> int:
    if args.limit < 1:
        raise UsageError(N_("--limit must be 1 or more."))
    desk = _open(args)
    try:
        entries = desk.audit.entries(_filter(args), limit=args.limit).rows
    finally:
        desk.close()
    lines = [f"{e.seq:>8}  {e.local_time}  {e.user_name or '-'}  {e.action}  "
             f"{e.entity} {e.entity_id}  {e.changes()}" for e in entries]
    if not lines:
        lines = [_("No audit entries match.")]
    out.result({"entries": [e.as_dict() for e in entries]}, "\n".join(lines))
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args)
    try:
        count = desk.audit.export(args.out, _filter(args))
    finally:
        desk.close()
    out.result({"path": str(args.out), "entries": count},
               _("{count} audit entries written to {path}.").format(count=count, path=args.out))
    return EXIT_OK


def _filters(parser: argparse.ArgumentParser) -> None:
    # --user is the log-in of every command (cli_accounts); the author of a change is --by
    parser.add_argument("--by", metavar="USER", help="only changes made by this user name")
    parser.add_argument("--entity", help="only this kind of record (person, class, enrolment…)")
    parser.add_argument("--id", help="a record id, ID number or class code: its entries and "
                                     "those that mention it")
    parser.add_argument("--action", help="only this action (create, update, …)")
    parser.add_argument("--since", metavar="DATE", help="from this day (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", help="up to this day, included")


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``audit`` and its subcommands to the command line."""
    audit = commands.add_parser("audit", parents=[common], help="the audit trail (审计)")
    actions = audit.add_subparsers(dest="action_name", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", parents=[common],
                                help="check the hash chain of the audit trail")
    verify.set_defaults(handler=cmd_verify)
    listing = actions.add_parser("list", parents=[common], help="entries, newest first")
    _filters(listing)
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    listing.set_defaults(handler=cmd_list)
    export = actions.add_parser("export", parents=[common], help="entries to an .xlsx file")
    _filters(export)
    export.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx")
    export.set_defaults(handler=cmd_export)
