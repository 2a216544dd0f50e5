"""``skilldesk-cli sync …`` end to end: an office database and a laptop database made
from nothing by the command line, paired, exchanging bundle files, with --json and the
exit codes a script relies on."""

from __future__ import annotations

import json

from pypdf import PdfReader

from skilldesk.core.desk import Desk
from tests.cli_helpers import run
from tests.sync import devices as dv


def cli(capsys, db, *argv) -> tuple[int, dict]:
    """Exit code and the JSON document of one ``--db DB sync …`` command."""
    code, out, _err = run(capsys, "--db", str(db), "sync", *argv, "--json")
    return code, json.loads(out)


def ok(capsys, db, *argv) -> dict:
    code, doc = cli(capsys, db, *argv)
    assert code == 0, doc
    return doc


def error_code(capsys, db, *argv) -> str:
    code, doc = cli(capsys, db, *argv)
    assert code == 1 and doc["ok"] is False and doc["error"]["message"], doc
    return doc["error"]["code"]


def edit(db, id_number: str, **changes) -> None:
    desk = Desk.open(db)
    try:
        desk.user_name = "测试"
        assert dv.edit_person(desk, id_number, **changes)
    finally:
        desk.close()


def a_person(db) -> str:
    desk = Desk.open(db)
    try:
        return desk.db.execute("SELECT id_number FROM person ORDER BY id_number"
                               ).fetchone()[0]
    finally:
        desk.close()


def send(capsys, src, dst, to: str, out) -> dict:
    """Export from *src* to the device *to*, import at *dst*; the import's document."""
    ok(capsys, src, "export", "--to", to, "--out", str(out))
    return ok(capsys, dst, "import", str(out))


def setup(capsys, tmp_path):
    """An office database (demo data) and a laptop made by ``sync device``, paired."""
    office_db, laptop_db = tmp_path / "office.skilldesk", tmp_path / "laptop.skilldesk"
    dv.office(people=6, path=office_db).close()
    lap_file, office_file = tmp_path / "laptop-pair.json", tmp_path / "office-pair.json"
    assert not laptop_db.exists()
    doc = ok(capsys, laptop_db, "device", "--name", "外勤A", "--role", "laptop",
             "--pairing-file", str(lap_file))
    assert laptop_db.exists() and lap_file.exists()
    assert (doc["name"], doc["role"], doc["is_self"], doc["have"]) == (
        "外勤A", "laptop", True, {})
    assert doc["pairing_file"] == str(lap_file) and doc["fingerprint"]
    office = ok(capsys, office_db, "device", "--pairing-file", str(office_file))
    assert office["name"] == "办公室电脑" and office["role"] == "office"
    paired = ok(capsys, office_db, "pair", str(lap_file), "--yes")
    assert paired["paired"]["name"] == "外勤A"
    assert paired["paired"]["fingerprint"] == doc["fingerprint"]
    assert paired["this_device"]["fingerprint"] == office["fingerprint"]
    assert ok(capsys, laptop_db, "pair", str(office_file), "--yes")["paired"]["name"] \
        == "办公室电脑"
    return office_db, laptop_db


def test_device_pair_export_import_receipt_and_replay(capsys, tmp_path):
    office_db, laptop_db = setup(capsys, tmp_path)
    bundle = tmp_path / "b1.tssync"
    made = ok(capsys, office_db, "export", "--to", "外勤A", "--out", str(bundle))
    assert made["bundle_no"] == 1 and made["rows"] > 0 and made["out"] == str(bundle)
    assert made["size"] == bundle.stat().st_size

    ack, pdf = tmp_path / "ack.tssync", tmp_path / "receipt.pdf"
    doc = ok(capsys, laptop_db, "import", str(bundle), "--receipt-out", str(ack),
             "--pdf", str(pdf))
    assert doc["kind"] == "data" and doc["bundle_no"] == 1
    assert doc["from"]["name"] == "办公室电脑"
    assert doc["applied"] == doc["added"] == made["rows"]
    assert doc["duplicates"] == doc["conflicts"] == doc["kept_aside"] == 0
    assert doc["receipt_bundle"] == str(ack) and ack.exists()
    assert doc["receipt_pdf"] == str(pdf) and doc["receipt_pages"] == len(
        PdfReader(str(pdf)).pages)
    office, laptop = Desk.open(office_db), Desk.open(laptop_db)
    try:
        assert dv.dump(office) == dv.dump(laptop)
    finally:
        office.close()
        laptop.close()

    assert error_code(capsys, laptop_db, "import", str(bundle)) == "E_REPLAY"
    back = ok(capsys, office_db, "import", str(ack))
    assert back["kind"] == "receipt" and back["from"]["name"] == "外勤A"
    assert error_code(capsys, office_db, "import", str(ack)) == "E_REPLAY"

    history = ok(capsys, office_db, "history")["bundles"]
    assert [(b["direction"], b["kind"], b["peer_name"]) for b in history] == [
        ("in", "receipt", "外勤A"), ("out", "data", "外勤A")]
    assert history[1]["acknowledged_at"] is not None
    lap_history = ok(capsys, laptop_db, "history")["bundles"]
    assert {(b["direction"], b["kind"]) for b in lap_history} == {
        ("in", "data"), ("out", "receipt")}

    devices = ok(capsys, office_db, "devices")["devices"]
    assert [(d["name"], d["role"], d["active"], d["last_out_no"], d["last_in_no"])
            for d in devices] == [("外勤A", "laptop", True, 1, 1)]
    assert devices[0]["pending_changes"] == 0


def test_conflict_listed_resolved_and_cleared_on_the_other_side(capsys, tmp_path):
    office_db, laptop_db = setup(capsys, tmp_path)
    send(capsys, office_db, laptop_db, "外勤A", tmp_path / "b1.tssync")
    number = a_person(office_db)
    edit(office_db, number, phone="13800000001")
    edit(laptop_db, number, phone="13900000002")
    doc = send(capsys, laptop_db, office_db, "办公室电脑", tmp_path / "l1.tssync")
    assert doc["conflicts"] == 1
    (conflict,) = ok(capsys, office_db, "conflicts")["conflicts"]
    assert conflict["table"] == "person" and conflict["field"] == "phone"
    assert {(o["value"], o["device"]) for o in conflict["options"]} == {
        ("13800000001", "办公室电脑"), ("13900000002", "外勤A")}
    assert conflict["options"][0]["is_here"]                 # this device's value first
    # keep a value other than the one shown (see test_sync_engine for the other case)
    take = next(n for n, o in enumerate(conflict["options"])
                if o["value"] != conflict["current"])
    value = conflict["options"][take]["value"]
    resolved = ok(capsys, office_db, "resolve", conflict["key"], "--take", str(take))
    assert resolved == {"resolved": conflict["key"], "value": value}
    assert ok(capsys, office_db, "conflicts")["conflicts"] == []
    assert error_code(capsys, office_db, "resolve", conflict["key"], "--take", "0") \
        == "E_SKILLDESK"                                     # no such conflict any more
    send(capsys, office_db, laptop_db, "外勤A", tmp_path / "b2.tssync")
    send(capsys, laptop_db, office_db, "办公室电脑", tmp_path / "l2.tssync")
    assert ok(capsys, laptop_db, "conflicts")["conflicts"] == []
    assert ok(capsys, office_db, "conflicts")["conflicts"] == []
    for db in (office_db, laptop_db):
        desk = Desk.open(db)
        try:
            assert dv.person_by_number(desk, number).phone == value
        finally:
            desk.close()


def test_an_unpaired_laptop_is_refused_both_ways(capsys, tmp_path):
    office_db, laptop_db = setup(capsys, tmp_path)
    send(capsys, office_db, laptop_db, "外勤A", tmp_path / "b1.tssync")
    edit(laptop_db, a_person(laptop_db), notes="丢失前的修改")
    late = tmp_path / "late.tssync"
    ok(capsys, laptop_db, "export", "--to", "办公室电脑", "--out", str(late))
    code, out, _err = run(capsys, "--db", str(office_db), "sync", "unpair", "外勤A",
                          "--reason", "丢失")
    assert code == 0 and "外勤A" in out
    (device,) = ok(capsys, office_db, "devices")["devices"]
    assert device["active"] is False and device["unpair_reason"] == "丢失"
    before = ok(capsys, office_db, "history")["bundles"]
    assert error_code(capsys, office_db, "import", str(late)) == "E_UNPAIRED"
    assert ok(capsys, office_db, "history")["bundles"] == before
    assert error_code(capsys, office_db, "export", "--to", "外勤A", "--out",
                      str(tmp_path / "x.tssync")) == "E_UNPAIRED"
    assert not (tmp_path / "x.tssync").exists()


def test_usage_errors(capsys, tmp_path):
    office_db, laptop_db = setup(capsys, tmp_path)
    assert error_code(capsys, office_db, "pair", str(tmp_path / "office-pair.json"),
                      "--yes") == "E_SELF"
    assert error_code(capsys, office_db, "export", "--to", "nobody", "--out",
                      str(tmp_path / "n.tssync")) == "E_NOT_FOUND"
    junk = tmp_path / "junk.tssync"
    junk.write_bytes(b"not a bundle at all")
    assert error_code(capsys, laptop_db, "import", str(junk)) == "E_NOT_BUNDLE"
    assert error_code(capsys, office_db, "device", "--name", "x" * 41) == "E_NAME"


def test_export_onto_an_existing_file_leaves_no_trace(capsys, tmp_path):
    office_db, _laptop_db = setup(capsys, tmp_path)
    bundle = tmp_path / "b1.tssync"
    made = ok(capsys, office_db, "export", "--to", "外勤A", "--out", str(bundle))
    data = bundle.read_bytes()
    before = ok(capsys, office_db, "history")["bundles"]
    assert error_code(capsys, office_db, "export", "--to", "外勤A", "--out", str(bundle)) \
        == "E_SKILLDESK"
    assert bundle.read_bytes() == data and made["size"] == len(data)
    assert ok(capsys, office_db, "history")["bundles"] == before
    assert ok(capsys, office_db, "devices")["devices"][0]["last_out_no"] == 1


def test_import_onto_an_existing_receipt_file_imports_nothing(capsys, tmp_path):
    office_db, laptop_db = setup(capsys, tmp_path)
    bundle, taken = tmp_path / "b1.tssync", tmp_path / "taken.tssync"
    ok(capsys, office_db, "export", "--to", "外勤A", "--out", str(bundle))
    taken.write_bytes(b"someone else's file")
    assert error_code(capsys, laptop_db, "import", str(bundle), "--receipt-out",
                      str(taken)) == "E_SKILLDESK"
    assert taken.read_bytes() == b"someone else's file"
    assert ok(capsys, laptop_db, "history")["bundles"] == []
    ack = tmp_path / "ack.tssync"
    assert ok(capsys, laptop_db, "import", str(bundle), "--receipt-out", str(ack))["applied"]


def test_pair_without_yes_and_no_terminal_does_not_pair(capsys, tmp_path, monkeypatch):
    office_db, laptop_db = setup(capsys, tmp_path)
    other = tmp_path / "b.skilldesk"
    ok(capsys, other, "device", "--name", "外勤B", "--role", "laptop", "--pairing-file",
       str(tmp_path / "b.json"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _out, err = run(capsys, "--db", str(office_db), "sync", "pair",
                          str(tmp_path / "b.json"), "--json")
    assert code == 2 and "外勤B" in err
    assert [d["name"] for d in ok(capsys, office_db, "devices")["devices"]] == ["外勤A"]
