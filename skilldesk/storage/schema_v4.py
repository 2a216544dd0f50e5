"""DDL of migration ``0004_subsidy_facts``. Frozen once released."""

from __future__ import annotations

STATEMENTS: list[str] = [
    # facts the subsidy rules need that rosters rarely carry; NULL = not recorded
    "ALTER TABLE person ADD COLUMN pension INTEGER CHECK (pension IN (0, 1))",
    "ALTER TABLE person ADD COLUMN insured_months INTEGER CHECK (insured_months >= 0)",
]
