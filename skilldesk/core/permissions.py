"""What each role may change and see (issue 9). Pure: the facade asks, the faces only
hide what the facade would refuse anyway.

Every change through the facade writes an op-log entry naming its entity and action,
so ``Desk.log`` checks each change here, inside its transaction: a refused change
leaves nothing behind, whatever face asked for it.
"""

from __future__ import annotations

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_

ROLES: dict[str, str] = {
    "admin": N_("Administrator"),   # 管理员
    "clerk": N_("Clerk"),           # 经办人
    "finance": N_("Finance"),       # 财务
    "readonly": N_("Read-only"),    # 只读
}

#: The training records a clerk keeps (and attachments on them).
_RECORDS = frozenset({
    "person", "person_category", "enrolment", "class", "session", "attendance", "inspection",
    "certificate", "employment_followup", "followup", "import_batch", "subsidy_history",
    "catalogue", "sync_device", "sync_peer", "sync_bundle", "sync_receipt", "sync_lost",
    "training_class", "class_teacher", "attachment", "attachment_link",
})
_CLAIM_DRAFTING = frozenset({"create", "remove_line", "new_version"})
_ADMIN_ONLY_ACTIONS = frozenset({("catalogue", "activate"), ("sync_peer", "unpair")})

#: Which full personal numbers a role may reveal (each reveal is logged).
REVEAL: dict[str, frozenset[str]] = {
    "admin": frozenset({"id_number", "phone", "bank_account"}),
    "clerk": frozenset({"id_number", "phone"}),
    "finance": frozenset({"id_number", "bank_account"}),
    "readonly": frozenset(),
}


class PermissionDenied(SkilldeskError):
    code = "E_PERMISSION"
    default_msgid = N_("Your role ({role}) may not do this ({what}). Ask an administrator.")


def may_change(role: str | None, entity: str, action: str) -> bool:
    """*role* None: a database without accounts (tests, before set-up): no limits."""
    if role is None or role == "admin" or (entity, action) == ("account", "change_password"):
        return True
    if role == "readonly":
        return False
    if (entity, action) in _ADMIN_ONLY_ACTIONS or entity in ("institution", "user", "backup"):
        return False
    if entity == "claim":
        return role == "finance" or action in _CLAIM_DRAFTING
    if role == "clerk":
        return entity in _RECORDS or entity.startswith("sync_")
    # finance: claims (above) and the subsidy history a bureau decision brings
    return entity in ("subsidy_history",)


def may_reveal(role: str | None, field: str) -> bool:
    return role is None or field in REVEAL.get(role, frozenset())


def require_change(role: str | None, entity: str, action: str) -> None:
    if not may_change(role, entity, action):
        raise PermissionDenied(role=_RoleLabel(role), what=f"{action} {entity}")


def require_writer(role: str | None) -> None:
    if role == "readonly":
        raise PermissionDenied(role=_RoleLabel(role), what="write")


class _RoleLabel(str):
    """A role shown in the language of the moment the message is read."""

    def __format__(self, spec: str) -> str:
        from skilldesk.i18n import _
        return format(_(ROLES.get(str(self), str(self))), spec)
