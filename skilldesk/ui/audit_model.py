"""The audit trail's table model: entries fetched a page at a time on the worker.

As the people model: keyset pages (200 entries, newest first), one generation
number per filter so results of an older filter are dropped, and queued work for
it is skipped before it touches the database.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal

from skilldesk.core.audit import AuditEntry
from skilldesk.core.audit import AuditFilter
from skilldesk.core.audit import AuditPage
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.errors import show_error
from skilldesk.ui.list_model import KeysetRowModel
from skilldesk.ui.tasks import TaskRunner

COLUMNS: list[tuple[str, str]] = [
    ("seq", N_("No.")),
    ("time", N_("Time")),
    ("user_name", N_("User")),
    ("action", N_("Action")),
    ("entity", N_("Record type")),
    ("entity_id", N_("Record id")),
    ("changes", N_("Changes")),
]

ACTIONS = {
    "create": N_("Create"), "update": N_("Update"), "delete": N_("Delete"),
    "import": N_("Import"), "export": N_("Export"), "advance": N_("Change of state"),
    "schedule": N_("Schedule"), "attendance": N_("Attendance"), "attach": N_("Attach"),
    "detach": N_("Detach"), "sign": N_("Sign"), "submit": N_("Submit"),
    "decision": N_("Bureau decision"), "pay": N_("Payment"), "new_version": N_("New version"),
    "remove_line": N_("Remove a line"), "activate": N_("Activate"), "pair": N_("Pair"),
    "unpair": N_("Unpair"), "resolve": N_("Resolve a conflict"), "dismiss": N_("Dismiss"),
    "restore": N_("Restore"), "recover": N_("Recover with the recovery key"),
    "reset_password": N_("Reset password"), "change_password": N_("Change password"),
    "enable": N_("Enable"), "disable": N_("Disable"), "demo.generate": N_("Create the demo"),
}
ENTITIES = {
    "person": N_("Person"), "class": N_("Class"), "enrolment": N_("Enrolment"),
    "institution": N_("Institution"), "session": N_("Session"), "claim": N_("Claim"),
    "catalogue": N_("Catalogue"), "import_batch": N_("Import"), "sync_device": N_("Device"),
    "sync_peer": N_("Paired device"), "sync_bundle": N_("Sync bundle"),
    "sync_receipt": N_("Sync receipt"), "sync_lost": N_("Data kept aside"),
    "user": N_("Account"), "account": N_("Own account"), "backup": N_("Backup"),
    "inspection": N_("Inspection"), "certificate": N_("Certificate"),
    "followup": N_("Employment follow-up"), "subsidy_history": N_("Subsidy history"),
    "attachment": N_("Attachment"),
}


def action_label(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


def entity_label(entity: str) -> str:
    return _(ENTITIES[entity]) if entity in ENTITIES else entity


class _Stale(Exception):
    """A queued query was overtaken by a newer one before it ran."""


class AuditModel(KeysetRowModel):
    sig_page_loaded = Signal()  # the first page of the current filter is shown
    sig_failed = Signal(str)    # the filter was refused (e.g. dates the wrong way round)

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(COLUMNS, runner, parent)
        self._rows: list[AuditEntry] = []
        self._filter = AuditFilter()
        self.loaded = False

    @property
    def filter(self) -> AuditFilter:
        return self._filter

    def set_filter(self, f: AuditFilter) -> None:
        self._generation += 1
        generation = self._generation
        self._filter = f
        self._fetching = True
        self.loaded = False
        self._runner.run(partial(self._page_op, generation, f, None),
                         on_done=partial(self._on_first_page, generation),
                         on_error=partial(self._on_error, generation))

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def _page_op(self, generation: int, f: AuditFilter, before: int | None, desk) -> AuditPage:
        if generation != self._generation:
            raise _Stale()
        return desk.audit.entries(f, before=before)

    def _on_error(self, generation: int, exc: BaseException) -> None:
        if isinstance(exc, _Stale) or generation != self._generation:
            return
        self._fetching = False
        from skilldesk.errors import SkilldeskError
        if isinstance(exc, SkilldeskError):
            self.beginResetModel()
            self._rows, self._cursor = [], None
            self.endResetModel()
            self.sig_failed.emit(exc.user_message())
            return
        show_error(None, exc)

    def has_more(self) -> bool:
        return self._cursor is not None

    # -- lazy fetching ----------------------------------------------------------------

    def _first_page_shown(self) -> None:
        self.loaded = True

    def _next_page_op(self, generation: int):
        return partial(self._page_op, generation, self._filter, self._cursor)

    # -- cells --------------------------------------------------------------------------

    def cell(self, row: AuditEntry, key: str, role: int):
        if role == Qt.ItemDataRole.ToolTipRole and key == "changes":
            return "\n".join(filter(None, [
                _("Before: {json}").format(json=row.before_json) if row.before_json else "",
                _("After: {json}").format(json=row.after_json) if row.after_json else "",
                _("Hash: {hash}").format(hash=row.hash or "-")]))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.TextAlignmentRole and key == "seq":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if key == "seq":
            return str(row.seq)
        if key == "time":
            return row.local_time
        if key == "user_name":
            return row.user_name or "—"
        if key == "action":
            return action_label(row.action)
        if key == "entity":
            return entity_label(row.entity)
        if key == "changes":
            return row.changes()
        return getattr(row, key)
