"""``skilldesk-cli keys ...``: the institution's signing key (issue 7).

- ``keys generate --out FILE``: a new Ed25519 key for the institution in the database,
  encrypted with a passphrase, written only to FILE (never into the database); prints the
  fingerprint in groups. The key ceremony goes on with ``keys registration-form``.
- ``keys fingerprint FILE``: the fingerprint of a private or public key file.
- ``keys export-public FILE --out FILE``: the public key file the bureau registers.
- ``keys registration-form --key FILE --out FILE.pdf``: the 密钥备案表.
- ``keys rotate --old FILE --new FILE --out STATEMENT``: a statement signed by both keys.

Passphrases are typed at a prompt, or come from ``SKILLDESK_KEY_PASSPHRASE`` (and
``SKILLDESK_NEW_KEY_PASSPHRASE`` for the new key of a rotation) for automation.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import sys
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.desk import Desk
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.form_key import render_key_registration
from skilldesk.signing import keys

NO_INSTITUTION = N_("The database {path} has no institution yet. Set it up first "
                    "(skilldesk-cli init) so the key carries the institution's name and code.")


def _institution(args: argparse.Namespace):
    path = db_path(args, paths.default_db_path)
    desk = Desk.open(path, readonly=True)
    try:
        institution = desk.institution.get()
    finally:
        desk.close()
    if institution is None:
        raise SkilldeskError(NO_INSTITUTION, path=str(path))
    return path, institution


def _info_json(info: keys.PublicKeyInfo) -> dict:
    return {"fingerprint": info.fingerprint, "grouped": keys.group(info.fingerprint),
            "public_key": base64.b64encode(info.public_key_raw).decode("ascii"),
            "institution": info.institution, "created_at": info.created_at}


def _warn_near_database(out_path: Path, database: Path) -> None:
    if out_path.resolve().parent == database.resolve().parent:
        print(_("Warning: the key file is in the same folder as the database, so routine "
                "backups of that folder will copy it. Move it to removable media kept "
                "locked away."), file=sys.stderr)


def cmd_generate(args: argparse.Namespace, out: Output) -> int:
    database, inst = _institution(args)
    if args.out.exists():
        raise keys.KeyFileExists(path=str(args.out))
    passphrase = keys.read_passphrase(
        keys.PASSPHRASE_ENV, _("Passphrase for the new key: "),
        confirm=_("Type the passphrase again: "))
    created = dt.date.today().isoformat()
    fp = keys.generate_key_file(args.out, passphrase, created_at=created, institution={
        "name": inst.name, "uscc": inst.uscc})
    _warn_near_database(args.out, database)
    out.result({"out": str(args.out), "fingerprint": fp, "grouped": keys.group(fp),
                "created_at": created},
               _("Key written to {path}.\nFingerprint: {grouped}\nKeep the file and its "
                 "passphrase apart; make one backup copy on offline media. Next: "
                 "skilldesk-cli keys registration-form --key {path} --out FILE.pdf").format(
                   path=args.out, grouped=keys.group(fp)))
    return EXIT_OK


def cmd_fingerprint(args: argparse.Namespace, out: Output) -> int:
    info = keys.key_file_info(args.file)
    out.result({"file": str(args.file), **_info_json(info)},
               _("Fingerprint: {grouped}").format(grouped=keys.group(info.fingerprint)))
    return EXIT_OK


def cmd_export_public(args: argparse.Namespace, out: Output) -> int:
    info = keys.export_public(args.file, args.out)
    out.result({"out": str(args.out), **_info_json(info)},
               _("Public key written to {path}.\nFingerprint: {grouped}").format(
                   path=args.out, grouped=keys.group(info.fingerprint)))
    return EXIT_OK


def cmd_registration_form(args: argparse.Namespace, out: Output) -> int:
    info = keys.key_file_info(args.key)
    _database, inst = _institution(args)
    if info.institution.get("uscc") != inst.uscc:
        raise SkilldeskError(
            N_("The key belongs to the institution with the code {key_code}, but the "
               "database is for {code}. Use this institution's key file."),
            key_code=info.institution.get("uscc", ""), code=inst.uscc)
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    data = {"institution": {"name": inst.name, "uscc": inst.uscc, "address": inst.address,
                            "contact_name": inst.contact_name,
                            "contact_phone": inst.contact_phone},
            "algorithm": "Ed25519", "created_at": info.created_at,
            "fingerprint": info.fingerprint,
            "public_key": base64.b64encode(info.public_key_raw).decode("ascii")}
    pages = render_key_registration(args.out, data, printed=today)
    out.result({"out": str(args.out), "pages": pages, **_info_json(info)},
               _("Registration form written to {path}. Print it, have the legal "
                 "representative sign it, stamp it with the seal and file it with the bureau "
                 "together with the public key file.").format(path=args.out))
    return EXIT_OK


def cmd_rotate(args: argparse.Namespace, out: Output) -> int:
    old_pass = keys.read_passphrase(keys.PASSPHRASE_ENV,
                                    _("Passphrase of the old key: "))
    old = keys.load_private_key(args.old, old_pass)
    new_pass = keys.read_passphrase(keys.NEW_PASSPHRASE_ENV,
                                    _("Passphrase of the new key: "))
    new = keys.load_private_key(args.new, new_pass)
    info = keys.key_file_info(args.new)
    at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    statement = keys.rotation_statement(old, new, institution=info.institution, at=at)
    try:
        with open(args.out, "xb") as handle:
            handle.write(statement)
    except FileExistsError:
        raise keys.KeyFileExists(path=str(args.out)) from None
    old_fp, new_fp = keys.verify_rotation(statement)
    out.result({"out": str(args.out), "old_fingerprint": old_fp, "new_fingerprint": new_fp,
                "at": at},
               _("Rotation statement written to {path}.\nOld key: {old}\nNew key: {new}\n"
                 "File it with the bureau together with the new key's registration form.")
               .format(path=args.out, old=keys.group(old_fp), new=keys.group(new_fp)))
    return EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``keys`` to the command line."""
    group = commands.add_parser("keys", parents=[common],
                                help="the institution's signing key (密钥)")
    actions = group.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    gen = actions.add_parser("generate", parents=[common], help="make a new signing key")
    gen.add_argument("--out", required=True, type=Path, metavar="FILE")
    gen.set_defaults(handler=cmd_generate)
    fp = actions.add_parser("fingerprint", parents=[common],
                            help="the fingerprint of a private or public key file")
    fp.add_argument("file", type=Path, metavar="FILE")
    fp.set_defaults(handler=cmd_fingerprint)
    export = actions.add_parser("export-public", parents=[common],
                                help="write the public key file for the bureau")
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    export.set_defaults(handler=cmd_export_public)
    form = actions.add_parser("registration-form", parents=[common],
                              help="print the key registration form (密钥备案表)")
    form.add_argument("--key", required=True, type=Path, metavar="FILE")
    form.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    form.add_argument("--today", help="print date (YYYY-MM-DD; default today)")
    form.set_defaults(handler=cmd_registration_form)
    rotate = actions.add_parser("rotate", parents=[common],
                                help="a statement signed by the old and the new key")
    rotate.add_argument("--old", required=True, type=Path, metavar="FILE")
    rotate.add_argument("--new", required=True, type=Path, metavar="FILE")
    rotate.add_argument("--out", required=True, type=Path, metavar="STATEMENT")
    rotate.set_defaults(handler=cmd_rotate)
