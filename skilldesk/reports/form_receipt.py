"""申报回执: the cover sheet printed after a claim package is signed.

It carries the package's manifest SHA-256 in groups of four characters (to be read
aloud or compared by eye) and as a QR code, so the paper handed to the bureau and the
file sent to it can be matched. Plain data in, PDF out.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import beside_qr
from skilldesk.reports.blocks import ruled_table
from skilldesk.reports.blocks import signatures
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.forms_class import heading
from skilldesk.reports.page import MARGIN
from skilldesk.reports.page import Masthead
from skilldesk.reports.page import build
from skilldesk.reports.page import para
from skilldesk.reports.page import styles
from skilldesk.reports.page import yuan

RECEIPT_NOTE = N_(
    "This sheet belongs to the claim package of the claim above. The bureau checks that the "
    "manifest hash printed here equals the one its verifier reports for the file; if they "
    "differ, the file is not the one the institution signed.")


def hash_groups(digest: str, size: int = 4) -> str:
    """``"ab12cd34…"`` as ``"ab12 cd34 …"``."""
    return " ".join(digest[i:i + size] for i in range(0, len(digest), size))


def qr_payload(data: dict) -> str:
    return (f"skilldesk:claim:{data['claim_no']}:{data['version']}:{data['package_seq']}:"
            f"{data['manifest_sha256']}")


def render_receipt(head: Masthead, data: dict, path: str | Path) -> int:
    """Write the receipt for the signed claim *data* to *path*; return the page count.

    *data*: claim_no, version, package_seq, manifest_sha256, prev_manifest_sha256,
    signed_at, institution {name, uscc}, total_fen, lines, classes [codes], by_payee
    {label: fen}. Raises ``GlyphsMissing`` (nothing written).
    """
    width = A4[0] - 2 * MARGIN
    st = styles()
    log = TextLog()
    for text in (head.title, head.institution, head.class_code, head.class_name):
        log.add(text)
    institution = data["institution"]
    pairs = [
        (_("Claim number"), data["claim_no"]),
        (_("Version"), str(data["version"])),
        (_("Institution"), log.add(institution["name"], _("Institution"))),
        (_("Unified social credit code"), institution["uscc"]),
        (_("Classes"), log.add(", ".join(data["classes"]), _("Classes"))),
        (_("Trainees claimed"), str(data["lines"])),
        (_("Amount claimed (yuan)"), yuan(data["total_fen"])),
        (_("Package sequence number"), str(data["package_seq"])),
        (_("Signed at"), data["signed_at"]),
    ]
    story: list = [*heading(_("Claim")), field_grid(pairs, width)]
    payees = [[log.add(label, _("Payee")), yuan(fen)] for label, fen in data["by_payee"].items()]
    if payees:
        story += [Spacer(1, 3 * mm), ruled_table([_("Payee"), _("Amount (yuan)")], payees,
                                                [width * 0.6, width * 0.4], align={1: "RIGHT"})]
    digest = data["manifest_sha256"]
    previous = data.get("prev_manifest_sha256") or _("none (first package)")
    text = [para(_("Manifest SHA-256:"), st["body"]),
            para(hash_groups(digest), st["heading"]),
            Spacer(1, 2 * mm),
            para(_("Previous package's manifest SHA-256:"), st["small"]),
            para(hash_groups(previous) if data.get("prev_manifest_sha256") else previous,
                 st["small"]),
            Spacer(1, 2 * mm),
            para(log.add(_(RECEIPT_NOTE)), st["small"])]
    block = beside_qr(text, qr_payload(data), 40 * mm, width)
    story += [*heading(_("Package")), block, Spacer(1, 8 * mm),
              signatures([_("Submitted by (institution): "), _("Received by (bureau): ")],
                         width)]
    log.check()
    return build(path, head, story)
