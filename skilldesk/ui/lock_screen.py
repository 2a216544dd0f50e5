"""The idle lock (issue 9): after some minutes without keyboard or mouse input the window
is covered until the same user types their password again (or 切换用户 signs out).

``IdleWatch`` watches the application's input events; ``LockScreen`` is an opaque child
covering the whole main window (menus included). The password is checked on the worker
like a login (``accounts.verify_current``: failures count toward the lock-out)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.accounts import AccountDisabled
from skilldesk.core.keystore import WrongPassword
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import _
from skilldesk.ui.tasks import TaskRunner

DEFAULT_IDLE_MINUTES = 10.0
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
          QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class IdleWatch(QObject):
    """Emits ``sig_idle`` once after *minutes* without input; input restarts the wait."""

    sig_idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(int(minutes * 60_000), 100))
        self._timer.timeout.connect(self.sig_idle)
        self.paused = False
        QApplication.instance().installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and not self.paused:
            self._timer.start()
        return False

    def restart(self) -> None:
        self.paused = False
        self._timer.start()

    def pause(self) -> None:
        self.paused = True
        self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QFrame):
    """Covers *window*; ``sig_unlocked`` after the right password, ``sig_switch_user``."""

    sig_unlocked = Signal()
    sig_switch_user = Signal()

    def __init__(self, window: QWidget, runner: TaskRunner, user: str, label: str) -> None:
        super().__init__(window)
        self.setObjectName("lock_screen")
        self._runner = runner
        self._user = user
        self.setAutoFillBackground(True)
        self.setStyleSheet("QFrame#lock_screen { background: #eef1f5; }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("lock_box")
        box.setStyleSheet("QFrame#lock_box { background: white; border: 1px solid #c8ccd2; "
                          "border-radius: 6px; }")
        box.setFixedWidth(420)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(24, 20, 24, 20)
        title = QLabel(_("SkillDesk is locked"))
        title.setStyleSheet("font-size: 18px; font-weight: bold; border: none;")
        inner.addWidget(title)
        text = QLabel(_("Locked after a time without use. {who}: type your password to "
                        "continue.").format(who=label))
        text.setObjectName("lock_text")
        text.setWordWrap(True)
        text.setStyleSheet("border: none;")
        inner.addWidget(text)
        self.password = QLineEdit()
        self.password.setObjectName("lock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password"))
        self.password.returnPressed.connect(self.unlock)
        inner.addWidget(self.password)
        self.message = QLabel()
        self.message.setObjectName("lock_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020; border: none;")
        self.message.hide()
        inner.addWidget(self.message)
        row = QHBoxLayout()
        self.switch_button = QPushButton(_("Switch user"))
        self.switch_button.setObjectName("switch_user")
        self.switch_button.clicked.connect(self.sig_switch_user)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        row.addWidget(self.switch_button)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        inner.addLayout(row)
        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(box)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(2)
        window.installEventFilter(self)
        self._cover()
        self.show()
        self.raise_()
        self.password.setFocus()

    def _cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._cover()
        return False

    def unlock(self) -> None:
        password = self.password.text()
        if not password:
            return
        self.unlock_button.setEnabled(False)
        self._runner.run(lambda desk: desk.accounts.verify_current(password),
                         on_done=self._on_verified, on_error=self._on_failed)

    def _on_verified(self, _account) -> None:
        self.sig_unlocked.emit()
        self.hide()
        self.deleteLater()

    def _on_failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        if isinstance(exc, WrongPassword):
            text = _("The password is wrong.")
        elif isinstance(exc, (AccountDisabled, SkilldeskError)):
            text = exc.user_message()
        else:
            text = repr(exc)
        self.message.setText(text)
        self.message.show()

    def keyPressEvent(self, event) -> None:
        # Escape and shortcuts must not reach the window underneath
        event.accept()


def lock_window(window, locked: bool) -> None:
    """While locked, nothing underneath takes input or shortcuts (Ctrl+1… included)."""
    window.menuBar().setEnabled(not locked)
    window.centralWidget().setEnabled(not locked)
