"""关于 SkillDesk: the version and what it runs on, and licences that cannot go stale
silently (every runtime dependency of pyproject.toml is in the notices file)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from skilldesk import __version__
from skilldesk.ui import about_dialog
from skilldesk.ui.about_dialog import AboutDialog

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0] for r in data["project"]["dependencies"]]


def test_every_runtime_dependency_is_in_the_notices():
    notices = about_dialog.notices_path().read_text(encoding="utf-8")
    declared = _declared()
    assert len(declared) >= 10
    for name in declared:
        assert re.search(rf"^\| {re.escape(name)}\b", notices, re.M | re.I), \
            f"{name} is a dependency in pyproject.toml but not in THIRD-PARTY-NOTICES.md"
    assert about_dialog.declared_dependencies() == declared
    # Qt's LGPL notice with where the source is; SQLCipher's licence; the font
    for text in ("LGPL-3.0", "https://download.qt.io", "ZETETIC LLC", "WenQuanYi Micro Hei",
                 "Apache License 2.0"):
        assert text in notices, text


def test_what_the_dependencies_bring_is_listed_too():
    notices = about_dialog.notices_path().read_text(encoding="utf-8").lower()
    bundled = [n for n in about_dialog.runtime_dependencies() if n.lower() != "pip"]
    missing = [n for n in bundled if n.lower().replace("_", "-") not in
               notices.replace("_", "-")]
    assert not missing, missing


def test_the_dialog_shows_the_version_and_the_font_licence(qtbot, gui):
    window = gui.window
    dialog = window.trigger("about")
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    title = dialog.findChild(about_dialog.QLabel, "about_title")
    assert title.text() == f"SkillDesk {__version__}"
    assert dialog.windowTitle() == "About SkillDesk"
    qtbot.waitUntil(lambda: "asking" not in dialog.versions_text.toPlainText(), timeout=10_000)
    versions = dialog.versions_text.toPlainText()
    assert f"SkillDesk: {__version__}" in versions
    assert re.search(r"SQLCipher: \d+\.\d+", versions), versions
    assert "PySide6: " in versions and "Qt: 6." in versions
    assert f"Database file: {window.db_path}" in versions
    font = dialog.font_text.toPlainText()
    assert "WenQuanYi Micro Hei" in font
    assert "Apache License" in font and "Version 2.0, January 2004" in font
    assert "TERMS AND CONDITIONS" in font
    assert "PySide6-Essentials" in dialog.notices_text.toPlainText()
    assert dialog.notices_text.isReadOnly() and dialog.font_text.isReadOnly()
    qtbot.waitUntil(lambda: dialog.packages_text.toPlainText() != "Loading…", timeout=20_000)
    assert "====" in dialog.packages_text.toPlainText()   # the packages' own licence files
    dialog.close()
