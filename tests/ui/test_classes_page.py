"""The 培训班 page in a real window over the demo database: list and filters, the
class form, the lifecycle strip with its blockers, roster changes after filing,
results and certificates."""

from __future__ import annotations

import threading

from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from skilldesk.core.class_models import ClassDraft
from skilldesk.core.class_models import TeacherDraft
from skilldesk.core.classes import GuardFailed
from skilldesk.ui.class_support import ReasonDialog


def _ask(qtbot, gui, op):
    """Run op(desk) on the worker (the GUI thread never touches the database)."""
    box = []
    gui.runner.run(op, on_done=lambda result: box.append(result))
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def _page(qtbot, gui):
    gui.window.show_page("classes")
    page = gui.window.classes_page
    qtbot.waitUntil(lambda: not page.model.loading and page.model.rowCount() > 0,
                    timeout=10_000)
    return page


def _class_in(qtbot, gui, state):
    return next(r for r in _ask(qtbot, gui, lambda d: d.classes.list()).rows
                if r.state == state)


def _open(qtbot, gui, page, class_id):
    page.open_class(class_id)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record["id"] == class_id,
                    timeout=10_000)
    return detail


def _answer_reasons(text: str, prompts: list[str]) -> QTimer:
    """Type *text* into the reason dialog whenever one appears."""
    def poll():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, ReasonDialog) and widget.isVisible():
                prompts.append(widget.prompt.text())
                widget.edit.setPlainText(text)
                widget.accept()
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(30)
    return timer


def test_list_loads_on_the_worker_and_filters(qtbot, gui):
    page = _page(qtbot, gui)
    everything = _ask(qtbot, gui, lambda d: d.classes.list())
    assert page.model.rowCount() == everything.total >= 10
    assert f"{everything.total} classes shown" in page.count_label.text()
    assert f"Draft {everything.by_state['draft']}" in page.count_label.text()
    assert threading.get_ident() not in gui.db_threads

    with qtbot.waitSignal(page.sig_ready, timeout=10_000):
        page.state.setCurrentIndex(page.state.findData("assessed"))
    states = {page.model.row_at(r).state for r in range(page.model.rowCount())}
    assert states == {"assessed"}
    assert page.model.rowCount() == everything.by_state["assessed"]
    assert page.state.currentText() == f"Assessed ({everything.by_state['assessed']})"

    with qtbot.waitSignal(page.sig_ready, timeout=10_000):
        page.state.setCurrentIndex(0)
    term = next(r.occupation_name for r in everything.rows if r.occupation_name)
    with qtbot.waitSignal(page.sig_ready, timeout=10_000):
        page.search.setText(term)  # (QTest types ASCII keys only)
    shown = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert shown and all(term in row.name or term in row.occupation_name for row in shown)
    assert len(shown) == sum(1 for r in everything.rows
                             if term in r.name or term in r.occupation_name or term in r.code)

    with qtbot.waitSignal(page.sig_ready, timeout=10_000):
        page.search.clear()
    with qtbot.waitSignal(page.sig_ready, timeout=10_000):
        page.type.setCurrentIndex(page.type.findData("post_upgrade"))
    assert {page.model.row_at(r).training_type for r in range(page.model.rowCount())} \
        == {"post_upgrade"}
    assert threading.get_ident() not in gui.db_threads


def test_new_class_shows_an_inline_error_then_saves_into_the_list(qtbot, gui):
    page = _page(qtbot, gui)
    before = page.model.rowCount()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(page, "form", None) is not None
                    and page.form.isVisible(), timeout=5_000)
    form = page.form
    form.edits["name"].insert("焊工（四级）培训班第9期")
    form.edits["venue"].insert("实训楼3层")
    form.level.setCurrentIndex(form.level.findData("L4"))
    form.theory_hours.setValue(40)
    form.practice_hours.setValue(80)
    form.fee.setValue(1234.5)
    form.teachers.add_row(TeacherDraft("王老师", "焊工二级/技师", "", "practice"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    message = form.messages["code"]
    qtbot.waitUntil(lambda: message.isVisible(), timeout=10_000)
    assert message.text() == "Enter the class code."
    assert "Not saved" in form.status.text()
    assert _ask(qtbot, gui, lambda d: d.classes.list().total) == before

    qtbot.keyClicks(form.edits["code"], "T2026-0099")
    closed = []
    form.finished.connect(closed.append)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1, timeout=10_000)
    qtbot.waitUntil(lambda: page.current_id() is not None, timeout=10_000)
    selected = page.model.row_at(page.table.currentIndex().row())
    assert selected.code == "T2026-0099" and selected.state == "draft"
    stored = _ask(qtbot, gui, lambda d: d.classes.draft_of(d.classes.id_for_code("T2026-0099")))
    assert stored.name == "焊工（四级）培训班第9期"
    assert stored.fee_fen == 123450 and stored.practice_hours == 80 and stored.level == "L4"
    assert [(t.name, t.role) for t in stored.teachers] == [("王老师", "practice")]


def test_detail_shows_the_lifecycle_strip_and_next_steps(qtbot, gui):
    page = _page(qtbot, gui)
    filed = _class_in(qtbot, gui, "filed")
    row = page.model.row_of(filed.id)
    rect = page.table.visualRect(page.model.index(row, 0))
    # a real double click: press, release, then the double-click event
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = page.detail
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record["id"] == filed.id,
                    timeout=10_000)
    assert page.stack.currentWidget() is detail
    assert detail.strip.current() == "filed"
    assert detail.strip.steps["draft"].text().startswith("✓")
    assert detail.strip.steps["filed"].text() == "Opening application filed"
    assert not detail.strip.steps["approved"].text().startswith("✓")
    assert {k: b.text() for k, b in detail.action_buttons.items()} == {
        "approved": "Record approval", "rejected": "Record rejection", "withdrawn": "Withdraw"}
    assert filed.code in detail.title.text()

    withdrawn = _class_in(qtbot, gui, "withdrawn")
    _open(qtbot, gui, page, withdrawn.id)
    assert detail.strip.current() == "withdrawn"
    assert "withdrawn" in detail.strip.steps and not detail.action_buttons
    qtbot.keyClick(detail, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_panel


def test_blocked_step_lists_blockers_and_a_click_opens_their_tab(qtbot, gui):
    page = _page(qtbot, gui)
    class_id = _ask(qtbot, gui, lambda d: d.classes.save(ClassDraft(
        code="T-BLOCKED", name="缺材料的班", training_type="employment_skill",
        start_date="2030-03-01", end_date="2030-03-20", level="L5"))).ids[0]
    detail = _open(qtbot, gui, page, class_id)
    button = detail.action_buttons["filed"]
    assert button.text() == "File the opening application" and not button.isEnabled()
    assert detail.blockers.isVisible()
    messages = {link.blocker.code: link.text() for link in detail.blockers.links}
    assert "Enter the training venue." in messages["CLASS_NO_VENUE"]
    assert "Add at least one teacher." in messages["CLASS_NO_TEACHERS"]
    assert "The roster is empty" in messages["CLASS_ROSTER_EMPTY"]

    link = next(x for x in detail.blockers.links if x.blocker.code == "CLASS_ROSTER_EMPTY")
    assert detail.current_tab_key() == "basic"
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton,
                     pos=QPoint(link.fontMetrics().horizontalAdvance("• ") + 12,
                                link.height() // 2))
    qtbot.waitUntil(lambda: detail.current_tab_key() == "roster", timeout=5_000)
    venue = next(x for x in detail.blockers.links if x.blocker.code == "CLASS_NO_VENUE")
    venue.linkActivated.emit(venue.blocker.target)
    assert detail.current_tab_key() == "basic"

    # the core refuses the step too (GuardFailed): its blockers are shown, nothing changes
    detail._on_advance_failed("filed", _ask(qtbot, gui, lambda d: _guard_failed(d, class_id)))
    assert not detail.action_buttons["filed"].isEnabled()
    assert {x.blocker.code for x in detail.blockers.links} >= {"CLASS_NO_VENUE"}
    assert _ask(qtbot, gui, lambda d: d.classes.get(class_id)["state"]) == "draft"


def _guard_failed(desk, class_id):
    try:
        desk.classes.advance(class_id, "filed")
    except GuardFailed as exc:
        return exc
    raise AssertionError("filing should have been refused")


def test_withdrawing_a_trainee_after_filing_asks_for_a_reason(qtbot, gui):
    page = _page(qtbot, gui)
    filed = _class_in(qtbot, gui, "filed")
    detail = _open(qtbot, gui, page, filed.id)
    detail.show_tab("roster")
    roster = detail.roster
    roster.table.selectRow(0)
    enrolment_id = detail.view.roster[0]["enrolment_id"]
    name = detail.view.roster[0]["name"]
    assert roster.withdraw_button.isEnabled()
    prompts: list[str] = []
    timer = _answer_reasons("找到工作，退出培训", prompts)
    qtbot.mouseClick(roster.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: roster.changes.rowCount() == 1, timeout=10_000)
    timer.stop()
    assert prompts and "roster was filed" in prompts[0]
    stored = _ask(qtbot, gui, lambda d: [t for t in d.classes.roster(filed.id)
                                         if t["enrolment_id"] == enrolment_id][0])
    assert stored["status"] == "withdrawn"
    changes = _ask(qtbot, gui, lambda d: d.classes.roster_changes(filed.id))
    assert [(c["action"], c["reason"], c["name"]) for c in changes] == [
        ("withdraw", "找到工作，退出培训", name)]
    assert roster.changes.item(0, 4).text() == "找到工作，退出培训"
    assert roster.changes.item(0, 1).text() == "Withdrawn"
    assert roster.table.item(0, 5).text().startswith("Withdrawn on")
    assert "******" in roster.table.item(0, 1).text()  # ID numbers masked


def test_result_with_a_duplicate_certificate_number_shows_the_error(qtbot, gui):
    page = _page(qtbot, gui)
    completed = _class_in(qtbot, gui, "completed")
    assessed = _class_in(qtbot, gui, "assessed")
    taken = _ask(qtbot, gui, lambda d: next(iter(d.outcomes.certificates(assessed.id).values())))
    detail = _open(qtbot, gui, page, completed.id)
    detail.show_tab("results")
    tab = detail.results
    assert tab.editor.isEnabled()
    tab.table.selectRow(0)
    enrolment_id = detail.view.roster[0]["enrolment_id"]
    tab.result.setCurrentIndex(tab.result.findData("pass"))
    tab.theory.setValue(82)
    tab.practice.setValue(90)
    qtbot.keyClicks(tab.cert_number, taken["cert_number"])
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    message = tab.messages["cert_number"]
    qtbot.waitUntil(lambda: message.isVisible(), timeout=10_000)
    assert "already recorded for" in message.text() and assessed.code in message.text()
    assert "Not saved" in tab.status.text()
    # nothing half-saved: the result waits for a correct certificate
    assert _ask(qtbot, gui, lambda d: d.classes.roster(completed.id)[0]["result"]) is None

    tab.cert_number.clear()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.status.text().startswith("Saved"), timeout=10_000)
    stored = _ask(qtbot, gui, lambda d: [t for t in d.classes.roster(completed.id)
                                         if t["enrolment_id"] == enrolment_id][0])
    assert (stored["result"], stored["theory_score"], stored["practice_score"]) == \
        ("pass", 82, 90)
    qtbot.waitUntil(lambda: tab.table.item(0, 2).text() == "Pass", timeout=10_000)
    qtbot.waitUntil(lambda: tab.table.currentRow() == 1, timeout=10_000)  # on to the next


def test_followup_tab_shows_rates_against_targets(qtbot, gui):
    page = _page(qtbot, gui)
    assessed = _class_in(qtbot, gui, "assessed")
    stats = _ask(qtbot, gui, lambda d: d.outcomes.stats(assessed.id))
    detail = _open(qtbot, gui, page, assessed.id)
    texts = [label.text() for label in detail.followup.stat_labels]
    assert any(f"Pass rate {stats.pass_rate:.1%}" in t and "target 90.0%" in t for t in texts)
    assert any("Employment rate" in t for t in texts)
    assert detail.followup.table.rowCount() == stats.passed


def test_class_list_model_passes_qt_model_tester(qtmodeltester, qtbot, gui):
    qtmodeltester.check(_page(qtbot, gui).model)


def test_editing_a_filed_class_asks_for_a_reason(qtbot, gui):
    page = _page(qtbot, gui)
    filed = _class_in(qtbot, gui, "filed")
    detail = _open(qtbot, gui, page, filed.id)
    qtbot.mouseClick(detail.basic.edit_button, Qt.MouseButton.LeftButton)
    form = page.form
    qtbot.waitUntil(lambda: form.isEnabled() and form.edits["code"].text() == filed.code,
                    timeout=10_000)
    form.edits["venue"].setText("新校区实训楼")
    prompts: list[str] = []
    timer = _answer_reasons("场地调整，报备后变更", prompts)
    closed = []
    form.finished.connect(closed.append)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    timer.stop()
    assert prompts and "opening application has been filed" in prompts[0]
    assert _ask(qtbot, gui, lambda d: d.classes.get(filed.id)["venue"]) == "新校区实训楼"
    qtbot.waitUntil(lambda: detail.basic.values["venue"].text() == "新校区实训楼",
                    timeout=10_000)


def test_an_inspection_is_recorded_with_an_inline_error_first_and_a_photo(qtbot, gui, tmp_path):
    page = _page(qtbot, gui)
    klass = _class_in(qtbot, gui, "in_training")
    detail = _open(qtbot, gui, page, klass.id)
    detail.show_tab("inspections")
    tab = detail.inspections
    before = tab.table.rowCount()
    dialog = tab.open_dialog(None)
    dialog.inspector.setText("  ")
    dialog.save()
    qtbot.waitUntil(lambda: "red" in dialog.status.text() or "红" in dialog.status.text(),
                    timeout=10_000)
    assert _ask(qtbot, gui, lambda d: len(d.outcomes.inspections(klass.id))) == before
    dialog.inspector.setText("姑苏区人社局 王科长")
    dialog.method.setCurrentIndex(dialog.method.findData("phone"))
    dialog.findings.setPlainText("抽查学员 5 人，均确认参加培训")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.inspection_id is not None, timeout=10_000)
    photo = tmp_path / "电话记录.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    dialog.attachments.attach(str(photo))
    inspection_id = dialog.inspection_id
    qtbot.waitUntil(lambda: _ask(qtbot, gui, lambda d: len(
        d.attachments.list("inspection", inspection_id))) == 1, timeout=10_000)
    stored = _ask(qtbot, gui, lambda d: d.outcomes.inspections(klass.id))
    assert [(i["inspector"], i["method"]) for i in stored][-1] == ("姑苏区人社局 王科长", "phone")
    qtbot.waitUntil(lambda: tab.table.rowCount() == before + 1, timeout=10_000)
    assert threading.get_ident() not in gui.db_threads
