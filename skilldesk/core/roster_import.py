"""Roster import (花名册导入): preview, commit in one transaction, undo as a batch.

    preview = desk.roster.preview(path, class_code="SZ2026-0001")   # a dry run
    result = desk.roster.commit(preview, strict=False)             # valid rows in
    desk.roster.undo(result.batch_id)                               # all of it out again

People are matched by ID number, never duplicated; a blank cell never erases
a stored value; only mapped columns are compared. Rows with errors are
listed with the spreadsheet's own row numbers and can be exported with an
error column to be fixed in Excel and imported again.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core.changes import Changes
from skilldesk.core.clock import IdPool
from skilldesk.core.file_import import MAX_ROWS
from skilldesk.core.file_import import FilePreview
from skilldesk.core.file_import import RosterTooLarge  # noqa: F401  (imported from here too)
from skilldesk.core.file_import import file_fields
from skilldesk.core.file_import import read_sheet
from skilldesk.core.perf import collector_paused
from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.core.roster_rows import RosterRow
from skilldesk.core.roster_rows import RowChecker
from skilldesk.core.roster_rows import RowIssue
from skilldesk.errors import Conflict
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.imports import headers as header_rules
from skilldesk.imports import reader
from skilldesk.storage import imports as sql
from skilldesk.storage.imports import NULLABLE_FIELDS
from skilldesk.storage.imports import PERSON_FIELDS

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

# what a new person gets for a column the file lacks: "" for text, NULL (not recorded) else
_BLANK_PERSON = dict.fromkeys(PERSON_FIELDS, "") | dict.fromkeys(NULLABLE_FIELDS)
# issues that come from comparing with the database (recomputed by _classify)
_COMPARISON_CODES = frozenset({"NAME_CHANGED", "OVERLAPPING_CLASS"})
_READ = N_("Reading the file")
_CHECK = N_("Checking rows")
_SAVE = N_("Saving")
_UNDO = N_("Undoing the import of {count} records…")


class NoRosterFound(SkilldeskError):
    code = "E_NO_ROSTER"
    default_msgid = N_(
        "No header row with a name column and an ID number column was found in the first "
        "20 rows of sheet “{sheet}”. Check that you chose the right sheet, or map the "
        "columns yourself.")


class MappingConflict(SkilldeskError):
    code = "E_MAPPING_CONFLICT"
    default_msgid = N_("The columns {columns} are all set to “{field}”. Each kind of "
                       "information can come from one column only: choose one.")


class ClassRosterFrozen(SkilldeskError):
    code = "E_ROSTER_FROZEN"
    default_msgid = N_(
        "Class {code} has already filed its opening application, so its roster is frozen. "
        "Import the people without choosing the class, then change the roster from the "
        "class page with a reason.")


@dataclass
class RosterPreview(FilePreview):
    layout_key: str
    class_id: str | None
    class_code: str | None
    rows: list[RosterRow]
    file_issues: list[RowIssue] = field(default_factory=list)
    data_version: tuple[int, int] = (-1, -1)  # the database as the rows were compared with it

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(r.status for r in self.rows if r.status != "ignored")
        return {"rows": sum(counter.values()), "new": counter["new"],
                "updated": counter["updated"], "unchanged": counter["unchanged"],
                "invalid": counter["invalid"],
                "enrol": sum(1 for r in self.rows if r.enrol and r.valid)}


@dataclass(frozen=True)
class RosterSample:
    """The first rows of a sheet, for mapping columns by hand when no header is found."""

    sheets: list[str]
    sheet: str
    headers: list[str]
    rows: list[list]


@dataclass(frozen=True)
class ImportResult:
    committed: bool
    batch_id: str | None
    counts: dict[str, int]
    changes: Changes


def _refuse_conflicts(mapping: dict[int, str], headers: list[str]) -> None:
    """One column per field: say which columns claim the same one."""
    columns: dict[str, list[int]] = defaultdict(list)
    for column, field_key in sorted(mapping.items()):
        if field_key:
            columns[field_key].append(column)
    for field_key, claimed in columns.items():
        if len(claimed) > 1:
            names = [headers[c] if c < len(headers) and headers[c] else f"({c + 1})"
                     for c in claimed]
            raise MappingConflict(columns=join(names),
                                  field=_(header_rules.FIELDS.get(field_key, field_key)))


def _most_like_a_roster(read: dict[str, reader.SheetRows]) -> str | None:
    return header_rules.pick_sheet({name: data.rows for name, data in read.items()})


# one encoder for all rows (json.dumps with options builds a new encoder per call);
# keys keep the fixed order the dicts are built in
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dump(value: dict | None) -> str | None:
    return None if value is None else _ENCODER.encode(value)


class RosterImportService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- preview (a dry run: reads the database, writes nothing) --------------------------

    def preview(self, path: str | Path, *, sheet: str | None = None,
                class_code: str | None = None, mapping: dict[int, str] | None = None,
                progress: Progress | None = None, today: dt.date | None = None
                ) -> RosterPreview:
        """Read the file, find its header, check every row and compare with the database."""
        with collector_paused():
            return self._preview(path, sheet, class_code, mapping, progress, today)

    def _preview(self, path: str | Path, sheet: str | None, class_code: str | None,
                 mapping: dict[int, str] | None, progress: Progress | None,
                 today: dt.date | None) -> RosterPreview:
        progress = progress or NullProgress()
        today = today or dt.date.today()
        path = Path(path)
        progress.update(0, 0, _(_READ))
        klass = self._class(class_code)
        sheets, data = self._read(path, sheet, progress)
        guess = header_rules.guess_header(data.rows) or self._remembered_header(data)
        if guess is None and mapping is None:
            raise NoRosterFound(sheet=data.name)
        if guess is None:  # the user maps the columns of the first row by hand
            guess = self._plain_header(data, 0)
        remembered = sql.get_mapping(self._desk.db, header_rules.layout_key(guess.headers))
        if mapping is not None:
            _refuse_conflicts(mapping, guess.headers)
        if mapping is not None or remembered is not None:
            guess = header_rules.apply_mapping_override(guess, mapping or remembered)
        preview = RosterPreview(
            **file_fields(path, sheets, data, guess), layout_key=header_rules.layout_key(guess.headers),
            class_id=klass["id"] if klass else None, class_code=class_code, rows=[])
        self._check_columns(preview)
        reference = dt.date.fromisoformat(klass["start_date"]) if klass else today
        checker = RowChecker(preview.mapping, preview.headers, reference=reference, today=today)
        body = data.rows[guess.header_row + 1:]
        for number, (row_number, cells) in enumerate(body):
            if number % 2000 == 0:
                progress.update(number, len(body), _(_CHECK))
                progress.check()
            row = checker.check(row_number, cells)
            if row is not None:
                preview.rows.append(row)
        self._mark_duplicates(preview)
        self._classify(preview, klass)
        preview.data_version = self._desk.data_version()
        progress.update(len(body), len(body), _(_CHECK))
        return preview

    def sample(self, path: str | Path, *, sheet: str | None = None, rows: int = 5) -> RosterSample:
        """The first non-empty row as headers and a few rows below it."""
        path = Path(path)
        sheets, data = self._read(path, sheet, NullProgress())
        plain = self._plain_header(data, 0)
        return RosterSample(sheets, data.name, plain.headers,
                            [cells for _n, cells in data.rows[1:1 + rows]])

    @staticmethod
    def _plain_header(data: reader.SheetRows, index: int) -> header_rules.HeaderGuess:
        row_number, cells = data.rows[index]
        texts = ["" if c is None else str(c).strip() for c in cells]
        return header_rules.HeaderGuess(index, row_number, {}, texts, [], 0.0)

    def _remembered_header(self, data: reader.SheetRows) -> header_rules.HeaderGuess | None:
        """A row whose layout the user mapped by hand before (remembered per layout)."""
        for index in range(min(20, len(data.rows))):
            plain = self._plain_header(data, index)
            remembered = sql.get_mapping(self._desk.db, header_rules.layout_key(plain.headers))
            if remembered:
                return header_rules.apply_mapping_override(plain, remembered)
        return None

    def _class(self, code: str | None) -> dict | None:
        if not code:
            return None
        klass = sql.class_by_code(self._desk.db, code)
        if klass is None:
            raise NotFound(N_("There is no class with the code {code}."), code=code)
        if klass["state"] != "draft":
            raise ClassRosterFrozen(code=code)
        return klass

    def _read(self, path: Path, sheet: str | None,
              progress: Progress) -> tuple[list[str], reader.SheetRows]:
        """The sheet names and the rows of the chosen sheet (the one that looks most like a
        roster), opening the file once; an empty or too large sheet is refused."""
        sheets, data = read_sheet(path, sheet, _most_like_a_roster, check=progress.check,
                                  limit=MAX_ROWS)
        if not data.rows:
            raise NoRosterFound(sheet=data.name)
        return sheets, data

    def _check_columns(self, preview: RosterPreview) -> None:
        mapped = set(preview.mapping.values())
        for fieldname, code, msgid in (
            ("name", "NO_NAME_COLUMN", N_("No column is mapped to the name.")),
            ("id_number", "NO_ID_COLUMN", N_("No column is mapped to the ID number.")),
        ):
            if fieldname not in mapped:
                raise NoRosterFound(msgid)
        if "phone" not in mapped:
            preview.file_issues.append(RowIssue(0, "", "phone", "NO_PHONE_COLUMN", N_(
                "The file has no mobile number column; the bureau's roster needs one."),
                severity="warning"))

    def _mark_duplicates(self, preview: RosterPreview) -> None:
        rows_by_id: dict[str, list[RosterRow]] = defaultdict(list)
        for row in preview.rows:
            number = row.values.get("id_number")
            if number:
                rows_by_id[number].append(row)
        id_header = next((preview.headers[c] for c, f in preview.mapping.items()
                          if f == "id_number" and c < len(preview.headers)), "")
        for same in rows_by_id.values():
            if len(same) < 2:
                continue
            for row in same:
                others = join(r.row for r in same if r is not row)
                row.issues.append(RowIssue(row.row, id_header, "id_number", "DUPLICATE_IN_FILE",
                                           N_("The same ID number is also on row {others}. "
                                              "Keep one row per person."), {"others": others}))
                row.status = "invalid"

    def _classify(self, preview: RosterPreview, klass: dict | None) -> None:
        """new / updated / unchanged against what is stored; who joins the class.

        Idempotent: may run again (at commit) when the database changed meanwhile."""
        for row in preview.rows:
            row.issues = [i for i in row.issues if i.code not in _COMPARISON_CODES]
        valid = [r for r in preview.rows if r.valid and r.status != "ignored"]
        stored = sql.people_by_id_number(self._desk.db, [r.values["id_number"] for r in valid])
        enrolled = sql.enrolled_person_ids(self._desk.db, klass["id"]) if klass else set()
        for row in valid:
            person = stored.get(row.values["id_number"])
            row.enrol = klass is not None and (person is None or person["id"] not in enrolled)
            row.stored = person
            if person is None:
                row.status, row.person_id, row.changed = "new", None, {}
                row.added_categories = row.categories
                continue
            row.person_id = person["id"]
            # a blank never erases; 0 and "no" (0) are values, not blanks
            row.changed = {k: (person[k], v) for k, v in row.values.items()
                           if (v or v == 0) and person[k] != v}
            row.added_categories = tuple(c for c in row.categories
                                         if c not in person["categories"])
            row.status = "updated" if row.changed or row.added_categories else "unchanged"
            if "name" in row.changed:
                row.issues.append(RowIssue(row.row, "", "name", "NAME_CHANGED", N_(
                    "This ID number is registered as {stored}; the file says {new}. "
                    "The name will be changed: check it against the ID card."),
                    {"stored": person["name"], "new": row.values["name"]}, "warning"))
        if klass is not None:
            self._warn_overlaps(preview, klass)

    def _warn_overlaps(self, preview: RosterPreview, klass: dict) -> None:
        people = {r.person_id: r for r in preview.rows if r.person_id and r.valid}
        overlaps = sql.overlapping_classes(self._desk.db, list(people), class_id=klass["id"],
                                           start=klass["start_date"], end=klass["end_date"])
        for person_id, codes in overlaps.items():
            row = people[person_id]
            row.issues.append(RowIssue(row.row, "", "", "OVERLAPPING_CLASS", N_(
                "Already enrolled in class {codes}, whose dates overlap this class. "
                "One person cannot attend two classes at the same time."),
                {"codes": join(codes)}, "warning"))

    # -- commit ------------------------------------------------------------------------

    def commit(self, preview: RosterPreview, *, strict: bool = False,
               progress: Progress | None = None) -> ImportResult:
        """Write the valid rows in one transaction (nothing with ``strict`` if any row
        is invalid), as one batch that ``undo`` can take back."""
        progress = progress or NullProgress()
        counts = preview.counts
        if strict and counts["invalid"]:
            return ImportResult(False, None, counts, Changes())
        desk = self._desk
        # the rows go in in bulk, not through Desk.log: the role is checked here instead
        desk.require("person", "import")
        progress.update(0, 0, _(_SAVE))
        stale = preview.data_version != desk.data_version()
        desk.backups.before("import")
        with collector_paused(), desk.write(bulk=True) as now:
            klass = self._class(preview.class_code)
            if stale:  # something was written since the preview: compare again, inside
                self._classify(preview, klass)  # the transaction, so nothing is out of date
            counts = preview.counts
            batch_id = str(uuid.uuid4())
            items, ops = self._apply(preview, now, progress)
            sql.insert_batch(desk.db, {
                "id": batch_id, "kind": "roster", "file_name": preview.path.name,
                "file_sha256": preview.file_sha256, "sheet": preview.sheet,
                "class_id": preview.class_id, "at": now, "user_name": desk.user_name,
                "device_id": desk.device_id, "rows": counts["rows"], "new": counts["new"],
                "updated": counts["updated"], "unchanged": counts["unchanged"],
                "invalid": counts["invalid"], "state": "committed"}, items)
            sql.append_ops(desk.db, ops)
            sql.put_mapping(desk.db, preview.layout_key, "roster", preview.mapping, now)
        ids = tuple(r.person_id for r in preview.rows if r.person_id and r.status != "invalid")
        return ImportResult(True, batch_id, counts,
                            Changes(people=True, classes=preview.class_id is not None, ids=ids))

    def _apply(self, preview: RosterPreview, now: str, progress: Progress
               ) -> tuple[list[tuple], list[tuple]]:
        """Write the rows; return the batch items and op-log rows to record them."""
        desk = self._desk
        device = desk.device_id
        new_id = IdPool()
        rows = [r for r in preview.rows if r.valid and r.status in ("new", "updated", "unchanged")]
        new_people, categories, enrolments = [], [], []
        enrolment_ids: dict[int, str] = {}  # row number -> new enrolment
        for number, row in enumerate(rows):
            if number % 5000 == 0:
                progress.update(number, 2 * len(rows), _(_SAVE))
                progress.check()
            if row.status == "new":
                row.person_id = new_id()
                values = {**_BLANK_PERSON, **row.values}
                new_people.append((row.person_id, *map(values.__getitem__, PERSON_FIELDS),
                                   now, now, device))
            elif row.status == "updated":
                fields = {k: new for k, (_old, new) in row.changed.items()}
                sql.update_person_fields(desk.db, row.person_id,
                                         {**fields, "updated_at": now, "device_id": device})
            categories += [(new_id(), row.person_id, c, now, now, device)
                           for c in row.added_categories]
            if row.enrol:
                enrolment_id = enrolment_ids[row.row] = new_id()
                enrolments.append((enrolment_id, preview.class_id, row.person_id,
                                   row.categories[0] if row.categories else "", now, now, device))
        items: list[tuple] = []
        ops: list[tuple] = []

        def log() -> None:  # runs while SQLite indexes the new people: no database here
            self._log(preview, rows, enrolment_ids, now, new_id, items, ops, progress)

        sql.insert_people(desk.db, new_people, meanwhile=log)
        sql.insert_categories(desk.db, categories)
        sql.insert_enrolments(desk.db, enrolments)
        return items, ops

    def _log(self, preview: RosterPreview, rows: list[RosterRow], enrolment_ids: dict[int, str],
             now: str, new_id: IdPool, items: list[tuple], ops: list[tuple],
             progress: Progress) -> None:
        """The batch items (for undo) and op-log rows of the written rows."""
        device, user = self._desk.device_id, self._desk.user_name

        def op(action: str, entity: str, entity_id: str, before, after) -> None:
            ops.append((new_id(), now, user, device, action, entity, entity_id,
                        _dump(before), _dump(after)))

        for number, row in enumerate(rows):
            if number % 5000 == 0:
                progress.update(len(rows) + number, 2 * len(rows), _(_SAVE))
            if row.status == "new":
                items.append(("person", row.person_id, "create", None))
                op("create", "person", row.person_id, None,
                   {**row.values, "categories": list(row.categories)})
            elif row.status == "updated":
                before = {k: old for k, (old, _new) in row.changed.items()}
                before_categories = row.stored["categories"]
                fields = {k: new for k, (_old, new) in row.changed.items()}
                items.append(("person", row.person_id, "update",
                              _dump({**before, "categories": before_categories,
                                     "updated_at": row.stored["updated_at"]})))
                op("update", "person", row.person_id, {**before, "categories": before_categories},
                   {**fields, "categories": sorted({*before_categories, *row.added_categories})})
            if row.row in enrolment_ids:
                enrolment_id = enrolment_ids[row.row]
                items.append(("enrolment", enrolment_id, "create", None))
                op("create", "enrolment", enrolment_id, None,
                   {"class_id": preview.class_id, "person_id": row.person_id})

    # -- undo ----------------------------------------------------------------------------

    def undo(self, batch_id: str, *, progress: Progress | None = None) -> Changes:
        """Take a committed batch back, if nothing else has touched its records since.
        One transaction: *progress* is reported per thousand records and a cancel rolls
        the whole undo back (the import stays as it was)."""
        progress = progress or NullProgress()
        desk = self._desk
        batch = sql.get_batch(desk.db, batch_id)
        if batch is None:
            raise NotFound()
        if batch["kind"] != "roster":
            raise Conflict(N_("Only roster imports can be undone; correct attendance, results "
                              "and follow-ups in the class instead."))
        if batch["state"] != "committed":
            raise Conflict(N_("This import was already undone."))
        touched = sql.touched_since(desk.db, batch_id, batch["at"])
        if touched:
            raise Conflict(N_(
                "{count} records of this import were changed or used after it (for example "
                "edited, or enrolled in another class), so it can no longer be undone as a "
                "whole. Correct the records one by one instead."), count=len(touched))
        items = sql.batch_items(desk.db, batch_id)
        progress.update(0, len(items), _(_UNDO).format(count=len(items)))
        progress.check()
        with desk.write() as now:
            ops = []
            enrolments = [i for e, i, a, _b in items if e == "enrolment"]
            created = [i for e, i, a, _b in items if e == "person" and a == "create"]
            sql.delete_enrolments(desk.db, enrolments)
            sql.delete_people(desk.db, created)
            for number, (entity, entity_id, action, before) in enumerate(items, start=1):
                if number % 1000 == 0:
                    progress.update(number, len(items))
                    progress.check()  # raises inside the transaction: all rolled back
                if entity == "person" and action == "update":
                    fields = {k: v for k, v in before.items() if k not in ("categories", "updated_at")}
                    sql.update_person_fields(desk.db, entity_id, {**fields, "updated_at": now,
                                                                  "device_id": desk.device_id})
                    sql.replace_categories(desk.db, entity_id, [
                        (str(uuid.uuid4()), entity_id, c, now, now, desk.device_id)
                        for c in before["categories"]])
                    ops.append(("update", "person", entity_id, None, before))
                else:
                    ops.append(("delete", entity, entity_id, None, None))
            sql.append_ops(desk.db, [
                (str(uuid.uuid4()), now, desk.user_name, desk.device_id, action, entity,
                 entity_id, _dump({"import_batch": batch_id}), _dump(after))
                for action, entity, entity_id, _before, after in ops])
            sql.mark_undone(desk.db, batch_id, now)
            progress.check()  # the last moment a cancel can still roll everything back
        return Changes(people=True, classes=batch["class_id"] is not None)

    def open_classes(self) -> list[tuple[str, str, str]]:
        """Classes a roster can be imported into: (code, name, start date)."""
        return sql.open_classes(self._desk.db)

    def batches(self) -> list[dict]:
        return sql.list_batches(self._desk.db)
