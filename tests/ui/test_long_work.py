"""Long work in the GUI never freezes it (docs/progress-audit.md).

For every long action a real window over a real database drives the real GUI action
and checks that
  (a) the heavy core call ran on the worker thread, never on the GUI thread;
  (b) a ProgressDialog with a Cancel button was shown for it;
  (c) for the cancellable ones: pressing Cancel while the core call is under way
      leaves the data and files as they were, and the window stays usable.

The core call is wrapped (``Spy``) to record its thread; for (c) it also waits at a
gate until the test has pressed Cancel on the dialog, so the cancel arrives while the
work is running, exactly as when a user presses it.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Callable

import pytest
from PySide6.QtWidgets import QPushButton

from skilldesk.core.audit import AuditService
from skilldesk.core.backups import BackupService
from skilldesk.core.catalogue import CatalogueService
from skilldesk.core.claims import ClaimService
from skilldesk.core.reports import ReportService
from skilldesk.core.roster_import import RosterImportService
from skilldesk.ui import import_dialog as import_dialog_module
from skilldesk.ui import people_page as people_page_module
from skilldesk.ui import widgets
from skilldesk.ui.tasks import TaskRunner
from tests.core.test_roster_import import roster_rows
from tests.imports.files import write_xlsx
from tests.ui.test_sync_page import errors  # noqa: F401 (fixtures of the sync cases)
from tests.ui.test_sync_page import laptop  # noqa: F401
from tests.ui.test_sync_page import page  # noqa: F401
from tests.ui.test_sync_page import paired  # noqa: F401

WAIT = 30_000


# -- instruments -----------------------------------------------------------------------------


class Spy:
    """Records the threads a wrapped core callable ran on; optionally holds it at a gate."""

    def __init__(self, gated: bool) -> None:
        self.threads: list[int] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        if not gated:
            self.gate.set()

    def wrap(self, original: Callable) -> Callable:
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            self.threads.append(threading.get_ident())
            self.entered.set()
            assert self.gate.wait(20), "the test never released the gate"
            return original(*args, **kwargs)
        return wrapper


@dataclass
class Shown:
    """What a ProgressDialog showed (read at creation: Qt deletes the dialog later)."""
    dialog: Any
    title: str
    cancel_button: QPushButton | None
    cancel_text: str


@pytest.fixture
def dialogs(monkeypatch) -> list[Shown]:
    made: list[Shown] = []

    class Recording(widgets.ProgressDialog):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            button = self.findChild(QPushButton)
            made.append(Shown(self, self.windowTitle(), button,
                              button.text() if button is not None else ""))

    monkeypatch.setattr(widgets, "ProgressDialog", Recording)
    return made


def ask(qtbot, gui, op):
    """``op(desk)`` on the worker (the GUI thread never touches the database)."""
    box: list = []
    gui.runner.run(op, on_done=box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return box[0]


def file_state(folder: Path) -> dict[str, str]:
    """Every file under *folder* (temporary ones included) and its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the long actions ------------------------------------------------------------------------


@dataclass
class Case:
    """One long GUI action. ``setup`` prepares it and returns a context; ``start`` drives
    the GUI; ``finished`` says the action completed; ``unchanged`` checks a cancel left
    everything as it was (None: not tested for cancelling, see the audit)."""
    owner: Any
    method: str
    setup: Callable[[Any, Any, Path], dict]
    start: Callable[[dict], None]
    finished: Callable[[dict], bool]
    unchanged: Callable[[Any, Any, dict], None] | None = None
    extra: dict = field(default_factory=dict)


# backups -------------------------------------------------------------------------------------


def _backups_dialog(qtbot, gui, with_backup: bool) -> dict:
    folder = ask(qtbot, gui, lambda d: d.backups.folder())
    if with_backup:
        ask(qtbot, gui, lambda d: d.backups.create("manual"))
    dialog = gui.window.settings_page.open_backups()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT)
    folder.mkdir(parents=True, exist_ok=True)
    return {"dialog": dialog, "folder": folder, "files": file_state(folder),
            "rows": dialog.table.rowCount()}


def _backup_unchanged(qtbot, gui, ctx: dict) -> None:
    dialog = ctx["dialog"]
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT)
    assert file_state(ctx["folder"]) == ctx["files"]  # no backup, no temporary file
    assert "cancelled" in dialog.status.text()
    assert dialog.create_button.isEnabled()


def _setup_restore(qtbot, gui, tmp_path) -> dict:
    ctx = _backups_dialog(qtbot, gui, True)
    asked: list = []
    ctx["dialog"].confirm_restore = lambda preview: asked.append(preview) or False
    ctx["asked"] = asked
    return ctx


def _restore_unchanged(qtbot, gui, ctx: dict) -> None:
    _backup_unchanged(qtbot, gui, ctx)
    assert ctx["asked"] == []  # never got as far as asking


# catalogue -----------------------------------------------------------------------------------


def _catalogue_file(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "2025目录.xlsx", {"目录": [
        ["2025年苏州市职业培训补贴目录"], [],
        ["职业编码", "职业（工种）", "工种", "等级", "类别", "补贴标准（元）", "是否紧缺"],
        ["6-18-01-01", "车工", "", "五级", "A", 1200, "是"],
        ["8-99-99-99", "新职业", "", "五级", "B", 900, ""],
    ]})


def _policy_page(qtbot, gui):
    page = gui.window.policy_page
    gui.window.show_page("policy")
    qtbot.waitUntil(lambda: bool(page.catalogues), timeout=WAIT)
    return page


def _setup_catalogue_preview(qtbot, gui, tmp_path) -> dict:
    page = _policy_page(qtbot, gui)
    return {"page": page, "path": _catalogue_file(tmp_path), "before": page.import_dialog
            if hasattr(page, "import_dialog") else None}


def _catalogue_count(qtbot, gui) -> int:
    return len(ask(qtbot, gui, lambda d: d.catalogue.list()))


def _setup_catalogue_commit(qtbot, gui, tmp_path) -> dict:
    page = _policy_page(qtbot, gui)
    with qtbot.waitSignal(page.sig_preview_ready, timeout=WAIT):
        page.start_import(str(_catalogue_file(tmp_path)), year=2025)
    preview = page.import_dialog.preview
    page.import_dialog.close()
    return {"page": page, "preview": preview, "count": _catalogue_count(qtbot, gui)}


def _catalogue_unchanged(qtbot, gui, ctx: dict) -> None:
    assert _catalogue_count(qtbot, gui) == ctx["count"]
    assert "not" in ctx["page"].status.text()


def _setup_catalogue_activate(qtbot, gui, tmp_path) -> dict:
    ctx = _setup_catalogue_commit(qtbot, gui, tmp_path)
    preview = ctx["preview"]
    changes = ask(qtbot, gui, lambda d: d.catalogue.commit_import(preview, activate=False,
                                                                  strict=False))
    page = ctx["page"]
    page._selected_id = changes.ids[0]
    page.reload()
    qtbot.waitUntil(lambda: page.selected() is not None
                    and page.selected().id == changes.ids[0], timeout=WAIT)
    ctx["id"] = changes.ids[0]
    return ctx


def _active_id(qtbot, gui) -> str:
    return next(c.id for c in ask(qtbot, gui, lambda d: d.catalogue.list()) if c.active)


def _activation_unchanged(qtbot, gui, ctx: dict) -> None:
    assert _active_id(qtbot, gui) != ctx["id"]
    assert "not changed" in ctx["page"].status.text()


# claims --------------------------------------------------------------------------------------


def _setup_claim(qtbot, gui, tmp_path) -> dict:
    gui.window.show_page("claims")
    page = gui.window.claims_page
    page.open_after = False
    assessed = ask(qtbot, gui, lambda d: d.classes.list(state="assessed").rows)
    return {"page": page, "ids": [assessed[0].id]}


def _claims(qtbot, gui) -> list:
    return ask(qtbot, gui, lambda d: d.claims.list())


def _claim_unchanged(qtbot, gui, ctx: dict) -> None:
    assert _claims(qtbot, gui) == []


# roster import -------------------------------------------------------------------------------


def _import_dialog(qtbot, gui, tmp_path) -> dict:
    path = write_xlsx(tmp_path / "花名册.xlsx", {"学员花名册": roster_rows()})
    dialog = gui.window.people_page.open_import(str(path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)
    dialog.strict.setChecked(False)
    return {"dialog": dialog, "people": _people(qtbot, gui), "out": tmp_path / "out",
            "target": tmp_path / "out" / "errors.xlsx"}


def _people(qtbot, gui) -> int:
    return ask(qtbot, gui, lambda d: d.people.total())


def _setup_undo(qtbot, gui, tmp_path) -> dict:
    ctx = _import_dialog(qtbot, gui, tmp_path)
    dialog = ctx["dialog"]
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT)
    ctx["people"] = _people(qtbot, gui)
    return ctx


def _people_unchanged(qtbot, gui, ctx: dict) -> None:
    assert _people(qtbot, gui) == ctx["people"]


def _commit_unchanged(qtbot, gui, ctx: dict) -> None:
    _people_unchanged(qtbot, gui, ctx)
    assert ctx["dialog"].pages.currentIndex() == 1  # still on the preview, can try again


def _undo_unchanged(qtbot, gui, ctx: dict) -> None:
    _people_unchanged(qtbot, gui, ctx)
    assert ctx["dialog"].undo_button.isVisible()
    assert "stays" in ctx["dialog"].result_label.text()


def _setup_out(qtbot, gui, tmp_path) -> dict:
    out = tmp_path / "out"
    out.mkdir()
    return {"out": out}


def _no_file_written(qtbot, gui, ctx: dict) -> None:
    assert list(ctx["out"].iterdir()) == []  # neither the file nor a temporary one


def _setup_invalid_export(qtbot, gui, tmp_path) -> dict:
    ctx = _import_dialog(qtbot, gui, tmp_path)
    ctx["out"].mkdir()
    return ctx


# exports and forms ---------------------------------------------------------------------------


def _setup_people_export(qtbot, gui, tmp_path) -> dict:
    ctx = _setup_out(qtbot, gui, tmp_path)
    ctx["page"] = gui.window.people_page
    ctx["target"] = ctx["out"] / "people.xlsx"
    return ctx


def _setup_audit(qtbot, gui, tmp_path) -> dict:
    ctx = _setup_out(qtbot, gui, tmp_path)
    gui.window.show_page("audit")
    ctx["page"] = gui.window.audit_page
    ctx["target"] = ctx["out"] / "audit.xlsx"
    ctx["page"].last_verify = None
    return ctx


def _setup_print(qtbot, gui, tmp_path) -> dict:
    from tests.ui.test_classes_page import _class_in
    from tests.ui.test_classes_page import _open
    from tests.ui.test_classes_page import _page
    ctx = _setup_out(qtbot, gui, tmp_path)
    page = _page(qtbot, gui)
    klass = _class_in(qtbot, gui, "filed")
    button = _open(qtbot, gui, page, klass.id).print_button
    button.open_after = False
    button.last_result = None
    ctx.update(button=button, target=ctx["out"] / "roster.pdf")
    return ctx


CASES = {
    "backup_create": Case(
        BackupService, "create", lambda q, g, t: _backups_dialog(q, g, False),
        lambda c: c["dialog"].create_button.click(),
        lambda c: "Backup made" in c["dialog"].status.text() and not c["dialog"].is_busy(),
        _backup_unchanged),
    "backup_verify": Case(
        BackupService, "verify", lambda q, g, t: _backups_dialog(q, g, True),
        lambda c: c["dialog"].verify_button.click(),
        lambda c: c["dialog"].status.text().startswith("Intact"),
        _backup_unchanged),
    "backup_restore": Case(
        BackupService, "preview", _setup_restore,
        lambda c: c["dialog"].restore_button.click(),
        lambda c: len(c["asked"]) == 1, _restore_unchanged),
    "catalogue_check": Case(
        CatalogueService, "preview_import", _setup_catalogue_preview,
        lambda c: c["page"].start_import(str(c["path"]), year=2025),
        lambda c: getattr(c["page"], "import_dialog", None) is not c["before"],
        lambda q, g, c: getattr(c["page"], "import_dialog", None) is c["before"]),
    "catalogue_import": Case(
        CatalogueService, "commit_import", _setup_catalogue_commit,
        lambda c: c["page"].commit(c["preview"], True),
        lambda c: "Imported" in c["page"].status.text(), _catalogue_unchanged),
    "catalogue_activate": Case(
        CatalogueService, "activate", _setup_catalogue_activate,
        lambda c: c["page"].activate_button.click(),
        lambda c: "now the catalogue in use" in c["page"].status.text(),
        _activation_unchanged),
    "claim_create": Case(
        ClaimService, "create", _setup_claim,
        lambda c: c["page"].create(c["ids"]),
        lambda c: c["page"].table.rowCount() == 1, _claim_unchanged),
    "roster_import": Case(
        RosterImportService, "commit", _import_dialog,
        lambda c: c["dialog"].import_button.click(),
        lambda c: c["dialog"].pages.currentIndex() == 2, _commit_unchanged),
    "roster_undo": Case(
        RosterImportService, "undo", _setup_undo,
        lambda c: c["dialog"].undo_button.click(),
        lambda c: not c["dialog"].undo_button.isVisible(), _undo_unchanged),
    "roster_errors_export": Case(
        import_dialog_module, "export_invalid_rows", _setup_invalid_export,
        lambda c: c["dialog"].export_invalid_to(str(c["target"])),
        lambda c: "written to" in c["dialog"].summary.text(), _no_file_written),
    "people_export": Case(
        people_page_module, "export_roster", _setup_people_export,
        lambda c: c["page"].export_to(str(c["target"])),
        lambda c: "written to" in c["page"].count_label.text(), _no_file_written),
    "audit_verify": Case(
        AuditService, "verify", _setup_audit, lambda c: c["page"].verify(),
        lambda c: c["page"].last_verify is not None,
        lambda q, g, c: c["page"].last_verify is None),
    "audit_export": Case(
        AuditService, "export", _setup_audit,
        lambda c: c["page"].export_to(str(c["target"])),
        lambda c: "written to" in c["page"].count_label.text(), _no_file_written),
    "class_form_pdf": Case(
        ReportService, "render", _setup_print,
        lambda c: c["button"].export("opening-application", str(c["target"])),
        lambda c: c["button"].last_result is not None, _no_file_written),
}

CANCELLABLE = [name for name, case in CASES.items() if case.unchanged is not None]


def _settle(qtbot, gui, busy: list[bool]) -> None:
    """Wait until the follow-up work an action started (refreshes, details) is done, so
    nothing is still being delivered when the window closes."""
    for _round in range(3):
        qtbot.waitUntil(lambda: not busy or busy[-1] is False, timeout=WAIT)
        qtbot.wait(50)


def _dialog_for(dialogs: list[Shown], count_before: int) -> Shown:
    assert len(dialogs) == count_before + 1, [d.title for d in dialogs]
    return dialogs[-1]


def _through_the_dialog(qtbot, gui, spy: Spy, dialogs: list[Shown], before: int,
                        cancel: bool) -> Shown:
    """The work is under way behind its dialog; press Cancel if asked (while the work is
    held at the spy's gate), then wait until the dialog and the worker are done."""
    qtbot.waitUntil(spy.entered.is_set, timeout=WAIT)
    shown = _dialog_for(dialogs, before)
    assert shown.cancel_button is not None and shown.title
    if cancel:
        shown.cancel_button.click()                            # the user presses Cancel
        spy.gate.set()
    qtbot.waitUntil(lambda: shown.dialog.finished_work, timeout=WAIT)
    gui.runner.wait_idle()
    qtbot.wait(50)  # let the last callback run
    return shown


@pytest.mark.parametrize("name", list(CASES))
def test_long_action_runs_on_the_worker_behind_a_progress_dialog(
        name, qtbot, gui, tmp_path, monkeypatch, dialogs):
    case = CASES[name]
    ctx = case.setup(qtbot, gui, tmp_path)
    spy = Spy(gated=False)
    monkeypatch.setattr(case.owner, case.method, spy.wrap(getattr(case.owner, case.method)))
    before = len(dialogs)
    gui_thread = threading.get_ident()
    busy: list[bool] = []
    gui.runner.sig_busy_changed.connect(busy.append)

    case.start(ctx)
    qtbot.waitUntil(lambda: case.finished(ctx), timeout=WAIT)

    assert spy.threads and gui_thread not in spy.threads      # (a) on the worker
    assert gui_thread not in gui.db_threads                    # no SQL on the GUI thread
    shown = _dialog_for(dialogs, before)                       # (b) progress with Cancel
    assert shown.title
    assert shown.cancel_button is not None and shown.cancel_text == "Cancel"
    qtbot.waitUntil(lambda: shown.dialog.finished_work, timeout=WAIT)
    _settle(qtbot, gui, busy)


@pytest.mark.parametrize("name", CANCELLABLE)
def test_cancel_leaves_everything_as_it_was(name, qtbot, gui, tmp_path, monkeypatch,
                                            dialogs):
    case = CASES[name]
    ctx = case.setup(qtbot, gui, tmp_path)
    spy = Spy(gated=True)
    monkeypatch.setattr(case.owner, case.method, spy.wrap(getattr(case.owner, case.method)))
    before = len(dialogs)
    busy: list[bool] = []
    gui.runner.sig_busy_changed.connect(busy.append)

    case.start(ctx)
    _through_the_dialog(qtbot, gui, spy, dialogs, before, cancel=True)

    assert not case.finished(ctx)
    case.unchanged(qtbot, gui, ctx)                            # (c) nothing half-done
    # the window is still usable: the worker answers and the GUI thread never ran SQL
    assert ask(qtbot, gui, lambda d: d.people.total()) > 0
    assert threading.get_ident() not in gui.db_threads
    _settle(qtbot, gui, busy)


def test_every_progress_dialog_is_modal_and_appears_only_for_slow_work(qtbot):
    from skilldesk.core.progress import Progress
    dialog = widgets.ProgressDialog(Progress(), "x")
    qtbot.addWidget(dialog)
    assert dialog.minimumDuration() == 500
    assert dialog.windowModality().name == "WindowModal"
    dialog.finish()


def test_a_cancelled_op_on_a_plain_runner_is_quiet_and_the_runner_goes_on(qtbot, tmp_path):
    """The protocol underneath: Cancelled from an op reaches on_cancel, not an error."""
    from skilldesk.core.desk import Desk
    runner = TaskRunner(Desk.open(None))
    seen: list[str] = []
    progress_box: list = []

    def op(desk, progress):
        progress_box.append(progress)
        progress.cancel()
        progress.check()

    widgets.run_with_progress(runner, None, "t", op, on_done=lambda r: seen.append("done"),
                              on_error=lambda e: seen.append("error"),
                              on_cancel=lambda: seen.append("cancel"))
    qtbot.waitUntil(lambda: seen == ["cancel"], timeout=WAIT)
    box: list = []
    runner.run(lambda d: d.people.total(), on_done=box.append)
    qtbot.waitUntil(lambda: box == [0], timeout=WAIT)
    runner.shutdown()


# sync bundles (the pairing fixtures of test_sync_page) ---------------------------------------

def _laptop_bundle(qtbot, gui, laptop, tmp_path) -> Path:  # noqa: F811
    from skilldesk.core.models import PersonDraft
    from skilldesk.rules.identifiers import id_check_char
    office_id = ask(qtbot, gui, lambda d: d.sync.device().device_id)
    body = "32050819900101123"
    laptop.people.save(PersonDraft(name="外勤新学员", id_number=body + id_check_char(body),
                                   phone="13900001111"))
    bundle = tmp_path / "from-laptop.tssync"
    bundle.write_bytes(laptop.sync.export_bundle(office_id).data)
    return bundle


@pytest.mark.parametrize("cancel", [False, True])
def test_sync_bundle_import_runs_on_the_worker_and_a_cancel_imports_nothing(
        cancel, qtbot, gui, page, laptop, paired, tmp_path, monkeypatch, dialogs,  # noqa: F811
        errors):  # noqa: F811
    from skilldesk.core.sync import SyncService
    bundle = _laptop_bundle(qtbot, gui, laptop, tmp_path)
    people = ask(qtbot, gui, lambda d: d.people.total())
    history = len(ask(qtbot, gui, lambda d: d.sync.history()))
    spy = Spy(gated=cancel)
    monkeypatch.setattr(SyncService, "import_bundle", spy.wrap(SyncService.import_bundle))
    reads: list[int] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(threading.get_ident())
                        or real_read(self))
    before = len(dialogs)

    page.import_bundle(str(bundle))
    _through_the_dialog(qtbot, gui, spy, dialogs, before, cancel)

    gui_thread = threading.get_ident()
    assert gui_thread not in spy.threads and gui_thread not in reads  # file read there too
    assert gui_thread not in gui.db_threads
    assert not errors
    if cancel:
        assert ask(qtbot, gui, lambda d: d.people.total()) == people
        assert len(ask(qtbot, gui, lambda d: d.sync.history())) == history
    else:
        qtbot.waitUntil(lambda: ask(qtbot, gui, lambda d: d.people.total()) == people + 1,
                        timeout=WAIT)


@pytest.mark.parametrize("cancel", [False, True])
def test_sync_bundle_export_runs_on_the_worker_and_a_cancel_sends_nothing(
        cancel, qtbot, gui, page, laptop, paired, tmp_path, monkeypatch, dialogs,  # noqa: F811
        errors):  # noqa: F811
    from skilldesk.core.sync import SyncService
    history = len(ask(qtbot, gui, lambda d: d.sync.history()))
    spy = Spy(gated=cancel)
    monkeypatch.setattr(SyncService, "export_bundle", spy.wrap(SyncService.export_bundle))
    target = tmp_path / "out" / "to-laptop.tssync"
    target.parent.mkdir()
    page.devices_table.selectRow(0)
    before = len(dialogs)

    page.export_bundle(path=str(target))
    _through_the_dialog(qtbot, gui, spy, dialogs, before, cancel)

    assert threading.get_ident() not in spy.threads
    assert threading.get_ident() not in gui.db_threads
    assert not errors
    if cancel:
        assert list(target.parent.iterdir()) == []
        assert len(ask(qtbot, gui, lambda d: d.sync.history())) == history
    else:
        qtbot.waitUntil(target.exists, timeout=WAIT)
        assert list(target.parent.iterdir()) == [target]   # no temporary file left
        assert len(ask(qtbot, gui, lambda d: d.sync.history())) == history + 1
