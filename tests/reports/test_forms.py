"""Issue 6: the printed forms, read back from the PDFs."""

from __future__ import annotations

import hashlib
import json

import pytest
from pypdf import PdfReader

from skilldesk.core.models import PersonDraft
from skilldesk.core.reports import REPORT_KINDS
from skilldesk.core.reports import GlyphsMissing
from skilldesk.core.reports import claim_payload
from skilldesk.i18n import _
from skilldesk.reports import blocks
from skilldesk.reports.page import PAGE_OF
from skilldesk.rules.identifiers import mask_id_number
from tests.reports.build import big_class
from tests.reports.build import class_in
from tests.reports.conftest import TODAY
from tests.reports.pdfs import flat
from tests.reports.pdfs import page_texts
from tests.reports.pdfs import pdffonts

A4 = (595.27, 841.89)


def render(desk, kind, class_id, path):
    return desk.reports.render(kind, class_id, path, today=TODAY)


@pytest.mark.parametrize("kind", list(REPORT_KINDS))
def test_every_form_has_its_title_class_and_numbered_pages(desk, tmp_path, kind):
    class_id = class_in(desk, "assessed")
    record = desk.classes.get(class_id)
    result = render(desk, kind, class_id, tmp_path / "form.pdf")
    assert result.kind == kind and result.path == tmp_path / "form.pdf"
    reader = PdfReader(str(result.path))
    assert len(reader.pages) == result.pages >= 1
    institution = desk.institution.get().name
    for number, text in enumerate(page_texts(result.path), start=1):
        body = flat(text)
        assert flat(_(REPORT_KINDS[kind])) in body
        assert record["code"] in body and flat(institution) in body
        assert flat(_(PAGE_OF).format(page=number, pages=result.pages)) in body
        assert TODAY.isoformat() in body
    for page in reader.pages:  # A4, portrait or landscape
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx(sorted(A4), abs=0.5)


def test_opening_application_lists_class_teachers_and_roster(desk, tmp_path):
    class_id = class_in(desk, "filed")
    record = desk.classes.get(class_id)
    result = render(desk, "opening-application", class_id, tmp_path / "a.pdf")
    text = flat("".join(page_texts(result.path)))
    for teacher in record["teachers"]:
        assert flat(teacher["name"]) in text and teacher["certificate_no"] in text
    for person in desk.classes.roster(class_id, include_withdrawn=False):
        assert person["name"] in text and person["id_number"] in text
    assert flat(record["venue"]) in text
    assert flat(_("Seal here")) in text


def test_long_roster_splits_with_the_header_and_numbering_on_every_page(desk, tmp_path):
    class_id = big_class(desk, 150)
    result = render(desk, "opening-application", class_id, tmp_path / "big.pdf")
    texts = page_texts(result.path)
    assert result.pages == len(texts) >= 4
    for number, text in enumerate(texts, start=1):
        assert flat(_(PAGE_OF).format(page=number, pages=len(texts))) in flat(text)
    for text in texts[1:-1]:  # pages that continue the roster repeat its header row
        assert flat(_("ID number")) in flat(text) and flat(_("Person category")) in flat(text)
    people = desk.classes.roster(class_id, include_withdrawn=False)
    assert len(people) >= 150
    everything = flat("".join(texts))
    assert all(p["id_number"] in everything for p in people)


def test_forms_are_byte_identical_on_a_second_run(desk, tmp_path):
    class_id = class_in(desk, "assessed")
    for kind in REPORT_KINDS:
        first = render(desk, kind, class_id, tmp_path / "one.pdf").path.read_bytes()
        second = render(desk, kind, class_id, tmp_path / "two.pdf").path.read_bytes()
        assert first == second, kind
        assert b"D:20261025" in first  # the dates are the print date, not the clock


@pytest.mark.parametrize("kind, state", [("results", "assessed"), ("sign-in", "in_training"),
                                         ("claim-form", "assessed")])
def test_the_font_is_embedded_as_a_subset(desk, tmp_path, kind, state):
    """Also on forms with a QR code (a drawing starts in Helvetica unless told otherwise)."""
    result = render(desk, kind, class_in(desk, state), tmp_path / "r.pdf")
    rows = pdffonts(result.path)
    assert rows, "no fonts"
    for row in rows:
        # name type encoding emb sub uni object ID
        assert "+" in row[0] and row[-5:-2] == ["yes", "yes", "yes"], row


def test_public_notice_shows_masked_numbers_only(desk, tmp_path):
    class_id = class_in(desk, "paid")
    result = render(desk, "public-notice", class_id, tmp_path / "notice.pdf")
    text = flat("".join(page_texts(result.path)))
    check = desk.subsidy.check_class(class_id, today=TODAY, readiness=False)
    shown = [line for line in check.lines if line.decision.eligible]
    assert shown
    roster = {p["person_id"]: p for p in desk.classes.roster(class_id)}
    for person in roster.values():
        assert person["id_number"] not in text
        if person["phone"]:
            assert person["phone"] not in text
    for line in shown:
        phone = roster[line.person_id]["phone"]
        assert line.name in text and mask_id_number(line.id_number) in text
        assert f"{phone[:3]}****{phone[-4:]}" in text
    institution = desk.institution.get()
    assert institution.bank_account not in text


def test_claim_digest_is_sha256_of_the_canonical_claim_lines(desk, tmp_path, monkeypatch):
    encoded = []
    real = blocks.qr_code
    monkeypatch.setattr("skilldesk.reports.blocks.qr_code",
                        lambda payload, *a, **k: encoded.append(payload) or real(payload, *a, **k))
    class_id = class_in(desk, "claimed")
    check = desk.subsidy.check_class(class_id, today=TODAY, readiness=False)
    lines = sorted(({"id_number": line.id_number, "amount_fen": line.decision.amount_fen,
                     "payee": line.decision.payee, "rule_set": check.rule_set_id}
                    for line in check.lines
                    if line.decision.eligible and line.decision.amount_fen > 0),
                   key=lambda item: item["id_number"])
    canonical = json.dumps(lines, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    for kind in ("claim-form", "claim-roster"):
        result = render(desk, kind, class_id, tmp_path / f"{kind}.pdf")
        text = flat("".join(page_texts(result.path)))
        assert digest in text, kind
        institution = desk.institution.get()
        if kind == "claim-form":
            assert institution.bank_account in text and flat(institution.bank_name) in text
            assert f"{check.total_fen // 100:,}.{check.total_fen % 100:02d}" in text
    assert encoded == [digest, digest]
    assert claim_payload([{"id_number": x["id_number"], "amount_fen": x["amount_fen"],
                           "payee_key": x["payee"], "eligible": True} for x in lines],
                         check.rule_set_id) == canonical


def test_sign_in_sheets_one_per_session_with_qr_and_masked_ids(desk, tmp_path, monkeypatch):
    encoded = []
    real = blocks.qr_code
    monkeypatch.setattr("skilldesk.reports.forms_class.qr_code",
                        lambda payload, *a, **k: encoded.append(payload) or real(payload, *a, **k))
    class_id = class_in(desk, "in_training")
    record = desk.classes.get(class_id)
    sessions = desk.attendance.sessions(class_id)
    result = render(desk, "sign-in", class_id, tmp_path / "sign.pdf")
    assert encoded == [f"skilldesk:session:{s.id}:{record['code']}:{s.seq_no}"
                       for s in sessions]
    texts = [flat(t) for t in page_texts(result.path)]
    assert result.pages >= len(sessions)
    trainees = desk.attendance.grid(class_id).trainees
    everything = "".join(texts)
    for t in trainees:
        assert t.name in everything and mask_id_number(t.id_number) in everything
        assert t.id_number not in everything
    for s in sessions:  # each session starts a page naming it
        assert any(s.date in page and s.id in page for page in texts)


def test_completion_and_results_carry_the_figures(desk, tmp_path):
    class_id = class_in(desk, "assessed")
    grid = desk.attendance.grid(class_id)
    summary = desk.attendance.summary(grid)
    result = render(desk, "completion", class_id, tmp_path / "c.pdf")
    text = flat("".join(page_texts(result.path)))
    for t in grid.trainees:
        a = summary[t.enrolment_id]
        assert f"{a.credited_periods}/{a.recorded_periods}" in text
    stats = desk.outcomes.stats(class_id)
    result = render(desk, "results", class_id, tmp_path / "r.pdf")
    text = flat("".join(page_texts(result.path)))
    assert f"{stats.pass_rate * 100:.1f}%" in text
    for cert in desk.outcomes.certificates(class_id).values():
        assert cert["cert_number"] in text


def test_a_character_the_font_lacks_is_reported_before_rendering(desk, tmp_path):
    class_id = class_in(desk, "approved")
    person = desk.classes.roster(class_id, include_withdrawn=False)[0]
    p = desk.people.get(person["person_id"])
    name = p.name[0] + "㛃"
    desk.people.save(PersonDraft(name=name, id_number=p.id_number, phone=p.phone,
                                 categories=p.categories), person_id=p.id)
    out = tmp_path / "never.pdf"
    with pytest.raises(GlyphsMissing) as caught:
        render(desk, "opening-application", class_id, out)
    assert ("㛃", _("Name"), name) in caught.value.missing
    assert caught.value.code == "E_GLYPHS_MISSING"
    assert name in caught.value.user_message() and "U+36C3" in caught.value.user_message()
    assert not out.exists()
    desk.people.save(PersonDraft(name=p.name, id_number=p.id_number, phone=p.phone,
                                 categories=p.categories), person_id=p.id)
