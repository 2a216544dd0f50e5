"""Rows of an assessment results file (考核结果) and of an employment follow-up file (就业跟踪).

The core's own checks decide what is valid: ``OutcomeService.check_certificate`` (format,
level, a number already held by someone else, dates) and ``check_followup`` (status, credit
code, dates, jobs created); this module reads the cells into their drafts, maps the core's
problems back to the file's columns, and adds what only a file can get wrong (the same
certificate number or follow-up twice in the file).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from skilldesk.core.class_import_fields import CERT_TYPE_WORDS
from skilldesk.core.class_import_fields import LEVEL_WORDS
from skilldesk.core.class_import_fields import RESULT_WORDS
from skilldesk.core.class_import_fields import STATUS_WORDS
from skilldesk.core.class_import_fields import key
from skilldesk.core.class_import_fields import parse_count
from skilldesk.core.class_import_fields import parse_month
from skilldesk.core.class_import_fields import parse_score
from skilldesk.core.class_import_rows import ImportRow
from skilldesk.core.class_import_rows import Label
from skilldesk.core.class_import_rows import RowContext
from skilldesk.core.class_models import ENTREPRENEURSHIP_TYPES
from skilldesk.core.class_models import FOLLOWUP_STATUSES
from skilldesk.core.class_models import RESULTS
from skilldesk.core.outcomes import CertificateDraft
from skilldesk.core.outcomes import FollowupDraft
from skilldesk.core.outcomes import OutcomeService
from skilldesk.i18n import N_
from skilldesk.rules import values
from skilldesk.rules.identifiers import IdentifierProblem

_CERT_FIELDS = ("cert_number", "cert_type", "issue_date", "issuing_body", "level")


@dataclass(frozen=True)
class ResultOptions:
    pass_mark: float = 60.0   # scores at or above pass


def _date_text(context: RowContext, row: ImportRow, fieldname: str) -> str:
    """An ISO date from a date cell ('' if blank); a problem goes on the row."""
    if fieldname not in row.present:
        return ""
    parsed = values.check_date(row.present[fieldname][1])
    if isinstance(parsed, IdentifierProblem):
        context.problem(row, fieldname, parsed)
        return ""
    return parsed.isoformat()


def default_cert_type(klass: dict) -> str:
    if klass["training_type"] in ENTREPRENEURSHIP_TYPES:
        return "entrepreneurship"
    return {"special": "special_ability", "certificate": "training"}.get(
        klass["level"], "skill_level")


def check_result_row(context: RowContext, row: ImportRow, outcomes: OutcomeService,
                     klass: dict, stored_certs: dict[str, dict], options: ResultOptions) -> None:
    trainee = row.trainee
    if not any(f in row.present for f in ("result", "theory_score", "practice_score",
                                          "total_score", *_CERT_FIELDS)):
        context.issue(row, "result", "NOTHING_TO_RECORD", N_(
            "This row has no result, score or certificate, so nothing is recorded for the "
            "trainee."), "warning")
    scores = {}
    for fieldname in ("theory_score", "practice_score", "total_score"):
        if fieldname in row.present:
            score = parse_score(row.present[fieldname][1])
            if score is None:
                context.issue(row, fieldname, "SCORE_FORMAT", N_(
                    "“{value}” is not a score: enter a number from 0 to 100, or leave the cell "
                    "empty and write 缺考 in the result column."),
                    value=context.text(row, fieldname))
            else:
                scores[fieldname] = score
    result = None
    if "result" in row.present:
        result = RESULT_WORDS.get(key(row.present["result"][1]))
        if result is None:
            context.issue(row, "result", "RESULT_UNKNOWN", N_(
                "The result “{value}” is not known: write 合格, 不合格 or 缺考."),
                value=context.text(row, "result"))
    by_scores = None
    if scores:
        by_scores = "pass" if all(s >= options.pass_mark for s in scores.values()) else "fail"
    if result is None and "result" not in row.present:
        result = by_scores
    elif result is not None and by_scores is not None and result != by_scores:
        context.issue(row, "result", "RESULT_SCORE_MISMATCH", N_(
            "The result is “{result}”, but with a pass mark of {mark} the scores say “{scores}”. "
            "The result column was used: check it."), "warning",
            result=Label(RESULTS[result]), mark=f"{options.pass_mark:g}",
            scores=Label(RESULTS[by_scores]))
    theory = scores.get("theory_score", trainee["theory_score"])
    practice = scores.get("practice_score", trainee["practice_score"])
    new_result = result if result is not None else trainee["result"]
    changes = []
    if (new_result, theory, practice) != (trainee["result"], trainee["theory_score"],
                                          trainee["practice_score"]):
        row.values["result"] = (new_result, theory, practice)
        changes.append("new" if trainee["result"] is None else "updated")
        if trainee["result"] is not None and new_result != trainee["result"]:
            context.issue(row, "result", "RESULT_CHANGED", N_(
                "The trainee's result is recorded as “{stored}”; the file's “{new}” replaces it."),
                "warning", stored=Label(RESULTS[trainee["result"]]), new=Label(RESULTS[new_result]))
    if any(f in row.present for f in _CERT_FIELDS):
        changes.append(_check_certificate(context, row, outcomes, klass, stored_certs,
                                          new_result))
    row.values["change"] = ("updated" if "updated" in changes else
                            "new" if "new" in changes else "unchanged")


def _check_certificate(context: RowContext, row: ImportRow, outcomes: OutcomeService,
                       klass: dict, stored_certs: dict[str, dict], result: str | None) -> str:
    cert_type = default_cert_type(klass)
    if "cert_type" in row.present:
        cert_type = CERT_TYPE_WORDS.get(key(row.present["cert_type"][1]), "")
        if not cert_type:
            context.issue(row, "cert_type", "CERT_TYPE_UNKNOWN", N_(
                "The certificate type “{value}” is not known: write 职业技能等级证书, "
                "职业资格证书, 专项职业能力证书, 培训合格证书 or 创业培训合格证书."),
                value=context.text(row, "cert_type"))
            return "unchanged"
    level = ""
    if "level" in row.present:
        level = LEVEL_WORDS.get(key(row.present["level"][1]), "")
        if not level:
            context.issue(row, "level", "LEVEL_UNKNOWN", N_(
                "The level “{value}” is not known: write 五级 to 一级, or 初级工, 中级工, 高级工, "
                "技师, 高级技师."), value=context.text(row, "level"))
    issue_date = _date_text(context, row, "issue_date")
    if not row.valid:
        return "unchanged"
    enrolment_id = row.trainee["enrolment_id"]
    draft = CertificateDraft(cert_type=cert_type, cert_number=context.text(row, "cert_number"),
                             issue_date=issue_date, issuing_body=context.text(row, "issuing_body"),
                             level=level)
    fields, problems = outcomes.check_certificate(enrolment_id, draft)
    for problem in problems:
        context.problem(row, problem.field, problem)
    if result != "pass":
        context.issue(row, "cert_number", "CERT_NOT_PASSED", N_(
            "Only a trainee who passed gets a certificate: the result of this trainee is not "
            "合格. Correct the result, or remove the certificate from the row."))
    if not row.valid:
        return "unchanged"
    row.values["certificate"] = (draft, fields)
    current = stored_certs.get(enrolment_id)
    row.values["cert_change"] = "new" if current is None else "updated"
    if current is None:
        return "new"
    if all(current[k] == v for k, v in fields.items()):
        del row.values["certificate"]
        return "unchanged"
    if current["cert_number"] != fields["cert_number"]:
        context.issue(row, "cert_number", "CERT_REPLACED", N_(
            "The trainee already has certificate {stored}; the file's {new} replaces it."),
            "warning", stored=current["cert_number"], new=fields["cert_number"])
    return "updated"


def check_followup_row(context: RowContext, row: ImportRow, outcomes: OutcomeService,
                       stored: dict[tuple[str, int], dict], default_month: int | None,
                       today: dt.date) -> None:
    month = default_month
    if "month" in row.present:
        month = parse_month(row.present["month"][1])
        if month is None:
            context.issue(row, "month", "FOLLOWUP_MONTH", N_(
                "“{value}” is not a follow-up month: follow-ups are at 1, 3 and 6 months "
                "(write 1, 3, 6 or 1个月, 3个月, 6个月)."), value=context.text(row, "month"))
    elif month is None:
        context.issue(row, "month", "FOLLOWUP_MONTH_EMPTY", N_(
            "The follow-up month is missing: write 1, 3 or 6."))
    status = ""
    if "status" in row.present:
        status = STATUS_WORDS.get(key(row.present["status"][1]), "")
        if not status:
            context.issue(row, "status", "FOLLOWUP_STATUS", N_(
                "The status “{value}” is not known: write 就业, 灵活就业, 创业, 未就业, 升学 "
                "or 无法联系."), value=context.text(row, "status"))
    else:
        context.issue(row, "status", "FOLLOWUP_STATUS_EMPTY", N_(
            "The employment status is missing."))
    jobs = 0
    if "jobs_created" in row.present:
        jobs = parse_count(row.present["jobs_created"][1])
        if jobs is None:
            context.issue(row, "jobs_created", "NOT_A_COUNT", N_(
                "“{value}” is not a number of jobs: enter a whole number, 0 or more."),
                value=context.text(row, "jobs_created"))
            jobs = 0
    contract = _date_text(context, row, "contract_date")
    recorded = _date_text(context, row, "recorded_on")
    if "recorded_on" not in row.present:
        recorded = today.isoformat()
    if not row.valid:
        return
    draft = FollowupDraft(status=status, recorded_on=recorded,
                          employer=context.text(row, "employer"),
                          employer_uscc=context.text(row, "employer_uscc"),
                          contract_date=contract, jobs_created=jobs)
    fields, problems = outcomes.check_followup(draft)
    for problem in problems:
        context.problem(row, problem.field, problem)
    if not row.valid:
        return
    row.values.update(month=month, draft=draft, fields=fields)
    current = stored.get((row.trainee["enrolment_id"], month))
    if current is None:
        row.values["change"] = "new"
    elif all(current[k] == v for k, v in fields.items()):
        row.values["change"] = "unchanged"
    else:
        row.values["change"] = "updated"
        if current["status"] != fields["status"]:
            context.issue(row, "status", "FOLLOWUP_CHANGED", N_(
                "The {month}-month follow-up is recorded as “{stored}”; the file's “{new}” "
                "replaces it."), "warning", month=month,
                stored=Label(FOLLOWUP_STATUSES[current["status"]]),
                new=Label(FOLLOWUP_STATUSES[fields["status"]]))
