"""The 课次与考勤 tab on a real database: keyboard entry, totals, save, revert,
read-only states, schedule generation and sign-in sheets."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from PySide6.QtCore import QItemSelection
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from skilldesk.core.class_models import ClassDraft
from skilldesk.core.class_models import TeacherDraft
from skilldesk.core.desk import Desk
from skilldesk.core.models import InstitutionDraft
from skilldesk.core.models import PersonDraft
from skilldesk.rules.class_rules import Slot
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import sessions as session_sql
from skilldesk.ui import attendance_tab as tab_module
from skilldesk.ui.attendance_tab import AttendanceTab
from skilldesk.ui.hub import Hub
from skilldesk.ui.tasks import TaskRunner

TRAINEES = 5
NAMES = "王芳李强张伟刘洋陈静杨敏"


def _make_class(desk: Desk, code: str, people: list[str], state: str, *,
                schedule: bool = True) -> str:
    """A class of 24 periods (8 theory, 16 practice) moved on to *state*; with
    *schedule*, six 4-period sessions on consecutive days from the start."""
    start = dt.date.today() + dt.timedelta(days=20)
    class_id = desk.classes.save(ClassDraft(
        code=code, name="电工（初级）", training_type="employment_skill",
        start_date=start.isoformat(), end_date=(start + dt.timedelta(days=30)).isoformat(),
        occupation_code="6-31-01-03", occupation_name="电工", level="certificate",
        theory_hours=8, practice_hours=16, venue="实训楼 201", capacity=30,
        teaching_plan="教学计划", assessment_plan="考核方案",
        teachers=[TeacherDraft("李老师", "高级技师")])).ids[0]
    desk.classes.enrol(class_id, people)
    for step in ("filed", "approved", "in_training"):
        if state in ("draft", "filed") and step != "filed" or state == "draft":
            break
        if step == "in_training":
            desk.classes.advance(class_id, step, today=start)
        else:
            desk.classes.advance(class_id, step)
        if step == "approved" and schedule:
            desk.attendance.generate(class_id, weekdays=set(range(7)), slots=[Slot("08:30", 4)])
        if step == state:
            break
    return class_id


@pytest.fixture
def school(tmp_path):
    """A file database with trainees and classes: in training, approved, approved without
    a schedule."""
    path = tmp_path / "school.skilldesk"
    desk = Desk.open(path, create=True)
    desk.institution.create(InstitutionDraft(name="苏州示范职业培训学校", uscc="91110000600037341L"))
    for n in range(TRAINEES + 1):
        body = f"3205081990010{n + 1}{n:03d}"
        desk.people.save(PersonDraft(name=NAMES[2 * n:2 * n + 2], id_number=body + id_check_char(body)))
    people = [r.id for r in desk.people.search("").rows]
    classes = {
        "training": _make_class(desk, "SZ-T-001", people[:TRAINEES], "in_training"),
        "approved": _make_class(desk, "SZ-T-002", people[:3], "approved"),
        "unscheduled": _make_class(desk, "SZ-T-003", people[:3], "approved", schedule=False),
    }
    desk.close()
    return path, classes


@pytest.fixture
def tab(qtbot, school):
    path, classes = school
    desk = Desk.open(path)
    db_threads: set[int] = set()
    desk.db.conn.set_trace_callback(lambda _sql: db_threads.add(threading.get_ident()))
    runner = TaskRunner(desk)
    widget = AttendanceTab(runner, Hub())
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    widget.classes = classes
    widget.path = path
    widget.db_threads = db_threads
    yield widget
    runner.shutdown()


def _load(qtbot, tab, key: str) -> None:
    with qtbot.waitSignal(tab.sig_loaded, timeout=10_000):
        assert tab.load(tab.classes[key])


def _stored(tab, key: str) -> dict:
    desk = Desk.open(tab.path, readonly=True)  # a separate connection: what is in the file
    try:
        return desk.attendance.grid(tab.classes[key]).marks
    finally:
        desk.close()


def _text(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


def _start_at(tab, row: int, column: int) -> None:
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index(row, column))


def test_keys_mark_cells_move_down_and_update_totals_at_once(qtbot, tab):
    _load(qtbot, tab, "training")
    model, view = tab.model, tab.view
    sessions = len(model.sessions)
    periods = model.sessions[0].periods
    assert model.rowCount() == TRAINEES + 1 and model.columnCount() == sessions + 2
    assert model.headerData(0, Qt.Orientation.Horizontal).startswith("1\n")
    _start_at(tab, 0, 0)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_Space):
        qtbot.keyClick(view, key)
    assert [model.mark(r, 0) for r in range(TRAINEES)] == [
        "present", "late", "leave", "absent", "present"]
    assert [_text(model, r, 0) for r in range(TRAINEES)] == ["P", "Lt", "Lv", "Ab", "P"]
    assert view.currentIndex().row() == TRAINEES - 1  # stays on the last trainee
    assert _text(model, TRAINEES, 0) == f"3/{TRAINEES}"  # present or late
    assert _text(model, 0, sessions) == str(periods) and _text(model, 0, sessions + 1) == "100%"
    assert _text(model, 3, sessions) == "0" and _text(model, 3, sessions + 1) == "0%"
    assert model.pending_count() == TRAINEES and "5" in tab.status.text()

    qtbot.keyClick(view, Qt.Key.Key_Delete)  # clears the last trainee's mark
    assert model.mark(TRAINEES - 1, 0) is None
    assert _text(model, TRAINEES, 0) == f"2/{TRAINEES}"
    assert _text(model, TRAINEES - 1, sessions + 1) == "—"
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (TRAINEES - 2, 1)
    qtbot.keyClick(view, Qt.Key.Key_Backspace)  # nothing to clear: no pending change
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert model.mark(TRAINEES - 1, 1) == "late"
    assert _text(model, TRAINEES - 1, sessions) == str(model.sessions[1].periods)
    assert model.pending_count() == TRAINEES  # one cleared back to its saved blank, one new


def test_a_key_sets_every_selected_cell(qtbot, tab):
    _load(qtbot, tab, "training")
    model, view = tab.model, tab.view
    _start_at(tab, 0, 1)
    selection = QItemSelection(model.index(0, 1), model.index(TRAINEES - 1, 2))
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(view, Qt.Key.Key_4)
    assert all(model.mark(r, c) == "absent" for r in range(TRAINEES) for c in (1, 2))
    assert model.pending_count() == 2 * TRAINEES
    assert view.currentIndex().row() == 0  # a block entry does not move the cursor
    assert _text(model, TRAINEES, 1) == f"0/{TRAINEES}"


def test_save_writes_exactly_the_pending_marks_in_one_call(qtbot, tab):
    _load(qtbot, tab, "training")
    model, view = tab.model, tab.view
    assert _stored(tab, "training") == {}
    tab.method.setCurrentIndex(tab.method.findData("face"))
    _start_at(tab, 0, 2)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_4):
        qtbot.keyClick(view, key)
    expected = {(model.trainees[r].enrolment_id, model.sessions[2].id): status
                for r, status in enumerate(("present", "late", "absent"))}
    assert model.pending() == expected
    writes = tab._runner.desk.writes
    with qtbot.waitSignal(tab.sig_saved, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tab._runner.desk.writes == writes + 1  # one transaction
    assert _stored(tab, "training") == expected
    assert model.pending_count() == 0 and not tab.save_button.isEnabled()
    desk = Desk.open(tab.path, readonly=True)
    methods = {m[5] for m in session_sql.marks_of(desk.db, tab.classes["training"])}
    desk.close()
    assert methods == {"face"}

    # a saved mark cleared with Delete is removed from the database on the next save
    _start_at(tab, 1, 2)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    tab.save_button.click()
    qtbot.waitUntil(lambda: model.pending_count() == 0, timeout=10_000)
    tab._runner.wait_idle()
    expected.pop((model.trainees[1].enrolment_id, model.sessions[2].id))
    assert _stored(tab, "training") == expected
    assert threading.get_ident() not in tab.db_threads


def test_revert_throws_away_unsaved_marks_and_their_totals(qtbot, tab):
    _load(qtbot, tab, "training")
    model, view = tab.model, tab.view
    _start_at(tab, 0, 0)
    qtbot.keyClick(view, Qt.Key.Key_1)
    with qtbot.waitSignal(tab.sig_saved, timeout=10_000):
        tab.save()
    _start_at(tab, 0, 0)
    qtbot.keyClick(view, Qt.Key.Key_4)
    qtbot.keyClick(view, Qt.Key.Key_4)
    assert _text(model, TRAINEES, 0) == f"0/{TRAINEES}"
    assert tab.revert_button.isEnabled()
    tab.revert_button.click()
    assert model.pending_count() == 0 and not tab.revert_button.isEnabled()
    assert model.mark(0, 0) == "present" and model.mark(1, 0) is None
    assert _text(model, TRAINEES, 0) == f"1/{TRAINEES}"
    assert _text(model, 0, len(model.sessions) + 1) == "100%"


def test_all_present_fills_only_the_blank_cells_of_the_current_session(qtbot, tab):
    _load(qtbot, tab, "training")
    model, view = tab.model, tab.view
    _start_at(tab, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_3)
    view.setCurrentIndex(model.index(2, 3))
    tab.all_present_button.click()
    assert [model.mark(r, 3) for r in range(TRAINEES)] == ["leave"] + ["present"] * 4
    assert _text(model, TRAINEES, 3) == f"4/{TRAINEES}"


def test_grid_is_read_only_before_training_starts(qtbot, tab):
    _load(qtbot, tab, "approved")
    model, view = tab.model, tab.view
    assert model.sessions and model.read_only
    assert "Read only" in tab.notice.text() and "Approved" in tab.notice.text()
    _start_at(tab, 0, 0)
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert model.mark(0, 0) is None and model.pending_count() == 0
    assert "read only" in tab.status.text()
    assert not tab.save_button.isEnabled() and not tab.all_present_button.isEnabled()
    assert tab.generate_button.isEnabled()  # sessions can still be planned


def test_generate_schedule_dialog_creates_sessions_and_lists_what_did_not_fit(qtbot, tab):
    _load(qtbot, tab, "unscheduled")
    assert tab.model.sessions == []
    dialog = tab.open_schedule_dialog()
    for number, box in enumerate(dialog.weekdays):
        box.setChecked(number == 5)  # Saturdays only: 4 or 5 in the 31 days
    dialog.slots[1][2].findChildren(type(dialog.generate_button))[0].click()  # remove slot 2
    assert len(dialog.slots) == 1
    dialog.slots[0][1].setValue(2)
    with qtbot.waitSignal(tab.sig_loaded, timeout=10_000):
        dialog.generate_button.click()
    message = dialog.message
    assert message.isVisible()
    desk = Desk.open(tab.path, readonly=True)
    stored = desk.attendance.sessions(tab.classes["unscheduled"])
    desk.close()
    assert len(tab.model.sessions) == len(stored) in (4, 5)
    assert all(dt.date.fromisoformat(s.date).weekday() == 5 and s.periods == 2 for s in stored)
    placed = sum(s.periods for s in stored)
    assert f"0 theory and {24 - placed} practice periods did not fit" in message.text()

    for box in dialog.weekdays:
        box.setChecked(True)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        dialog.generate_button.click()
    qtbot.waitUntil(lambda: sum(s.periods for s in tab.model.sessions) == 24, timeout=10_000)


def test_session_dialog_adds_a_session_and_shows_problems_inline(qtbot, tab):
    _load(qtbot, tab, "approved")
    before = len(tab.model.sessions)
    dialog = tab.open_session_dialog()
    dialog.start.setTime(dialog.end.time().addSecs(3600))
    dialog.save()
    qtbot.waitUntil(lambda: dialog.messages["end_time"].isVisible(), timeout=10_000)
    dialog.start.setTime(dialog.end.time().addSecs(-3 * 3600))
    with qtbot.waitSignal(tab.sig_loaded, timeout=10_000):
        dialog.save()
    assert len(tab.model.sessions) == before + 1


def test_sign_in_sheet_is_stored_with_its_sha256(qtbot, tab, tmp_path):
    _load(qtbot, tab, "training")
    scan = tmp_path / "签到表-第2次课.pdf"
    data = b"%PDF-1.4\n" + bytes(range(256)) * 40
    scan.write_bytes(data)
    _start_at(tab, 0, 1)
    session = tab.model.sessions[1]
    tab.attach_sheet(str(scan))
    qtbot.waitUntil(lambda: tab.model.attachments(session.id) == 1, timeout=10_000)
    assert "Sign-in sheets attached: 1" in tab.model.headerData(1, Qt.Orientation.Horizontal,
                                                                Qt.ItemDataRole.ToolTipRole)
    assert "1" in tab.session_label.text()
    desk = Desk.open(tab.path, readonly=True)
    [stored] = desk.attachments.list("session", session.id)
    meta, content = desk.attachments.data(stored["attachment_id"])
    desk.close()
    assert stored["role"] == "sign_in_sheet" and stored["original_name"] == scan.name
    assert stored["sha256"] == meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert content == data


def test_loading_another_class_asks_before_discarding(qtbot, tab, monkeypatch):
    _load(qtbot, tab, "training")
    _start_at(tab, 0, 0)
    qtbot.keyClick(tab.view, Qt.Key.Key_1)
    asked = []

    def answer(button):
        def question(*args, **kwargs):
            asked.append(args[2])
            return button
        return question

    monkeypatch.setattr(tab_module.QMessageBox, "question",
                        answer(QMessageBox.StandardButton.Cancel))
    assert not tab.load(tab.classes["approved"])
    assert tab.class_id == tab.classes["training"] and tab.model.pending_count() == 1
    assert "1 attendance marks are not saved" in asked[0]

    monkeypatch.setattr(tab_module.QMessageBox, "question",
                        answer(QMessageBox.StandardButton.Save))
    with qtbot.waitSignal(tab.sig_loaded, timeout=10_000):
        tab.load(tab.classes["approved"])  # saves first, then loads
    assert tab.class_id == tab.classes["approved"]
    assert list(_stored(tab, "training").values()) == ["present"]

    _load(qtbot, tab, "training")
    _start_at(tab, 1, 0)
    qtbot.keyClick(tab.view, Qt.Key.Key_4)
    monkeypatch.setattr(tab_module.QMessageBox, "question",
                        answer(QMessageBox.StandardButton.Discard))
    _load(qtbot, tab, "approved")
    assert list(_stored(tab, "training").values()) == ["present"]


def test_attendance_model_passes_qt_model_tester(qtmodeltester, qtbot, tab):
    _load(qtbot, tab, "training")
    _start_at(tab, 0, 0)
    qtbot.keyClick(tab.view, Qt.Key.Key_2)
    qtmodeltester.check(tab.model)
