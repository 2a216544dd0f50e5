"""Builder, registry, ledger and CLI of the signed claim package (issue 7)."""

from __future__ import annotations

import json
import zipfile

import pytest

from skilldesk.cli import main
from skilldesk.package import canonical as cj
from skilldesk.package import codes as c
from skilldesk.package import zipprofile
from skilldesk.package.build import PackageBuildError
from skilldesk.package.build import build_package
from skilldesk.package.build import public_raw
from skilldesk.package.ledger import Ledger
from skilldesk.package.model import PackageFile
from skilldesk.package.registry import KeyRegistry
from skilldesk.package.registry import RegistryError
from skilldesk.package.verify import verify_package
from tests.tamper import golden as g

GOLDEN_FINGERPRINT = "KZDVVJ2UMNDUYAUF35O36K6KW462MUJV"
# both quoted in docs/claim-package.md
GOLDEN_MANIFEST_SHA256 = "15062ecccb2283f81c35740fe1c9df43956e402bf7fda77741bf82ce408f078e"


@pytest.fixture
def registry(tmp_path):
    return KeyRegistry.load(g.write_registry(tmp_path / "keys"))


def test_building_twice_gives_the_same_bytes_and_the_strict_profile():
    first, sha = g.golden()
    second, sha2 = g.golden()
    assert first == second and sha == sha2 == GOLDEN_MANIFEST_SHA256
    entries = zipprofile.check(first, len(first))
    assert [e.name for e in entries[:3]] == ["mimetype", "manifest.json",
                                             "META-INF/signature.json"]
    with zipfile.ZipFile(__import__("io").BytesIO(first)) as zf:
        manifest = zf.read("manifest.json")
        assert cj.sha256_hex(manifest) == sha
        assert zf.read("data/people.csv").startswith(b"\xef\xbb\xbf\"line_id\"")
        assert all(i.flag_bits == 0x800 and i.date_time == (1980, 1, 1, 0, 0, 0)
                   for i in zf.infolist())
    assert json.loads(manifest)["key_fingerprint"] == GOLDEN_FINGERPRINT
    assert cj.fingerprint(public_raw(g.test_key())) == GOLDEN_FINGERPRINT


def test_golden_verifies_from_bytes_and_from_a_path(registry, tmp_path):
    data, sha = g.golden()
    path = tmp_path / "claim.tsclaim"
    path.write_bytes(data)
    for source in (data, path):
        result = verify_package(source, registry)
        assert result.valid, result.errors
        assert (result.fingerprint, result.seq, result.manifest_sha256) == (
            GOLDEN_FINGERPRINT, 1, sha)
        assert result.institution["uscc"] == g.USCC
        assert [f["path"] for f in result.files][:2] == ["data/claim.json", "data/lines.json"]


def test_size_caps(registry, tmp_path):
    data, _sha = g.golden()
    assert verify_package(data, registry, max_bytes=1000).codes == [c.E_TOO_LARGE]
    path = tmp_path / "p.tsclaim"
    path.write_bytes(data)
    assert verify_package(path, registry, max_bytes=1000).codes == [c.E_TOO_LARGE]
    assert verify_package(data, registry, max_bytes=len(data) + 10).valid  # stored: no more inside
    assert verify_package(tmp_path / "absent.tsclaim", registry).codes == [c.E_UNREADABLE]


@pytest.mark.parametrize("change, problem", [
    (dict(seq=0), "sequence"),
    (dict(prev="ABC"), "previous manifest"),
    (dict(files=[PackageFile("forms/x.pdf", b"PK\x03\x04", "application/pdf")]), "content"),
    (dict(files=[PackageFile("forms/X.pdf", b"%PDF-", "application/pdf")]), "file name"),
    (dict(files=[PackageFile("forms/x.zip", b"PK\x03\x04", "application/zip")]), "media type"),
])
def test_builder_refuses_bad_input(change, problem):
    with pytest.raises(PackageBuildError) as info:
        build_package(g.golden_input(**change), g.test_key())
    assert problem in str(info.value)


def test_registry_refuses_a_wrong_fingerprint(tmp_path):
    folder = g.write_registry(tmp_path / "keys")
    file = next(folder.glob("*.json"))
    doc = json.loads(file.read_bytes())
    doc["fingerprint"] = "A" * 32
    file.write_bytes(cj.dumps(doc))
    with pytest.raises(RegistryError):
        KeyRegistry.load(folder)
    with pytest.raises(RegistryError):
        KeyRegistry.load(tmp_path / "nothing")


def test_ledger_chain_supersedes_and_report(registry, tmp_path):
    first, sha1 = g.golden()
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        result = verify_package(first, registry, ledger=ledger)
        assert result.valid
        ledger.accept(result)
        # a corrected version of the same claim: same people, declares what it supersedes
        fix, sha2 = build_package(g.golden_input(seq=2, prev=sha1, claim_no="GS-2026-0001-2",
                                                 supersedes="GS-2026-0001"), g.test_key())
        result = verify_package(fix, registry, ledger=ledger)
        assert result.valid, result.errors
        ledger.accept(result)
        assert [p["seq"] for p in ledger.packages()] == [1, 2]
        assert len(ledger.report()["duplicates"]) == 3   # flagged for the bureau's review


def test_cli_verify_and_ledger(tmp_path, capsys):
    keys = g.write_registry(tmp_path / "keys")
    data, sha = g.golden()
    package = tmp_path / "claim.tsclaim"
    package.write_bytes(data)
    assert main(["verify", str(package), "--keys", str(keys), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True and out["fingerprint"] == GOLDEN_FINGERPRINT
    assert out["claim_no"] == "GS-2026-0001" and out["seq"] == 1 and len(out["files"]) == 8
    ledger = tmp_path / "ledger.db"
    assert main(["ledger", "accept", str(package), "--keys", str(keys), "--ledger",
                 str(ledger), "--json"]) == 0
    capsys.readouterr()
    assert main(["ledger", "accept", str(package), "--keys", str(keys), "--ledger",
                 str(ledger), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["code"] == c.E_REPLAY
    assert main(["verify", str(package), "--keys", str(keys), "--ledger", str(ledger)]) == 1
    capsys.readouterr()
    assert main(["ledger", "list", "--ledger", str(ledger), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["packages"][0]["manifest_sha256"] == sha
    assert main(["ledger", "report", "--ledger", str(ledger), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["flags"][0]["code"] == c.E_REPLAY and report["duplicates"] == []
    package.write_bytes(data[:-1])
    assert main(["verify", str(package), "--keys", str(keys), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["code"] == c.E_ZIP_STRUCTURE
