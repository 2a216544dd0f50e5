"""``skilldesk-cli backup …``: backups of the database (issue 9).

- ``backup create [--reason manual]``: a backup now (SQLite's backup API), then old ones
  are pruned (7 daily, 4 weekly, 12 monthly are kept);
- ``backup list``: the backups, newest first;
- ``backup verify FILE``: the full integrity check (exit 1 if the backup is damaged);
- ``backup restore FILE [--yes]``: shows what the backup holds and how it differs from
  the database now, asks (unless ``--yes``), backs up the current state, then restores.
  The database is closed during the restore and opened again afterwards.

With ``--json`` each prints one document.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import EXIT_USAGE
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.backups import REASON_LABELS
from skilldesk.core.backups import BackupService
from skilldesk.core.desk import Desk
from skilldesk.i18n import N_
from skilldesk.i18n import _

MANUAL_REASONS = ("manual", "daily", "open")
TABLE_LABELS = {"person": N_("People"), "training_class": N_("Classes"),
                "enrolment": N_("Enrolments"), "claim": N_("Claims"),
                "op_log": N_("Operation log entries")}


def _open(args: argparse.Namespace, *, readonly: bool = False) -> Desk:
    return Desk.open(db_path(args, paths.default_db_path), readonly=readonly)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def _line(info) -> str:
    return f"{info.made_at:%Y-%m-%d %H:%M:%S}  {_(REASON_LABELS.get(info.reason, info.reason))}" \
           f"  {_mb(info.size)}  {info.path}"


def cmd_create(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args)
    try:
        made = desk.backups.create(args.reason)
        pruned = desk.backups.prune()
    finally:
        desk.close()
    out.result({"backup": made.as_json(), "pruned": [str(p) for p in pruned]},
               _("Backup written to {path} ({size}).").format(path=made.path,
                                                               size=_mb(made.size)))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args, readonly=True)
    try:
        folder = desk.backups.folder()
        found = desk.backups.list()
    finally:
        desk.close()
    out.result({"folder": str(folder), "backups": [b.as_json() for b in found]},
               "\n".join(_line(b) for b in found) or _("No backups yet."))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args, readonly=True)
    try:
        problems = desk.backups.verify(args.file)
    finally:
        desk.close()
    human = _("The backup {path} is intact.").format(path=args.file) if not problems else \
        "\n".join([_("The backup {path} is damaged:").format(path=args.file)]
                  + [f"  - {p}" for p in problems[:20]])
    out.result({"path": str(args.file), "ok": not problems, "problems": problems}, human)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _describe(preview: dict) -> str:
    then = preview["backup"] or {}
    lines = [_("Backup: {path}").format(path=preview["path"]),
             _("Made: {at} ({reason})").format(
                 at=preview["made_at"] or "?",
                 reason=_(REASON_LABELS.get(preview["reason"] or "", preview["reason"] or "?"))),
             _("Institution: {name}").format(name=then.get("institution") or "-"),
             _("Last change recorded in it: {at}").format(at=then.get("last_change") or "-")]
    counts_now = preview["current"]["counts"]
    for table, count in (then.get("counts") or {}).items():
        now = counts_now.get(table)
        mark = "" if now == count else "  ≠"
        lines.append(_("  {table}: {then} in the backup, {now} now{mark}").format(
            table=_(TABLE_LABELS.get(table, table)), then="-" if count is None else count,
            now="-" if now is None else now, mark=mark))
    return "\n".join(lines)


def cmd_restore(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args)
    try:
        desk.require("backup", "restore")
        preview = desk.backups.preview(args.file)
        path, key, folder = desk.path, desk.db_key, desk.backups.folder()
    finally:
        desk.close()
    if preview["problems"]:
        human = "\n".join([_("The backup {path} is damaged, so it was not restored; nothing "
                             "was changed.").format(path=args.file)]
                          + [f"  - {p}" for p in preview["problems"][:20]])
        out.result({"restored": False, "preview": preview}, human)
        return EXIT_PROBLEMS
    if not args.yes:
        print(_describe(preview), file=sys.stderr)
        print(_("The database will be replaced by this backup; its current state is backed "
                "up first."), file=sys.stderr)
        if not sys.stdin.isatty() or input(_("Restore it? [y/N] ")).strip().lower() \
                not in ("y", "yes", "是"):
            print(_("Not restored."), file=sys.stderr)
            return EXIT_USAGE
    saved = BackupService.restore(path, args.file, key=key, folder=folder)
    desk = Desk.open(path)  # opened again: migrated if the backup is from an older version
    try:
        desk.backups.record_restore(args.file, saved)
    finally:
        desk.close()
    data = {"restored": True, "from": str(args.file),
            "saved_current_as": str(saved.path) if saved else None, "preview": preview}
    human = _("Restored from {path}.").format(path=args.file)
    if saved:
        human += "\n" + _("The state before the restore was backed up to {path}.").format(
            path=saved.path)
    out.result(data, human)
    return EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``backup`` to the command line."""
    group = commands.add_parser("backup", parents=[common], help="backups of the database")
    actions = group.add_subparsers(dest="backup_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[common], help="make a backup now")
    create.add_argument("--reason", choices=MANUAL_REASONS, default="manual")
    create.set_defaults(handler=cmd_create)
    listing = actions.add_parser("list", parents=[common], help="the backups, newest first")
    listing.set_defaults(handler=cmd_list)
    verify = actions.add_parser("verify", parents=[common],
                                help="check a backup (exit 1 if damaged)")
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.set_defaults(handler=cmd_verify)
    restore = actions.add_parser("restore", parents=[common],
                                 help="replace the database with a backup")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask")
    restore.set_defaults(handler=cmd_restore)
