"""``skilldesk-cli``: the command-line face, over the same Desk facade as the GUI.

Contract (docs/architecture.md): ``skilldesk-cli [--db PATH] COMMAND ... [--json]``;
``--json`` prints one JSON document on stdout; exit 0 success, 1 the operation
found problems, 2 usage errors. Human-readable messages follow the language in
the user's preferences (Simplified Chinese by default).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from skilldesk import __version__
from skilldesk import config
from skilldesk import i18n
from skilldesk import paths
from skilldesk.core.desk import Desk
from skilldesk.core.institution import validate as validate_institution
from skilldesk.core.models import INSTITUTION_KINDS
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.progress import Progress
from skilldesk.errors import SkilldeskError
from skilldesk.errors import ValidationError
from skilldesk.i18n import _

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, data: dict, human: str) -> None:
        if self.as_json:
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
            sys.stdout.write("\n")
        else:
            print(human)

    def error(self, exc: SkilldeskError) -> int:
        message = exc.user_message()
        issues = getattr(exc, "issues", [])
        if self.as_json:
            data = {"ok": False, "error": {"code": exc.code, "message": message},
                    "issues": [{"field": i.field, "code": i.code, "message": i.message(),
                                "severity": i.severity} for i in issues]}
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        for issue in issues:
            print(f"  - {issue.field}: {issue.message()}", file=sys.stderr)
        return EXIT_PROBLEMS


def _db_path(args: argparse.Namespace, default: Callable[[], Path]) -> Path:
    return Path(args.db) if args.db else default()


def cmd_demo(args: argparse.Namespace, out: _Output) -> int:
    path = _db_path(args, paths.demo_db_path)
    if path.exists() and path.stat().st_size > 0:
        raise SkilldeskError(
            i18n.N_("{path} already exists. Choose another --db path or delete the file first."),
            path=str(path))
    if args.people < 0:
        raise SkilldeskError(i18n.N_("--people must be zero or more."))
    progress = _StderrProgress(enabled=not out.as_json)
    desk = Desk.open(path, create=True)
    try:
        summary = desk.build_demo(people=args.people, seed=args.seed, progress=progress)
    except BaseException:
        desk.close()
        _remove_database(path)  # never leave a half-made demo behind
        raise
    desk.close()
    progress.finish()
    data = {"db": str(path), **asdict(summary)}
    out.result(data, _("Demo institution created in {path}: {people} people, "
                       "{classes} classes, {enrolments} enrolments.").format(
                           path=path, **asdict(summary)))
    return EXIT_OK


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def cmd_init(args: argparse.Namespace, out: _Output) -> int:
    path = _db_path(args, paths.default_db_path)
    draft = InstitutionDraft(
        name=args.name, uscc=args.uscc, kind=args.kind, district=args.district or "",
        address=args.address or "", contact_name=args.contact_name or "",
        contact_phone=args.contact_phone or "",
    )
    # Validate before touching the disk: a typo must not leave an empty file.
    _clean, issues = validate_institution(draft)
    if any(i.severity == "error" for i in issues):
        raise ValidationError(issues)
    desk = Desk.open(path, create=True)
    try:
        desk.institution.create(draft)
        institution = desk.institution.get()
    finally:
        desk.close()
    assert institution is not None
    data = {"db": str(path), "institution": asdict(institution)}
    out.result(data, _("Institution {name} created in {path}.").format(
        name=institution.name, path=path))
    return EXIT_OK


def cmd_info(args: argparse.Namespace, out: _Output) -> int:
    path = _db_path(args, paths.default_db_path)
    desk = Desk.open(path, readonly=True)
    try:
        data = desk.info()
    finally:
        desk.close()
    Desk.check_file_integrity(path)  # raises DatabaseCorrupt: exit 1 with the advice
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


class _StderrProgress(Progress):
    """Progress printed on stderr for people watching a long command."""

    def __init__(self, *, enabled: bool) -> None:
        super().__init__()
        self._enabled = enabled and sys.stderr.isatty()
        self._last = -1

    def update(self, done: int, total: int = 0, label: str | None = None) -> None:
        super().update(done, total, label)
        if self._enabled and total:
            percent = done * 100 // total
            if percent != self._last:
                self._last = percent
                print(f"\r{self.snapshot().label} {percent}%", end="", file=sys.stderr)

    def finish(self) -> None:
        if self._enabled and self._last >= 0:
            print(file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                        help="database file (default: the one in the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON document on stdout")
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
    init.set_defaults(handler=cmd_init)

    info = commands.add_parser("info", parents=[common], help="schema version, institution, counts")
    info.set_defaults(handler=cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    i18n.set_language(config.load().language)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    args.json = getattr(args, "json", False)
    if not getattr(args, "handler", None):
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    out = _Output(args.json)
    try:
        return args.handler(args, out)
    except SkilldeskError as exc:
        return out.error(exc)


if __name__ == "__main__":
    sys.exit(main())
