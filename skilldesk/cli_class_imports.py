"""``skilldesk-cli import attendance|results|employment``: a class's records from files.

Same JSON document as ``import roster``: {"rows", "new", "updated", "unchanged", "invalid",
"committed", "errors": [{"row", "column", "code", "message"}], "warnings": [...]}, plus
"kind" and, once saved, "batch". For attendance "new" / "updated" / "unchanged" count marks
(a trainee's punches for one session make one mark); for results and employment, rows.
Exit 0 when every row was valid, 1 when a row was invalid or the file was refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.cli_support import import_document
from skilldesk.core.class_import_attendance import AttendanceOptions
from skilldesk.core.class_import_outcomes import ResultOptions
from skilldesk.core.class_imports import ImportOptions
from skilldesk.core.class_imports import NoRecordsFound
from skilldesk.core.class_models import SIGN_METHODS
from skilldesk.core.desk import Desk
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.imports.reader import FileRefused

_HELP = {
    "attendance": "sign-in records (考勤): ID number or name, punch time",
    "results": "assessment results and certificates (考核结果)",
    "employment": "employment follow-up (就业跟踪)",
}


def register(import_kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the class import kinds to ``skilldesk-cli import``."""
    for kind in ("attendance", "results", "employment"):
        sub = import_kinds.add_parser(kind, parents=[common], help=_HELP[kind])
        sub.add_argument("file", type=Path)
        sub.add_argument("--class", dest="class_code", metavar="CODE", required=True,
                         help="the class the records belong to")
        sub.add_argument("--sheet", help="the sheet to read (default: the one that fits)")
        sub.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        sub.add_argument("--strict", action="store_true",
                         help="save nothing if any row is invalid")
        if kind == "attendance":
            defaults = AttendanceOptions()
            sub.add_argument("--early-minutes", type=int, default=defaults.early_minutes,
                             help="sign-ins count from this long before a session starts")
            sub.add_argument("--late-minutes", type=int, default=defaults.late_minutes,
                             help="a sign-in later than this after the start is late")
            sub.add_argument("--grace-minutes", type=int, default=defaults.grace_minutes,
                             help="a sign-out may come this long after a session ends")
            sub.add_argument("--method", choices=[m for m in SIGN_METHODS if m], default="",
                             help="the sign-in method when the file has no method column")
        elif kind == "results":
            sub.add_argument("--pass-mark", type=float, default=ResultOptions().pass_mark,
                             help="scores at or above this pass (when there is no result)")
        else:
            sub.add_argument("--month", type=int, choices=(1, 3, 6),
                             help="the follow-up month when the file has no month column")
        sub.set_defaults(handler=cmd_import_class_records, import_kind=kind)


def _options(args: argparse.Namespace) -> ImportOptions:
    if args.import_kind == "attendance":
        if min(args.early_minutes, args.late_minutes, args.grace_minutes) < 0:
            raise _usage(_("The minutes must be zero or more."))
        return ImportOptions(attendance=AttendanceOptions(
            early_minutes=args.early_minutes, late_minutes=args.late_minutes,
            grace_minutes=args.grace_minutes, method=args.method))
    if args.import_kind == "results":
        return ImportOptions(results=ResultOptions(pass_mark=args.pass_mark))
    return ImportOptions(month=args.month)


def _usage(message: str) -> SystemExit:
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    return SystemExit(2)


def cmd_import_class_records(args: argparse.Namespace, out: Output) -> int:
    kind = args.import_kind
    options = _options(args)
    desk = Desk.open(db_path(args, paths.default_db_path))
    try:
        service = desk.class_imports
        try:
            preview = service.preview(kind, args.file, class_code=args.class_code,
                                      sheet=args.sheet, options=options)
        except (FileRefused, NoRecordsFound) as exc:
            reason = getattr(exc, "reason", exc.code)
            doc = {"kind": kind, **import_document({}, False, [{
                "row": 0, "column": "", "code": reason, "message": exc.user_message()}], [])}
            print(_("Error: {message}").format(message=exc.user_message()), file=sys.stderr)
            if out.as_json:
                out.result(doc, "")
            return EXIT_PROBLEMS
        result = None
        if not args.dry_run:
            result = service.commit(preview, strict=args.strict)
    finally:
        desk.close()
    counts = result.counts if result else preview.counts
    committed = bool(result and result.committed)
    doc = {"kind": kind, **import_document(
        counts, committed, [i.as_json() for i in preview.issues("error")],
        [i.as_json() for i in preview.issues("warning")])}
    if result and result.batch_id:
        doc["batch"] = result.batch_id
    out.result(doc, "\n".join(_human(kind, preview, counts, args.dry_run, result)))
    return EXIT_PROBLEMS if counts["invalid"] else EXIT_OK


def _human(kind, preview, counts: dict, dry_run: bool, result) -> list[str]:
    if kind == "attendance":
        lines = [_("{rows} rows: {new} marks added, {updated} marks changed, {unchanged} "
                   "marks unchanged, {invalid} rows invalid.").format(**counts)]
    else:
        lines = [_("{rows} rows: {new} new, {updated} updated, {unchanged} unchanged, "
                   "{invalid} invalid.").format(**counts)]
    for severity, title in (("error", _("Errors:")), ("warning", _("Warnings:"))):
        groups = preview.grouped(severity)
        if groups:
            lines.append(title)
        for _code, message, count, rows in groups:
            if count > 1:
                message = _("e.g. {message}").format(message=message)
            rows = [r for r in rows if r]  # row 0: the file as a whole
            if not rows:
                lines.append(f"  {message}")
                continue
            shown = join(rows[:10]) + ("…" if len(rows) > 10 else "")
            lines.append(_("  {count} × {message} (rows {rows})").format(
                count=count, message=message, rows=shown))
    if dry_run:
        lines.append(_("Dry run: nothing was saved."))
    elif result is not None and result.committed:
        lines.append(_("Saved as import {batch}.").format(batch=result.batch_id))
    else:
        lines.append(_("Nothing was saved (--strict and some rows are invalid)."))
    return lines
