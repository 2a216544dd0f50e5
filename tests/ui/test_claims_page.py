"""The 补贴申领 page in a real window over the demo database: a claim made from an
assessed class, signed with a key file (a wrong passphrase first), and the package
checked in review mode — valid, then invalid after one byte is flipped."""

from __future__ import annotations

import threading

import shiboken6

from skilldesk.signing.keys import export_public
from skilldesk.signing.keys import generate_key_file
from skilldesk.ui.subsidy_model import yuan


def _ask(qtbot, gui, op):
    box = []
    gui.runner.run(op, on_done=lambda result: box.append(result))
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def test_create_sign_and_review_a_claim(qtbot, gui, tmp_path):
    gui.window.show_page("claims")
    page = gui.window.claims_page
    page.open_after = False
    assert gui.window.current_page_key() == "claims"
    qtbot.waitUntil(lambda: page.count_label.text().startswith("No claims"), timeout=10_000)

    # new claim: the checklist of assessed classes is loaded on the worker
    dialog = page.new_claim()
    qtbot.waitUntil(lambda: dialog.classes.count() > 0, timeout=10_000)
    assessed = _ask(qtbot, gui, lambda d: d.classes.list(state="assessed").rows)
    assert dialog.classes.count() == len(assessed)
    klass = assessed[0]
    dialog.check(klass.id)
    with qtbot.waitSignal(page.sig_detail, timeout=20_000):
        dialog.submit()
    claims = _ask(qtbot, gui, lambda d: d.claims.list())
    assert len(claims) == 1 and claims[0]["state"] == "draft"
    number = claims[0]["claim_no"]
    shown = _ask(qtbot, gui, lambda d: d.claims.show(number))
    assert [c["id"] for c in shown["classes"]] == [klass.id]
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == number
    assert page.detail.total_text == yuan(shown["totals"]["total_fen"])
    assert yuan(shown["totals"]["total_fen"]) in page.detail.totals.text()
    assert page.detail.lines.rowCount() == len(shown["lines"])
    assert page.detail.excluded.rowCount() == len(shown["excluded"])
    first = shown["lines"][0]
    assert page.detail.lines.item(0, 2).text() != first["id_number"]  # masked
    assert page.detail.lines.item(0, 2).text()[-4:] == first["id_number"][-4:]
    assert page.detail.buttons["sign"].isVisibleTo(page)
    assert not page.detail.buttons["submit"].isVisibleTo(page)

    # sign: a wrong passphrase first (message, nothing written), then the right one
    inst = _ask(qtbot, gui, lambda d: d.institution.get())
    key = tmp_path / "k.key"
    generate_key_file(key, "correct horse", institution={"name": inst.name, "uscc": inst.uscc},
                      created_at="2026-01-01T00:00:00Z")
    out = tmp_path / "claim.tsclaim"
    sign = page.open_sign_dialog()
    assert sign.passphrase.echoMode() == sign.passphrase.EchoMode.Password
    sign.key_edit.setText(str(key))
    sign.passphrase.setText("wrong horse battery")
    sign.out_edit.setText(str(out))
    with qtbot.waitSignal(page.sig_done, timeout=30_000) as failed:
        sign.submit()
    assert failed.args == ["sign_failed"]
    assert "passphrase" in sign.message.text() and sign.isVisible()
    assert not out.exists() and not list(tmp_path.glob(".claim.tsclaim.*"))
    assert _ask(qtbot, gui, lambda d: d.claims.get(number))["state"] == "draft"
    sign.passphrase.setText("correct horse")
    with qtbot.waitSignal(page.sig_detail, timeout=30_000):
        sign.submit()
    assert out.exists()
    signed = _ask(qtbot, gui, lambda d: d.claims.get(number))
    assert signed["state"] == "signed"
    qtbot.waitUntil(lambda: page.shown is not None and page.shown["state"] == "signed",
                    timeout=10_000)
    assert page.detail.buttons["submit"].isVisibleTo(page)
    assert not page.detail.buttons["sign"].isVisibleTo(page)

    # review mode, with the exported public key as the registry
    registry = tmp_path / "registry"
    registry.mkdir()
    export_public(key, registry / "school.json")
    review = page.open_review()
    review.open_after = False
    with qtbot.waitSignal(review.sig_verdict, timeout=30_000):
        review.verify(str(out), str(registry))
    assert review.review.result.valid, review.review.result.errors
    assert review.verdict.text().startswith("✓")
    assert number in review.facts.text()
    assert review.roster.rowCount() == len(shown["lines"])
    assert review.files.rowCount() >= 1
    with qtbot.waitSignal(review.sig_opened, timeout=10_000) as opened:
        review.files.cellWidget(0, 4).click()
    assert opened.args[0].endswith(".pdf") and str(tmp_path) not in opened.args[0]

    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.tsclaim"
    tampered.write_bytes(bytes(data))
    with qtbot.waitSignal(review.sig_verdict, timeout=30_000):
        review.verify(str(tampered), str(registry))
    result = review.review.result
    assert not result.valid and result.codes
    assert review.verdict.text().startswith("✗")
    assert review.errors.rowCount() == len(result.errors)
    assert review.errors.item(0, 0).text() == result.codes[0]
    assert review.roster.rowCount() == 0
    review.close()

    # then the rest of the lifecycle through the page
    with qtbot.waitSignal(page.sig_done, timeout=10_000):
        page.mark_submitted()
    assert _ask(qtbot, gui, lambda d: d.claims.get(number))["state"] == "submitted"
    assert threading.get_ident() not in gui.db_threads


def test_receipt_decision_and_payment_through_the_page(qtbot, gui, tmp_path):
    from pypdf import PdfReader

    from tests.core.test_claims import HEADER
    from tests.imports.files import write_xlsx

    gui.window.show_page("claims")
    page = gui.window.claims_page
    page.open_after = False
    klass = _ask(qtbot, gui, lambda d: d.classes.list(state="assessed").rows)[0]
    dialog = page.new_claim()
    qtbot.waitUntil(lambda: dialog.classes.count() > 0, timeout=10_000)
    dialog.check(klass.id)
    with qtbot.waitSignal(page.sig_detail, timeout=20_000):
        dialog.submit()
    number = _ask(qtbot, gui, lambda d: d.claims.list())[0]["claim_no"]
    inst = _ask(qtbot, gui, lambda d: d.institution.get())
    key = tmp_path / "k.key"
    generate_key_file(key, "correct horse", institution={"name": inst.name, "uscc": inst.uscc},
                      created_at="2026-01-01T00:00:00Z")
    sign = page.open_sign_dialog()
    sign.key_edit.setText(str(key))
    sign.passphrase.setText("correct horse")
    sign.out_edit.setText(str(tmp_path / "claim.tsclaim"))
    with qtbot.waitSignal(page.sig_detail, timeout=30_000):
        sign.submit()
    qtbot.waitUntil(lambda: page.shown is not None and page.shown["state"] == "signed",
                    timeout=10_000)

    receipt = tmp_path / "回执.pdf"
    with qtbot.waitSignal(page.sig_done, timeout=20_000) as done:
        page.print_receipt(str(receipt))
    assert done.args == ["receipt"]
    signed = _ask(qtbot, gui, lambda d: d.claims.get(number))
    text = "".join(p.extract_text() for p in PdfReader(str(receipt)).pages).replace(" ", "")
    assert signed["manifest_sha256"][:16].upper() in text.upper()

    with qtbot.waitSignal(page.sig_done, timeout=10_000):
        page.mark_submitted()
    shown = _ask(qtbot, gui, lambda d: d.claims.show(number))
    lines = shown["lines"]
    rejected = lines[0]
    rows = [["补贴审核结果"], HEADER]
    for line in lines:
        if line is rejected:
            rows.append([line["id_number"], line["name"], "驳回", 0, "证书信息不符"])
        else:
            rows.append([line["id_number"], line["name"], "核准", line["amount_fen"] / 100, ""])
    decision = write_xlsx(tmp_path / "审核结果.xlsx", {"审核结果": rows}, text_columns=[0])
    with qtbot.waitSignal(page.sig_detail, timeout=20_000):
        page.import_decision(str(decision))
    # (under load another refresh of the detail can come first)
    qtbot.waitUntil(lambda: page.last_report is not None, timeout=20_000)
    assert page.last_report.saved and page.last_report.errors == []
    decided = _ask(qtbot, gui, lambda d: d.claims.get(number))
    expected = sum(x["amount_fen"] for x in lines) - rejected["amount_fen"]
    assert decided["state"] == "partly_approved" and decided["approved_fen"] == expected

    qtbot.waitUntil(lambda: page.shown is not None
                    and page.shown["state"] == "partly_approved", timeout=10_000)
    table = page.detail.lines   # the bureau's result in words, not its code
    column = table.columnCount() - 1
    results = {table.item(r, column).text() for r in range(table.rowCount())}
    assert "Rejected by the bureau 0.00 (证书信息不符)" in results
    assert any(text.startswith("Approved by the bureau ") for text in results)
    import datetime as dt
    with qtbot.waitSignal(page.sig_detail, timeout=10_000):
        page.record_payment(dt.date(2026, 12, 30), expected)
    assert _ask(qtbot, gui, lambda d: d.claims.get(number))["state"] == "paid"
    assert threading.get_ident() not in gui.db_threads


def test_closing_the_new_claim_dialog_before_its_classes_arrive(qtbot, gui):
    page = gui.window.claims_page
    gate = threading.Event()
    gui.runner.run(lambda desk: gate.wait(10))   # the worker is busy: the list waits
    dialog = page.new_claim()
    dialog.reject()                               # deleted on close
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5_000)
    gate.set()
    gui.runner.wait_idle()                        # the list arrives: nothing to fill, no error
    qtbot.wait(50)
