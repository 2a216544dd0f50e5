"""Cancelling long core work half-way leaves nothing half-done (docs/progress-audit.md).

The GUI tests (tests/ui/test_long_work.py) press Cancel while the work starts; these
cancel in the middle: between the pages of a backup copy, inside SQLite's integrity
check, inside the undo's transaction and after a claim's subsidy decisions.
"""

from __future__ import annotations

import pytest

from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.core.progress import Progress
from skilldesk.errors import Cancelled
from skilldesk.storage import backup as store
from skilldesk.storage.driver import sqlite3
from tests.core.test_roster_import import TODAY
from tests.core.test_roster_import import _xlsx
from tests.core.test_roster_import import school  # noqa: F401 (a fixture)
from tests.core.test_roster_import import make_id


class Recording(Progress):
    """Remembers every update; cancels when *cancel_at* says so."""

    def __init__(self, cancel_at=None) -> None:
        super().__init__()
        self.updates: list[tuple[int, int]] = []
        self.checks = 0
        self._cancel_at = cancel_at or (lambda p: False)

    def update(self, done: int, total: int = 0, label: str | None = None) -> None:
        super().update(done, total, label)
        self.updates.append((done, total))

    def check(self) -> None:
        self.checks += 1
        if self._cancel_at(self):
            self.cancel()
        super().check()


STEMS = "甲乙丙丁戊己庚辛壬癸"


def _files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def file_desk(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "BACKUP_STEP_PAGES", 2)  # many steps on a small database
    desk = Desk.open(tmp_path / "school.skilldesk", create=True)
    for n in range(40):
        desk.people.save(PersonDraft(name="王" + STEMS[n // 10] + STEMS[n % 10],
                                     id_number=make_id("1990-01-01", n + 1),
                                     phone=f"139{n:08d}"))
    yield desk
    desk.close()


def test_a_backup_reports_its_pages_and_a_cancel_mid_copy_leaves_no_file(file_desk):
    folder = file_desk.backups.folder()
    made = Recording()
    info = file_desk.backups.create("manual", progress=made)
    steps = [u for u in made.updates if u[1] > 0]
    assert len(steps) > 3 and steps[-1][0] == steps[-1][1]  # page by page, to the end
    assert info.path.exists()
    before = _files(folder)

    # cancel once a third of the pages are copied
    cancel = Recording(cancel_at=lambda p: any(t and d * 3 >= t for d, t in p.updates))
    with pytest.raises(Cancelled):
        file_desk.backups.create("manual", progress=cancel)
    assert any(0 < d < t for d, t in cancel.updates)  # it really was half-way
    assert _files(folder) == before  # no new backup, no temporary file


class CancelInsideCheck(Progress):
    """The cancel arrives while SQLite is inside the check (its progress handler)."""

    @property
    def cancelled(self) -> bool:
        self.cancel()
        return True


def test_the_integrity_check_of_a_backup_is_interrupted_by_a_cancel(tmp_path):
    path = tmp_path / "big.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x TEXT)")
    conn.execute("CREATE INDEX t_x ON t(x)")
    conn.executemany("INSERT INTO t VALUES (?)", [(f"row {n}",) for n in range(20_000)])
    conn.commit()
    conn.close()
    assert store.integrity(path) == []
    assert store.integrity(path, progress=Progress()) == []
    with pytest.raises(Cancelled):
        store.integrity(path, progress=CancelInsideCheck())


def test_a_cancelled_undo_is_rolled_back_whole(school, tmp_path):  # noqa: F811
    preview = school.roster.preview(_xlsx(tmp_path), class_code="SZ2026-0099", today=TODAY)
    result = school.roster.commit(preview)
    people = school.people.total()
    enrolments = school.db.execute("SELECT count(*) FROM enrolment").fetchone()[0]
    ops = school.db.execute("SELECT count(*) FROM op_log").fetchone()[0]

    # the last check runs inside the transaction, after every row was changed
    late = Recording(cancel_at=lambda p: p.checks >= 2)
    with pytest.raises(Cancelled):
        school.roster.undo(result.batch_id, progress=late)
    assert school.people.total() == people
    assert school.db.execute("SELECT count(*) FROM enrolment").fetchone()[0] == enrolments
    assert school.db.execute("SELECT count(*) FROM op_log").fetchone()[0] == ops
    assert school.roster.batches()[0]["state"] == "committed"

    school.roster.undo(result.batch_id, progress=Recording())  # still possible afterwards
    assert school.roster.batches()[0]["state"] == "undone"


def test_a_claim_cancelled_after_its_subsidy_decisions_is_not_saved(tmp_path):
    desk = Desk.open(tmp_path / "demo.skilldesk", create=True)
    try:
        desk.build_demo(people=200, seed=2)
        classes = [r.id for r in desk.classes.list(state="assessed").rows]
        assert classes
        ops = desk.db.execute("SELECT count(*) FROM op_log").fetchone()[0]
        late = Recording(cancel_at=lambda p: p.checks >= 2)
        with pytest.raises(Cancelled):
            desk.claims.create(classes[:1], progress=late)
        assert late.checks == 2  # after the decisions, before the transaction
        assert desk.claims.list() == []
        assert desk.db.execute("SELECT count(*) FROM op_log").fetchone()[0] == ops
        desk.claims.create(classes[:1], progress=Recording())
        assert len(desk.claims.list()) == 1
    finally:
        desk.close()


def test_a_sync_import_cancelled_half_way_is_rolled_back_and_can_be_repeated():
    from tests.sync import devices as dv

    office, laptop = dv.office(people=60), dv.laptop("A")
    try:
        dv.pair(office, laptop)
        data = office.sync.export_bundle(laptop.device_id).data
        empty = dv.dump(laptop)
        seen: list[tuple[int, int]] = []
        token = Progress()

        def step(done: int, total: int) -> None:  # as the GUI's: check, then report
            seen.append((done, total))
            if done > 0:
                token.cancel()   # the user presses Cancel once rows are being applied
            token.check()

        with pytest.raises(Cancelled):
            laptop.sync.import_bundle(data, progress=step)
        assert any(0 < d < t for d, t in seen)  # cancelled in the middle of the rows
        assert dv.dump(laptop) == empty         # every applied row rolled back
        result = laptop.sync.import_bundle(data)  # the same bundle imports afterwards
        assert result.counts["applied"] > 0 and dv.dump(laptop) == dv.dump(office)
    finally:
        office.close()
        laptop.close()
