"""The people table model: pages fetched lazily on the worker thread.

Holds only what has been fetched (200 rows a page, keyset-paged newest
first), so opening a million-person database costs one page. Each query has a
generation number; results of an older query are dropped, and queued work for
an older query is skipped before it touches the database (latest wins, as in
Orange's ConcurrentMixin), so typing never waits behind stale searches.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal

from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.models import SEXES
from skilldesk.core.models import PeoplePage
from skilldesk.core.models import PersonRow
from skilldesk.core.report_data import mask_phone
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.errors import show_error
from skilldesk.ui.list_model import KeysetRowModel
from skilldesk.ui.tasks import TaskRunner

COLUMNS: list[tuple[str, str]] = [
    ("name", N_("Name")),
    ("sex", N_("Sex")),
    ("birth_date", N_("Date of birth")),
    ("id_number", N_("ID number")),
    ("phone", N_("Mobile")),
    ("categories", N_("Categories")),
]



class _Stale(Exception):
    """A queued query was overtaken by a newer one before it ran."""


class PeopleModel(KeysetRowModel):
    sig_page_loaded = Signal()     # the first page of the current query is shown
    sig_count_ready = Signal(int)  # total matches of the current query

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(COLUMNS, runner, parent)
        self._rows: list[PersonRow] = []
        self._query = ""
        self.total: int | None = None
        # a database with accounts shows personal numbers masked (the form reveals them)
        self.masked = False

    # -- queries -------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        """Start showing people matching *text*; results arrive asynchronously."""
        self._generation += 1
        generation = self._generation
        self._query = text
        self._fetching = True
        self.total = None
        self._runner.run(partial(self._search_op, generation, text, None),
                         on_done=partial(self._on_first_page, generation),
                         on_error=partial(self._on_error, generation))
        self._runner.run(partial(self._count_op, generation, text),
                         on_done=partial(self._on_count, generation),
                         on_error=partial(self._on_error, generation))

    def refresh(self) -> None:
        self.set_query(self._query)

    def _check_current(self, generation: int) -> None:
        # Runs on the worker: reading an int another thread writes is safe in CPython.
        if generation != self._generation:
            raise _Stale()

    def _search_op(self, generation: int, text: str, before: int | None, desk) -> PeoplePage:
        self._check_current(generation)
        return desk.people.search(text, before=before)

    def _count_op(self, generation: int, text: str, desk) -> int:
        self._check_current(generation)
        return desk.people.count(text)

    def _on_count(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = total
            self.sig_count_ready.emit(total)

    def _on_error(self, generation: int, exc: BaseException) -> None:
        if isinstance(exc, _Stale) or generation != self._generation:
            return
        self._fetching = False
        show_error(None, exc)

    # -- lazy fetching ----------------------------------------------------------------

    def _next_page_op(self, generation: int):
        return partial(self._search_op, generation, self._query, self._cursor)

    # -- Qt model interface -------------------------------------------------------------

    def cell(self, row: PersonRow, key: str, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if key == "sex":
                return _(SEXES.get(row.sex, row.sex))
            if key == "categories":
                return join(_(PERSON_CATEGORIES.get(c, c)) for c in row.categories)
            if self.masked and key == "id_number" and row.id_number:
                return mask_id_number(row.id_number)
            if self.masked and key == "phone" and row.phone:
                return mask_phone(row.phone)
            return getattr(row, key)
        return None

