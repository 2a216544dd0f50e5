"""The roster import in the GUI: mapping, preview with highlighted cells, import, undo."""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtCore import QPointF
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDropEvent

from skilldesk.ui.import_dialog import ImportDialog
from skilldesk.ui.preview_model import PreviewModel
from tests.core.test_roster_import import A
from tests.core.test_roster_import import roster_rows
from tests.imports.files import write_xlsx


def _open(qtbot, gui, path) -> ImportDialog:
    dialog = gui.window.people_page.open_import(str(path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=15_000)
    return dialog


def test_preview_highlights_invalid_cells_and_imports_the_valid_rows(qtbot, gui, tmp_path):
    path = write_xlsx(tmp_path / "花名册.xlsx", {"学员花名册": roster_rows()},
                      merges={"学员花名册": ["A1:H1"]})
    total_before = gui.window.people_page.model.total
    dialog = _open(qtbot, gui, path)
    assert "9" in dialog.summary.text() and "6" in dialog.summary.text()
    model: PreviewModel = dialog.table.model()
    # row 6 has the ID stored as a number: its ID cell is red with the reason as tooltip
    view_row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == 6)
    id_column = model.FIXED + 3
    cell = model.index(view_row, id_column)
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Excel" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(view_row, 1).data() == "Invalid"
    assert dialog.problem_list.count() >= 6
    dialog.only_problems.setChecked(True)
    assert model.rowCount() == 7  # six invalid rows and the note row
    assert dialog.import_button.isEnabled() and "3" in dialog.import_button.text()
    dialog.strict.setChecked(True)
    assert not dialog.import_button.isEnabled()
    dialog.strict.setChecked(False)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=15_000)
    assert "3 new" in dialog.result_label.text()
    page = gui.window.people_page
    qtbot.waitUntil(lambda: page.model.total == total_before + 3, timeout=10_000)
    # undo puts everything back
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: not dialog.undo_button.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.model.total == total_before, timeout=10_000)


def test_the_user_corrects_the_column_mapping(qtbot, gui, tmp_path):
    rows = [["学员", "证件", "备用电话"], ["王小明", A, "13912345678"]]
    path = write_xlsx(tmp_path / "odd.xlsx", {"S": rows}, text_columns=[1])
    dialog = gui.window.people_page.open_import(str(path))
    qtbot.addWidget(dialog)
    # no header is recognised: the reason is shown and the columns are offered for mapping
    qtbot.waitUntil(lambda: dialog.mapping_table.rowCount() == 3, timeout=10_000)
    assert dialog.pages.currentIndex() == 0 and dialog.source_message.isVisible()
    assert "王小明" in dialog.mapping_table.item(0, 1).text()
    for column, field in enumerate(("name", "id_number", "phone")):
        combo = dialog.mapping_table.cellWidget(column, 2)
        combo.setCurrentIndex(combo.findData(field))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10_000)
    assert dialog.preview.counts["new"] == 1
    assert dialog.preview.rows[0].values["phone"] == "13912345678"


def test_dropping_a_file_on_the_people_page_opens_the_import(qtbot, gui, tmp_path):
    path = write_xlsx(tmp_path / "drop.xlsx", {"S": [["姓名", "身份证号"], ["王小明", A]]},
                      text_columns=[1])
    page = gui.window.people_page
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)
    dialog = page.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10_000)
    assert dialog.preview.counts["new"] == 1
    dialog.close()


def test_export_of_the_people_shown(qtbot, gui, tmp_path):
    page = gui.window.people_page
    target = tmp_path / "people.xlsx"
    page.export_to(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=30_000)
    qtbot.waitUntil(lambda: "people.xlsx" in page.count_label.text(), timeout=10_000)


def test_an_update_says_what_it_will_change(qtbot, gui, tmp_path):
    from skilldesk.core.models import PersonDraft
    from tests.core.test_roster_import import STORED

    gui.runner.run(lambda desk: desk.people.save(
        PersonDraft(name="吴存", id_number=STORED, phone="13800000000")))
    gui.runner.wait_idle()
    path = write_xlsx(tmp_path / "r.xlsx", {"S": roster_rows()})
    dialog = _open(qtbot, gui, path)
    model = dialog.table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == 12)
    assert model.index(row, 1).data() == "Update"
    tip = model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "Mobile: 13800000000 → 13900000000" in tip
    assert "Categories added" in tip
    dialog.close()


def test_update_tooltips_show_recorded_facts_as_a_clerk_reads_them():
    from skilldesk.ui.preview_model import _shown

    assert _shown("pension", 0) == "No" and _shown("pension", 1) == "Yes"
    assert _shown("pension", None) == "(empty)" and _shown("insured_months", 0) == "0"
    assert _shown("phone", "") == "(empty)" and _shown("phone", "13912345678") == "13912345678"
