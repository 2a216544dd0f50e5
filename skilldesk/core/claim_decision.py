"""The bureau's decision file (审核结果) for a claim: read, reconcile, record.

One row per trainee: 证件号码, 姓名, 审核结果 (核准 / 调整 / 驳回), 核准金额, 驳回原因. Title rows
above the header are skipped (``import_headers.find_header``). Reconciling reports every
difference with its row number: an ID number that is not a line of the claim (unknown
person or not claimed), a name that differs, an amount above the claimed one, a result or
amount that cannot be read, a line named twice, and the claim's lines the file does not
mention (row 0). Any of these but a different name is an *error*: nothing is recorded
until the file is corrected, because a decision half-applied would leave the claim's
state and the subsidy history wrong.

Recorded: each line's decision, approved amount and reason; the claim's approved total
and state (all approved → decided, none → rejected, else partly_approved); every line
with an approved amount above zero becomes ``subsidy_history`` (source ``claim``) so it
counts toward the trainee's later caps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.catalogue_fields import parse_amount
from skilldesk.core.catalogue_fields import to_fen
from skilldesk.core.class_import_fields import key
from skilldesk.core.file_import import NoHeaderFound
from skilldesk.core.file_import import most_columns
from skilldesk.core.file_import import read_sheet
from skilldesk.core.file_import import sha256_of
from skilldesk.core.import_headers import find_header as _find_header
from skilldesk.core.import_headers import synonym_table
from skilldesk.core.roster_rows import RowIssue
from skilldesk.i18n import N_
from skilldesk.imports.headers import SYNONYMS as ROSTER_SYNONYMS
from skilldesk.rules.identifiers import normalize_id_number
from skilldesk.storage import claims as sql
from skilldesk.storage import history as history_sql

if TYPE_CHECKING:
    from skilldesk.core.claims import ClaimService
    from skilldesk.core.desk import Desk

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (*ROSTER_SYNONYMS["name"], "人员姓名", "参训人员姓名"),
    "id_number": (*ROSTER_SYNONYMS["id_number"], "人员证件号码"),
    "result": ("审核结果", "审核意见", "审核状态", "核准结果", "审批结果", "结果"),
    "amount": ("核准金额", "审核金额", "核定金额", "批准金额", "审核通过金额", "核准补贴金额"),
    "reason": ("驳回原因", "不通过原因", "审核说明", "调整原因", "原因", "备注", "说明"),
}
_TABLE = synonym_table(SYNONYMS)
NEEDED = N_("an ID number column (证件号码) and a result column (审核结果)")
RESULTS = {
    **{w: "approved" for w in ("核准", "通过", "审核通过", "同意", "approved")},
    **{w: "adjusted" for w in ("调整", "核减", "部分核准", "adjusted")},
    **{w: "rejected" for w in ("驳回", "不通过", "不予通过", "拒绝", "rejected")},
}


def find_header(rows: list[tuple[int, list]]):
    return _find_header(rows, _TABLE, lambda f: {"id_number", "result"} <= f)


@dataclass
class DecisionReport:
    claim_no: str
    version: int
    file_sha256: str
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)   # approved / adjusted / rejected
    approved_fen: int = 0
    state: str | None = None           # the state recorded (None: nothing recorded)
    differences: list[RowIssue] = field(default_factory=list)
    history_rows: int = 0

    @property
    def errors(self) -> list[RowIssue]:
        return [d for d in self.differences if d.severity == "error"]

    @property
    def saved(self) -> bool:
        return self.state is not None

    def as_json(self) -> dict:
        return {"claim_no": self.claim_no, "version": self.version,
                "file_sha256": self.file_sha256, "rows": self.rows, "counts": self.counts,
                "approved_fen": self.approved_fen, "state": self.state, "saved": self.saved,
                "history_rows": self.history_rows,
                "differences": [{"row": d.row, "column": d.column, "code": d.code,
                                 "severity": d.severity, "message": d.message()}
                                for d in self.differences]}


def import_decision(service: ClaimService, desk: Desk, claim_no: str, path: Path, *,
                    decided_on: dt.date, dry_run: bool = False) -> DecisionReport:
    claim = service.get(claim_no)
    service.require(claim, ("signed", "submitted"), N_(
        "a decision can be imported only for a signed or submitted claim."))
    _sheets, data = read_sheet(path, None, most_columns(find_header))
    header = find_header(data.rows)
    if header is None:
        raise NoHeaderFound(needed=NEEDED, sheet=data.name)
    report = DecisionReport(claim["claim_no"], claim["version"], sha256_of(path))
    lines = {line["id_number"]: line for line in sql.lines_of(desk.db, claim["id"])}
    decided: dict[str, tuple[str, int, str]] = {}   # line id -> (decision, fen, reason)
    seen: dict[str, int] = {}
    column = {f: header.headers[c] for c, f in header.mapping.items()}
    unknown_people = set(sql.people_by_id_number(desk.db, [
        normalize_id_number(key(cells[c])) for _n, cells in data.rows[header.index + 1:]
        for c, f in header.mapping.items() if f == "id_number" and c < len(cells)]))

    def issue(at: int, fld: str, code: str, msgid: str, severity: str = "error", **params):
        report.differences.append(RowIssue(at, column.get(fld, ""), fld, code, msgid,
                                           params, severity))

    for number, cells in data.rows[header.index + 1:]:
        values = {f: cells[c] if c < len(cells) else None for c, f in header.mapping.items()}
        id_number = normalize_id_number(key(values.get("id_number")))
        if not id_number:
            continue
        report.rows += 1
        line = lines.get(id_number)
        if line is None:
            if id_number in unknown_people:
                issue(number, "id_number", "DECISION_NOT_CLAIMED", N_(
                    "Row {row}: {id_number} is not a trainee of this claim; check that the file "
                    "is the decision on claim {claim_no}."), row=number, id_number=id_number,
                    claim_no=claim["claim_no"])
            else:
                issue(number, "id_number", "DECISION_UNKNOWN_PERSON", N_(
                    "Row {row}: nobody with the ID number {id_number} is in the database; "
                    "check the number against the claim roster."), row=number,
                    id_number=id_number)
            continue
        if id_number in seen:
            issue(number, "id_number", "DECISION_DUPLICATE", N_(
                "Row {row}: {name} was already decided in row {first}; keep one row per "
                "trainee."), row=number, name=line["name"], first=seen[id_number])
            continue
        seen[id_number] = number
        name = key(values.get("name"))
        if name and name != line["name"]:
            issue(number, "name", "DECISION_NAME_DIFFERS", N_(
                "Row {row}: the name “{file_name}” differs from “{name}” in the claim."),
                "warning", row=number, file_name=name, name=line["name"])
        result = RESULTS.get(key(values.get("result")))
        if result is None:
            issue(number, "result", "DECISION_RESULT", N_(
                "Row {row}: the result “{value}” is not one of 核准, 调整, 驳回."), row=number,
                value=key(values.get("result")))
            continue
        reason = key(values.get("reason"))
        if result == "rejected":
            decided[line["id"]] = ("rejected", 0, reason)
            continue
        raw = values.get("amount")
        if result == "approved" and key(raw) == "":
            fen = line["amount_fen"]
        else:
            yuan = parse_amount(raw)
            fen = to_fen(yuan) if yuan is not None else None
            if fen is None or fen < 0:
                issue(number, "amount", "DECISION_AMOUNT", N_(
                    "Row {row}: the approved amount “{value}” is not an amount in yuan."),
                    row=number, value=key(raw))
                continue
        if fen > line["amount_fen"]:
            issue(number, "amount", "DECISION_ABOVE_CLAIMED", N_(
                "Row {row}: {name} is approved {approved} yuan, more than the {claimed} yuan "
                "claimed; ask the bureau to check the row."), row=number, name=line["name"],
                approved=f"{fen / 100:.2f}", claimed=f"{line['amount_fen'] / 100:.2f}")
            continue
        if result == "approved" and fen != line["amount_fen"]:
            result = "adjusted"
        decided[line["id"]] = (result, fen, reason)
    for id_number, line in lines.items():
        if id_number not in seen:
            issue(0, "id_number", "DECISION_LINE_MISSING", N_(
                "{name} ({class_code}) is in the claim but not in the decision file; ask the "
                "bureau for the complete file."), name=line["name"],
                class_code=line["class_code"])
    for decision, fen, _reason in decided.values():
        report.counts[decision] = report.counts.get(decision, 0) + 1
        report.approved_fen += fen
    if report.errors or dry_run:
        return report
    _record(service, desk, claim, lines, decided, decided_on, report)
    return report


def _record(service: ClaimService, desk: Desk, claim: dict, lines: dict, decided: dict,
            decided_on: dt.date, report: DecisionReport) -> None:
    db = desk.db
    by_id = {line["id"]: line for line in lines.values()}
    approved = [lid for lid, (_d, fen, _r) in decided.items() if fen > 0]
    state = ("rejected" if not approved else
             "decided" if all(d == "approved" for d, _f, _r in decided.values())
             else "partly_approved")
    facts = sql.history_facts(db, claim["id"])
    day = decided_on.isoformat()
    with desk.write() as now:
        for line_id, (decision, fen, reason) in decided.items():
            sql.update_line(db, line_id, {"decision": decision, "approved_fen": fen,
                                          "decision_reason": reason, "updated_at": now,
                                          "device_id": desk.device_id})
        ids = clock.new_ids(len(approved))
        rows = []
        for history_id, line_id in zip(ids, approved):
            line = by_id[line_id]
            fact = facts[line["enrolment_id"]]
            rows.append((history_id, line["person_id"], "claim", line["kind"],
                         fact["occupation_code"], fact["level"], fact["training_type"],
                         decided[line_id][1], day, now, now, desk.device_id))
        history_sql.insert(db, rows)
        sql.update_claim(db, claim["id"], {
            "state": state, "approved_fen": report.approved_fen, "decided_on": day,
            "decision_sha256": report.file_sha256, "updated_at": now,
            "device_id": desk.device_id})
        desk.log(now, "decision", "claim", claim["id"], {"state": claim["state"]}, {
            "state": state, "approved_fen": report.approved_fen, "counts": report.counts,
            "file_sha256": report.file_sha256, "history_rows": len(rows)})
    report.state = state
    report.history_rows = len(rows)
