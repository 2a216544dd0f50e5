"""Signing a claim into its package, and the receipt (申报回执) printed afterwards.

The package's contents are gathered here and handed to ``skilldesk.package.build``
(``build_package(ClaimPackageInput, private_key) -> (bytes, manifest_sha256)``). Per
institution (= per database) packages carry an increasing sequence number and the
previous package's manifest hash; both are stored on the claim with its own manifest hash.
The file is written atomically (a temporary file in the same folder, then ``os.replace``)
as the last step of the transaction that locks the claim, so a failure leaves neither a
half-written file nor a claim marked signed without its file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.core.claims import CLAIM_STATES
from skilldesk.core.claims import PAYEES
from skilldesk.core.claims import ClaimBlocked
from skilldesk.core.claims import ClaimStateError
from skilldesk.core.claims import _Label
from skilldesk.core.claims import totals
from skilldesk.core.reports import REPORT_KINDS
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import StorageError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.storage import claims as sql

if TYPE_CHECKING:
    from skilldesk.core.claims import ClaimService
    from skilldesk.core.desk import Desk

FORM_KINDS = ("claim-form", "claim-roster")


def sign(service: ClaimService, desk: Desk, claim_no: str, private_key, out_path: Path, *,
         today: dt.date | None, progress=None) -> Changes:
    today = today or dt.date.today()
    claim = service.editable(claim_no)
    db = desk.db
    out_path = Path(out_path)
    if not out_path.parent.is_dir():   # before any work: the forms take a while
        raise NotFound(N_("The folder {folder} does not exist. Choose an existing folder "
                          "for the claim package."), folder=str(out_path.parent))
    lines = sql.lines_of(db, claim["id"])
    if not lines:
        raise ClaimStateError(claim_no=claim["claim_no"], state=_Label(CLAIM_STATES["draft"]),
                              what=_Label(N_("it has no lines, so there is nothing to sign.")))
    blocking = service.blocking(claim_no, today=today)
    if blocking:
        raise ClaimBlocked([FieldIssue(
            ", ".join(dict.fromkeys(_code(desk, r.class_id) for r in s.records)) or s.code,
            s.code, s.msgid, s.params) for s in blocking],
            claim_no=claim["claim_no"], count=len(blocking))
    desk.backups.before("claim", progress=progress)
    from skilldesk.package.build import build_package
    from skilldesk.package.model import ClaimPackageInput

    classes = sql.classes_of(db, claim["id"])
    files = _forms(desk, classes, today, progress)
    seq, prev = sql.last_package(db)
    signed_at = clock.utc_now()
    data = ClaimPackageInput(
        institution=_institution(desk), claim=_claim_doc(db, claim, classes, lines),
        lines=_lines_doc(lines, classes), attendance=_by_id_number(sql.attendance_of(db, claim["id"]),
                                                          lines),
        results=_by_id_number(sql.results_of(db, claim["id"]), lines), files=files,
        seq=seq + 1, prev_manifest_sha256=prev, signed_at=signed_at)
    if progress is not None:
        progress.check()
        progress.update(len(FORM_KINDS) * len(classes), 0, _("Signing the package"))
    package, manifest_sha256 = build_package(data, private_key)
    _remove_stale_temporaries(out_path)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp",
                                             dir=out_path.parent)
    except OSError as exc:
        raise StorageError(N_("The claim package could not be written to {folder}: check "
                              "that the folder is writable and the disk is not full."),
                           folder=str(out_path.parent), detail=str(exc)) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(package)
            stream.flush()
            os.fsync(stream.fileno())
        with desk.write() as now:
            sql.update_claim(db, claim["id"], {
                "state": "signed", "package_seq": seq + 1, "manifest_sha256": manifest_sha256,
                "prev_manifest_sha256": prev, "signed_at": signed_at, "updated_at": now,
                "device_id": desk.device_id})
            service.move_classes([c["id"] for c in classes], ("assessed",), "claimed", now,
                                 claim["claim_no"])
            desk.log(now, "sign", "claim", claim["id"], {"state": "draft"}, {
                "state": "signed", "package_seq": seq + 1, "manifest_sha256": manifest_sha256})
            os.replace(temp, out_path)
    finally:
        temp.unlink(missing_ok=True)
    return Changes(claims=True, classes=True, ids=(claim["id"],))


def _remove_stale_temporaries(out_path: Path) -> None:
    """Half-written packages a killed SkillDesk left beside *out_path* (never at it):
    they hold personal data and are of no use. (The writer lock means no other
    SkillDesk is signing into the same name from this database now.)"""
    for stale in out_path.parent.glob(f".{out_path.name}.*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def receipt(service: ClaimService, desk: Desk, claim_no: str, path: Path, *,
            today: dt.date) -> int:
    """The receipt of the newest signed version of *claim_no*."""
    newest = service.get(claim_no)
    signed = [v for v in sql.versions(desk.db, newest["claim_no"]) if v["manifest_sha256"]]
    if not signed:
        raise ClaimStateError(claim_no=newest["claim_no"],
                              state=_Label(CLAIM_STATES[newest["state"]]), what=_Label(N_(
                                  "sign it first: the receipt carries the signed package's "
                                  "hash.")))
    claim = signed[-1]
    shown = service.show(claim["claim_no"], claim["version"])
    institution = desk.institution.get()
    from skilldesk.reports.form_receipt import render_receipt
    from skilldesk.reports.page import Masthead

    head = Masthead(_("Claim package receipt"), institution.name, claim["claim_no"],
                    _("Version {version}").format(version=claim["version"]), today)
    data = {
        "claim_no": claim["claim_no"], "version": claim["version"],
        "package_seq": claim["package_seq"], "manifest_sha256": claim["manifest_sha256"],
        "prev_manifest_sha256": claim["prev_manifest_sha256"], "signed_at": claim["signed_at"],
        "institution": {"name": institution.name, "uscc": institution.uscc},
        "total_fen": claim["total_fen"], "lines": len(shown["lines"]),
        "classes": [c["code"] for c in shown["classes"]],
        "by_payee": {_(PAYEES.get(k, k)): v for k, v in shown["totals"]["by_payee"].items()},
    }
    return render_receipt(head, data, path)


# -- what the package carries ------------------------------------------------------------


def _code(desk: Desk, class_id: str) -> str:
    return desk.classes.get(class_id)["code"] if class_id else ""


def _forms(desk: Desk, classes: list[dict], today: dt.date, progress) -> list:
    from skilldesk.package.model import PackageFile

    files = []
    total = len(classes) * len(FORM_KINDS)
    with tempfile.TemporaryDirectory(prefix="skilldesk-claim-") as folder:
        for klass in classes:
            for kind in FORM_KINDS:
                if progress is not None:
                    progress.check()
                    progress.update(len(files), total, _("Printing the claim forms"))
                name = f"{klass['code'].lower()}-{kind}.pdf"
                path = Path(folder) / name
                desk.reports.render(kind, klass["id"], path, today=today)
                files.append(PackageFile(f"forms/{name}", path.read_bytes(), "application/pdf",
                                         f"{_(REPORT_KINDS[kind])} {klass['code']}"))
    return files


def _institution(desk: Desk) -> dict:
    inst = desk.institution.get()
    return {"name": inst.name, "uscc": inst.uscc, "bank_name": inst.bank_name,
            "bank_account": inst.bank_account}


def _claim_doc(db, claim: dict, classes: list[dict], lines: list[dict]) -> dict:
    supersedes = None
    if claim["supersedes_id"]:
        old = next(v for v in sql.versions(db, claim["claim_no"])
                   if v["id"] == claim["supersedes_id"])
        supersedes = old["manifest_sha256"]   # the package this one replaces
    summary = totals(lines)
    return {
        "claim_no": claim["claim_no"], "version": claim["version"], "supersedes": supersedes,
        "rule_set": claim["rule_set"], "created_at": claim["created_at"],
        "period": f"{min(c['start_date'] for c in classes)}/"
                  f"{max(c['end_date'] for c in classes)}",
        "totals": {"total_fen": summary["total_fen"], "lines": summary["lines"],
                   "by_payee": summary["by_payee"], "by_category": summary["by_category"]},
        "classes": [{k: c[k] for k in ("code", "name", "training_type", "occupation_code",
                                       "occupation_name", "level", "start_date", "end_date")}
                    for c in classes],
    }


def _lines_doc(lines: list[dict], classes: list[dict]) -> list[dict]:
    """One entry per trainee in the shape the package builder reads (``line_id``,
    ``person``), with the project (occupation/level) and period (ISO 8601 interval) the
    bureau's ledger compares."""
    by_code = {c["code"]: c for c in classes}
    out = []
    for line in lines:
        klass = by_code[line["class_code"]]
        out.append({
            "line_id": line["id"], "class_code": line["class_code"],
            "person": {"name": line["name"], "id_number": line["id_number"]},
            "category": line["category"], "payee": line["payee"],
            "amount_fen": line["amount_fen"], "kind": line["kind"],
            "project": (klass["occupation_code"] or klass["occupation_name"]) + "/"
                       + klass["level"],
            "training_type": klass["training_type"],
            "period": f"{klass['start_date']}/{klass['end_date']}"})
    return out


def _by_id_number(rows: list[dict], lines: list[dict]) -> list[dict]:
    """*rows* keyed by enrolment, given the trainee's ID number and class instead (scores
    as text: the manifest's canonical JSON carries no floating-point numbers)."""
    who = {line["enrolment_id"]: line for line in lines}
    out = []
    for row in rows:
        line = who[row["enrolment_id"]]
        out.append({"class_code": line["class_code"], "id_number": line["id_number"],
                    **{k: format(v, "g") if isinstance(v, float) else v
                       for k, v in row.items() if k != "enrolment_id"}})
    out.sort(key=lambda r: (r["class_code"], r["id_number"], str(r.get("cert_number"))))
    return out
