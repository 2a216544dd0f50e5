"""The append-only operation log (triggers forbid UPDATE and DELETE on it)."""

from __future__ import annotations

import json
import uuid

from sqlite_utils import Database

from skilldesk.storage import audit


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _dump(value: dict | None) -> str | None:
    return None if value is None else _ENCODER.encode(value)


def append(
    db: Database,
    *,
    at: str,
    user_name: str,
    device_id: str,
    action: str,
    entity: str,
    entity_id: str,
    before: dict | None,
    after: dict | None,
) -> None:
    # chained to the entry before it (storage/audit.py), inside the writer's transaction
    audit.append_rows(db, [(str(uuid.uuid4()), at, user_name, device_id, action, entity,
                            entity_id, _dump(before), _dump(after))])


def entries_for(db: Database, entity: str, entity_id: str) -> list[dict]:
    cursor = db.execute(
        "SELECT seq, at, user_name, device_id, action, before_json, after_json FROM op_log "
        "WHERE entity = ? AND entity_id = ? ORDER BY seq",
        [entity, entity_id],
    )
    return [
        {
            "seq": r[0], "at": r[1], "user_name": r[2], "device_id": r[3], "action": r[4],
            "before": json.loads(r[5]) if r[5] else None,
            "after": json.loads(r[6]) if r[6] else None,
        }
        for r in cursor.fetchall()
    ]
