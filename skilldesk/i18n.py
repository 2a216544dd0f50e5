"""One translation layer for the whole application, Qt-free (gettext).

Source strings (msgids) are English; the Simplified Chinese catalogue is the
first-class one and the default language.  Code marks text with:

- ``_("...")``   translate now, in the current language;
- ``N_("...")``  mark a module-level constant for extraction, translate later
                 with ``_(CONSTANT)``;
- ``ngettext(singular, plural, n)`` for counts.

Strings use named ``{fields}`` so translators can reorder them.  The catalogue
lives in ``skilldesk/resources/locale/<lang>/LC_MESSAGES/skilldesk.po`` and is
compiled to ``.mo`` beside it (``python -m skilldesk.tools.i18n compile``).
"""

from __future__ import annotations

import gettext as _gettext
import threading

from skilldesk import paths

DOMAIN = "skilldesk"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES: dict[str, str] = {"zh_CN": "中文（简体）", "en": "English"}

_lock = threading.Lock()
_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_language = "en"


def _load(language: str) -> _gettext.NullTranslations:
    if language == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(
        DOMAIN, localedir=str(paths.locale_dir()), languages=[language], fallback=True
    )


def set_language(language: str) -> None:
    """Switch every later ``_()`` call to *language* (``zh_CN`` or ``en``).

    An unknown language falls back to the default rather than failing: a
    settings file edited by hand must not stop the program from starting.
    """
    global _current, _current_language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    translations = _load(language)
    with _lock:
        _current = translations
        _current_language = language


def current_language() -> str:
    return _current_language


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def join(items) -> str:
    """A list in running text: "a, b, c" in English, "a、b、c" in Chinese."""
    return _(", ").join(str(item) for item in items)


def N_(message: str) -> str:
    """Mark *message* for extraction without translating it yet."""
    return message


set_language(DEFAULT_LANGUAGE)
