"""Which backups to keep (SECURITY.md G11: exactly 7 daily, 4 weekly and 12 monthly).

A pure rule over the times the backups were made; no files, no SQL. Walking the
backups newest first, a backup is kept if it is

- the newest backup of its day, while fewer than 7 days have been kept that way,
- the newest backup of its ISO week, while fewer than 4 weeks have been kept that way,
- the newest backup of its month, while fewer than 12 months have been kept that way,
- the newest backup of all, or
- made less than an hour before *now* (or after it: a clock that was set back).

Everything else may be deleted. The days, weeks and months counted are those that
HAVE a backup (as restic's ``--keep-daily`` counts them), not the calendar's last 7
days: an office PC is off at weekends and for the Spring Festival, and a calendar rule
would then keep 5 daily backups in a normal week and none after a holiday. With a
backup every day the two agree. Ties (two backups made in the same second) are broken
by the key, the larger one counting as newer, so the rule is deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from collections.abc import Iterable

DAYS, WEEKS, MONTHS = 7, 4, 12
GRACE = dt.timedelta(hours=1)


def _week(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def keep(backups: Iterable[tuple[Hashable, dt.datetime]], now: dt.datetime) -> set:
    """The keys of the backups to keep among (key, made_at) pairs, as of *now*."""
    items = sorted(backups, key=lambda kv: (kv[1], kv[0]), reverse=True)  # newest first
    if not items:
        return set()
    kept = {items[0][0]}
    kept.update(key for key, made_at in items if now - made_at < GRACE)
    policies = ((DAYS, lambda day: day), (WEEKS, _week), (MONTHS, _month))
    seen: list[list] = [[] for _ in policies]
    for key, made_at in items:  # the first of each bucket met is its newest
        day = made_at.date()
        for (limit, bucket_of), done in zip(policies, seen):
            bucket = bucket_of(day)
            if len(done) < limit and (not done or done[-1] != bucket):
                done.append(bucket)
                kept.add(key)
    return kept


def to_delete(backups: Iterable[tuple[Hashable, dt.datetime]], now: dt.datetime) -> list:
    """The keys of the backups the rule lets go, oldest first."""
    items = sorted(backups, key=lambda kv: (kv[1], kv[0]))
    kept = keep(items, now)
    return [key for key, _made_at in items if key not in kept]
