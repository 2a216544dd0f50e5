"""``skilldesk-cli sync ...``: field laptops and the office PC (issue 8, docs/sync.md).

- ``sync device [--name N] [--role office|laptop] [--pairing-file OUT]``: this device
  (its fingerprint), optionally renamed, optionally writing its pairing file.
- ``sync pair FILE [--yes]``: register the device whose pairing file this is; shows its
  fingerprint (compare it with that device's screen) and asks before storing.
- ``sync unpair DEVICE --reason TEXT``; ``sync devices``.
- ``sync export --to DEVICE --out FILE``: a signed bundle encrypted to that device.
- ``sync import FILE [--receipt-out FILE] [--pdf FILE]``: apply a bundle (or a receipt).
- ``sync conflicts``; ``sync resolve KEY (--take N | --value V)``;
  ``sync lost``; ``sync dismiss ID``; ``sync history``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_USAGE
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.desk import Desk
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _


def _open(args: argparse.Namespace, *, create: bool = False) -> Desk:
    """*create*: a new laptop starts from an empty database that the office fills."""
    desk = Desk.open(db_path(args, paths.default_db_path), create=create)
    desk.user_name = "cli"
    return desk


def _refuse_existing(path: Path | None) -> None:
    """Checked before anything is exported or imported, so a refusal changes nothing."""
    if path is not None and path.suffix and path.exists():
        raise SkilldeskError(N_("{path} already exists; choose another file name."),
                             path=str(path))


def _target(out: Path, suggested: str) -> Path:
    """*out* itself, or a new file in the folder *out* (never over an existing file)."""
    if out.suffix:
        return out
    target, n = out / suggested, 1
    while target.exists():
        n += 1
        target = out / f"{Path(suggested).stem}-{n}{Path(suggested).suffix}"
    return target


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, atomically (no half file at *path*)."""
    _refuse_existing(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def cmd_device(args, out: Output) -> int:
    desk = _open(args, create=True)
    try:
        if args.name is not None or args.role is not None:
            desk.sync.set_device(name=args.name, role=args.role)
        info = desk.sync.device()
        data = {**info.as_json(), "have": desk.sync.vv()}
        text = _("This device: {name} ({role})\nDevice id: {id}\nFingerprint: {fp}").format(
            name=info.name, role=info.role, id=info.device_id, fp=info.fingerprint)
        if args.pairing_file:
            content, _name = desk.sync.pairing_file()
            _write_new(args.pairing_file, content)
            data["pairing_file"] = str(args.pairing_file)
            text += "\n" + _("Pairing file written to {path}. Take it to the other device and "
                             "run: skilldesk-cli sync pair {path}").format(path=args.pairing_file)
    finally:
        desk.close()
    out.result(data, text)
    return EXIT_OK


def cmd_pair(args, out: Output) -> int:
    content = args.file.read_bytes()
    desk = _open(args)
    try:
        preview = desk.sync.read_pairing(content)
        if not args.yes:
            print(_("Device: {name} ({role})\nFingerprint: {fp}\nCompare this fingerprint with "
                    "the one shown on that device.").format(
                name=preview.name, role=preview.role, fp=preview.fingerprint), file=sys.stderr)
            if not sys.stdin.isatty() or input(_("Pair with it? [y/N] ")).strip().lower() \
                    not in ("y", "yes", "是"):
                print(_("Not paired."), file=sys.stderr)
                return EXIT_USAGE
        info = desk.sync.pair(content)
        mine = desk.sync.device()
    finally:
        desk.close()
    out.result({"paired": info.as_json(), "this_device": mine.as_json()},
               _("Paired with {name} (fingerprint {fp}). This device's fingerprint, to compare "
                 "on the other side: {mine}").format(name=info.name, fp=info.fingerprint,
                                                     mine=mine.fingerprint))
    return EXIT_OK


def cmd_unpair(args, out: Output) -> int:
    desk = _open(args)
    try:
        desk.sync.unpair(args.device, args.reason)
    finally:
        desk.close()
    out.result({"unpaired": args.device, "reason": args.reason},
               _("Unpaired {device}: its bundles are refused from now on.").format(
                   device=args.device))
    return EXIT_OK


def cmd_devices(args, out: Output) -> int:
    desk = _open(args)
    try:
        devices = desk.sync.devices()
    finally:
        desk.close()
    lines = [f"{d.name}  {d.role}  {d.fingerprint}  "
             + (_("paired") if d.active else _("unpaired: {reason}").format(
                 reason=d.unpair_reason))
             + "  " + _("sent {o}, received {i}, changes waiting {p}").format(
                 o=d.last_out_no, i=d.last_in_no, p=d.pending_changes) for d in devices]
    out.result({"devices": [d.as_json() for d in devices]},
               "\n".join(lines) or _("No devices are paired yet."))
    return EXIT_OK


def cmd_export(args, out: Output) -> int:
    _refuse_existing(args.out)
    desk = _open(args)
    try:
        result = desk.sync.export_bundle(args.to)
        target = _target(args.out, result.file_name)
        _write_new(target, result.data)
    finally:
        desk.close()
    out.result({"out": str(target), "bundle_id": result.bundle_id, "bundle_no": result.bundle_no,
                "rows": result.rows, "changes": result.changes, "size": len(result.data)},
               _("Bundle no. {n} written to {path}: {rows} records, {changes} changes. Take it "
                 "to the device and import it there.").format(
                   n=result.bundle_no, path=target, rows=result.rows, changes=result.changes))
    return EXIT_OK


def cmd_import(args, out: Output) -> int:
    _refuse_existing(args.receipt_out)
    _refuse_existing(args.pdf)
    desk = _open(args)
    try:
        result = desk.sync.import_bundle(args.file.read_bytes())
        data = result.as_json()
        if result.kind == "data":
            if args.receipt_out:
                receipt = desk.sync.receipt_bundle(result.bundle_id)
                target = _target(args.receipt_out, receipt.file_name)
                _write_new(target, receipt.data)
                data["receipt_bundle"] = str(target)
            if args.pdf:
                data["receipt_pages"] = desk.sync.receipt_pdf(result.bundle_id, args.pdf,
                                                              today=dt.date.today())
                data["receipt_pdf"] = str(args.pdf)
    finally:
        desk.close()
    if result.kind == "receipt":
        text = _("Receipt from {device}: bundle no. {n} was applied there.").format(
            device=result.peer.name, n=result.receipt.get("bundle_no"))
    else:
        c = result.counts
        text = _("Bundle no. {n} from {device}: {added} added, {updated} updated, {deleted} "
                 "deleted, {duplicates} already here, {conflicts} conflicts, {kept} kept "
                 "aside.").format(n=result.bundle_no, device=result.peer.name,
                                  added=c["added"], updated=c["updated"], deleted=c["deleted"],
                                  duplicates=c["duplicates"], conflicts=c["conflicts"],
                                  kept=c["kept_aside"])
    out.result(data, text)
    return EXIT_OK


def cmd_conflicts(args, out: Output) -> int:
    desk = _open(args)
    try:
        conflicts = desk.sync.conflicts()
    finally:
        desk.close()
    lines = []
    for c in conflicts:
        lines.append(f"{c.key}\n  {c.table_label} · {c.record} · {c.field_label}")
        lines += [f"  [{n}] {o.value!r}  — {o.device} {o.user} {o.at}"
                  for n, o in enumerate(c.options)]
    out.result({"conflicts": [c.as_json() for c in conflicts]},
               "\n".join(lines) or _("No conflicts."))
    return EXIT_OK


def cmd_resolve(args, out: Output) -> int:
    desk = _open(args)
    try:
        if args.value is not None:
            value = args.value
        else:
            match = [c for c in desk.sync.conflicts() if c.key == args.key]
            if not match or not 0 <= args.take < len(match[0].options):
                raise SkilldeskError(N_("There is no option {n} for conflict {key} (see: "
                                        "skilldesk-cli sync conflicts)."), n=args.take,
                                     key=args.key)
            value = match[0].options[args.take].value
        desk.sync.resolve(args.key, value)
    finally:
        desk.close()
    out.result({"resolved": args.key, "value": value},
               _("Kept “{value}”; the other devices take it at the next sync.").format(
                   value=value))
    return EXIT_OK


def cmd_lost(args, out: Output) -> int:
    desk = _open(args)
    try:
        items = desk.sync.lost()
    finally:
        desk.close()
    lines = [f"{i.id}  {i.kind_label}: {i.table_label} {i.record}\n    {i.data}" for i in items]
    out.result({"lost": [i.as_json() for i in items]}, "\n".join(lines) or _("Nothing."))
    return EXIT_OK


def cmd_dismiss(args, out: Output) -> int:
    desk = _open(args)
    try:
        desk.sync.dismiss(args.id)
    finally:
        desk.close()
    out.result({"dismissed": args.id}, _("Done."))
    return EXIT_OK


def cmd_history(args, out: Output) -> int:
    desk = _open(args)
    try:
        history = desk.sync.history()
    finally:
        desk.close()
    lines = [f"{b['handled_at'][:19]}  {b['direction']}  {b['kind']}  "
             f"{b['peer_name']} #{b['bundle_no']}  {b['counts']}" for b in history]
    out.result({"bundles": history}, "\n".join(lines) or _("Nothing."))
    return EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``sync`` to the command line."""
    group = commands.add_parser("sync", parents=[common],
                                help="field laptops and the office PC (同步)")
    actions = group.add_subparsers(dest="sync_action", metavar="ACTION", required=True)
    device = actions.add_parser("device", parents=[common], help="this device")
    device.add_argument("--name")
    device.add_argument("--role", choices=("office", "laptop"))
    device.add_argument("--pairing-file", type=Path, metavar="OUT")
    device.set_defaults(handler=cmd_device)
    pair = actions.add_parser("pair", parents=[common], help="pair with a device")
    pair.add_argument("file", type=Path, metavar="FILE")
    pair.add_argument("--yes", action="store_true",
                      help="do not ask (the fingerprint was compared already)")
    pair.set_defaults(handler=cmd_pair)
    unpair = actions.add_parser("unpair", parents=[common], help="refuse a device from now on")
    unpair.add_argument("device", metavar="DEVICE")
    unpair.add_argument("--reason", required=True)
    unpair.set_defaults(handler=cmd_unpair)
    devices = actions.add_parser("devices", parents=[common], help="paired devices")
    devices.set_defaults(handler=cmd_devices)
    export = actions.add_parser("export", parents=[common], help="a bundle for a device")
    export.add_argument("--to", required=True, metavar="DEVICE")
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    export.set_defaults(handler=cmd_export)
    imp = actions.add_parser("import", parents=[common], help="apply a bundle or a receipt")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--receipt-out", type=Path, metavar="FILE",
                     help="write the acknowledgement bundle for the sender")
    imp.add_argument("--pdf", type=Path, metavar="FILE.pdf", help="print the receipt")
    imp.set_defaults(handler=cmd_import)
    actions.add_parser("conflicts", parents=[common],
                       help="values changed on both sides").set_defaults(handler=cmd_conflicts)
    resolve = actions.add_parser("resolve", parents=[common], help="decide a conflict")
    resolve.add_argument("key", metavar="KEY")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--take", type=int, metavar="N", help="keep option N")
    choice.add_argument("--value", help="keep this value")
    resolve.set_defaults(handler=cmd_resolve)
    actions.add_parser("lost", parents=[common],
                       help="data kept aside by deletions").set_defaults(handler=cmd_lost)
    dismiss = actions.add_parser("dismiss", parents=[common], help="done with a kept-aside item")
    dismiss.add_argument("id", type=int, metavar="ID")
    dismiss.set_defaults(handler=cmd_dismiss)
    actions.add_parser("history", parents=[common],
                       help="bundles sent and received").set_defaults(handler=cmd_history)
