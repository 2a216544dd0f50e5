"""关于 SkillDesk: the version, the versions of what it runs on, the database file, and the
licences of everything bundled (the notices file, the font's licence text, and the licence
files the Python packages ship, when the build contains them)."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import sys
import tomllib
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk import __version__
from skilldesk import paths
from skilldesk.i18n import _
from skilldesk.storage.driver import sqlite3
from skilldesk.ui.tasks import TaskRunner

LICENSES_DIR = "licenses"
NOTICES_FILE = "THIRD-PARTY-NOTICES.md"
FONT_LICENSE_FILE = "LICENSE-Apache-2.0.txt"
_LICENSE_NAMES = ("license", "licence", "copying", "notice", "authors")


def notices_path() -> Path:
    return paths.resources_dir() / LICENSES_DIR / NOTICES_FILE


def font_license_path() -> Path:
    return paths.fonts_dir() / FONT_LICENSE_FILE


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return _("The file {path} is missing from this installation.").format(path=path)


def _distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "—"


def sqlcipher_version() -> str:
    """SQLCipher's version, asked of a throw-away in-memory connection (no database file
    is touched; called off the GUI thread)."""
    connection = sqlite3.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
    finally:
        connection.close()
    return row[0] if row else "—"


def program_folder() -> Path:
    """Where the program's files are: the folder of skilldesk.exe in a built copy (its
    Qt libraries are there), else the installed package."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return paths.resources_dir().parent


def versions() -> list[tuple[str, str]]:
    return [
        ("SkillDesk", __version__),
        ("Python", f"{platform.python_version()} ({platform.architecture()[0]})"),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
        ("SQLite", sqlite3.sqlite_version),
        ("reportlab", _distribution_version("reportlab")),
        ("cryptography", _distribution_version("cryptography")),
        (_("Operating system"), platform.platform()),
    ]


def _requirement_names(distribution: str) -> list[str]:
    try:
        requirements = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    return [re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
            for requirement in requirements if "extra ==" not in requirement]


def declared_dependencies() -> list[str]:
    """The runtime dependencies ``pyproject.toml`` declares (when running from the source
    tree), else those of the installed metadata."""
    pyproject = paths.resources_dir().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            return [re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
                    for requirement in data["project"]["dependencies"]]
        except (OSError, KeyError, ValueError):
            pass
    return _requirement_names("skilldesk")


def runtime_dependencies() -> list[str]:
    """SkillDesk's runtime packages and what they pull in (breadth first, each once)."""
    found: list[str] = []
    queue = declared_dependencies()
    while queue:
        name = queue.pop(0)
        key = name.lower().replace("_", "-")
        if key in {n.lower().replace("_", "-") for n in found}:
            continue
        found.append(name)
        queue.extend(_requirement_names(name))
    return found


def package_license_texts(names: list[str] | None = None) -> str:
    """The licence files the installed runtime packages carry (their dist-info), one
    after another; empty when the build has no package metadata."""
    parts = []
    for name in names or runtime_dependencies():
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            if not file.name.lower().startswith(_LICENSE_NAMES):
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            parts.append(f"==== {dist.metadata['Name']} {dist.version} — {file.name} ====\n\n"
                         f"{text.strip()}\n")
    return "\n\n".join(parts)


class AboutDialog(QDialog):
    def __init__(self, *, db_path: str | Path | None = "", runner: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(_("About SkillDesk"))
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        title = QLabel(_("SkillDesk {version}").format(version=__version__))
        title.setObjectName("about_title")
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(title)
        summary = QLabel(_("Offline management of vocational training for Suzhou "
                           "institutions: rosters, classes, subsidies, claims."))
        summary.setWordWrap(True)
        layout.addWidget(summary)

        self.tabs = QTabWidget()
        self.versions_text = self._text_view("about_versions")
        self.versions_rows = versions()
        self.db_path = str(db_path or "")
        self._show_versions(_("asking…"))
        self.notices_text = self._text_view("about_notices")
        self.notices_text.setPlainText(_read(notices_path()))
        self.font_text = self._text_view("about_font_license")
        self.font_text.setPlainText(
            _("Font: WenQuanYi Micro Hei (文泉驿微米黑), Apache License 2.0.") + "\n\n"
            + _read(paths.fonts_dir() / "README.md") + "\n\n" + _read(font_license_path()))
        self.packages_text = self._text_view("about_package_licenses")
        self.packages_text.setPlainText(_("Loading…"))
        self.tabs.addTab(self.versions_text, _("About"))
        self.tabs.addTab(self.notices_text, _("Third-party notices"))
        self.tabs.addTab(self.font_text, _("Font licence"))
        self.tabs.addTab(self.packages_text, _("Licence texts"))
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        # SQLCipher's version needs a connection and the licence texts many small file
        # reads: both off the GUI thread when a runner is at hand
        if runner is not None:
            runner.run_side(sqlcipher_version, on_done=self._show_versions,
                            on_error=lambda _exc: self._show_versions("—"))
            runner.run_side(package_license_texts, on_done=self._show_package_texts,
                            on_error=lambda _exc: self._show_package_texts(""))
        else:
            self._show_versions(sqlcipher_version())
            self._show_package_texts(package_license_texts())

    @staticmethod
    def _text_view(name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setObjectName(name)
        view.setReadOnly(True)
        font = QFont(view.font())
        font.setPointSize(max(font.pointSize(), 10))
        view.setFont(font)
        return view

    def _show_versions(self, cipher: str) -> None:
        lines = [f"{name}: {version}" for name, version in self.versions_rows]
        lines.insert(5, f"SQLCipher: {cipher}")
        lines.append("")
        lines.append(_("Database file: {path}").format(
            path=self.db_path or _("(none open)")))
        lines.append(_("Program folder: {path}").format(path=program_folder()))
        self.versions_text.setPlainText("\n".join(lines))

    def _show_package_texts(self, text: str) -> None:
        self.packages_text.setPlainText(text or _(
            "This build does not carry the packages' own licence files; the list on the "
            "“Third-party notices” tab names each licence and where to read it."))
