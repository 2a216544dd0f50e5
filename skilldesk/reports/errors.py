"""The printed forms' own error, importable without loading reportlab."""

from __future__ import annotations

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join

_ONE = N_("“{char}” ({code}) in {field} of {whose}")
_ONE_NO_RECORD = N_("“{char}” ({code}) in {field}")


class GlyphsMissing(SkilldeskError):
    """Characters the bundled font cannot print.

    ``missing``: ``(character, field label, whose record)`` for every occurrence, e.g.
    ``("㛃", "Name", "王㛃")``. Nothing is written when this is raised.
    """

    code = "E_GLYPHS_MISSING"
    default_msgid = N_(
        "The form was not printed: the font has no glyph for {details}. "
        "Check these records (a rare character may have been typed by mistake); "
        "if the spelling is right, write the character by hand on the printed form "
        "after replacing it with a placeholder in the record."
    )

    def __init__(self, missing: list[tuple[str, str, str]]) -> None:
        self.missing = list(missing)
        shown = [_(_ONE if whose else _ONE_NO_RECORD).format(
                     char=c, code=f"U+{ord(c):04X}", field=field, whose=whose)
                 for c, field, whose in self.missing[:20]]
        if len(self.missing) > 20:
            shown.append(_("{count} more").format(count=len(self.missing) - 20))
        super().__init__(details=join(shown))
