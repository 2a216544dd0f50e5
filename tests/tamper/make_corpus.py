"""Generate the tamper corpus (SECURITY.md §1.7) from the golden package.

    python tests/tamper/make_corpus.py OUT_DIR

Writes OUT_DIR/<case>/{package.tsclaim, README, expected.json [, accept-N.tsclaim]} and
OUT_DIR/registry/ (the keys the verifier trusts: the test key, another institution's key,
a revoked key). Deterministic: the same files every run."""

from __future__ import annotations

import json
import sys
import unicodedata
import zlib
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from skilldesk.package import build as b  # noqa: E402
from skilldesk.package import canonical as cj  # noqa: E402
from skilldesk.package import codes as c  # noqa: E402
from skilldesk.package import model as m  # noqa: E402
from tests.tamper import golden as g  # noqa: E402
from tests.tamper import rawzip as rz  # noqa: E402


def revoked_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(64, 96)))


def stranger_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(96, 128)))


def write_registry(folder: Path) -> Path:
    g.write_registry(folder, (g.test_key(), g.USCC), (g.other_key(), g.OTHER_USCC),
                     (revoked_key(), g.USCC))
    fp = cj.fingerprint(b.public_raw(revoked_key()))
    (folder / "revocations.json").write_bytes(cj.dumps({
        "format": "skilldesk-key-revocations", "version": 1,
        "revoked": [{"fingerprint": fp, "revoked_at": "2026-09-15", "reason": "lost laptop"}]}))
    return folder


class Parts:
    """The golden package taken apart: manifest, payload, entries."""

    def __init__(self, data: m.ClaimPackageInput | None = None, key=None) -> None:
        self.input = data or g.golden_input()
        self.key = key or g.test_key()
        self.package, self.sha = b.build_package(self.input, self.key)
        self.entries = rz.from_zip(self.package)
        self.payload = [(e.name.decode(), zlib.decompress(e.body, -15) if e.method else e.body)
                        for e in self.entries[3:]]
        self.manifest_bytes = self.body(m.MANIFEST_NAME)
        self.manifest = json.loads(self.manifest_bytes)
        self.envelope_bytes = self.body(m.SIGNATURE_NAME)

    def body(self, name: str) -> bytes:
        e = next(e for e in self.entries if e.name.decode() == name)
        return zlib.decompress(e.body, -15) if e.method else e.body

    def index(self, name: str) -> int:
        return next(i for i, e in enumerate(self.entries) if e.name.decode() == name)

    def resign(self, manifest: dict | bytes, *, key=None, payload=None, payload_type=None,
               envelope: bytes | None = None) -> bytes:
        mb = manifest if isinstance(manifest, bytes) else cj.dumps(manifest)
        env = envelope or b.envelope(mb, key or self.key, payload_type or m.PAYLOAD_TYPE)
        return b.assemble(mb, env, payload if payload is not None else self.payload)

    def with_payload(self, payload: list[tuple[str, bytes, str, str]], *, key=None,
                     change=None) -> bytes:
        fp = cj.fingerprint(b.public_raw(key or self.key))
        manifest = b.manifest_for(self.input, fp, payload)
        if change:
            change(manifest)
        return self.resign(manifest, key=key, payload=[(n, d) for n, d, _m, _t in payload])

    def full_payload(self) -> list[tuple[str, bytes, str, str]]:
        specs = {f["path"]: f for f in self.manifest["files"]}
        return [(n, d, specs[n]["media_type"], specs[n]["title"]) for n, d in self.payload]


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def _replace_entry(p: Parts, name: str, **changes) -> bytes:
    entries = list(p.entries)
    entries[p.index(name)] = entries[p.index(name)].with_(**changes)
    return rz.write(entries)


def cases() -> list[tuple[str, str, bytes, str, list[bytes]]]:
    p = Parts()
    E = []

    def add(name, code, data, readme, accept=()):
        E.append((name, code, data, readme, list(accept)))

    add("00-golden", "", p.package, "The golden package: valid.")
    changed = [(n, _flip(d, 40) if n == "data/lines.json" else d) for n, d in p.payload]
    add("01-data-byte-flipped", c.E_DIGEST, p.resign(p.manifest_bytes, envelope=p.envelope_bytes,
                                                     payload=changed),
        "One byte flipped inside data/lines.json (the package re-zipped, manifest unchanged).")
    pdf = p.entries[p.index("forms/claim-form.pdf")]
    start = p.package.index(pdf.body)
    add("02a-pdf-byte-flipped", c.E_DIGEST, _flip(p.package, start + 100),
        "One byte flipped inside the stored PDF form.")
    jpg = p.entries[p.index("attachments/0001-idcard-front.jpg")]
    add("02b-jpeg-byte-flipped", c.E_DIGEST, _flip(p.package, p.package.index(jpg.body) + 50),
        "One byte flipped inside the stored JPEG attachment.")
    mb = p.manifest_bytes.replace(b'"seq":1', b'"seq":7')
    add("03-manifest-value-changed", c.E_SIGNATURE,
        p.resign(mb, envelope=p.envelope_bytes), "seq changed in manifest.json (still canonical).")
    add("04a-manifest-whitespace", c.E_NOT_CANONICAL,
        p.resign(json.dumps(p.manifest, ensure_ascii=False, sort_keys=True, indent=1).encode(),
                 envelope=p.envelope_bytes), "manifest.json re-serialized with indentation.")
    reordered = dict(reversed(list(p.manifest.items())))
    add("04b-manifest-key-order", c.E_NOT_CANONICAL,
        p.resign(json.dumps(reordered, ensure_ascii=False, separators=(",", ":")).encode(),
                 envelope=p.envelope_bytes), "manifest.json keys in another order.")
    amount = p.manifest["claim"]["amount_fen"]
    dup = p.manifest_bytes.replace(b'"amount_fen":%d' % amount,
                                   b'"amount_fen":1,"amount_fen":%d' % amount)
    add("05-manifest-duplicate-key", c.E_JSON, p.resign(dup), "amount_fen twice (re-signed).")
    env = json.loads(p.envelope_bytes)
    env["signatures"][0]["sig"] = cj.b64(_flip(cj.unb64(env["signatures"][0]["sig"]), 10))
    add("06-signature-byte-flipped", c.E_SIGNATURE, p.resign(p.manifest_bytes,
                                                             envelope=cj.dumps(env)),
        "One byte flipped in the Ed25519 signature.")
    d = dict(p.payload)
    swapped = [(n, d["forms/roster-table.pdf"] if n == "forms/claim-form.pdf" else
                d["forms/claim-form.pdf"] if n == "forms/roster-table.pdf" else x)
               for n, x in p.payload]
    add("07-contents-swapped", c.E_DIGEST, p.resign(p.manifest_bytes, envelope=p.envelope_bytes,
                                                    payload=swapped),
        "The two PDF forms' contents exchanged, names kept.")
    entries = list(p.entries)
    i, j = p.index("forms/claim-form.pdf"), p.index("forms/roster-table.pdf")
    entries[i], entries[j] = (entries[i].with_(name=entries[j].name),
                              entries[j].with_(name=entries[i].name))
    add("08-renamed-into-each-other", c.E_DIGEST, rz.write(entries),
        "The two PDF forms renamed into each other (manifest unchanged).")
    for suffix, name in (("a-root", "evil.txt"), ("b-meta-inf", "META-INF/extra.json"),
                         ("c-macosx", "__MACOSX/._manifest.json")):
        add(f"09{suffix}-extra-entry", c.E_EXTRA_ENTRY,
            rz.write(p.entries + [rz.raw(name, b"x")]), f"Extra entry {name}.")
    add("09d-directory-entry", c.E_EXTRA_ENTRY,
        rz.write(p.entries + [rz.raw("forms/", b"", ext_attr=(0o40755 << 16) | 0x10)]),
        "A directory entry forms/.")
    add("10-missing-entry", c.E_MISSING_ENTRY,
        rz.write([e for e in p.entries if not e.name.startswith(b"attachments/")]),
        "The attachment listed in the manifest is missing.")
    add("11a-truncated", c.E_ZIP_STRUCTURE, p.package[:-100], "The last 100 bytes cut off.")
    add("11b-appended", c.E_ZIP_STRUCTURE, p.package + b"\x00" * 16, "Bytes appended.")
    add("11c-prepended", c.E_ZIP_STRUCTURE, b"%PDF-1.4\n" + p.package,
        "Bytes prepended (a PDF/ZIP polyglot).")
    add("12a-local-name-differs", c.E_ZIP_INCONSISTENT,
        _replace_entry(p, "forms/claim-form.pdf", local_name=b"forms/claim-forn.pdf"),
        "The local header names another file than the central directory.")
    add("12b-local-size-differs", c.E_ZIP_INCONSISTENT,
        _replace_entry(p, "data/lines.json", local_size=5), "Local header size differs.")
    add("12c-local-method-differs", c.E_ZIP_INCONSISTENT,
        _replace_entry(p, "forms/claim-form.pdf", local_method=8), "Local header method differs.")
    add("13-duplicate-entry", c.E_DUPLICATE_ENTRY,
        rz.write(p.entries + [p.entries[p.index("data/lines.json")]]),
        "data/lines.json twice in the archive.")
    add("14a-case-fold-duplicate", c.E_DUPLICATE_ENTRY,
        rz.write(p.entries + [rz.raw("Forms/claim-form.pdf", b"%PDF-")]),
        "Forms/claim-form.pdf next to forms/claim-form.pdf.")
    nfc = unicodedata.normalize("NFC", "attachments/café.pdf")
    nfd = unicodedata.normalize("NFD", nfc)
    add("14b-nfc-duplicate", c.E_DUPLICATE_ENTRY,
        rz.write(p.entries + [rz.raw(nfc, b"%PDF-"), rz.raw(nfd, b"%PDF-")]),
        "Two names equal after NFC normalisation.")
    for k, name in enumerate(("../x", "a/../../x", "/etc/x", "C:\\x", "\\\\server\\share\\x",
                              "a\\..\\x")):
        add(f"15{'abcdef'[k]}-zip-slip", c.E_BAD_NAME, rz.write(p.entries + [rz.raw(name, b"x")]),
            f"Zip-slip name {name!r}.")
    for k, name in enumerate(("attachments/con.json", "aux", "attachments/x.", "attachments/x ")):
        add(f"16{'abcd'[k]}-windows-reserved", c.E_BAD_NAME,
            rz.write(p.entries + [rz.raw(name, b"x")]), f"Windows-reserved name {name!r}.")
    add("17-symlink", c.E_BAD_ENTRY_TYPE,
        rz.write(p.entries + [rz.raw("attachments/link.pdf", b"/etc/passwd",
                                     ext_attr=0o120777 << 16)]), "A symbolic-link entry.")
    add("18a-gbk-name", c.E_BAD_NAME,
        rz.write(p.entries + [rz.raw("attachments/身份证.jpg".encode("gbk"), b"x", flags=0)]),
        "A GBK-encoded name without the UTF-8 flag.")
    add("18b-invalid-utf8", c.E_BAD_NAME,
        rz.write(p.entries + [rz.raw(b"attachments/\xff\xfe.jpg", b"x")]),
        "Invalid UTF-8 with the UTF-8 flag set.")
    add("19a-ratio-bomb", c.E_LIMIT,
        rz.write(p.entries + [rz.raw("attachments/bomb.pdf", b"\0" * (8 << 20), method=8)]),
        "An entry inflating more than 100:1.")
    big = [rz.raw(f"attachments/big{k}.pdf", b"%PDF-" * 1000, method=8).with_(size=0x7FFF0000)
           for k in range(3)]
    add("19b-total-too-large", c.E_LIMIT, rz.write(p.entries + big),
        "Declared uncompressed sizes adding up to over 1 GiB.")
    many = [rz.raw(f"attachments/{k:05d}.pdf", b"") for k in range(m.MAX_ENTRIES + 1)]
    add("19c-too-many-entries", c.E_LIMIT, rz.write(p.entries + many), "10,001+ entries.")
    add("20-overlapping-entries", c.E_ZIP_STRUCTURE,
        rz.write(p.entries + [p.entries[p.index("forms/claim-form.pdf")].with_(
            name=b"attachments/overlap.pdf", cd_offset=0)]),
        "A second central-directory entry pointing into another entry's bytes.")
    e = p.entries[p.index("data/lines.json")]
    add("21-declared-size-smaller", c.E_DIGEST,
        _replace_entry(p, "data/lines.json", size=e.size - 10),
        "data/lines.json declares 10 bytes fewer than its stream holds (E_LIMIT/E_DIGEST).")
    payload = p.full_payload() + [("attachments/0002-archive.zip", rz.write(p.entries[:1]),
                                   "application/zip", "压缩包.zip")]
    add("22a-nested-archive", c.E_MEDIA_TYPE, p.with_payload(payload),
        "A ZIP attachment (signed).")
    payload = p.full_payload() + [("attachments/0002-archive.pdf", p.package,
                                   "application/pdf", "假PDF.pdf")]
    add("22b-archive-as-pdf", c.E_MEDIA_TYPE, p.with_payload(payload),
        "A ZIP disguised as a PDF attachment (signed).")
    add("23a-encrypted-entry", c.E_ZIP_FEATURE,
        _replace_entry(p, "forms/claim-form.pdf", flags=m.UTF8_FLAG | 1), "Encryption bit set.")
    add("23b-deflate64", c.E_ZIP_FEATURE, _replace_entry(p, "forms/claim-form.pdf", method=9),
        "Compression method 9 (Deflate64).")
    add("23c-bzip2", c.E_ZIP_FEATURE, _replace_entry(p, "forms/claim-form.pdf", method=12),
        "Compression method 12 (bzip2).")
    huge = dict(p.manifest, files=p.manifest["files"] + [
        {"path": f"attachments/{k:06d}.pdf", "size": 1, "sha256": "0" * 64,
         "media_type": "application/pdf", "title": ""} for k in range(40_000)])
    add("24a-huge-manifest", c.E_LIMIT, p.resign(huge), "A manifest over 4 MiB (40,000 files).")
    add("24b-deep-manifest", c.E_LIMIT, p.resign(b"[" * 40 + b"]" * 40),
        "A manifest nested 40 deep.")
    mime = p.entries[0]
    add("25a-mimetype-missing", c.E_MIMETYPE, rz.write(p.entries[1:]), "No mimetype entry.")
    add("25b-mimetype-not-first", c.E_MIMETYPE, rz.write(p.entries[1:2] + [mime] + p.entries[2:]),
        "mimetype is the second entry.")
    add("25c-mimetype-compressed", c.E_MIMETYPE,
        rz.write([rz.raw("mimetype", m.MIMETYPE, method=8)] + p.entries[1:]),
        "mimetype deflated.")
    add("25d-mimetype-wrong", c.E_MIMETYPE,
        rz.write([rz.raw("mimetype", b"application/vnd.tsclaim+zip;version=2")] + p.entries[1:]),
        "mimetype with another value.")
    other = Parts(key=g.other_key())
    add("26-other-institutions-key", c.E_KEY_MISMATCH, other.package,
        "Signed by another institution's registered key.")
    add("27a-unregistered-key", c.E_UNKNOWN_KEY, Parts(key=stranger_key()).package,
        "Signed by a key that is not registered.")
    env = json.loads(Parts(key=stranger_key()).envelope_bytes)
    stranger_manifest = Parts(key=stranger_key()).manifest_bytes
    env["signatures"][0]["keyid"] = json.loads(p.envelope_bytes)["signatures"][0]["keyid"]
    add("27b-registered-keyid-other-key", c.E_UNKNOWN_KEY,
        p.resign(stranger_manifest, envelope=cj.dumps(env)),
        "keyid of the registered key, but another public key and signature.")
    add("28-revoked-key", c.E_KEY_REVOKED, Parts(key=revoked_key()).package,
        "Signed by a revoked key.")
    for k, alg in enumerate(("none", "rsa-sha256")):
        env = json.loads(p.envelope_bytes)
        env["signatures"][0]["alg"] = alg
        add(f"29{'ab'[k]}-alg-{alg}", c.E_ALG, p.resign(p.manifest_bytes, envelope=cj.dumps(env)),
            f"alg = {alg}.")
    add("30-sync-payload-type", c.E_PAYLOAD_TYPE,
        p.resign(p.manifest_bytes, payload_type=m.SYNC_PAYLOAD_TYPE),
        "Signed as a sync-bundle manifest (other payloadType) by the same key.")
    add("31-replay", c.E_REPLAY, p.package, "The golden package again.", [p.package])
    two = Parts(g.golden_input(seq=2, prev=p.sha, claim_no="GS-2026-0002",
                               people=g.lines(start=10)))
    older = Parts(g.golden_input(seq=2, prev=p.sha, claim_no="GS-2026-0003",
                                 people=g.lines(start=20)))
    add("32-rollback", c.E_ROLLBACK, older.package, "Sequence 2 after 2 was accepted.",
        [p.package, two.package])
    fork = Parts(g.golden_input(seq=3, prev=p.sha, claim_no="GS-2026-0004",
                                people=g.lines(start=30)))
    add("33-fork", c.E_FORK, fork.package, "Sequence 3 continuing from 1, not from 2.",
        [p.package, two.package])
    cross = Parts(g.golden_input(institution=dict(g.INSTITUTION, uscc=g.OTHER_USCC,
                                                  name="另一所学校"),
                                 claim_no="OT-2026-0001"), key=g.other_key())
    add("34-double-claim", c.E_DOUBLE_CLAIM, cross.package,
        "Another institution claims the same trainees for the same occupation, level and "
        "period.", [p.package])
    add("35-totals-differ", c.E_SEMANTIC,
        p.with_payload(p.full_payload(), change=lambda mf: mf["claim"].update(amount_fen=1)),
        "Manifest amount differs from the sum of the lines (signed).")
    bad = g.lines()
    bad[1]["person"]["id_number"] = bad[1]["person"]["id_number"][:17] + (
        "0" if bad[1]["person"]["id_number"][17] != "0" else "1")
    add("36a-bad-id-checksum", c.E_SEMANTIC, Parts(g.golden_input(people=bad)).package,
        "An ID number with a wrong GB 11643 check character (signed).")
    from skilldesk.rules.identifiers import id_check_char
    bad = g.lines()
    body = "32050819901301" + "123"
    bad[0]["person"]["id_number"] = body + id_check_char(body)
    add("36b-impossible-birth-date", c.E_SEMANTIC, Parts(g.golden_input(people=bad)).package,
        "An ID number born in month 13 (signed).")
    env = json.loads(p.envelope_bytes)
    env["signatures"].append(dict(env["signatures"][0]))
    add("37-same-key-twice", c.E_THRESHOLD, p.resign(p.manifest_bytes, envelope=cj.dumps(env)),
        "The same key counted twice.")
    add("38a-empty-archive", c.E_ZIP_STRUCTURE, rz.write([]), "An empty ZIP.")
    add("38b-zero-bytes", c.E_ZIP_STRUCTURE, b"", "A 0-byte file.")
    add("38c-not-a-zip", c.E_ZIP_STRUCTURE, g.fake_pdf("not a zip"), "A PDF, not a ZIP.")
    twice = g.lines(2)
    twice[1]["person"] = dict(twice[0]["person"])
    add("39-person-twice", c.E_DUPLICATE_PERSON, Parts(g.golden_input(people=twice)).package,
        "The same trainee twice for the same project in one package.")
    return E


def write(out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    write_registry(out / "registry")
    names = []
    for name, code, data, readme, accept in cases():
        folder = out / name
        folder.mkdir(exist_ok=True)
        (folder / "package.tsclaim").write_bytes(data)
        (folder / "README").write_text(readme + "\n", encoding="utf-8")
        files = []
        for k, pkg in enumerate(accept, 1):
            (folder / f"accept-{k}.tsclaim").write_bytes(pkg)
            files.append(f"accept-{k}.tsclaim")
        (folder / "expected.json").write_text(json.dumps(
            {"code": code or None, "valid": not code, "accept_first": files}, indent=1) + "\n")
        names.append(name)
    return names


if __name__ == "__main__":
    print("\n".join(write(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/tamper/corpus"))))
