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
from skilldesk.cli_support import add_file_arguments
from skilldesk.cli_support import db_path
from skilldesk.cli_support import import_document
from skilldesk.cli_support import issue_lines
from skilldesk.cli_support import issues_json
from skilldesk.cli_support import refused
from skilldesk.cli_support import saved_line
from skilldesk.core.class_import_attendance import AttendanceOptions
from skilldesk.core.class_import_outcomes import ResultOptions
from skilldesk.core.class_imports import ImportOptions
from skilldesk.core.class_imports import NoRecordsFound
from skilldesk.core.class_models import SIGN_METHODS
from skilldesk.core.desk import Desk
from skilldesk.i18n import _
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
        add_file_arguments(sub)
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
            return refused(out, exc, lambda errors: {
                "kind": kind, **import_document({}, False, errors, [])})
        result = None
        if not args.dry_run:
            result = service.commit(preview, strict=args.strict)
    finally:
        desk.close()
    counts = result.counts if result else preview.counts
    committed = bool(result and result.committed)
    doc = {"kind": kind, **import_document(counts, committed, *issues_json(preview))}
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
    lines += issue_lines(preview)
    lines.append(saved_line(dry_run, _("Saved as import {batch}.").format(
        batch=result.batch_id) if result is not None and result.committed else None))
    return lines
