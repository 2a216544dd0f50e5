"""The bundled CJK font for PDFs, and the check that every character can be printed.

reportlab embeds TrueType outlines only (not CFF/OTF), so the PDFs use the same
WenQuanYi Micro Hei collection the GUI registers (``paths.cjk_font_path()``, face 0).
A character the font lacks would print as an empty box, so every text a form will
draw is checked against the font's cmap *before* rendering (:class:`TextLog`).
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from skilldesk import paths
from skilldesk.reports.errors import GlyphsMissing  # noqa: F401  (raised here, re-exported)

FONT = "SkilldeskCJK"
_lock = threading.Lock()
_font: TTFont | None = None


def font() -> TTFont:
    """The registered font (loaded once per process: parsing the collection takes ~0.15 s)."""
    global _font
    with _lock:
        if _font is None:
            loaded = TTFont(FONT, str(paths.cjk_font_path()), subfontIndex=0)
            pdfmetrics.registerFont(loaded)
            _font = loaded
        return _font


def missing_characters(chars: set[str]) -> set[str]:
    """The characters of *chars* the font has no glyph for (whitespace is never missing)."""
    cmap = font().face.charToGlyph
    return {c for c in chars if ord(c) not in cmap and not c.isspace()}


class TextLog:
    """Every text a form will print, with the field label and whose record it belongs to."""

    def __init__(self) -> None:
        self._items: list[tuple[str, str, str]] = []

    def add(self, text: str, field: str = "", whose: str = "") -> str:
        self._items.append((text, field, whose))
        return text

    def row(self, values: list[str], fields: list[str], whose: str) -> list[str]:
        self._items.extend(zip(values, fields, [whose] * len(values)))
        return values

    def check(self) -> None:
        """Raise :class:`GlyphsMissing` naming each unprintable character, field and record."""
        chars: set[str] = set()
        for text, _field, _whose in self._items:
            chars.update(text)
        missing = missing_characters(chars)
        if not missing:
            return
        found: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str, str]] = set()
        for text, field, whose in self._items:
            for c in text:
                if c in missing and (c, field, whose) not in seen:
                    seen.add((c, field, whose))
                    found.append((c, field, whose))
        raise GlyphsMissing(found)
