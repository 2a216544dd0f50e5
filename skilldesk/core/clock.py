"""Time and ids in one place, so tests and the demo can be deterministic."""

from __future__ import annotations

import datetime as dt
import uuid


def utc_now() -> str:
    """ISO-8601 UTC timestamp with milliseconds, e.g. ``2026-11-26T02:30:00.123Z``."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    return str(uuid.uuid4())
