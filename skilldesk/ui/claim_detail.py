"""The detail pane of one claim: state, totals by payee and category, the lines (ID
numbers masked), the excluded trainees with their reasons, the versions, the last
decision import's report, and the buttons the claim's state allows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.ui.class_support import HEADING_STYLE
from skilldesk.ui.class_support import MUTED_STYLE
from skilldesk.ui.class_support import fill_table
from skilldesk.ui.class_support import make_table
from skilldesk.ui.subsidy_model import category_label
from skilldesk.ui.subsidy_model import payee_label
from skilldesk.ui.subsidy_model import yuan
from skilldesk.ui.widgets import ERROR_STYLE

# (action, label) in the order shown
ACTIONS: list[tuple[str, str]] = [
    ("sign", N_("Sign and export…")),
    ("receipt", N_("Print receipt…")),
    ("submit", N_("Mark as submitted")),
    ("decision", N_("Import decision…")),
    ("pay", N_("Record payment…")),
    ("new_version", N_("New correction version")),
]
# which actions each state of the newest version allows
_BY_STATE: dict[str, set[str]] = {
    "draft": {"sign"},
    "signed": {"receipt", "submit", "decision", "new_version"},
    "submitted": {"receipt", "decision", "new_version"},
    "decided": {"receipt", "pay", "new_version"},
    "partly_approved": {"receipt", "pay", "new_version"},
    "rejected": {"receipt", "new_version"},
    "paid": {"receipt"},
}


def allowed_actions(shown: dict) -> set[str]:
    if shown["superseded"]:
        return set()
    return _BY_STATE.get(shown["state"], set())


class ClaimDetail(QWidget):
    sig_action = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.title = QLabel(_("Select a claim to see its lines."))
        self.title.setObjectName("claim_title")
        self.title.setStyleSheet(HEADING_STYLE)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.summary = QLabel()
        self.summary.setObjectName("claim_summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.totals = QLabel()
        self.totals.setObjectName("claim_totals")
        self.totals.setStyleSheet(MUTED_STYLE)
        self.totals.setWordWrap(True)  # many categories must not widen the window
        layout.addWidget(self.totals)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label in ACTIONS:
            button = QPushButton(_(label))
            button.setObjectName(f"claim_{key}")
            button.clicked.connect(lambda _checked=False, k=key: self.sig_action.emit(k))
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        layout.addLayout(bar)

        self.tabs = QTabWidget()
        self.lines = make_table([_("Class"), _("Name"), _("ID number"), _("Category"),
                                 _("Payee"), _("Amount (yuan)"), _("Decision")], "claim_lines")
        for column, width in enumerate((120, 90, 170, 180, 110, 110)):
            self.lines.setColumnWidth(column, width)
        self.excluded = make_table([_("Class"), _("Name"), _("ID number"), _("Category"),
                                    _("Reasons")], "claim_excluded")
        for column, width in enumerate((120, 90, 170, 180)):
            self.excluded.setColumnWidth(column, width)
        self.versions = make_table([_("Version"), _("State"), _("Total (yuan)"),
                                    _("Approved (yuan)"), _("Manifest SHA-256")],
                                   "claim_versions")
        for column, width in enumerate((70, 200, 120, 120)):
            self.versions.setColumnWidth(column, width)
        self.report = QPlainTextEdit()
        self.report.setObjectName("claim_report")
        self.report.setReadOnly(True)
        self.tabs.addTab(self.lines, _("Lines"))
        self.tabs.addTab(self.excluded, _("Excluded"))
        self.tabs.addTab(self.versions, _("Versions"))
        self.tabs.addTab(self.report, _("Decision import"))
        layout.addWidget(self.tabs, 1)
        self.show_claim(None)

    def show_claim(self, shown: dict | None) -> None:
        allowed = allowed_actions(shown) if shown else set()
        for key, button in self.buttons.items():
            button.setVisible(key in allowed)
        self.tabs.setEnabled(shown is not None)
        if shown is None:
            self.title.setText(_("Select a claim to see its lines."))
            self.summary.clear()
            self.totals.clear()
            for table in (self.lines, self.excluded, self.versions):
                fill_table(table, [], [])
            return
        self.title.setText(_("Claim {no} · version {version} · {state}").format(
            no=shown["claim_no"], version=shown["version"], state=shown["state_label"]))
        facts = [_("Classes: {codes}").format(
            codes=", ".join(f"{c['code']} {c['name']}" for c in shown["classes"]) or "—")]
        if shown["superseded"]:
            facts.append(shown["superseded_label"])
        if shown.get("signed_at"):
            facts.append(_("Signed {at} as package {seq}; manifest SHA-256 {digest}").format(
                at=shown["signed_at"][:19].replace("T", " "), seq=shown["package_seq"],
                digest=shown["manifest_sha256"]))
        if shown.get("submitted_on"):
            facts.append(_("Submitted on {day}").format(day=shown["submitted_on"]))
        if shown.get("paid_on"):
            facts.append(_("Paid {amount} yuan on {day}").format(
                amount=yuan(shown["paid_fen"] or 0), day=shown["paid_on"]))
        self.summary.setText("\n".join(facts))
        totals = shown["totals"]
        parts = [_("Total {total} yuan for {count} trainees").format(
            total=yuan(totals["total_fen"]), count=totals["lines"])]
        if totals["approved_fen"] is not None:
            parts.append(_("approved {amount} yuan").format(amount=yuan(totals["approved_fen"])))
        by_payee = " · ".join(f"{payee_label(k)} {yuan(v)}"
                              for k, v in sorted(totals["by_payee"].items()))
        by_category = " · ".join(f"{category_label(k)} {yuan(v)}"
                                 for k, v in sorted(totals["by_category"].items()))
        self.totals.setText("; ".join(parts) + "\n" + _("By payee: {list}").format(
            list=by_payee or "—") + "\n" + _("By category: {list}").format(
            list=by_category or "—"))
        self.total_text = yuan(totals["total_fen"])
        fill_table(self.lines, [[
            line["class_code"], line["name"], mask_id_number(line["id_number"]),
            category_label(line["category"]), payee_label(line["payee"]),
            yuan(line["amount_fen"]),
            _decision(line)] for line in shown["lines"]], [x["id"] for x in shown["lines"]])
        fill_table(self.excluded, [[
            row["class_code"], row["name"], mask_id_number(row["id_number"]),
            category_label(row["category"]),
            "; ".join(r["message"] for r in row["reasons"])] for row in shown["excluded"]],
            [row.get("person_id") for row in shown["excluded"]])
        for r, row in enumerate(shown["excluded"]):  # the reasons in full on hover
            self.excluded.item(r, 4).setToolTip("\n".join(x["message"] for x in row["reasons"]))
        fill_table(self.versions, [[
            str(v["version"]), v["state_label"] + (" · " + _("superseded")
                                                   if v["superseded"] else ""),
            yuan(v["total_fen"]), "—" if v["approved_fen"] is None else yuan(v["approved_fen"]),
            v["manifest_sha256"] or "—"] for v in shown["versions"]],
            [v["version"] for v in shown["versions"]])
        self.tabs.setTabText(0, _("Lines ({count})").format(count=len(shown["lines"])))
        self.tabs.setTabText(1, _("Excluded ({count})").format(count=len(shown["excluded"])))

    def show_report(self, report) -> None:
        """The decision import: each difference with its row, then what was recorded."""
        lines = []
        for d in report.differences:
            mark = "✗" if d.severity == "error" else "!"
            where = _("row {row}").format(row=d.row) if d.row else _("whole file")
            lines.append(f"{mark} [{where}] {d.message()}")
        if report.saved:
            lines.append(_("Decision recorded: {approved} yuan approved ({approved_n} approved, "
                           "{adjusted_n} adjusted, {rejected_n} rejected).").format(
                approved=yuan(report.approved_fen),
                approved_n=report.counts.get("approved", 0),
                adjusted_n=report.counts.get("adjusted", 0),
                rejected_n=report.counts.get("rejected", 0)))
        else:
            lines.append(_("Nothing was recorded: correct the rows listed (or ask the bureau "
                           "for a corrected file) and import it again."))
        self.report.setStyleSheet("" if report.saved else ERROR_STYLE)
        self.report.setPlainText("\n".join(lines))
        self.tabs.setCurrentWidget(self.report)


DECISIONS = {"approved": N_("Approved by the bureau"),
             "adjusted": N_("Adjusted by the bureau"),
             "rejected": N_("Rejected by the bureau")}


def _decision(line: dict) -> str:
    if not line.get("decision"):
        return ""
    decision = line["decision"]
    label = _(DECISIONS[decision]) if decision in DECISIONS else decision
    amount = "" if line.get("approved_fen") is None else " " + yuan(line["approved_fen"])
    reason = f" ({line['decision_reason']})" if line.get("decision_reason") else ""
    return f"{label}{amount}{reason}"
