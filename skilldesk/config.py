"""User preferences shared by the GUI and the CLI (a small JSON file, Qt-free).

Typed: every field keeps the type of its default (an int stays an int). A file
written by an older SkillDesk (every value a string, fields missing) or edited by
hand loads field by field: a value of the wrong type, or out of range, falls back
to that field's default and the others are kept. A file that is not JSON at all is
moved aside (``settings.damaged.json``) for inspection and the defaults are used.
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
from skilldesk.i18n import N_

log = logging.getLogger(__name__)

#: When the GUI makes its automatic backup on opening a database.
BACKUP_SCHEDULES: dict[str, str] = {
    "daily": N_("Every day (first opening of the day)"),
    "weekly": N_("Every week (first opening after 7 days)"),
    "manual": N_("Only by hand"),
}
DEFAULT_BACKUP_SCHEDULE = "daily"
IDLE_MINUTES_RANGE = (1, 60)
DEFAULT_IDLE_MINUTES = 10


@dataclass
class Preferences:
    language: str = DEFAULT_LANGUAGE
    last_db: str = ""
    backup_schedule: str = DEFAULT_BACKUP_SCHEDULE
    idle_minutes: int = DEFAULT_IDLE_MINUTES


def _checked(name: str, value: object, default: object) -> object:
    """*value* as the type of *default*, or *default* when it does not fit."""
    if isinstance(default, bool):   # before int: bool is an int subclass
        return value if isinstance(value, bool) else default
    if isinstance(default, int):
        if isinstance(value, bool):
            return default
        if isinstance(value, str):   # older files stored every value as text
            try:
                value = int(value.strip())
            except ValueError:
                return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            return default
        if name == "idle_minutes":
            low, high = IDLE_MINUTES_RANGE
            return value if low <= value <= high else default
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            return default
        if name == "backup_schedule" and value not in BACKUP_SCHEDULES:
            return default
        return value
    return value


def from_dict(data: object) -> Preferences:
    """Preferences from decoded JSON, field by field (unknown keys ignored)."""
    defaults = Preferences()
    if not isinstance(data, dict):
        raise ValueError("settings file is not a JSON object")
    values = {}
    for field in fields(Preferences):
        if field.name in data:
            values[field.name] = _checked(field.name, data[field.name],
                                          getattr(defaults, field.name))
    return Preferences(**values)


def load() -> Preferences:
    path = paths.settings_path()
    if not path.exists():
        return Preferences()
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
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
