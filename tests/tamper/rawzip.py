"""A tiny raw ZIP writer for the tamper corpus only: it writes what the strict profile
forbids (bad names, symlinks, duplicates, overlaps, other methods) on purpose."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from dataclasses import replace

from skilldesk.package import model as m


@dataclass(frozen=True)
class Raw:
    name: bytes
    body: bytes            # the bytes as stored (already compressed if method 8)
    crc: int
    size: int
    method: int = 0
    flags: int = m.UTF8_FLAG
    ext_attr: int = m.EXTERNAL_ATTR
    local_name: bytes | None = None
    local_size: int | None = None
    local_method: int | None = None
    cd_offset: int | None = None   # force the central directory's offset for this entry

    def with_(self, **changes) -> "Raw":
        return replace(self, **changes)


def raw(name: str | bytes, data: bytes, method: int = 0, **kw) -> Raw:
    name = name.encode("utf-8") if isinstance(name, str) else name
    body = data
    if method == zipfile.ZIP_DEFLATED:
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = co.compress(data) + co.flush()
    return Raw(name, body, zlib.crc32(data), len(data), method, **kw)


def from_zip(data: bytes) -> list[Raw]:
    """The entries of a well-formed package, as Raw (for re-writing with changes)."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            start = info.header_offset + 30 + len(info.filename)
            out.append(Raw(info.filename.encode(), data[start:start + info.compress_size],
                           info.CRC, info.file_size, info.compress_type, info.flag_bits,
                           info.external_attr))
    return out


def write(entries: list[Raw], *, prefix: bytes = b"", suffix: bytes = b"",
          count: int | None = None) -> bytes:
    out = bytearray(prefix)
    offsets = []
    for e in entries:
        offsets.append(len(out) - len(prefix))
        name = e.local_name if e.local_name is not None else e.name
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags,
                           e.method if e.local_method is None else e.local_method,
                           m.DOS_TIME, m.DOS_DATE, e.crc, len(e.body),
                           e.size if e.local_size is None else e.local_size, len(name), 0)
        out += name + e.body
    cd_start = len(out) - len(prefix)
    for e, offset in zip(entries, offsets):
        out += struct.pack("<IBBHHHHHIIIHHHHHII", 0x02014B50, 20, 3, 20, e.flags, e.method,
                           m.DOS_TIME, m.DOS_DATE, e.crc, len(e.body), e.size, len(e.name),
                           0, 0, 0, 0, e.ext_attr,
                           offset if e.cd_offset is None else e.cd_offset)
        out += e.name
    cd_size = len(out) - len(prefix) - cd_start
    n = len(entries) if count is None else count
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0)
    return bytes(out) + suffix
