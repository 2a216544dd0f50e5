"""Draw the application icon: a rounded blue square with a white 技.

    python tools/make_icons.py   # writes skilldesk/resources/icons/skilldesk.png and .ico

The glyph comes from the bundled CJK font, so the result is the same on every
machine. The .ico holds 16–256 px images (PNG-compressed entries, which Windows
Vista and later read, as does PyInstaller's icon embedding); Qt's own ICO writer
stores a single size, so the container is written here.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "skilldesk" / "resources" / "icons"
FONT = ROOT / "skilldesk" / "resources" / "fonts" / "wqy-microhei.ttc"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
BLUE = "#1f6fd1"
GLYPH = "技"


def render(size: int):
    """The icon at *size* px as a QImage (ARGB32, transparent corners)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor
    from PySide6.QtGui import QFont
    from PySide6.QtGui import QImage
    from PySide6.QtGui import QPainter
    from PySide6.QtGui import QPainterPath

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.04
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    path = QPainterPath()
    radius = box.width() * 0.2
    path.addRoundedRect(box, radius, radius)
    painter.fillPath(path, QColor(BLUE))
    font = QFont(_family())
    font.setPixelSize(max(8, round(size * 0.66)))
    font.setBold(size >= 32)
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, GLYPH)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


_FAMILY: list[str] = []


def _family() -> str:
    if not _FAMILY:
        from PySide6.QtGui import QFontDatabase

        font_id = QFontDatabase.addApplicationFont(str(FONT))
        families = QFontDatabase.applicationFontFamilies(font_id)
        if not families:
            raise SystemExit(f"cannot load {FONT}")
        _FAMILY.append(families[0])
    return _FAMILY[0]


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer
    from PySide6.QtCore import QByteArray
    from PySide6.QtCore import QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("PNG encoding failed")
    buffer.close()
    return bytes(data)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO container of PNG entries (ICONDIR + ICONDIRENTRY per size)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = [], []
    for size, blob in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts need it)
    ICONS.mkdir(parents=True, exist_ok=True)
    pngs = {size: png_bytes(render(size)) for size in ICO_SIZES}
    (ICONS / "skilldesk.png").write_bytes(pngs[256])
    (ICONS / "skilldesk.ico").write_bytes(ico_bytes(pngs))
    print(f"wrote {ICONS / 'skilldesk.png'} and {ICONS / 'skilldesk.ico'} "
          f"({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
