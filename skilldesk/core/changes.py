"""What a mutation changed, so the faces refresh only what they must (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class Changes:
    """Returned by every mutating facade method; the GUI broadcasts it once."""

    institution: bool = False
    people: bool = False
    classes: bool = False
    catalogue: bool = False
    claims: bool = False
    settings: bool = False
    # ids of records created or updated, for selecting them after the refresh
    ids: tuple[str, ...] = field(default=())

    def merge(self, other: Changes) -> Changes:
        return Changes(
            institution=self.institution or other.institution,
            people=self.people or other.people,
            classes=self.classes or other.classes,
            catalogue=self.catalogue or other.catalogue,
            claims=self.claims or other.claims,
            settings=self.settings or other.settings,
            ids=self.ids + other.ids,
        )

    @property
    def anything(self) -> bool:
        return any(
            (self.institution, self.people, self.classes, self.catalogue, self.claims, self.settings)
        )
