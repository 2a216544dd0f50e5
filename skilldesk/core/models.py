"""Plain records the core hands to the faces. No persistence, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from skilldesk.i18n import N_
from skilldesk.rules.values import CATEGORY_LABELS

INSTITUTION_KINDS: dict[str, str] = {
    "private_school": N_("Private vocational training school"),
    "technical_school": N_("Technical school"),
    "enterprise_centre": N_("Enterprise training centre"),
    "other": N_("Other"),
}

# Suzhou's county-level districts (GB/T 2260 codes in DOMAIN.md §3.1).
SUZHOU_DISTRICTS: dict[str, str] = {
    "320505": "虎丘区",
    "320506": "吴中区",
    "320507": "相城区",
    "320508": "姑苏区",
    "320509": "吴江区",
    "320571": "苏州工业园区",
    "320581": "常熟市",
    "320582": "张家港市",
    "320583": "昆山市",
    "320585": "太仓市",
}

# Key groups of the founding document (二) and DOMAIN.md §6 (the labels live with the rules).
PERSON_CATEGORIES = CATEGORY_LABELS

ID_TYPES: dict[str, str] = {
    "resident": N_("Resident ID card"),
    "hk_resident_permit": N_("Residence permit (Hong Kong)"),
    "macau_resident_permit": N_("Residence permit (Macau)"),
    "taiwan_resident_permit": N_("Residence permit (Taiwan)"),
    "foreign_permanent_residence": N_("Foreign permanent residence card"),
    "legacy_15": N_("Resident ID card (old 15-digit)"),
}

SEXES: dict[str, str] = {"M": N_("Male"), "F": N_("Female")}


@dataclass(frozen=True)
class Institution:
    id: str
    name: str
    uscc: str
    kind: str
    district: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    is_demo: bool = False
    bank_name: str = ""      # where subsidies paid to the institution go (claim forms)
    bank_account: str = ""


@dataclass(frozen=True)
class InstitutionDraft:
    """What the set-up form or ``init`` submits; validated by the facade."""

    name: str
    uscc: str
    kind: str = "private_school"
    district: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class PersonRow:
    """One line of the people table (what the list needs, nothing more)."""

    seq: int
    id: str
    name: str
    sex: str
    birth_date: str
    id_number: str
    phone: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    id_type: str
    id_number: str
    sex: str
    birth_date: str
    phone: str = ""
    hukou_address: str = ""
    hukou_type: str = ""
    education: str = ""
    employer: str = ""
    employer_uscc: str = ""
    notes: str = ""
    categories: tuple[str, ...] = ()
    updated_at: str = ""
    # facts the subsidy rules need; None = not recorded (never the same as False / 0)
    pension: bool | None = None         # drawing a basic pension (已领取基本养老金)
    insured_months: int | None = None   # months of unemployment insurance paid


@dataclass(frozen=True)
class PersonDraft:
    """Editable fields of a person. Sex and birth date come from the ID number."""

    name: str
    id_number: str
    phone: str = ""
    hukou_address: str = ""
    hukou_type: str = ""
    education: str = ""
    employer: str = ""
    employer_uscc: str = ""
    notes: str = ""
    categories: tuple[str, ...] = field(default=())
    # None = not recorded; the subsidy rules warn about it instead of assuming "no"
    pension: bool | None = None
    insured_months: int | None = None


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PersonRow]
    # pass as ``before`` to get the next page; None when this was the last one
    next_cursor: int | None
