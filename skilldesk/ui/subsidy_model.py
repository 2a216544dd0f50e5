"""What the 补贴测算 tab shows, built from a ``ClassSubsidy``: the trainee tree with
every rule outcome, the readiness tree (申领前自查), and the rows of the export.

Amounts stay integer fen until they are formatted for display here.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QRect
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTreeWidget
from PySide6.QtWidgets import QTreeWidgetItem
from PySide6.QtWidgets import QWidget

from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.readiness import Signal as ReadinessSignal
from skilldesk.core.readiness import SignalRecord
from skilldesk.core.subsidy import ClassSubsidy
from skilldesk.core.subsidy import SubsidyLine
from skilldesk.export.tabular import Column
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.i18n import join
from skilldesk.rules.identifiers import mask_id_number

KIND_LABELS = {"training": N_("Vocational training"), "skill_upgrade": N_("Skill upgrade"),
               "entrepreneurship": N_("Start-up training")}
PAYEE_LABELS = {"institution": N_("Training institution"), "person": N_("The trainee")}
STATUS_LABELS = {"eligible": N_("Eligible"), "warning": N_("Eligible, with warnings"),
                 "ineligible": N_("Not eligible")}

RED, AMBER, GREEN, GREY = "#b3261e", "#a15c00", "#146c2e", "#5f6368"
STATUS_COLOURS = {"eligible": GREEN, "warning": AMBER, "ineligible": RED}

LINE_ROLE = Qt.ItemDataRole.UserRole          # a SubsidyLine on a trainee row
OUTCOME_ROLE = Qt.ItemDataRole.UserRole + 1   # a RuleOutcome on an outcome row
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2    # a SignalRecord on a readiness record row

TRAINEE_COLUMNS = (N_("Name"), N_("ID number"), N_("Category"), N_("Subsidy type"),
                   N_("Paid to"), N_("Amount (yuan)"), N_("Conclusion"))
AMOUNT_COLUMN, STATUS_COLUMN = 5, 6


def yuan(fen: int) -> str:
    """Integer fen as yuan with thousands separators and two decimals, exactly."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


def category_label(key: str) -> str:
    return _(PERSON_CATEGORIES[key]) if key in PERSON_CATEGORIES else (key or "—")


def payee_label(key: str | None) -> str:
    return _(PAYEE_LABELS[key]) if key in PAYEE_LABELS else "—"


def kind_label(key: str) -> str:
    return _(KIND_LABELS[key]) if key in KIND_LABELS else key


def line_status(line: SubsidyLine) -> str:
    decision = line.decision
    if not decision.eligible:
        return "ineligible"
    return "warning" if any(o.severity == "warning" for o in decision.failures) else "eligible"


def outcome_look(outcome) -> tuple[str, str]:
    """The mark and colour of one outcome: ✗ red blocking, ! amber warning, ✓ grey passed."""
    if outcome.passed:
        return "✓", GREY
    if outcome.severity == "blocking":
        return "✗", RED
    if outcome.severity == "warning":
        return "！", AMBER
    return "·", GREY


def ordered_outcomes(line: SubsidyLine) -> list:
    """Failed blocking rules first, then warnings, then what passed (stable within)."""
    rank = {"blocking": 0, "warning": 1}
    return sorted(line.decision.outcomes,
                  key=lambda o: 2 if o.passed else rank.get(o.severity, 2))


def reasons(line: SubsidyLine) -> str:
    """The failed rules of a line, for the export's 原因 column."""
    return " ".join(o.message() for o in ordered_outcomes(line) if not o.passed)


def summary_totals(totals: dict[str, int], label) -> str:
    parts = [f"{label(key)} {yuan(fen)}" for key, fen in
             sorted(totals.items(), key=lambda item: (-item[1], item[0])) if fen]
    return join(parts) if parts else "—"


# -- export ------------------------------------------------------------------------------


def export_columns() -> list[Column]:
    return [Column("name", _("Name")), Column("id_number", _("ID number")),
            Column("category", _("Category")), Column("kind", _("Subsidy type")),
            Column("payee", _("Paid to")), Column("amount", _("Amount (yuan)"), "money_fen"),
            Column("status", _("Conclusion")), Column("reasons", _("Reason"), width=80)]


def export_rows(result: ClassSubsidy) -> list[dict]:
    return [{"name": line.name, "id_number": mask_id_number(line.id_number),
             "category": category_label(line.category), "kind": kind_label(line.decision.kind),
             "payee": payee_label(line.decision.payee), "amount": line.decision.amount_fen,
             "status": _(STATUS_LABELS[line_status(line)]), "reasons": reasons(line)}
            for line in result.lines]


# -- the trees ---------------------------------------------------------------------------


class WrapDelegate(QStyledItemDelegate):
    """Row heights for wrapped text: a spanned row (an outcome) or the only column
    (a readiness message) wraps at the width it really has, so nothing is cut off."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        view = self.parent()
        spanned = index.parent().isValid() and view.isFirstColumnSpanned(
            index.row(), index.parent())
        if not (spanned or view.columnCount() == 1):
            return super().sizeHint(option, index)
        depth, parent = 1, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = (view.viewport().width() if spanned else view.columnWidth(0)) \
            - view.indentation() * depth - 12
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        metrics = QFontMetrics(index.data(Qt.ItemDataRole.FontRole) or option.font)
        rect = metrics.boundingRect(QRect(0, 0, max(width, 80), 100_000),
                                   int(Qt.TextFlag.TextWordWrap), text)
        return QSize(max(width, 80), rect.height() + 6)


class _WrappingTree(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(WrapDelegate(self))
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # wrapped rows change height with the width


class TraineeTree(_WrappingTree):
    """One row per trainee; expanding it lists every rule outcome with its clause."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subsidy_trainees")
        self.setColumnCount(len(TRAINEE_COLUMNS))
        self.setHeaderLabels([_(h) for h in TRAINEE_COLUMNS])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in enumerate((110, 160, 150, 110, 100, 100)):
            self.setColumnWidth(column, width)

    def fill(self, result: ClassSubsidy) -> None:
        expanded = {self.topLevelItem(n).data(0, LINE_ROLE).enrolment_id
                    for n in range(self.topLevelItemCount())
                    if self.topLevelItem(n).isExpanded()}
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for line in result.lines:
            decision = line.decision
            status = line_status(line)
            item = QTreeWidgetItem([
                line.name, mask_id_number(line.id_number), category_label(line.category),
                kind_label(decision.kind), payee_label(decision.payee),
                yuan(decision.amount_fen), _(STATUS_LABELS[status])])
            item.setData(0, LINE_ROLE, line)
            item.setTextAlignment(AMOUNT_COLUMN, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
            colour = QBrush(QColor(STATUS_COLOURS[status]))
            item.setForeground(STATUS_COLUMN, colour)
            item.setFont(STATUS_COLUMN, bold)
            if not decision.eligible and decision.standard_fen:
                item.setToolTip(AMOUNT_COLUMN, _("The rules give {amount} yuan once every "
                                                 "blocking problem is solved.").format(
                    amount=yuan(decision.standard_fen)))
            first_failure = next((o for o in ordered_outcomes(line) if not o.passed), None)
            if first_failure is not None:
                item.setToolTip(STATUS_COLUMN, first_failure.message())
            self.addTopLevelItem(item)
            for outcome in ordered_outcomes(line):
                mark, tint = outcome_look(outcome)
                child = QTreeWidgetItem([f"{mark}  {outcome.message()}"])
                child.setData(0, OUTCOME_ROLE, outcome)
                child.setForeground(0, QBrush(QColor(tint)))
                if outcome.clause:
                    child.setToolTip(0, _("Basis: {clause}").format(clause=outcome.clause))
                item.addChild(child)
                child.setFirstColumnSpanned(True)
        # fit the columns to the trainee rows (collapsed, so no outcome text counts)
        for column in range(len(TRAINEE_COLUMNS)):
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, self.columnWidth(column) + 12)
        for n in range(self.topLevelItemCount()):
            item = self.topLevelItem(n)
            item.setExpanded(item.data(0, LINE_ROLE).enrolment_id in expanded)
        for column in range(len(TRAINEE_COLUMNS)):
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, self.columnWidth(column) + 12)

    def item_for(self, enrolment_id: str) -> QTreeWidgetItem | None:
        for n in range(self.topLevelItemCount()):
            item = self.topLevelItem(n)
            if item.data(0, LINE_ROLE).enrolment_id == enrolment_id:
                return item
        return None


class ReadinessTree(_WrappingTree):
    """Blocking problems, then warnings, one row per kind with its count; each
    expands to its records, and activating a record asks to open its tab."""

    sig_record = Signal(object)  # SignalRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subsidy_readiness")
        self.setColumnCount(1)
        self.setHeaderHidden(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header().setStretchLastSection(True)
        self.itemClicked.connect(self._activated)
        self.itemActivated.connect(self._activated)

    def fill(self, result: ClassSubsidy) -> None:
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for title, signals, tint in ((_("Must be corrected before claiming"), result.blocking,
                                      RED),
                                     (_("Check and keep the evidence"), result.warnings, AMBER)):
            if not signals:
                continue
            group = QTreeWidgetItem([title])
            group.setFont(0, bold)
            group.setForeground(0, QBrush(QColor(tint)))
            self.addTopLevelItem(group)
            for signal in signals:
                group.addChild(self._signal_item(signal, result.class_id, tint))
            group.setExpanded(True)
        if not (result.blocking or result.warnings):
            done = QTreeWidgetItem([_("No problems found: the class is ready to claim.")])
            done.setForeground(0, QBrush(QColor(GREEN)))
            self.addTopLevelItem(done)

    @staticmethod
    def _signal_item(signal: ReadinessSignal, class_id: str, tint: str) -> QTreeWidgetItem:
        mark = "✗" if signal.severity == "blocking" else "！"
        message = signal.message()
        if str(signal.count) not in message:  # the messages normally say how many
            message += f"  [{signal.count}]"
        item = QTreeWidgetItem([f"{mark}  {message}"])
        item.setForeground(0, QBrush(QColor(tint)))
        if signal.clause:
            item.setToolTip(0, _("Basis: {clause}").format(clause=signal.clause))
        for record in signal.records:
            child = QTreeWidgetItem([_record_text(record, class_id)])
            child.setData(0, RECORD_ROLE, record)
            child.setForeground(0, QBrush(QColor("#0b57d0")))
            child.setToolTip(0, _("Click to open the tab that shows this record."))
            item.addChild(child)
        return item

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        record = item.data(0, RECORD_ROLE)
        if isinstance(record, SignalRecord):
            self.sig_record.emit(record)

    def records(self) -> list[QTreeWidgetItem]:
        """Every record row (for tests and keyboard users)."""
        found = []
        for n in range(self.topLevelItemCount()):
            group = self.topLevelItem(n)
            for s in range(group.childCount()):
                signal = group.child(s)
                found += [signal.child(r) for r in range(signal.childCount())]
        return found


def _record_text(record: SignalRecord, class_id: str) -> str:
    if record.class_id != class_id:
        return _("{label} (another class)").format(label=record.label)
    return record.label
