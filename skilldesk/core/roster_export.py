"""Roster export (花名册导出): a class roster or any filtered people list to .xlsx/.csv.

ID numbers, phones and account numbers are written as text cells, so Excel
cannot mangle them; CSV is UTF-8 with a BOM so Excel shows Chinese correctly,
with formula-looking text neutralised (``skilldesk.export.tabular``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from skilldesk.core.models import ID_TYPES
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.models import SEXES
from skilldesk.core.people import normalize_query
from skilldesk.core.progress import NullProgress
from skilldesk.core.progress import Progress
from skilldesk.core.roster_rows import cell_text
from skilldesk.errors import NotFound
from skilldesk.errors import SkilldeskError
from skilldesk.errors import UsageError
from skilldesk.export import tabular
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.storage import imports as import_sql
from skilldesk.storage import people as people_sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

# (key, header msgid, kind): the columns of the bureau-style roster, 序号 first.
ROSTER_COLUMNS: list[tuple[str, str, str]] = [
    ("number", N_("No."), "integer"),
    ("name", N_("Name"), "text"),
    ("sex", N_("Sex"), "text"),
    ("id_type", N_("ID type"), "text"),
    ("id_number", N_("ID number"), "text"),
    ("birth_date", N_("Date of birth"), "date"),
    ("phone", N_("Mobile"), "text"),
    ("categories", N_("Categories"), "text"),
    ("hukou_address", N_("Registered residence (hukou)"), "text"),
    ("hukou_type", N_("Hukou type"), "text"),
    ("education", N_("Education"), "text"),
    ("employer", N_("Employer"), "text"),
    ("employer_uscc", N_("Employer's credit code"), "text"),
    ("unemployment_cert_no", N_("Employment/unemployment registration no."), "text"),
    ("school", N_("School graduated from"), "text"),
    ("graduation_date", N_("Graduation date"), "date"),
    ("bank_account", N_("Bank or social security card no."), "text"),
    ("notes", N_("Notes"), "text"),
    # blank when not recorded, so importing the file back leaves them not recorded
    ("pension", N_("Drawing a basic pension"), "text"),
    ("insured_months", N_("Months of unemployment insurance paid"), "integer"),
]
_PENSION = {None: None, 0: N_("No"), 1: N_("Yes")}


def _display(rows: Iterator[dict], progress: Progress) -> Iterator[dict]:
    for number, row in enumerate(rows, start=1):
        if number % 1000 == 0:
            progress.update(number, 0)
        pension = _PENSION[row["pension"]]
        yield {**row, "number": number, "pension": pension and _(pension),
               "sex": _(SEXES.get(row["sex"], row["sex"])),
               "id_type": _(ID_TYPES.get(row["id_type"], row["id_type"])),
               "categories": join(_(PERSON_CATEGORIES.get(c, c))
                                      for c in (row["categories"] or "").split(",") if c)}


def export_roster(desk: Desk, path: str | Path, *, class_code: str | None = None,
                  query: str = "", progress: Progress | None = None) -> int:
    """Write the roster to *path* (.xlsx or .csv); returns the number of people."""
    progress = progress or NullProgress()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(N_("Export to a file ending in .xlsx or .csv, not “{name}”."),
                         name=path.name)
    class_id, title = None, _("Roster")
    if class_code:
        klass = import_sql.class_by_code(desk.db, class_code)
        if klass is None:
            raise NotFound(N_("There is no class with the code {code}."), code=class_code)
        class_id, title = klass["id"], _("Roster of {name} ({code})").format(
            name=klass["name"], code=class_code)
    columns = [tabular.Column(key, _(header), kind) for key, header, kind in ROSTER_COLUMNS]
    rows = _display(people_sql.iter_for_export(desk.db, class_id=class_id,
                                               fragment=normalize_query(query)), progress)
    progress.update(0, 0, _("Exporting"))
    with _file_in_use_reported(path):
        if suffix == ".xlsx":
            return tabular.write_xlsx(path, columns, rows, title=title, check=progress.check)
        return tabular.write_csv(path, columns, rows, check=progress.check)


@contextmanager
def _file_in_use_reported(path: Path) -> Iterator[None]:
    try:
        yield
    except PermissionError as exc:
        raise FileInUse(path=str(path), detail=str(exc)) from exc


class FileInUse(SkilldeskError):
    code = "E_FILE_IN_USE"
    default_msgid = N_("{path} could not be written: it is open in another program (Excel?) "
                       "or the folder is read-only. Close the file, or choose another name.")


def export_invalid_rows(preview, path: str | Path, *,
                        progress: Progress | None = None) -> int:
    """The import's rows with errors, as in the file plus an error column, so the
    clerk can correct them in Excel and import the corrected file again. *progress*:
    reported per thousand rows; a cancel leaves no file (and an existing one as it was)."""
    progress = progress or NullProgress()
    invalid = sum(1 for row in preview.rows if not row.valid)
    progress.update(0, invalid, _("Writing {count} rows with errors…").format(count=invalid))
    headers = [h or f"({n + 1})" for n, h in enumerate(preview.headers)]
    width = max([len(headers)] + [len(r.cells) for r in preview.rows])
    headers += [f"({n + 1})" for n in range(len(headers), width)]
    columns = [tabular.Column(f"c{n}", header, "text") for n, header in enumerate(headers)]
    columns.append(tabular.Column("errors", _("Errors"), "text"))

    def rows() -> Iterator[dict]:
        done = 0
        for row in preview.rows:
            if row.valid:
                continue
            done += 1
            if done % 1000 == 0:
                progress.update(done, invalid)
            record = {f"c{n}": cell_text(cell) for n, cell in enumerate(row.cells)}
            record["errors"] = _("Row {row}: ").format(row=row.row) + "；".join(
                f"{i.column}：{i.message()}" if i.column else i.message()
                for i in row.issues if i.severity == "error")
            yield record

    path = Path(path)
    with _file_in_use_reported(path):
        if path.suffix.lower() == ".csv":
            return tabular.write_csv(path, columns, rows(), check=progress.check)
        return tabular.write_xlsx(path, columns, rows(), sheet_name=preview.sheet[:31] or "Sheet1",
                                  check=progress.check)

