"""``skilldesk-cli catalogue import|show|activate``: the bureau's occupation catalogue.

``catalogue import FILE --year YEAR [--title T] [--effective-from DATE] [--dry-run]
[--activate] [--json]`` prints {"rows", "added", "removed", "changed", "invalid",
"committed", "errors": [{"row", "column", "code", "message"}], "warnings": [...],
"diff": {"added": [...], "removed": [...], "changed": [{"item", "field", "old", "new"}]}}
("changed" counts items; the diff lists one entry per changed field) and, once saved,
"catalogue" (its id) and "active". A file with an invalid row is not saved. Exit 0 when
every row was valid, 1 otherwise.

``catalogue show [--year Y]`` prints the active catalogue (or that year's) with its items
and the list of all catalogues.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.cli_support import add_file_arguments
from skilldesk.cli_support import db_path
from skilldesk.cli_support import issue_lines
from skilldesk.cli_support import issues_json
from skilldesk.cli_support import refused
from skilldesk.cli_support import saved_line
from skilldesk.core.catalogue import DEFAULT_CITY
from skilldesk.core.catalogue import CatalogueInfo
from skilldesk.core.catalogue import CataloguePreview
from skilldesk.core.catalogue import NoCatalogueHeader
from skilldesk.core.catalogue_diff import item_json
from skilldesk.core.catalogue_rows import yuan
from skilldesk.core.class_models import LEVELS
from skilldesk.core.desk import Desk
from skilldesk.errors import NotFound
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.imports.reader import FileRefused


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``skilldesk-cli catalogue ...``."""
    catalogue = commands.add_parser("catalogue", parents=[common],
                                    help="the bureau's occupation catalogue (职业培训补贴目录)")
    actions = catalogue.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", parents=[common],
                             help="import a catalogue file: .xlsx .xls .ods .csv")
    imp.add_argument("file", type=Path)
    imp.add_argument("--year", type=int, default=dt.date.today().year,
                     help="the catalogue's year (default: this year; the bureau publishes "
                          "each year's catalogue in its first quarter)")
    imp.add_argument("--city", default=DEFAULT_CITY)
    imp.add_argument("--title", help="the catalogue's title (default: year and city)")
    imp.add_argument("--effective-from", type=_date, metavar="DATE",
                     help="the first day it applies (default: 1 January of the year)")
    add_file_arguments(imp, dry_run_help="check and compare, save nothing", strict=False)
    imp.add_argument("--activate", action="store_true",
                     help="make it the catalogue in use once saved")
    imp.set_defaults(handler=cmd_catalogue_import)
    show = actions.add_parser("show", parents=[common],
                              help="the catalogue in use (or one year's) with its items")
    show.add_argument("--year", type=int)
    show.add_argument("--city", default=DEFAULT_CITY)
    show.set_defaults(handler=cmd_catalogue_show)
    activate = actions.add_parser("activate", parents=[common],
                                  help="make a stored catalogue the one in use")
    activate.add_argument("id")
    activate.set_defaults(handler=cmd_catalogue_activate)


def _document(preview: CataloguePreview | None, committed: bool, errors: list,
              warnings: list) -> dict:
    counts = preview.counts if preview else {}
    return {"rows": counts.get("rows", 0), "added": counts.get("added", 0),
            "removed": counts.get("removed", 0), "changed": counts.get("changed", 0),
            "invalid": counts.get("invalid", 0), "committed": committed,
            "errors": errors, "warnings": warnings,
            "diff": preview.diff.as_json() if preview else {"added": [], "removed": [],
                                                             "changed": []}}


def cmd_catalogue_import(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path))
    try:
        try:
            preview = desk.catalogue.preview_import(
                args.file, year=args.year, city=args.city, title=args.title,
                effective_from=args.effective_from, sheet=args.sheet)
        except (FileRefused, NoCatalogueHeader) as exc:
            return refused(out, exc, lambda errors: _document(None, False, errors, []))
        counts = preview.counts
        changes = None
        if not args.dry_run and not counts["invalid"]:
            changes = desk.catalogue.commit_import(preview, activate=args.activate)
    finally:
        desk.close()
    doc = _document(preview, changes is not None, *issues_json(preview))
    if changes is not None:
        doc["catalogue"] = changes.ids[0]
        doc["active"] = bool(args.activate)
    out.result(doc, "\n".join(_human(preview, args, changes is not None)))
    return EXIT_PROBLEMS if counts["invalid"] else EXIT_OK


def _human(preview: CataloguePreview, args: argparse.Namespace, committed: bool) -> list[str]:
    counts = preview.counts
    lines = [_("{rows} items read, {invalid} invalid.").format(**counts)]
    if preview.diff.base_id:
        lines.append(_("Compared with “{title}”: {added} added, {removed} removed, "
                       "{changed} changed.").format(title=preview.diff.base_title, **counts))
    else:
        lines.append(_("There is no catalogue in use to compare with."))
    lines += issue_lines(preview)
    saved = (_("Saved as “{title}”; it is now the catalogue in use.") if args.activate
             else _("Saved as “{title}”; the catalogue in use is unchanged."))
    lines.append(saved_line(args.dry_run, saved.format(title=preview.title) if committed
                            else None, _("Nothing was saved: correct the invalid rows and "
                                         "import the file again.")))
    return lines


def _info_json(info: CatalogueInfo) -> dict:
    return {"id": info.id, "city": info.city, "year": info.year, "title": info.title,
            "source": info.source, "is_sample": info.is_sample,
            "effective_from": info.effective_from, "effective_to": info.effective_to,
            "active": info.active, "items": info.item_count}


def cmd_catalogue_show(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        catalogues = desk.catalogue.list(args.city)
        if args.year is not None:
            chosen = sorted((c for c in catalogues if c.year == args.year),
                            key=lambda c: (not c.active, c.effective_from))
            if not chosen:
                raise NotFound(N_("There is no catalogue for {city} {year}."),
                               city=args.city, year=args.year)
            shown = chosen[0]
        else:
            shown = next((c for c in catalogues if c.active), None)
        items = desk.catalogue.items(shown.id) if shown else []
    finally:
        desk.close()
    doc = {"catalogue": None if shown is None else {**_info_json(shown),
                                                    "items": [item_json(i) for i in items]},
           "catalogues": [_info_json(c) for c in catalogues]}
    lines = [_("Catalogues of {city}:").format(city=args.city)]
    for c in catalogues:
        flags = [_("in use")] if c.active else []
        if c.is_sample:
            flags.append(_("sample data"))
        lines.append(_("  {year} {title} ({items} items, from {start}) {flags}").format(
            year=c.year, title=c.title, items=c.item_count, start=c.effective_from,
            flags=join(flags)).rstrip())
    if shown is None:
        lines.append(_("No catalogue is in use: import the bureau's catalogue."))
    else:
        lines.append(_("Items of “{title}”:").format(title=shown.title))
        for i in items:
            lines.append("  " + "  ".join(filter(None, (
                i.occupation_code, i.occupation_name, i.work_type, _(LEVELS[i.level]),
                i.category, _("{amount} yuan").format(amount=yuan(i.standard_fen)),
                _("shortage") if i.shortage else ""))))
    out.result(doc, "\n".join(lines))
    return EXIT_OK


def cmd_catalogue_activate(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path))
    try:
        desk.catalogue.activate(args.id)
        info = desk.catalogue.get(args.id)
    finally:
        desk.close()
    out.result(_info_json(info), _("“{title}” is now the catalogue in use.").format(
        title=info.title))
    return EXIT_OK

