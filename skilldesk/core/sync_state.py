"""The merge rule of synchronisation, free of SQL (docs/sync.md, "Merging").

Every field of every synchronised row holds one value, or, after concurrent edits,
several *siblings*. Each value carries a *dot* ``(device, seq)``: the change that
wrote it. A device's *version vector* says, per device, the highest change it has
seen. Joining two copies of a field keeps a sibling when both copies have it, or when
the other side has not seen it yet (a multi-value register: the result does not
depend on the order bundles arrive in, and a bundle applied twice changes nothing).
Two or more siblings with different values are a conflict for a person to decide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field

Dot = tuple[str, int]


@dataclass(frozen=True)
class Sibling:
    dot: Dot
    value: object
    at: str = ""
    user: str = ""

    def key(self) -> tuple:
        """The provisional winner of a conflict is the latest (then the larger dot)."""
        return (self.at, self.dot)


def covered(dot: Dot, vv: dict[str, int]) -> bool:
    return vv.get(dot[0], 0) >= dot[1]


def vv_max(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for origin, seq in b.items():
        if seq > out.get(origin, 0):
            out[origin] = seq
    return out


def vv_gaps(have: dict[str, int], needed: dict[str, int]) -> dict[str, tuple[int, int]]:
    """origin -> (have, needed) where *have* is behind what a bundle builds on."""
    return {o: (have.get(o, 0), s) for o, s in needed.items() if have.get(o, 0) < s}


def join(local: list[Sibling], local_vv: dict[str, int], incoming: list[Sibling],
         incoming_vv: dict[str, int]) -> list[Sibling]:
    """The multi-value register join, siblings sorted by dot."""
    mine = {s.dot: s for s in local}
    theirs = {s.dot: s for s in incoming}
    kept = {d: s for d, s in mine.items() if d in theirs or not covered(d, incoming_vv)}
    kept.update({d: s for d, s in theirs.items() if d not in mine and not covered(d, local_vv)})
    return [kept[d] for d in sorted(kept)]


def winner(siblings: list[Sibling]) -> Sibling:
    return max(siblings, key=Sibling.key)


def in_conflict(siblings: list[Sibling]) -> bool:
    return len({_canon(s.value) for s in siblings}) > 1


def _canon(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass
class RowState:
    """What the change stream says about one row on this device."""

    fields: dict[str, list[Sibling]] = field(default_factory=dict)   # values filled later
    tombstone: tuple[Dot, dict[str, int]] | None = None
    first_seq: int = 0
    last_touch: dict[str, int] = field(default_factory=dict)


def fold(changes: list[tuple], tracked: tuple[str, ...], self_id: str,
         ctx_before: callable) -> RowState:
    """Replay a row's changes ``(local_seq, fields, origin, origin_seq, at, user, ctx)``.

    ``ctx_before(local_seq)`` gives this device's version vector just before a local
    deletion (what the person who deleted the row had seen).
    """
    state = RowState()
    tracked_set = set(tracked)
    for local_seq, fields, origin, origin_seq, at, user, ctx in changes:
        if not state.first_seq:
            state.first_seq = local_seq
        dot = (origin, origin_seq) if origin is not None else (self_id, local_seq)
        if fields == "-":
            context = json.loads(ctx) if ctx else ctx_before(local_seq)
            if origin is None:
                context = vv_max(context, {self_id: local_seq})
            state.tombstone = (dot, context)
            continue
        if fields == "*":
            names = tracked
            state.tombstone = None
        else:
            names = [f for f in fields.strip(",").split(",") if f in tracked_set]
        for name in names:
            state.fields[name] = [Sibling(dot, None, at, user)]
            state.last_touch[name] = local_seq
    return state


def apply_siblings(state: RowState, stored: dict[str, tuple[int, list]]) -> set[str]:
    """Overlay stored conflicting values not since overwritten; the fields they hold."""
    multi = set()
    for name, (established, rows) in stored.items():
        if state.last_touch.get(name, 0) <= established:
            state.fields[name] = [Sibling((o, s), v, at, u) for o, s, at, u, v in rows]
            multi.add(name)
    return multi


def siblings_json(siblings: list[Sibling]) -> list:
    return [[s.dot[0], s.dot[1], s.at, s.user, s.value] for s in siblings]
