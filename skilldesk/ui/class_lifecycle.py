"""The lifecycle strip at the top of a class, and the blockers that explain a step."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.class_models import ACTION_LABELS
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import MAIN_PATH
from skilldesk.i18n import _
from skilldesk.rules.class_rules import Blocker

_DONE = "color: #146c2e; padding: 4px 8px;"
_CURRENT = ("color: white; background: #0b57d0; border-radius: 10px; padding: 4px 10px; "
            "font-weight: bold;")
_AHEAD = "color: #80868b; padding: 4px 8px;"
_OFF_PATH = ("color: white; background: #b3261e; border-radius: 10px; padding: 4px 10px; "
             "font-weight: bold;")
_AFTER = ("color: white; background: #6750a4; border-radius: 10px; padding: 4px 10px; "
          "font-weight: bold;")


class LifecycleStrip(QWidget):
    """The main path as steps: done (✓), the current one highlighted, the rest grey;
    a rejected or withdrawn class shows that state after the step it left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lifecycle_strip")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 4)
        self._layout.setSpacing(2)
        self.steps: dict[str, QLabel] = {}

    def set_state(self, state: str, transitions: list[dict]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.steps = {}
        reached = {"draft"} | {t["to_state"] for t in transitions} | {
            t["from_state"] for t in transitions}
        on_path = state in MAIN_PATH
        # where a class off the main path stands: the step it came from
        came_from = next((t["from_state"] for t in reversed(transitions)
                          if t["to_state"] == state), "draft")
        position = MAIN_PATH.index(state) if on_path else (
            len(MAIN_PATH) if state in ("claimed", "paid") else
            MAIN_PATH.index(came_from) if came_from in MAIN_PATH else 0)
        for number, step in enumerate(MAIN_PATH):
            if number:
                self._layout.addWidget(self._arrow())
            if step == state:
                text, style = _(CLASS_STATES[step]), _CURRENT
            elif number < position or (not on_path and number <= position and step in reached):
                text, style = "✓ " + _(CLASS_STATES[step]), _DONE
            else:
                text, style = _(CLASS_STATES[step]), _AHEAD
            self._add_step(step, text, style)
            if not on_path and state not in ("claimed", "paid") and number == position:
                self._layout.addWidget(self._arrow())
                self._add_step(state, _(CLASS_STATES[state]), _OFF_PATH)
        if state in ("claimed", "paid"):
            self._layout.addWidget(self._arrow())
            self._add_step(state, _(CLASS_STATES[state]), _AFTER)
        elif "rejected" in reached and state != "rejected":
            note = QLabel(_("(rejected once, revised)"))
            note.setStyleSheet("color: #b3261e; padding-left: 8px;")
            self._layout.addWidget(note)
        self._layout.addStretch(1)

    def _add_step(self, key: str, text: str, style: str) -> None:
        label = QLabel(text)
        label.setObjectName(f"step_{key}")
        label.setStyleSheet(style)
        self.steps[key] = label
        self._layout.addWidget(label)

    @staticmethod
    def _arrow() -> QLabel:
        arrow = QLabel("→")
        arrow.setStyleSheet("color: #9aa0a6;")
        return arrow

    def current(self) -> str:
        for key, label in self.steps.items():
            if label.styleSheet() in (_CURRENT, _OFF_PATH, _AFTER):
                return key
        return ""


class BlockerLink(QLabel):
    """One blocker message; clicking it (or Enter on it) opens the tab to fix it."""

    sig_go = Signal(str)  # tab key

    def __init__(self, blocker: Blocker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocker = blocker
        self.setObjectName(f"blocker_{blocker.code}")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setText(f'• <a href="{blocker.target}" style="color:#0b57d0;">'
                     f"{html.escape(blocker.message())}</a>")
        if blocker.clause:
            self.setToolTip(blocker.clause)
        self.linkActivated.connect(self.sig_go.emit)


class BlockersPanel(QFrame):
    """Why the next steps cannot be taken yet, one clickable line per blocker."""

    sig_go = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blockers_panel")
        self.setStyleSheet("#blockers_panel { background: #fdf6e3; border: 1px solid #e8d9a8; "
                           "border-radius: 6px; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setStyleSheet("background: transparent;")
        self._scroll = scroll
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        scroll.setWidget(self._inner)
        outer.addWidget(scroll)
        self.links: list[BlockerLink] = []
        self.hide()

    def show_blockers(self, by_state: dict[str, list[Blocker]]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.links = []
        for state, blockers in by_state.items():
            if not blockers:
                continue
            heading = QLabel(_("{action} — not possible yet:").format(
                action=_(ACTION_LABELS.get(state, state))))
            heading.setStyleSheet("font-weight: bold; color: #8a5a00;")
            self._layout.addWidget(heading)
            for blocker in blockers:
                link = BlockerLink(blocker)
                link.sig_go.connect(self.sig_go.emit)
                self._layout.addWidget(link)
                self.links.append(link)
        self.setVisible(bool(self.links))
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """As tall as the wrapped messages at the current width, up to a limit; more scroll."""
        width = max(self.width(), 600) - 24
        layout = self._layout
        height = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        self._scroll.setFixedHeight(min(height + 2, 150))
