"""The 审计 page in a real window over the demo database: entries listed newest first
on the worker, filtered, verified (intact, then altered with raw SQL), exported."""

from __future__ import annotations

import threading

from python_calamine import CalamineWorkbook
from PySide6.QtCore import QDate

from skilldesk.core.people import draft_from


def _ask(qtbot, gui, op):
    box = []
    gui.runner.run(op, on_done=lambda result: box.append(result))
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def _edit(desk, phone="13900005678"):
    desk.user_name = "王会计"
    person_id = desk.db.execute("SELECT id FROM person ORDER BY seq LIMIT 1").fetchone()[0]
    person = desk.people.get(person_id)
    import dataclasses
    changes = desk.people.save(dataclasses.replace(draft_from(person), phone=phone),
                               person_id=person_id)
    return changes, person.id_number


def test_list_filter_verify_and_export(qtbot, gui, tmp_path):
    page = gui.window.audit_page
    gui.runner.wait_idle()
    assert not page.model.loaded  # nothing read at start-up: only when first shown
    gui.window.show_page("audit")
    assert gui.window.current_page_key() == "audit"
    qtbot.waitUntil(lambda: page.model.loaded, timeout=10_000)
    assert page.model.rowCount() >= 1
    # actions and record types in words, never the stored codes
    assert page.model.index(0, 3).data() == "Create the demo" or page.model.rowCount() > 1

    # a change through the facade is broadcast; the page shows it first
    changes, id_number = _ask(qtbot, gui, _edit)
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        gui.hub.sig_changes.emit(changes, None)
    top = page.model.row_at(0)
    assert top.user_name == "王会计" and top.action == "update"
    assert (page.model.index(0, 3).data(), page.model.index(0, 4).data()) == (
        "Update", "Person")
    assert "139****5678" in page.model.index(0, 6).data()
    qtbot.waitUntil(lambda: page.user.findData("王会计") >= 0, timeout=10_000)

    # filters: the person's ID number, the user, the action, a date range
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.subject.setText(id_number)
    assert {page.model.row_at(r).entity_id for r in range(page.model.rowCount())} >= {
        top.entity_id}
    page.subject.clear()
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.user.setCurrentIndex(page.user.findData("王会计"))
    assert page.model.rowCount() == 1
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.since.setDate(QDate(2001, 1, 1))
        page.until.setDate(QDate(2001, 1, 2))
        page.apply_filter()
    assert page.model.rowCount() == 0 and page.count_label.text() == "No entries match."
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.since.setDate(QDate(2001, 1, 3))
        page.apply_filter()
    assert "after" in page.count_label.text()  # dates the wrong way round: said, not raised
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.since.setDate(page.since.minimumDate())
        page.until.setDate(page.until.minimumDate())
        page.apply_filter()
    assert page.model.rowCount() == 1

    # export what is shown
    out = tmp_path / "audit.xlsx"
    with qtbot.waitSignal(page.sig_exported, timeout=10_000) as exported:
        page.export_to(str(out))
    assert exported.args == [1]
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[2][2] == "王会计"

    # a change made while another page is shown is read when the page is shown again
    gui.window.show_page("people")
    changes, _id = _ask(qtbot, gui, lambda desk: _edit(desk, "13900009999"))
    assert changes.anything
    gui.hub.sig_changes.emit(changes, None)
    gui.runner.wait_idle()
    assert page.model.rowCount() == 1  # not read yet
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        gui.window.show_page("audit")
    assert page.model.rowCount() == 2

    # verify: intact, then altered with raw SQL (the trigger dropped first)
    with qtbot.waitSignal(page.sig_verified, timeout=20_000) as verified:
        page.verify()
    assert verified.args[0]["valid"] and "Intact" in page.verify_label.text()

    def tamper(desk):
        desk.db.execute("DROP TRIGGER op_log_no_update")
        with desk.db.atomic():
            desk.db.execute("UPDATE op_log SET user_name = 'x' WHERE seq = ?", [top.seq])
    _ask(qtbot, gui, tamper)
    with qtbot.waitSignal(page.sig_verified, timeout=20_000) as verified:
        page.verify()
    assert verified.args[0] == {"entries": verified.args[0]["entries"], "valid": False,
                                "first_bad": top.seq}
    assert str(top.seq) in page.verify_label.text()
    assert threading.get_ident() not in gui.db_threads


def test_screenshot(qtbot, gui):
    gui.window.resize(1280, 800)
    gui.window.show_page("audit")
    page = gui.window.audit_page
    qtbot.waitUntil(lambda: page.model.loaded, timeout=10_000)
    with qtbot.waitSignal(page.sig_verified, timeout=20_000):
        page.verify()
    qtbot.wait(100)
    gui.window.grab().save("/tmp/audit_page.png")


def test_every_action_and_record_type_the_core_logs_has_a_label():
    """Scans the core for ``log(at, "action", "entity", …)`` calls: a code added later
    without a label would show as a bare English word on the 审计 page."""
    import re
    from pathlib import Path

    from skilldesk.ui.audit_model import ACTIONS
    from skilldesk.ui.audit_model import ENTITIES

    core = Path(__file__).resolve().parents[2] / "skilldesk" / "core"
    calls = re.compile(r'\.log\(\s*\w+,\s*"([a-z_.]+)",\s*"([a-z_]+)"')
    found = {m for path in core.glob("*.py") for m in calls.findall(path.read_text("utf-8"))}
    assert len(found) > 20
    assert {a for a, _e in found} <= set(ACTIONS)
    assert {e for _a, e in found} <= set(ENTITIES)
