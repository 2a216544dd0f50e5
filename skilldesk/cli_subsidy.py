"""``skilldesk-cli subsidy check``: what the policy pays for each trainee of a class, and why."""

from __future__ import annotations

import argparse
import datetime as dt

from skilldesk import cli_subsidy_history
from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.desk import Desk
from skilldesk.core.subsidy import ClassSubsidy
from skilldesk.i18n import N_
from skilldesk.i18n import _


SEVERITIES = {"blocking": N_("blocking"), "warning": N_("warning"), "info": N_("info")}


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def document(result: ClassSubsidy) -> dict:
    """The JSON of ``subsidy check`` (issue 5's contract)."""
    return {
        "class": {"id": result.class_id, "code": result.code, "name": result.name,
                  "state": result.state},
        "rule_set": {"id": result.rule_set_id, "title": result.rule_set_title},
        "catalogue": {"title": result.catalogue_title, "sample": result.catalogue_sample},
        "total_fen": result.total_fen,
        "totals": {"by_category": result.totals_by("category"),
                   "by_payee": result.totals_by("payee")},
        "lines": [{
            "person_id": line.person_id, "name": line.name, "category": line.category,
            "eligible": line.decision.eligible, "amount_fen": line.decision.amount_fen,
            "standard_fen": line.decision.standard_fen, "payee": line.decision.payee,
            "kind": line.decision.kind,
            "outcomes": [o.as_json() for o in line.decision.outcomes],
        } for line in result.lines],
        "readiness": {"blocking": [s.as_json() for s in result.blocking],
                      "warnings": [s.as_json() for s in result.warnings]},
    }


def cmd_subsidy_check(args: argparse.Namespace, out: Output) -> int:
    today = dt.date.fromisoformat(args.today) if args.today else None
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        result = desk.subsidy.check_class(desk.classes.id_for_code(args.class_code), today=today)
    finally:
        desk.close()
    lines = [_("{code} {name}: {eligible} of {count} trainees eligible, {total} yuan "
               "(rule set {rules}).").format(
        code=result.code, name=result.name, eligible=result.eligible, count=len(result.lines),
        total=_yuan(result.total_fen), rules=result.rule_set_title)]
    for line in result.lines:
        mark = "✓" if line.decision.eligible else "✗"
        lines.append(f"{mark} {line.name}  {_yuan(line.decision.amount_fen)}")
        for outcome in line.decision.failures:
            lines.append(f"    [{_(SEVERITIES[outcome.severity])}] {outcome.message()}")
    for title, signals in ((_("Blocking"), result.blocking), (_("Warnings"), result.warnings)):
        if signals:
            lines.append(title + ":")
            lines += [f"  - {s.message()}" for s in signals]
    out.result(document(result), "\n".join(lines))
    return EXIT_PROBLEMS if result.blocking else EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``subsidy`` and its subcommands to the command line."""
    subsidy = commands.add_parser("subsidy", parents=[common], help="subsidy decisions (补贴)")
    actions = subsidy.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", parents=[common],
                               help="each trainee's decision and the readiness report")
    check.add_argument("--class", dest="class_code", required=True, metavar="CODE")
    check.add_argument("--today", help="judge as of this day (YYYY-MM-DD; default today)")
    check.set_defaults(handler=cmd_subsidy_check)
    cli_subsidy_history.register(actions, common)
