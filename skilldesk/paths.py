"""The one place that knows where files live: user data, logs, bundled resources.

Frozen builds (PyInstaller) and source checkouts both resolve resources
relative to this package, so nothing else needs to care how we were started.
``SKILLDESK_HOME`` redirects all user data (tests, portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from platformdirs import user_log_dir

from skilldesk.app_info import APP_ID
from skilldesk.app_info import DEFAULT_DB_NAME
from skilldesk.app_info import DEMO_DB_NAME
from skilldesk.app_info import ORG_NAME

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    return _PACKAGE_DIR / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def cjk_font_path() -> Path:
    return fonts_dir() / "wqy-microhei.ttc"


def locale_dir() -> Path:
    return resources_dir() / "locale"


def data_dir() -> Path:
    """User data directory (databases, attachments, settings); created on demand."""
    home = os.environ.get("SKILLDESK_HOME")
    path = Path(home) if home else Path(user_data_dir(APP_ID, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    home = os.environ.get("SKILLDESK_HOME")
    path = Path(home) / "logs" if home else Path(user_log_dir(APP_ID, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / DEFAULT_DB_NAME


def demo_db_path() -> Path:
    return data_dir() / DEMO_DB_NAME


def settings_path() -> Path:
    return data_dir() / "settings.json"
