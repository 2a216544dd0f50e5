"""People search through the facade against a brute-force reference."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.rules.identifiers import id_check_char

NAMES = ["张三", "张三丰", "李四", "王小明", "欧阳娜娜", "张伟", "李张", "阿卜杜·热合曼", "王五", "赵六"]


def _id(n: int) -> str:
    body = f"320508199{n % 10}0{1 + n % 9}1{n % 10}{100 + n:03d}"[:17]
    return body + id_check_char(body)


@pytest.fixture(scope="module")
def small_desk():
    desk = Desk.open(None)
    for n in range(60):
        draft = PersonDraft(name=NAMES[n % len(NAMES)], id_number=_id(n),
                            phone=f"13{n % 10}{n:08d}"[:11])
        desk.people.save(draft)
    yield desk
    desk.close()


def _all_pages(desk: Desk, text: str, limit: int = 7) -> list[str]:
    ids, before = [], None
    while True:
        page = desk.people.search(text, before=before, limit=limit)
        ids += [row.id for row in page.rows]
        if page.next_cursor is None:
            return ids
        before = page.next_cursor


def _reference(desk: Desk, text: str) -> set[str]:
    rows = desk.db.execute("SELECT id, name, id_number, phone FROM person").fetchall()
    fragment = re.sub(r"[\s\-]", "", text).upper()
    if not fragment:
        return {r[0] for r in rows}
    if len(fragment) >= 3:
        return {r[0] for r in rows if any(fragment in col.upper() for col in r[1:])}
    if fragment.isdigit():
        return {r[0] for r in rows if fragment in r[2] or fragment in r[3]}
    return {r[0] for r in rows if fragment in r[1]}


@pytest.mark.parametrize("text", ["", "张", "三", "张三", "三丰", "张三丰", "·", "热合曼",
                                  "3205", "0508", "X", "13", "1", "99", "不存在"])
def test_search_matches_reference_and_pages_cleanly(small_desk, text):
    found = _all_pages(small_desk, text)
    assert len(found) == len(set(found)), "a person appeared on two pages"
    assert set(found) == _reference(small_desk, text)
    assert small_desk.people.count(text) == len(found)


def test_newest_first(small_desk):
    seqs = [r.seq for r in small_desk.people.search("").rows]
    assert seqs == sorted(seqs, reverse=True)


def test_query_is_normalised_like_the_data(small_desk):
    person = small_desk.people.search("").rows[0]
    fullwidth = person.id_number[:6].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert person.id in _all_pages(small_desk, fullwidth)
    assert person.id in _all_pages(small_desk, person.phone[:3] + " " + person.phone[3:7])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_fragment_of_any_field_finds_its_person(small_desk, data):
    rows = small_desk.db.execute("SELECT id, name, id_number, phone FROM person").fetchall()
    person_id, *fields = data.draw(st.sampled_from(rows))
    column = data.draw(st.sampled_from([i for i, f in enumerate(fields) if f]))
    text = fields[column]
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    fragment = text[start:end]
    found = set(_all_pages(small_desk, fragment, limit=50))
    assert found == _reference(small_desk, fragment)
    if len(fragment) >= 3 or column == 0 or fragment.isdigit():
        assert person_id in found


def test_index_follows_edits_and_deletes(small_desk):
    person = small_desk.people.search("王小明").rows[0]
    draft = PersonDraft(name="王大明", id_number=person.id_number, phone=person.phone)
    small_desk.people.save(draft, person_id=person.id)
    assert person.id in _all_pages(small_desk, "王大明")
    assert person.id in _all_pages(small_desk, "大")
    assert person.id not in _all_pages(small_desk, "小明")
    with small_desk.db.atomic():
        small_desk.db.execute("DELETE FROM person_category WHERE person_id = ?", [person.id])
        small_desk.db.execute("DELETE FROM person WHERE id = ?", [person.id])
    assert person.id not in _all_pages(small_desk, "王大明")
    assert person.id not in _all_pages(small_desk, "大")
