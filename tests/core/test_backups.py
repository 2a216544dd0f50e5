"""BackupService on real files: create, list, verify, preview, restore round trip,
retention (a pure rule, property-tested), and the automatic backups before imports."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.core.backups import NO_AUTO_ENV
from skilldesk.core.backups import BackupService
from skilldesk.core.desk import Desk
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.models import PersonDraft
from skilldesk.errors import DatabaseCorrupt
from skilldesk.rules import retention
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import backup as store
from tests.imports.files import write_csv


def make_id(birth: str, seq: int) -> str:
    body = f"320508{birth}{seq:03d}"
    return body + id_check_char(body)


A, B, C = make_id("19900101", 11), make_id("19850615", 22), make_id("19790303", 31)


@pytest.fixture
def school(tmp_path, monkeypatch):
    monkeypatch.delenv(NO_AUTO_ENV, raising=False)  # these tests are about the hooks
    desk = Desk.open(tmp_path / "school.skilldesk", create=True)
    desk.institution.create(InstitutionDraft(name="示范学校", uscc="91110000600037341L"))
    desk.people.save(PersonDraft(name="王小明", id_number=A))
    yield desk
    desk.close()


def damage(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xa5" * 8192)


def test_create_and_list(school):
    first = school.backups.create("manual", now=dt.datetime(2026, 11, 20, 8, 0, 0))
    second = school.backups.create("import")
    assert first.path.parent == school.path.parent / "backups" / "school"
    assert first.path.name == "20261120-080000-manual.skilldesk"
    assert first.size == first.path.stat().st_size > 0
    assert [b.path for b in school.backups.list()] == [second.path, first.path]
    assert school.backups.verify(second.path) == []
    with pytest.raises(ValueError):
        school.backups.create("whenever")


def test_restore_round_trip(school, tmp_path):
    made = school.backups.create("manual", now=dt.datetime(2026, 11, 20, 8, 0, 0))
    school.people.save(PersonDraft(name="李芳", id_number=B))
    preview = school.backups.preview(made.path)
    assert preview["problems"] == [] and preview["reason"] == "manual"
    assert preview["backup"]["counts"]["person"] == 1
    assert preview["current"]["counts"]["person"] == 2
    assert preview["differences"]["person"] == {"then": 1, "now": 2}
    assert preview["backup"]["institution"] == "示范学校"
    path = school.path
    school.close()  # the GUI and CLI close the Desk before a restore

    saved = BackupService.restore(path, made.path)
    assert saved is not None and saved.reason == "restore" and saved.path.exists()
    assert store.summary(saved.path)["counts"]["person"] == 2  # the replaced state is kept

    desk = Desk.open(path)
    try:
        assert desk.people.total() == 1
        assert desk.people.search(B).rows == []  # the change after the backup is gone
        assert desk.people.search(A).rows
        assert {b.reason for b in desk.backups.list()} == {"manual", "restore"}
        assert desk.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert desk.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        desk.people.save(PersonDraft(name="张强", id_number=C))  # it works as before
        assert desk.people.total() == 2
    finally:
        desk.close()
    school.db = Desk.open(path).db  # for the fixture's close


def test_a_damaged_backup_fails_verify_and_is_not_restored(school):
    for n in range(200):
        school.people.save(PersonDraft(name="赵钱孙李周吴郑王冯陈"[n % 10] + "小明",
                                       id_number=make_id("19800101", n + 101)))
    made = school.backups.create("manual")
    damage(made.path)
    assert school.backups.verify(made.path) != []
    assert school.backups.preview(made.path)["problems"] != []
    path = school.path
    school.close()
    with pytest.raises(DatabaseCorrupt):
        BackupService.restore(path, made.path)
    # nothing changed, and no pre-restore backup was made for a refused restore
    desk = Desk.open(path)
    try:
        assert desk.people.total() == 201
        assert [b.reason for b in desk.backups.list()] == ["manual"]
    finally:
        desk.close()
    school.db = Desk.open(path).db


def test_a_database_too_damaged_to_open_is_restored_and_kept(school):
    made = school.backups.create("manual")
    school.people.save(PersonDraft(name="李芳", id_number=B))
    path = school.path
    school.close()
    with path.open("r+b") as handle:  # the header destroyed: SQLite cannot read it at all
        handle.write(b"\x00" * 100)
    damaged = path.read_bytes()
    saved = BackupService.restore(path, made.path)
    assert saved.path.read_bytes() == damaged  # the damaged file is kept as it was
    desk = Desk.open(path)
    try:
        assert desk.people.total() == 1
        assert desk.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        desk.close()
    school.db = Desk.open(path).db


def test_a_roster_import_leaves_an_import_backup_first(school, tmp_path):
    roster = write_csv(tmp_path / "花名册.csv", [
        ["姓名", "性别", "身份证号码", "联系电话"],
        ["李芳", "女", B, "13812345678"],
        ["张强", "男", C, "13712345678"],
    ])
    preview = school.roster.preview(roster)
    assert school.backups.list() == []
    result = school.roster.commit(preview)
    assert result.committed and school.people.total() == 3
    made = school.backups.list()
    assert [b.reason for b in made] == ["import"]
    assert store.summary(made[0].path)["counts"]["person"] == 1  # the state before it


def test_automatic_backups_can_be_switched_off(school, monkeypatch):
    monkeypatch.setenv(NO_AUTO_ENV, "1")
    assert school.backups.before("import") is None
    monkeypatch.delenv(NO_AUTO_ENV)
    monkeypatch.setattr(BackupService, "auto", False)
    assert school.backups.before("import") is None
    monkeypatch.setattr(BackupService, "auto", True)
    assert school.backups.before("claim").reason == "claim"


def test_in_memory_databases_have_no_automatic_backups(desk, monkeypatch):
    monkeypatch.delenv(NO_AUTO_ENV, raising=False)
    assert desk.backups.before("import") is None
    assert desk.backups.list() == [] and desk.backups.maybe_daily() is None


def test_daily_backup_when_none_in_the_last_24_hours(school):
    now = dt.datetime(2026, 11, 26, 9, 0, 0)
    assert school.backups.due_daily(now)
    made = school.backups.maybe_daily(now=now)
    assert made is not None and made.reason == "daily"
    assert not school.backups.due_daily(now + dt.timedelta(hours=23))
    assert school.backups.maybe_daily(now=now + dt.timedelta(hours=23)) is None
    assert school.backups.due_daily(now + dt.timedelta(hours=24))


def test_prune_applies_the_retention_rule_to_files(school):
    folder = school.backups.folder()
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.datetime(2025, 1, 1, 12, 0, 0)
    for day in range(700):  # two backups a day for almost two years
        for hour in (9, 17):
            made_at = start + dt.timedelta(days=day, hours=hour - 12)
            (folder / store.file_name(made_at, "daily")).write_bytes(b"x")
    stale = folder / ".tmp-0123-20250101-000000-daily.skilldesk"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    now = start + dt.timedelta(days=699, hours=6)
    deleted = school.backups.prune(now)
    left = school.backups.list()
    assert stale in deleted and not stale.exists()
    assert len(left) + len(deleted) - 1 == 1400
    assert {b.path for b in left} == retention.keep(
        [(folder / store.file_name(start + dt.timedelta(days=d, hours=h - 12), "daily"),
          start + dt.timedelta(days=d, hours=h - 12)) for d in range(700) for h in (9, 17)], now)
    assert school.backups.prune(now) == []  # nothing more to do


# -- the retention rule ------------------------------------------------------------------------

NOW = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31))


@st.composite
def backups_and_now(draw):
    now = draw(NOW)
    ages = draw(st.lists(st.integers(min_value=-3600, max_value=800 * 86400), max_size=60))
    return [(f"b{i:03d}", now - dt.timedelta(seconds=age)) for i, age in enumerate(ages)], now


def _expected(items, now):
    """The rule written out the slow way: per policy, the buckets that have backups,
    newest first, the first N of them, the newest backup of each."""
    newest = max(items, key=lambda kv: (kv[1], kv[0]))[0]
    expected = {newest} | {k for k, at in items if now - at < dt.timedelta(hours=1)}
    for limit, bucket in ((7, lambda d: d), (4, lambda d: tuple(d.isocalendar())[:2]),
                          (12, lambda d: (d.year, d.month))):
        by = {}
        for key, made_at in sorted(items, key=lambda kv: (kv[1], kv[0])):
            by[bucket(made_at.date())] = key  # the last one written is the newest
        expected |= {by[b] for b in sorted(by, reverse=True)[:limit]}
    return expected


@settings(max_examples=300, deadline=None)
@given(backups_and_now())
def test_retention_keeps_exactly_what_the_rule_names(case):
    items, now = case
    kept = retention.keep(items, now)
    gone = retention.to_delete(items, now)
    keys = {k for k, _ in items}
    assert kept | set(gone) == keys and not kept & set(gone)
    if not items:
        return
    newest = max(items, key=lambda kv: (kv[1], kv[0]))[0]
    assert newest in kept
    recent = {k for k, at in items if now - at < dt.timedelta(hours=1)}
    assert recent <= kept
    assert kept == _expected(items, now)  # nothing more, nothing less
    assert len(kept - recent - {newest}) <= 7 + 4 + 12
    # applying it again deletes nothing more; the order given does not matter
    left = [(k, at) for k, at in items if k in kept]
    assert retention.keep(left, now) == kept
    assert retention.keep(list(reversed(items)), now) == kept


@settings(max_examples=100, deadline=None)
@given(NOW, st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=40))
def test_retention_keeps_7_daily_4_weekly_12_monthly(now, per_day, gap):
    """Backups on most days for 500 days, none in the last *gap* days (a holiday)."""
    items = [(f"{d:04d}-{h}", dt.datetime.combine(now.date() - dt.timedelta(days=d),
                                                  dt.time(h * 3)))
             for d in range(gap + 1, gap + 500) if d % 7 != 3  # the PC is off one day a week
             for h in range(per_day)]
    kept = retention.keep(items, now)
    last_of_day = {}
    for key, at in sorted(items, key=lambda kv: kv[1]):
        last_of_day[at.date()] = key
    daily = sorted(last_of_day, reverse=True)[:7]
    assert {last_of_day[d] for d in daily} <= kept  # exactly 7 days with their newest
    weeks = {tuple(at.isocalendar())[:2] for k, at in items if k in kept}
    months = {(at.year, at.month) for k, at in items if k in kept}
    assert len(months) == 12 and len(weeks) >= 4
    assert 12 <= len(kept) <= 7 + 4 + 12


def test_retention_after_a_holiday_still_keeps_7_daily():
    now = dt.datetime(2026, 2, 25, 9, 0)  # back after three weeks off
    items = [(f"d{n:02d}", dt.datetime(2026, 2, 3, 18, 0) - dt.timedelta(days=n))
             for n in range(30)]
    kept = retention.keep(items, now)
    assert {f"d{n:02d}" for n in range(7)} <= kept


def test_retention_keeps_the_newest_and_the_last_hour():
    now = dt.datetime(2026, 11, 26, 12, 0)
    items = [("a", dt.datetime(2026, 11, 26, 11, 30)), ("b", dt.datetime(2026, 11, 26, 11, 1)),
             ("c", dt.datetime(2026, 11, 26, 11, 0)), ("d", dt.datetime(2026, 11, 26, 8, 0))]
    assert retention.keep(items, now) == {"a", "b"}
    assert retention.to_delete(items, now) == ["d", "c"]
    future = [("x", dt.datetime(2027, 1, 1)), ("y", dt.datetime(2026, 11, 26, 10, 0))]
    assert retention.keep(future, now) == {"x", "y"}  # a clock set back deletes nothing new
    assert retention.keep([], now) == set()
