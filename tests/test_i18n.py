"""The translation layer and the completeness of the Chinese catalogue."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from skilldesk import i18n
from skilldesk.errors import SchemaTooNew

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_catalogue",
                                                  ROOT / "tools" / "i18n_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chinese_catalogue_is_complete_and_compiled():
    tool = _tool()
    assert len(tool.extract()) > 100
    assert tool.problems("zh_CN") == []


def test_switching_language_changes_messages_already_raised():
    error = SchemaTooNew(names="9999_x")
    i18n.set_language("zh_CN")
    chinese = error.user_message()
    i18n.set_language("en")
    english = error.user_message()
    assert "9999_x" in chinese and "9999_x" in english
    assert "版本" in chinese and "newer version" in english


def test_unknown_language_falls_back_to_chinese():
    i18n.set_language("tlh")
    assert i18n.current_language() == "zh_CN"
