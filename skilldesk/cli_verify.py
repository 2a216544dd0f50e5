"""``skilldesk-cli verify`` and ``skilldesk-cli ledger``: the bureau's offline verifier."""

from __future__ import annotations

import argparse
from pathlib import Path

from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.i18n import _
from skilldesk.package.ledger import Ledger
from skilldesk.package.registry import KeyRegistry
from skilldesk.package.verify import VerifyResult
from skilldesk.package.verify import verify_package


def _human(result: VerifyResult, path: Path) -> str:
    if result.valid:
        lines = [_("{path}: valid. Claim {claim_no} of {institution} (sequence {seq}), signed "
                   "by key {fingerprint}.").format(
            path=path, claim_no=result.claim_no, institution=result.institution["name"],
            seq=result.seq, fingerprint=result.fingerprint)]
        lines += [f"  {f['path']}  {f['size']}  {f['title']}" for f in result.files]
        return "\n".join(lines)
    lines = [_("{path}: NOT valid.").format(path=path)]
    lines += [f"  {e['code']}: {e['message']}" for e in result.errors]
    return "\n".join(lines)


def _verify(args: argparse.Namespace, ledger: Ledger | None) -> VerifyResult:
    registry = KeyRegistry.load(args.keys)
    return verify_package(args.package, registry, ledger=ledger)


def cmd_verify(args: argparse.Namespace, out: Output) -> int:
    ledger = Ledger.open(args.ledger, create=False) if args.ledger else None
    try:
        result = _verify(args, ledger)
    finally:
        if ledger:
            ledger.close()
    out.result(result.as_json(), _human(result, args.package))
    return EXIT_OK if result.valid else EXIT_PROBLEMS


def cmd_ledger_accept(args: argparse.Namespace, out: Output) -> int:
    with Ledger.open(args.ledger) as ledger:
        result = _verify(args, ledger)
        if result.valid:
            ledger.accept(result)
        else:
            ledger.flag(result)
    data = dict(result.as_json(), accepted=result.valid)
    human = _human(result, args.package)
    if result.valid:
        human += "\n" + _("Recorded in the ledger {ledger}.").format(ledger=args.ledger)
    out.result(data, human)
    return EXIT_OK if result.valid else EXIT_PROBLEMS


def cmd_ledger_list(args: argparse.Namespace, out: Output) -> int:
    with Ledger.open(args.ledger, create=False) as ledger:
        packages = ledger.packages()
    lines = [f"{p['uscc']}  #{p['seq']}  {p['claim_no']}  {p['trainees']}  "
             f"{p['manifest_sha256'][:16]}  {p['accepted_at']}" for p in packages]
    out.result({"packages": packages}, "\n".join(lines) or _("The ledger is empty."))
    return EXIT_OK


def cmd_ledger_report(args: argparse.Namespace, out: Output) -> int:
    with Ledger.open(args.ledger, create=False) as ledger:
        report = ledger.report()
    lines = [_("{packages} accepted packages from {institutions} institutions.").format(
        packages=report["packages"], institutions=len(report["institutions"]))]
    for dup in report["duplicates"]:
        lines.append(_("Claimed more than once: {person} for {project} {period}: "
                       "{claims}").format(person=dup["person"], project=dup["project"],
                                          period=dup["period"],
                                          claims=", ".join(c["claim_no"] for c in dup["claims"])))
    for flag in report["flags"]:
        lines.append(f"  {flag['at']}  {flag['uscc'] or ''}  {flag['code']}: {flag['detail']}")
    out.result(report, "\n".join(lines))
    return EXIT_PROBLEMS if report["duplicates"] else EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``verify`` and ``ledger`` to the command line."""
    verify = commands.add_parser("verify", parents=[common],
                                 help="verify a signed claim package (.tsclaim) offline")
    verify.add_argument("package", type=Path, metavar="PACKAGE")
    verify.add_argument("--keys", required=True, type=Path, metavar="REGISTRY",
                        help="folder (or file) of registered public keys")
    verify.add_argument("--ledger", type=Path, metavar="LEDGER",
                        help="the bureau's ledger: also check replay, sequence, fork, "
                             "double claims")
    verify.set_defaults(handler=cmd_verify)
    ledger = commands.add_parser("ledger", parents=[common],
                                 help="the bureau's ledger of accepted claim packages")
    actions = ledger.add_subparsers(dest="action", metavar="ACTION", required=True)
    accept = actions.add_parser("accept", parents=[common], help="verify and record a package")
    accept.add_argument("package", type=Path, metavar="PACKAGE")
    accept.add_argument("--keys", required=True, type=Path, metavar="REGISTRY")
    accept.add_argument("--ledger", required=True, type=Path, metavar="LEDGER")
    accept.set_defaults(handler=cmd_ledger_accept)
    listing = actions.add_parser("list", parents=[common], help="accepted packages")
    listing.add_argument("--ledger", required=True, type=Path, metavar="LEDGER")
    listing.set_defaults(handler=cmd_ledger_list)
    report = actions.add_parser("report", parents=[common],
                                help="people claimed twice, refused packages")
    report.add_argument("--ledger", required=True, type=Path, metavar="LEDGER")
    report.set_defaults(handler=cmd_ledger_report)
