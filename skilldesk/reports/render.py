"""Render one form: build its story, check every character against the font, lay out, write."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm

from skilldesk.reports import forms_class
from skilldesk.reports import forms_claim
from skilldesk.reports import forms_outcome
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.page import MARGIN
from skilldesk.reports.page import Masthead
from skilldesk.reports.page import build

# kind -> (builder, landscape?)
FORMS: dict[str, tuple[Callable, bool]] = {
    "opening-application": (forms_class.opening_application, False),
    "sign-in": (forms_class.sign_in, False),
    "completion": (forms_outcome.completion, False),
    "results": (forms_outcome.results, True),
    "claim-form": (forms_claim.claim_form, False),
    "claim-roster": (forms_claim.claim_roster, True),
    "public-notice": (forms_claim.public_notice, False),
}


def render(kind: str, head: Masthead, data: dict, path: str | Path, *, progress=None) -> int:
    """Write the form *kind* for *data* to *path*; return the number of pages.

    Raises ``GlyphsMissing`` (nothing written) when a character cannot be printed.
    """
    builder, wide = FORMS[kind]
    width = (landscape(A4) if wide else A4)[0] - 2 * MARGIN
    log = TextLog()
    for text in (head.title, head.institution, head.class_code, head.class_name):
        log.add(text)
    story = builder(data, log, width)
    log.check()
    return build(path, head, story, wide=wide, progress=progress,
                 top_extra=5 * mm if kind in ("sign-in", "claim-roster") else 0)
