"""People (学员): search for the list, read one, validate and save a form."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.models import PeoplePage
from skilldesk.core.models import Person
from skilldesk.core.models import PersonDraft
from skilldesk.core.models import PersonRow
from skilldesk.core.validation import check_optional
from skilldesk.core.validation import issue_from
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.rules import identifiers
from skilldesk.rules.normalize import to_halfwidth
from skilldesk.storage import people as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

PAGE_SIZE = 200
MAX_NAME_LENGTH = 40
# Names may hold CJK, Latin letters, the middle dot of minority and foreign
# names (·), spaces and hyphens; digits and other symbols are typing slips.
_NAME_FORBIDDEN = re.compile(r"[0-9!-,./:-@\[-`{-~，。；：！？、（）【】]")
_TEXT_FIELDS = ("hukou_address", "hukou_type", "education", "employer", "notes")
_QUERY_NOISE = re.compile(r"[\s\-]+")
# 50 years of contributions: more is a typing slip (the rules need >= 12 for an upgrade subsidy)
MAX_INSURED_MONTHS = 600
INSURED_MONTHS_RANGE_MSGID = N_(
    "The months of unemployment insurance paid must be between 0 and {max}; {value} is not. "
    "Check the social insurance record, or leave it empty if you do not know.")


def check_name(raw: str) -> tuple[str, FieldIssue | None]:
    """The name with spaces tidied, and the problem with it if any (pure)."""
    name = " ".join(to_halfwidth(raw).split())
    if not name:
        return name, FieldIssue("name", "NAME_EMPTY", N_("Enter the person's name."))
    if len(name) > MAX_NAME_LENGTH:
        return name, FieldIssue("name", "NAME_TOO_LONG",
                                N_("A name can have at most {max} characters."),
                                {"max": MAX_NAME_LENGTH})
    if _NAME_FORBIDDEN.search(name):
        return name, FieldIssue("name", "NAME_CHARS", N_(
            "A name cannot contain digits or punctuation other than · and -."))
    return name, None


def check_insured_months(raw: object) -> tuple[int | None, FieldIssue | None]:
    """Months of unemployment insurance as stored (None: not recorded) and the
    problem with it if any (pure). Takes an int, or digits as typed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdecimal():
        value = int(raw.strip())
    if value is None:
        return None, FieldIssue("insured_months", "INSURED_MONTHS_NOT_WHOLE", N_(
            "Enter the months of unemployment insurance paid as a whole number, such as 24, "
            "or leave it empty if you do not know."))
    if not 0 <= value <= MAX_INSURED_MONTHS:
        return None, FieldIssue("insured_months", "INSURED_MONTHS_RANGE",
                                INSURED_MONTHS_RANGE_MSGID,
                                {"max": MAX_INSURED_MONTHS, "value": value})
    return value, None


def normalize_query(text: str) -> str:
    """What the user typed → what the index holds (half-width, no spaces, upper X)."""
    return _QUERY_NOISE.sub("", to_halfwidth(text)).upper()


class PeopleService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # -- reading ----------------------------------------------------------------------

    def search(self, text: str = "", *, before: int | None = None,
               limit: int = PAGE_SIZE) -> PeoplePage:
        """One page of people matching *text* (name, or any fragment of the ID
        number or phone), newest first. Pass ``page.next_cursor`` as *before*
        for the next page."""
        rows = sql.search(self._desk.db, normalize_query(text), before=before, limit=limit)
        people = [
            PersonRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                      tuple(r[7].split(",")) if r[7] else ())
            for r in rows
        ]
        cursor = people[-1].seq if len(people) == limit else None
        return PeoplePage(people, cursor)

    def count(self, text: str = "") -> int:
        return sql.count(self._desk.db, normalize_query(text))

    def total(self) -> int:
        return sql.total(self._desk.db)

    def get(self, person_id: str) -> Person:
        row = sql.get(self._desk.db, person_id)
        if row is None:
            raise NotFound()
        return Person(
            id=row["id"], name=row["name"], id_type=row["id_type"], id_number=row["id_number"],
            sex=row["sex"], birth_date=row["birth_date"], phone=row["phone"],
            hukou_address=row["hukou_address"], hukou_type=row["hukou_type"],
            education=row["education"], employer=row["employer"],
            employer_uscc=row["employer_uscc"], notes=row["notes"],
            categories=tuple(row["categories"]), updated_at=row["updated_at"],
            pension=None if row["pension"] is None else bool(row["pension"]),
            insured_months=row["insured_months"],
        )

    # -- validating and saving ------------------------------------------------------------

    def validate(self, draft: PersonDraft, *, person_id: str | None = None
                 ) -> tuple[dict, list[FieldIssue]]:
        """Check a form. Returns the normalised record fields and all problems
        (errors block saving; warnings are shown but do not)."""
        issues: list[FieldIssue] = []
        fields: dict = {}
        name, problem = check_name(draft.name)
        if problem is not None:
            issues.append(problem)
        fields["name"] = name

        checked = identifiers.check_id_number(draft.id_number)
        if isinstance(checked, identifiers.IdentifierProblem):
            issues.append(issue_from("id_number", checked))
        else:
            issues.extend(issue_from("id_number", w) for w in checked.warnings)
            fields.update(id_number=checked.value, id_type=str(checked.kind),
                          sex=checked.sex, birth_date=checked.birth_date.isoformat())
            other = sql.id_by_id_number(self._desk.db, checked.value)
            if other is not None and other != person_id:
                issues.append(FieldIssue("id_number", "ID_DUPLICATE", N_(
                    "Another person already has this ID number; search for it "
                    "instead of adding the person twice.")))

        fields["phone"] = check_optional("phone", draft.phone, identifiers.check_mobile, issues)
        fields["employer_uscc"] = check_optional(
            "employer_uscc", draft.employer_uscc, identifiers.check_uscc, issues)

        for key in _TEXT_FIELDS:
            fields[key] = getattr(draft, key).strip()
        # stored as the database holds them (NULL / 0 / 1), so the op log matches imports
        if draft.pension is None or draft.pension in (0, 1):
            fields["pension"] = None if draft.pension is None else int(draft.pension)
        else:
            fields["pension"] = None
            issues.append(FieldIssue("pension", "PENSION_VALUE", N_(
                "Choose whether the person draws a basic pension: yes, no, or not recorded.")))
        months, problem = check_insured_months(draft.insured_months)
        if problem is not None:
            issues.append(problem)
        fields["insured_months"] = months
        unknown = [c for c in draft.categories if c not in PERSON_CATEGORIES]
        if unknown:
            issues.append(FieldIssue("categories", "CATEGORY_UNKNOWN",
                                     N_("Unknown category: {value}."),
                                     {"value": ", ".join(unknown)}))
        return fields, issues

    def save(self, draft: PersonDraft, *, person_id: str | None = None) -> Changes:
        """Create (``person_id=None``) or update a person. Raises ``ValidationError``."""
        fields, issues = self.validate(draft, person_id=person_id)
        if any(i.severity == "error" for i in issues):
            raise ValidationError(issues)
        categories = sorted(set(draft.categories))
        desk = self._desk
        with desk.write() as now:
            if person_id is None:
                person_id = clock.new_id()
                sql.insert(desk.db, {"id": person_id, **fields, "created_at": now,
                                     "updated_at": now, "device_id": desk.device_id})
                sql.replace_categories(desk.db, person_id, categories, now=now,
                                       device_id=desk.device_id, new_id=clock.new_id)
                desk.log(now, "create", "person", person_id, None,
                         {**fields, "categories": categories})
            else:
                current = sql.get(desk.db, person_id)
                if current is None:
                    raise NotFound()
                before = {k: current[k] for k in fields} | {"categories": current["categories"]}
                after = fields | {"categories": categories}
                changed = {k: v for k, v in after.items() if before[k] != v}
                if not changed:
                    return Changes()
                column_changes = {k: v for k, v in changed.items() if k != "categories"}
                sql.update(desk.db, person_id,
                           {**column_changes, "updated_at": now, "device_id": desk.device_id})
                sql.replace_categories(desk.db, person_id, categories, now=now,
                                       device_id=desk.device_id, new_id=clock.new_id)
                desk.log(now, "update", "person", person_id,
                         {k: before[k] for k in changed}, changed)
        return Changes(people=True, ids=(person_id,))


def draft_from(person: Person) -> PersonDraft:
    """The editable part of a stored person (for opening it in a form)."""
    data = asdict(person)
    return PersonDraft(**{k: data[k] for k in PersonDraft.__dataclass_fields__})
