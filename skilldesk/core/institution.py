"""The institution: created once at set-up, edited in settings."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from skilldesk.core import clock
from skilldesk.core.changes import Changes
from skilldesk.core.models import INSTITUTION_KINDS
from skilldesk.core.models import Institution
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.validation import check_optional
from skilldesk.core.validation import issue_from
from skilldesk.errors import Conflict
from skilldesk.errors import FieldIssue
from skilldesk.errors import NotFound
from skilldesk.errors import ValidationError
from skilldesk.i18n import N_
from skilldesk.rules import identifiers
from skilldesk.storage import institution as sql

if TYPE_CHECKING:
    from skilldesk.core.desk import Desk

_FIELDS = ("name", "uscc", "kind", "district", "address", "contact_name", "contact_phone")


def validate(draft: InstitutionDraft) -> tuple[InstitutionDraft, list[FieldIssue]]:
    """Return the normalised draft and every problem found (empty = valid)."""
    issues: list[FieldIssue] = []
    name = draft.name.strip()
    if not name:
        issues.append(FieldIssue("name", "NAME_EMPTY", N_("Enter the institution's name.")))
    uscc = identifiers.check_uscc(draft.uscc)  # required: empty is a problem too
    if isinstance(uscc, identifiers.IdentifierProblem):
        issues.append(issue_from("uscc", uscc))
        uscc = draft.uscc.strip()
    if draft.kind not in INSTITUTION_KINDS:
        issues.append(FieldIssue("kind", "KIND_UNKNOWN", N_("Choose the type of institution.")))
    phone = check_optional("contact_phone", draft.contact_phone, identifiers.check_mobile, issues)
    normalised = InstitutionDraft(
        name=name, uscc=uscc, kind=draft.kind, district=draft.district.strip(),
        address=draft.address.strip(), contact_name=draft.contact_name.strip(),
        contact_phone=phone,
    )
    return normalised, issues


class InstitutionService:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def get(self) -> Institution | None:
        row = sql.get(self._desk.db)
        if row is None:
            return None
        return Institution(
            id=row["id"], name=row["name"], uscc=row["uscc"], kind=row["kind"],
            district=row["district"], address=row["address"],
            contact_name=row["contact_name"], contact_phone=row["contact_phone"],
            is_demo=bool(row["is_demo"]),
            bank_name=row.get("bank_name") or "", bank_account=row.get("bank_account") or "",
        )

    def create(self, draft: InstitutionDraft) -> Changes:
        """Create the institution; raises ``ValidationError`` or ``Conflict``."""
        clean, issues = validate(draft)
        if any(i.severity == "error" for i in issues):
            raise ValidationError(issues)
        desk = self._desk
        if sql.get(desk.db) is not None:
            raise Conflict(N_("This database already belongs to an institution."))
        institution_id = clock.new_id()
        with desk.write() as now:
            record = {"id": institution_id, **asdict(clean), "is_demo": 0,
                      "created_at": now, "updated_at": now, "device_id": desk.device_id}
            sql.insert(desk.db, record)
            desk.log(now, "create", "institution", institution_id, None, asdict(clean))
        return Changes(institution=True, ids=(institution_id,))

    def update(self, draft: InstitutionDraft) -> Changes:
        clean, issues = validate(draft)
        if any(i.severity == "error" for i in issues):
            raise ValidationError(issues)
        desk = self._desk
        current = sql.get(desk.db)
        if current is None:
            raise NotFound()
        before = {k: current[k] for k in _FIELDS}
        after = asdict(clean)
        changed = {k: v for k, v in after.items() if before[k] != v}
        if not changed:
            return Changes()
        with desk.write() as now:
            sql.update(desk.db, current["id"],
                       {**changed, "updated_at": now, "device_id": desk.device_id})
            desk.log(now, "update", "institution", current["id"],
                     {k: before[k] for k in changed}, changed)
        return Changes(institution=True, ids=(current["id"],))
