"""DDL of migration ``0006_claims``. Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # when the claim left the institution, when the bureau's decision came, the payment
    "ALTER TABLE claim ADD COLUMN submitted_on TEXT",
    "ALTER TABLE claim ADD COLUMN decided_on TEXT",
    "ALTER TABLE claim ADD COLUMN decision_sha256 TEXT",
    "ALTER TABLE claim ADD COLUMN paid_on TEXT",
    "ALTER TABLE claim ADD COLUMN paid_fen INTEGER CHECK (paid_fen IS NULL OR paid_fen >= 0)",
    # the kind of subsidy a line claims (training / skill_upgrade / entrepreneurship),
    # which the subsidy history records once the bureau approves it
    "ALTER TABLE claim_line ADD COLUMN kind TEXT NOT NULL DEFAULT ''",
    # the trainees left out of a claim, with the rules they failed when it was made
    # (JSON list of {rule, severity, msgid, params, clause}), so the claim shows them
    # as they were even after later history changes the verdict
    """CREATE TABLE claim_excluded (
        claim_id TEXT NOT NULL REFERENCES claim(id) ON DELETE CASCADE,
        enrolment_id TEXT NOT NULL REFERENCES enrolment(id),
        person_id TEXT NOT NULL REFERENCES person(id),
        category TEXT NOT NULL DEFAULT '',
        reasons TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (claim_id, enrolment_id)
    ) STRICT""",
    # one package per sequence number per institution (the database is the institution)
    "CREATE UNIQUE INDEX claim_package_seq ON claim(package_seq) WHERE package_seq IS NOT NULL",
    "CREATE INDEX claim_supersedes ON claim(supersedes_id)",
    "CREATE INDEX claim_class_class ON claim_class(class_id)",
]
