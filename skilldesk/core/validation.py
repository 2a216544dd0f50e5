"""Turning identifier problems into form issues, shared by every service."""

from __future__ import annotations

from typing import Callable

from skilldesk.errors import FieldIssue
from skilldesk.rules.identifiers import IdentifierProblem


def issue_from(field: str, problem: IdentifierProblem) -> FieldIssue:
    return FieldIssue(field, problem.code, problem.msgid, dict(problem.params), problem.severity)


def check_optional(
    field: str, raw: str, checker: Callable[[str], str | IdentifierProblem],
    issues: list[FieldIssue],
) -> str:
    """Normalise an optional identifier: empty stays empty; a problem is added
    to *issues* and the text is kept as typed, so the form still shows it."""
    text = raw.strip()
    if not text:
        return ""
    checked = checker(text)
    if isinstance(checked, IdentifierProblem):
        issues.append(issue_from(field, checked))
        return text
    return checked
