"""The 工作台 page over a real demo database: the cards show the core's figures, a to-do
opens its record from the keyboard or the mouse, loading never runs SQL on the GUI
thread, changes reload it once, and the charts paint (long labels elided, full text in
the tooltip)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from skilldesk import i18n
from skilldesk.core.changes import Changes
from skilldesk.core.desk import Desk
from skilldesk.ui.charts import BarChart
from skilldesk.ui.dashboard_page import DashboardPage
from skilldesk.ui.dashboard_page import percent
from skilldesk.ui.hub import Hub
from skilldesk.ui.subsidy_model import yuan
from skilldesk.ui.tasks import TaskRunner

TODAY = dt.date.today()   # the demo is built around today


class Setup:
    def __init__(self, page: DashboardPage, runner: TaskRunner, hub: Hub, threads: set[int],
                 path) -> None:
        self.page, self.runner, self.hub, self.threads, self.path = (
            page, runner, hub, threads, path)


@pytest.fixture
def dash(qtbot, demo_copy):
    runner, hub = TaskRunner(), Hub()
    threads: set[int] = set()
    desk = Desk.open(demo_copy)
    desk.db.conn.set_trace_callback(lambda _sql: threads.add(threading.get_ident()))
    runner.set_desk(desk)
    page = DashboardPage(runner, hub)
    page.today = TODAY
    qtbot.addWidget(page)
    page.resize(1130, 778)
    page.show()
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.start()
    yield Setup(page, runner, hub, threads, demo_copy)
    runner.shutdown()


def _core(path, year: int):
    """The core's figures from a Desk of the test's own (read-only, no trace)."""
    other = Desk.open(path, readonly=True)
    try:
        return other.dashboard.figures(year), other.dashboard.todos(TODAY)
    finally:
        other.close()


def test_cards_show_the_core_figures(dash):
    page = dash.page
    figures, todos = _core(dash.path, TODAY.year)
    cards = page.cards
    assert cards["trainees"].value.text() == f"{figures.trainees:,}"
    assert cards["classes"].value.text() == f"{figures.classes:,}"
    assert cards["pass"].value.text() == percent(figures.pass_rate)
    assert cards["employment"].value.text() == percent(figures.employment_rate)
    assert cards["subsidy"].value.text() == yuan(figures.claimed_fen)
    assert "90.0%" in cards["employment"].caption.text()
    assert f"{figures.employed} of {figures.followed_up}" in cards["employment"].caption.text()
    # below the 90% target the rate is amber (within 10 points) or red
    expected = ("#1e7e34" if figures.employment_rate >= 0.9 else
                "#b26a00" if figures.employment_rate >= 0.8 else "#c5221f")
    assert cards["employment"].colour == expected
    # the to-do list: one row per item, in the core's order
    shown = [item.data(0, Qt.ItemDataRole.UserRole) for item in page.todo_items()]
    assert [(t.kind, t.target) for t in shown] == [(t.kind, t.target) for t in todos]
    headings = [page.todo_tree.topLevelItem(i).text(0)
                for i in range(page.todo_tree.topLevelItemCount())]
    assert all(h.endswith(")") for h in headings)
    assert page.year_combo.currentData() == TODAY.year


def test_loading_runs_on_the_worker_never_the_gui_thread(dash):
    assert dash.threads, "the load ran SQL"
    assert threading.get_ident() not in dash.threads
    assert threading.main_thread().ident not in dash.threads


def test_enter_and_double_click_open_the_record(dash, qtbot):
    page = dash.page
    tree = page.todo_tree
    rows = page.todo_items()
    assert rows, "the demo has things to do"
    wanted = rows[-1].data(0, Qt.ItemDataRole.UserRole)
    tree.setFocus()
    tree.setCurrentItem(rows[-1])
    opened, tabs = [], []
    page.sig_open.connect(lambda *args: opened.append(args))
    page.sig_open_tab.connect(lambda *args: tabs.append(args))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == [(wanted.target.kind, wanted.target.id)]
    assert tabs == [(wanted.target.kind, wanted.target.id, wanted.target.tab)]
    first = rows[0].data(0, Qt.ItemDataRole.UserRole)
    tree.scrollToItem(rows[0])
    where = tree.visualItemRect(rows[0]).center()
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened[-1] == (first.target.kind, first.target.id)
    # a group heading opens nothing
    heading = tree.topLevelItem(0)
    with qtbot.assertNotEmitted(page.sig_open, wait=100):
        tree.itemActivated.emit(heading, 0)


def test_a_burst_of_changes_reloads_once_and_the_year_can_change(dash, qtbot):
    page = dash.page
    loads = []
    page.sig_loaded.connect(lambda: loads.append(1))
    for _n in range(3):
        dash.hub.sig_changes.emit(Changes(classes=True), None)
    qtbot.waitUntil(lambda: bool(loads), timeout=5000)
    qtbot.wait(500)
    assert loads == [1]
    dash.hub.sig_changes.emit(Changes(), None)   # nothing changed: nothing reloaded
    qtbot.wait(500)
    assert loads == [1]
    # another year: its figures, and an empty year says so in words
    with qtbot.waitSignal(page.sig_loaded, timeout=5000):
        page.select_year(1999)
    assert page.cards["classes"].value.text() == "0"
    assert page.empty_label.isVisible() and "1999" in page.empty_label.text()
    assert page.month_chart.is_empty and "1999" in page.month_chart.empty_text
    index = page.year_combo.findData(TODAY.year)
    with qtbot.waitSignal(page.sig_loaded, timeout=5000):
        page.year_combo.activated.emit(index)
    assert page.data.year == TODAY.year and not page.empty_label.isVisible()


def test_charts_paint_with_values_and_elide_long_labels(dash, qtbot):
    page = dash.page
    charts = page.data.charts
    for chart in (page.month_chart, page.occupation_chart, page.category_chart):
        assert not chart.is_empty
        image = chart.grab().toImage()
        assert not image.isNull() and image.width() > 200
    assert page.month_chart.labels == [b.label for b in charts.trainees_by_month]
    assert [v for _n, v in page.occupation_chart.series] == [
        [b.value for b in charts.by_occupation]]
    # a long occupation name in a narrow chart: elided on screen, whole in the tooltip
    name = "工业机器人系统操作员（三级/高级工）超长名称示例文字"
    chart = BarChart(Qt.Orientation.Horizontal)
    qtbot.addWidget(chart)
    chart.set_data([(name, 12), ("电工", 3)])
    chart.resize(260, 120)
    chart.show()
    chart.grab()
    assert chart.tooltip_at(20, 10) == f"{name}: 12"
    assert chart.tooltip_at(20, 10 + chart._row_height()) == "电工: 3"
    assert chart.sizeHint().height() >= 2 * chart._row_height()
    vertical = BarChart()
    qtbot.addWidget(vertical)
    vertical.set_series(["1月", "2月"], [("学员", [5, 0]), ("证书", [0, 2])])
    vertical.resize(300, 200)
    vertical.show()
    vertical.grab()
    assert "学员: 5" in vertical.tooltip_at(vertical.width() * 0.2, vertical.height() - 40)
    # neighbouring bars of nearly equal height: their values stack instead of overlapping
    vertical.set_series([f"{m}月" for m in range(1, 13)],
                        [("学员", [186] * 12), ("证书", [183] * 12)])
    vertical.resize(420, 200)
    vertical.grab()
    boxes = vertical.value_boxes
    assert len(boxes) == 24 and all(box.top() >= 0 for box in boxes)
    assert not any(a.intersects(b) for n, a in enumerate(boxes) for b in boxes[n + 1:])


def test_chinese_screenshot(dash, qtbot, tmp_path):
    """Rendered in Chinese at the main window's page size (1280×800 less the navigation)."""
    i18n.set_language("zh_CN")
    page = DashboardPage(dash.runner, dash.hub)
    page.today = TODAY
    qtbot.addWidget(page)
    page.resize(1130, 778)
    page.show()
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.start()
    QApplication.processEvents()
    assert page.grab().save(str(tmp_path / "dashboard-zh.png"))
    assert page.cards["classes"].title.text() == i18n._("Classes") == "培训班"
    assert page.cards["pass"].title.text() == "合格率"
