"""Fast checks of the packaging files: the Linux desktop entry and MIME types, the icons,
and that the Windows workflow, the installer script and the Linux build agree."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from skilldesk import __version__
from skilldesk import paths

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
DESKTOP = INSTALLERS / "linux" / "skilldesk.desktop"
MIME_XML = INSTALLERS / "linux" / "skilldesk-mime.xml"
ISS = INSTALLERS / "windows" / "skilldesk.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
ICONS = paths.resources_dir() / "icons"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
FILE_TYPES = {"application/x-skilldesk-claim": "*.tsclaim",
              "application/x-skilldesk-sync": "*.tssync"}


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_files_with_the_gui():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "skilldesk %f"
    assert entry["Icon"] == "skilldesk"
    assert entry["Categories"] == "Office;Education;"
    assert "职业培训" in entry["Name[zh_CN]"]
    assert set(filter(None, entry["MimeType"].split(";"))) == set(FILE_TYPES)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-utils is not installed")
def test_desktop_entry_passes_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)],
                            capture_output=True, text=True)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr


def test_mime_types_match_the_desktop_entry():
    root = ET.parse(MIME_XML).getroot()
    found = {t.get("type"): t.find(MIME_NS + "glob").get("pattern")
             for t in root.findall(MIME_NS + "mime-type")}
    assert found == FILE_TYPES
    for mime_type in root.findall(MIME_NS + "mime-type"):
        languages = {c.get("{http://www.w3.org/XML/1998/namespace}lang")
                     for c in mime_type.findall(MIME_NS + "comment")}
        assert languages == {None, "zh_CN"}


@pytest.mark.skipif(shutil.which("update-mime-database") is None,
                    reason="shared-mime-info is not installed")
def test_mime_database_accepts_the_types(tmp_path):
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages)
    subprocess.run(["update-mime-database", str(tmp_path / "mime")], check=True,
                   capture_output=True)
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    for mime_type, pattern in FILE_TYPES.items():
        assert f"{mime_type}:{pattern}" in globs


def test_png_icon_is_256_px(qapp):
    from PySide6.QtGui import QImage

    image = QImage(str(ICONS / "skilldesk.png"))
    assert (image.width(), image.height()) == (256, 256)
    centre = image.pixelColor(128, 30)  # blue square, above the glyph
    assert centre.blue() > 150 and centre.red() < 100
    assert image.pixelColor(0, 0).alpha() == 0  # rounded, transparent corners


def test_ico_holds_every_windows_size(qapp):
    from PySide6.QtGui import QImageReader

    data = (ICONS / "skilldesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, _c, _r, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i)
        assert width == height and planes == 1 and bits == 32
        assert offset + length <= len(data)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(width or 256)
    assert {16, 32, 48, 256} <= set(sizes)
    assert QImageReader(str(ICONS / "skilldesk.ico")).imageCount() == count


def test_windows_workflow_builds_exactly_like_linux():
    workflow = WORKFLOW.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]"' in workflow and 'pip install -e ".[test]"' in readme
    assert "python installers/build.py" in workflow
    assert "python-version: \"3.11\"" in workflow
    assert "skilldesk-cli.exe --version" in workflow
    assert r"installers\windows\skilldesk.iss" in workflow


def test_installer_script_registers_both_file_types_and_keeps_data():
    iss = ISS.read_text(encoding="utf-8-sig")
    for extension in (".tsclaim", ".tssync"):
        assert f"Software\\Classes\\{extension}" in iss
    assert '"{app}\\skilldesk.exe"" ""%1"""' in iss
    assert "#ifndef AppVersion" in iss
    assert "ChineseSimplified" in iss
    assert "PrivilegesRequiredOverridesAllowed=dialog" in iss
    assert "CurUninstallStepChanged" in iss  # asks before deleting the user's data



def test_version_is_plain_numbers_for_the_windows_resource():
    parts = __version__.split(".")
    assert 1 <= len(parts) <= 4 and all(p.isdigit() for p in parts)
