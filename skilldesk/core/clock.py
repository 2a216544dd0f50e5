"""Time and ids in one place, so tests and the demo can be deterministic."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from array import array


def utc_now() -> str:
    """ISO-8601 UTC timestamp with milliseconds, e.g. ``2026-11-26T02:30:00.123Z``."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    return new_ids(1)[0]


_id_lock = threading.Lock()
_id_state = [0, 0]  # the last id's millisecond and its 74-bit counter


def new_ids(count: int) -> list[str]:
    """*count* new ids: UUID version 7 text (RFC 9562), strictly ascending.

    48 bits of Unix time in milliseconds, then a 74-bit counter that starts at
    a random value each millisecond and steps by a random amount (RFC 9562
    §6.2, method 1): ids made on different PCs still never collide, and ids
    made one after another sort one after another, so bulk inserts append to
    the id indexes instead of writing all over them. Much faster than
    ``uuid.uuid4()`` in a loop.
    """
    steps = array("H", os.urandom(2 * count))  # one random 16-bit step per id
    out: list[str] = []
    append = out.append
    with _id_lock:
        ms = max(int(time.time() * 1000), _id_state[0])
        value = _id_state[1] if ms == _id_state[0] else _random_start()
        prefix_of = None  # (ms, top 12 counter bits) of the cached first three groups
        for step in steps:
            value += 1 + step
            if value >= 1 << 74:  # counter exhausted: borrow the next millisecond
                ms, value = ms + 1, _random_start()
            top = value >> 62
            if (ms, top) != prefix_of:  # rare: the first 64 bits change
                prefix_of = (ms, top)
                h = f"{(ms << 16) | (0x7 << 12) | top:016x}"  # time, version 7, rand_a
                prefix = f"{h[:8]}-{h[8:12]}-{h[12:]}-"
            low = f"{(value & _LOW_62) | _VARIANT:016x}"  # variant 0b10, rand_b
            append(f"{prefix}{low[:4]}-{low[4:]}")
        _id_state[:] = [ms, value]
    return out


_LOW_62 = (1 << 62) - 1
_VARIANT = 0b10 << 62


def _random_start() -> int:
    # 73 random bits: half the counter's room is left for counting up
    return int.from_bytes(os.urandom(10), "big") >> 7


class IdPool:
    """``pool()`` gives a fresh id each call, ascending, made in batches by ``new_ids``."""

    def __init__(self, batch: int = 4096) -> None:
        self._batch = batch
        self._ids: list[str] = []

    def __call__(self) -> str:
        if not self._ids:
            self._ids = new_ids(self._batch)[::-1]  # pop() from the end: ascending order
        return self._ids.pop()
