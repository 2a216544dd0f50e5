"""The dialogs and pieces of the 同步 page: this device's name and role, confirming a
pairing by its fingerprint, the receipt shown after a bundle was imported, the small
layout helpers and the texts of the page's tables (roles, counts, dates).

The dialogs only collect a choice: the page runs the work on the worker.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE

BUNDLES = N_("Sync bundles (*.tssync);;All files (*)")
PAIRING = N_("Pairing files (*.json);;All files (*)")
ROLES = {"office": N_("Office PC"), "laptop": N_("Field laptop")}
# the counts of an import, in the order the receipt shows them
COUNTS = (("added", N_("Added")), ("updated", N_("Updated")), ("deleted", N_("Deleted")),
          ("duplicates", N_("Already here")), ("conflicts", N_("Conflicts")),
          ("kept_aside", N_("Kept aside")))


def empty_devices(role: str) -> str:
    """What to do while no device is paired (the steps differ on a laptop)."""
    if role == "office":
        return _("No paired devices yet. On the field laptop, save its pairing file and bring "
                 "it here to import; then import this PC's pairing file on the laptop.")
    return _("No paired devices yet. On the office PC, save its pairing file and bring it "
             "here to import; then import this laptop's pairing file on the office PC.")


def role_label(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


def when(stamp: str | None) -> str:
    """“2026-10-02T00:15:00Z” (UTC, as stored) → “2026-10-02 08:15” in local time."""
    try:
        moment = dt.datetime.fromisoformat((stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return (stamp or "").replace("T", " ")[:16]
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def counts_text(counts: dict) -> str:
    """“Added 3 · Updated 1 · …” with only the counts that are not zero."""
    parts = [f"{_(label)} {counts[key]}" for key, label in COUNTS if counts.get(key)]
    return " · ".join(parts) or _("No changes")


def value_text(value) -> str:
    return _("(empty)") if value in (None, "") else str(value)


def device_rows(devices: list) -> list[list[str]]:
    return [[d.name, role_label(d.role), d.fingerprint,
             _("Paired") if d.active else _("Unpaired on {date}: {reason}").format(
                 date=d.unpaired_at[:10], reason=d.unpair_reason),
             str(d.last_out_no), str(d.last_in_no), str(d.pending_changes) if d.active else "—"]
            for d in devices]


def history_rows(history: list[dict]) -> list[list[str]]:
    def outcome(h: dict) -> str:
        if h["direction"] == "in":
            return counts_text(h["counts"] or {}) if h["kind"] == "data" else _(
                "Confirms bundle no. {number}").format(
                    number=(h["receipt"] or {}).get("bundle_no", "?"))
        if h["kind"] != "data":
            return ""
        return (_("Confirmed by the device on {date}").format(date=h["acknowledged_at"][:10])
                if h["acknowledged_at"] else _("Not yet confirmed by the device"))
    return [[when(h["handled_at"]), _("Received") if h["direction"] == "in" else _("Sent"),
             h["peer_name"], str(h["bundle_no"]),
             _("Data") if h["kind"] == "data" else _("Receipt"), str(h["rows"]), outcome(h)]
            for h in history]


def option_text(option) -> str:
    here = _(" (this PC)") if option.is_here else ""
    who = f" · {option.user}" if option.user else ""
    return f"{value_text(option.value)}\n{option.device}{here} · {when(option.at)}{who}"


def option_label(conflict, n: int) -> str:
    """The button keeping option *n* (from 1) of a conflict."""
    options = conflict.options
    option = options[n - 1]
    if len(options) == 2 and sum(o.is_here for o in options) == 1:
        label = _("Keep this PC's value") if option.is_here else _(
            "Keep the other device's value")
    else:
        label = _("Keep value {n}").format(n=n)
    return f"{label}: {value_text(option.value)}"


def tab(*parts) -> QWidget:
    """A tab of the page: hints, tables (which take the height) and button rows."""
    page = QWidget()
    layout = QVBoxLayout(page)
    for part in parts:
        if isinstance(part, QHBoxLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part, 1 if hasattr(part, "rowCount") else 0)
    return page


def button_row(*specs) -> tuple[QHBoxLayout, list[QPushButton]]:
    """(object name, label, slot) → a left-aligned row of buttons."""
    row, made = QHBoxLayout(), []
    for name, label, slot in specs:
        button = QPushButton(label)
        button.setObjectName(name)
        button.clicked.connect(lambda _c=False, s=slot: s())
        row.addWidget(button)
        made.append(button)
    row.addStretch(1)
    return row, made


def hint() -> QLabel:
    """The grey line above a table: what it shows, or what to do while it is empty."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(MUTED_STYLE)
    return label


def fingerprint_label(text: str, size: int = 20) -> QLabel:
    """A fingerprint large, monospaced and selectable, to read aloud and compare."""
    label = QLabel(text)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPixelSize(size)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DeviceDialog(QDialog):
    """This device's name (shown to the other devices) and whether it is the office PC."""

    def __init__(self, name: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("This device"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("sync_device_name")
        self.name.setMaxLength(40)
        self.name.setPlaceholderText(_("For example: 外勤笔记本 1"))
        form.addRow(_("Device name"), self.name)
        self.role = QComboBox()
        self.role.setObjectName("sync_device_role")
        for key in ROLES:
            self.role.addItem(role_label(key), key)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        form.addRow(_("This is"), self.role)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), self.role.currentData()


class PairDialog(QDialog):
    """The other device as its pairing file describes it, and its fingerprint, to be
    compared with what that device's own screen shows before pairing."""

    def __init__(self, info, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_pair_dialog")
        self.setWindowTitle(_("Pair with {device}").format(device=info.name))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QLabel(_("{device} ({role})").format(device=info.name,
                                                   role=role_label(info.role)))
        head.setStyleSheet(HEADING_STYLE)
        layout.addWidget(head)
        ask = QLabel(_("Look at the Sync page on that device: its fingerprint must be exactly "
                       "the one below. Compare every group. If anything differs, do not "
                       "pair: the file is not from that device."))
        ask.setWordWrap(True)
        layout.addWidget(ask)
        self.fingerprint = fingerprint_label(info.fingerprint, 24)
        self.fingerprint.setObjectName("sync_pair_fingerprint")
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setStyleSheet("padding: 12px; border: 1px solid #c4c7c5; "
                                       "background: #f8f9fa;")
        layout.addWidget(self.fingerprint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm = buttons.addButton(_("The fingerprints match: pair"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setObjectName("sync_pair_confirm")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ReceiptDialog(QDialog):
    """What an imported bundle changed, with the next steps."""

    sig_action = Signal(str)  # "print", "export", "conflicts"

    def __init__(self, result, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_receipt_dialog")
        self.setMinimumWidth(480)
        self.result_ = result
        layout = QVBoxLayout(self)
        counts = result.counts or {}
        if result.kind == "receipt":
            self.setWindowTitle(_("Receipt imported"))
            text = _("{device} confirmed that it imported bundle no. {number} from this PC."
                     ).format(device=result.peer.name,
                              number=(result.receipt or {}).get("bundle_no", "?"))
        else:
            self.setWindowTitle(_("Bundle imported"))
            text = _("Bundle no. {number} from {device} was imported.").format(
                number=result.bundle_no, device=result.peer.name)
        head = QLabel(text)
        head.setWordWrap(True)
        head.setStyleSheet(HEADING_STYLE)
        layout.addWidget(head)
        grid = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(COUNTS):
            grid.addWidget(QLabel(_(label)), row, 0)
            value = QLabel(str(counts.get(key, 0)))
            value.setObjectName(f"sync_receipt_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            if key in ("conflicts", "kept_aside") and counts.get(key):
                value.setStyleSheet("color: #b3261e; font-weight: bold;")
            grid.addWidget(value, row, 1)
            self.count_labels[key] = value
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        note = QLabel(_("Print the receipt for the file, and send the receipt bundle back to "
                        "{device} so it knows what arrived.").format(device=result.peer.name)
                      if result.kind == "data" else "")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        layout.addWidget(note)
        if counts.get("conflicts"):
            warn = QLabel(_("Some fields were changed on both devices. Choose which value to "
                            "keep on the Conflicts tab."))
            warn.setWordWrap(True)
            layout.addWidget(warn)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.buttons: dict[str, QPushButton] = {}
        for key, label in (("print", N_("Print receipt…")),
                           ("export", N_("Export receipt bundle…")),
                           ("conflicts", N_("Show conflicts"))):
            button = buttons.addButton(_(label), QDialogButtonBox.ButtonRole.ActionRole)
            button.setObjectName(f"sync_receipt_{key}_button")
            button.clicked.connect(lambda _c=False, k=key: self.sig_action.emit(k))
            button.setVisible(result.kind == "data"
                              and (key != "conflicts" or bool(counts.get("conflicts"))))
            self.buttons[key] = button
        layout.addWidget(buttons)
