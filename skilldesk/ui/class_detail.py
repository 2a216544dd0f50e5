"""One class: its lifecycle strip and next steps (with why a step is blocked), and
the tabs that hold its records."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.changes import Changes
from skilldesk.core.class_models import ACTION_LABELS
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import NEEDS_REASON
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.class_models import ClassStats
from skilldesk.core.classes import GuardFailed
from skilldesk.core.desk import Desk
from skilldesk.core.outcomes import DueFollowup
from skilldesk.i18n import _
from skilldesk.rules.class_rules import Blocker
from skilldesk.ui.attendance_tab import AttendanceTab
from skilldesk.ui.class_followup_tab import FollowupTab
from skilldesk.ui.class_inspections_tab import InspectionsTab
from skilldesk.ui.class_lifecycle import BlockersPanel
from skilldesk.ui.class_lifecycle import LifecycleStrip
from skilldesk.ui.class_print import PrintButton
from skilldesk.ui.class_results_tab import ResultsTab
from skilldesk.ui.class_subsidy_tab import SubsidyTab
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import ask_reason
from skilldesk.ui.class_tabs import BasicTab
from skilldesk.ui.class_tabs import RosterTab
from skilldesk.ui.errors import show_error
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner


@dataclass(frozen=True)
class ClassView:
    """Everything the detail shows, read on the worker in one go."""

    record: dict
    next_states: list[str]
    blockers: dict[str, list[Blocker]]
    transitions: list[dict]
    roster: list[dict]
    roster_changes: list[dict]
    snapshot: dict | None
    inspections: list[dict]
    certificates: dict[str, dict]
    followups: dict[tuple[str, int], dict]
    stats: ClassStats
    due: list[DueFollowup]


def gather(desk: Desk, class_id: str) -> ClassView:
    classes, outcomes = desk.classes, desk.outcomes
    next_states = classes.next_states(class_id)
    return ClassView(
        record=classes.get(class_id), next_states=next_states,
        blockers={s: classes.blockers(class_id, s) for s in next_states},
        transitions=classes.transitions(class_id), roster=classes.roster(class_id),
        roster_changes=classes.roster_changes(class_id), snapshot=classes.snapshot(class_id),
        inspections=outcomes.inspections(class_id), certificates=outcomes.certificates(class_id),
        followups=outcomes.followups(class_id), stats=outcomes.stats(class_id),
        due=outcomes.due_followups())


TAB_KEYS = ("basic", "roster", "sessions", "inspections", "results", "subsidy", "followup")


class ClassDetail(QWidget):
    sig_back = Signal()
    sig_edit = Signal(str)        # class id
    sig_open_class = Signal(str)  # another class (from the due follow-ups)
    sig_loaded = Signal()

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.class_id: str | None = None
        self.view: ClassView | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton(_("← All classes"))
        self.back_button.setToolTip(_("Back to the class list (Esc)"))
        self.back_button.clicked.connect(self.sig_back.emit)
        top.addWidget(self.back_button)
        self.title = QLabel()
        self.title.setObjectName("class_title")
        self.title.setStyleSheet(HEADING_STYLE)
        top.addWidget(self.title, 1)
        self.print_button = PrintButton(runner)
        top.addWidget(self.print_button)
        self.edit_button = QPushButton(_("Edit"))
        self.edit_button.setObjectName("detail_edit")
        self.edit_button.clicked.connect(
            lambda: self.class_id and self.sig_edit.emit(self.class_id))
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet(MUTED_STYLE)
        layout.addWidget(self.subtitle)
        self.strip = LifecycleStrip()
        layout.addWidget(self.strip)
        actions = QHBoxLayout()
        self.actions_label = QLabel(_("Next step:"))
        actions.addWidget(self.actions_label)
        self._actions_layout = QHBoxLayout()
        actions.addLayout(self._actions_layout)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.action_buttons: dict[str, QPushButton] = {}
        self.blockers = BlockersPanel()
        self.blockers.sig_go.connect(self.show_tab)
        layout.addWidget(self.blockers)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("class_tabs")
        self.basic = BasicTab(runner, hub)
        self.basic.sig_edit.connect(lambda: self.class_id and self.sig_edit.emit(self.class_id))
        self.roster = RosterTab(runner, hub)
        self.attendance = AttendanceTab(runner, hub)
        self.inspections = InspectionsTab(runner, hub)
        self.results = ResultsTab(runner, hub)
        self.subsidy = SubsidyTab(runner, hub)
        self.subsidy.sig_record.connect(self.go_to_record)
        self.followup = FollowupTab(runner, hub)
        self.followup.sig_open_class.connect(self.sig_open_class.emit)
        for widget, label in ((self.basic, _("Basic information")),
                              (self.roster, _("Roster")),
                              (self.attendance, _("Sessions and attendance")),
                              (self.inspections, _("Inspections")),
                              (self.results, _("Assessment and certificates")),
                              (self.subsidy, _("Subsidy")),
                              (self.followup, _("Employment follow-up"))):
            self.tabs.addTab(widget, label)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence("Esc"), self, self.sig_back.emit)
        hub.sig_changes.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------------

    def load(self, class_id: str) -> None:
        if class_id != self.class_id:
            self.tabs.setCurrentIndex(0)
            self.title.setText(_("Loading…"))
            self.attendance.load(class_id)
            self.subsidy.set_class(class_id)
        self.class_id = class_id
        self._generation += 1
        generation = self._generation
        self._runner.run(lambda desk: gather(desk, class_id),
                         on_done=lambda view: self._show(generation, view),
                         on_error=lambda e: show_error(self, e))

    def reload(self) -> None:
        if self.class_id:
            self.load(self.class_id)

    def _show(self, generation: int, view: ClassView) -> None:
        if generation != self._generation:
            return
        self.view = view
        record = view.record
        self.title.setText(f"{record['code']}  {record['name']}")
        self.print_button.set_class(record["id"], record["code"])
        self.subtitle.setText(" · ".join(p for p in (
            _(TRAINING_TYPES.get(record["training_type"], record["training_type"])),
            record["occupation_name"], f"{record['start_date']} – {record['end_date']}",
            _("{count} trainees").format(count=view.stats.trainees)) if p))
        self.strip.set_state(record["state"], view.transitions)
        self._show_actions(view)
        self.blockers.show_blockers(view.blockers)
        for tab in (self.basic, self.roster, self.inspections, self.results, self.followup):
            tab.show_view(view)
        self.sig_loaded.emit()

    def _show_actions(self, view: ClassView) -> None:
        while self._actions_layout.count():
            item = self._actions_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.action_buttons = {}
        for state in view.next_states:
            button = QPushButton(_(ACTION_LABELS.get(state, state)))
            button.setObjectName(f"action_{state}")
            blocked = bool(view.blockers.get(state))
            button.setEnabled(not blocked)
            if blocked:
                button.setToolTip(_("See below what is missing."))
            button.clicked.connect(lambda _c=False, s=state: self.advance(s))
            self._actions_layout.addWidget(button)
            self.action_buttons[state] = button
        none = not view.next_states
        self.actions_label.setText(_("No further step in SkillDesk for this state.") if none
                                   else _("Next step:"))

    def show_tab(self, key: str) -> None:
        if key in TAB_KEYS:
            self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def go_to_record(self, record) -> None:
        """A readiness record was clicked: open its tab (its class first if another)
        and select the trainee there when the tab lists trainees."""
        if record.class_id != self.class_id:
            self.sig_open_class.emit(record.class_id)
            return
        self.show_tab(record.target)
        table = getattr(self.tabs.currentWidget(), "table", None)
        roster = self.view.roster if self.view else []
        wanted = record.entity_id if record.entity == "enrolment" else next(
            (t["enrolment_id"] for t in roster if t["person_id"] == record.entity_id), None)
        for row in range(table.rowCount() if wanted and hasattr(table, "rowCount") else 0):
            item = table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == wanted:
                table.selectRow(row)
                table.scrollToItem(item)

    def current_tab_key(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    # -- lifecycle -------------------------------------------------------------------------

    def advance(self, to_state: str) -> None:
        class_id = self.class_id
        if class_id is None or self.view is None:
            return
        reason = ""
        if to_state in NEEDS_REASON:
            reason = ask_reason(self, _(ACTION_LABELS[to_state]), _(
                "Give the reason; it is kept with the class history.")) or ""
            if not reason:
                return
        elif to_state == "filed":
            answer = QMessageBox.question(self, _(ACTION_LABELS[to_state]), _(
                "File the opening application for {code}? From then on the roster is "
                "frozen: changes need a reason and are reported to the bureau.").format(
                    code=self.view.record["code"]))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._runner.run(lambda desk: desk.classes.advance(class_id, to_state, reason=reason),
                         on_done=self._on_advanced,
                         on_error=lambda exc: self._on_advance_failed(to_state, exc))

    def _on_advanced(self, changes: Changes) -> None:
        self._hub.sig_changes.emit(changes, self)

    def _on_advance_failed(self, to_state: str, exc: BaseException) -> None:
        if isinstance(exc, GuardFailed):
            self.blockers.show_blockers({to_state: exc.blockers})
            button = self.action_buttons.get(to_state)
            if button is not None:
                button.setEnabled(False)
            return
        show_error(self, exc)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if (changes.classes or changes.people) and self.class_id and self.isVisible():
            self.reload()

    def state_label(self) -> str:
        return _(CLASS_STATES[self.view.record["state"]]) if self.view else ""
