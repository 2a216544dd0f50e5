"""What every ``skilldesk-cli`` command shares: output, exit codes, the database path."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from skilldesk.core.progress import Progress
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import _
from skilldesk.i18n import join

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Output:
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


def db_path(args: argparse.Namespace, default: Callable[[], Path]) -> Path:
    return Path(args.db) if args.db else default()


def add_file_arguments(parser: argparse.ArgumentParser, *,
                       sheet_help: str = "the sheet to read (default: the one that fits)",
                       dry_run_help: str = "check only, save nothing",
                       strict: bool = True) -> None:
    """An import's ``file``-related options: --sheet, --dry-run and (with *strict*) --strict."""
    parser.add_argument("--sheet", help=sheet_help)
    parser.add_argument("--dry-run", action="store_true", help=dry_run_help)
    if strict:
        parser.add_argument("--strict", action="store_true",
                            help="save nothing if any row is invalid")


def import_document(counts: dict, committed: bool, errors: list, warnings: list) -> dict:
    return {"rows": counts.get("rows", 0), "new": counts.get("new", 0),
            "updated": counts.get("updated", 0), "unchanged": counts.get("unchanged", 0),
            "invalid": counts.get("invalid", 0), "committed": committed,
            "errors": errors, "warnings": warnings}


def issues_json(preview) -> tuple[list[dict], list[dict]]:
    """The preview's errors and warnings as the import document lists them."""
    return ([i.as_json() for i in preview.issues("error")],
            [i.as_json() for i in preview.issues("warning")])


def refused(out: Output, exc: SkilldeskError,
            document: Callable[[list[dict]], dict] = lambda errors: import_document(
                {}, False, errors, [])) -> int:
    """A file refused before any row was read (unreadable, hostile, no header, too large):
    the message on stderr and, with --json, the import's *document* built around one error
    for row 0 (its code the refusal's ``reason`` where it has one)."""
    errors = [{"row": 0, "column": "", "code": getattr(exc, "reason", exc.code),
               "message": exc.user_message()}]
    doc = document(errors)
    print(_("Error: {message}").format(message=exc.user_message()), file=sys.stderr)
    if out.as_json:
        out.result(doc, "")
    return EXIT_PROBLEMS


def issue_lines(preview, severities: tuple[str, ...] = ("error", "warning"), *,
                titled: bool = True, whole_file_apart: bool = True) -> list[str]:
    """The human summary of a preview's issues: one line per kind, with a sample message
    ("e.g." when it stands for several) and the first ten spreadsheet rows; under a title
    per severity (*titled*). With *whole_file_apart*, row 0 (the file as a whole) is not
    listed as a row."""
    titles = {"error": _("Errors:"), "warning": _("Warnings:")}
    lines: list[str] = []
    for severity in severities:
        groups = preview.grouped(severity)
        if groups and titled:
            lines.append(titles[severity])
        for _code, message, count, rows in groups:
            if count > 1:  # one message stands for all: say it is an example
                message = _("e.g. {message}").format(message=message)
            if whole_file_apart:
                rows = [r for r in rows if r]
                if not rows:
                    lines.append(f"  {message}")
                    continue
            shown = join(rows[:10]) + ("…" if len(rows) > 10 else "")
            lines.append(_("  {count} × {message} (rows {rows})").format(
                count=count, message=message, rows=shown))
    return lines


def saved_line(dry_run: bool, saved: str | None, not_saved: str | None = None) -> str:
    """The last line of an import's summary: a dry run, *saved* (None: nothing was saved)
    or *not_saved* (default: --strict refused the invalid rows)."""
    if dry_run:
        return _("Dry run: nothing was saved.")
    if saved is not None:
        return saved
    return not_saved or _("Nothing was saved (--strict and some rows are invalid).")


class StderrProgress(Progress):
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
