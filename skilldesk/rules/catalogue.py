"""The bureau's occupation catalogue as the subsidy rules see it (pure data).

A catalogue (目录) lists, for one city and year, each occupation (code
``D-DD-DD-DD``), its 工种, the levels it is paid for, its A/B/C category, the
amount (一项一价, in fen) and whether it is on the shortage list (紧缺).
``core/catalogue.py`` builds a :class:`CatalogueIndex` from the database;
the rules only read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class CatalogueItem:
    occupation_code: str
    occupation_name: str
    work_type: str       # 工种 ('' when the catalogue lists the occupation as a whole)
    level: str           # L5..L1, special, certificate
    category: str        # A, B, C or ''
    standard_fen: int    # the amount for this item (0: use the rule set's benchmark)
    shortage: bool       # on the shortage list: the uplift applies
    min_hours: int = 0   # 0: the rule set's minimum applies
    category_assumed: bool = False  # the A/B/C category is an assumption (sample data)


@dataclass(frozen=True)
class CatalogueIndex:
    """One catalogue, looked up by occupation, 工种 and level."""

    catalogue_id: str
    title: str
    year: int
    is_sample: bool
    items: dict[tuple[str, str, str], CatalogueItem] = field(default_factory=dict)
    by_name: dict[tuple[str, str], CatalogueItem] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, catalogue_id: str, title: str, year: int, is_sample: bool,
           items: list[CatalogueItem]) -> CatalogueIndex:
        return cls(catalogue_id, title, year, is_sample,
                   {(i.occupation_code, i.work_type, i.level): i for i in items},
                   {(i.occupation_name, i.level): i for i in reversed(items)})

    def find(self, occupation_code: str, work_type: str, level: str) -> CatalogueItem | None:
        """The item for this occupation, 工种 and level; an item listed for the
        occupation as a whole (no 工种) answers for every 工种 of it."""
        return (self.items.get((occupation_code, work_type, level))
                or self.items.get((occupation_code, "", level)))

    def find_by_name(self, occupation_name: str, level: str) -> CatalogueItem | None:
        """For 专项 projects, which have no occupation code: match by name (the first
        item of that name and level)."""
        return self.by_name.get((occupation_name, level))
