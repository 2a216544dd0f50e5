"""Subsidies people already received, from the bureau's list (历年补贴享受记录, exported from
the 实名制管理系统), so that they count toward the caps of ``rules/subsidy.py``.

    preview = desk.subsidy_history.preview(path)      # reads and checks, writes nothing
    result = desk.subsidy_history.commit(preview)     # the new records, one transaction

Like the class imports (and with their machinery: ``class_import_rows.RowContext``), every
row keeps its spreadsheet row number, every problem names the column as written in the
file, and nothing is dropped without a warning or an error:

- people are matched by ID number only (normalised; a 15-digit number also by its 18-digit
  form). A person who is not in the school's records is a warning on the row and the row
  is not saved (``skipped``): import their roster first, then the file again;
- a name that differs from the stored one is a warning (the ID number decides);
- a record already stored (from any source) or twice in the file is a warning and is
  stored once, so importing the same list again stores nothing new. Two records are the
  same when person, kind, occupation, level and date agree (and, for entrepreneurship,
  the kind of training: GYB, SYB…);
- without an occupation code the occupation name is stored in ``occupation_code``, the
  way ``rules/subsidy.occupation_key`` and ``storage/subsidy.certificates_held`` key
  code-less classes (专项职业能力, 合格证).

Records are stored with source ``bureau_list``. The list is not an ``import_batch`` (its
kinds are roster, attendance, results and employment): each commit that stores something
writes ONE op-log entry (action "import", entity "subsidy_history", a new id) with the
file's name and SHA-256, the sheet, the counts and the ids of the stored records; there
is no entry per row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core import history_rows
from skilldesk.core.changes import Changes
from skilldesk.core.class_import_rows import ImportRow
from skilldesk.core.class_import_rows import Label
from skilldesk.core.class_import_rows import RowContext
from skilldesk.core.history_fields import COLUMN_NAMES
from skilldesk.core.history_fields import NEEDED
from skilldesk.core.history_fields import find_header
from skilldesk.core.file_import import FilePreview
from skilldesk.core.file_import import NoHeaderFound
from skilldesk.core.file_import import file_fields
from skilldesk.core.file_import import most_columns
from skilldesk.core.file_import import read_sheet
from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.core.roster_rows import RowIssue
from skilldesk.errors import NotFound
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.rules import identifiers
from skilldesk.storage import history as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

SOURCE = "bureau_list"
_READING = N_("Reading the file")
_CHECKING = N_("Checking rows")
_SAVING = N_("Saving")


class NoHistoryHeader(NoHeaderFound):
    """No header row of the bureau's list was found."""


@dataclass
class HistoryPreview(FilePreview):
    today: dt.date
    rows: list[ImportRow] = field(default_factory=list)
    file_issues: list[RowIssue] = field(default_factory=list)
    data_version: tuple[int, int] = (-1, -1)

    @property
    def counts(self) -> dict[str, int]:
        """rows (data rows), new (to store), unchanged (already recorded), skipped (person
        not in the school's records), invalid (with errors); ``updated`` is always 0."""
        statuses = Counter(r.status for r in self.rows if r.status != "ignored")
        return {"rows": sum(statuses.values()), "new": statuses["new"], "updated": 0,
                "unchanged": statuses["unchanged"], "skipped": statuses["skipped"],
                "invalid": statuses["invalid"]}


@dataclass(frozen=True)
class HistoryImportResult:
    committed: bool
    counts: dict[str, int]
    changes: Changes
    preview: HistoryPreview          # the preview written (checked again if the data changed)
    log_id: str | None = None        # the op-log entity id of the batch (None: nothing stored)


@dataclass(frozen=True)
class HistoryListing:
    person_id: str
    name: str
    id_number: str
    records: list[dict]              # storage.history.LISTED keys, oldest first


class HistoryImportService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- preview (reads the database, writes nothing) ----------------------------------------

    def preview(self, path: str | Path, *, sheet: str | None = None,
                progress: Progress | None = None, today: dt.date | None = None
                ) -> HistoryPreview:
        progress = progress or NullProgress()
        today = today or dt.date.today()
        desk = self._desk
        path = Path(path)
        progress.update(0, 0, _(_READING))
        sheets, data = read_sheet(path, sheet, most_columns(find_header), check=progress.check)
        header = find_header(data.rows)
        if header is None:
            raise NoHistoryHeader(needed=Label(NEEDED), sheet=data.name)
        preview = HistoryPreview(**file_fields(path, sheets, data, header), today=today)
        self._column_warnings(preview)
        context = RowContext(header.headers, header.mapping)
        body = data.rows[header.index + 1:]
        for count, (number, cells) in enumerate(body):
            if count % 1000 == 0:
                progress.update(count, len(body), _(_CHECKING))
                progress.check()
            row = context.read(number, cells)
            if row is None:
                continue
            preview.rows.append(row)
            if row.status != "ignored":
                history_rows.check_cells(context, row, today)
        live = [r for r in preview.rows if r.status != "ignored"]
        people = sql.people_by_id_number(desk.db, history_rows.id_candidates(live))
        for row in live:
            history_rows.match_person(context, row, people)
        stored = sql.records_of(desk.db, {r.values["person_id"] for r in live
                                          if "person_id" in r.values})
        history_rows.classify(context, live, {history_rows.record_key(*r) for r in stored})
        preview.data_version = desk.data_version()
        progress.update(len(body), len(body), _(_CHECKING))
        return preview

    def _column_warnings(self, preview: HistoryPreview) -> None:
        mapped = set(preview.mapping.values())
        missing = [f for f in ("granted_on", "amount", "level") if f not in mapped]
        if "occupation_code" not in mapped and "occupation_name" not in mapped:
            missing.append("occupation_code")
        if missing:
            preview.file_issues.append(RowIssue(0, "", "", "COLUMNS_MISSING", N_(
                "The file has no {columns} column: check that the header row is complete "
                "and that you chose the bureau's list of subsidies received."),
                {"columns": join([COLUMN_NAMES[f] for f in missing])}, "warning"))

    # -- commit ------------------------------------------------------------------------

    def commit(self, preview: HistoryPreview, *, strict: bool = False,
               progress: Progress | None = None) -> HistoryImportResult:
        """Store the new records in one transaction (nothing with *strict* if any row is
        invalid). If the database changed since the preview, the file is checked again."""
        progress = progress or NullProgress()
        desk = self._desk
        if preview.data_version != desk.data_version():
            preview = self.preview(preview.path, sheet=preview.sheet, progress=progress,
                                   today=preview.today)
        counts = preview.counts
        if strict and counts["invalid"]:
            return HistoryImportResult(False, counts, Changes(), preview)
        new = [r for r in preview.rows if r.status == "new"]
        if not new:
            return HistoryImportResult(True, counts, Changes(), preview)
        progress.update(0, len(new), _(_SAVING))
        progress.check()
        ids = clock.new_ids(len(new))
        log_id = clock.new_id()
        desk.backups.before("import")
        with desk.write() as now:
            sql.insert(desk.db, [(
                record_id, row.values["person_id"], SOURCE, row.values["kind"],
                row.values["occupation"], row.values["level"], row.values["training_type"],
                row.values["amount_fen"], row.values["granted_on"], now, now, desk.device_id)
                for record_id, row in zip(ids, new)])
            desk.log(now, "import", "subsidy_history", log_id, None, {
                "source": SOURCE, "file": preview.path.name, "file_sha256": preview.file_sha256,
                "sheet": preview.sheet, **counts, "ids": ids})
        progress.update(len(new), len(new), _(_SAVING))
        people = tuple(dict.fromkeys(r.values["person_id"] for r in new))
        return HistoryImportResult(True, counts, Changes(people=True, ids=people), preview,
                                   log_id)

    # -- reading -------------------------------------------------------------------------

    def list_for(self, id_number: str) -> HistoryListing:
        """The records of the person with this ID number, oldest first."""
        number = identifiers.normalize_id_number(id_number)
        candidates = [number]
        checked = identifiers.check_id_number(number)
        if isinstance(checked, identifiers.IdNumber):
            candidates.append(checked.value)
        people = sql.people_by_id_number(self._desk.db, candidates)
        found = next((people[n] + (n,) for n in candidates if n in people), None)
        if found is None:
            raise NotFound(N_("No one in the school's records has the ID number {number}."),
                           number=number)
        person_id, name, stored_number = found
        return HistoryListing(person_id, name, stored_number,
                              sql.of_person(self._desk.db, person_id))

