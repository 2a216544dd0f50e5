"""``skilldesk-cli report KIND --class CODE --out FILE.pdf``: the printed forms (issue 6).

KIND is one of ``core.reports.REPORT_KINDS``. JSON: {"kind", "class", "out", "pages"}.
A character the font cannot print is exit 1, naming the characters and whose records
they are in; nothing is written then.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import Output
from skilldesk.cli_support import StderrProgress
from skilldesk.cli_support import db_path
from skilldesk.core.desk import Desk
from skilldesk.core.reports import REPORT_KINDS
from skilldesk.i18n import _


def cmd_report(args: argparse.Namespace, out: Output) -> int:
    today = dt.date.fromisoformat(args.today) if args.today else None
    progress = StderrProgress(enabled=not out.as_json)
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        class_id = desk.classes.id_for_code(args.class_code)
        result = desk.reports.render(args.report_kind, class_id, args.out, today=today,
                                     progress=progress)
    finally:
        desk.close()
    progress.finish()
    out.result({"kind": result.kind, "class": args.class_code, "out": str(result.path),
                "pages": result.pages},
               _("{form} for {code} written to {path} ({pages} pages).").format(
                   form=_(REPORT_KINDS[result.kind]), code=args.class_code,
                   path=result.path, pages=result.pages))
    return EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``report`` to the command line."""
    report = commands.add_parser("report", parents=[common],
                                 help="print a form as an A4 PDF (开班申请表, 签到表, …)")
    report.add_argument("report_kind", metavar="KIND", choices=list(REPORT_KINDS),
                        help="one of: " + ", ".join(REPORT_KINDS))
    report.add_argument("--class", dest="class_code", required=True, metavar="CODE")
    report.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    report.add_argument("--today", help="print date (YYYY-MM-DD; default today)")
    report.set_defaults(handler=cmd_report)
