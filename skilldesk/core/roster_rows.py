"""Checking one roster row: pure functions, no database (the import's hot loop).

Each mapped cell is normalised and validated; every problem becomes a
``RowIssue`` carrying the spreadsheet's own row number and the column header
as written in the file, so the clerk can find the cell in Excel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from skilldesk.core.people import INSURED_MONTHS_RANGE_MSGID
from skilldesk.core.people import MAX_INSURED_MONTHS
from skilldesk.core.people import check_name
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules import identifiers
from skilldesk.rules import retirement
from skilldesk.rules import values
from skilldesk.rules.identifiers import IdentifierProblem
from skilldesk.rules.normalize import compact

MIN_AGE = 16
MAX_TEXT = 200
TEXT_FIELDS = ("hukou_address", "employer", "unemployment_cert_no", "school", "notes")
# 是否领取养老金 answers (after half-width, no spaces, case-folded) -> stored 1 / 0
PENSION_ANSWERS: dict[str, int] = {
    **dict.fromkeys(("是", "y", "yes", "√", "✓", "✔", "已领取", "已领", "领取", "1", "true"), 1),
    **dict.fromkeys(("否", "n", "no", "×", "x", "✗", "✘", "未领取", "未领", "不是", "0",
                     "false"), 0),
}
_MONTHS_SUFFIXES = ("个月", "月")


@dataclass(frozen=True)
class RowIssue:
    row: int        # the spreadsheet's row number (0: the file as a whole)
    column: str     # the header as written in the file ('' for the row or file)
    field: str
    code: str
    msgid: str
    params: dict = field(default_factory=dict)
    severity: str = "error"

    def message(self) -> str:
        return _(self.msgid).format(**self.params)

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code,
                "message": self.message()}


@dataclass(slots=True)
class RosterRow:
    row: int
    cells: list
    values: dict = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    issues: list[RowIssue] = field(default_factory=list)
    status: str = "new"            # new | updated | unchanged | invalid
    person_id: str | None = None
    changed: dict = field(default_factory=dict)   # field -> (stored, from the file)
    added_categories: tuple[str, ...] = ()
    enrol: bool = False
    stored: dict | None = None     # the stored person this row matches, if any

    @property
    def valid(self) -> bool:
        return not self.issues or not any(i.severity == "error" for i in self.issues)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: object) -> str:
    """A cell as the text a clerk would read in it."""
    if cell.__class__ is str:  # most cells (fast path)
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))  # a short number typed into a number cell: 15 digits are exact
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.isoformat()[:10]
    return str(cell).strip()


class RowChecker:
    """Validates rows against one header mapping and one reference date."""

    def __init__(self, mapping: dict[int, str], headers: list[str], *, reference: dt.date,
                 today: dt.date) -> None:
        self.columns = sorted(mapping.items())
        self.headers = headers
        self.reference = reference  # class start, or today without a class
        self.today = today
        # Category, sex, ID type, hukou type, education and employer cells repeat
        # down a roster: check each distinct value once (50,000 rows, a few dozen values).
        self._memo: dict[tuple[object, object], object] = {}
        self._ages: dict[tuple[dt.date, str], tuple[int, bool]] = {}

    def _once(self, fieldname: object, checker, cell: object):
        key = (fieldname, cell)
        try:
            return self._memo[key]
        except KeyError:
            result = self._memo[key] = checker(cell)
            return result
        except TypeError:  # an unhashable cell value: just check it
            return checker(cell)

    def _issue(self, row: RosterRow, column: int | None, fieldname: str, code: str, msgid: str,
               severity: str = "error", **params: object) -> None:
        header = self.headers[column] if column is not None and column < len(self.headers) else ""
        row.issues.append(RowIssue(row.row, header, fieldname, code, msgid, params, severity))

    def _problem(self, row: RosterRow, column: int | None, fieldname: str,
                 problem: IdentifierProblem) -> None:
        self._issue(row, column, fieldname, problem.code, problem.msgid, problem.severity,
                    **problem.params)

    def check(self, number: int, cells: list) -> RosterRow | None:
        """The checked row, or None for a row with nothing in its mapped cells."""
        row = RosterRow(number, cells)
        present: dict[str, tuple[int, object]] = {}
        serial: object = None
        width = len(cells)
        for column, fieldname in self.columns:
            cell = cells[column] if column < width else None
            if cell is None or (cell.__class__ is str and not cell.strip()):  # _blank, inlined
                continue
            if fieldname == "seq_no":
                serial = cell
            else:
                present[fieldname] = (column, cell)
        if "name" not in present and "id_number" not in present:
            content = [c for c in cells if not _blank(c) and c is not serial]
            if serial is not None and not isinstance(serial, (int, float)) and \
                    not str(serial).strip().isdigit():
                content.insert(0, serial)  # "备注：…" typed into the 序号 column
            if not content:
                return None  # an empty row, perhaps numbered in advance: nothing to import
            text = cell_text(content[0])
            self._issue(row, None, "", "ROW_NOT_DATA", N_(
                "This row has no name and no ID number, so it was not imported: "
                "“{text}”. If it is a person, fill in both."), "warning", text=text[:40])
            row.status = "ignored"
            return row
        self._check_identity(row, present)
        self._check_other(row, present)
        if not row.valid:
            row.status = "invalid"
        return row

    def _check_identity(self, row: RosterRow, present: dict) -> None:
        column, cell = present.get("name", (None, ""))
        name, problem = check_name(cell_text(cell) if cell else "")
        if problem is not None:
            self._issue(row, column, "name", problem.code, problem.msgid, **problem.params)
        row.values["name"] = name

        column, cell = present.get("id_number", (None, None))
        if cell is None:
            self._issue(row, None, "id_number", "ID_EMPTY",
                        identifiers.PROBLEM_MESSAGES["ID_EMPTY"])
            return
        checked = identifiers.check_id_number(_raw_id_text(cell), today=self.today)
        if isinstance(checked, IdentifierProblem):
            self._problem(row, column, "id_number", checked)
            return
        for warning in checked.warnings:
            self._problem(row, column, "id_number", warning)
        row.values.update(id_number=checked.value, id_type=str(checked.kind), sex=checked.sex,
                          birth_date=checked.birth_date.isoformat())
        self._check_declared(row, present, checked)
        self._check_age(row, column, checked)

    def _check_declared(self, row: RosterRow, present: dict, checked: identifiers.IdNumber) -> None:
        """Sex, date of birth and ID type typed in the file must agree with the number."""
        if "sex" in present:
            column, cell = present["sex"]
            sex = self._once("sex", values.check_sex, cell)
            if isinstance(sex, IdentifierProblem):
                self._problem(row, column, "sex", sex)
            elif sex != checked.sex:
                # one whole sentence per case, translated when shown (not when checked)
                self._issue(row, column, "sex", "SEX_MISMATCH", N_(
                    "The sex is given as male, but the ID number belongs to a woman. "
                    "Check the sex and the ID number against the ID card.") if sex == "M" else N_(
                    "The sex is given as female, but the ID number belongs to a man. "
                    "Check the sex and the ID number against the ID card."))
        if "birth_date" in present:
            column, cell = present["birth_date"]
            if cell_text(cell) == checked.birth_date.isoformat():
                born = checked.birth_date  # the usual case, without parsing
            else:
                born = values.check_date(cell)
            if isinstance(born, IdentifierProblem):
                self._problem(row, column, "birth_date", born)
            elif born != checked.birth_date:
                self._issue(row, column, "birth_date", "BIRTH_MISMATCH", N_(
                    "The date of birth is given as {declared}, but the ID number says {actual}. "
                    "Check both against the ID card."),
                    declared=born.isoformat(), actual=checked.birth_date.isoformat())
        if "id_type" in present:
            column, cell = present["id_type"]
            kind = self._once(("id_type", checked.value[:2]),
                              lambda c: values.check_id_type(c, id_number=checked.value), cell)
            if isinstance(kind, IdentifierProblem):
                self._problem(row, column, "id_type", kind)

    def _check_age(self, row: RosterRow, column: int | None, checked: identifiers.IdNumber) -> None:
        key = (checked.birth_date, checked.sex)
        try:
            age, retired = self._ages[key]
        except KeyError:
            age = retirement.age_on(checked.birth_date, self.reference)
            retired = age >= MIN_AGE and retirement.is_past_retirement(
                checked.birth_date, checked.sex, self.reference)
            self._ages[key] = age, retired
        if age < MIN_AGE:
            self._issue(row, column, "id_number", "AGE_UNDER_16", N_(
                "The person is {age} on {day}; vocational training needs an age of at least 16."),
                age=age, day=self.reference.isoformat())
        elif retired:
            self._issue(row, column, "id_number", "AGE_PAST_RETIREMENT", N_(
                "The person is past the statutory retirement age on {day} (age {age}). "
                "Training subsidies normally exclude them; check before enrolling."),
                "warning", age=age, day=self.reference.isoformat())

    def _check_other(self, row: RosterRow, present: dict) -> None:
        if "phone" in present:
            column, cell = present["phone"]
            phone = identifiers.check_mobile(cell_text(cell))
            if isinstance(phone, IdentifierProblem):
                self._problem(row, column, "phone", phone)
            else:
                row.values["phone"] = phone
        if "employer_uscc" in present:
            column, cell = present["employer_uscc"]
            code = self._once("employer_uscc", lambda c: identifiers.check_uscc(cell_text(c)),
                              cell)
            if isinstance(code, IdentifierProblem):
                self._problem(row, column, "employer_uscc", code)
            else:
                row.values["employer_uscc"] = code
        if "categories" in present:
            column, cell = present["categories"]
            found = self._once("categories", values.check_categories, cell)
            if isinstance(found, IdentifierProblem):
                self._problem(row, column, "categories", found)
            else:
                row.categories = found
        for fieldname, parser in (("hukou_type", values.check_hukou_type),
                                  ("graduation_date", values.check_date)):
            if fieldname in present:
                column, cell = present[fieldname]
                parsed = self._once(fieldname, parser, cell)
                if isinstance(parsed, IdentifierProblem):
                    self._problem(row, column, fieldname, parsed)
                else:
                    row.values[fieldname] = (parsed.isoformat()
                                             if isinstance(parsed, dt.date) else parsed)
        if "education" in present:
            row.values["education"] = self._once("education", values.parse_education,
                                                 present["education"][1])
        if "pension" in present or "insured_months" in present:
            self._check_facts(row, present)
        if "bank_account" in present:
            column, cell = present["bank_account"]
            account = "".join(cell_text(cell).split())
            if not (account.isdigit() and 10 <= len(account) <= 30):
                self._issue(row, column, "bank_account", "BANK_ACCOUNT_FORMAT", N_(
                    "The bank or social security card number {value} should be 10 to 30 digits. "
                    "If Excel shows it as 6.2E+18, format the column as Text and type it again."),
                    value=account)
            else:
                row.values["bank_account"] = account
        for fieldname in TEXT_FIELDS:
            if fieldname in present:
                column, cell = present[fieldname]
                text = " ".join(cell_text(cell).split())
                if len(text) > MAX_TEXT:
                    self._issue(row, column, fieldname, "TEXT_TOO_LONG", N_(
                        "This cell has {length} characters; at most {max} fit."),
                        length=len(text), max=MAX_TEXT)
                else:
                    row.values[fieldname] = text

    def _check_facts(self, row: RosterRow, present: dict) -> None:
        """Pension and insurance months: a blank cell was skipped (not recorded)."""
        for fieldname, parser in (("pension", parse_pension),
                                  ("insured_months", parse_insured_months)):
            if fieldname in present:
                column, cell = present[fieldname]
                parsed = self._once(fieldname, parser, cell)
                if isinstance(parsed, IdentifierProblem):
                    self._problem(row, column, fieldname, parsed)
                else:
                    row.values[fieldname] = parsed


def parse_pension(cell: object) -> int | IdentifierProblem:
    """是/否 and the like → 1 / 0 (a blank cell never gets here)."""
    text = cell_text(cell)
    answer = PENSION_ANSWERS.get(compact(text).casefold())
    if answer is not None:
        return answer
    return IdentifierProblem("PENSION_VALUE", N_(
        "“{value}” does not say whether the person draws a basic pension. Write 是 or 否 "
        "(Y/N and √/× work too), or leave the cell empty if it is not known."),
        {"value": text[:40]})


def parse_insured_months(cell: object) -> int | IdentifierProblem:
    """A whole number of months: 24, 24.0 from a number cell, "24个月"."""
    text = cell_text(cell)
    digits = compact(text)
    for suffix in _MONTHS_SUFFIXES:
        if digits.endswith(suffix):
            digits = digits[:-len(suffix)]
            break
    if not (digits.isascii() and digits.isdigit()):
        return IdentifierProblem("INSURED_MONTHS_FORMAT", N_(
            "“{value}” is not a number of months. Write the months of unemployment insurance "
            "paid as a whole number, such as 24 or 24个月, or leave the cell empty if it is "
            "not known."), {"value": text[:40]})
    months = int(digits)
    if months > MAX_INSURED_MONTHS:
        return IdentifierProblem("INSURED_MONTHS_RANGE", INSURED_MONTHS_RANGE_MSGID,
                                 {"max": MAX_INSURED_MONTHS, "value": months})
    return months


def _raw_id_text(cell: object) -> str:
    """ID cells as text, keeping the damage of number cells visible."""
    if isinstance(cell, float):
        return repr(cell) if not cell.is_integer() or abs(cell) >= 1e15 else str(int(cell))
    return str(cell)
