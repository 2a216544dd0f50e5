"""同步回执: the sheet printed after a sync bundle moved between a field laptop and the office PC.

It names the bundle (number, direction, both devices with their key fingerprints, when it
was made and imported), carries the bundle's manifest SHA-256 in groups of four and as a
QR code (so the paper and the file can be matched, as on the claim receipt), the counts,
what changed per table, the conflicts left for a person to resolve (the value on each
side, who wrote it, on which device, when), every record added, and a line to sign.
Plain data in, PDF out; the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.blocks import field_grid
from skilldesk.reports.blocks import fit
from skilldesk.reports.blocks import beside_qr
from skilldesk.reports.blocks import ruled_table
from skilldesk.reports.blocks import signatures
from skilldesk.reports.fonts import TextLog
from skilldesk.reports.form_receipt import hash_groups
from skilldesk.reports.forms_class import heading
from skilldesk.reports.page import MARGIN
from skilldesk.reports.page import Masthead
from skilldesk.reports.page import build
from skilldesk.reports.page import para
from skilldesk.reports.page import styles

TITLE = N_("Sync receipt")
DIRECTIONS = {"in": N_("Import"), "out": N_("Export")}
ROLES = {"laptop": N_("Field laptop"), "office": N_("Office PC")}
CONFLICT_NOTE = N_("Conflicts were not resolved automatically; resolve them one by one on "
                   "the “Sync” page.")
NO_CONFLICTS = N_("No conflicts.")
NO_ADDED = N_("No records were added.")
SYNC_NOTE = N_(
    "This sheet belongs to the sync bundle above. The manifest hash printed here must equal "
    "the one the other device shows for the bundle; if they differ, the bundle is not the "
    "one that device made.")
COUNTS = (("applied", N_("Changes applied")), ("duplicates", N_("Duplicates skipped")),
          ("conflicts", N_("Conflicts")), ("added", N_("Records added")),
          ("updated", N_("Records updated")), ("deleted", N_("Records deleted")))
TABLE_COLUMNS = ("added", "updated", "deleted", "duplicates", "conflicts")


def qr_payload(data: dict) -> str:
    return f"skilldesk:sync:{data['bundle_id']}:{data['bundle_no']}:{data['manifest_sha256']}"


def when(value: str) -> str:
    """An ISO datetime as ``2026-10-25 14:03:11`` (the offset kept unless it is +08:00);
    anything else as given."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    offset = moment.utcoffset()
    if offset is not None and offset != dt.timedelta(hours=8):
        text += " " + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]
    return text


def _role(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else str(role or "")


def _devices(data: dict, log: TextLog, width: float) -> Table:
    """Both devices side by side: name, role, device id, key fingerprint."""
    cell = styles()["cell"]
    here, peer = data["this_device"], data["peer"]
    label_w = 32 * mm
    value_w = (width - label_w) / 2
    rows = [
        [_("Device name"), log.add(here["name"], _("This device")),
         log.add(peer["name"], _("Other device"))],
        [_("Device role"), _role(here.get("role", "")) or "—", log.add(_role(peer["role"]))],
        [_("Device ID"), log.add(here["device_id"], _("This device")),
         log.add(peer["device_id"], _("Other device"))],
        [_("Key fingerprint"), log.add(here["fingerprint"], _("This device")),
         log.add(peer["fingerprint"], _("Other device"))],
    ]
    rows = [[row[0]] + [para(v, cell) for v in row[1:]] for row in rows]
    return ruled_table(["", _("This device"), _("Other device")], rows,
                       [label_w, value_w, value_w])


def _two_lines(digest: str) -> str:
    """The digest in groups of four, half on each line (so neither line breaks mid-way)."""
    half = (len(digest) + 1) // 2
    return hash_groups(digest[:half]) + "\n" + hash_groups(digest[half:])


def _hash_block(data: dict, log: TextLog, width: float) -> Table:
    st = styles()
    text = [para(_("Manifest SHA-256:"), st["body"]),
            para(_two_lines(data["manifest_sha256"]), st["heading"]),
            Spacer(1, 2 * mm),
            para(_("Bundle ID: {id}").format(id=log.add(str(data["bundle_id"]))), st["small"]),
            Spacer(1, 2 * mm),
            para(log.add(_(SYNC_NOTE)), st["small"])]
    return beside_qr(text, qr_payload(data), 34 * mm, width)


def _per_table(data: dict, log: TextLog, width: float) -> list:
    header = [_("Table"), _("Added"), _("Updated"), _("Deleted"), _("Duplicates"),
              _("Conflicts")]
    first = width * 0.3
    rest = (width - first) / len(TABLE_COLUMNS)
    rows = []
    for entry in data.get("tables", []):
        label = log.add(str(entry["label"]), _("Table"))
        rows.append([fit(label, first)] + [str(int(entry.get(k, 0))) for k in TABLE_COLUMNS])
    if not rows:
        return [para(_("No table changed."), styles()["body"])]
    return [ruled_table(header, rows, [first] + [rest] * len(TABLE_COLUMNS),
                        align={i: "RIGHT" for i in range(1, len(header))})]


def _side(side: dict, log: TextLog, whose: str) -> str:
    value = log.add(str(side.get("value", "")), _("Value"), whose)
    who = log.add(str(side.get("who", "")), _("Changed by"), whose)
    device = log.add(str(side.get("device", "")), _("Device name"), whose)
    by = " · ".join(p for p in (who, device) if p)
    lines = [value or "—"]
    if by:
        lines.append(by)
    if side.get("at"):
        lines.append(when(side["at"]))
    return "\n".join(lines)


def _conflicts(data: dict, log: TextLog, width: float) -> list:
    st = styles()
    conflicts = data.get("conflicts", [])
    if not conflicts:
        return [para(_(NO_CONFLICTS), st["body"])]
    cell = st["cell"]
    widths = [width * 0.24, width * 0.16, width * 0.30, width * 0.30]
    rows = []
    for item in conflicts:
        record = log.add(str(item.get("record", "")), _("Record"))
        place = "\n".join(log.add(str(item.get(k, "")), _("Field"), record)
                          for k in ("table", "field") if item.get(k))
        rows.append([para(record, cell), para(place, cell),
                     para(_side(item.get("here", {}), log, record), cell),
                     para(_side(item.get("there", {}), log, record), cell)])
    note = para(log.add(_(CONFLICT_NOTE)), st["body"])
    table = ruled_table([_("Record"), _("Table / field"), _("Value on this device"),
                         _("Value on the other device")], rows, widths)
    table.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return [note, Spacer(1, 2 * mm), table]


def _added(data: dict, log: TextLog, width: float) -> list:
    added = data.get("added_records", [])
    if not added:
        return [para(_(NO_ADDED), styles()["body"])]
    widths = [16 * mm, width * 0.25, width - 16 * mm - width * 0.25]
    rows = []
    for number, item in enumerate(added, start=1):
        table = log.add(str(item.get("table", "")), _("Table"))
        record = log.add(str(item.get("record", "")), _("Record"))
        rows.append([str(number), fit(table, widths[1]), fit(record, widths[2])])
    return [ruled_table([_("No."), _("Table"), _("Record")], rows, widths,
                        align={0: "RIGHT"})]


def sync_receipt(data: dict, log: TextLog, width: float) -> list:
    """The story of the receipt for *data* (see :func:`render_sync_receipt`)."""
    direction = data["direction"]
    peer = data["peer"]
    peer_name = log.add(peer["name"], _("Other device"))
    pairs = [
        (_("Bundle number"), str(data["bundle_no"])),
        (_("Direction"), _(DIRECTIONS[direction]) if direction in DIRECTIONS else direction),
        (_("Other device"), _("{name} ({role})").format(name=peer_name, role=_role(peer["role"]))),
        (_("Made at"), when(data["made_at"])),
        (_("Imported at"), when(data["imported_at"])),
        ("", ""),
    ]
    counts = data["counts"]
    count_pairs = [(_(label), str(int(counts.get(key, 0)))) for key, label in COUNTS]
    conflicts = data.get("conflicts", [])
    added = data.get("added_records", [])
    story: list = [
        *heading(_("Bundle")), field_grid(pairs[:5], width),
        Spacer(1, 3 * mm), _devices(data, log, width),
        Spacer(1, 3 * mm), _hash_block(data, log, width),
        *heading(_("Counts")), field_grid(count_pairs, width, columns=3, label_share=0.6),
        *heading(_("Changes by table")), *_per_table(data, log, width),
        *heading(_("Conflicts ({count})").format(count=len(conflicts))),
        *_conflicts(data, log, width),
        *heading(_("Records added ({count})").format(count=len(added))),
        *_added(data, log, width),
        Spacer(1, 8 * mm),
        KeepTogether([signatures([_("Handled by: ")], width, seal=False)]),
    ]
    return story


def render_sync_receipt(head: Masthead, data: dict, path: str | Path) -> int:
    """Write the 同步回执 for the sync bundle *data* to *path*; return the page count.

    *data*: bundle_id, bundle_no, direction ("in" | "out"), peer {name, device_id,
    fingerprint, role ("laptop" | "office")}, this_device {name, device_id, fingerprint},
    made_at, imported_at (ISO datetimes), manifest_sha256, counts {applied, duplicates,
    conflicts, added, updated, deleted}, tables [{label, added, updated, deleted,
    duplicates, conflicts}], conflicts [{record, table, field, here {value, who, device,
    at}, there {…}}], added_records [{table, record}]. Raises ``GlyphsMissing`` (nothing
    written) when a character cannot be printed.
    """
    width = A4[0] - 2 * MARGIN
    log = TextLog()
    for text in (head.title, head.institution, head.class_code, head.class_name):
        log.add(text)
    story = sync_receipt(data, log, width)
    log.check()
    return build(path, head, story)
