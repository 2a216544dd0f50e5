"""``skilldesk-cli subsidy history import|list``: subsidies people already received.

``import FILE`` reads the bureau's list (历年补贴享受记录) and stores the new records so that
they count toward the caps. Its JSON is the class imports' document: {"rows", "new",
"updated", "unchanged", "invalid", "committed", "errors": [{"row", "column", "code",
"message"}], "warnings": [...]}, plus "skipped" (rows of people not in the school's
records: warnings, not saved). Exit 0 when every row was valid, 1 when a row was invalid
or the file was refused.

``list --id-number X`` shows one person's records.
"""

from __future__ import annotations

import argparse
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
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.desk import Desk
from skilldesk.core.history_import import HistoryListing
from skilldesk.core.history_import import HistoryPreview
from skilldesk.core.history_import import NoHistoryHeader
from skilldesk.core.file_import import RosterTooLarge
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.imports.reader import FileRefused

KINDS = {"training": N_("Vocational training subsidy"),
         "skill_upgrade": N_("Skill-upgrade subsidy"),
         "entrepreneurship": N_("Entrepreneurship training subsidy")}
SOURCES = {"bureau_list": N_("bureau's list"), "claim": N_("claimed by this school")}


def register(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``subsidy history`` and its subcommands."""
    history = actions.add_parser("history", parents=[common],
                                 help="subsidies people already received (历年补贴享受记录)")
    commands = history.add_subparsers(dest="history_action", metavar="ACTION", required=True)
    load = commands.add_parser("import", parents=[common],
                               help="the bureau's list of subsidies received: .xlsx .xls .csv")
    load.add_argument("file", type=Path)
    add_file_arguments(load)
    load.set_defaults(handler=cmd_history_import)
    listing = commands.add_parser("list", parents=[common], help="one person's records")
    listing.add_argument("--id-number", required=True, metavar="NUMBER")
    listing.set_defaults(handler=cmd_history_list)


def cmd_history_import(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=args.dry_run)
    try:
        service = desk.subsidy_history
        try:
            preview = service.preview(args.file, sheet=args.sheet)
        except (FileRefused, NoHistoryHeader, RosterTooLarge) as exc:
            return refused(out, exc, lambda errors: {
                **import_document({}, False, errors, []), "skipped": 0})
        result = None
        if not args.dry_run:
            result = service.commit(preview, strict=args.strict)
            preview = result.preview
    finally:
        desk.close()
    counts = result.counts if result else preview.counts
    committed = bool(result and result.committed)
    doc = {**import_document(counts, committed, *issues_json(preview)),
           "skipped": counts["skipped"], "sheet": preview.sheet,
           "header_row": preview.header_row}
    out.result(doc, "\n".join(_human(preview, counts, args.dry_run, result)))
    return EXIT_PROBLEMS if counts["invalid"] else EXIT_OK


def _human(preview: HistoryPreview, counts: dict, dry_run: bool, result) -> list[str]:
    lines = [_("{rows} rows: {new} new, {unchanged} already recorded, {skipped} not in the "
               "school's records, {invalid} invalid.").format(**counts)]
    # the file's own warnings (row 0) are listed as "rows 0", as they always were
    lines += issue_lines(preview)
    lines.append(saved_line(dry_run, _("{count} records saved.").format(count=counts["new"])
                            if result is not None and result.committed else None))
    return lines


def cmd_history_list(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        listing = desk.subsidy_history.list_for(args.id_number)
    finally:
        desk.close()
    out.result(list_document(listing), "\n".join(_listing_lines(listing)))
    return EXIT_OK


def list_document(listing: HistoryListing) -> dict:
    return {"person": {"id": listing.person_id, "name": listing.name,
                       "id_number": listing.id_number},
            "records": [{k: r[k] for k in (
                "id", "source", "subsidy_kind", "training_type", "occupation_code", "level",
                "amount_fen", "granted_on")} for r in listing.records]}


def _listing_lines(listing: HistoryListing) -> list[str]:
    lines = [_("{name}: {count} subsidies recorded.").format(name=listing.name,
                                                             count=len(listing.records))]
    for record in listing.records:
        parts = [record["granted_on"], _label(KINDS, record["subsidy_kind"])]
        if record["training_type"]:
            parts.append(_label(TRAINING_TYPES, record["training_type"]))
        parts += [record["occupation_code"], _label(LEVELS, record["level"]),
                  _("{amount} yuan").format(amount=f"{record['amount_fen'] / 100:,.2f}"),
                  f"({_label(SOURCES, record['source'])})"]
        lines.append("  " + "  ".join(p for p in parts if p))
    return lines


def _label(table: dict[str, str], value: str) -> str:
    return _(table[value]) if value in table else value
