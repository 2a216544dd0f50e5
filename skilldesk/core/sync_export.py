"""What a bundle carries: every row changed since the recipient last acknowledged.

Each row travels whole (its current values), with the dot of every field and any
conflicting siblings, so the recipient can join it field by field; a deleted row
travels as a tombstone with what its deleter had seen. Rows are listed in the order
they were first written here, so parents come before their children.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from skilldesk.core import sync_state as st
from skilldesk.storage import sync as sql
from skilldesk.storage import sync_rows


@dataclass(frozen=True)
class Payload:
    data: dict                 # {"dots": [...], "rows": [...]}
    blobs: dict[str, bytes]    # sha256 -> attachment contents
    changes: int               # changes the rows stand for


class _Dots:
    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.rows: list[list] = []

    def __call__(self, sibling: st.Sibling) -> int:
        key = (sibling.dot, sibling.at, sibling.user)
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append([sibling.dot[0], sibling.dot[1], sibling.at, sibling.user])
        return self.index[key]


def build_payload(db, shapes: sync_rows.Shapes, self_id: str,
                  acked: dict[str, int], progress=None) -> Payload:
    candidates = sql.rows_changed_since(db, self_id, acked)
    keys = [(t, r) for t, r, _first in candidates]
    history = sql.changes_for_rows(db, keys)
    stored_siblings = sql.siblings_for_rows(db, keys)
    by_table: dict[str, list[str]] = {}
    for tbl, row_id in keys:
        by_table.setdefault(tbl, []).append(row_id)
    current = {t: sync_rows.get_rows(db, shapes.tables[t], ids) for t, ids in by_table.items()}
    seen_cache: dict[int, dict] = {}

    def ctx_before(local_seq: int) -> dict:
        if local_seq not in seen_cache:
            seen_cache[local_seq] = sql.seen(db, local_seq)
        return seen_cache[local_seq]

    dots = _Dots()
    rows, blobs, change_count = [], {}, 0
    for n, (tbl, row_id, first) in enumerate(sorted(candidates, key=lambda c: c[2])):
        if progress is not None and n % 2000 == 0:
            progress(n, len(candidates))
        shape = shapes.tables[tbl]
        changes = history.get((tbl, row_id), [])
        change_count += sum(1 for c in changes if not st.covered(_dot(c, self_id), acked))
        state = st.fold(changes, shape.tracked, self_id, ctx_before)
        values = current[tbl].get(row_id)
        if values is None:
            if state.tombstone is None:
                continue    # gone without a recorded deletion: nothing to say
            dot, ctx = state.tombstone
            rows.append({"t": tbl, "id": row_id, "o": first,
                         "x": [dots(st.Sibling(dot, None)), ctx]})
            continue
        multi = st.apply_siblings(state, stored_siblings.get((tbl, row_id), {}))
        field_dots = {f: dots(s[0]) for f, s in state.fields.items() if f not in multi}
        record = {"t": tbl, "id": row_id, "o": first, "v": values}
        if field_dots:
            base = Counter(field_dots.values()).most_common(1)[0][0]
            record["b"] = base
            odd = {f: i for f, i in field_dots.items() if i != base}
            if odd:
                record["d"] = odd
        if multi:
            record["s"] = {f: [[dots(s), s.value] for s in state.fields[f]] for f in multi}
        rows.append(record)
        if tbl == "attachment":
            blob = sync_rows.get_blob(db, values["sha256"])
            if blob is not None:
                blobs[values["sha256"]] = blob
    return Payload({"dots": dots.rows, "rows": rows}, blobs, change_count)


def _dot(change: tuple, self_id: str) -> st.Dot:
    local_seq, _fields, origin, origin_seq = change[:4]
    return (origin, origin_seq) if origin is not None else (self_id, local_seq)
