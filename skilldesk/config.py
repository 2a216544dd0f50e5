"""User preferences shared by the GUI and the CLI (a small JSON file, Qt-free).

Unreadable or hand-damaged files fall back to defaults instead of stopping the
program; the damaged file is kept aside for inspection.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import fields

from skilldesk import paths
from skilldesk.i18n import DEFAULT_LANGUAGE

log = logging.getLogger(__name__)


@dataclass
class Preferences:
    language: str = DEFAULT_LANGUAGE
    last_db: str = ""


def load() -> Preferences:
    path = paths.settings_path()
    if not path.exists():
        return Preferences()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(Preferences)}
        return Preferences(**{k: str(v) for k, v in data.items() if k in known})
    except (OSError, ValueError, TypeError):
        log.warning("settings file unreadable; using defaults")
        try:
            os.replace(path, path.with_suffix(".damaged.json"))
        except OSError:
            pass
        return Preferences()


def save(prefs: Preferences) -> None:
    path = paths.settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(prefs), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)  # atomic: never a half-written settings file
