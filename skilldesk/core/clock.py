"""Time and ids in one place, so tests and the demo can be deterministic."""

from __future__ import annotations

import datetime as dt
import os
import uuid


def utc_now() -> str:
    """ISO-8601 UTC timestamp with milliseconds, e.g. ``2026-11-26T02:30:00.123Z``."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    return str(uuid.uuid4())


def new_ids(count: int) -> list[str]:
    """*count* random version-4 UUIDs as text, several times faster than calling
    ``uuid.uuid4()`` in a loop (bulk imports make one per person and enrolment)."""
    raw = bytearray(os.urandom(16 * count))
    for start in range(0, 16 * count, 16):
        raw[start + 6] = (raw[start + 6] & 0x0F) | 0x40  # version 4
        raw[start + 8] = (raw[start + 8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return [f"{h[j:j + 8]}-{h[j + 8:j + 12]}-{h[j + 12:j + 16]}-{h[j + 16:j + 20]}-{h[j + 20:j + 32]}"
            for j in range(0, 32 * count, 32)]


class IdPool:
    """``pool()`` gives a fresh id each call, made in batches by ``new_ids``."""

    def __init__(self, batch: int = 4096) -> None:
        self._batch = batch
        self._ids: list[str] = []

    def __call__(self) -> str:
        if not self._ids:
            self._ids = new_ids(self._batch)
        return self._ids.pop()
