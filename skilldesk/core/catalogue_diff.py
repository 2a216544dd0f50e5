"""What a new catalogue changes against the one in use: items added, removed, and items
whose amount, category, shortage flag or minimum hours differ (each with old and new).

Items are matched by occupation code (the name for items without one), 工种 and level.
Pure functions: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from skilldesk.core.catalogue_rows import item_key
from skilldesk.i18n import N_
from skilldesk.rules.catalogue import CatalogueItem

#: The fields compared, with their labels (msgids).
DIFF_FIELDS: dict[str, str] = {
    "standard_fen": N_("Amount"),
    "category": N_("Category (A/B/C)"),
    "shortage": N_("Shortage list"),
    "min_hours": N_("Minimum hours"),
}


@dataclass(frozen=True)
class FieldChange:
    item: CatalogueItem      # the new item
    field: str               # a key of DIFF_FIELDS
    old: object
    new: object

    def as_json(self) -> dict:
        return {"item": item_json(self.item), "field": self.field, "old": self.old,
                "new": self.new}


@dataclass(frozen=True)
class CatalogueDiff:
    base_id: str | None = None       # the catalogue compared against (None: there is none)
    base_title: str = ""
    added: list[CatalogueItem] = field(default_factory=list)
    removed: list[CatalogueItem] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)

    @property
    def changed_items(self) -> int:
        return len({item_key(c.item) for c in self.changed})

    def as_json(self) -> dict:
        return {"base": self.base_id, "added": [item_json(i) for i in self.added],
                "removed": [item_json(i) for i in self.removed],
                "changed": [c.as_json() for c in self.changed]}


def item_json(item: CatalogueItem) -> dict:
    return {"occupation_code": item.occupation_code, "occupation_name": item.occupation_name,
            "work_type": item.work_type, "level": item.level, "category": item.category,
            "standard_fen": item.standard_fen, "shortage": item.shortage,
            "min_hours": item.min_hours}


def compare(old: list[CatalogueItem], new: list[CatalogueItem], *, base_id: str | None,
            base_title: str = "", compare_hours: bool = True) -> CatalogueDiff:
    """The differences from *old* to *new*. ``compare_hours=False`` when the new file has
    no minimum-hours column: it says nothing about them, so they are not a change."""
    before = {item_key(i): i for i in old}
    after = {item_key(i): i for i in new}
    fields = [f for f in DIFF_FIELDS if compare_hours or f != "min_hours"]
    changed = []
    for item_id, item in after.items():
        previous = before.get(item_id)
        if previous is None:
            continue
        for name in fields:
            was, now = getattr(previous, name), getattr(item, name)
            if was != now:
                changed.append(FieldChange(item, name, was, now))
    return CatalogueDiff(
        base_id=base_id, base_title=base_title,
        added=[i for k, i in after.items() if k not in before],
        removed=[i for k, i in before.items() if k not in after],
        changed=changed)
