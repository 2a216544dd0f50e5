"""``skilldesk-cli``: the command-line face, over the same Desk facade as the GUI.

Contract (docs/architecture.md): ``skilldesk-cli [--db PATH] COMMAND ... [--json]``;
``--json`` prints one JSON document on stdout; exit 0 success, 1 the operation
found problems, 2 usage errors. Human-readable messages follow the language in
the user's preferences (Simplified Chinese by default).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from skilldesk import __version__
from skilldesk import cli_audit
from skilldesk import cli_backup
from skilldesk import cli_catalogue
from skilldesk import cli_claims
from skilldesk import cli_class_imports
from skilldesk import cli_classes
from skilldesk import cli_accounts
from skilldesk import cli_keys
from skilldesk import cli_sync
from skilldesk import cli_reports
from skilldesk import cli_subsidy
from skilldesk import cli_verify
from skilldesk import config
from skilldesk import i18n
from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import EXIT_USAGE
from skilldesk.cli_support import Output
from skilldesk.cli_support import StderrProgress
from skilldesk.cli_support import add_file_arguments
from skilldesk.cli_support import db_path
from skilldesk.cli_support import import_document
from skilldesk.cli_support import issue_lines
from skilldesk.cli_support import issues_json
from skilldesk.cli_support import refused
from skilldesk.cli_support import saved_line
from skilldesk.core.accounts import DEMO_ACCOUNTS
from skilldesk.core.accounts import secure_demo
from skilldesk.core.desk import Desk
from skilldesk.core.institution import validate as validate_institution
from skilldesk.core.models import INSTITUTION_KINDS
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.roster_export import export_roster
from skilldesk.core.roster_import import NoRosterFound
from skilldesk.errors import SkilldeskError
from skilldesk.errors import ValidationError
from skilldesk.i18n import _
from skilldesk.imports.reader import FileRefused

def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    path = db_path(args, paths.demo_db_path)
    if path.exists() and path.stat().st_size > 0:
        raise SkilldeskError(
            i18n.N_("{path} already exists. Choose another --db path or delete the file first."),
            path=str(path))
    if args.people < 0:
        raise SkilldeskError(i18n.N_("--people must be zero or more."))
    progress = StderrProgress(enabled=not out.as_json)
    desk = Desk.open(path, create=True)
    try:
        summary = desk.build_demo(people=args.people, seed=args.seed, progress=progress)
        secure_demo(desk)
    except BaseException:
        desk.close()
        _remove_database(path)  # never leave a half-made demo behind
        raise
    desk.close()
    progress.finish()
    accounts = [{"user": u, "role": r, "password": pw} for u, _d, r, pw in DEMO_ACCOUNTS]
    data = {"db": str(path), **asdict(summary), "accounts": accounts}
    out.result(data, _("Demo institution created in {path}: {people} people, "
                       "{classes} classes, {enrolments} enrolments.").format(
                           path=path, **asdict(summary)) + "\n" + _(
                           "Demo accounts (user / password): {accounts}").format(
                           accounts=", ".join(f"{a['user']} / {a['password']}"
                                              for a in accounts)))
    return EXIT_OK


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".keys"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    path = db_path(args, paths.default_db_path)
    draft = InstitutionDraft(
        name=args.name, uscc=args.uscc, kind=args.kind, district=args.district or "",
        address=args.address or "", contact_name=args.contact_name or "",
        contact_phone=args.contact_phone or "",
    )
    # Validate before touching the disk: a typo must not leave an empty file.
    _clean, issues = validate_institution(draft)
    if any(i.severity == "error" for i in issues):
        raise ValidationError(issues)
    password = cli_accounts.new_password(args.admin) if args.admin else None
    desk = Desk.open(path, create=True)
    recovery = None
    try:
        desk.institution.create(draft)
        institution = desk.institution.get()
        if args.admin:
            recovery = desk.accounts.secure(args.admin, password)
            if args.recovery_pdf:
                cli_accounts.write_recovery_sheet(args.recovery_pdf, desk, args.admin, recovery)
    finally:
        desk.close()
    assert institution is not None
    data = {"db": str(path), "institution": asdict(institution), "admin": args.admin,
            "encrypted": recovery is not None, "recovery_key": recovery}
    text = _("Institution {name} created in {path}.").format(name=institution.name, path=path)
    if recovery:
        text += "\n" + _("Encrypted, with {user} as its administrator. Recovery key (print it "
                         "and keep it in the safe; it is shown once):\n  {key}").format(
            user=args.admin, key=recovery)
    else:
        text += "\n" + _("Warning: no accounts, so the database is not encrypted. Add them with "
                         "skilldesk-cli accounts setup --admin NAME.")
    out.result(data, text)
    return EXIT_OK


def cmd_info(args: argparse.Namespace, out: Output) -> int:
    path = db_path(args, paths.default_db_path)
    desk = Desk.open(path, readonly=True)
    try:
        data = desk.info()
        key = desk.db_key
    finally:
        desk.close()
    Desk.check_file_integrity(path, key)  # raises DatabaseCorrupt: exit 1 with the advice
    data["integrity"] = "ok"
    inst = data["institution"]
    lines = [
        _("Database: {path}").format(path=data["db"]),
        _("Schema version: {version}").format(version=data["schema_version"]),
        _("Institution: {name}").format(name=inst["name"] if inst else _("(not set up)")),
    ]
    lines += [f"  {table}: {n}" for table, n in data["counts"].items()]
    out.result(data, "\n".join(lines))
    return EXIT_OK


def cmd_import_roster(args: argparse.Namespace, out: Output) -> int:
    path = db_path(args, paths.default_db_path)
    progress = StderrProgress(enabled=not out.as_json)
    desk = Desk.open(path)
    try:
        try:
            preview = desk.roster.preview(args.file, sheet=args.sheet, class_code=args.class_code,
                                          progress=progress)
        except (FileRefused, NoRosterFound) as exc:
            return refused(out, exc)
        result = None
        if not args.dry_run:
            result = desk.roster.commit(preview, strict=args.strict, progress=progress)
    finally:
        desk.close()
    progress.finish()
    counts = result.counts if result else preview.counts
    committed = bool(result and result.committed)
    doc = import_document(counts, committed, *issues_json(preview))
    if result and result.batch_id:
        doc["batch"] = result.batch_id
    lines = [_("{rows} rows: {new} new, {updated} updated, {unchanged} unchanged, "
               "{invalid} invalid.").format(**counts)]
    lines += issue_lines(preview, ("error",), titled=False, whole_file_apart=False)
    lines.append(saved_line(args.dry_run, _("Saved as import {batch}.").format(
        batch=result.batch_id) if committed else None))
    out.result(doc, "\n".join(lines))
    return EXIT_PROBLEMS if counts["invalid"] else EXIT_OK


def cmd_export_roster(args: argparse.Namespace, out: Output) -> int:
    path = db_path(args, paths.default_db_path)
    desk = Desk.open(path, readonly=True)
    try:
        count = export_roster(desk, args.out, class_code=args.class_code, query=args.query or "")
    finally:
        desk.close()
    out.result({"out": str(args.out), "people": count},
               _("{count} people written to {path}.").format(count=count, path=args.out))
    return EXIT_OK


def cmd_import_undo(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path))
    try:
        desk.roster.undo(args.batch)
    finally:
        desk.close()
    out.result({"batch": args.batch, "undone": True},
               _("Import {batch} was undone.").format(batch=args.batch))
    return EXIT_OK


def cmd_import_list(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        batches = desk.roster.batches()
    finally:
        desk.close()
    lines = [f"{b['id']}  {b['at']}  {b['file_name']}  {b['state']}  "
             f"+{b['new']} ~{b['updated']} ={b['unchanged']} !{b['invalid']}" for b in batches]
    out.result({"batches": batches}, "\n".join(lines) or _("No imports yet."))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                        help="database file (default: the one in the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON document on stdout")
    common.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME",
                        help="log in as NAME (password: prompt or SKILLDESK_PASSWORD)")
    parser = argparse.ArgumentParser(prog="skilldesk-cli", parents=[common],
                                     description="SkillDesk command line")
    parser.add_argument("--version", action="version", version=f"skilldesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", parents=[common], help="create the demo institution")
    demo.add_argument("--people", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(handler=cmd_demo)

    init = commands.add_parser("init", parents=[common], help="create an institution database")
    init.add_argument("--name", required=True)
    init.add_argument("--uscc", required=True, help="统一社会信用代码")
    init.add_argument("--kind", choices=sorted(INSTITUTION_KINDS), default="private_school")
    init.add_argument("--district")
    init.add_argument("--address")
    init.add_argument("--contact-name")
    init.add_argument("--contact-phone")
    init.add_argument("--admin", metavar="NAME",
                      help="the administrator account (encrypts the database; password: "
                           "prompt or SKILLDESK_NEW_PASSWORD)")
    init.add_argument("--recovery-pdf", type=Path, metavar="FILE.pdf",
                      help="with --admin: write the recovery key sheet to print for the safe")
    init.set_defaults(handler=cmd_init)

    info = commands.add_parser("info", parents=[common], help="schema version, institution, counts")
    info.set_defaults(handler=cmd_info)

    imports = commands.add_parser("import", parents=[common], help="import from files")
    import_kinds = imports.add_subparsers(dest="kind", metavar="KIND", required=True)
    roster = import_kinds.add_parser("roster", parents=[common],
                                     help="a roster (花名册): .xlsx .xls .ods .csv")
    roster.add_argument("file", type=Path)
    roster.add_argument("--class", dest="class_code", metavar="CODE",
                        help="enrol the people into this class")
    add_file_arguments(roster, sheet_help="the sheet to read (default: the one that looks "
                                          "like a roster)")
    roster.set_defaults(handler=cmd_import_roster)
    undo = import_kinds.add_parser("undo", parents=[common], help="undo an import batch")
    undo.add_argument("batch")
    undo.set_defaults(handler=cmd_import_undo)
    listing = import_kinds.add_parser("list", parents=[common], help="recent import batches")
    listing.set_defaults(handler=cmd_import_list)
    cli_class_imports.register(import_kinds, common)

    exports = commands.add_parser("export", parents=[common], help="export to files")
    export_kinds = exports.add_subparsers(dest="kind", metavar="KIND", required=True)
    roster_out = export_kinds.add_parser("roster", parents=[common],
                                         help="a class roster or people list to .xlsx/.csv")
    roster_out.add_argument("--class", dest="class_code", metavar="CODE")
    roster_out.add_argument("--query", help="only people matching this search")
    roster_out.add_argument("--out", required=True, type=Path)
    roster_out.set_defaults(handler=cmd_export_roster)
    cli_classes.register(commands, common)
    cli_catalogue.register(commands, common)
    cli_subsidy.register(commands, common)
    cli_reports.register(commands, common)
    cli_verify.register(commands, common)
    cli_claims.register(commands, common)
    cli_keys.register(commands, common)
    cli_sync.register(commands, common)
    cli_audit.register(commands, common)
    cli_accounts.register(commands, common)
    cli_backup.register(commands, common)
    return parser


def utf8_when_redirected() -> None:
    """Redirected output is UTF-8 whatever the code page: on Windows a pipe or file
    otherwise gets cp936/cp1252, which cannot encode every name (and JSON readers
    expect UTF-8). A console keeps its own encoding (Python writes it as Unicode)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if not stream.isatty() and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
                stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError):
            pass   # replaced by a test harness or closed: leave it alone


def main(argv: list[str] | None = None) -> int:
    utf8_when_redirected()
    i18n.set_language(config.load().language)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    args.json = getattr(args, "json", False)
    if not getattr(args, "handler", None):
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    out = Output(args.json)
    cli_accounts.install_login(args)
    try:
        return args.handler(args, out)
    except SkilldeskError as exc:
        return out.error(exc)


if __name__ == "__main__":
    sys.exit(main())
