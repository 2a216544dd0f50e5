"""What the 政策与目录 page shows: a rule set's key figures (read from ``RuleSet.raw``, so a
figure the TOML does not give is simply left out) and a catalogue's items as a table."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

from skilldesk.core.catalogue_rows import yuan
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.rules.policy import RuleSet

_Index = QModelIndex | QPersistentModelIndex
SKILL_LEVELS = ("L5", "L4", "L3", "L2", "L1")
BENCHMARK_LEVELS = (*SKILL_LEVELS, "special")


def level_label(level: str) -> str:
    return _(LEVELS[level]) if level in LEVELS else level


def money(value: object) -> str:
    """A yuan figure from the TOML (yuan) for display."""
    return _("{amount} yuan").format(amount=value)


def percent(value: object) -> str:
    return f"{float(value) * 100:g}%"


def figures(rule_set: RuleSet) -> list[tuple[str, str, str]]:
    """(what, value, source clause) for the rule set's key figures."""
    raw = rule_set.raw
    rows: list[tuple[str, str, str]] = []
    guards = raw.get("class_guards", {})
    lead = guards.get("filing_lead", {})
    if "working_days" in lead:
        rows.append((_("Opening application lead time"),
                     _("{days} working days before the start").format(days=lead["working_days"]),
                     lead.get("source", "")))
    hours = guards.get("min_hours", {})
    listed = [_("{level} {hours}").format(level=level_label(level), hours=hours[level])
              for level in SKILL_LEVELS if level in hours]
    if listed:
        rows.append((_("Minimum class hours by level"), join(listed), hours.get("source", "")))
    share = guards.get("practice_share", {})
    if "minimum" in share:
        types = join([_(TRAINING_TYPES.get(t, t)) for t in share.get("training_types", [])])
        rows.append((_("Practical share of class hours"),
                     _("at least {share} ({types})").format(share=percent(share["minimum"]),
                                                            types=types),
                     share.get("source", "")))
    period = guards.get("period", {})
    if "minutes" in period:
        rows.append((_("Length of a class hour"),
                     _("{minutes} minutes").format(minutes=period["minutes"]),
                     period.get("source", "")))
    rows += _subsidy_figures(raw.get("subsidy", {}))
    targets = raw.get("targets", {})
    for key, label in (("pass_rate", N_("Target pass rate")),
                       ("employment_rate", N_("Target employment rate"))):
        if key in targets:
            rows.append((_(label), percent(targets[key]), targets.get("source", "")))
    return rows


_FLAT = {"pre_job": N_("Pre-job training for employees")}


def _subsidy_figures(subsidy: dict) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    flat = subsidy.get("flat", {})
    amounts = [f"{_(TRAINING_TYPES.get(key, _FLAT.get(key, key)))} {money(value)}"
               for key, value in flat.items() if key != "source"]
    if amounts:
        rows.append((_("Flat amounts per trainee"), join(amounts), flat.get("source", "")))
    cert = subsidy.get("training_certificate", {})
    if "min" in cert and "max" in cert:
        rows.append((_("Training certificate (培训合格证书)"),
                     _("{low}–{high} yuan").format(low=cert["min"], high=cert["max"]),
                     cert.get("source", "")))
    upgrade = subsidy.get("skill_upgrade", {})
    amounts = [f"{level_label(lv)} {upgrade[lv]}" for lv in SKILL_LEVELS if lv in upgrade]
    if amounts:
        rows.append((_("Skill-upgrade subsidy for insured employees (yuan)"), join(amounts),
                     upgrade.get("source", "")))
    uplift = subsidy.get("uplift", {})
    if "shortage" in uplift:
        rows.append((_("Uplift for shortage occupations"), "+" + percent(uplift["shortage"]),
                     uplift.get("source", "")))
    if "local_float" in uplift:
        rows.append((_("Local float around the benchmark"), "±" + percent(uplift["local_float"]),
                     uplift.get("source", "")))
    caps = subsidy.get("caps", {})
    if "training_total" in caps:
        rows.append((_("Training subsidies per person"),
                     _("at most {count}").format(count=caps["training_total"]),
                     caps.get("source", "")))
    if "claim_window_months" in caps:
        rows.append((_("Claim window after the certificate"),
                     _("{months} months").format(months=caps["claim_window_months"]),
                     caps.get("source", "")))
    return rows


def benchmark(rule_set: RuleSet) -> dict[str, dict[str, object]]:
    """category -> level -> yuan, as the TOML gives it (empty if it gives none)."""
    table = rule_set.raw.get("subsidy", {}).get("benchmark", {})
    return {c: dict(table[c]) for c in ("A", "B", "C") if isinstance(table.get(c), dict)}


class ItemsModel(QAbstractTableModel):
    """A catalogue's items, filtered by a search text (code, name, 工种 or level)."""

    HEADERS = (N_("Occupation code"), N_("Occupation"), N_("Work type"), N_("Level"),
               N_("Category (A/B/C)"), N_("Amount (yuan)"), N_("Shortage"), N_("Minimum hours"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list[CatalogueItem] = []
        self._rows: list[CatalogueItem] = []
        self._text = ""

    def set_items(self, items: list[CatalogueItem]) -> None:
        self._all = list(items)
        self._apply()

    def set_filter(self, text: str) -> None:
        self._text = text.strip().casefold()
        self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        text = self._text
        self._rows = [i for i in self._all if not text or text in " ".join(
            (i.occupation_code, i.occupation_name, i.work_type, level_label(i.level),
             i.category)).casefold()]
        self.endResetModel()

    def item(self, row: int) -> CatalogueItem:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return item_cells(item)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (5, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 4 and item.category_assumed:
            return _("The category is an assumption (sample data): the bureau's catalogue "
                     "gives the real one.")
        return None


def item_cells(item: CatalogueItem) -> list[str]:
    """An item as the texts of the ItemsModel columns."""
    category = item.category or "—"
    if item.category and item.category_assumed:
        category += _(" (assumed)")
    return [item.occupation_code or "—", item.occupation_name, item.work_type,
            level_label(item.level), category, yuan(item.standard_fen) if item.standard_fen
            else "—", _("Yes") if item.shortage else "", str(item.min_hours or "")]
