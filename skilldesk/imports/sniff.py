"""Deciding what a file is from its bytes (magic numbers, zip members, OLE directory
entries), never from its extension: "xlsx", "ods", "xls" or "csv", or a refusal.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from skilldesk.imports.refusal import _refuse
from skilldesk.imports.zipscan import _ZIP_ERRORS

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_BINARY_MAGICS = (
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"), (b"{\\rtf", "an RTF document"), (b"MZ\x90\x00", "a program"),
)
_MARKUP = (b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")
# Bytes that never occur in text: C0 controls other than tab, LF, CR, form feed and the old
# DOS end-of-file mark (Ctrl-Z), which some exporters still append.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


def _sniff(data: bytes, name: str) -> str:
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(data, name)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, name)
    for magic, what in _BINARY_MAGICS:
        if data.startswith(magic):
            raise _refuse("NOT_A_SPREADSHEET", name, detail=f"the file is {what}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"  # Excel's "Unicode text" export: UTF-16, tab-separated
    head = data[:65536]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_MARKUP):
        # Web systems often export an HTML table or XML Spreadsheet 2003 named .xls.
        raise _refuse("NOT_A_SPREADSHEET", name, detail="the file is an HTML or XML document")
    controls = len(head.translate(None, _NOT_CONTROL))
    if b"\x00" in head or controls > len(head) // 100:
        raise _refuse("NOT_A_SPREADSHEET", name, detail="the file is binary data")
    return "csv"


def _zip_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = {info.filename.lower(): info for info in package.infolist()}
            is_ods = False
            mimetype = names.get("mimetype")
            if mimetype is not None and mimetype.file_size < 200:
                is_ods = package.read(mimetype).startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet")
    except _ZIP_ERRORS as exc:
        raise _refuse("UNREADABLE", name, detail=f"damaged zip package: {exc}") from exc
    is_xlsx = "xl/workbook.xml" in names
    # calamine guesses the format itself and tries the next one when a parse fails, so a
    # package that looks like two formats could be checked as one and parsed as the other.
    if is_xlsx and (is_ods or "content.xml" in names):
        raise _refuse("UNREADABLE", name, detail="package is both .xlsx and .ods")
    if is_xlsx:
        return "xlsx"
    if is_ods:
        return "ods"
    if "xl/workbook.bin" in names:
        raise _refuse("NOT_A_SPREADSHEET", name, detail="binary workbook (.xlsb)")
    if any(n.startswith(("word/", "ppt/")) for n in names):
        raise _refuse("NOT_A_SPREADSHEET", name, detail="a Word or PowerPoint document")
    raise _refuse("NOT_A_SPREADSHEET", name, detail="a zip archive")


def _ole_has_stream(data: bytes, stream: str) -> bool:
    """Whether an OLE compound file has a directory entry named *stream*.

    Not a parser: directory entries are 128-byte records aligned on 128 bytes, starting
    with the UTF-16LE name and a NUL, with the name's byte length at offset 64 and the
    entry type (1 storage, 2 stream) at 66. Finding one such record is a signature check,
    like the magic bytes at the start of a file.
    """
    encoded = stream.encode("utf-16-le")
    pattern = re.compile(re.escape(encoded) + b"\x00\x00", re.IGNORECASE)
    for match in pattern.finditer(data):
        start = match.start()
        if start % 128 or start + 67 > len(data):
            continue
        if (int.from_bytes(data[start + 64:start + 66], "little") == len(encoded) + 2
                and data[start + 66] in (1, 2)):
            return True
    return False


def _ole_kind(data: bytes, name: str) -> str:
    # Excel saves a password-protected .xlsx as an OLE file holding the encrypted package.
    if _ole_has_stream(data, "EncryptedPackage") or _ole_has_stream(data, "EncryptionInfo"):
        raise _refuse("ENCRYPTED", name)
    if _ole_has_stream(data, "Workbook") or _ole_has_stream(data, "Book"):
        return "xls"
    if _ole_has_stream(data, "WordDocument") or _ole_has_stream(data, "PowerPoint Document"):
        raise _refuse("NOT_A_SPREADSHEET", name, detail="a Word or PowerPoint document")
    return "xls"  # let calamine decide; its errors become UNREADABLE
