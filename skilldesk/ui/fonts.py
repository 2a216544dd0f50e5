"""Register the bundled CJK font so Chinese renders on any machine."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from skilldesk import paths

log = logging.getLogger(__name__)
UI_POINT_SIZE = 10


def install(app: QApplication) -> str:
    """Register the font and make it the application font; return its family."""
    font_id = QFontDatabase.addApplicationFont(str(paths.cjk_font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("bundled CJK font could not be registered: %s", paths.cjk_font_path())
        return ""
    family = families[0]  # face 0 of the collection: WenQuanYi Micro Hei
    app.setFont(QFont(family, UI_POINT_SIZE))
    return family
