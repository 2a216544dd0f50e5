"""同步 page: this device and its fingerprint, pairing, bundles out and in (also dropped
on the page), the conflicts to decide, the data kept aside and the history with receipts.

All reads and writes run on the worker; every mutation is broadcast on the hub. The file
dialogs only choose paths: the work is in methods taking paths, which the tests call.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui import sync_dialogs as sd
from skilldesk.ui.claim_dialogs import documents_folder
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import ask_reason
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import row_key
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner
from skilldesk.ui.widgets import run_with_progress

EVERYTHING = Changes(institution=True, people=True, classes=True, catalogue=True,
                     claims=True, settings=True)


def _state(desk) -> dict:
    s = desk.sync
    return {"me": s.device(), "devices": s.devices(), "conflicts": s.conflicts(),
            "lost": s.lost(), "history": s.history()}


def _steps(progress):
    """The facade's ``progress(done, total)`` over a cancellable Progress."""
    def step(done: int, total: int) -> None:
        progress.check()
        progress.update(done, total)
    return step


class SyncPage(QWidget):
    sig_loaded = Signal()     # everything shown after a refresh
    sig_done = Signal(str)    # an action finished (its name; "<name>_failed" on an error)

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.open_after = True          # tests turn the PDF viewer and messages off
        self.state: dict = {}
        self.pair_dialog = self.receipt_dialog = self.device_dialog = None
        self.last_saved = ""
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        title = QLabel(_("Sync"))
        title.setStyleSheet(HEADING_STYLE)
        bar.addWidget(title)
        bar.addStretch(1)
        self.import_button = QPushButton(_("Import sync bundle…"))
        self.import_button.setObjectName("sync_import")
        self.import_button.setShortcut(QKeySequence("Ctrl+I"))
        self.import_button.setToolTip(_("Import a .tssync file from another device (Ctrl+I); "
                                        "you can also drop the file on this page"))
        self.import_button.clicked.connect(lambda: self.import_bundle())
        bar.addWidget(self.import_button)
        layout.addLayout(bar)

        box = QGroupBox(_("This device"))
        mine = QVBoxLayout(box)
        self.me_label = QLabel(_("Loading…"))
        self.me_label.setStyleSheet(HEADING_STYLE)
        self.fingerprint = sd.fingerprint_label("", 22)
        self.fingerprint.setObjectName("sync_fingerprint")
        note = sd.hint()
        note.setText(_("When pairing, the other device shows this fingerprint: check that "
                       "every group is the same on both screens."))
        row, _made = sd.button_row(
            ("sync_rename", _("Change name…"), self.open_device_dialog),
            ("sync_save_pairing", _("Save this device's pairing file…"), self.save_pairing),
            ("sync_load_pairing", _("Import the other device's pairing file…"),
             self.import_pairing))
        for part in (self.me_label, self.fingerprint, note, row):
            mine.addLayout(part) if isinstance(part, QHBoxLayout) else mine.addWidget(part)
        layout.addWidget(box)

        self.tabs = QTabWidget()
        self.devices_hint, self.conflicts_hint = sd.hint(), sd.hint()
        self.lost_hint, self.history_hint = sd.hint(), sd.hint()
        self.devices_table = make_table([_("Device name"), _("Device role"), _("Fingerprint"),
                                         _("Status"), _("Bundles sent"), _("Bundles received"),
                                         _("Changes to send")], "sync_devices")
        row, (self.export_button, self.unpair_button) = sd.button_row(
            ("sync_export", _("Export sync bundle…"), self.export_bundle),
            ("sync_unpair", _("Unpair…"), self.unpair))
        self.tabs.addTab(sd.tab(self.devices_hint, self.devices_table, row), _("Devices"))

        self.conflicts_table = make_table([], "sync_conflicts")
        self.conflicts_table.itemSelectionChanged.connect(self._show_options)
        self.option_row = QHBoxLayout()
        self.option_row.addStretch(1)
        self.option_buttons: list[QPushButton] = []
        lost_title = QLabel(_("Data kept aside"))
        lost_title.setStyleSheet(HEADING_STYLE)
        self.lost_table = make_table([_("Record"), _("What happened"), _("Kind of record"),
                                      _("Noticed")], "sync_lost")
        self.lost_table.doubleClicked.connect(lambda _i: self.show_lost())
        row2, (self.dismiss_button,) = sd.button_row(("sync_dismiss", _("Understood"),
                                                      self.dismiss))
        self.conflicts_tab = sd.tab(self.conflicts_hint, self.conflicts_table, self.option_row,
                                    lost_title, self.lost_hint, self.lost_table, row2)
        self.tabs.addTab(self.conflicts_tab, _("Conflicts"))

        self.history_table = make_table([_("When"), _("Direction"), _("Device"), _("No."),
                                         _("Kind"), _("Rows"), _("Result")], "sync_history")
        row3, (self.print_button, self.receipt_button) = sd.button_row(
            ("sync_print", _("Print receipt…"), self.print_receipt),
            ("sync_receipt", _("Export receipt bundle…"), self.export_receipt))
        self.tabs.addTab(sd.tab(self.history_hint, self.history_table, row3), _("History"))
        layout.addWidget(self.tabs, 1)
        for table in (self.devices_table, self.history_table, self.lost_table):
            table.itemSelectionChanged.connect(self._enable)
        hub.sig_changes.connect(self._on_changes)
        self._enable()

    # -- showing -------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self._runner.run(_state, on_done=self._show, on_error=lambda e: show_error(self, e))

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if changes.anything and initiator is not self:
            self.refresh()

    def _show(self, state: dict) -> None:
        self.state = state
        me, devices, history = state["me"], state["devices"], state["history"]
        conflicts, lost = state["conflicts"], state["lost"]
        self.me_label.setText(f"{me.name} · {sd.role_label(me.role)}")
        self.fingerprint.setText(me.fingerprint)
        fill_table(self.devices_table, sd.device_rows(devices), devices)
        fill_table(self.history_table, sd.history_rows(history), history)
        width = max([len(c.options) for c in conflicts] + [2])
        self.conflicts_table.setColumnCount(2 + width)
        self.conflicts_table.setHorizontalHeaderLabels([_("Record"), _("Field")] + [
            _("Value {n}").format(n=n) for n in range(1, width + 1)])
        fill_table(self.conflicts_table, [[c.record, c.field_label] + [
            sd.option_text(o) for o in c.options] for c in conflicts], conflicts)
        fill_table(self.lost_table, [[i.record, i.kind_label, i.table_label,
                                      sd.when(i.detected_at)] for i in lost], lost)
        for table in (self.devices_table, self.history_table, self.lost_table,
                      self.conflicts_table):
            table.resizeColumnsToContents()
            table.resizeRowsToContents()
        self.devices_hint.setText(sd.empty_devices(me.role) if not devices else _(
            "Select a device to export a sync bundle for it."))
        self.conflicts_hint.setText(_(
            "Each field below was changed differently on two devices. Select it and choose "
            "the value to keep; every device then takes it.") if conflicts else _(
            "No conflicts. A field changed differently on two devices would be listed here "
            "for you to choose the value to keep."))
        self.lost_hint.setText(_("Data that could not be merged is kept here; double-click "
                                 "a row to see it.") if lost else _("Nothing is kept aside."))
        self.lost_table.setVisible(bool(lost))
        self.dismiss_button.setVisible(bool(lost))
        self.history_hint.setText(_(
            "Bundles sent and received. For a received bundle, print its receipt or export "
            "the receipt bundle for the sender.") if history else _(
            "No bundles yet. Export one on the Devices tab, or import one with “Import sync "
            "bundle…”."))
        waiting = len(conflicts) + len(lost)
        self.tabs.setTabText(1, _("Conflicts ({count})").format(count=waiting) if waiting
                             else _("Conflicts"))
        self._show_options()
        self._enable()
        self.sig_loaded.emit()

    def _show_options(self) -> None:
        for button in self.option_buttons:
            button.deleteLater()
        self.option_buttons = []
        conflict = row_key(self.conflicts_table)
        for n, option in enumerate(conflict.options if conflict else (), start=1):
            button = QPushButton(sd.option_label(conflict, n))
            button.setObjectName(f"sync_keep_{n}")
            button.clicked.connect(lambda _c=False, k=conflict.key, v=option.value:
                                   self.resolve(k, v))
            self.option_row.insertWidget(n - 1, button)
            self.option_buttons.append(button)

    def _enable(self) -> None:
        device, entry = row_key(self.devices_table), row_key(self.history_table)
        for button in (self.export_button, self.unpair_button):
            button.setEnabled(bool(device and device.active))
        for button in (self.print_button, self.receipt_button):
            button.setEnabled(bool(entry and entry["direction"] == "in"
                                   and entry["kind"] == "data"))
        self.dismiss_button.setEnabled(row_key(self.lost_table) is not None)

    # -- helpers ---------------------------------------------------------------------

    def _after(self, changes: Changes | None, action: str) -> None:
        if changes is not None:
            self._hub.sig_changes.emit(changes, self)
        self.refresh()
        self.sig_done.emit(action)

    def _failed(self, action: str):
        def failed(exc: BaseException) -> None:
            show_error(self, exc)
            self.sig_done.emit(action + "_failed")
        return failed

    def _info(self, text: str) -> None:
        if self.open_after:
            box = QMessageBox(QMessageBox.Icon.Information, _("SkillDesk"), text,
                              QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def _ask_save(self, title: str, name: str, pattern: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, title, str(Path(documents_folder()) / name), _(pattern))
        suffix = Path(name).suffix
        return path + suffix if path and not path.lower().endswith(suffix) else path

    def _ask_open(self, title: str, pattern: str) -> str:
        return QFileDialog.getOpenFileName(self, title, documents_folder(), _(pattern))[0]

    def _export(self, action: str, op, title: str, message, path: str | None,
                progress_title: str = "") -> None:
        """Make a file on the worker (``op`` gives an ExportResult or (bytes, name)), save
        it where the user chooses, then say what to do with it."""
        def done(result) -> None:
            data, name = (result.data, result.file_name) if hasattr(result, "data") else result
            saved = path or self._ask_save(title, name, sd.PAIRING if name.endswith(".json")
                                           else sd.BUNDLES)
            if not saved:
                self._after(Changes(settings=True), action)
                return

            def written(_none) -> None:
                self.last_saved = saved
                self._after(Changes(settings=True), action)
                self._info(message(result, saved))
            # written on the side thread, under a temporary name until it is complete
            self._runner.run_side(lambda: _write_whole(Path(saved), data), on_done=written,
                                  on_error=self._failed(action))
        if progress_title:
            run_with_progress(self._runner, self, progress_title, op, on_done=done,
                              on_error=self._failed(action))
        else:
            self._runner.run(op, on_done=done, on_error=self._failed(action))

    # -- this device and pairing ---------------------------------------------------------

    def open_device_dialog(self) -> sd.DeviceDialog:
        me = self.state.get("me")
        self.device_dialog = dialog = sd.DeviceDialog(me.name if me else "",
                                                      me.role if me else "laptop", self)
        dialog.accepted.connect(lambda: self.set_device(*dialog.values()))
        dialog.open()
        return dialog

    def set_device(self, name: str, role: str) -> None:
        self._runner.run(lambda desk: desk.sync.set_device(name=name, role=role),
                         on_done=lambda ch: self._after(ch, "device"),
                         on_error=self._failed("device"))

    def save_pairing(self, path: str | None = None) -> None:
        self._export("pairing_file", lambda desk: desk.sync.pairing_file(),
                     _("Save this device's pairing file"), lambda _r, _p: _(
                         "Saved. Take the file to the other device and import it there with "
                         "“Import the other device's pairing file…”."), path)

    def import_pairing(self, path: str | None = None) -> None:
        path = path or self._ask_open(_("Choose the other device's pairing file"), sd.PAIRING)
        if not path:
            return
        data = Path(path).read_bytes()

        def confirm(info) -> None:
            self.pair_dialog = dialog = sd.PairDialog(info, self)
            dialog.accepted.connect(lambda: self._runner.run(
                lambda desk: desk.sync.pair(data), on_error=self._failed("pair"),
                on_done=lambda _info: self._after(Changes(settings=True), "pair")))
            dialog.open()
            self.sig_done.emit("pairing_read")
        self._runner.run(lambda desk: desk.sync.read_pairing(data), on_done=confirm,
                         on_error=self._failed("pairing_read"))

    def unpair(self, device=None, reason: str | None = None) -> None:
        device = device or row_key(self.devices_table)
        reason = reason or device and ask_reason(
            self, _("Unpair {device}").format(device=device.name), _(
                "Bundles from an unpaired device are refused and nothing more is sent to it. "
                "Why is it unpaired (for example: laptop lost)?"))
        if device and reason:
            self._runner.run(lambda desk: desk.sync.unpair(device.device_id, reason),
                             on_done=lambda ch: self._after(ch, "unpair"),
                             on_error=self._failed("unpair"))

    # -- bundles -----------------------------------------------------------------------

    def export_bundle(self, device=None, path: str | None = None) -> None:
        device = device or row_key(self.devices_table)
        if device is not None:
            self._export("export", lambda desk, progress: desk.sync.export_bundle(
                device.device_id, progress=_steps(progress)), _("Save the sync bundle"),
                lambda r, saved: _(
                    "Bundle no. {number} ({rows} records) was saved to {path}. Take the file "
                    "to {device} and import it there with “Import sync bundle…”.").format(
                        number=r.bundle_no, rows=r.rows, path=saved, device=device.name),
                path, _("Making the sync bundle for {device}").format(device=device.name))

    def import_bundle(self, path: str | None = None) -> None:
        path = path or self._ask_open(_("Choose the sync bundle"), sd.BUNDLES)
        if not path:
            return

        def done(result) -> None:
            self._hub.sig_changes.emit(EVERYTHING, self)
            self.refresh()
            self.receipt_dialog = dialog = sd.ReceiptDialog(result, self)
            dialog.sig_action.connect(lambda key: self._receipt_action(key, result))
            dialog.open()
            self.sig_done.emit("import")
        run_with_progress(self._runner, self, _("Importing the sync bundle"),
                          lambda desk, progress: desk.sync.import_bundle(
                              Path(path).read_bytes(), progress=_steps(progress)),
                          on_done=done, on_error=self._failed("import"))

    def _receipt_action(self, key: str, result) -> None:
        entry = {"id": result.bundle_id, "peer_name": result.peer.name}
        if key == "print":
            self.print_receipt(entry)
        elif key == "export":
            self.export_receipt(entry)
        else:
            self.receipt_dialog.accept()
            self.tabs.setCurrentWidget(self.conflicts_tab)

    def print_receipt(self, entry: dict | None = None, path: str | None = None) -> None:
        entry = entry or row_key(self.history_table)
        path = path or entry and self._ask_save(_("Save the receipt as PDF"), _(
            "sync-receipt-{name}.pdf").format(name=entry["id"][-8:]), N_("PDF files (*.pdf)"))
        if not path:
            return

        def done(_pages: int) -> None:
            self.sig_done.emit("receipt_pdf")
            if self.open_after:
                QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        run_with_progress(self._runner, self, _("Writing the receipt"),
                          lambda desk, _p: desk.sync.receipt_pdf(entry["id"], path),
                          on_done=done, on_error=self._failed("receipt_pdf"))

    def export_receipt(self, entry: dict | None = None, path: str | None = None) -> None:
        entry = entry or row_key(self.history_table)
        if entry is not None:
            self._export("receipt_bundle", lambda desk: desk.sync.receipt_bundle(entry["id"]),
                         _("Save the receipt bundle"), lambda _r, saved: _(
                             "Saved to {path}. Import this receipt bundle on {device} so it "
                             "knows what arrived.").format(path=saved,
                                                           device=entry["peer_name"]), path)

    # -- conflicts and data kept aside -------------------------------------------------

    def resolve(self, key: str, value) -> None:
        self._runner.run(lambda desk: desk.sync.resolve(key, value),
                         on_done=lambda ch: self._after(ch, "resolve"),
                         on_error=self._failed("resolve"))

    def dismiss(self, item=None) -> None:
        item = item or row_key(self.lost_table)
        if item is not None:
            self._runner.run(lambda desk: desk.sync.dismiss(item.id),
                             on_done=lambda ch: self._after(ch, "dismiss"),
                             on_error=self._failed("dismiss"))

    def show_lost(self) -> QMessageBox | None:
        item = row_key(self.lost_table)
        if item is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Information, item.record, item.kind_label,
                          QMessageBox.StandardButton.Close, self)
        box.setDetailedText(json.dumps(item.data, ensure_ascii=False, indent=2))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- a .tssync file dropped on the page --------------------------------------------

    @staticmethod
    def _dropped(event) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
        return paths[0] if len(paths) == 1 and paths[0].lower().endswith(".tssync") else None

    def dragEnterEvent(self, event) -> None:
        if self._dropped(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped(event)
        if path:
            event.acceptProposedAction()
            self.import_bundle(path)


def _write_whole(path: Path, data: bytes) -> None:
    """*data* to *path*, never half-written: a temporary name beside it, then one rename."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
