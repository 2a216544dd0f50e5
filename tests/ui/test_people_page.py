"""The 学员 page in a real window: load, lazy paging, search, edit with validation."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from skilldesk.core.people import PAGE_SIZE
from tests.ui.conftest import DEMO_PEOPLE


def _page(gui):
    return gui.window.people_page


def _wait_for_query(qtbot, page, text):
    with qtbot.waitSignal(page.sig_ready, timeout=10_000):
        page.search.setText(text)
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)


def test_first_page_loads_on_the_worker_and_counts_everyone(gui):
    page = _page(gui)
    assert page.model.rowCount() == PAGE_SIZE
    assert page.model.total == DEMO_PEOPLE
    assert f"{DEMO_PEOPLE}" in page.count_label.text()
    assert gui.db_threads and threading.get_ident() not in gui.db_threads


def test_scrolling_fetches_more_rows_lazily(qtbot, gui):
    page = _page(gui)
    table = page.table
    table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > PAGE_SIZE, timeout=10_000)
    table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == DEMO_PEOPLE, timeout=10_000)
    seqs = [page.model.row_at(r).seq for r in range(page.model.rowCount())]
    assert seqs == sorted(set(seqs), reverse=True)


def test_search_as_you_type_by_name_and_id_fragment(qtbot, gui):
    page = _page(gui)
    someone = page.model.row_at(5)
    _wait_for_query(qtbot, page, someone.name[0])
    assert page.model.rowCount() > 0
    assert all(someone.name[0] in page.model.row_at(r).name
               for r in range(page.model.rowCount()))
    fragment = someone.id_number[8:14]
    _wait_for_query(qtbot, page, fragment)
    ids = [page.model.row_at(r).id for r in range(page.model.rowCount())]
    assert someone.id in ids
    assert all(fragment in page.model.row_at(r).id_number or fragment in page.model.row_at(r).phone
               for r in range(page.model.rowCount()))
    assert "found" in page.count_label.text()
    _wait_for_query(qtbot, page, "不存在的人")
    assert page.model.rowCount() == 0 and page.model.total == 0


def test_only_the_latest_query_wins(qtbot, gui):
    page = _page(gui)
    for text in ["张", "张伟", "王", "李"]:
        page.model.set_query(text)
    gui.runner.wait_idle()
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=10_000)
    assert page.model.query == "李"
    assert all("李" in page.model.row_at(r).name for r in range(page.model.rowCount()))


def test_edit_shows_inline_error_then_saves(qtbot, gui):
    page = _page(gui)
    form = page.form
    page.table.selectRow(0)
    row = page.model.row_at(0)
    qtbot.waitUntil(lambda: form.person_id == row.id, timeout=10_000)
    phone = form.edits["phone"]
    phone.selectAll()
    qtbot.keyClicks(phone, "12345")
    message = form.messages["phone"]
    qtbot.waitUntil(lambda: message.isVisible() and message.text() != "", timeout=10_000)
    assert "mobile" in message.text().lower()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not saved" in form.status.text(), timeout=10_000)
    stored = gui.runner.desk.people.get(row.id)
    assert stored.phone == row.phone  # nothing was written

    phone.selectAll()
    qtbot.keyClicks(phone, "139 0000 1234")
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=10_000)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.status.text() == "Saved.", timeout=10_000)
    gui.runner.wait_idle()
    assert gui.runner.desk.people.get(row.id).phone == "13900001234"
    qtbot.waitUntil(lambda: form.edits["phone"].text() == "13900001234", timeout=10_000)


def test_new_person_with_a_wrong_id_check_character(qtbot, gui):
    page = _page(gui)
    page.new_button.click()
    form = page.form
    form.edits["name"].insert("测试人")  # QTest cannot type CJK; insert() is a user edit
    qtbot.keyClicks(form.edits["id_number"], "110105194912310021")
    message = form.messages["id_number"]
    qtbot.waitUntil(lambda: message.isVisible(), timeout=10_000)
    assert "X" in message.text()  # says what the last character should be
    form.edits["id_number"].setText("")
    qtbot.keyClicks(form.edits["id_number"], "11010519491231002x")
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: "1949-12-31" in form.derived.text(), timeout=10_000)
    form.save()
    qtbot.waitUntil(lambda: form.status.text() == "Saved.", timeout=10_000)
    gui.runner.wait_idle()
    qtbot.waitUntil(lambda: page.model.total == DEMO_PEOPLE + 1, timeout=10_000)
    assert page.model.row_at(0).name == "测试人"


def test_people_model_passes_qt_model_tester(qtmodeltester, gui):
    qtmodeltester.check(_page(gui).model)


def _stored(qtbot, gui, person_id):
    """The person as stored, read on the worker like the GUI reads it."""
    found = []
    gui.runner.run(lambda desk: desk.people.get(person_id), on_done=found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    return found[0]


def _save(qtbot, form):
    form.status.clear()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.status.text() != "", timeout=10_000)
    return form.status.text()


def test_pension_and_insurance_months_stay_unrecorded_until_set(qtbot, gui):
    page = _page(gui)
    form = page.form
    page.table.selectRow(0)
    row = page.model.row_at(0)
    qtbot.waitUntil(lambda: form.person_id == row.id, timeout=10_000)
    assert form.pension.currentText() == "Not on record"
    assert form.insured_months.text() == ""
    assert form.insured_months.placeholderText() == "Not on record"

    # saving another field leaves both facts not recorded (not "no", not 0)
    form.edits["phone"].selectAll()
    qtbot.keyClicks(form.edits["phone"], "13900002222")
    assert _save(qtbot, form) == "Saved."
    stored = _stored(qtbot, gui, row.id)
    assert stored.phone == "13900002222"
    assert stored.pension is None and stored.insured_months is None

    # "no" and 0 are answers, kept apart from "not recorded"
    form.pension.setCurrentIndex(1)
    qtbot.keyClicks(form.insured_months, "abc0")  # letters never reach the box
    assert form.insured_months.text() == "0"
    assert _save(qtbot, form) == "Saved."
    stored = _stored(qtbot, gui, row.id)
    assert (stored.pension, stored.insured_months) == (False, 0)
    qtbot.waitUntil(lambda: form.pension.currentText() == "No", timeout=10_000)

    # too many months: shown under the field, nothing written
    form.pension.setCurrentIndex(2)
    form.insured_months.selectAll()
    qtbot.keyClicks(form.insured_months, "700")
    message = form.messages["insured_months"]
    qtbot.waitUntil(lambda: message.isVisible() and "600" in message.text(), timeout=10_000)
    assert _save(qtbot, form).startswith("Not saved")
    assert _stored(qtbot, gui, row.id).pension is False

    # yes, and the months taken back to not recorded by emptying the box
    form.insured_months.selectAll()
    qtbot.keyClick(form.insured_months, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not message.isVisible(), timeout=10_000)
    assert _save(qtbot, form) == "Saved."
    stored = _stored(qtbot, gui, row.id)
    assert (stored.pension, stored.insured_months) == (True, None)
    assert threading.get_ident() not in gui.db_threads


def test_tab_goes_down_the_form_through_the_subsidy_facts(gui):
    form = _page(gui).form
    wanted = [form.edits["hukou_address"], form.hukou_type, form.education,
              form.edits["employer"], form.edits["employer_uscc"], form.pension,
              form.insured_months, next(iter(form.category_boxes.values()))]
    order, widget = [], form.edits["name"]
    for _step in range(200):
        widget = widget.nextInFocusChain()
        if widget in wanted and widget not in order:
            order.append(widget)
    assert order == wanted
