"""The strict ZIP profile: writing it (through ``zipfile``) and checking it.

The checker reads the raw end-of-central-directory record, the central directory and the
local headers only to *validate* the profile (docs/claim-package.md §3); member data is
read later through ``zipfile``. Every failure raises ProfileError with one code."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from skilldesk.package import codes as c
from skilldesk.package import model as m

EOCD = struct.Struct("<IHHHHIIH")            # 22 bytes, comment length last
CDH = struct.Struct("<IBBHHHHHIIIHHHHHII")   # 46 bytes
LFH = struct.Struct("<IHHHHHIIIHH")          # 30 bytes
SIG_EOCD, SIG_CD, SIG_LFH = 0x06054B50, 0x02014B50, 0x04034B50
SIG_ZIP64_LOCATOR = 0x07064B50


class ProfileError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Entry:
    name: str
    method: int
    crc: int
    compressed: int
    size: int
    header_offset: int


class _Info(zipfile.ZipInfo):
    """ZipInfo that always sets the UTF-8 flag (zipfile sets it only for non-ASCII names)."""

    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("utf-8"), self.flag_bits | m.UTF8_FLAG


def write_zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    """A ZIP in the strict profile from (name, data, method) in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data, method in entries:
            info = _Info(name, date_time=m.ZIP_EPOCH)
            info.compress_type = method
            info.create_system = m.CREATE_SYSTEM
            info.create_version = info.extract_version = 20
            info.external_attr = m.EXTERNAL_ATTR
            zf.writestr(info, data, compress_type=method, compresslevel=6)
    return out.getvalue()


def _fail(code: str, detail: str) -> ProfileError:
    return ProfileError(code, detail)


def _end_record(buf, total: int) -> tuple[int, int, int]:
    if total < EOCD.size:
        raise _fail(c.E_ZIP_STRUCTURE, f"{total} bytes, too short for a ZIP")
    (sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset,
     comment_len) = EOCD.unpack_from(buf, total - EOCD.size)
    if sig != SIG_EOCD:
        if bytes(buf[:4]) != b"PK\x03\x04":
            raise _fail(c.E_ZIP_STRUCTURE, "not a ZIP archive")
        raise _fail(c.E_ZIP_STRUCTURE,
                    "no end-of-central-directory record at the end (truncated, appended "
                    "bytes or a ZIP comment)")
    if comment_len:
        raise _fail(c.E_ZIP_STRUCTURE, "archive comment present")
    if total >= EOCD.size + 20 and struct.unpack_from(
            "<I", buf, total - EOCD.size - 20)[0] == SIG_ZIP64_LOCATOR:
        raise _fail(c.E_ZIP_FEATURE, "ZIP64")
    if 0xFFFF in (n_disk, n_total) or 0xFFFFFFFF in (cd_size, cd_offset):
        raise _fail(c.E_ZIP_FEATURE, "ZIP64")
    if disk or cd_disk or n_disk != n_total:
        raise _fail(c.E_ZIP_FEATURE, "multi-disk archive")
    if cd_offset + cd_size != total - EOCD.size:
        raise _fail(c.E_ZIP_STRUCTURE, "central directory does not end at the end record")
    if n_total == 0:
        raise _fail(c.E_ZIP_STRUCTURE, "empty archive")
    if n_total > m.MAX_ENTRIES:
        raise _fail(c.E_LIMIT, f"{n_total} entries, limit {m.MAX_ENTRIES}")
    return n_total, cd_size, cd_offset


def _central(buf, n_total: int, cd_size: int, cd_offset: int) -> list[tuple]:
    rows, pos, end = [], cd_offset, cd_offset + cd_size
    for index in range(n_total):
        if pos + CDH.size > end:
            raise _fail(c.E_ZIP_STRUCTURE, "central directory truncated")
        row = CDH.unpack_from(buf, pos)
        if row[0] != SIG_CD:
            raise _fail(c.E_ZIP_STRUCTURE, f"central directory entry {index} damaged")
        name_len, extra_len, comment_len = row[11], row[12], row[13]
        stop = pos + CDH.size + name_len + extra_len + comment_len
        if stop > end:
            raise _fail(c.E_ZIP_STRUCTURE, "central directory truncated")
        raw = bytes(buf[pos + CDH.size:pos + CDH.size + name_len])
        rows.append((row, raw))
        pos = stop
    if pos != end:
        raise _fail(c.E_ZIP_STRUCTURE, "bytes after the central directory entries")
    return rows


def _decode(row: tuple, raw: bytes) -> str:
    if not row[4] & m.UTF8_FLAG:
        raise _fail(c.E_BAD_NAME, f"name {raw!r} without the UTF-8 flag")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(c.E_BAD_NAME, f"name {raw!r} is not valid UTF-8") from None


def _unsafe(name: str) -> bool:
    parts = name.split("/")
    return (not name or "\\" in name or ":" in name or name.startswith("/")
            or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name)
            or any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in (".", ".."))


def _check_entry(row: tuple, name: str) -> None:
    (_sig, _ver_made, made_by, needed, flags, method, mtime, mdate, _crc, csize, usize,
     _nl, extra_len, comment_len, disk, _int_attr, ext_attr, _off) = row
    if _unsafe(name):
        raise _fail(c.E_BAD_NAME, f"{name!r}: path traversal or absolute path")
    if name.endswith("/"):
        raise _fail(c.E_EXTRA_ENTRY, f"directory entry {name!r}")
    kind = (ext_attr >> 16) & 0o170000
    if kind == 0o120000:
        raise _fail(c.E_BAD_ENTRY_TYPE, f"{name!r} is a symbolic link")
    if kind not in (0, 0o100000) or ext_attr & 0x10:
        raise _fail(c.E_BAD_ENTRY_TYPE, f"{name!r} is not a regular file")
    if flags & 0x1 or flags & 0x40:
        raise _fail(c.E_ZIP_FEATURE, f"{name!r} is encrypted")
    # declared sizes first: a would-be zip bomb is named as such, before its method
    if usize > m.RATIO_FLOOR and usize > m.MAX_RATIO * max(csize, 1):
        raise _fail(c.E_LIMIT, f"{name!r} inflates {usize} bytes from {csize}")
    if method != zipfile.ZIP_STORED and name != m.MIMETYPE_NAME:  # (mimetype: E_MIMETYPE)
        # a deflate stream's padding bits are not hashed: only stored bytes all count
        raise _fail(c.E_ZIP_FEATURE, f"{name!r} uses compression method {method}")
    if flags & 0x8:
        raise _fail(c.E_ZIP_FEATURE, f"{name!r} uses a data descriptor")
    if 0xFFFFFFFF in (csize, usize) or needed >= 45:
        raise _fail(c.E_ZIP_FEATURE, f"{name!r} uses ZIP64")
    if name not in m.FIXED_NAMES and name.upper().startswith(("META-INF/", "__MACOSX/")):
        raise _fail(c.E_EXTRA_ENTRY, f"{name!r}")
    problem = m.name_problem(name)
    if problem:
        raise _fail(c.E_BAD_NAME, f"{name!r} {problem}")
    if flags & ~m.UTF8_FLAG & 0xFFFF:
        raise _fail(c.E_ZIP_PROFILE, f"{name!r} has general-purpose flags {flags:#06x}")
    if extra_len or comment_len or disk:
        raise _fail(c.E_ZIP_PROFILE, f"{name!r} has an extra field, a comment or a disk number")
    if (mtime, mdate) != (m.DOS_TIME, m.DOS_DATE):
        raise _fail(c.E_ZIP_PROFILE, f"{name!r} is not stamped 1980-01-01 00:00")
    if method == zipfile.ZIP_STORED and csize != usize:
        # declared smaller than the stored stream (SECURITY.md §1.7 case 21): what it
        # declares cannot be what was hashed
        raise _fail(c.E_DIGEST if usize < csize else c.E_ZIP_INCONSISTENT,
                    f"{name!r} is stored but declares {usize} bytes for {csize}")
    # every header field the profile fixes: "version made by" (spec 2.0 on Unix), the
    # version needed and the attributes; a flipped bit in any of them is a changed
    # package (found by the byte-flip property test: version made by was unchecked)
    if (_ver_made, made_by, needed, _int_attr, ext_attr) != (
            20, m.CREATE_SYSTEM, 20, 0, m.EXTERNAL_ATTR):
        raise _fail(c.E_ZIP_PROFILE, f"{name!r} has header fields outside the profile")


def check(buf, total: int, *, max_bytes: int = m.MAX_PACKAGE) -> list[Entry]:
    """Check the whole profile on *buf* (bytes or mmap) and return its entries in order."""
    n_total, cd_size, cd_offset = _end_record(buf, total)
    rows = _central(buf, n_total, cd_size, cd_offset)
    names, seen = [], {}
    for row, raw in rows:
        name = _decode(row, raw)
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen:
            raise _fail(c.E_DUPLICATE_ENTRY, f"{seen[folded]!r} and {name!r}")
        seen[folded] = name
        names.append(name)
    entries, expected, declared = [], 0, 0
    for (row, raw), name in zip(rows, names):
        _check_entry(row, name)
        declared += row[10]
        if declared > max_bytes:
            raise _fail(c.E_LIMIT, f"total uncompressed size over {max_bytes} bytes")
        offset = row[17]
        if offset != expected:
            raise _fail(c.E_ZIP_STRUCTURE, f"{name!r} starts at {offset}, expected {expected} "
                                           "(gap, prefix or overlap)")
        if offset + LFH.size > cd_offset:
            raise _fail(c.E_ZIP_STRUCTURE, f"{name!r} local header overlaps the directory")
        local = LFH.unpack_from(buf, offset)
        if local[0] != SIG_LFH:
            raise _fail(c.E_ZIP_STRUCTURE, f"no local header for {name!r}")
        (_s, needed, flags, method, mtime, mdate, crc, csize, usize, name_len,
         extra_len) = local
        if (needed, flags, method, mtime, mdate, crc, csize, usize, name_len, extra_len) != (
                row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], len(raw), 0) \
                or bytes(buf[offset + LFH.size:offset + LFH.size + name_len]) != raw:
            raise _fail(c.E_ZIP_INCONSISTENT, f"local header of {name!r} differs from the "
                                              "central directory")
        expected = offset + LFH.size + name_len + csize
        if expected > cd_offset:
            raise _fail(c.E_ZIP_STRUCTURE, f"{name!r} runs into the central directory")
        entries.append(Entry(name, row[5], row[8], row[9], row[10], offset))
    if expected != cd_offset:
        raise _fail(c.E_ZIP_STRUCTURE, "bytes between the last entry and the central directory")
    return entries


def check_mimetype(buf, entries: list[Entry]) -> None:
    first = entries[0]
    mime = [e for e in entries if e.name == m.MIMETYPE_NAME]
    if not mime:
        raise _fail(c.E_MIMETYPE, "no mimetype entry")
    if first.name != m.MIMETYPE_NAME:
        raise _fail(c.E_MIMETYPE, "mimetype is not the first entry")
    if first.method != zipfile.ZIP_STORED:
        raise _fail(c.E_MIMETYPE, "mimetype is compressed")
    start = LFH.size + len(m.MIMETYPE_NAME)
    if bytes(buf[start:start + first.compressed]) != m.MIMETYPE:
        raise _fail(c.E_MIMETYPE, "wrong mimetype value")
