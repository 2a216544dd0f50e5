"""Preferences: typed, tolerant of old and hand-damaged files, saved atomically."""

from __future__ import annotations

import json

from skilldesk import config
from skilldesk import paths


def _write(data) -> None:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    paths.settings_path().write_text(text, encoding="utf-8")


def test_no_file_gives_the_defaults():
    paths.settings_path().unlink(missing_ok=True)
    prefs = config.load()
    assert prefs == config.Preferences()
    assert prefs.backup_schedule == "daily" and prefs.idle_minutes == 10


def test_values_round_trip_with_their_types():
    config.save(config.Preferences(language="zh_CN", last_db="D:\\培训\\机构.skilldesk",
                                   backup_schedule="weekly", idle_minutes=25))
    stored = json.loads(paths.settings_path().read_text(encoding="utf-8"))
    assert stored["idle_minutes"] == 25   # an int in the file, not "25"
    prefs = config.load()
    assert prefs.idle_minutes == 25 and isinstance(prefs.idle_minutes, int)
    assert prefs.last_db == "D:\\培训\\机构.skilldesk"
    assert prefs.backup_schedule == "weekly"


def test_a_file_from_an_older_version_loads():
    # before the schedule and idle settings, and when every value was written with str()
    _write({"language": "zh_CN", "last_db": "/data/a.skilldesk"})
    prefs = config.load()
    assert (prefs.language, prefs.last_db) == ("zh_CN", "/data/a.skilldesk")
    assert prefs.idle_minutes == 10 and prefs.backup_schedule == "daily"
    _write({"language": "en", "idle_minutes": "15", "backup_schedule": "manual"})
    prefs = config.load()
    assert prefs.idle_minutes == 15 and isinstance(prefs.idle_minutes, int)
    assert prefs.backup_schedule == "manual"


def test_a_bad_value_falls_back_for_that_field_only():
    _write({"language": "zh_CN", "last_db": 42, "idle_minutes": "ten",
            "backup_schedule": "hourly", "unknown": [1, 2]})
    prefs = config.load()
    assert prefs.language == "zh_CN"            # kept
    assert prefs.last_db == ""                  # a number is not a path
    assert prefs.idle_minutes == 10             # not a number
    assert prefs.backup_schedule == "daily"     # not a schedule
    for bad in (0, 61, -5, True, 2.5, None, [10]):
        _write({"idle_minutes": bad})
        assert config.load().idle_minutes == 10, bad
    _write({"idle_minutes": 60.0})
    assert config.load().idle_minutes == 60
    assert paths.settings_path().exists()       # nothing was moved aside


def test_a_damaged_file_is_kept_aside_and_defaults_are_used():
    damaged = paths.settings_path().with_suffix(".damaged.json")
    for text in ('{"language": "zh_CN", ', "[1, 2, 3]", "\udcff"):
        damaged.unlink(missing_ok=True)
        if text == "\udcff":
            paths.settings_path().write_bytes(b"\xff\xfe\x00garbage")
        else:
            _write(text)
        assert config.load() == config.Preferences()
        assert damaged.exists() and not paths.settings_path().exists()
