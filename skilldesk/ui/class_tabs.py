"""The 基本信息 and 学员名单 tabs of a class."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.core.class_models import FROZEN_STATES
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TEACHER_ROLES
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.models import SEXES
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import AttachmentsBox
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.class_support import row_key
from skilldesk.ui.class_support import run_with_reason
from skilldesk.ui.class_trainees import AddTraineesDialog
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from skilldesk.ui.class_detail import ClassView

ENDED_STATES = frozenset({"completed", "assessed", "claimed", "paid", "withdrawn"})
CHANGE_ACTIONS = {"add": N_("Added"), "readmit": N_("Readmitted"), "withdraw": N_("Withdrawn")}


class BasicTab(QScrollArea):
    sig_edit = Signal()

    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        self.values: dict[str, QLabel] = {}
        fields = [
            ("code", _("Class code")), ("name", _("Class name")),
            ("training_type", _("Training type")), ("occupation", _("Occupation")),
            ("work_type", _("Work type")), ("level", _("Level")),
            ("category", _("Category (A/B/C)")), ("dates", _("Dates")),
            ("periods", _("Planned periods")), ("venue", _("Venue")),
            ("capacity", _("Capacity")), ("fee", _("Fee per trainee")),
        ]
        forms = (QFormLayout(), QFormLayout())
        for form in forms:
            form.setHorizontalSpacing(14)
        for number, (key, label) in enumerate(fields):
            value = QLabel()
            value.setObjectName(f"basic_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            forms[number * 2 // len(fields)].addRow(label + ":", value)
        grid.addLayout(forms[0], 0, 0)
        grid.addLayout(forms[1], 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        edit_row = QHBoxLayout()
        self.edit_button = QPushButton(_("Edit class…"))
        self.edit_button.setObjectName("basic_edit")
        self.edit_button.clicked.connect(self.sig_edit.emit)
        edit_row.addWidget(self.edit_button)
        edit_row.addStretch(1)
        layout.addLayout(edit_row)

        teachers = QGroupBox(_("Teachers"))
        self.teachers = make_table([_("Name"), _("Qualification"), _("Certificate no."),
                                    _("Teaches")], "basic_teachers")
        self.teachers.setColumnWidth(0, 110)
        self.teachers.setColumnWidth(1, 330)
        self.teachers.setColumnWidth(2, 210)
        self.teachers.setMaximumHeight(130)
        QVBoxLayout(teachers).addWidget(self.teachers)
        layout.addWidget(teachers)
        plans = QHBoxLayout()
        self.plans: dict[str, QLabel] = {}
        for key, label in (("teaching_plan", _("Teaching plan")),
                           ("assessment_plan", _("Assessment plan"))):
            box = QGroupBox(label)
            text = QLabel()
            text.setObjectName(f"basic_{key}")
            text.setWordWrap(True)
            text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.plans[key] = text
            QVBoxLayout(box).addWidget(text)
            plans.addWidget(box, 1)
        layout.addLayout(plans)
        files = QGroupBox(_("Plan documents"))
        self.attachments = AttachmentsBox(runner, hub, "class", {
            "teaching_plan": _("Attach teaching plan…"),
            "assessment_plan": _("Attach assessment plan…")})
        QVBoxLayout(files).addWidget(self.attachments)
        layout.addWidget(files)
        layout.addStretch(1)
        self.setWidget(inner)

    def show_view(self, view: ClassView) -> None:
        r = view.record
        level = _(LEVELS[r["level"]]) if r["level"] in LEVELS else "—"
        texts = {
            "code": r["code"], "name": r["name"],
            "training_type": _(TRAINING_TYPES.get(r["training_type"], r["training_type"])),
            "occupation": " ".join(p for p in (r["occupation_code"], r["occupation_name"]) if p),
            "work_type": r["work_type"], "level": level, "category": r["category"],
            "dates": f"{r['start_date']} – {r['end_date']}",
            "periods": _("{theory} theory + {practice} practice = {total}").format(
                theory=r["theory_hours"], practice=r["practice_hours"],
                total=r["theory_hours"] + r["practice_hours"]),
            "venue": r["venue"], "capacity": str(r["capacity"] or ""),
            "fee": _("{amount} yuan").format(amount=f"{r['fee_fen'] / 100:,.2f}"),
        }
        for key, label in self.values.items():
            label.setText(texts[key] or "—")
        for key, label in self.plans.items():
            label.setText(r[key] or _("(not entered)"))
        fill_table(self.teachers, [[t["name"], t["qualification"], t["certificate_no"],
                                    _(TEACHER_ROLES.get(t["role"], t["role"]))]
                                   for t in r["teachers"]], [t["id"] for t in r["teachers"]])
        if self.attachments._entity_id != r["id"]:
            self.attachments.set_entity(r["id"])
        else:
            self.attachments.reload()


class RosterTab(QWidget):
    def __init__(self, runner: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._hub = runner, hub
        self.view: ClassView | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.count = QLabel()
        self.count.setObjectName("roster_count")
        bar.addWidget(self.count, 1)
        self.add_button = QPushButton(_("Add trainees…"))
        self.add_button.setObjectName("roster_add")
        self.add_button.clicked.connect(self._add)
        self.withdraw_button = QPushButton(_("Withdraw trainee…"))
        self.withdraw_button.setObjectName("roster_withdraw")
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        bar.addWidget(self.add_button)
        bar.addWidget(self.withdraw_button)
        layout.addLayout(bar)
        self.table = make_table([_("Name"), _("ID number"), _("Sex"), _("Mobile"),
                                 _("Category"), _("Status")], "roster_table")
        for column, width in enumerate((100, 170, 60, 120, 190)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 3)
        self.changes_box = QGroupBox(_("Roster changes after filing"))
        changes_layout = QVBoxLayout(self.changes_box)
        self.snapshot_label = QLabel()
        self.snapshot_label.setObjectName("roster_snapshot")
        self.snapshot_label.setStyleSheet(MUTED_STYLE)
        self.snapshot_label.setWordWrap(True)
        changes_layout.addWidget(self.snapshot_label)
        self.changes = make_table([_("When"), _("Change"), _("Name"), _("ID number"),
                                   _("Reason")], "roster_changes")
        for column, width in enumerate((150, 90, 100, 170)):
            self.changes.setColumnWidth(column, width)
        changes_layout.addWidget(self.changes)
        layout.addWidget(self.changes_box, 2)

    def show_view(self, view: ClassView) -> None:
        self.view = view
        rows, keys = [], []
        for t in view.roster:
            status = (_("Enrolled") if t["status"] == "enrolled" else
                      _("Withdrawn on {day}").format(day=t["withdrawn_on"] or "—"))
            rows.append([t["name"], mask_id_number(t["id_number"]),
                         _(SEXES.get(t["sex"], t["sex"] or "")), t["phone"],
                         _(PERSON_CATEGORIES.get(t["person_category"], t["person_category"]))
                         if t["person_category"] else "", status])
            keys.append(t["enrolment_id"])
        fill_table(self.table, rows, keys)
        enrolled = sum(1 for t in view.roster if t["status"] == "enrolled")
        capacity = view.record["capacity"]
        self.count.setText(_("{enrolled} enrolled, {withdrawn} withdrawn").format(
            enrolled=enrolled, withdrawn=len(view.roster) - enrolled)
            + (" · " + _("capacity {capacity}").format(capacity=capacity) if capacity else ""))
        frozen = view.record["state"] in FROZEN_STATES
        self.changes_box.setVisible(frozen)
        if view.snapshot:
            self.snapshot_label.setText(_(
                "The roster was filed on {time} with {count} trainees; every change since "
                "is listed here with its reason.").format(
                    time=_local(view.snapshot["taken_at"]),
                    count=len(view.snapshot["trainees"])))
        else:
            self.snapshot_label.setText(_("No copy of the roster was kept when the class was "
                                          "filed."))
        fill_table(self.changes, [[_local(c["at"]), _(CHANGE_ACTIONS.get(c["action"],
                                                                         c["action"])),
                                   c["name"], mask_id_number(c["id_number"]), c["reason"]]
                                  for c in view.roster_changes],
                   list(range(len(view.roster_changes))))
        self._update_buttons()

    def _update_buttons(self) -> None:
        open_roster = self.view is not None and self.view.record["state"] not in ENDED_STATES
        self.add_button.setEnabled(open_roster)
        key = row_key(self.table)
        trainee = next((t for t in (self.view.roster if self.view else [])
                        if t["enrolment_id"] == key), None)
        self.withdraw_button.setEnabled(open_roster and trainee is not None
                                        and trainee["status"] == "enrolled")

    def _add(self) -> None:
        if self.view is None:
            return
        dialog = AddTraineesDialog(self._runner, self.view.record["id"], parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_enrolled.connect(lambda changes: self._hub.sig_changes.emit(changes, self))
        dialog.open()
        self.add_dialog = dialog

    def withdraw_selected(self) -> None:
        enrolment_id = row_key(self.table)
        if not enrolment_id or self.view is None:
            return
        if self.view.record["state"] not in FROZEN_STATES:
            name = self.table.item(self.table.currentRow(), 0).text()
            answer = QMessageBox.question(self, _("Withdraw trainee"), _(
                "Remove {name} from the roster? The class is not filed yet, so the "
                "enrolment is simply deleted.").format(name=name))
            if answer != QMessageBox.StandardButton.Yes:
                return
        run_with_reason(self._runner, self, _("Withdraw trainee"),
                        lambda desk, reason: desk.classes.withdraw(enrolment_id, reason=reason),
                        on_done=lambda changes: self._hub.sig_changes.emit(changes, self))


def _local(timestamp: str | None) -> str:
    """A stored UTC timestamp as local 'YYYY-MM-DD HH:MM'."""
    if not timestamp:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return timestamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
