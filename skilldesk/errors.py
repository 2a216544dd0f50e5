"""Typed errors shared by every layer (core, storage, rules) and rendered by the faces.

Each error carries an English msgid (translated when shown, so a language
switch applies to errors already raised), named parameters, a stable ``code``
for machines (``--json``, tests), and optional technical ``detail`` that the
GUI shows behind a toggle.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from skilldesk.i18n import N_
from skilldesk.i18n import _


class SkilldeskError(Exception):
    """Base of every error the core raises on purpose."""

    code = "E_SKILLDESK"
    default_msgid = N_("Something went wrong.")

    def __init__(self, msgid: str | None = None, *, detail: str | None = None, **params: object):
        self.msgid = msgid or self.default_msgid
        self.params = params
        self.detail = detail
        super().__init__(self.msgid)

    def user_message(self) -> str:
        """The message in the current language, with its parameters filled in."""
        return _(self.msgid).format(**self.params)

    def __str__(self) -> str:  # log- and test-friendly, always English
        try:
            return self.msgid.format(**self.params)
        except (KeyError, IndexError):
            return self.msgid


class UsageError(SkilldeskError):
    code = "E_USAGE"


class NotFound(SkilldeskError):
    code = "E_NOT_FOUND"
    default_msgid = N_("The record was not found; it may have been deleted.")


class Conflict(SkilldeskError):
    code = "E_CONFLICT"


class StorageError(SkilldeskError):
    code = "E_STORAGE"
    default_msgid = N_("The database could not be read or written.")


class SchemaTooNew(StorageError):
    code = "E_SCHEMA_TOO_NEW"
    default_msgid = N_(
        "This database was written by a newer version of SkillDesk "
        "(unknown changes: {names}). Install the newer version to open it; "
        "nothing was changed."
    )


class DatabaseCorrupt(StorageError):
    code = "E_DB_CORRUPT"
    default_msgid = N_(
        "The database file {path} is damaged (integrity check failed). "
        "Restore it from a backup; nothing was changed."
    )


class NotADatabase(StorageError):
    code = "E_NOT_A_DATABASE"
    default_msgid = N_("The file {path} is not a SkillDesk database.")


class DatabaseEncrypted(StorageError):
    code = "E_DB_ENCRYPTED"
    default_msgid = N_("The database {path} is encrypted. Log in with your account to open it.")


class WrongDatabaseKey(StorageError):
    code = "E_DB_KEY"
    default_msgid = N_("The database {path} could not be opened with this key: it belongs to "
                       "another database, or the file is damaged. Nothing was changed.")


class Cancelled(SkilldeskError):
    """The user cancelled a long operation. Never shown as an error."""

    code = "E_CANCELLED"
    default_msgid = N_("Cancelled.")


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field of a form or a row."""

    field: str
    code: str
    msgid: str
    params: dict[str, object] = field(default_factory=dict)
    severity: str = "error"  # "error" blocks saving; "warning" does not

    def message(self) -> str:
        return _(self.msgid).format(**self.params)


class ValidationError(SkilldeskError):
    code = "E_VALIDATION"
    default_msgid = N_("Some entries are not valid.")

    def __init__(self, issues: list[FieldIssue], msgid: str | None = None, **params: object):
        super().__init__(msgid, **params)
        self.issues = issues

    def __str__(self) -> str:
        return "; ".join(f"{i.field}: {i.code}" for i in self.issues) or super().__str__()
