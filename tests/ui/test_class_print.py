"""The class detail's print button: each form written on the worker as a PDF."""

from __future__ import annotations

import threading

import pytest
from pypdf import PdfReader

from skilldesk.core.reports import REPORT_KINDS
from skilldesk.ui.class_print import default_name
from tests.ui.test_classes_page import _class_in
from tests.ui.test_classes_page import _open
from tests.ui.test_classes_page import _page


def test_every_form_is_offered_and_named_after_the_class():
    assert default_name("SZ2026-0001", "sign-in").startswith("SZ2026-0001-")
    assert default_name("SZ2026-0001", "sign-in").endswith(".pdf")
    assert "/" not in default_name("A/B", "results")[2:]


@pytest.mark.parametrize("kind, state", [("opening-application", "filed"),
                                         ("public-notice", "paid")])
def test_a_form_is_written_on_the_worker_and_reads_back(qtbot, gui, tmp_path, kind, state):
    page = _page(qtbot, gui)
    klass = _class_in(qtbot, gui, state)
    detail = _open(qtbot, gui, page, klass.id)
    button = detail.print_button
    assert button.isEnabled() and button.class_code == klass.code
    names = [a.objectName() for a in button.menu().actions()]
    assert names == [f"print_{k}" for k in REPORT_KINDS]
    button.open_after = False
    target = tmp_path / default_name(klass.code, kind)
    button.export(kind, str(target))
    qtbot.waitUntil(lambda: button.last_result is not None, timeout=30_000)
    assert button.last_result.path == target and button.last_result.pages >= 1
    text = "".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert klass.code in text
    assert threading.get_ident() not in gui.db_threads
