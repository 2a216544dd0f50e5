"""DDL of migration ``0003_classes``. Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # the rule set a class was filed under: it is judged by the rules then in force
    "ALTER TABLE training_class ADD COLUMN rule_set TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX training_class_type ON training_class(training_type, start_date)",
    # roster changes after filing: the bureau checks them, so each keeps its reason
    """CREATE TABLE enrolment_change (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL REFERENCES training_class(id) ON DELETE CASCADE,
        enrolment_id TEXT NOT NULL REFERENCES enrolment(id) ON DELETE CASCADE,
        person_id TEXT NOT NULL REFERENCES person(id),
        action TEXT NOT NULL CHECK (action IN ('add','withdraw','readmit')),
        reason TEXT NOT NULL CHECK (length(reason) > 0),
        at TEXT NOT NULL,
        user_name TEXT NOT NULL DEFAULT '',
        device_id TEXT NOT NULL
    ) STRICT""",
    "CREATE INDEX enrolment_change_class ON enrolment_change(class_id, at)",
    # attachment contents, content-addressed: one copy per distinct file, inside the
    # institution's database so a backup or a sync bundle carries them along
    """CREATE TABLE attachment_blob (
        sha256 TEXT PRIMARY KEY,
        data BLOB NOT NULL
    ) STRICT""",
    "CREATE INDEX session_class_date ON session(class_id, date)",
    # the class list counts each class's enrolled trainees from this index alone
    "CREATE INDEX enrolment_class_status ON enrolment(class_id, status)",
]
