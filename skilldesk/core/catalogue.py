"""The bureau's annual occupation catalogue (职业培训补贴目录): import, compare, activate.

    preview = desk.catalogue.preview_import(path, year=2025)   # a dry run: rows, issues, diff
    desk.catalogue.commit_import(preview, activate=True)       # one transaction
    index = desk.catalogue.index_for(class_start)              # what the subsidy rules read

Like the roster import: every row keeps its spreadsheet row number, every problem names the
column as written in the file, nothing is dropped without a warning or an error. The diff
is against the catalogue currently active for the city. A commit refuses a file with
invalid rows unless ``strict=False`` (then only the valid rows are stored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.catalogue_diff import CatalogueDiff
from skilldesk.core.catalogue_diff import compare
from skilldesk.core.catalogue_fields import find_header
from skilldesk.core.catalogue_rows import CatalogueRow
from skilldesk.core.catalogue_rows import RowChecker
from skilldesk.core.catalogue_rows import mark_duplicates
from skilldesk.core.catalogue_rows import ranges_from
from skilldesk.core.changes import Changes
from skilldesk.core.class_models import LEVELS
from skilldesk.core.file_import import FilePreview
from skilldesk.core.file_import import file_fields
from skilldesk.core.file_import import most_columns
from skilldesk.core.file_import import read_sheet
from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.core.roster_rows import RowIssue
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.rules.catalogue import CatalogueIndex
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.rules.policy import NoRuleSet
from skilldesk.rules.policy import rule_set_for
from skilldesk.storage import catalogue as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

DEFAULT_CITY = "苏州"
MAX_ROWS = 50_000
_READING = N_("Reading the catalogue…")
_CHECKING = N_("Checking the catalogue…")


class NoCatalogueHeader(SkilldeskError):
    code = "E_NO_HEADER"
    default_msgid = N_("No header row with an occupation code or name column (职业编码 / "
                       "职业名称) and an amount column (补贴标准) was found in the first 20 rows "
                       "of sheet “{sheet}”. Check that you chose the bureau's catalogue file.")


class CatalogueHasErrors(SkilldeskError):
    code = "E_INVALID_ROWS"
    default_msgid = N_("{invalid} rows of the catalogue have errors, so nothing was imported. "
                       "Correct them in the file and import it again.")


class CatalogueTooLarge(SkilldeskError):
    code = "E_TOO_LARGE"
    default_msgid = N_("The sheet “{sheet}” has {rows} rows; a catalogue has at most {limit}. "
                       "Check that you chose the bureau's catalogue file.")


class CatalogueEmpty(SkilldeskError):
    code = "E_EMPTY"
    default_msgid = N_("The file has no valid catalogue item, so nothing was imported.")


@dataclass(frozen=True)
class CatalogueInfo:
    id: str
    city: str
    year: int
    title: str
    source: str
    is_sample: bool
    effective_from: str
    effective_to: str | None
    active: bool
    item_count: int
    created_at: str = ""
    updated_at: str = ""
    device_id: str = ""


@dataclass
class CataloguePreview(FilePreview):
    year: int
    city: str
    title: str
    effective_from: dt.date
    rule_set: str                      # the rule set in force on effective_from ('' if none)
    rows: list[CatalogueRow] = field(default_factory=list)
    file_issues: list[RowIssue] = field(default_factory=list)
    diff: CatalogueDiff = field(default_factory=CatalogueDiff)
    data_version: tuple[int, int] = (-1, -1)

    @property
    def items(self) -> list[tuple[str, CatalogueItem]]:
        """(item kind, item) of every valid row, in file order."""
        return [(r.item_kind, r.item) for r in self.rows if r.item is not None]

    @property
    def counts(self) -> dict[str, int]:
        rows = [r for r in self.rows if r.status != "ignored"]
        invalid = sum(1 for r in rows if r.status == "invalid")
        return {"rows": len(rows), "valid": len(rows) - invalid, "invalid": invalid,
                "ignored": len(self.rows) - len(rows), "added": len(self.diff.added),
                "removed": len(self.diff.removed), "changed": self.diff.changed_items}


class CatalogueService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._indexes: dict[str, CatalogueIndex] = {}
        self._version: tuple[int, int] | None = None

    # -- reading ------------------------------------------------------------------------

    def list(self, city: str | None = None) -> list[CatalogueInfo]:
        return [CatalogueInfo(**r) for r in sql.list_catalogues(self._desk.db, city)]

    def get(self, catalogue_id: str) -> CatalogueInfo:
        record = sql.get(self._desk.db, catalogue_id)
        if record is None:
            raise NotFound(N_("There is no catalogue with the id {id}."), id=catalogue_id)
        return CatalogueInfo(**record)

    def active(self, city: str = DEFAULT_CITY) -> CatalogueInfo | None:
        record = sql.active_of(self._desk.db, city)
        return None if record is None else CatalogueInfo(**record)

    def items(self, catalogue_id: str) -> list[CatalogueItem]:
        """The items by occupation code, name, 工种 and level (五级 first)."""
        items = [_item(r) for r in sql.items_of(self._desk.db, catalogue_id)]
        return sorted(items, key=lambda i: (i.occupation_code, i.occupation_name, i.work_type,
                                            _LEVEL_ORDER.get(i.level, 99)))

    def index_for(self, day: dt.date, city: str = DEFAULT_CITY) -> CatalogueIndex | None:
        """The catalogue in force in *city* on *day* (None if there is none). Items never
        change once stored, so an index is built once per catalogue (the cache is dropped
        whenever the database changed, which also covers other connections)."""
        version = self._desk.data_version()
        if version != self._version:
            self._indexes.clear()
            self._version = version
        record = sql.in_force(self._desk.db, city, day)
        if record is None:
            return None
        index = self._indexes.get(record["id"])
        if index is None:
            index = self._indexes[record["id"]] = _index(record, self.items(record["id"]))
        return index

    # -- import -------------------------------------------------------------------------

    def preview_import(self, path: str | Path, *, year: int, city: str = DEFAULT_CITY,
                       title: str | None = None, effective_from: dt.date | str | None = None,
                       sheet: str | None = None, progress: Progress | None = None
                       ) -> CataloguePreview:
        """Read and check the file and compare it with the active catalogue; writes nothing."""
        progress = progress or NullProgress()
        path = Path(path)
        start = _day(effective_from) or dt.date(year, 1, 1)
        progress.update(0, 0, _(_READING))
        sheets, data = read_sheet(path, sheet, most_columns(find_header), check=progress.check,
                                  limit=MAX_ROWS, too_large=CatalogueTooLarge)
        header = find_header(data.rows)
        if header is None:
            raise NoCatalogueHeader(sheet=data.name)
        try:
            rule_set = rule_set_for(start)
            rule_set_id, ranges = rule_set.id, ranges_from(rule_set.id,
                                                           rule_set.raw.get("subsidy", {}))
        except NoRuleSet:
            rule_set_id, ranges = "", {}
        preview = CataloguePreview(
            **file_fields(path, sheets, data, header), year=year, city=city,
            title=title or _("{year} {city} occupation training subsidy catalogue").format(
                year=year, city=city),
            effective_from=start, rule_set=rule_set_id)
        checker = RowChecker(header.headers, header.mapping, ranges)
        body = data.rows[header.index + 1:]
        for count, (number, cells) in enumerate(body):
            if count % 1000 == 0:
                progress.update(count, len(body), _(_CHECKING))
                progress.check()
            row = checker.check(number, cells)
            if row is not None:
                preview.rows.append(row)
        mark_duplicates(checker, preview.rows)
        self._file_warnings(preview)
        active = sql.active_of(self._desk.db, city)
        if active is not None:
            preview.diff = compare(self.items(active["id"]), [i for _k, i in preview.items],
                                   base_id=active["id"], base_title=active["title"],
                                   compare_hours="min_hours" in header.mapping.values())
        else:
            preview.diff = compare([], [i for _k, i in preview.items], base_id=None)
        preview.data_version = self._desk.data_version()
        progress.update(len(body), len(body), _(_CHECKING))
        return preview

    def _file_warnings(self, preview: CataloguePreview) -> None:
        mapped = set(preview.mapping.values())
        missing = [f for f in ("level", "category", "shortage") if f not in mapped]
        if missing:
            preview.file_issues.append(RowIssue(0, "", "", "COLUMNS_MISSING", N_(
                "The file has no {columns} column: check that the header row is complete."),
                {"columns": join([_COLUMN_NAMES[f] for f in missing])}, "warning"))
        same_year = sql.exists_for_year(self._desk.db, preview.city, preview.year)
        if same_year:
            preview.file_issues.append(RowIssue(0, "", "", "YEAR_EXISTS", N_(
                "A catalogue for {city} {year} is already stored ({titles}). Importing adds "
                "another one; activate the one that is right."),
                {"city": preview.city, "year": preview.year, "titles": join(same_year)},
                "warning"))

    def commit_import(self, preview: CataloguePreview, *, activate: bool,
                      strict: bool = True, progress: Progress | None = None) -> Changes:
        """Store the catalogue and its valid items in one transaction (and make it the
        active one with *activate*). With *strict* (the default) a file with any invalid
        row is refused (``CatalogueHasErrors``). *progress*: the backup before it is
        reported and can be cancelled; once the transaction starts it runs to the end
        (one short insert), so a cancel leaves either nothing or the whole catalogue."""
        progress = progress or NullProgress()
        desk = self._desk
        counts = preview.counts
        if strict and counts["invalid"]:
            raise CatalogueHasErrors(invalid=counts["invalid"])
        items = preview.items
        if not items:
            raise CatalogueEmpty()
        desk.backups.before("import", progress=progress)
        progress.check()
        progress.update(0, 0, _("Saving {count} catalogue items…").format(count=len(items)))
        with desk.write() as now:
            catalogue_id = clock.new_id()
            record = {
                "id": catalogue_id, "city": preview.city, "year": preview.year,
                "title": preview.title, "source": preview.path.name, "is_sample": 0,
                "effective_from": preview.effective_from.isoformat(), "effective_to": None,
                "active": 0, "created_at": now, "updated_at": now, "device_id": desk.device_id,
            }
            sql.insert(desk.db, record, [_row(kind, item) for kind, item in items],
                       clock.new_ids(len(items)))
            desk.log(now, "import", "catalogue", catalogue_id, None, {
                "city": preview.city, "year": preview.year, "title": preview.title,
                "file": preview.path.name, "file_sha256": preview.file_sha256,
                "effective_from": record["effective_from"], "items": len(items),
                "invalid": counts["invalid"], "added": counts["added"],
                "removed": counts["removed"], "changed": counts["changed"],
                "compared_with": preview.diff.base_id})
            if activate:
                self._activate(catalogue_id, now)
        return Changes(catalogue=True, ids=(catalogue_id,))

    def activate(self, catalogue_id: str, *, progress: Progress | None = None) -> Changes:
        """Make the catalogue the active one of its city (the previous one is closed the
        day before this one starts). *progress*: the backup before it can be cancelled."""
        progress = progress or NullProgress()
        info = self.get(catalogue_id)
        if info.active:
            return Changes()
        self._desk.backups.before("import", progress=progress)
        progress.check()
        with self._desk.write() as now:
            self._activate(catalogue_id, now)
        return Changes(catalogue=True, ids=(catalogue_id,))

    def _activate(self, catalogue_id: str, now: str) -> None:
        replaced = sql.activate(self._desk.db, catalogue_id, now, self._desk.device_id)
        current = sql.get(self._desk.db, catalogue_id)
        self._desk.log(now, "activate", "catalogue", catalogue_id, {
            "replaced": [{"id": c["id"], "effective_to": c["effective_to"]} for c in replaced]},
            {"active": True, "effective_from": current["effective_from"],
             "replaced_until": [sql.get(self._desk.db, c["id"])["effective_to"]
                                for c in replaced]})


_LEVEL_ORDER = {level: n for n, level in enumerate(LEVELS)}
_COLUMN_NAMES = {"level": "等级", "category": "类别", "shortage": "是否紧缺"}


def _day(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _item(record: dict) -> CatalogueItem:
    return CatalogueItem(
        occupation_code=record["occupation_code"], occupation_name=record["occupation_name"],
        work_type=record["work_type"], level=record["level"], category=record["category"],
        standard_fen=record["standard_fen"], shortage=bool(record["shortage"]),
        min_hours=record["min_hours"] or 0, category_assumed=bool(record["category_assumed"]))


def _row(kind: str, item: CatalogueItem) -> dict:
    return {"item_kind": kind, "occupation_code": item.occupation_code,
            "occupation_name": item.occupation_name, "work_type": item.work_type,
            "level": item.level, "category": item.category,
            "category_assumed": int(item.category_assumed), "standard_fen": item.standard_fen,
            "shortage": int(item.shortage), "min_hours": item.min_hours or None}


def _index(record: dict, items: list[CatalogueItem]) -> CatalogueIndex:
    """The index of one catalogue (items without an occupation code, 专项 and 合格证
    projects, are found by name: ``find_by_name``)."""
    return CatalogueIndex.of(record["id"], record["title"], record["year"],
                             bool(record["is_sample"]), items)
