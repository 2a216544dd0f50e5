"""The 同步 page in a real window over the demo database (the office PC) with a second real
database as the field laptop: pairing through the fingerprint dialog, a bundle exported
for the laptop, bundles imported through the page (button, drop, Ctrl+I), a replay
refused, a conflict listed and resolved, receipts printed and exported."""

from __future__ import annotations

import dataclasses
import os
import re
import threading

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtCore import QPoint
from PySide6.QtCore import QPointF
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QFileDialog

from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.rules.identifiers import id_check_char
from skilldesk.ui import sync_page as sync_page_module


def _export(desk, device_id):
    return desk.sync.export_bundle(device_id)


def _ask(qtbot, gui, op):
    box = []
    gui.runner.run(op, on_done=box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20_000)
    return box[0]


@pytest.fixture
def laptop(tmp_path):
    desk = Desk.open(tmp_path / "laptop.skilldesk", create=True)
    yield desk
    desk.close()


@pytest.fixture
def page(qtbot, gui):
    gui.window.show_page("sync")
    page = gui.window.sync_page
    page.open_after = False
    qtbot.waitUntil(lambda: "me" in page.state, timeout=10_000)
    return page


@pytest.fixture
def paired(qtbot, gui, page, laptop):
    """Office and laptop paired both ways (through the facade); the page shows it."""
    office = _ask(qtbot, gui, lambda d: d.sync.pairing_file()[0])
    laptop.sync.pair(office)
    info = _ask(qtbot, gui, lambda d: d.sync.pair(laptop.sync.pairing_file()[0]))
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.refresh()
    return info


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(sync_page_module, "show_error", lambda _parent, exc: shown.append(exc))
    return shown


def _files(monkeypatch, save=None, open_=None):
    calls = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (calls.append(a) or (str(save or ""), "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (calls.append(a) or (str(open_ or ""), "")))
    return calls


def _set_phone(desk, person_id, phone):
    person = desk.people.get(person_id)
    fields = {f.name: getattr(person, f.name) for f in dataclasses.fields(PersonDraft)}
    return desk.people.save(PersonDraft(**{**fields, "phone": phone}), person_id=person_id)


def _click(qtbot, page, button, action):
    with qtbot.waitSignal(page.sig_done, timeout=20_000,
                          check_params_cb=lambda name: name == action):
        button.click()


def test_this_device_and_pairing_through_the_dialog(qtbot, gui, page, laptop, tmp_path,
                                                    monkeypatch, errors):
    me = _ask(qtbot, gui, lambda d: d.sync.device())
    assert page.fingerprint.text() == me.fingerprint
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", me.fingerprint)
    assert me.name in page.me_label.text() and "Office PC" in page.me_label.text()
    assert page.devices_table.rowCount() == 0
    assert page.devices_hint.text().startswith("No paired devices yet. On the field laptop")
    assert not page.export_button.isEnabled()

    # our pairing file, saved through the page, pairs on the laptop
    ours = tmp_path / "office-pairing"
    _files(monkeypatch, save=ours)
    _click(qtbot, page, page.findChild(type(page.import_button), "sync_save_pairing"),
           "pairing_file")
    assert page.last_saved == str(ours) + ".json"
    assert laptop.sync.pair((tmp_path / "office-pairing.json").read_bytes()).fingerprint \
        == me.fingerprint

    # our own file back is refused with the core's message
    _files(monkeypatch, open_=tmp_path / "office-pairing.json")
    _click(qtbot, page, page.findChild(type(page.import_button), "sync_load_pairing"),
           "pairing_read_failed")
    assert [e.code for e in errors] == ["E_SELF"]

    # the laptop's file: the dialog shows its name, role and fingerprint; confirm pairs
    data, _name = laptop.sync.pairing_file()
    theirs = tmp_path / "laptop.json"
    theirs.write_bytes(data)
    _files(monkeypatch, open_=theirs)
    _click(qtbot, page, page.findChild(type(page.import_button), "sync_load_pairing"),
           "pairing_read")
    dialog = page.pair_dialog
    assert dialog.isVisible()
    other = laptop.sync.device()
    assert dialog.fingerprint.text() == other.fingerprint
    assert other.name in dialog.windowTitle() and "Field laptop" in dialog.findChildren(
        type(dialog.fingerprint))[0].text()
    assert _ask(qtbot, gui, lambda d: d.sync.devices()) == []     # nothing stored yet
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        _click(qtbot, page, dialog.confirm, "pair")
    assert page.devices_table.rowCount() == 1
    cells = [page.devices_table.item(0, c).text() for c in range(7)]
    assert cells[:4] == [other.name, "Field laptop", other.fingerprint, "Paired"]
    assert page.devices_hint.text().startswith("Select a device")

    # rename this device
    dialog = page.open_device_dialog()
    dialog.name.setText("办公室电脑")
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        dialog.accept()
    assert page.me_label.text().startswith("办公室电脑")
    assert not errors[1:]
    assert threading.get_ident() not in gui.db_threads


def test_export_for_a_device_and_the_laptop_imports_it(qtbot, gui, page, laptop, paired,
                                                       tmp_path, monkeypatch, errors):
    page.devices_table.selectRow(0)
    assert page.export_button.isEnabled()
    target = tmp_path / "to-laptop.tssync"
    calls = _files(monkeypatch, save=target)
    with qtbot.waitSignal(page.sig_loaded, timeout=20_000):
        _click(qtbot, page, page.export_button, "export")
    assert calls and calls[0][2].endswith("-0001.tssync")      # the suggested file name
    result = laptop.sync.import_bundle(target.read_bytes())
    assert result.kind == "data" and result.counts["added"] > 400
    assert laptop.people.total() == _ask(qtbot, gui, lambda d: d.people.total())
    assert page.devices_table.item(0, 4).text() == "1"          # bundles sent
    assert page.history_table.rowCount() == 1
    assert page.history_table.item(0, 1).text() == "Sent"
    assert "Not yet confirmed" in page.history_table.item(0, 6).text()
    page.history_table.selectRow(0)
    assert not page.print_button.isEnabled()                    # only for bundles received
    assert not errors


def test_import_by_drop_receipt_replay_and_history(qtbot, gui, page, laptop, paired,
                                                   tmp_path, monkeypatch, errors):
    office_id = _ask(qtbot, gui, lambda d: d.sync.device().device_id)
    body = "32050819900101123"
    laptop.people.save(PersonDraft(name="外勤新学员", id_number=body + id_check_char(body),
                                   phone="13900001111"))
    bundle = tmp_path / "from-laptop.tssync"
    bundle.write_bytes(_export(laptop, office_id).data)
    people_before = _ask(qtbot, gui, lambda d: d.people.total())

    # dropped on the page
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bundle))])
    args = (QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(*args)
    enter.setAccepted(False)
    page.dragEnterEvent(enter)
    assert enter.isAccepted()
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile(str(tmp_path / "roster.xlsx"))])
    refused = QDragEnterEvent(args[0], args[1], other, *args[3:])
    refused.setAccepted(False)
    page.dragEnterEvent(refused)
    assert not refused.isAccepted()
    drop = QDropEvent(QPointF(20, 20), *args[1:])
    with qtbot.waitSignal(page.sig_done, timeout=20_000,
                          check_params_cb=lambda name: name == "import"):
        page.dropEvent(drop)
    dialog = page.receipt_dialog
    history = _ask(qtbot, gui, lambda d: d.sync.history())
    counts = history[0]["counts"]
    assert counts["added"] >= 1
    assert {k: int(v.text()) for k, v in dialog.count_labels.items()} == {
        k: counts[k] for k in dialog.count_labels}
    assert _ask(qtbot, gui, lambda d: d.people.total()) == people_before + 1
    assert not dialog.buttons["conflicts"].isVisibleTo(dialog)

    # the receipt from the dialog: a PDF, and the receipt bundle the laptop takes
    pdf = tmp_path / "receipt.pdf"
    _files(monkeypatch, save=pdf)
    _click(qtbot, page, dialog.buttons["print"], "receipt_pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # a replay is refused with the core's message and changes nothing
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 1, timeout=10_000)
    _files(monkeypatch, open_=bundle)
    dialog.reject()
    page.receipt_dialog = None
    gui.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is gui.window, timeout=5_000)
    with qtbot.waitSignal(page.sig_done, timeout=20_000,
                          check_params_cb=lambda name: name == "import_failed"):
        qtbot.keyClick(page.tabs, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert [e.code for e in errors] == ["E_REPLAY"]
    assert "already imported" in errors[0].user_message()
    assert page.receipt_dialog is None
    assert len(_ask(qtbot, gui, lambda d: d.sync.history())) == 1
    assert _ask(qtbot, gui, lambda d: d.people.total()) == people_before + 1

    # history: the bundle received, its receipt printed again and the receipt bundle
    assert page.history_table.item(0, 1).text() == "Received"
    assert "Added" in page.history_table.item(0, 6).text()
    page.history_table.selectRow(0)
    assert page.print_button.isEnabled() and page.receipt_button.isEnabled()
    again = tmp_path / "again.pdf"
    page.print_receipt(path=str(again))
    qtbot.waitUntil(again.exists, timeout=20_000)
    ack = tmp_path / "ack.tssync"
    _files(monkeypatch, save=ack)
    _click(qtbot, page, page.receipt_button, "receipt_bundle")
    taken = laptop.sync.import_bundle(ack.read_bytes())
    assert taken.kind == "receipt" and taken.receipt["bundle_id"] == history[0]["id"]
    assert [h["acknowledged_at"] is not None for h in laptop.sync.history()
            if h["direction"] == "out"] == [True]
    assert not errors[1:]
    assert threading.get_ident() not in gui.db_threads


def test_a_conflict_is_listed_and_resolved(qtbot, gui, page, laptop, paired, tmp_path,
                                           monkeypatch, errors):
    office_id = _ask(qtbot, gui, lambda d: d.sync.device().device_id)
    laptop_id = laptop.sync.device().device_id
    laptop.sync.import_bundle(_ask(qtbot, gui, lambda d: _export(d, laptop_id)).data)
    person_id = _ask(qtbot, gui, lambda d: d.people.search().rows[0].id)
    _ask(qtbot, gui, lambda d: _set_phone(d, person_id, "13911112222"))
    _set_phone(laptop, person_id, "13833334444")
    bundle = tmp_path / "from-laptop.tssync"
    bundle.write_bytes(_export(laptop, office_id).data)

    with qtbot.waitSignal(page.sig_loaded, timeout=20_000):
        page.import_bundle(str(bundle))
    dialog = page.receipt_dialog
    assert dialog.count_labels["conflicts"].text() == "1"
    assert dialog.buttons["conflicts"].isVisibleTo(dialog)
    dialog.buttons["conflicts"].click()
    assert page.tabs.currentWidget() is page.conflicts_tab
    assert page.tabs.tabText(1) == "Conflicts (1)"
    table = page.conflicts_table
    assert table.rowCount() == 1
    assert table.item(0, 1).text() == "Mobile"
    here, there = table.item(0, 2).text(), table.item(0, 3).text()
    assert here.startswith("13911112222") and "(this PC)" in here
    assert there.startswith("13833334444") and "(this PC)" not in there
    assert page.lost_table.rowCount() == 0 and page.lost_hint.text() == "Nothing is kept aside."

    table.selectRow(0)
    assert [b.text() for b in page.option_buttons] == [
        "Keep this PC's value: 13911112222", "Keep the other device's value: 13833334444"]
    shot = os.environ.get("SYNC_PAGE_PNG")
    if shot:
        gui.window.resize(1280, 800)
        page.tabs.setCurrentIndex(0)
        page.devices_table.selectRow(0)
        QApplication.processEvents()
        assert gui.window.grab().save(shot)
        page.tabs.setCurrentWidget(page.conflicts_tab)
        table.selectRow(0)
        assert gui.window.grab().save(shot.replace(".png", "-conflicts.png"))
    with qtbot.waitSignal(page.sig_loaded, timeout=20_000):
        _click(qtbot, page, page.option_buttons[1], "resolve")
    assert table.rowCount() == 0 and page.option_buttons == []
    assert page.tabs.tabText(1) == "Conflicts"
    assert _ask(qtbot, gui, lambda d: d.people.get(person_id).phone) == "13833334444"
    assert _ask(qtbot, gui, lambda d: d.sync.conflicts()) == []
    assert not errors


def test_unpair_refuses_that_device(qtbot, gui, page, laptop, paired, monkeypatch, errors):
    page.devices_table.selectRow(0)
    with qtbot.waitSignal(page.sig_loaded, timeout=10_000):
        page.unpair(reason="笔记本丢失")
    assert page.devices_table.item(0, 3).text().startswith("Unpaired on ")
    assert "笔记本丢失" in page.devices_table.item(0, 3).text()
    page.devices_table.selectRow(0)
    assert not page.export_button.isEnabled() and not page.unpair_button.isEnabled()
    assert not errors


def test_export_then_import_on_the_same_pc(qtbot, gui, page, laptop, paired, tmp_path,
                                           monkeypatch, errors):
    page.devices_table.selectRow(0)
    _files(monkeypatch, save=tmp_path / "out.tssync")
    _click(qtbot, page, page.export_button, "export")
    assert not _ask(qtbot, gui, lambda d: d.db.conn.in_transaction)
