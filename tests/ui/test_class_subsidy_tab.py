"""The 补贴测算 tab of a class in a real window over the demo database: the decisions
computed on the worker when the tab is shown, each trainee's rule outcomes, the
readiness report with records that open their tab, and the export."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from python_calamine import CalamineWorkbook

from tests.ui.test_classes_page import _ask
from tests.ui.test_classes_page import _class_in
from tests.ui.test_classes_page import _open
from tests.ui.test_classes_page import _page
from skilldesk.ui.subsidy_model import LINE_ROLE
from skilldesk.ui.subsidy_model import OUTCOME_ROLE
from skilldesk.ui.subsidy_model import RECORD_ROLE
from skilldesk.ui.subsidy_model import RED


def _subsidy_tab(qtbot, gui, state):
    """Open a class in *state*, check nothing was computed yet, then show the tab."""
    page = _page(qtbot, gui)
    klass = _class_in(qtbot, gui, state)
    detail = _open(qtbot, gui, page, klass.id)
    tab = detail.subsidy
    assert tab.result is None  # heavier than the rest: computed only when shown
    with qtbot.waitSignal(tab.sig_loaded, timeout=20_000):
        detail.show_tab("subsidy")
    assert detail.current_tab_key() == "subsidy"
    assert detail.tabs.tabText(detail.tabs.currentIndex()) == "Subsidy"
    expected = _ask(qtbot, gui, lambda d: d.subsidy.check_class(klass.id))
    return detail, tab, klass, expected


def _top_items(tree):
    return [tree.topLevelItem(n) for n in range(tree.topLevelItemCount())]


def test_the_tab_shows_the_core_total_by_category_and_payee(qtbot, gui):
    detail, tab, klass, expected = _subsidy_tab(qtbot, gui, "assessed")
    assert expected.total_fen > 0 and 0 < expected.eligible < len(expected.lines)
    assert tab.result.total_fen == expected.total_fen
    total = f"{expected.total_fen // 100:,}.{expected.total_fen % 100:02d}"
    assert tab.summary.text() == (f"{expected.eligible} / {len(expected.lines)} trainees "
                                  f"eligible · total {total} yuan")
    by_payee = expected.totals_by("payee")
    payee_text = tab.labels["by_payee"].text()
    assert f"Training institution {by_payee['institution'] / 100:,.2f}" in payee_text
    assert f"The trainee {by_payee['person'] / 100:,.2f}" in payee_text
    category_text = tab.labels["by_category"].text()
    assert category_text.startswith("By category: ")
    assert sum(expected.totals_by("category").values()) == expected.total_fen
    assert expected.rule_set_title in tab.labels["rules"].text()
    # the demo catalogue is sample data, and the tab says so
    assert expected.catalogue_sample
    assert tab.sample_warning.isVisible()
    assert "Sample data" in tab.sample_warning.text()
    assert expected.catalogue_title in tab.sample_warning.text()

    rows = _top_items(tab.trainees)
    assert len(rows) == len(expected.lines)
    shown = sum(int(round(float(r.text(5).replace(",", "")) * 100)) for r in rows)
    assert shown == expected.total_fen
    assert all("****" in r.text(1) for r in rows)  # ID numbers masked
    statuses = {r.text(6) for r in rows}
    assert "Not eligible" in statuses and statuses <= {
        "Eligible", "Eligible, with warnings", "Not eligible"}
    assert threading.get_ident() not in gui.db_threads


def test_a_trainee_expands_to_every_rule_outcome(qtbot, gui):
    detail, tab, klass, expected = _subsidy_tab(qtbot, gui, "paid")
    failing = next(line for line in expected.lines if not line.decision.eligible)
    blocking = next(o for o in failing.decision.failures if o.severity == "blocking")
    item = next(r for r in _top_items(tab.trainees)
                if r.data(0, LINE_ROLE).enrolment_id == failing.enrolment_id)
    assert item.text(0) == failing.name and item.text(6) == "Not eligible"
    assert item.text(5) == "0.00"
    item.setExpanded(True)
    children = [item.child(n) for n in range(item.childCount())]
    assert len(children) == len(failing.decision.outcomes)
    texts = [c.text(0) for c in children]
    assert f"✗  {blocking.message()}" in texts
    assert texts[0].startswith("✗")  # failed blocking rules come first
    first = children[0]
    assert first.foreground(0).color().name() == RED
    passed = [c for c in children if c.data(0, OUTCOME_ROLE).passed]
    assert passed and all(c.text(0).startswith("✓") for c in passed)
    # selecting an outcome shows the clause it rests on
    with_clause = next(c for c in children if c.data(0, OUTCOME_ROLE).clause)
    tab.trainees.setCurrentItem(with_clause)
    assert tab.clause.text() == "Basis: " + with_clause.data(0, OUTCOME_ROLE).clause


def test_a_readiness_record_opens_its_tab_and_selects_the_trainee(qtbot, gui):
    detail, tab, klass, expected = _subsidy_tab(qtbot, gui, "assessed")
    assert expected.blocking
    assert tab.readiness.topLevelItem(0).text(0) == "Must be corrected before claiming"
    signal = next(s for s in expected.blocking if s.records[0].target == "results")
    signal_item = next(tab.readiness.topLevelItem(0).child(n)
                       for n in range(tab.readiness.topLevelItem(0).childCount())
                       if signal.message() in tab.readiness.topLevelItem(0).child(n).text(0))
    assert signal_item.childCount() == signal.count
    signal_item.setExpanded(True)
    record_item = signal_item.child(signal.count - 1)
    record = record_item.data(0, RECORD_ROLE)
    assert record == signal.records[-1] and record_item.text(0) == record.label
    table = detail.results.table
    before = table.item(max(table.currentRow(), 0), 0).data(Qt.ItemDataRole.UserRole)
    assert before != record.entity_id  # so selecting it is the click's doing
    tree = tab.readiness
    tree.scrollToItem(record_item)
    rect = tree.visualItemRect(record_item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + (rect.bottomRight() - rect.topLeft()) / 2)
    qtbot.waitUntil(lambda: detail.current_tab_key() == "results", timeout=5_000)
    assert table.item(table.currentRow(), 0).data(Qt.ItemDataRole.UserRole) == record.entity_id


def _put_a_trainee_in_two_classes_at_once(qtbot, gui, state):
    """The demo never double-books anyone: make one trainee of a class in *state*
    also a trainee of another class on the same days."""
    def op(desk):
        klass = next(r for r in desk.classes.list().rows if r.state == state)
        other = next(r for r in desk.classes.list().rows
                     if r.state == "in_training" and r.id != klass.id)
        person = desk.classes.roster(klass.id, include_withdrawn=False)[0]["person_id"]
        with desk.write() as now:
            desk.db.execute("UPDATE training_class SET start_date = ?, end_date = ? WHERE id = ?",
                            [klass.start_date, klass.end_date, other.id])
            desk.db.execute(
                "INSERT OR IGNORE INTO enrolment(id, class_id, person_id, status, created_at, "
                "updated_at, device_id) VALUES (?, ?, ?, 'enrolled', ?, ?, ?)",
                [f"test-{person}", other.id, person, now, now, desk.device_id])
    _ask(qtbot, gui, op)


def test_a_record_of_another_class_opens_that_class(qtbot, gui):
    _put_a_trainee_in_two_classes_at_once(qtbot, gui, "completed")
    detail, tab, klass, expected = _subsidy_tab(qtbot, gui, "completed")
    items = [(item, item.data(0, RECORD_ROLE)) for item in tab.readiness.records()]
    # the trainee in two classes at once: both sides are listed
    item, record = next((i, r) for i, r in items if r.class_id != klass.id)
    assert item.text(0).endswith("(another class)")
    tab.readiness.itemClicked.emit(item, 0)
    qtbot.waitUntil(lambda: detail.view is not None
                    and detail.view.record["id"] == record.class_id, timeout=10_000)


def test_export_writes_the_lines_to_xlsx(qtbot, gui, tmp_path):
    detail, tab, klass, expected = _subsidy_tab(qtbot, gui, "paid")
    path = tmp_path / "补贴明细.xlsx"
    tab.export_to(str(path))
    qtbot.waitUntil(lambda: "written to" in tab.status.text(), timeout=10_000)
    assert tab.status.text().startswith(f"{len(expected.lines)} trainees written to")
    sheet = CalamineWorkbook.from_path(str(path))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert klass.code in str(rows[0][0])  # the title row
    assert rows[1] == ["Name", "ID number", "Category", "Subsidy type", "Paid to",
                       "Amount (yuan)", "Conclusion", "Reason"]
    data = rows[2:]
    assert len(data) == len(expected.lines)
    assert [r[0] for r in data] == [line.name for line in expected.lines]
    assert all("****" in r[1] and r[1] not in {line.id_number for line in expected.lines}
               for r in data)
    assert round(sum(float(r[5]) for r in data) * 100) == expected.total_fen
    by_name = {r[0]: r for r in data}
    failing = next(line for line in expected.lines if not line.decision.eligible)
    assert by_name[failing.name][6] == "Not eligible"
    assert failing.decision.failures[0].message() in by_name[failing.name][7]
    assert threading.get_ident() not in gui.db_threads


def test_recalculate_and_changes_run_on_the_worker(qtbot, gui):
    detail, tab, klass, expected = _subsidy_tab(qtbot, gui, "claimed")
    with qtbot.waitSignal(tab.sig_loaded, timeout=20_000):
        qtbot.mouseClick(tab.recalc_button, Qt.MouseButton.LeftButton)
    assert tab.result.total_fen == expected.total_fen
    # another class: the old decisions go, the new ones come when the tab is shown again
    other = _class_in(qtbot, gui, "assessed")
    _open(qtbot, gui, gui.window.classes_page, other.id)
    assert tab.result is None and detail.current_tab_key() == "basic"
    with qtbot.waitSignal(tab.sig_loaded, timeout=20_000):
        detail.show_tab("subsidy")
    assert tab.result.class_id == other.id
    assert threading.get_ident() not in gui.db_threads
