"""Tests for the demo institution generator (skilldesk.core.demo)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict

import pytest

from skilldesk.core import demo
from skilldesk.core.demo import DemoSummary
from skilldesk.core.demo import build_demo
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.core.progress import Progress
from skilldesk.errors import Cancelled
from skilldesk.errors import Conflict
from skilldesk.rules.identifiers import parse_certificate_number
from skilldesk.rules.identifiers import parse_id_number
from skilldesk.rules.identifiers import parse_mobile
from skilldesk.rules.identifiers import parse_uscc
from skilldesk.storage import bulk
from skilldesk.storage.database import open_database

TODAY = dt.date(2026, 5, 20)
DEVICE = "device-test"
# Tables written by the demo; `setting` (random device id) and the migration
# record (applied_at) are per database, not demo content.
SKIPPED_TABLES = {"setting", "_sqlite_migrations"}


def _build(people: int = 300, seed: int = 1, today: dt.date = TODAY, progress=None):
    db = open_database(None)
    summary = build_demo(db, people=people, seed=seed, today=today, device_id=DEVICE,
                         progress=progress)
    return db, summary


def _dump(db) -> dict[str, list[str]]:
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()]
    return {
        t: sorted(repr(row) for row in db.execute(f"SELECT * FROM \"{t}\"").fetchall())
        for t in tables if t not in SKIPPED_TABLES
    }


def _rows(db, sql: str, params=()) -> list[dict]:
    cursor = db.execute(sql, list(params))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _scalar(db, sql: str, params=()):
    return db.execute(sql, list(params)).fetchone()[0]


@pytest.fixture(scope="module")
def built():
    return _build(people=1500, seed=7)


# -- determinism -----------------------------------------------------------------


def test_same_seed_and_day_give_identical_content():
    first, _ = _build(people=300, seed=3)
    second, _ = _build(people=300, seed=3)
    assert _dump(first) == _dump(second)


def test_different_seed_or_day_gives_different_content():
    base = _dump(_build(people=300, seed=3)[0])
    other_seed = _dump(_build(people=300, seed=4)[0])
    other_day = _dump(_build(people=300, seed=3, today=TODAY + dt.timedelta(days=1))[0])
    assert base["person"] != other_seed["person"]
    assert base["training_class"] != other_day["training_class"]


# -- counts and log -------------------------------------------------------------


def test_counts_match_summary(built):
    db, summary = built
    expected = {
        "person": summary.people, "training_class": summary.classes,
        "enrolment": summary.enrolments, "session": summary.sessions,
        "attendance": summary.attendance, "certificate": summary.certificates,
        "employment_followup": summary.followups, "catalogue_item": summary.catalogue_items,
    }
    assert {t: _scalar(db, f"SELECT count(*) FROM {t}") for t in expected} == expected
    assert _scalar(db, "SELECT count(*) FROM institution") == 1
    assert _scalar(db, "SELECT count(*) FROM catalogue") == 1
    assert summary.people == 1500
    assert summary.classes >= 12
    assert 0 < summary.certificates < summary.enrolments


def test_one_op_log_row_with_the_summary(built):
    db, summary = built
    rows = _rows(db, "SELECT * FROM op_log")
    assert len(rows) == 1
    row = rows[0]
    institution_id = _scalar(db, "SELECT id FROM institution")
    assert (row["action"], row["entity"], row["entity_id"]) == (
        "demo.generate", "institution", institution_id)
    assert row["device_id"] == DEVICE
    assert json.loads(row["after_json"]) == asdict(summary)
    assert row["before_json"] is None


def test_small_database_still_has_every_state():
    db, summary = _build(people=0)
    assert summary.people == 0 and summary.classes == 12
    states = {r[0] for r in db.execute("SELECT state FROM training_class").fetchall()}
    assert states == set(demo.CLASS_STATES)


# -- integrity ------------------------------------------------------------------


def test_foreign_keys_and_integrity(built):
    db, _ = built
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_refuses_a_database_with_an_institution(built):
    db, _ = built
    with pytest.raises(Conflict):
        build_demo(db, people=10, seed=1, today=TODAY, device_id=DEVICE)


class _CancelAfter(Progress):
    """Cancels itself after *calls* progress updates."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls

    def update(self, done: int, total: int = 0, label: str | None = None) -> None:
        super().update(done, total, label)
        self.calls -= 1
        if self.calls <= 0:
            self.cancel()


@pytest.mark.parametrize("calls", [0, 1, 2, 3, 6])
def test_cancel_leaves_the_database_empty(calls):
    db = open_database(None)
    before = _dump(db)
    triggers = sorted(db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    progress = _CancelAfter(calls)
    if calls == 0:
        progress.cancel()
    # 12 000 people = three chunks, so cancelling can hit in the middle of them
    with pytest.raises(Cancelled):
        build_demo(db, people=12000, seed=1, today=TODAY, device_id=DEVICE,
                   progress=progress)
    assert _dump(db) == before
    assert sorted(db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()) == triggers
    assert not db.conn.in_transaction
    # and the same database still takes a demo afterwards
    assert build_demo(db, people=50, seed=1, today=TODAY, device_id=DEVICE).people == 50


def test_progress_reaches_the_end(built):
    progress = Progress()
    db = open_database(None)
    build_demo(db, people=100, seed=1, today=TODAY, device_id=DEVICE, progress=progress)
    snap = progress.snapshot()
    assert snap.total > 0 and snap.done == snap.total


# -- search indexes ---------------------------------------------------------------


def test_search_indexes_equal_what_the_triggers_produce(built):
    db, _ = built
    # The same people inserted one by one with the triggers in place.
    reference = open_database(None)
    columns = ("seq",) + bulk.COLUMNS["person"]
    rows = db.execute(f"SELECT {', '.join(columns)} FROM person ORDER BY seq").fetchall()
    reference.conn.executemany(
        f"INSERT INTO person ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        rows)
    grams = "SELECT gram, seq FROM person_name_gram ORDER BY gram, seq"
    assert db.execute(grams).fetchall() == reference.execute(grams).fetchall()
    for target in (db, reference):
        target.execute(
            "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, person_fts, instance)")
    instances = "SELECT term, doc, col, offset FROM temp.vocab ORDER BY term, doc, col, offset"
    assert db.execute(instances).fetchall() == reference.execute(instances).fetchall()
    db.execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")
    # and the triggers are back, with their original text
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(bulk.PERSON_SEARCH_TRIGGERS) <= names
    trigger_sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    assert db.execute(trigger_sql).fetchall() == reference.execute(trigger_sql).fetchall()
    db.execute("DROP TABLE temp.vocab")


def test_people_found_by_name_fragment(built):
    db, _ = built
    seq, name = db.execute("SELECT seq, name FROM person ORDER BY seq DESC LIMIT 1").fetchone()
    hits = {r[0] for r in db.execute(
        "SELECT seq FROM person_name_gram WHERE gram = ?", [name[:2]]).fetchall()}
    assert seq in hits


# -- people -------------------------------------------------------------------------


def test_every_id_number_is_valid_and_matches_sex_and_birth(built):
    db, _ = built
    rows = db.execute("SELECT id_number, sex, birth_date FROM person").fetchall()
    suzhou = 0
    for number, sex, birth in rows:
        parsed = parse_id_number(number, today=TODAY)
        assert parsed.value == number
        assert parsed.sex == sex
        assert parsed.birth_date.isoformat() == birth
        age = (TODAY - parsed.birth_date).days / 365.25
        assert 17 <= age < 63
        suzhou += number.startswith(("320505", "320506", "320507", "320508", "320509",
                                     "320581", "320582", "320583", "320585"))
    assert len({r[0] for r in rows}) == len(rows)
    assert 0.55 < suzhou / len(rows) < 0.75  # about a third are migrants
    assert any(r[0].endswith("X") for r in rows)


def test_people_details_are_plausible(built):
    db, _ = built
    people = _rows(db, "SELECT * FROM person ORDER BY seq")
    phones = Counter(p["phone"] for p in people)
    for person in people:
        assert parse_mobile(person["phone"]) == person["phone"]
        assert 2 <= len(person["name"]) <= 4
        assert person["hukou_type"] in ("农业", "非农业")
        assert person["education"] in ("初中", "高中", "中专", "大专", "本科")
        if person["employer_uscc"]:
            assert person["employer_uscc"].startswith("91320")
            assert parse_uscc(person["employer_uscc"]) == person["employer_uscc"]
            assert person["employer"]
    shared = sum(count for count in phones.values() if count > 1)
    assert 0.005 < shared / len(people) < 0.05
    # newest = highest seq
    stamps = [p["created_at"] for p in people]
    assert stamps == sorted(stamps)
    given_two = sum(1 for p in people if len(p["name"]) == 3) / len(people)
    assert 0.55 < given_two < 0.85


def test_person_categories(built):
    db, _ = built
    per_person = Counter(r[0] for r in db.execute("SELECT person_id FROM person_category"))
    assert set(per_person.values()) <= {1, 2}
    assert len(per_person) == _scalar(db, "SELECT count(*) FROM person")
    categories = Counter(r[0] for r in db.execute("SELECT category FROM person_category"))
    assert set(categories) <= set(PERSON_CATEGORIES)
    top_two = {c for c, _n in categories.most_common(2)}
    assert top_two == {"employee", "migrant_worker"}
    # employees have an employer
    missing = _scalar(db, """SELECT count(*) FROM person_category c JOIN person p
        ON p.id = c.person_id WHERE c.category = 'employee' AND p.employer = ''""")
    assert missing == 0


def test_institution(built):
    db, _ = built
    inst = _rows(db, "SELECT * FROM institution")[0]
    assert inst["is_demo"] == 1
    assert "演示" in inst["name"]
    assert inst["uscc"].startswith("52320508")
    assert parse_uscc(inst["uscc"]) == inst["uscc"]
    assert inst["kind"] == "private_school" and inst["district"] == "320508"
    assert parse_mobile(inst["contact_phone"]) == inst["contact_phone"]


def test_catalogue(built):
    db, summary = built
    cat = _rows(db, "SELECT * FROM catalogue")[0]
    assert (cat["city"], cat["year"], cat["is_sample"], cat["active"]) == ("苏州", 2023, 1, 1)
    assert cat["effective_from"] == "2023-01-01"
    assert "ljsggw" in cat["source"]
    items = _rows(db, "SELECT * FROM catalogue_item")
    assert len(items) == summary.catalogue_items
    assert {i["level"] for i in items} == {"L5", "L4", "L3", "special"}
    assert all(i["category_assumed"] == 1 for i in items)
    assert all(bool(i["occupation_code"]) == (i["level"] != "special") for i in items)
    special = {i["occupation_name"]: i for i in items if i["level"] == "special"}
    assert special["苏绣"]["standard_fen"] == 80000 and special["苏绣"]["category"] == "A"
    by_key = {(i["occupation_name"], i["work_type"], i["level"]): i for i in items}
    assert by_key[("电工", "", "L5")]["standard_fen"] == 100000
    assert by_key[("电工", "", "L5")]["category"] == "A"
    assert by_key[("电工", "", "L5")]["shortage"] == 1
    assert by_key[("电工", "", "L4")]["min_hours"] == 56
    assert by_key[("电工", "", "L5")]["min_hours"] == 40
    assert by_key[("车工", "", "L5")]["shortage"] == 0
    assert by_key[("养老护理员", "", "L3")]["category"] == "C"
    assert by_key[("养老护理员", "", "L3")]["standard_fen"] == 150000
    assert by_key[("电子商务师", "", "L4")]["category"] == "B"
    assert by_key[("电子商务师", "", "L4")]["standard_fen"] == 120000
    assert ("焊工", "电焊工", "L4") in by_key
    assert "育婴员" not in {i["occupation_name"] for i in items}  # no 2022 code


# -- classes ---------------------------------------------------------------------------


def test_classes_cover_every_state_and_look_right(built):
    db, _ = built
    classes = _rows(db, "SELECT * FROM training_class")
    assert {c["state"] for c in classes} == set(demo.CLASS_STATES)
    today = TODAY.isoformat()
    for c in classes:
        assert c["code"].startswith("SZ") and len(c["code"]) == 11
        assert "培训班第" in c["name"] and c["name"].endswith("期")
        assert c["training_type"] in demo.TRAINING_TYPES
        assert c["start_date"] <= c["end_date"]
        if c["state"] in ("draft", "filed", "approved"):
            assert c["start_date"] > today
        if c["state"] == "in_training":
            assert c["start_date"] < today <= c["end_date"]
        if c["state"] in ("completed", "assessed", "claimed", "paid"):
            assert c["end_date"] < today
            assert c["end_date"] >= (TODAY - dt.timedelta(days=19 * 31)).isoformat()
        assert (c["filed_at"] is None) == (c["state"] == "draft" or (
            c["state"] == "withdrawn" and not _scalar(
                db, "SELECT count(*) FROM class_transition WHERE class_id = ? "
                    "AND to_state = 'filed'", [c["id"]])))
        if c["level"] in demo.LEVELS:
            assert c["occupation_code"]
            assert c["level"] in c["name"] or demo.LEVELS[c["level"]].label in c["name"]
        total = c["theory_hours"] + c["practice_hours"]
        assert total > 0
        teachers = _scalar(db, "SELECT count(*) FROM class_teacher WHERE class_id = ?", [c["id"]])
        assert teachers in (1, 2)
    skill = [c for c in classes if c["level"] in demo.LEVELS]
    meets = [c for c in skill
             if c["theory_hours"] + c["practice_hours"] >= demo.LEVELS[c["level"]].min_hours
             and c["practice_hours"] >= 0.6 * (c["theory_hours"] + c["practice_hours"])]
    assert len(meets) >= 0.8 * len(skill)


def test_transitions_follow_the_path(built):
    db, _ = built
    for c in _rows(db, "SELECT id, state, updated_at FROM training_class"):
        steps = _rows(db, "SELECT from_state, to_state, at FROM class_transition "
                          "WHERE class_id = ? ORDER BY at", [c["id"]])
        if c["state"] == "draft":
            assert steps == []
            continue
        assert steps[0]["from_state"] == "draft"
        for a, b in zip(steps, steps[1:]):
            assert a["to_state"] == b["from_state"]
        assert steps[-1]["to_state"] == c["state"]
        assert steps[-1]["at"] == c["updated_at"]
        assert steps[-1]["at"] <= f"{TODAY.isoformat()}T10:00:00.000Z"


def test_enrolments(built):
    db, summary = built
    sizes = [r[0] for r in db.execute(
        "SELECT count(*) FROM enrolment GROUP BY class_id").fetchall()]
    assert len(sizes) == summary.classes
    assert min(sizes) >= 20 and max(sizes) <= 50
    per_person = Counter(r[0] for r in db.execute("SELECT person_id FROM enrolment"))
    assert max(per_person.values()) <= demo.MAX_CLASSES_PER_PERSON
    mismatched = _scalar(db, """SELECT count(*) FROM enrolment e WHERE e.person_category !=
        (SELECT c.category FROM person_category c WHERE c.person_id = e.person_id
         ORDER BY c.rowid LIMIT 1)""")
    assert mismatched == 0
    # a withdrawal is dated, and only withdrawals are
    undated = _scalar(db, """SELECT count(*) FROM enrolment
        WHERE (status = 'withdrawn') != (withdrawn_on IS NOT NULL)""")
    assert undated == 0
    # nobody is enrolled before they were registered, and all are 16+ at the start
    early = _scalar(db, """SELECT count(*) FROM enrolment e JOIN person p ON p.id = e.person_id
        WHERE e.created_at < p.created_at""")
    assert early == 0
    young = _scalar(db, """SELECT count(*) FROM enrolment e JOIN person p ON p.id = e.person_id
        JOIN training_class c ON c.id = e.class_id
        WHERE date(p.birth_date, '+16 years') > c.start_date""")
    assert young == 0


def test_sessions(built):
    db, _ = built
    rows = _rows(db, """SELECT c.id, c.state, c.start_date, c.end_date, c.theory_hours,
        c.practice_hours, count(s.id) AS n, min(s.date) AS first, max(s.date) AS last,
        sum(s.periods) AS periods,
        sum(CASE WHEN s.kind = 'theory' THEN s.periods ELSE 0 END) AS theory
        FROM training_class c LEFT JOIN session s ON s.class_id = c.id GROUP BY c.id""")
    for r in rows:
        if r["state"] in ("rejected", "withdrawn"):
            assert r["n"] == 0
            continue
        assert 8 <= r["n"] <= 20
        assert (r["first"], r["last"]) == (r["start_date"], r["end_date"])
        assert r["periods"] == r["theory_hours"] + r["practice_hours"]
        assert r["theory"] == r["theory_hours"]
    for s in _rows(db, "SELECT date, periods, start_time, end_time FROM session"):
        assert 4 <= s["periods"] <= 8
        assert dt.date.fromisoformat(s["date"]).weekday() < 5
        assert s["start_time"] < s["end_time"]


def test_attendance_only_for_past_sessions_of_started_classes(built):
    db, _ = built
    today = TODAY.isoformat()
    assert _scalar(db, """SELECT count(*) FROM attendance a JOIN session s ON s.id = a.session_id
        WHERE s.date > ?""", [today]) == 0
    assert _scalar(db, """SELECT count(*) FROM attendance a JOIN session s ON s.id = a.session_id
        JOIN training_class c ON c.id = s.class_id WHERE c.state NOT IN
        ('in_training','completed','assessed','claimed','paid')""") == 0
    # in_training classes have sessions still to come, without marks
    future = _scalar(db, """SELECT count(*) FROM session s JOIN training_class c
        ON c.id = s.class_id WHERE c.state = 'in_training' AND s.date >= ?""", [today])
    assert future > 0
    # every enrolled trainee has a mark for every past session of finished classes
    missing = _scalar(db, """SELECT count(*) FROM session s
        JOIN training_class c ON c.id = s.class_id
        JOIN enrolment e ON e.class_id = c.id AND e.status = 'enrolled'
        WHERE c.state IN ('completed','assessed','claimed','paid')
        AND NOT EXISTS (SELECT 1 FROM attendance a
                        WHERE a.session_id = s.id AND a.enrolment_id = e.id)""")
    assert missing == 0
    statuses = Counter(r[0] for r in db.execute("SELECT status FROM attendance"))
    assert 0.85 < statuses["present"] / sum(statuses.values()) < 0.95
    assert set(statuses) == {"present", "late", "leave", "absent"}
    methods = {r[0] for r in db.execute("SELECT DISTINCT method FROM attendance")}
    assert methods <= {"paper", "id_card", "face"}
    unsigned = _scalar(db, "SELECT count(*) FROM attendance WHERE status IN ('present','late') "
                           "AND sign_in IS NULL")
    assert unsigned == 0


def test_results_certificates_and_followups(built):
    db, _ = built
    classes = {c["id"]: c for c in _rows(db, "SELECT * FROM training_class")}
    enrolments = _rows(db, "SELECT * FROM enrolment")
    for e in enrolments:
        state = classes[e["class_id"]]["state"]
        if state in ("assessed", "claimed", "paid") and e["status"] == "enrolled":
            assert e["result"] in ("pass", "fail", "absent")
        else:
            assert e["result"] is None
        if e["result"] == "pass":
            assert e["theory_score"] >= 60 and e["practice_score"] >= 60
        elif e["result"] == "fail":
            assert min(e["theory_score"], e["practice_score"]) < 60
    results = Counter(e["result"] for e in enrolments if e["result"])
    assert 0.8 < results["pass"] / sum(results.values()) < 0.95

    certs = _rows(db, """SELECT k.*, c.level AS class_level, c.training_type,
        c.state, e.result FROM certificate k JOIN enrolment e ON e.id = k.enrolment_id
        JOIN training_class c ON c.id = e.class_id""")
    assert len(certs) == results["pass"]
    assert len({k["cert_number"] for k in certs}) == len(certs)
    for k in certs:
        assert k["result"] == "pass"
        assert k["cert_type"] == demo.CERT_TYPE_BY_TRAINING[k["training_type"]]
        assert k["issue_date"] <= TODAY.isoformat()
        if k["cert_type"] == "skill_level":
            number = parse_certificate_number(k["cert_number"])
            assert len(k["cert_number"]) == 22 and k["cert_number"].startswith("S000032")
            assert number.level == demo.LEVELS[k["class_level"]].digit
            assert k["level"] == k["class_level"]
            assert number.year == int(k["issue_date"][:4])

    followups = _rows(db, """SELECT f.*, c.end_date, e.result FROM employment_followup f
        JOIN enrolment e ON e.id = f.enrolment_id JOIN training_class c ON c.id = e.class_id""")
    assert followups
    for f in followups:
        assert f["result"] == "pass"
        due = demo._add_months(dt.date.fromisoformat(f["end_date"]), f["month_offset"])
        assert due.isoformat() <= f["recorded_on"] <= TODAY.isoformat()
        if f["status"] == "employed" and f["employer_uscc"]:
            assert parse_uscc(f["employer_uscc"]) == f["employer_uscc"]
    # every passed trainee of a class that ended 6+ months ago has all three
    offsets = Counter(f["enrolment_id"] for f in followups)
    old = [k for k in certs if classes[_scalar(
        db, "SELECT class_id FROM enrolment WHERE id = ?", [k["enrolment_id"]])]["end_date"]
        < (TODAY - dt.timedelta(days=200)).isoformat()]
    assert old and all(offsets[k["enrolment_id"]] == 3 for k in old)


def test_timestamps_are_derived_from_today(built):
    db, _ = built
    latest = f"{TODAY.isoformat()}T10:00:00.000Z"  # 18:00 in Suzhou
    for table in ("person", "training_class", "enrolment", "session", "attendance",
                  "certificate", "employment_followup", "catalogue_item"):
        newest = _scalar(db, f"SELECT max(updated_at) FROM {table}")
        assert newest <= latest, table
        assert _scalar(db, f"SELECT count(*) FROM {table} WHERE updated_at < created_at") == 0


def test_summary_is_frozen():
    summary = DemoSummary(1, 2, 3, 4, 5, 6, 7, 8)
    with pytest.raises(AttributeError):
        summary.people = 9  # type: ignore[misc]


def test_every_filed_class_keeps_its_roster_as_filed_and_its_rule_set(built):
    import hashlib
    import json

    db, _ = built
    filed = db.execute("SELECT id, filed_at, rule_set FROM training_class "
                       "WHERE filed_at IS NOT NULL").fetchall()
    assert filed and all(rule_set == "js-suzhou-2023" for _id, _at, rule_set in filed)
    for class_id, filed_at, _rule_set in filed:
        (taken_at, data, sha), = db.execute(
            "SELECT taken_at, data_json, sha256 FROM roster_snapshot WHERE class_id = ?",
            [class_id]).fetchall()
        assert taken_at == filed_at and hashlib.sha256(data.encode()).hexdigest() == sha
        enrolled = db.execute("SELECT count(*) FROM enrolment WHERE class_id = ?",
                              [class_id]).fetchone()[0]
        assert len(json.loads(data)) == enrolled
    drafts = db.execute("SELECT count(*) FROM training_class c WHERE filed_at IS NULL AND EXISTS "
                        "(SELECT 1 FROM roster_snapshot s WHERE s.class_id = c.id)").fetchone()[0]
    assert drafts == 0


def test_nobody_attends_two_classes_at_once(built):
    db, _ = built
    overlapping = db.execute(
        "SELECT count(*) FROM enrolment a JOIN enrolment b ON a.person_id = b.person_id "
        "AND a.class_id < b.class_id JOIN training_class x ON x.id = a.class_id "
        "JOIN training_class y ON y.id = b.class_id "
        "WHERE x.start_date <= y.end_date AND y.start_date <= x.end_date").fetchone()[0]
    assert overlapping == 0
    assert db.execute("SELECT count(*) FROM (SELECT person_id FROM enrolment GROUP BY person_id "
                      "HAVING count(*) > 1)").fetchone()[0] > 0  # but some take several classes
