"""Start the GUI: arguments, QApplication, font, language, crash handler,
which database to open (first-run set-up or demo), and ``--screenshot``.

``skilldesk FILE`` is what Windows Explorer runs for a double-clicked file: a claim
package (``.tsclaim``) opens in the review mode, a sync bundle (``.tssync``) is
imported on the 同步 page, a database (``.skilldesk``) is opened; anything else is
explained in a message."""

from __future__ import annotations

import argparse
import os
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from skilldesk import __version__
from skilldesk import config
from skilldesk import i18n
from skilldesk import logging_setup
from skilldesk import paths
from skilldesk.app_info import APP_NAME
from skilldesk.app_info import ORG_DOMAIN
from skilldesk.app_info import ORG_NAME
from skilldesk.ui.controller import AppController

PAGES = ("dashboard", "people", "classes", "claims", "sync", "audit", "policy", "settings")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="skilldesk", description="SkillDesk")
    parser.add_argument("--version", action="version", version=f"skilldesk {__version__}")
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="a claim package (.tsclaim), sync bundle (.tssync) or database "
                             "(.skilldesk) to open, as Explorer passes it")
    parser.add_argument("--db", metavar="PATH", help="open this database file")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo institution (created on first use)")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="render the window offscreen to a PNG and exit")
    parser.add_argument("--page", choices=PAGES, default="dashboard")
    parser.add_argument("--view", metavar="NAME",
                        help="with --screenshot: open a view first, e.g. class:CODE:TAB, "
                             "claim:NO, review:PACKAGE, shortcuts, about "
                             "(skilldesk/ui/screenshot_views.py lists them)")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES))
    parser.add_argument("--no-crash-dialog", action="store_true")
    parser.add_argument("--user", metavar="NAME",
                        help="--screenshot of a database with accounts: sign in as NAME "
                             "(password in SKILLDESK_PASSWORD)")
    parser.add_argument("--idle-minutes", type=float, metavar="N",
                        help="lock the window after N minutes without input (default 10)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    log_path = logging_setup.setup()
    prefs = config.load()
    i18n.set_language(args.lang or prefs.language)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "skilldesk.png")))
    controller = AppController(app, args, prefs, log_path)
    return controller.run()
