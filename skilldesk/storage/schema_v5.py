"""DDL of migration ``0005_unproven_categories``. Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # the few categories still without a proof document, so the subsidy rules find
    # them without reading every category row
    """CREATE INDEX person_category_unproven ON person_category(person_id, category)
       WHERE proof_kind = '' AND proof_number = '' AND attachment_id IS NULL""",
]
