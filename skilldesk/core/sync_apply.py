"""Applying a bundle's rows to this database (one transaction, the caller's).

Order: tombstones first (children before parents), then rows in the order the
sender first wrote them (parents before children); foreign keys are checked at
COMMIT, so a row may point to one that comes later in the same bundle. Per row:

- a row this device deleted: changes it had not seen are kept aside (``sync_lost``);
- a new row whose natural key (ID number, class code, ...) matches a row here is the
  same record: both devices keep the smaller id, and the fields are joined;
- otherwise each field is joined (``sync_state.join``); concurrent different values
  become siblings for a person to decide;
- a failure of one row (a unique value taken here) rolls back that row alone and
  keeps it aside; never a silently dropped row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from skilldesk.core import sync_state as st
from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_
from skilldesk.storage import sync as sql
from skilldesk.storage import sync_rows
from skilldesk.storage.driver import sqlite3


#: where conflicting values wait until the changes of the same bundle are recorded
PARKED = 1 << 62


class SyncGap(SkilldeskError):
    code = "E_GAP"
    default_msgid = N_("This bundle refers to records this PC has not received yet. Import the "
                       "earlier bundles from the same device first.")


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    duplicates: int = 0
    conflicts: int = 0


@dataclass
class Outcome:
    tables: dict[str, TableCounts] = field(default_factory=dict)
    added: list[tuple[str, str]] = field(default_factory=list)        # (tbl, id)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # (tbl, id, field)
    lost: list[tuple[str, str, str]] = field(default_factory=list)       # (tbl, id, kind)
    changes: int = 0

    def count(self, tbl: str) -> TableCounts:
        return self.tables.setdefault(tbl, TableCounts())

    def totals(self) -> dict[str, int]:
        t = Counter()
        for c in self.tables.values():
            t.update({"added": c.added, "updated": c.updated, "deleted": c.deleted,
                      "duplicates": c.duplicates, "conflicts": c.conflicts})
        totals = {k: t.get(k, 0) for k in ("added", "updated", "deleted", "duplicates",
                                            "conflicts")}
        totals["applied"] = totals["added"] + totals["updated"] + totals["deleted"]
        totals["kept_aside"] = len(self.lost)
        return totals


class Applier:
    def __init__(self, db, shapes: sync_rows.Shapes, *, self_id: str, local_vv: dict,
                 sender_vv: dict, dots: list[list], bundle_id: str, now: str) -> None:
        self.db, self.shapes, self.self_id = db, shapes, self_id
        self.local_vv, self.sender_vv = local_vv, sender_vv
        self.dots = [st.Sibling((o, s), None, at, u) for o, s, at, u in dots]
        self.bundle_id, self.now = bundle_id, now
        self.alias = sql.aliases(db)
        self.out = Outcome()
        self.touched: list[tuple[str, str]] = []    # rows written: their parents must exist
        self.deleted: list[tuple[str, str]] = []    # rows deleted: their children must go
        self._seen_cache: dict[int, dict] = {}

    # -- helpers ---------------------------------------------------------------------

    def _resolve(self, row_id):
        while row_id in self.alias:
            row_id = self.alias[row_id]
        return row_id

    def _translate(self, shape: sync_rows.TableShape, values: dict) -> dict:
        values = dict(values)
        values["id"] = self._resolve(values["id"])
        for column, _parent in shape.parents:
            if values.get(column) is not None:
                values[column] = self._resolve(values[column])
        if shape.name == "attachment_link" and values.get("entity_id"):
            values["entity_id"] = self._resolve(values["entity_id"])
        return values

    def _ctx_before(self, local_seq: int) -> dict:
        if local_seq not in self._seen_cache:
            self._seen_cache[local_seq] = sql.seen(self.db, local_seq)
        return self._seen_cache[local_seq]

    def _local_state(self, shape, row_id, values: dict | None) -> tuple[st.RowState, set]:
        state = st.fold(sql.changes_for(self.db, shape.name, row_id), shape.tracked,
                        self.self_id, self._ctx_before)
        multi = st.apply_siblings(state, sql.siblings_for(self.db, shape.name, row_id))
        if values is not None:
            for name, sibs in state.fields.items():
                if name not in multi:
                    state.fields[name] = [st.Sibling(s.dot, values.get(name), s.at, s.user)
                                          for s in sibs]
        return state, multi

    def _incoming(self, shape, record: dict, values: dict) -> dict[str, list[st.Sibling]]:
        base = record.get("b")
        odd = record.get("d", {})
        fields: dict[str, list[st.Sibling]] = {}
        for name in shape.tracked:
            index = odd.get(name, base)
            if index is not None:
                d = self.dots[index]
                fields[name] = [st.Sibling(d.dot, values.get(name), d.at, d.user)]
        for name, sibs in record.get("s", {}).items():
            if name in shape.tracked:
                fields[name] = [st.Sibling(self.dots[i].dot, v, self.dots[i].at,
                                           self.dots[i].user) for i, v in sibs]
        return fields

    def _record(self, tbl: str, row_id: str, by_dot: dict[st.Dot, list[str]],
                all_fields: bool, dot_meta: dict[st.Dot, st.Sibling]) -> None:
        # a dot keeps its identity, also this device's own dots coming back
        for dot, names in sorted(by_dot.items()):
            meta = dot_meta[dot]
            sql.record_change(self.db, tbl=tbl, row_id=row_id,
                              fields="*" if all_fields else "," + ",".join(sorted(names)) + ",",
                              origin=dot[0], origin_seq=dot[1], at=meta.at,
                              user_name=meta.user)

    # -- tombstones --------------------------------------------------------------------

    def tombstone(self, record: dict) -> None:
        shape = self.shapes.tables[record["t"]]
        counts = self.out.count(shape.name)
        row_id = self._resolve(record["id"])
        index, ctx = record["x"]
        d = self.dots[index]
        if st.covered(d.dot, self.local_vv):
            counts.duplicates += 1
            return
        values = sync_rows.get_row(self.db, shape, row_id)
        if values is not None:
            if self._pinned(shape.name, row_id):
                self._lose(shape.name, row_id, "kept", values, {"deleted_by": _who(d)})
                counts.conflicts += 1
                return
            state, _multi = self._local_state(shape, row_id, values)
            unseen = {name: _sib_json(s) for name, sibs in state.fields.items()
                      for s in sibs if not st.covered(s.dot, ctx)}
            if unseen:
                self._lose(shape.name, row_id, "deleted_there", values,
                           {"deleted_by": _who(d), "changed_here": unseen})
                counts.conflicts += 1
            sync_rows.delete_row(self.db, shape.name, row_id)
            sql.drop_siblings(self.db, shape.name, row_id)
            self.deleted.append((shape.name, row_id))
            counts.deleted += 1
        else:
            counts.duplicates += 1
        sql.record_change(self.db, tbl=shape.name, row_id=row_id, fields="-", origin=d.dot[0],
                          origin_seq=d.dot[1], at=d.at, user_name=d.user, ctx=ctx)

    def _pinned(self, table: str, row_id: str) -> bool:
        """Referred to by records that never travel (a claim): not to be deleted here."""
        return any(child not in self.shapes.tables
                   for child, _id in sync_rows.children(self.db, self.shapes, table, row_id))

    # -- rows --------------------------------------------------------------------------

    def upsert(self, record: dict) -> None:
        shape = self.shapes.tables[record["t"]]
        try:
            with sql.savepoint(self.db):
                self._upsert(shape, record)
        except sqlite3.IntegrityError as exc:
            self._lose(shape.name, record["id"], "unique", record["v"], {"error": str(exc)})
            self.out.count(shape.name).conflicts += 1

    def _upsert(self, shape, record: dict) -> None:
        counts = self.out.count(shape.name)
        values = self._translate(shape, record["v"])
        row_id = values["id"]
        incoming = self._incoming(shape, record, values)
        local = sync_rows.get_row(self.db, shape, row_id)
        if local is None:
            state, _ = self._local_state(shape, row_id, None)
            if state.tombstone is not None:
                self._deleted_here(shape, row_id, values, incoming, state.tombstone[1], counts)
                return
            match = self._natural_match(shape, values)
            if match is None:
                self._insert(shape, values, incoming, counts)
                return
            if match < row_id:
                self._alias(row_id, match)
                row_id = values["id"] = match
            else:
                sync_rows.rekey(self.db, self.shapes, shape.name, match, row_id)
                self._alias(match, row_id)
            local = sync_rows.get_row(self.db, shape, row_id)
        self._merge(shape, row_id, local, values, incoming, counts)

    def _alias(self, old: str, new: str) -> None:
        sql.add_alias(self.db, old, new)
        for key, target in list(self.alias.items()):
            if target == old:
                self.alias[key] = new
        self.alias[old] = new

    def _natural_match(self, shape, values: dict) -> str | None:
        for key in shape.unique_keys:
            found = sync_rows.find_by_key(self.db, shape, key, values)
            if found is not None and found != values["id"]:
                return found
        return None

    def _deleted_here(self, shape, row_id, values, incoming, ctx, counts) -> None:
        unseen = {name: _sib_json(s) for name, sibs in incoming.items() for s in sibs
                  if not st.covered(s.dot, ctx) and not st.covered(s.dot, self.local_vv)}
        if unseen:
            self._lose(shape.name, row_id, "deleted_here", values, {"changed_there": unseen})
            counts.conflicts += 1
        else:
            counts.duplicates += 1

    def _insert(self, shape, values: dict, incoming: dict, counts: TableCounts) -> None:
        chosen = {}
        for name, sibs in incoming.items():
            chosen[name] = st.winner(sibs).value
        sync_rows.insert_row(self.db, shape, {**values, **chosen})
        by_dot: dict[st.Dot, list[str]] = {}
        meta: dict[st.Dot, st.Sibling] = {}
        multi = {n: s for n, s in incoming.items() if len(s) > 1}
        for name, sibs in incoming.items():
            for s in sibs:
                by_dot.setdefault(s.dot, []).append(name)
                meta[s.dot] = s
        single = len(by_dot) == 1 and not multi
        self._record(shape.name, values["id"], by_dot, single, meta)
        for name, sibs in multi.items():
            self._siblings(shape.name, values["id"], name, sibs, counts)
        self.touched.append((shape.name, values["id"]))
        counts.added += 1
        self.out.added.append((shape.name, values["id"]))

    def _merge(self, shape, row_id, local: dict, values: dict, incoming: dict,
               counts: TableCounts) -> None:
        state, multi_here = self._local_state(shape, row_id, local)
        updates, by_dot, meta, changed = {}, {}, {}, False
        for name in shape.tracked:
            mine = state.fields.get(name, [])
            theirs = incoming.get(name, [])
            joined = st.join(mine, self.local_vv, theirs, self.sender_vv)
            if {s.dot for s in joined} == {s.dot for s in mine}:
                continue
            changed = True
            for s in joined:
                by_dot.setdefault(s.dot, []).append(name)
                meta[s.dot] = s
            value = st.winner(joined).value if joined else None
            if value != local.get(name):
                updates[name] = value
            if len(joined) > 1:
                self._siblings(shape.name, row_id, name, joined, counts)
            elif name in multi_here:
                sql.drop_siblings(self.db, shape.name, row_id, name)
        if not changed:
            counts.duplicates += 1
            return
        updates.update(_meta(local, values))
        sync_rows.update_row(self.db, shape, row_id, updates)
        self._record(shape.name, row_id, by_dot, False, meta)
        self.touched.append((shape.name, row_id))
        counts.updated += 1

    def _siblings(self, tbl, row_id, name, sibs: list[st.Sibling], counts) -> None:
        conflict = st.in_conflict(sibs)
        sql.put_siblings(self.db, tbl, row_id, name, PARKED, st.siblings_json(sibs),
                         self.bundle_id)
        if conflict:
            counts.conflicts += 1
            self.out.conflicts.append((tbl, row_id, name))

    def _lose(self, tbl, row_id, kind, data, detail) -> None:
        sql.add_lost(self.db, tbl=tbl, row_id=row_id, kind=kind, data=data, detail=detail,
                     bundle_id=self.bundle_id, at=self.now)
        self.out.lost.append((tbl, row_id, kind))

    # -- after all rows ----------------------------------------------------------------

    def finish(self) -> None:
        """Rows left without a parent that was deleted here or there: deleted too (kept
        aside); a parent that was never here: the bundle is refused."""
        seq = sql.last_local_seq(self.db)
        # siblings were parked at a sentinel; pin them just after the changes recorded
        sql.pin_siblings(self.db, seq, PARKED)
        orphans = []
        for tbl, row_id in self.touched:
            shape = self.shapes.tables[tbl]
            for parent, parent_id in sync_rows.missing_parents(self.db, shape, row_id):
                if not self._was_deleted(parent, parent_id):
                    raise SyncGap(detail=f"{tbl} {row_id} refers to {parent} {parent_id}, "
                                         "which is not here")
                orphans.append((tbl, row_id))
        for tbl, row_id in self.deleted:
            orphans += [(c, cid) for c, cid in
                        sync_rows.children(self.db, self.shapes, tbl, row_id)
                        if c in self.shapes.tables]
        for tbl, row_id in orphans:
            values = sync_rows.get_row(self.db, self.shapes.tables[tbl], row_id)
            if values is None:
                continue
            self._lose(tbl, row_id, "orphan", values, {})
            self.out.count(tbl).conflicts += 1
            self._delete_tree(tbl, row_id)

    def _was_deleted(self, table: str, row_id: str) -> bool:
        state = st.fold(sql.changes_for(self.db, table, row_id), (), self.self_id,
                        self._ctx_before)
        return state.tombstone is not None

    def _delete_tree(self, table: str, row_id: str) -> None:
        for child, child_id in sync_rows.children(self.db, self.shapes, table, row_id):
            if child in self.shapes.tables:
                self._delete_tree(child, child_id)
        sync_rows.delete_row(self.db, table, row_id)
        sql.drop_siblings(self.db, table, row_id)
        sql.record_change(self.db, tbl=table, row_id=row_id, fields="-", origin=None,
                          origin_seq=None, at=self.now, user_name="")


def _meta(local: dict, incoming: dict) -> dict:
    out = {}
    if "created_at" in local and incoming.get("created_at"):
        out["created_at"] = min(local["created_at"] or incoming["created_at"],
                                incoming["created_at"])
    if "updated_at" in local and incoming.get("updated_at"):
        if (incoming["updated_at"], incoming.get("device_id") or "") > \
                (local["updated_at"] or "", local.get("device_id") or ""):
            out["updated_at"] = incoming["updated_at"]
            if "device_id" in local:
                out["device_id"] = incoming.get("device_id")
    return {k: v for k, v in out.items() if v != local.get(k)}


def _who(s: st.Sibling) -> dict:
    return {"device": s.dot[0], "user": s.user, "at": s.at}


def _sib_json(s: st.Sibling) -> dict:
    return {"value": s.value, **_who(s)}


PROGRESS_EVERY = 1000  # rows between two progress reports (and chances to cancel)


def apply_rows(applier: Applier, rows: list[dict], *, progress=None) -> Outcome:
    """Apply the bundle's rows (inside the caller's transaction). *progress*: called as
    ``progress(done, total)`` every ``PROGRESS_EVERY`` rows; it may raise ``Cancelled``,
    which the caller's transaction then rolls back whole."""
    tombstones = sorted((r for r in rows if "x" in r), key=lambda r: -r["o"])
    upserts = sorted((r for r in rows if "x" not in r), key=lambda r: r["o"])
    with sql.applying(applier.db):
        for number, record in enumerate(tombstones + upserts, start=1):
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number, len(rows))
            if "x" in record:
                applier.tombstone(record)
            else:
                applier.upsert(record)
        applier.finish()
    return applier.out

