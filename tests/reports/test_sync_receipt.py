"""The sync receipt (同步回执), read back from the PDF."""

from __future__ import annotations

import copy

import pytest
from pypdf import PdfReader

from skilldesk import i18n
from skilldesk.i18n import _
from skilldesk.reports import blocks
from skilldesk.reports.form_receipt import hash_groups
from skilldesk.reports.form_sync_receipt import CONFLICT_NOTE
from skilldesk.reports.form_sync_receipt import NO_ADDED
from skilldesk.reports.form_sync_receipt import NO_CONFLICTS
from skilldesk.reports.form_sync_receipt import TITLE
from skilldesk.reports.form_sync_receipt import qr_payload
from skilldesk.reports.form_sync_receipt import render_sync_receipt
from skilldesk.reports.form_sync_receipt import when
from skilldesk.reports.fonts import GlyphsMissing
from skilldesk.reports.page import PAGE_OF
from skilldesk.reports.page import Masthead
from tests.reports.conftest import TODAY
from tests.reports.pdfs import flat
from tests.reports.pdfs import page_texts
from tests.reports.pdfs import pdffonts

A4 = (595.27, 841.89)
INSTITUTION = "吴江区技能培训学校"
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
LONG_ADDRESS = "江苏省苏州市吴江区松陵镇某某路某某小区十二幢三单元四零二室" * 3


def head() -> Masthead:
    return Masthead(_(TITLE), INSTITUTION, "", "", TODAY)


def sample(added: int = 3) -> dict:
    return {
        "bundle_id": "3f6c1a2e-8b4d-4f7a-9c1e-2d5b6a7c8e90", "bundle_no": 12, "direction": "in",
        "peer": {"name": "吴江外勤笔记本", "device_id": "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
                 "fingerprint": "7KQ4-M2ZD-9XFA-PL3R-WJ6E-H8TN-C5VB-YG2S", "role": "laptop"},
        "this_device": {"name": "办公室电脑", "device_id": "0f0e0d0c-0b0a-4909-8807-060504030201",
                        "fingerprint": "Q2WE-R4TY-U6IO-P8AS-D9FG-H3JK-L5ZX-C7VB"},
        "made_at": "2026-10-24T17:42:05+08:00", "imported_at": "2026-10-25T09:03:11+08:00",
        "manifest_sha256": DIGEST,
        "counts": {"applied": 3041, "duplicates": 7, "conflicts": 2, "added": 2993,
                   "updated": 39, "deleted": 4},
        "tables": [{"label": "学员", "added": 2980, "updated": 30, "deleted": 1,
                    "duplicates": 5, "conflicts": 2},
                   {"label": "考勤", "added": 13, "updated": 9, "deleted": 3,
                    "duplicates": 2, "conflicts": 0}],
        "conflicts": [
            {"record": "张三 (320583********1234)", "table": "学员", "field": "手机号",
             "here": {"value": "13800000000", "who": "王老师", "device": "办公室电脑",
                      "at": "2026-10-24T15:00:00+08:00"},
             "there": {"value": "13900000000", "who": "李老师", "device": "吴江外勤笔记本",
                       "at": "2026-10-24T16:20:00+08:00"}},
            {"record": "李四 (320583********5678)", "table": "学员", "field": "家庭住址",
             "here": {"value": LONG_ADDRESS, "who": "王老师", "device": "办公室电脑",
                      "at": "2026-10-24T15:05:00+08:00"},
             "there": {"value": "江苏省苏州市吴江区盛泽镇", "who": "李老师",
                       "device": "吴江外勤笔记本", "at": "2026-10-24T16:25:00+08:00"}},
        ],
        "added_records": [{"table": "学员", "record": f"学员{i:04d} (3205831990****{i:04d})"}
                          for i in range(added)],
    }


def render(data: dict, path) -> int:
    return render_sync_receipt(head(), data, path)


def test_the_receipt_carries_the_bundle_devices_hash_counts_and_conflicts(tmp_path, monkeypatch):
    payloads: list[str] = []
    real = blocks.qr_code
    monkeypatch.setattr("skilldesk.reports.blocks.qr_code",
                        lambda payload, size: payloads.append(payload) or real(payload, size))
    data = sample()
    pages = render(data, tmp_path / "r.pdf")
    reader = PdfReader(str(tmp_path / "r.pdf"))
    assert len(reader.pages) == pages <= 2
    for page in reader.pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx(sorted(A4), abs=0.5)
    texts = page_texts(tmp_path / "r.pdf")
    for number, page_text in enumerate(texts, start=1):
        body = flat(page_text)
        assert flat(_(TITLE)) in body and flat(INSTITUTION) in body
        assert TODAY.isoformat() in body
        assert flat(_(PAGE_OF).format(page=number, pages=pages)) in body
    text = flat("".join(texts))
    for expected in ("12", _("Import"), "吴江外勤笔记本", _("Field laptop"), "办公室电脑",
                     data["peer"]["fingerprint"], data["this_device"]["fingerprint"],
                     data["peer"]["device_id"], data["this_device"]["device_id"],
                     data["bundle_id"], "2026-10-2417:42:05", "2026-10-2509:03:11",
                     DIGEST, "3041", "2993", "39", "2980", "考勤",
                     # the conflicts: both values, who and when, and the note
                     "张三(320583********1234)", "手机号", "13800000000", "13900000000",
                     "王老师", "李老师", "2026-10-2415:00:00", "2026-10-2416:20:00",
                     flat(LONG_ADDRESS), flat(_(CONFLICT_NOTE)),
                     "学员0002(3205831990****0002)", flat(_("Handled by: "))):
        assert flat(expected) in text, expected
    assert flat(_(NO_CONFLICTS)) not in text
    # the digest in groups of four, as on the claim receipt
    assert all(group in text for group in hash_groups(DIGEST).split())
    assert payloads == [qr_payload(data)]


def test_an_export_to_the_office_says_so(tmp_path):
    data = sample()
    data["direction"], data["peer"]["role"] = "out", "office"
    render(data, tmp_path / "r.pdf")
    text = flat(page_texts(tmp_path / "r.pdf")[0])
    assert flat(_("Export")) in text and flat(_("Office PC")) in text


def test_no_conflicts_prints_a_line_saying_so(tmp_path):
    data = sample()
    data["conflicts"], data["counts"]["conflicts"] = [], 0
    render(data, tmp_path / "r.pdf")
    text = flat(page_texts(tmp_path / "r.pdf")[0])
    assert flat(_(NO_CONFLICTS)) in text
    assert flat(_(CONFLICT_NOTE)) not in text and "13900000000" not in text


def test_no_added_records_prints_a_line_saying_so(tmp_path):
    data = sample(added=0)
    data["tables"] = []
    render(data, tmp_path / "r.pdf")
    text = flat(page_texts(tmp_path / "r.pdf")[0])
    assert flat(_(NO_ADDED)) in text and flat(_("No table changed.")) in text


def test_three_thousand_added_records_run_over_numbered_pages_with_the_header(tmp_path):
    data = sample(added=3000)
    pages = render(data, tmp_path / "big.pdf")
    texts = page_texts(tmp_path / "big.pdf")
    assert pages == len(texts) >= 20
    for number, text in enumerate(texts, start=1):
        body = flat(text)
        assert flat(_(PAGE_OF).format(page=number, pages=pages)) in body
        assert flat(_(TITLE)) in body and flat(INSTITUTION) in body
    for text in texts[1:]:  # every page after the first continues the list under its header
        assert flat(_("No.") + _("Table") + _("Record")) in flat(text)
    everything = flat("".join(texts))
    for i in range(3000):
        assert f"学员{i:04d}(3205831990****{i:04d})" in everything
    assert flat(_("Handled by: ")) in flat(texts[-1])  # the signature line comes last


def test_the_same_data_gives_the_same_bytes(tmp_path):
    data = sample(added=200)
    render(data, tmp_path / "one.pdf")
    render(copy.deepcopy(data), tmp_path / "two.pdf")
    first = (tmp_path / "one.pdf").read_bytes()
    assert first == (tmp_path / "two.pdf").read_bytes()
    assert b"D:20261025" in first  # the print date, not the clock


def test_the_font_is_embedded_as_a_subset(tmp_path):
    render(sample(), tmp_path / "r.pdf")
    rows = pdffonts(tmp_path / "r.pdf")
    assert rows, "no fonts"
    for row in rows:
        assert "+" in row[0] and row[-5:-2] == ["yes", "yes", "yes"], row


def test_a_character_the_font_lacks_is_reported_and_nothing_written(tmp_path):
    data = sample()
    data["conflicts"][0]["there"]["who"] = "李\U0001F600"
    with pytest.raises(GlyphsMissing):
        render(data, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_qr_payload_and_times():
    assert qr_payload(sample()) == f"skilldesk:sync:{sample()['bundle_id']}:12:{DIGEST}"
    assert when("2026-10-25T09:03:11.123456+08:00") == "2026-10-25 09:03:11"
    assert when("2026-10-25T01:03:11+00:00") == "2026-10-25 01:03:11 +00:00"
    assert when("2026-10-25T09:03:11") == "2026-10-25 09:03:11"
    assert when("not a time") == "not a time"


def test_it_prints_in_chinese(tmp_path):
    i18n.set_language("zh_CN")
    data = sample()
    pages = render_sync_receipt(Masthead(_(TITLE), INSTITUTION, "", "", TODAY), data,
                                tmp_path / "zh.pdf")
    texts = page_texts(tmp_path / "zh.pdf")
    assert flat(_(PAGE_OF).format(page=1, pages=pages)) in flat(texts[0])
    assert "第1页" in flat(texts[0])
    assert "吴江外勤笔记本" in flat(texts[0]) and DIGEST in flat("".join(texts))
