"""Child process for the start-up benchmark. Prints seconds since the parent
launched it (argv[2] = launch time.time()) at two moments:

- ``interactive``: the main window is shown and the event loop turns;
- ``first_page``: the people page shows its first screen of rows.

``bare`` mode starts a bare PySide6 QMainWindow the same way, for the ratio.
"""

from __future__ import annotations

import sys
import time

mode, launched = sys.argv[1], float(sys.argv[2])

if mode == "bare":
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from PySide6.QtWidgets import QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()

    def interactive() -> None:
        print(f"interactive {time.time() - launched:.4f}", flush=True)
        app.quit()

    QTimer.singleShot(0, interactive)
    app.exec()
    sys.exit(0)

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from skilldesk import config  # noqa: E402
from skilldesk.ui.app import parse_args  # noqa: E402
from skilldesk.ui.controller import AppController  # noqa: E402

db = sys.argv[3]
app = QApplication(sys.argv[:1])
args = parse_args(["--db", db, "--no-crash-dialog"])
controller = AppController(app, args, config.Preferences(language="zh_CN"), Path("startup.log"))
controller._open(Path(db), create=False)
QTimer.singleShot(0, lambda: print(f"interactive {time.time() - launched:.4f}", flush=True))


def first_page() -> None:
    print(f"first_page {time.time() - launched:.4f}", flush=True)
    QTimer.singleShot(0, app.quit)


controller.window.people_page.sig_ready.connect(first_page)
app.exec()
controller.runner.shutdown()
