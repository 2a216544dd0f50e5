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


def import_document(counts: dict, committed: bool, errors: list, warnings: list) -> dict:
    return {"rows": counts.get("rows", 0), "new": counts.get("new", 0),
            "updated": counts.get("updated", 0), "unchanged": counts.get("unchanged", 0),
            "invalid": counts.get("invalid", 0), "committed": committed,
            "errors": errors, "warnings": warnings}


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
