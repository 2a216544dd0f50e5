"""A class's records from files: attendance (考勤), results and certificates (考核结果),
employment follow-up (就业跟踪). Preview first, then commit in one transaction.

    imports = ClassImportService(desk)
    preview = imports.preview("attendance", path, class_code="SZ2026-001")  # a dry run
    result = imports.commit(preview)                                         # valid rows in

Like the roster import: every row keeps its spreadsheet row number, every problem names
the column as written in the file, nothing is dropped without a warning or an error, and
the commit writes through the core services (``attendance.save``, ``outcomes.set_result``,
``save_certificate``, ``save_followup``) inside ONE outer transaction: each service's own
``desk.write()`` then nests as a savepoint, so a failure anywhere rolls back everything.
The batch is recorded in ``import_batch`` with its kind.

Counts: ``rows`` data rows, ``invalid`` rows with errors; for attendance ``new`` /
``updated`` / ``unchanged`` count marks (several punches make one mark), for results and
employment they count rows.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import class_import_attendance as attendance_rows
from skilldesk.core import class_import_outcomes as outcome_rows
from skilldesk.core.attendance import MARKABLE_STATES
from skilldesk.core.changes import Changes
from skilldesk.core.class_import_attendance import AttendanceOptions
from skilldesk.core.class_import_attendance import PlannedMark
from skilldesk.core.class_import_fields import KINDS
from skilldesk.core.class_import_fields import NEEDED
from skilldesk.core.class_import_fields import find_header
from skilldesk.core.class_import_fields import parse_month
from skilldesk.core.class_import_outcomes import ResultOptions
from skilldesk.core.class_import_rows import ImportRow
from skilldesk.core.class_import_rows import Label
from skilldesk.core.class_import_rows import RowContext
from skilldesk.core.class_import_rows import Trainees
from skilldesk.core.class_import_rows import mark_duplicates
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.file_import import FilePreview
from skilldesk.core.file_import import NoHeaderFound
from skilldesk.core.file_import import file_fields
from skilldesk.core.file_import import most_columns
from skilldesk.core.file_import import read_sheet
from skilldesk.core.roster_import import ImportResult
from skilldesk.core.roster_rows import RowIssue
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.storage import classes as class_sql
from skilldesk.storage import imports as import_sql
from skilldesk.storage import sessions as session_sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

# the class states in which each kind may be written (the services' own guards)
_STATES = {
    "attendance": MARKABLE_STATES,
    "results": frozenset({"completed"}),
    "employment": frozenset({"completed", "assessed", "claimed", "paid"}),
}
_STATE_MESSAGES = {
    "attendance": N_("Class {code} is “{state}”: attendance is imported once training has "
                     "started and until the class is assessed."),
    "results": N_("Class {code} is “{state}”: results and certificates are imported after "
                  "training is completed and before the class is assessed."),
    "employment": N_("Class {code} is “{state}”: employment follow-ups are imported after "
                     "training is completed."),
}


class NoRecordsFound(NoHeaderFound):
    """No header row of the kind's records was found (or the file lacks a column the
    kind cannot do without)."""


class ClassNotReady(SkilldeskError):
    code = "E_CLASS_STATE"


@dataclass(frozen=True)
class ImportOptions:
    attendance: AttendanceOptions = AttendanceOptions()
    results: ResultOptions = ResultOptions()
    month: int | None = None   # employment: the follow-up month when the file has no column


@dataclass
class ClassImportPreview(FilePreview):
    kind: str
    class_id: str
    class_code: str
    options: ImportOptions
    rows: list[ImportRow]
    marks: list[PlannedMark] = field(default_factory=list)
    file_issues: list[RowIssue] = field(default_factory=list)
    data_version: tuple[int, int] = (-1, -1)

    @property
    def counts(self) -> dict[str, int]:
        rows = [r for r in self.rows if r.status != "ignored"]
        invalid = sum(1 for r in rows if r.status == "invalid")
        if self.kind == "attendance":
            changes = Counter(m.change for m in self.marks)
        else:
            changes = Counter(r.status for r in rows)
        return {"rows": len(rows), "new": changes["new"], "updated": changes["updated"],
                "unchanged": changes["unchanged"], "invalid": invalid}


class ClassImportService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- preview (reads the database, writes nothing) ----------------------------------------

    def preview(self, kind: str, path: str | Path, *, class_code: str,
                sheet: str | None = None, options: ImportOptions | None = None,
                today: dt.date | None = None) -> ClassImportPreview:
        if kind not in KINDS:
            raise ValueError(f"unknown import kind {kind!r}")
        options = options or ImportOptions()
        today = today or dt.date.today()
        desk = self._desk
        path = Path(path)
        klass = self._class(kind, class_code)
        sheets, data = read_sheet(path, sheet, most_columns(partial(find_header, kind)))
        header = find_header(kind, data.rows)
        if header is None:
            raise NoRecordsFound(needed=Label(NEEDED[kind]), sheet=data.name)
        if kind == "employment" and options.month is None and \
                "month" not in header.mapping.values():
            raise NoRecordsFound(N_(
                "The file has no follow-up month column (跟踪月份). Add one, or say which "
                "follow-up the file holds (1, 3 or 6 months)."))
        preview = ClassImportPreview(
            **file_fields(path, sheets, data, header), kind=kind, class_id=klass["id"], class_code=class_code, options=options, rows=[])
        context = RowContext(header.headers, header.mapping)
        self._column_warnings(preview, context)
        trainees = Trainees(class_sql.roster_of(desk.db, klass["id"]), class_code)
        for number, cells in data.rows[header.index + 1:]:
            row = context.read(number, cells)
            if row is None:
                continue
            preview.rows.append(row)
            if row.status != "ignored":
                trainees.match(context, row)
        live = [r for r in preview.rows if r.status != "ignored" and r.trainee is not None]
        if kind == "attendance":
            for row in live:
                attendance_rows.check_row(context, row, options.attendance)
            preview.marks = attendance_rows.plan_marks(
                context, preview.rows, session_sql.sessions_of(desk.db, klass["id"]),
                {(m[0], m[1]): m[2:6] for m in session_sql.marks_of(desk.db, klass["id"])},
                options.attendance)
        else:
            self._check_outcomes(kind, preview, context, live, klass, options, today)
        preview.data_version = desk.data_version()
        return preview

    def _check_outcomes(self, kind: str, preview: ClassImportPreview, context: RowContext,
                        live: list[ImportRow], klass: dict, options: ImportOptions,
                        today: dt.date) -> None:
        desk = self._desk
        mark_duplicates(context, live, lambda r: r.trainee["enrolment_id"] if kind == "results"
                        else (r.trainee["enrolment_id"], _month_key(r, options)),
                        "id_number" if "id_number" in context.column_of else "name",
                        "DUPLICATE_IN_FILE", N_(
                            "The same trainee is also on row {others}: keep one row per trainee"
                            " (and per follow-up month)."))
        if kind == "results":
            certs = desk.outcomes.certificates(klass["id"])
            for row in live:
                if row.valid:
                    outcome_rows.check_result_row(context, row, desk.outcomes, klass, certs,
                                                  options.results)
            mark_duplicates(context, [r for r in live if "certificate" in r.values],
                            lambda r: r.values["certificate"][1]["cert_number"], "cert_number",
                            "CERT_DUPLICATE_IN_FILE", N_(
                                "The same certificate number is also on row {others}: each "
                                "certificate has its own number."))
        else:
            stored = desk.outcomes.followups(klass["id"])
            for row in live:
                if row.valid:
                    outcome_rows.check_followup_row(context, row, desk.outcomes, stored,
                                                    options.month, today)
        for row in preview.rows:
            if row.status == "ignored":
                continue
            row.status = row.values.get("change", "unchanged") if row.valid else "invalid"

    def _column_warnings(self, preview: ClassImportPreview, context: RowContext) -> None:
        mapped = set(preview.mapping.values())
        if preview.kind == "employment" and "recorded_on" not in mapped:
            preview.file_issues.append(RowIssue(0, "", "recorded_on", "NO_RECORDED_ON_COLUMN", N_(
                "The file has no recorded date column (记录日期): the follow-ups are recorded "
                "as of today."), severity="warning"))
        if "id_number" not in mapped:
            preview.file_issues.append(RowIssue(0, "", "id_number", "NO_ID_COLUMN", N_(
                "The file has no ID number column: trainees are matched by name, which works "
                "only for names no one else in the class has."), severity="warning"))

    def _class(self, kind: str, code: str) -> dict:
        class_id = class_sql.id_by_code(self._desk.db, code)
        klass = class_sql.get(self._desk.db, class_id) if class_id else None
        if klass is None:
            raise NotFound(N_("There is no class with the code {code}."), code=code)
        if klass["state"] not in _STATES[kind]:
            raise ClassNotReady(_STATE_MESSAGES[kind], code=code,
                                state=Label(CLASS_STATES[klass["state"]]))
        return klass

    # -- commit ------------------------------------------------------------------------

    def commit(self, preview: ClassImportPreview, *, strict: bool = False) -> ImportResult:
        """Write the valid rows in one transaction (nothing with ``strict`` if any row is
        invalid). If the database changed since the preview, the file is checked again."""
        desk = self._desk
        if preview.data_version != desk.data_version():
            preview = self.preview(preview.kind, preview.path, class_code=preview.class_code,
                                   sheet=preview.sheet, options=preview.options)
        counts = preview.counts
        if strict and counts["invalid"]:
            return ImportResult(False, None, counts, Changes())
        desk.backups.before("import")
        with desk.write() as now:
            items = self._apply(preview)
            batch_id = str(uuid.uuid4())
            import_sql.insert_batch(desk.db, {
                "id": batch_id, "kind": preview.kind, "file_name": preview.path.name,
                "file_sha256": preview.file_sha256, "sheet": preview.sheet,
                "class_id": preview.class_id, "at": now, "user_name": desk.user_name,
                "device_id": desk.device_id, "rows": counts["rows"], "new": counts["new"],
                "updated": counts["updated"], "unchanged": counts["unchanged"],
                "invalid": counts["invalid"], "state": "committed"}, items)
            desk.log(now, "import", "import_batch", batch_id, None, {
                "kind": preview.kind, "file": preview.path.name, "class_id": preview.class_id,
                **counts})
        return ImportResult(True, batch_id, counts,
                            Changes(classes=True, ids=(preview.class_id,)))

    def _apply(self, preview: ClassImportPreview) -> list[tuple]:
        """Write through the services (each nests as a savepoint); the batch items."""
        desk = self._desk
        items: list[tuple] = []
        if preview.kind == "attendance":
            by_method: dict[str, list[PlannedMark]] = defaultdict(list)
            for mark in preview.marks:
                if mark.change != "unchanged":
                    by_method[mark.method].append(mark)
            for method, marks in sorted(by_method.items()):
                desk.attendance.save(
                    preview.class_id, {(m.enrolment_id, m.session_id): m.status for m in marks},
                    method=method, times={(m.enrolment_id, m.session_id): (
                        attendance_rows.utc_text(m.sign_in), attendance_rows.utc_text(m.sign_out))
                        for m in marks})
                items += [("attendance", f"{m.session_id}/{m.enrolment_id}",
                           "create" if m.stored is None else "update",
                           _dump(None if m.stored is None else dict(zip(
                               ("status", "sign_in", "sign_out", "method"), m.stored))))
                          for m in marks]
            return items
        for row in preview.rows:
            if row.status not in ("new", "updated"):
                continue
            trainee = row.trainee
            enrolment_id = trainee["enrolment_id"]
            if preview.kind == "results":
                if "result" in row.values:
                    result, theory, practice = row.values["result"]
                    desk.outcomes.set_result(enrolment_id, result, theory_score=theory,
                                             practice_score=practice)
                    items.append(("result", enrolment_id,
                                  "create" if trainee["result"] is None else "update",
                                  _dump({k: trainee[k] for k in (
                                      "result", "theory_score", "practice_score")})))
                if "certificate" in row.values:
                    changes = desk.outcomes.save_certificate(enrolment_id,
                                                             row.values["certificate"][0])
                    items.append(("certificate", changes.ids[0],
                                  "create" if row.values["cert_change"] == "new" else "update",
                                  None))
            else:
                changes = desk.outcomes.save_followup(enrolment_id, row.values["month"],
                                                      row.values["draft"])
                items.append(("followup", changes.ids[0],
                              "create" if row.status == "new" else "update", None))
        return _unique(items)


def _dump(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _month_key(row: ImportRow, options: ImportOptions) -> object:
    cell = row.present.get("month", (None, None))[1]
    return parse_month(cell) if cell is not None else options.month


def _unique(items: list[tuple]) -> list[tuple]:
    """One item per (entity, id): the batch table's key."""
    seen: dict[tuple[str, str], tuple] = {}
    for item in items:
        seen.setdefault((item[0], item[1]), item)
    return list(seen.values())

