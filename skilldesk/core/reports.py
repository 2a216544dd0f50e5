"""Printed forms for the bureau (issue 6): gather a class's data through the services and
hand plain dicts to ``skilldesk.reports`` (which knows reportlab and nothing of the database).

Every form is deterministic: the same data and ``today`` give byte-identical PDFs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import report_data
from skilldesk.errors import NotFound
from skilldesk.errors import UsageError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.reports.errors import GlyphsMissing

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

__all__ = ["REPORT_KINDS", "GlyphsMissing", "ReportResult", "ReportService", "claim_payload"]

REPORT_KINDS: dict[str, str] = {
    "opening-application": N_("Class opening application"),   # 开班申请表
    "sign-in": N_("Sign-in sheet"),                            # 签到表
    "completion": N_("Completion review form"),                # 结业审核表
    "results": N_("Assessment results and certificates"),      # 考核结果及证书清单
    "claim-form": N_("Subsidy claim form"),                    # 补贴申请表
    "claim-roster": N_("Subsidy claim roster"),                # 补贴人员花名册
    "public-notice": N_("Public notice of subsidy claims"),    # 公示名单
}


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    kind: str


def claim_payload(lines: list[dict], rule_set_id: str) -> str:
    """The canonical JSON the claim digest is taken of: one object per claimed line
    (eligible, amount above zero) with the ID number, amount in fen, payee and rule set,
    sorted by ID number; ``json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``."""
    claimed = sorted(
        ({"id_number": line["id_number"], "amount_fen": line["amount_fen"],
          "payee": line["payee_key"], "rule_set": rule_set_id}
         for line in lines if line["eligible"] and line["amount_fen"] > 0),
        key=lambda item: item["id_number"])
    return json.dumps(claimed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ReportService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def render(self, kind: str, class_id: str, path, *, progress=None,
               today: dt.date | None = None) -> ReportResult:
        """Write the form *kind* (a key of ``REPORT_KINDS``) for the class to *path*.

        Raises ``GlyphsMissing`` (nothing written) when a character cannot be printed,
        ``NotFound`` for an unknown class. *progress* gets one update per page laid out.
        """
        if kind not in REPORT_KINDS:
            raise UsageError(N_("Unknown form {kind}; choose one of {kinds}."),
                             kind=kind, kinds=", ".join(REPORT_KINDS))
        today = today or dt.date.today()
        desk = self._desk
        institution = desk.institution.get()
        if institution is None:
            raise NotFound(N_("Set up the institution before printing forms."))
        record = desk.classes.get(class_id)
        gather = _GATHER[kind]
        data = gather(desk, record, today)
        data["institution"] = report_data.institution(institution)
        data["class"] = {**report_data.klass(record), **data.get("class", {})}
        # reportlab loads on the first form, not at start-up
        from skilldesk.reports.page import Masthead
        from skilldesk.reports.render import render as render_form

        head = Masthead(_(REPORT_KINDS[kind]), institution.name, record["code"],
                        record["name"], today)
        pages = render_form(kind, head, data, path, progress=progress)
        return ReportResult(Path(path), pages, kind)


def _opening(desk: Desk, record: dict, today: dt.date) -> dict:
    return {"teachers": report_data.teachers(record), "schedule": report_data.schedule(
        desk.attendance.sessions(record["id"])),
        "roster": report_data.roster(desk.classes.roster(record["id"], include_withdrawn=False))}


def _sign_in(desk: Desk, record: dict, today: dt.date) -> dict:
    return report_data.sign_in(desk.attendance.sessions(record["id"]),
                               desk.attendance.grid(record["id"]), record["code"])


def _completion(desk: Desk, record: dict, today: dt.date) -> dict:
    grid = desk.attendance.grid(record["id"])
    data = report_data.completion(grid, desk.attendance.summary(grid), today)
    data["status"]["state"] = report_data.state_label(record["state"])
    if record["state"] == "in_training":
        data["status"]["blockers"] = [
            b.message() for b in desk.classes.blockers(record["id"], "completed", today=today)]
    return data


def _results(desk: Desk, record: dict, today: dt.date) -> dict:
    roster = desk.classes.roster(record["id"], include_withdrawn=False)
    certificates = desk.outcomes.certificates(record["id"])
    return report_data.results(roster, certificates, desk.outcomes.stats(record["id"]))


def _claim(desk: Desk, record: dict, today: dt.date) -> dict:
    result = desk.subsidy.check_class(record["id"], today=today, readiness=False)
    people = {p["person_id"]: p for p in desk.classes.roster(record["id"])}
    claim = report_data.claim(result, record, people)
    payload = claim_payload(claim["lines"], result.rule_set_id)
    claim["digest"] = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    claim["claim_lines"] = payload.count('"id_number"')
    return {"claim": claim, "notice": report_data.notice(claim, record, today)}


_GATHER = {"opening-application": _opening, "sign-in": _sign_in, "completion": _completion,
           "results": _results, "claim-form": _claim, "claim-roster": _claim,
           "public-notice": _claim}
