"""What a class produces: inspections (过程检查), results and certificates
(考核与证书), employment follow-up (就业跟踪), and the class's rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.core.class_models import CERT_TYPES
from skilldesk.core.class_models import EMPLOYED_STATUSES
from skilldesk.core.class_models import ENTREPRENEURSHIP_TYPES
from skilldesk.core.class_models import FOLLOWUP_MONTHS
from skilldesk.core.class_models import FOLLOWUP_STATUSES
from skilldesk.core.class_models import INSPECTION_METHODS
from skilldesk.core.class_models import LEVEL_DIGITS
from skilldesk.core.class_models import RESULTS
from skilldesk.core.class_models import ClassStats
from skilldesk.core.validation import check_optional
from skilldesk.core.validation import issue_from
from skilldesk.errors import Conflict
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.rules import identifiers
from skilldesk.rules.class_rules import rate
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import classes as class_sql
from skilldesk.storage import outcomes as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

RESULT_STATES = frozenset({"completed", "assessed"})
# certificate types whose numbers follow the national 22/16-character schemes
NUMBERED_TYPES = frozenset({"qualification", "skill_level"})


@dataclass
class CertificateDraft:
    cert_type: str
    cert_number: str
    issue_date: str
    issuing_body: str = ""
    level: str = ""


@dataclass
class FollowupDraft:
    status: str
    recorded_on: str
    employer: str = ""
    employer_uscc: str = ""
    contract_date: str = ""
    jobs_created: int = 0


@dataclass(frozen=True)
class DueFollowup:
    class_id: str
    class_code: str
    class_name: str
    month: int
    due_on: str
    trainees: list[tuple[str, str]]  # (enrolment id, name)


def _date(text: str, key: str, issues: list[FieldIssue]) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        issues.append(FieldIssue(key, "DATE_FORMAT", N_("Enter a date as YYYY-MM-DD.")))
        return text


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class OutcomeService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def _enrolment(self, enrolment_id: str) -> tuple[dict, dict]:
        enrolment = class_sql.enrolment(self._desk.db, enrolment_id)
        if enrolment is None:
            raise NotFound()
        return enrolment, class_sql.get(self._desk.db, enrolment["class_id"])

    # -- inspections ---------------------------------------------------------------------

    def inspections(self, class_id: str) -> list[dict]:
        return sql.inspections_of(self._desk.db, class_id)

    def save_inspection(self, class_id: str, *, inspection_id: str | None = None, date: str,
                        inspector: str, method: str, findings: str = "",
                        result: str = "") -> Changes:
        issues: list[FieldIssue] = []
        fields = {"date": _date(date, "date", issues), "inspector": " ".join(inspector.split()),
                  "method": method, "findings": findings.strip(), "result": result.strip()}
        if not fields["inspector"]:
            issues.append(FieldIssue("inspector", "INSPECTOR_EMPTY",
                                     N_("Enter who inspected the class.")))
        if method not in INSPECTION_METHODS:
            issues.append(FieldIssue("method", "INSPECTION_METHOD",
                                     N_("Choose on site, phone or video.")))
        if issues:
            raise ValidationError(issues)
        desk = self._desk
        if class_sql.get(desk.db, class_id) is None:
            raise NotFound()
        current = None
        if inspection_id is not None:
            current = sql.inspection(desk.db, inspection_id)
            if current is None or current["class_id"] != class_id:
                raise NotFound()
        with desk.write() as now:
            inspection_id = self._upsert("inspection", current, {"class_id": class_id}, fields,
                                         sql.insert_inspection, sql.update_inspection, now)
        return Changes(classes=True, ids=(inspection_id,))

    def delete_inspection(self, inspection_id: str) -> Changes:
        desk = self._desk
        current = sql.inspection(desk.db, inspection_id)
        if current is None:
            raise NotFound()
        with desk.write() as now:
            sql.delete_inspection(desk.db, inspection_id)
            desk.log(now, "delete", "inspection", inspection_id, current, None)
        return Changes(classes=True)

    # -- results and certificates ------------------------------------------------------------

    def set_result(self, enrolment_id: str, result: str | None, *,
                   theory_score: float | None = None, practice_score: float | None = None
                   ) -> Changes:
        enrolment, record = self._enrolment(enrolment_id)
        if record["state"] not in RESULT_STATES:
            raise Conflict(N_("Results are recorded after training is completed and before "
                              "the class is assessed."))
        if record["state"] == "assessed":
            raise Conflict(N_("The class is assessed; its results are closed."))
        issues = []
        if result is not None and result not in RESULTS:
            issues.append(FieldIssue("result", "RESULT_UNKNOWN", N_("Pass, fail or absent?")))
        for key, score in (("theory_score", theory_score), ("practice_score", practice_score)):
            if score is not None and not 0 <= score <= 100:
                issues.append(FieldIssue(key, "SCORE_RANGE", N_("A score is from 0 to 100.")))
        if enrolment["status"] != "enrolled":
            issues.append(FieldIssue("result", "RESULT_WITHDRAWN", N_(
                "The trainee withdrew from the class; no result is recorded.")))
        if issues:
            raise ValidationError(issues)
        fields = {"result": result, "theory_score": theory_score, "practice_score": practice_score}
        desk = self._desk
        with desk.write() as now:
            class_sql.update_enrolment(desk.db, enrolment_id, fields | {
                "updated_at": now, "device_id": desk.device_id})
            desk.log(now, "update", "enrolment", enrolment_id,
                     {k: enrolment[k] for k in fields}, fields)
        return Changes(classes=True, ids=(enrolment_id,))

    def certificate(self, enrolment_id: str) -> dict | None:
        return sql.certificate_of(self._desk.db, enrolment_id)

    def certificates(self, class_id: str) -> dict[str, dict]:
        return {c["enrolment_id"]: c for c in sql.certificates_of_class(self._desk.db, class_id)}

    def check_certificate(self, enrolment_id: str, draft: CertificateDraft, *,
                          today: dt.date | None = None) -> tuple[dict, list[FieldIssue]]:
        """Normalised certificate fields and the problems with them."""
        _enrolment, record = self._enrolment(enrolment_id)
        issues: list[FieldIssue] = []
        fields = {"cert_type": draft.cert_type, "issuing_body": " ".join(draft.issuing_body.split()),
                  "level": draft.level or record["level"],
                  "issue_date": _date(draft.issue_date, "issue_date", issues)}
        if draft.cert_type not in CERT_TYPES:
            issues.append(FieldIssue("cert_type", "CERT_TYPE_UNKNOWN",
                                     N_("Choose the certificate type.")))
        number = identifiers.normalize_id_number(draft.cert_number)  # half-width, no spaces
        if not number:
            issues.append(FieldIssue("cert_number", "CERT_EMPTY",
                                     N_("Enter the certificate number.")))
        elif draft.cert_type in NUMBERED_TYPES:
            checked = identifiers.check_certificate_number(number)
            if isinstance(checked, identifiers.IdentifierProblem):
                issues.append(issue_from("cert_number", checked))
            else:
                number = checked.value
                expected = LEVEL_DIGITS.get(record["level"])
                if expected is not None and checked.level != expected:
                    issues.append(FieldIssue("cert_number", "CERT_LEVEL_MISMATCH", N_(
                        "The certificate number is for level {actual}, but the class trains "
                        "level {expected}. Check the number against the certificate."),
                        {"actual": checked.level, "expected": expected}))
        fields["cert_number"] = number
        if number:
            holder = sql.certificate_holder(self._desk.db, number)
            if holder is not None and holder[0] != enrolment_id:
                issues.append(FieldIssue("cert_number", "CERT_DUPLICATE", N_(
                    "This certificate number is already recorded for {name} in class {code}."),
                    {"name": holder[1], "code": holder[2]}))
        if not issues:
            issued = dt.date.fromisoformat(fields["issue_date"])
            if issued < dt.date.fromisoformat(record["start_date"]):
                issues.append(FieldIssue("issue_date", "CERT_BEFORE_CLASS", N_(
                    "The certificate is dated before the class started ({start})."),
                    {"start": record["start_date"]}))
            if issued > (today or dt.date.today()):
                issues.append(FieldIssue("issue_date", "CERT_FUTURE",
                                         N_("The issue date is in the future.")))
        return fields, issues

    def save_certificate(self, enrolment_id: str, draft: CertificateDraft, *,
                         today: dt.date | None = None) -> Changes:
        enrolment, record = self._enrolment(enrolment_id)
        if record["state"] not in RESULT_STATES or record["state"] == "assessed":
            raise Conflict(N_("Certificates are recorded after training is completed and before "
                              "the class is assessed."))
        fields, issues = self.check_certificate(enrolment_id, draft, today=today)
        if enrolment["result"] != "pass":
            issues.append(FieldIssue("cert_number", "CERT_NOT_PASSED", N_(
                "Only a trainee who passed gets a certificate; record the result first.")))
        if any(i.severity == "error" for i in issues):
            raise ValidationError(issues)
        desk = self._desk
        with desk.write() as now:
            certificate_id = self._upsert(
                "certificate", sql.certificate_of(desk.db, enrolment_id),
                {"enrolment_id": enrolment_id}, fields, sql.insert_certificate,
                sql.update_certificate, now)
        return Changes(classes=True, ids=(certificate_id,))

    def _upsert(self, entity: str, current: dict | None, keys: dict, fields: dict,
                insert, update, now: str) -> str:
        """Create the record (*keys* + *fields*) or update *current*; log either."""
        desk = self._desk
        audit = {"updated_at": now, "device_id": desk.device_id}
        if current is None:
            record_id = clock.new_id()
            insert(desk.db, {"id": record_id, **keys, **fields, "created_at": now, **audit})
            desk.log(now, "create", entity, record_id, None, fields | keys)
        else:
            record_id = current["id"]
            update(desk.db, record_id, fields | audit)
            desk.log(now, "update", entity, record_id, {k: current[k] for k in fields}, fields)
        return record_id

    # -- employment follow-up --------------------------------------------------------------

    def followups(self, class_id: str) -> dict[tuple[str, int], dict]:
        return {(f["enrolment_id"], f["month_offset"]): f
                for f in sql.followups_of_class(self._desk.db, class_id)}

    def check_followup(self, draft: FollowupDraft) -> tuple[dict, list[FieldIssue]]:
        issues: list[FieldIssue] = []
        fields = {"status": draft.status, "employer": " ".join(draft.employer.split()),
                  "recorded_on": _date(draft.recorded_on, "recorded_on", issues),
                  "contract_date": (_date(draft.contract_date, "contract_date", issues)
                                    if draft.contract_date.strip() else None),
                  "jobs_created": draft.jobs_created}
        fields["employer_uscc"] = check_optional("employer_uscc", draft.employer_uscc,
                                                 identifiers.check_uscc, issues)
        if draft.status not in FOLLOWUP_STATUSES:
            issues.append(FieldIssue("status", "FOLLOWUP_STATUS", N_("Choose the status.")))
        if not isinstance(draft.jobs_created, int) or draft.jobs_created < 0:
            issues.append(FieldIssue("jobs_created", "NOT_A_COUNT",
                                     N_("Enter a whole number, 0 or more.")))
        elif draft.jobs_created and draft.status != "entrepreneur":
            issues.append(FieldIssue("jobs_created", "JOBS_WITHOUT_BUSINESS", N_(
                "Jobs created are counted for trainees who started a business.")))
        if draft.status == "employed" and not fields["employer"]:
            issues.append(FieldIssue("employer", "EMPLOYER_EMPTY",
                                     N_("Enter the employer."), severity="warning"))
        return fields, issues

    def save_followup(self, enrolment_id: str, month: int, draft: FollowupDraft) -> Changes:
        enrolment, record = self._enrolment(enrolment_id)
        if month not in FOLLOWUP_MONTHS:
            raise ValidationError([FieldIssue("month_offset", "FOLLOWUP_MONTH", N_(
                "Follow-ups are at 1, 3 and 6 months."))])
        if record["state"] not in ("completed", "assessed", "claimed", "paid"):
            raise Conflict(N_("Employment is followed up after training is completed."))
        fields, issues = self.check_followup(draft)
        if any(i.severity == "error" for i in issues):
            raise ValidationError(issues)
        desk = self._desk
        with desk.write() as now:
            followup_id = self._upsert(
                "followup", sql.followup(desk.db, enrolment_id, month),
                {"enrolment_id": enrolment_id, "month_offset": month}, fields,
                sql.insert_followup, sql.update_followup, now)
        return Changes(classes=True, ids=(followup_id,))

    def due_followups(self, today: dt.date | None = None, *, horizon_days: int = 14
                      ) -> list[DueFollowup]:
        """Follow-ups whose month has come (or comes within *horizon_days*) and that
        are not recorded for every trainee who passed."""
        today = today or dt.date.today()
        db = self._desk.db
        since = add_months(today, -max(FOLLOWUP_MONTHS) - 6).isoformat()
        out = []
        for class_id, code, name, end_date in sql.completed_classes_since(db, since):
            ended = dt.date.fromisoformat(end_date)
            for month in FOLLOWUP_MONTHS:
                due = add_months(ended, month)
                if due > today + dt.timedelta(days=horizon_days):
                    continue
                missing = sql.passed_without_followup(db, class_id, month)
                if missing:
                    out.append(DueFollowup(class_id, code, name, month, due.isoformat(), missing))
        return sorted(out, key=lambda d: (d.due_on, d.class_code, d.month))

    # -- rates ---------------------------------------------------------------------------

    def stats(self, class_id: str) -> ClassStats:
        """Pass rate, employment rate (at each graduate's latest follow-up) and, for
        entrepreneurship classes, jobs created per trainee who started a business."""
        db = self._desk.db
        record = class_sql.get(db, class_id)
        if record is None:
            raise NotFound()
        roster = class_sql.roster_of(db, class_id, include_withdrawn=False)
        passed = [t for t in roster if t["result"] == "pass"]
        latest: dict[str, dict] = {}
        for (enrolment_id, _month), f in sorted(self.followups(class_id).items(),
                                                key=lambda kv: kv[0][1]):
            latest[enrolment_id] = f
        graduates = {t["enrolment_id"] for t in passed}
        followed = [f for e, f in latest.items() if e in graduates]
        employed = sum(1 for f in followed if f["status"] in EMPLOYED_STATUSES)
        entrepreneurs = [f for f in followed if f["status"] == "entrepreneur"]
        jobs = sum(f["jobs_created"] for f in entrepreneurs)
        rules = rule_set_for(dt.date.fromisoformat(record["start_date"]))
        return ClassStats(
            trainees=len(roster), passed=len(passed),
            results_recorded=sum(1 for t in roster if t["result"] is not None),
            pass_rate=rate(len(passed), len(roster)), followed_up=len(followed),
            employed=employed, employment_rate=rate(employed, len(passed)),
            entrepreneurs=len(entrepreneurs), jobs_created=jobs,
            jobs_per_entrepreneur=rate(jobs, len(entrepreneurs)),
            pass_target=rules.targets["pass_rate"],
            employment_target=rules.targets["employment_rate"],
            jobs_target=rules.targets["entrepreneurship_jobs_per_trainee"],
            is_entrepreneurship=record["training_type"] in ENTREPRENEURSHIP_TYPES)
