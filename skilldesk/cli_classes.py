"""``skilldesk-cli class ...``: create, list, show and advance training classes."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from decimal import Decimal
from decimal import InvalidOperation

from skilldesk import paths
from skilldesk.cli_support import EXIT_OK
from skilldesk.cli_support import EXIT_PROBLEMS
from skilldesk.cli_support import Output
from skilldesk.cli_support import db_path
from skilldesk.core.class_models import CLASS_STATES
from skilldesk.core.class_models import LEVELS
from skilldesk.core.class_models import TEACHER_ROLES
from skilldesk.core.class_models import TRAINING_TYPES
from skilldesk.core.class_models import ClassDraft
from skilldesk.core.class_models import TeacherDraft
from skilldesk.core.classes import GuardFailed
from skilldesk.core.desk import Desk
from skilldesk.errors import UsageError
from skilldesk.i18n import N_
from skilldesk.i18n import _
from skilldesk.rules.identifiers import mask_id_number


def _fen(text: str) -> int:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise UsageError(N_("The fee {value} is not an amount in yuan."), value=text) from None
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise UsageError(N_("The fee {value} is not an amount in yuan."), value=text)
    return int(value * 100)


def _teacher(text: str) -> TeacherDraft:
    """``name[:qualification[:certificate no[:role]]]``."""
    parts = text.split(":")
    return TeacherDraft(*[p.strip() for p in parts[:4]])


def cmd_class_create(args: argparse.Namespace, out: Output) -> int:
    draft = ClassDraft(
        code=args.code, name=args.name, training_type=args.type, start_date=args.start,
        end_date=args.end, occupation_code=args.occupation_code or "",
        occupation_name=args.occupation or "", work_type=args.work_type or "",
        level=args.level or "", category=args.category or "", theory_hours=args.theory,
        practice_hours=args.practice, venue=args.venue or "", capacity=args.capacity,
        teaching_plan=args.teaching_plan or "", assessment_plan=args.assessment_plan or "",
        fee_fen=_fen(args.fee) if args.fee else 0,
        teachers=[_teacher(t) for t in args.teacher or []])
    desk = Desk.open(db_path(args, paths.default_db_path))
    try:
        class_id = desk.classes.save(draft).ids[0]
    finally:
        desk.close()
    out.result({"id": class_id, "code": draft.code, "state": "draft"},
               _("Class {code} created (draft).").format(code=draft.code))
    return EXIT_OK


def cmd_class_list(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        page = desk.classes.list(year=args.year, state=args.state, training_type=args.type,
                                 text=args.search or "")
    finally:
        desk.close()
    lines = [f"{r.code}  {r.start_date}~{r.end_date}  {_(CLASS_STATES[r.state])}  "
             f"{r.trainees}  {r.name}" for r in page.rows]
    out.result({"total": page.total, "by_state": page.by_state,
                "classes": [asdict(r) for r in page.rows]},
               "\n".join(lines) or _("No classes."))
    return EXIT_OK


def cmd_class_show(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path), readonly=True)
    try:
        class_id = desk.classes.id_for_code(args.code)
        record = desk.classes.get(class_id)
        roster = desk.classes.roster(class_id)
        grid = desk.attendance.grid(class_id)
        summary = desk.attendance.summary(grid)
        stats = desk.outcomes.stats(class_id)
        blocked = {state: [b.as_json() for b in desk.classes.blockers(class_id, state)]
                   for state in desk.classes.next_states(class_id)}
        doc = {
            "class": {k: v for k, v in record.items() if k not in ("teachers",)},
            "teachers": [{k: t[k] for k in ("name", "qualification", "certificate_no", "role")}
                         for t in record["teachers"]],
            "trainees": [{
                "name": t["name"], "id_number": mask_id_number(t["id_number"]),
                "status": t["status"], "result": t["result"],
                "credited_periods": summary[t["enrolment_id"]].credited_periods
                if t["enrolment_id"] in summary else None,
                "attendance_rate": summary[t["enrolment_id"]].rate
                if t["enrolment_id"] in summary else None} for t in roster],
            "sessions": len(grid.sessions),
            "transitions": desk.classes.transitions(class_id),
            "roster_changes": [{k: c[k] for k in ("action", "reason", "at", "name")}
                               for c in desk.classes.roster_changes(class_id)],
            "next": blocked,
            "stats": asdict(stats),
        }
    finally:
        desk.close()
    lines = [f"{record['code']}  {record['name']}  {_(CLASS_STATES[record['state']])}",
             f"{record['start_date']} ~ {record['end_date']}  " + _(
                 "{theory} theory + {practice} practice periods").format(
                 theory=record["theory_hours"], practice=record["practice_hours"]),
             _("{count} trainees, {sessions} sessions").format(count=len(roster),
                                                              sessions=len(grid.sessions))]
    for state, blockers in blocked.items():
        lines.append(_("Next: {state}").format(state=_(CLASS_STATES[state])) +
                     ("" if blockers else " ✓"))
        lines += [f"  - {b['message']}" for b in blockers]
    out.result(doc, "\n".join(lines))
    return EXIT_OK


def cmd_class_advance(args: argparse.Namespace, out: Output) -> int:
    desk = Desk.open(db_path(args, paths.default_db_path))
    try:
        class_id = desk.classes.id_for_code(args.code)
        try:
            desk.classes.advance(class_id, args.to, reason=args.reason or "")
        except GuardFailed as exc:
            doc = {"ok": False, "code": args.code, "to": args.to,
                   "error": {"code": exc.code, "message": exc.user_message()},
                   "blockers": [b.as_json() for b in exc.blockers]}
            out.result(doc, "\n".join([exc.user_message()] +
                                      [f"  - {b['message']}" for b in doc["blockers"]]))
            return EXIT_PROBLEMS
    finally:
        desk.close()
    out.result({"ok": True, "code": args.code, "state": args.to},
               _("Class {code} is now “{state}”.").format(code=args.code,
                                                         state=_(CLASS_STATES[args.to])))
    return EXIT_OK


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``class`` and its subcommands to the command line."""
    klass = commands.add_parser("class", parents=[common], help="training classes (培训班)")
    actions = klass.add_subparsers(dest="action", metavar="ACTION", required=True)

    create = actions.add_parser("create", parents=[common], help="create a class (draft)")
    create.add_argument("--code", required=True, help="班级编号")
    create.add_argument("--name", required=True)
    create.add_argument("--type", required=True, choices=sorted(TRAINING_TYPES))
    create.add_argument("--start", required=True, help="YYYY-MM-DD")
    create.add_argument("--end", required=True, help="YYYY-MM-DD")
    create.add_argument("--occupation-code", help="e.g. 6-31-01-03")
    create.add_argument("--occupation", help="occupation or project name")
    create.add_argument("--work-type", help="工种")
    create.add_argument("--level", choices=sorted(LEVELS))
    create.add_argument("--category", choices=["A", "B", "C"])
    create.add_argument("--theory", type=int, default=0, help="planned theory periods (课时)")
    create.add_argument("--practice", type=int, default=0, help="planned practice periods")
    create.add_argument("--venue")
    create.add_argument("--capacity", type=int, default=0)
    create.add_argument("--teaching-plan")
    create.add_argument("--assessment-plan")
    create.add_argument("--fee", help="fee per trainee in yuan")
    create.add_argument("--teacher", action="append", metavar="NAME[:QUALIFICATION[:CERT[:ROLE]]]",
                        help=f"repeatable; ROLE is one of {', '.join(TEACHER_ROLES)}")
    create.set_defaults(handler=cmd_class_create)

    listing = actions.add_parser("list", parents=[common], help="list classes")
    listing.add_argument("--year", type=int)
    listing.add_argument("--state", choices=sorted(CLASS_STATES))
    listing.add_argument("--type", choices=sorted(TRAINING_TYPES))
    listing.add_argument("--search", help="code, name or occupation fragment")
    listing.set_defaults(handler=cmd_class_list)

    show = actions.add_parser("show", parents=[common], help="one class in full")
    show.add_argument("code")
    show.set_defaults(handler=cmd_class_show)

    advance = actions.add_parser("advance", parents=[common], help="move a class on")
    advance.add_argument("code")
    advance.add_argument("--to", required=True, choices=sorted(CLASS_STATES))
    advance.add_argument("--reason", help="needed to reject, withdraw or revise")
    advance.set_defaults(handler=cmd_class_advance)
