"""政策与目录 page: the rule set's figures, the demo's sample catalogue, and importing a
new catalogue through the preview dialog (the page's methods, no native file dialog)."""

from __future__ import annotations

import threading

from skilldesk.core.desk import Desk
from tests.imports.files import write_xlsx


def _texts(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else ""
             for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_page_shows_the_rule_set_and_the_sample_catalogue(gui, qtbot) -> None:
    window = gui.window
    window.show_page("policy")
    page = window.policy_page
    assert window.stack.currentWidget() is page
    assert "js-suzhou-2023" in page.rule_set_label.text()
    figures = {row[0]: (row[1], row[2]) for row in _texts(page.figures_table)}
    assert figures["Opening application lead time"][0] == "5 working days before the start"
    assert "DOMAIN.md §2.2" in figures["Opening application lead time"][1]
    assert "60%" in figures["Practical share of class hours"][0]
    assert "40" in figures["Minimum class hours by level"][0]
    assert figures["Training certificate (培训合格证书)"][0] == "300–1000 yuan"
    bench = _texts(page.benchmark_table)
    assert bench[0][1:] == ["1000", "800", "500"]            # 初级 A/B/C
    assert bench[-1][1:] == ["800", "600", "400"]            # 专项
    assert not page.sample_label.isHidden() and "Sample data" in page.sample_label.text()

    qtbot.waitUntil(lambda: bool(page.catalogues), timeout=10_000)
    [sample] = page.catalogues
    assert sample.is_sample and sample.active
    assert _texts(page.catalogue_table)[0][5] == "Yes"
    qtbot.waitUntil(lambda: page.items_model.rowCount() == sample.item_count, timeout=10_000)
    page.search.setText("焊工")
    assert 0 < page.items_model.rowCount() < sample.item_count
    assert all("焊工" in page.items_model.item(r).occupation_name
               for r in range(page.items_model.rowCount()))
    assert threading.get_ident() not in gui.db_threads


def test_import_shows_the_diff_and_activating_changes_the_active_catalogue(
        gui, qtbot, demo_copy, tmp_path) -> None:
    page = gui.window.policy_page
    gui.window.show_page("policy")
    qtbot.waitUntil(lambda: bool(page.catalogues), timeout=10_000)
    sample = page.catalogues[0]
    path = write_xlsx(tmp_path / "2025目录.xlsx", {"目录": [
        ["2025年苏州市职业培训补贴目录"], [],
        ["职业编码", "职业（工种）", "工种", "等级", "类别", "补贴标准（元）", "是否紧缺"],
        ["6-18-01-01", "车工", "", "五级", "A", "1,200元", "是"],
        ["6-18-01-01", "车工", "", "四级", "A", 1500, ""],
        ["8-99-99-99", "新职业", "", "五级", "B", 900, ""],
        ["6-18-01-1", "铣工", "", "五级", "A", 1000, ""],
    ]})
    with qtbot.waitSignal(page.sig_preview_ready, timeout=10_000):
        page.start_import(str(path), year=2025)
    dialog = page.import_dialog
    preview = dialog.preview
    assert preview.counts["invalid"] == 1 and preview.counts["valid"] == 3
    assert _texts(dialog.problems)[0][:3] == ["7", "职业编码", "Error"]
    assert dialog.notice.isVisibleTo(dialog)
    assert _texts(dialog.changed) == [
        ["6-18-01-01 车工 Level 5 / Junior", "Amount", "1000", "1200"],
        ["6-18-01-01 车工 Level 5 / Junior", "Shortage list", "No", "Yes"]]
    assert [row[0] for row in _texts(dialog.added)] == ["8-99-99-99"]
    assert dialog.removed.rowCount() == sample.item_count - 2
    assert "1 added" in dialog.summary.text()
    assert dialog.activate_button.isEnabled()

    with qtbot.waitSignal(page.sig_imported, timeout=10_000):
        dialog.activate_button.click()
    qtbot.waitUntil(lambda: len(page.catalogues) == 2, timeout=10_000)
    new = next(c for c in page.catalogues if c.year == 2025)
    assert new.active and new.item_count == 3
    assert "now in use" in page.status.text()

    other = Desk.open(demo_copy, readonly=True)  # a second connection: what is stored
    try:
        active = other.catalogue.active()
        assert active.id == new.id
        old = other.catalogue.get(sample.id)
        assert (old.active, old.effective_to) == (False, "2024-12-31")
    finally:
        other.close()
    assert threading.get_ident() not in gui.db_threads
