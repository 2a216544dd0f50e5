"""数据库恢复密钥: the sheet with the recovery key of an encrypted database (issue 9).

Printed once when accounts are set up, signed by whoever keeps it, and locked in the
institution's safe: with it an administrator's lost password can be replaced
(``skilldesk-cli accounts recover``). Plain data in, PDF out: *data* holds ``institution``,
``database`` (the file name), ``admin``, ``created`` and ``key`` (13 groups of 4).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import signatures
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.forms_class import heading
from skilldesk.reports.page import MARGIN
from skilldesk.reports.page import Masthead
from skilldesk.reports.page import build
from skilldesk.reports.page import para
from skilldesk.reports.page import styles

TITLE = N_("Database recovery key")
NOTE = N_("Anyone holding this key and the database can read every record in it. Keep this "
          "sheet in the institution's safe, never with the computer, and do not photograph or "
          "copy it. It is needed only when every administrator's password is lost: "
          "skilldesk-cli accounts recover --user NAME, then type the key.")


def render_recovery_sheet(head: Masthead, data: dict, path: str | Path) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle

    width = A4[0] - 2 * MARGIN
    st = styles()
    log = TextLog()
    big = ParagraphStyle("key", parent=st["body"], fontSize=17, leading=26, alignment=1)
    groups = data["key"].split("-")
    lines = ["  ".join(groups[i:i + 5]) for i in range(0, len(groups), 5)]
    story = [
        *heading(_("The encrypted database")),
        field_grid([(_("Institution"), log.add(data.get("institution", ""))),
                    (_("Database file"), log.add(data.get("database", ""))),
                    (_("Administrator"), log.add(data.get("admin", ""))),
                    (_("Created"), data.get("created", ""))], width),
        Spacer(1, 8 * mm),
        *heading(_("Recovery key")),
        *[para(line, big) for line in lines],
        Spacer(1, 6 * mm),
        para(log.add(_(NOTE)), st["body"]),
        Spacer(1, 12 * mm),
        signatures([_("Kept by: "), _("Witness: ")], width, seal=False),
    ]
    log.check()
    return build(path, head, story)
