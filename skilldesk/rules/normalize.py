"""Text clean-up shared by the identifier rules.

Numbers arrive from three kinds of hands: clerks typing with a Chinese input
method (which happily produces full-width digits, ideographic spaces and
``——`` dashes), copies from web pages and PDFs (non-breaking and zero-width
spaces), and Excel rosters.  These helpers turn all of that into plain ASCII
before any rule looks at it, so a rule never has to care how a value was
entered.

Deliberately conservative: :func:`compact` removes whitespace only.  Which
separators (``-``, ``(``…) may also be dropped depends on the kind of number,
so callers opt in with :func:`strip_separators`.  Nothing here imports Qt,
SQL or ``skilldesk.core``.
"""

from __future__ import annotations

import re

# Full-width forms U+FF01..U+FF5E sit exactly 0xFEE0 above their ASCII twins
# (！ -> !, ０ -> 0, Ａ -> A, ｘ -> x).  U+3000 is the ideographic space an IME
# inserts when the space bar is pressed in full-width mode.
_FULLWIDTH_OFFSET = 0xFEE0
_HALFWIDTH_TABLE: dict[int, str] = {
    code: chr(code - _FULLWIDTH_OFFSET) for code in range(0xFF01, 0xFF5E + 1)
}
_HALFWIDTH_TABLE[0x3000] = " "

# Characters that are invisible but are not ``str.isspace()``: zero-width
# space/joiners, word joiner and the byte-order mark Excel and Notepad leave at
# the start of UTF-8 files.  They survive copy and paste and break matching.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")

# Dash look-alikes people type or paste instead of ASCII ``-``: hyphen,
# non-breaking hyphen, figure dash, en/em dash, horizontal bar, minus sign,
# small and full-width hyphen-minus.  A Chinese IME gives ``——`` (two em
# dashes) for Shift+minus, hence runs are collapsed to one ``-``.
_DASH_RUN = re.compile("[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]+")


# re's \s is exactly str.isspace() for str patterns (Unicode whitespace).
_SPACE_OR_INVISIBLE = re.compile("[\\s" + "".join(sorted(_INVISIBLE)) + "]+")


def to_halfwidth(s: str) -> str:
    """Replace full-width ASCII variants and the ideographic space by ASCII."""
    return s.translate(_HALFWIDTH_TABLE)


def compact(s: str) -> str:
    """Half-width *s*, then drop every whitespace and invisible character.

    Whitespace inside the value goes too ("3205 0119 …"): identifiers never
    contain spaces, and people group digits to read them back.
    """
    if s.isascii() and s.isalnum():  # the usual, clean value: nothing to do (fast path)
        return s
    return _SPACE_OR_INVISIBLE.sub("", to_halfwidth(s))


def strip_separators(s: str, chars: str) -> str:
    """Remove each character of *chars* from *s* (e.g. ``"-()"`` for phones)."""
    return s.translate({ord(ch): None for ch in chars})


def normalize_dashes(s: str) -> str:
    """Turn any run of dash-like characters into a single ASCII ``-``."""
    return _DASH_RUN.sub("-", s)
