"""``skilldesk-cli claim …``: subsidy claims (补贴申领) from creation to payment.

``claim create --class CODE [--class CODE ...]``, ``claim list``, ``claim show NO``,
``claim sign NO --key FILE --out PACKAGE`` (passphrase from a prompt or
``SKILLDESK_KEY_PASSPHRASE``), ``claim receipt NO --out FILE.pdf``, ``claim submit NO``,
``claim decision NO FILE``, ``claim pay NO --amount YUAN``, ``claim new-version NO``.
With ``--json`` each prints one document; ``claim show``'s is ``ClaimService.show``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from decimal import InvalidOperation
from pathlib import Path

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.cli_support import StderrProgress
from skilldesk.cli_support import db_path
from skilldesk.core.claims import PAYEES
from skilldesk.core.desk import Desk
from skilldesk.errors import UsageError
from skilldesk.i18n import N_
from skilldesk.i18n import _

PASSPHRASE_ENV = "SKILLDESK_KEY_PASSPHRASE"


def _yuan(fen: int | None) -> str:
    return "-" if fen is None else f"{fen / 100:,.2f}"


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(N_("“{value}” is not a date; write it as YYYY-MM-DD."),
                         value=text) from None


def _open(args: argparse.Namespace, *, readonly: bool = False) -> Desk:
    return Desk.open(db_path(args, paths.default_db_path), readonly=readonly)


def _summary(shown: dict) -> str:
    lines = [_("Claim {no} version {version}: {state}{superseded}. {count} trainees, "
               "{total} yuan.").format(
        no=shown["claim_no"], version=shown["version"], state=shown["state_label"],
        superseded=f" ({shown['superseded_label']})" if shown["superseded"] else "",
        count=shown["totals"]["lines"], total=_yuan(shown["totals"]["total_fen"]))]
    lines.append(_("Classes: {codes}").format(
        codes=", ".join(c["code"] for c in shown["classes"])))
    for payee, fen in shown["totals"]["by_payee"].items():
        lines.append(f"  {_(PAYEES.get(payee, payee))}: {_yuan(fen)}")
    return "\n".join(lines)


def cmd_create(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args)
    try:
        class_ids = [desk.classes.id_for_code(code) for code in args.class_codes]
        changes = desk.claims.create(class_ids, today=_day(args.today))
        shown = desk.claims.show(desk.claims.number_of(changes.ids[0]))
    finally:
        desk.close()
    out.result(shown, _summary(shown))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args, readonly=True)
    try:
        claims = desk.claims.list()
    finally:
        desk.close()
    from skilldesk.core.claims import state_label
    out.result({"claims": claims}, "\n".join(
        f"{c['claim_no']} v{c['version']}  {state_label(c['state'])}"
        f"{' ' + _('(superseded)') if c['superseded_by'] else ''}  {_yuan(c['total_fen'])}"
        for c in claims) or _("No claims yet."))
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args, readonly=True)
    try:
        shown = desk.claims.show(args.claim_no, args.version)
    finally:
        desk.close()
    human = [_summary(shown)]
    for line in shown["lines"]:
        decided = f"  [{line['decision']} {_yuan(line['approved_fen'])}]" if line["decision"] \
            else ""
        human.append(f"  ✓ {line['class_code']} {line['name']}  {_yuan(line['amount_fen'])}"
                     f"{decided}")
    for row in shown["excluded"]:
        reasons = "; ".join(r["message"] for r in row["reasons"])
        human.append(f"  ✗ {row['class_code']} {row['name']}: {reasons}")
    out.result(shown, "\n".join(human))
    return EXIT_OK


def cmd_sign(args: argparse.Namespace, out: Output) -> int:
    from skilldesk.signing.keys import load_private_key
    from skilldesk.signing.keys import read_passphrase

    progress = StderrProgress(enabled=not out.as_json)
    desk = _open(args)
    try:
        desk.claims.editable(args.claim_no)  # a signed claim: say so before asking anything
        passphrase = read_passphrase(PASSPHRASE_ENV, _("Passphrase of the signing key: "))
        key = load_private_key(args.key, passphrase)
        desk.claims.sign(args.claim_no, key, args.out, today=_day(args.today),
                         progress=progress)
        claim = desk.claims.get(args.claim_no)
    finally:
        desk.close()
    progress.finish()
    digest = claim["manifest_sha256"]
    out.result({"claim_no": claim["claim_no"], "version": claim["version"],
                "out": str(args.out), "package_seq": claim["package_seq"],
                "manifest_sha256": digest,
                "prev_manifest_sha256": claim["prev_manifest_sha256"]},
               _("Claim {no} version {version} signed: package {seq} written to {path}.\n"
                 "Manifest SHA-256: {digest}\nPrint the receipt with “claim receipt {no} "
                 "--out FILE.pdf”.").format(
                   no=claim["claim_no"], version=claim["version"], seq=claim["package_seq"],
                   path=args.out, digest=digest))
    return EXIT_OK


def cmd_receipt(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args, readonly=True)
    try:
        pages = desk.claims.receipt(args.claim_no, args.out, today=_day(args.today))
    finally:
        desk.close()
    out.result({"claim_no": args.claim_no, "out": str(args.out), "pages": pages},
               _("Receipt written to {path} ({pages} pages).").format(path=args.out,
                                                                       pages=pages))
    return EXIT_OK


def _change_and_show(args: argparse.Namespace, out: Output, change) -> int:
    """Run ``change(desk.claims)``, then print the claim as it now stands."""
    desk = _open(args)
    try:
        change(desk.claims)
        shown = desk.claims.show(args.claim_no)
    finally:
        desk.close()
    out.result(shown, _summary(shown))
    return EXIT_OK


def cmd_submit(args: argparse.Namespace, out: Output) -> int:
    return _change_and_show(args, out, lambda claims: claims.record_submission(
        args.claim_no, submitted_on=_day(args.on)))


def cmd_decision(args: argparse.Namespace, out: Output) -> int:
    desk = _open(args)
    try:
        report = desk.claims.import_decision(args.claim_no, args.file,
                                             decided_on=_day(args.on), dry_run=args.dry_run)
    finally:
        desk.close()
    human = [f"{'✗' if d.severity == 'error' else '!'} {d.message()}"
             for d in report.differences]
    if report.saved:
        human.append(_("Decision recorded: {state}, {approved} yuan approved; {history} "
                       "subsidy history records added.").format(
            state=_(_state(report.state)), approved=_yuan(report.approved_fen),
            history=report.history_rows))
    elif report.errors:
        human.append(_("Nothing was recorded: correct the rows listed (or ask the bureau for "
                       "a corrected file) and import it again."))
    else:
        human.append(_("Checked only (--dry-run); nothing was recorded."))
    out.result(report.as_json(), "\n".join(human))
    return EXIT_PROBLEMS if report.errors else EXIT_OK


def _state(state: str) -> str:
    from skilldesk.core.claims import CLAIM_STATES
    return CLAIM_STATES.get(state, state)


def cmd_pay(args: argparse.Namespace, out: Output) -> int:
    try:
        fen = Decimal(args.amount.replace(",", "")) * 100
    except InvalidOperation:
        raise UsageError(N_("“{value}” is not an amount in yuan."), value=args.amount) from None
    if fen != fen.to_integral_value():
        raise UsageError(N_("“{value}” is not an amount in yuan."), value=args.amount)
    return _change_and_show(args, out, lambda claims: claims.record_payment(
        args.claim_no, _day(args.on) or dt.date.today(), int(fen)))


def cmd_new_version(args: argparse.Namespace, out: Output) -> int:
    return _change_and_show(args, out, lambda claims: claims.new_version(args.claim_no))


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``claim`` and its subcommands to the command line."""
    claim = commands.add_parser("claim", parents=[common], help="subsidy claims (补贴申领)")
    actions = claim.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, handler, help_text: str, *, number: bool = True):
        parser = actions.add_parser(name, parents=[common], help=help_text)
        if number:
            parser.add_argument("claim_no", metavar="NO", help="claim number, e.g. SQ2026-0001")
        parser.set_defaults(handler=handler)
        return parser

    create = action("create", cmd_create, "a draft claim from assessed classes", number=False)
    create.add_argument("--class", dest="class_codes", action="append", required=True,
                        metavar="CODE")
    create.add_argument("--today", help="judge as of this day (YYYY-MM-DD; default today)")
    action("list", cmd_list, "every claim and version", number=False)
    show = action("show", cmd_show, "lines, excluded trainees, totals, state, versions")
    show.add_argument("--version", type=int, help="an older version (default the newest)")
    sign = action("sign", cmd_sign, "sign the claim into a package and lock it")
    sign.add_argument("--key", required=True, type=Path, metavar="FILE")
    sign.add_argument("--out", required=True, type=Path, metavar="PACKAGE")
    sign.add_argument("--today", help="print date of the forms (YYYY-MM-DD; default today)")
    receipt = action("receipt", cmd_receipt, "print the receipt (申报回执) of the package")
    receipt.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    receipt.add_argument("--today", help="print date (YYYY-MM-DD; default today)")
    submit = action("submit", cmd_submit, "record that the package was submitted")
    submit.add_argument("--on", help="date (YYYY-MM-DD; default today)")
    decision = action("decision", cmd_decision, "import the bureau's decision file")
    decision.add_argument("file", type=Path, metavar="FILE")
    decision.add_argument("--on", help="date of the decision (YYYY-MM-DD; default today)")
    decision.add_argument("--dry-run", action="store_true", help="check only, record nothing")
    pay = action("pay", cmd_pay, "record the payment")
    pay.add_argument("--amount", required=True, metavar="YUAN")
    pay.add_argument("--on", help="date paid (YYYY-MM-DD; default today)")
    action("new-version", cmd_new_version, "a correctable copy that supersedes the claim")
