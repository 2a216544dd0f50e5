"""Subsidy claims (补贴申领): made from assessed classes, signed into a package, submitted,
decided by the bureau, paid.

Lifecycle (``CLAIM_STATES``): draft → signed → submitted → decided | partly_approved |
rejected → paid. A signed claim is locked; a correction is a new version (same number,
``version + 1``, ``supersedes_id``) copied from the old one as a draft; the old one then
shows as superseded.

Decisions taken here:

- **Lines** are the eligible decisions of ``desk.subsidy.check`` with an amount above
  zero; the others are *stored* as excluded with the rules they failed
  (``claim_excluded``, migration 0006), so a claim shows why someone was left out as it
  was when the claim was made, even after later history changes the verdict.
- **Class states**: creating a draft leaves the classes alone (a draft may be thrown
  away or corrected). Signing moves them 已考核 → 已申领 (``claimed``), recording payment
  moves them to 已拨付 (``paid``), each with a ``class_transition`` row and the op log.
  These steps are written here, not through ``desk.classes.advance``: ``TRANSITIONS``
  deliberately does not offer them, so no one can mark a class claimed or paid by hand.
- **Readiness**: creation keeps the blocking readiness problems as warnings (the clerk
  sees them on the draft); *signing* refuses while any remains that concerns the claim:
  a blocking signal whose records are all trainees left out of the claim does not block
  (an excluded trainee is the expected result of a failed rule); one that names a claimed
  trainee, or a session, certificate or the class itself, does.
- **Numbers**: ``SQ<year>-<4-digit sequence per year>``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.errors import Conflict
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules import subsidy as rules
from skilldesk.storage import claims as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk
    from skilldesk.core.readiness import Signal

CLAIM_STATES: dict[str, str] = {
    "draft": N_("Draft"),                              # 草稿
    "signed": N_("Signed and exported"),               # 已签名导出
    "submitted": N_("Submitted"),                      # 已提交
    "decided": N_("Decision imported"),                # 审核结果已导入
    "paid": N_("Paid"),                                # 已拨付
    "rejected": N_("Rejected"),                        # 已驳回
    "partly_approved": N_("Partly approved"),          # 部分核准
}
PAYEES: dict[str, str] = {"institution": N_("Training institution"), "person": N_("Trainee")}
SUPERSEDED = N_("Superseded by version {version}")
#: states from which a correction (new version) may be made
CORRECTABLE = frozenset({"signed", "submitted", "decided", "rejected", "partly_approved"})


class ClaimNotFound(NotFound):
    code = "E_CLAIM_NOT_FOUND"
    default_msgid = N_("There is no claim numbered {claim_no}. Check the number "
                       "(for example SQ2026-0001) with “claim list”.")


class ClaimStateError(Conflict):
    code = "E_CLAIM_STATE"
    default_msgid = N_("Claim {claim_no} is “{state}”: {what}")


class ClaimLocked(ClaimStateError):
    code = "E_CLAIM_LOCKED"
    default_msgid = N_("Claim {claim_no} version {version} is “{state}” and can no longer "
                       "be changed. Make a new version of it to correct it.")


class ClaimClassesRefused(ValidationError):
    code = "E_CLAIM_CLASSES"
    default_msgid = N_("No claim was made; fix the classes listed and try again.")


class ClaimBlocked(ValidationError):
    code = "E_CLAIM_BLOCKED"
    default_msgid = N_("Claim {claim_no} was not signed: {count} blocking problems remain. "
                       "Fix them in the classes named (run “subsidy check” for the details) "
                       "and sign again.")


class _Label(str):
    """A msgid translated when the message is formatted (language may change meanwhile)."""

    def __format__(self, spec: str) -> str:
        return format(_(str(self)), spec)


def state_label(state: str) -> str:
    return _(CLAIM_STATES.get(state, state))


class ClaimService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- reading --------------------------------------------------------------------------

    def list(self) -> list[dict]:
        return sql.list_claims(self._desk.db)

    def get(self, claim_no: str, version: int | None = None) -> dict:
        """The claim row (newest version unless *version*), or ``ClaimNotFound``."""
        found = sql.claim_by_no(self._desk.db, claim_no.strip().upper(), version)
        if found is None:
            raise ClaimNotFound(claim_no=claim_no)
        return found

    def show(self, claim_no: str, version: int | None = None) -> dict:
        """Everything about one claim: state, classes, lines, the excluded with their
        reasons, totals by payee and category, and all versions."""
        db = self._desk.db
        claim = self.get(claim_no, version)
        lines = sql.lines_of(db, claim["id"])
        excluded = sql.excluded_of(db, claim["id"])
        for row in excluded:
            row["reasons"] = [_reason(r) for r in json.loads(row.pop("reasons"))]
        versions = sql.versions(db, claim["claim_no"])
        newer = {v["supersedes_id"]: v["version"] for v in versions if v["supersedes_id"]}
        return {
            **{k: claim[k] for k in claim if k not in ("device_id",)},
            "state_label": state_label(claim["state"]),
            "superseded": claim["superseded_by"] is not None,
            "superseded_label": (_(SUPERSEDED).format(version=newer[claim["id"]])
                                 if claim["id"] in newer else ""),
            "locked": claim["state"] != "draft" or claim["superseded_by"] is not None,
            "classes": sql.classes_of(db, claim["id"]),
            "lines": lines,
            "excluded": excluded,
            "totals": totals(lines),
            "versions": [{"version": v["version"], "state": v["state"],
                          "state_label": state_label(v["state"]),
                          "superseded": v["superseded_by"] is not None,
                          "total_fen": v["total_fen"], "approved_fen": v["approved_fen"],
                          "manifest_sha256": v["manifest_sha256"]} for v in versions],
        }

    # -- creating -------------------------------------------------------------------------

    def create(self, class_ids: list[str], *, today: dt.date | None = None,
               progress=None) -> Changes:
        """A draft claim over these assessed classes; ``Changes.ids`` = (claim id,).
        *progress* (``core.progress.Progress``): the subsidy decisions are reported and a
        cancel before the claim is saved (one transaction) leaves no claim."""
        today = today or dt.date.today()
        desk, db = self._desk, self._desk.db
        class_ids = list(dict.fromkeys(class_ids))
        if not class_ids:
            raise ClaimClassesRefused([FieldIssue("class", "CLAIM_NO_CLASS", N_(
                "Name at least one class to claim for."))])
        records = [desk.classes.get(cid) for cid in class_ids]
        issues = [FieldIssue(r["code"], "CLAIM_CLASS_NOT_ASSESSED", N_(
            "Class {code} is “{state}”; only a class whose assessment is closed (已考核) can be "
            "claimed for. Close its assessment first."),
            {"code": r["code"], "state": _Label(_class_state(r["state"]))})
            for r in records if r["state"] != "assessed"]
        issues += [FieldIssue(code, "CLAIM_CLASS_TAKEN", N_(
            "Class {code} is already in claim {claim_no}; make a new version of that claim "
            "instead of a second claim."), {"code": code, "claim_no": claim_no})
            for code, claim_no in sql.open_claims_of_classes(db, class_ids)]
        if issues:
            raise ClaimClassesRefused(issues)
        if progress is not None:
            progress.update(0, 0, _("Working out the subsidies (classes: {count})…")
                            .format(count=len(class_ids)))
            progress.check()
        results = desk.subsidy.check(class_ids=class_ids, today=today, readiness=False)
        if progress is not None:
            progress.check()
            progress.update(0, 0, _("Saving the claim…"))
        rule_sets = sorted({r.rule_set_id for r in results})
        claim_id = clock.new_id()
        with desk.write() as now:
            prefix = f"SQ{today.year}-"
            claim_no = f"{prefix}{sql.last_number(db, prefix) + 1:04d}"
            lines, excluded = [], []
            for result in results:
                for line in result.lines:
                    decision = line.decision
                    if decision.eligible and decision.amount_fen > 0:
                        lines.append((line.enrolment_id, line.person_id, line.category,
                                      decision.payee or "person", decision.amount_fen,
                                      decision.kind))
                    else:
                        excluded.append((claim_id, line.enrolment_id, line.person_id,
                                         line.category, _reasons_json(decision)))
            total = sum(line[4] for line in lines)
            sql.insert_claim(db, {
                "id": claim_id, "claim_no": claim_no, "version": 1, "state": "draft",
                "rule_set": ",".join(rule_sets), "total_fen": total,
                "created_at": now, "updated_at": now, "device_id": desk.device_id})
            sql.insert_classes(db, claim_id, class_ids)
            ids = clock.new_ids(len(lines))
            sql.insert_lines(db, [(lid, claim_id, *line[:5], None, None, "", now, now,
                                   desk.device_id, line[5]) for lid, line in zip(ids, lines)])
            sql.insert_excluded(db, excluded)
            desk.log(now, "create", "claim", claim_id, None, {
                "claim_no": claim_no, "version": 1, "classes": class_ids,
                "lines": len(lines), "excluded": len(excluded), "total_fen": total})
        return Changes(claims=True, ids=(claim_id,))

    def number_of(self, claim_id: str) -> str:
        for claim in self.list():
            if claim["id"] == claim_id:
                return claim["claim_no"]
        raise ClaimNotFound(claim_no=claim_id)

    def new_version(self, claim_no: str) -> Changes:
        """A correction: a draft copy of the newest version that supersedes it."""
        desk, db = self._desk, self._desk.db
        old = self.get(claim_no)
        if old["state"] not in CORRECTABLE:
            what = (N_("it can still be changed; correct it instead of making a new version.")
                    if old["state"] == "draft" else N_("a paid claim cannot be corrected."))
            raise ClaimStateError(claim_no=old["claim_no"],
                                  state=_Label(CLAIM_STATES[old["state"]]), what=_Label(what))
        new_id = clock.new_id()
        with desk.write() as now:
            sql.insert_claim(db, {
                "id": new_id, "claim_no": old["claim_no"], "version": old["version"] + 1,
                "supersedes_id": old["id"], "state": "draft", "rule_set": old["rule_set"],
                "total_fen": old["total_fen"], "created_at": now, "updated_at": now,
                "device_id": desk.device_id})
            sql.copy_children(db, old["id"], new_id, now, desk.device_id,
                              clock.new_ids(sql.line_count(db, old["id"])))
            desk.log(now, "new_version", "claim", new_id, {"id": old["id"],
                                                            "version": old["version"]},
                     {"claim_no": old["claim_no"], "version": old["version"] + 1})
        return Changes(claims=True, ids=(new_id,))

    def remove_line(self, claim_no: str, line_id: str, *, reason: str) -> Changes:
        """Take a line out of a draft claim (it is listed as excluded with *reason*)."""
        desk, db = self._desk, self._desk.db
        claim = self.editable(claim_no)
        line = next((x for x in sql.lines_of(db, claim["id"]) if x["id"] == line_id), None)
        if line is None:
            raise NotFound()
        with desk.write() as now:
            sql.delete_line(db, line_id)
            sql.insert_excluded(db, [(claim["id"], line["enrolment_id"], line["person_id"],
                                      line["category"], json.dumps([{
                                          "rule": "removed", "severity": "blocking",
                                          "msgid": N_("Removed from the claim: {reason}"),
                                          "params": {"reason": reason.strip()},
                                          "clause": ""}], ensure_ascii=False))])
            sql.update_claim(db, claim["id"], {
                "total_fen": claim["total_fen"] - line["amount_fen"], "updated_at": now,
                "device_id": desk.device_id})
            desk.log(now, "remove_line", "claim", claim["id"], {"line": line_id},
                     {"reason": reason.strip()})
        return Changes(claims=True, ids=(claim["id"],))

    def editable(self, claim_no: str) -> dict:
        """The newest version if it is a draft, else ``ClaimLocked``."""
        claim = self.get(claim_no)
        if claim["state"] != "draft":
            raise ClaimLocked(claim_no=claim["claim_no"], version=claim["version"],
                              state=_Label(CLAIM_STATES[claim["state"]]))
        return claim

    # -- readiness ------------------------------------------------------------------------

    def blocking(self, claim_no: str, *, today: dt.date | None = None) -> list[Signal]:
        """The blocking readiness problems that stop this claim from being signed."""
        db = self._desk.db
        claim = self.get(claim_no)
        classes = [c["id"] for c in sql.classes_of(db, claim["id"])]
        lines = sql.lines_of(db, claim["id"])
        claimed = {x["enrolment_id"] for x in lines} | {x["person_id"] for x in lines}
        found = []
        for result in self._desk.subsidy.check(class_ids=classes, today=today):
            for signal in result.blocking:
                # about trainees only, none of them claimed: the claim is not concerned
                if all(r.entity in ("enrolment", "person") and r.entity_id not in claimed
                       for r in signal.records):
                    continue
                if signal not in found:
                    found.append(signal)
        return found

    # -- the rest of the lifecycle (claim_sign.py, claim_decision.py) ---------------------

    def sign(self, claim_no: str, private_key, out_path: str | Path, *,
             today: dt.date | None = None, progress=None) -> Changes:
        """Build, sign and write the claim package; lock the claim (see ``claim_sign``)."""
        from skilldesk.core.claim_sign import sign
        return sign(self, self._desk, claim_no, private_key, Path(out_path), today=today,
                    progress=progress)

    def receipt(self, claim_no: str, path: str | Path, *, today: dt.date | None = None
                ) -> int:
        """Print the cover sheet (申报回执) of the signed claim; return the page count."""
        from skilldesk.core.claim_sign import receipt
        return receipt(self, self._desk, claim_no, Path(path), today=today or dt.date.today())

    def record_submission(self, claim_no: str, *, submitted_on: dt.date | None = None
                          ) -> Changes:
        """The signed package was handed to the bureau."""
        claim = self.get(claim_no)
        self.require(claim, ("signed",), N_("only a signed claim can be submitted."))
        day = (submitted_on or dt.date.today()).isoformat()
        return self._set_state(claim, "submitted", {"submitted_on": day}, "submit")

    def import_decision(self, claim_no: str, path: str | Path, *,
                        decided_on: dt.date | None = None, dry_run: bool = False):
        """Reconcile the bureau's decision file and, if it matches, record it."""
        from skilldesk.core.claim_decision import import_decision
        return import_decision(self, self._desk, claim_no, Path(path),
                               decided_on=decided_on or dt.date.today(), dry_run=dry_run)

    def record_payment(self, claim_no: str, paid_on: dt.date, amount_fen: int) -> Changes:
        """The bureau paid *amount_fen* (at most the approved amount) on *paid_on*."""
        desk, db = self._desk, self._desk.db
        claim = self.get(claim_no)
        self.require(claim, ("decided", "partly_approved"),
                      N_("record the bureau's decision before the payment."))
        approved = claim["approved_fen"] or 0
        if amount_fen < 0 or amount_fen > approved:
            raise ValidationError([FieldIssue("amount", "CLAIM_PAYMENT_AMOUNT", N_(
                "The payment of {paid} yuan is more than the {approved} yuan approved; "
                "check the amount on the bank statement."),
                {"paid": f"{amount_fen / 100:.2f}", "approved": f"{approved / 100:.2f}"})])
        classes = [c["id"] for c in sql.classes_of(db, claim["id"])]
        with desk.write() as now:
            sql.update_claim(db, claim["id"], {
                "state": "paid", "paid_on": paid_on.isoformat(), "paid_fen": amount_fen,
                "updated_at": now, "device_id": desk.device_id})
            self.move_classes(classes, ("claimed",), "paid", now, claim["claim_no"])
            desk.log(now, "pay", "claim", claim["id"], {"state": claim["state"]},
                     {"state": "paid", "paid_on": paid_on.isoformat(), "paid_fen": amount_fen})
        return Changes(claims=True, classes=True, ids=(claim["id"],))

    # -- helpers --------------------------------------------------------------------------

    def require(self, claim: dict, states: tuple[str, ...], what: str) -> None:
        if claim["state"] not in states or claim["superseded_by"] is not None:
            raise ClaimStateError(claim_no=claim["claim_no"],
                                  state=_Label(CLAIM_STATES[claim["state"]]), what=_Label(what))

    def _set_state(self, claim: dict, state: str, fields: dict, action: str) -> Changes:
        desk = self._desk
        with desk.write() as now:
            sql.update_claim(desk.db, claim["id"], {
                "state": state, **fields, "updated_at": now, "device_id": desk.device_id})
            desk.log(now, action, "claim", claim["id"], {"state": claim["state"]},
                     {"state": state, **fields})
        return Changes(claims=True, ids=(claim["id"],))

    def move_classes(self, class_ids: list[str], sources: tuple[str, ...], state: str,
                     now: str, claim_no: str) -> None:
        """Inside a write: move the classes in one of *sources* to *state*, with their
        transition rows and op-log entries."""
        desk = self._desk
        moving = [desk.classes.get(cid) for cid in class_ids]
        moving = [r for r in moving if r["state"] in sources]
        sql.set_class_states(desk.db, [r["id"] for r in moving], state, now, desk.device_id)
        sql.insert_transitions(desk.db, [{
            "id": clock.new_id(), "class_id": r["id"], "from_state": r["state"],
            "to_state": state, "at": now, "user_id": desk.user_name,
            "reason": claim_no, "device_id": desk.device_id} for r in moving])
        for r in moving:
            desk.log(now, "advance", "class", r["id"], {"state": r["state"]},
                     {"state": state, "reason": claim_no})


def totals(lines: list[dict]) -> dict:
    """Claimed (and, once decided, approved) fen in total, by payee and by category."""
    by_payee: dict[str, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    for line in lines:
        by_payee[line["payee"]] += line["amount_fen"]
        by_category[line["category"]] += line["amount_fen"]
    decided = [x for x in lines if x["decision"] is not None]
    return {"total_fen": sum(x["amount_fen"] for x in lines), "lines": len(lines),
            "by_payee": dict(by_payee), "by_category": dict(by_category),
            "approved_fen": sum(x["approved_fen"] or 0 for x in decided) if decided else None}


def _class_state(state: str) -> str:
    from skilldesk.core.class_models import CLASS_STATES
    return CLASS_STATES.get(state, state)


def _reasons_json(decision: rules.Decision) -> str:
    failed = [o for o in decision.failures if o.severity != rules.INFO] or list(decision.failures)
    if not failed and decision.eligible:
        failed = [rules.RuleOutcome("amount", rules.BLOCKING, False, N_(
            "The rules give no amount for this trainee."), {})]
    return json.dumps([{"rule": o.rule, "severity": o.severity, "msgid": o.msgid,
                        "params": {k: _plain(v) for k, v in o.params.items()},
                        "clause": o.clause} for o in failed], ensure_ascii=False)


def _plain(value: object) -> object:
    """A parameter as JSON: numbers and plain text as they are, anything else (a label
    translated when formatted) as its text now."""
    if value is None or type(value) in (int, float, bool, str):
        return value
    return format(value, "")


def _reason(stored: dict) -> dict:
    try:
        message = _(stored["msgid"]).format(**stored["params"])
    except (KeyError, IndexError, ValueError):
        message = _(stored["msgid"])
    return {"rule": stored["rule"], "severity": stored["severity"], "message": message,
            "clause": stored.get("clause", "")}
