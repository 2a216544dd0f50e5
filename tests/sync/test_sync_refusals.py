"""Every bundle or pairing file a device refuses leaves it exactly as it was (the data,
the bundle history, the paired devices, what it has seen) and says why with a code.
Real Desks, real keys, real bundles; tampering is done on the bytes."""

from __future__ import annotations

import shutil

import pytest

from skilldesk.core import sync as core_sync
from skilldesk.core.desk import Desk
from skilldesk.core.models import PersonDraft
from skilldesk.core.sync import SyncRefused
from skilldesk.sync import container
from tests.sync import devices as dv
from tests.tamper import golden as g


def state(desk: Desk) -> tuple:
    """Everything a refusal must leave alone."""
    return (dv.dump(desk), desk.sync.history(), [d.as_json() for d in desk.sync.devices()],
            desk.sync.vv(), [c.as_json() for c in desk.sync.conflicts()],
            [i.as_json() for i in desk.sync.lost()])


def refused(desk: Desk, action, error=SyncRefused) -> Exception:
    """Run *action*, which must raise *error*; the desk must be unchanged. The error."""
    before = state(desk)
    with pytest.raises(error) as info:
        action()
    assert state(desk) == before
    assert info.value.user_message()
    return info.value


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


def header_span(data: bytes) -> tuple[int, int]:
    """Start and end of the outer JSON header of a .tssync file."""
    return 12, 12 + int.from_bytes(data[8:12], "big")


@pytest.fixture()
def office_and_laptop():
    office, laptop = dv.office(people=6), dv.laptop("外勤A")
    dv.pair(office, laptop)
    dv.send(office, laptop)
    yield office, laptop
    office.close()
    laptop.close()


def test_a_flipped_byte_inside_the_ciphertext_is_refused_undecrypted(office_and_laptop):
    office, laptop = office_and_laptop
    data = office.sync.export_bundle(laptop.device_id).data
    for index in (len(data) // 2, header_span(data)[1] + 5, len(data) - 1):
        exc = refused(laptop, lambda i=index: laptop.sync.import_bundle(flip(data, i)),
                      container.BundleRefused)
        assert exc.code == container.E_DECRYPT, index
    laptop.sync.import_bundle(data)            # the original is still good


def test_a_flipped_byte_in_the_outer_header_is_refused(office_and_laptop):
    office, laptop = office_and_laptop
    data = office.sync.export_bundle(laptop.device_id).data
    start, end = header_span(data)
    raw = data[start:end]
    recipient = raw.index(laptop.device_id.encode()) + start
    key = raw.index(b'"recipient_key":"') + len(b'"recipient_key":"') + start
    cases = {
        0: container.E_NOT_BUNDLE,              # the magic
        10: container.E_FORMAT,                 # the header length
        start: container.E_FORMAT,              # "{" of the JSON
        start + raw.index(b"tssync-envelope"): container.E_FORMAT,
        recipient + 3: container.E_NOT_FOR_US,  # another device's id
        key + 3: container.E_NOT_FOR_US,        # the recipient key fingerprint
        end - 1: container.E_FORMAT,            # the closing "}"
    }
    for index, code in cases.items():
        exc = refused(laptop, lambda i=index: laptop.sync.import_bundle(flip(data, i)),
                      container.BundleRefused)
        assert exc.code == code, (index, exc.code)
    exc = refused(laptop, lambda: laptop.sync.import_bundle(data[: end + 10]),
                  container.BundleRefused)
    assert exc.code == container.E_DECRYPT      # truncated ciphertext


def test_a_bundle_made_for_another_laptop_is_not_for_us():
    office, a, b = dv.office(people=4), dv.laptop("A"), dv.laptop("B")
    dv.pair(office, a)
    dv.pair(office, b)
    data = office.sync.export_bundle(a.device_id).data
    exc = refused(b, lambda: b.sync.import_bundle(data), container.BundleRefused)
    assert exc.code == container.E_NOT_FOR_US
    assert b.sync.history() == [] and dv.dump(b) == dv.dump(dv.laptop("empty"))
    assert a.sync.import_bundle(data).counts["added"] > 0


def test_a_bundle_from_a_device_never_paired_here_has_an_unknown_key():
    office, stranger = dv.office(people=4), dv.laptop("陌生")
    stranger.sync.pair(office.sync.pairing_file()[0])      # one way only
    stranger.people.save(PersonDraft(name="陌生人", id_number=dv.valid_id(901)))
    data = stranger.sync.export_bundle(office.device_id).data
    exc = refused(office, lambda: office.sync.import_bundle(data), container.BundleRefused)
    assert exc.code == container.E_UNKNOWN_KEY
    assert dv.person_by_number(office, dv.valid_id(901)) is None


def test_an_expired_bundle_is_refused(office_and_laptop, monkeypatch):
    office, laptop = office_and_laptop
    dv.edit_person(office, office.db.execute("SELECT id_number FROM person").fetchone()[0],
                   notes="过期")
    monkeypatch.setattr(core_sync, "VALID_DAYS", -1)
    data = office.sync.export_bundle(laptop.device_id).data
    monkeypatch.setattr(core_sync, "VALID_DAYS", 30)
    exc = refused(laptop, lambda: laptop.sync.import_bundle(data))
    assert exc.code == "E_EXPIRED"
    # a fresh bundle carries the same change and is taken
    fresh = dv.send(office, laptop)
    assert fresh.counts["updated"] >= 1 and dv.dump(office) == dv.dump(laptop)


def test_a_replayed_bundle_changes_nothing(office_and_laptop):
    office, laptop = office_and_laptop
    number = laptop.db.execute("SELECT id_number FROM person").fetchone()[0]
    dv.edit_person(laptop, number, phone="13912345678")
    data = laptop.sync.export_bundle(office.device_id).data
    assert office.sync.import_bundle(data).counts["updated"] == 1
    dv.edit_person(office, number, phone="13700000000")   # later, at the office
    exc = refused(office, lambda: office.sync.import_bundle(data))
    assert exc.code == "E_REPLAY"
    assert dv.person_by_number(office, number).phone == "13700000000"
    # a receipt replayed is refused as well
    receipt = office.sync.receipt_bundle(office.sync.history()[0]["id"]).data
    laptop.sync.import_bundle(receipt)
    assert refused(laptop, lambda: laptop.sync.import_bundle(receipt)).code == "E_REPLAY"


def test_an_unpaired_device_neither_sends_nor_receives(office_and_laptop):
    office, laptop = office_and_laptop
    dv.edit_person(laptop, laptop.db.execute("SELECT id_number FROM person").fetchone()[0],
                   notes="丢失前")
    office.sync.unpair(laptop.device_id, "笔记本丢失")
    data = laptop.sync.export_bundle(office.device_id).data
    exc = refused(office, lambda: office.sync.import_bundle(data))
    assert exc.code == "E_UNPAIRED" and "笔记本丢失" in exc.user_message()
    exc = refused(office, lambda: office.sync.export_bundle(laptop.device_id))
    assert exc.code == "E_UNPAIRED"
    with pytest.raises(SyncRefused) as info:
        office.sync.unpair(laptop.device_id, "  ")
    assert info.value.code == "E_REASON"
    # pairing again (a new decision) lets it back in
    office.sync.pair(laptop.sync.pairing_file()[0])
    assert office.sync.import_bundle(data).counts["updated"] == 1


def test_a_device_of_another_institution_cannot_be_paired():
    ours, theirs = dv.office(people=3), Desk.open(None)
    theirs.build_demo(people=3, seed=7)
    theirs.sync.set_device(name="别校电脑", role="office")
    assert theirs.institution.get().uscc != ours.institution.get().uscc
    file = theirs.sync.pairing_file()[0]
    for action in (lambda: ours.sync.read_pairing(file), lambda: ours.sync.pair(file)):
        exc = refused(ours, action)
        assert exc.code == "E_FOREIGN" and theirs.institution.get().uscc in exc.user_message()
    assert ours.sync.devices() == []


def test_a_device_cannot_pair_with_itself(office_and_laptop):
    office, _laptop = office_and_laptop
    own = office.sync.pairing_file()[0]
    for action in (lambda: office.sync.read_pairing(own), lambda: office.sync.pair(own)):
        assert refused(office, action).code == "E_SELF"


def test_a_claim_package_is_not_a_sync_bundle(office_and_laptop, tmp_path):
    _office, laptop = office_and_laptop
    package, _sha = g.build_package(g.golden_input(), g.test_key())
    exc = refused(laptop, lambda: laptop.sync.import_bundle(package), container.BundleRefused)
    assert exc.code == container.E_PAYLOAD_TYPE
    exc = refused(laptop, lambda: laptop.sync.import_bundle(b"hello, not a bundle"),
                  container.BundleRefused)
    assert exc.code == container.E_NOT_BUNDLE


def _reopen(path) -> Desk:
    desk = Desk.open(path)
    desk.user_name = "外勤A的老师"
    return desk


def test_a_laptop_restored_from_an_old_copy_is_told_about_the_gap(tmp_path):
    office = dv.office(people=5)
    path = tmp_path / "laptop.skilldesk"
    laptop = dv.laptop("外勤A", path=path)
    dv.pair(office, laptop)
    laptop.close()
    old = tmp_path / "old"
    old.mkdir()
    for f in tmp_path.glob("laptop.skilldesk*"):
        shutil.copy2(f, old / f.name)
    laptop = _reopen(path)
    first = dv.send(office, laptop)
    office.sync.import_bundle(laptop.sync.receipt_bundle(first.bundle_id).data)
    assert office.sync.history()[0]["kind"] == "receipt"
    laptop.close()
    for f in tmp_path.glob("laptop.skilldesk*"):
        f.unlink()
    for f in old.iterdir():
        shutil.copy2(f, tmp_path / f.name)
    laptop = _reopen(path)                  # the copy from before bundle no. 1
    assert laptop.sync.vv() == {} and laptop.sync.history() == []
    sent = office.sync.vv()[office.device_id]
    dv.edit_person(office, office.db.execute("SELECT id_number FROM person").fetchone()[0],
                   notes="第二批")
    second = office.sync.export_bundle(laptop.device_id)
    assert second.bundle_no == 2
    exc = refused(laptop, lambda: laptop.sync.import_bundle(second.data))
    assert exc.code == "E_GAP"
    message = exc.user_message()
    assert "办公室电脑" in message and "2" in message
    assert "up to no. 0" in message and f"assumes {sent}" in message
    laptop.close()


def _signed_by(sender: Desk, recipient: Desk, header: dict, rows: object) -> bytes:
    """A bundle the sender's real keys sign and encrypt, with whatever rows it says:
    what a damaged (or newer) installation could send."""
    import json

    keys = sender.sync._keys()
    peer = [p for p in sender.sync.devices() if p.device_id == recipient.device_id][0]
    from skilldesk.storage import sync as sync_sql
    encryption = sync_sql.peer(sender.db, peer.device_id)["encryption_key"]
    body = json.dumps(rows).encode()
    return container.build_bundle(
        header=header, files=[("data/rows.json", body, "application/json")],
        signing_key=keys.signing_key(), recipient_device_id=recipient.device_id,
        recipient_encryption_public=encryption)


@pytest.mark.parametrize("rows", [
    [],                                                        # not an object
    {"dots": [["x", 0, "", ""]], "rows": []},                  # a dot of sequence 0
    {"dots": [], "rows": [{"t": "no_such_table", "id": "a", "o": 1, "v": {"id": "a"}}]},
    {"dots": [], "rows": [{"t": "person", "id": "a", "o": 1, "v": {"id": "b"}}]},
    {"dots": [], "rows": [{"t": "person", "id": "a", "o": 1, "v": {"id": "a", "evil": 1}}]},
    {"dots": [], "rows": [{"t": "person", "id": "a", "o": 1, "v": {"id": "a"}, "b": 3}]},
    {"dots": [["x", 1, "", ""]], "rows": [{"t": "person", "id": "a", "o": 1, "x": [0, {"x": -1}]}]},
    {"dots": [], "rows": [{"t": "person", "id": "a", "o": 1, "v": {"id": "a", "name": [1]}}]},
])
def test_a_signed_bundle_with_malformed_rows_is_refused_before_anything_is_applied(
        office_and_laptop, rows):
    office, laptop = office_and_laptop
    header = {"kind": "data", "bundle_id": "01234567-89ab-7def-8123-456789abcdef",
              "bundle_no": 9, "from": {"device_id": office.device_id, "name": "x"},
              "to": {"device_id": laptop.device_id}, "institution_uscc": "",
              "made_at": "2026-01-01T00:00:00Z", "not_after": "2999-01-01T00:00:00Z",
              "base": {}, "have": {}, "rows": 0, "changes": 0}
    data = _signed_by(office, laptop, header, rows)
    exc = refused(laptop, lambda: laptop.sync.import_bundle(data))
    assert exc.code == "E_SEMANTIC"


def test_a_signed_bundle_with_a_malformed_header_is_refused(office_and_laptop):
    office, laptop = office_and_laptop
    header = {"kind": "data", "bundle_id": "b", "bundle_no": "one",
              "from": {"device_id": office.device_id}, "to": {"device_id": laptop.device_id},
              "made_at": "2026-01-01T00:00:00Z", "not_after": "2999-01-01T00:00:00Z",
              "base": {}, "have": {"x": "1"}}
    data = _signed_by(office, laptop, header, {"dots": [], "rows": []})
    assert refused(laptop, lambda: laptop.sync.import_bundle(data)).code == "E_SEMANTIC"
