"""Printed forms for the bureau (issue 6): gather a class's data, hand it to ``skilldesk.reports``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_

REPORT_KINDS: dict[str, str] = {
    "opening-application": N_("Class opening application"),
    "sign-in": N_("Sign-in sheets"),
    "completion": N_("Completion review"),
    "results": N_("Assessment results and certificates"),
    "claim-form": N_("Subsidy claim form"),
    "claim-roster": N_("Subsidy claim roster"),
    "public-notice": N_("Public notice list"),
}


class GlyphsMissing(SkilldeskError):
    """Characters the bundled font cannot print; ``missing`` lists (character, field, whose)."""

    code = "E_GLYPHS_MISSING"
    default_msgid = N_(
        "The font cannot print {count} character(s): {details}. Nothing was written; "
        "check the spelling of these records or print the form by hand."
    )

    def __init__(self, missing: list[tuple[str, str, str]], **kw: object) -> None:
        self.missing = list(missing)
        details = "; ".join(f"{c} ({label}, {whose})" for c, label, whose in self.missing[:20])
        super().__init__(count=len(self.missing), details=details, **kw)


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    kind: str


class ReportService:
    def __init__(self, desk) -> None:
        self.desk = desk

    def render(self, kind: str, class_id: str, path, *, progress=None, today=None) -> ReportResult:
        raise NotImplementedError(kind)
