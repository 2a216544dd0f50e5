"""One row of a class's record file: reading its cells and finding its trainee.

Every problem is a ``RowIssue`` (the roster importer's) with the spreadsheet's own row
number and the column header as written in the file. The trainee of a row is found by ID
number; by name only when no ID number is given and exactly one trainee of the class has
that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from skilldesk.core.roster_rows import RowIssue
from skilldesk.core.roster_rows import _raw_id_text
from skilldesk.core.roster_rows import cell_text
from skilldesk.errors import FieldIssue
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.rules import identifiers
from skilldesk.rules.identifiers import IdentifierProblem


class Label(str):
    """A msgid used as a message parameter, translated when the message is shown."""

    def __format__(self, spec: str) -> str:
        return format(_(str(self)), spec)


@dataclass(slots=True)
class ImportRow:
    row: int
    cells: list
    present: dict = field(default_factory=dict)    # field -> (column, cell)
    issues: list[RowIssue] = field(default_factory=list)
    status: str = "new"    # new | updated | unchanged | invalid | ignored | merged
    trainee: dict | None = None   # the class roster entry (enrolment_id, name, id_number…)
    values: dict = field(default_factory=dict)     # what the row will write (per kind)

    @property
    def valid(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


class RowContext:
    """Headers and mapping of one file; turns problems into row issues."""

    def __init__(self, headers: list[str], mapping: dict[int, str]) -> None:
        self.headers = headers
        self.mapping = mapping
        self.columns = sorted(mapping.items())
        self.column_of = {f: c for c, f in mapping.items()}

    def header(self, fieldname: str) -> str:
        column = self.column_of.get(fieldname)
        return self.headers[column] if column is not None and column < len(self.headers) else ""

    def issue(self, row: ImportRow, fieldname: str, code: str, msgid: str,
              severity: str = "error", /, **params: object) -> None:
        row.issues.append(RowIssue(row.row, self.header(fieldname), fieldname, code, msgid,
                                   params, severity))

    def problem(self, row: ImportRow, fieldname: str, problem: IdentifierProblem | FieldIssue
                ) -> None:
        self.issue(row, fieldname, problem.code, problem.msgid, problem.severity,
                   **problem.params)

    def read(self, number: int, cells: list) -> ImportRow | None:
        """The row with its non-blank mapped cells, or None for a row with nothing in it."""
        row = ImportRow(number, cells)
        width = len(cells)
        for column, fieldname in self.columns:
            cell = cells[column] if column < width else None
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            row.present[fieldname] = (column, cell)
        serial = row.present.pop("seq_no", (None, None))[1]
        if "name" in row.present or "id_number" in row.present:
            return row
        content = [c for c in cells if c is not None and c is not serial and cell_text(c)]
        if serial is not None and not cell_text(serial).isdigit():
            content.insert(0, serial)   # "备注：…" typed into the 序号 column
        if not content:
            return None
        self.issue(row, "", "ROW_NOT_DATA", N_(
            "This row has no name and no ID number, so it was not imported: “{text}”. "
            "If it is a trainee's record, fill in the name or the ID number."), "warning",
            text=cell_text(content[0])[:40])
        row.status = "ignored"
        return row

    def text(self, row: ImportRow, fieldname: str) -> str:
        cell = row.present.get(fieldname, (None, None))[1]
        return "" if cell is None else " ".join(cell_text(cell).split())


def _name_key(name: str) -> str:
    return "".join(name.split()).casefold()


class Trainees:
    """The class's roster, to find the trainee of each row."""

    def __init__(self, roster: list[dict], class_code: str) -> None:
        self.class_code = class_code
        self.by_id = {t["id_number"]: t for t in roster}
        self.by_name: dict[str, list[dict]] = {}
        for trainee in roster:
            self.by_name.setdefault(_name_key(trainee["name"]), []).append(trainee)

    def match(self, context: RowContext, row: ImportRow) -> dict | None:
        """The row's trainee, or None with an error on the row."""
        name = context.text(row, "name")
        trainee = None
        if "id_number" in row.present:
            raw = _raw_id_text(row.present["id_number"][1])
            trainee = self.by_id.get(identifiers.normalize_id_number(raw))
            if trainee is None:
                checked = identifiers.check_id_number(raw)
                if isinstance(checked, IdentifierProblem) and checked.severity == "error":
                    context.problem(row, "id_number", checked)
                    return None
                number = checked.value if not isinstance(checked, IdentifierProblem) else raw
                trainee = self.by_id.get(number)
            if trainee is None:
                context.issue(row, "id_number", "UNKNOWN_ID", N_(
                    "No trainee of class {class_code} has the ID number {number}. Check the number "
                    "against the roster, or enrol the person first."),
                    class_code=self.class_code, number=identifiers.normalize_id_number(raw))
                return None
            if name and _name_key(name) != _name_key(trainee["name"]):
                context.issue(row, "name", "NAME_DIFFERS", N_(
                    "The file says {name}, but this ID number belongs to {stored} in this class. "
                    "The ID number was used: check that the row is this trainee's."), "warning",
                    name=name, stored=trainee["name"])
        else:
            same = self.by_name.get(_name_key(name), [])
            if not same:
                context.issue(row, "name", "UNKNOWN_NAME", N_(
                    "No trainee of class {class_code} is called {name}. Check the spelling, or add "
                    "the ID number to the row."), class_code=self.class_code, name=name)
                return None
            if len(same) > 1:
                context.issue(row, "name", "NAME_AMBIGUOUS", N_(
                    "{count} trainees of class {class_code} are called {name}, so the row "
                    "cannot be matched by name. Add the ID number to the row."),
                    count=len(same), class_code=self.class_code, name=name)
                return None
            trainee = same[0]
        if trainee["status"] != "enrolled":
            context.issue(row, "name" if "id_number" not in row.present else "id_number",
                          "TRAINEE_WITHDRAWN", N_(
                              "{name} withdrew from the class on {day}; nothing is recorded "
                              "for a trainee who withdrew."),
                          name=trainee["name"], day=trainee["withdrawn_on"] or "")
            return None
        row.trainee = trainee
        return trainee


def mark_duplicates(context: RowContext, rows: list[ImportRow], key, fieldname: str,
                    code: str, msgid: str) -> None:
    """An error on every row whose *key* (None: no key) another row shares."""
    groups: dict[object, list[ImportRow]] = {}
    for row in rows:
        value = key(row)
        if value is not None:
            groups.setdefault(value, []).append(row)
    for same in groups.values():
        if len(same) < 2:
            continue
        for row in same:
            others = join(r.row for r in same if r is not row)
            context.issue(row, fieldname, code, msgid, others=others)
