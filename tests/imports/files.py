"""Builders of real spreadsheet and CSV files for tests (normal ones and hostile ones).

Each `write_*` function takes rows as lists of cells; row *i* of a sheet's list becomes
spreadsheet row *i + 1* and cell *j* becomes column *j + 1* (A, B, ...), so a test can put a
blank row or an empty cell exactly where it wants one (`[]` or `None`). The files are
written with the same libraries other programs use (openpyxl, xlwt, odfpy, the csv module),
so the reader is tested against real files, not against our own idea of the formats.

The hostile builders at the end assemble OOXML parts by hand on purpose: the point of those
files is to contain what no well-behaved writer would produce.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Union

Cell = Union[str, int, float, bool, dt.date, dt.datetime, dt.time, None]
Rows = list[list[Cell]]

# ---------------------------------------------------------------------------------------
# Normal files
# ---------------------------------------------------------------------------------------


def _column_index(column: int | str) -> int:
    """0-based index of a column given as an index or as letters ("A", "AB")."""
    if isinstance(column, int):
        return column
    index = 0
    for letter in column.upper():
        index = index * 26 + (ord(letter) - 64)
    return index - 1


def _text_columns_for(text_columns: Iterable[int | str] | Mapping[str, Iterable[int | str]],
                      sheet: str) -> set[int]:
    if isinstance(text_columns, Mapping):
        return {_column_index(c) for c in text_columns.get(sheet, ())}
    return {_column_index(c) for c in text_columns}


def write_xlsx(path: str | Path, sheets: Mapping[str, Rows],
               merges: Mapping[str, list[str]] | None = None,
               text_columns: Iterable[int | str] | Mapping[str, Iterable[int | str]] = (),
               ) -> Path:
    """An .xlsx written by openpyxl: one worksheet per entry of *sheets*, in order.

    *merges* maps a sheet name to ranges such as ``["A1:H2"]`` (the value stays in the top-left
    cell, as Excel does). *text_columns* (indexes or letters; one collection for every sheet,
    or a mapping per sheet) are formatted as Text ("@") and their non-empty values are stored
    as strings, like a column the user formatted as 文本 before typing ID numbers into it.
    """
    import openpyxl

    path = Path(path)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        texts = _text_columns_for(text_columns, name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                if c - 1 in texts:
                    cell = sheet.cell(row=r, column=c, value=str(value))
                    cell.number_format = "@"
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, dt.time):
                    cell.number_format = "hh:mm:ss"
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def write_xls(path: str | Path, sheets: Mapping[str, Rows]) -> Path:
    """An .xls (BIFF8, Excel 97-2003) written by xlwt. Dates get a date format, as in Excel."""
    import xlwt

    path = Path(path)
    styles = {
        dt.datetime: xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS"),
        dt.date: xlwt.easyxf(num_format_str="YYYY-MM-DD"),
        dt.time: xlwt.easyxf(num_format_str="HH:MM:SS"),
    }
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                style = styles.get(type(value))
                if style is not None:
                    sheet.write(r, c, value, style)
                else:
                    sheet.write(r, c, value)
    workbook.save(str(path))
    return path


def write_ods(path: str | Path, sheets: Mapping[str, Rows]) -> Path:
    """An OpenDocument spreadsheet written by odfpy, with typed cells (string, float, date...)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table
    from odf.table import TableCell
    from odf.table import TableRow
    from odf.text import P

    path = Path(path)
    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                table_row.addElement(_ods_cell(value, TableCell, P))
            if not row:
                table_row.addElement(TableCell())
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(value: Cell, table_cell, paragraph):
    if value is None:
        return table_cell()
    if isinstance(value, bool):
        cell = table_cell(valuetype="boolean", booleanvalue="true" if value else "false")
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float)):
        cell = table_cell(valuetype="float", value=repr(value))
        text = str(value)
    elif isinstance(value, dt.datetime):
        cell = table_cell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat(" ")
    elif isinstance(value, dt.date):
        cell = table_cell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat()
    elif isinstance(value, dt.time):
        cell = table_cell(valuetype="time",
                          timevalue=f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S")
        text = value.isoformat()
    else:
        cell = table_cell(valuetype="string")
        text = str(value)
    cell.addElement(paragraph(text=text))
    return cell


def write_csv(path: str | Path, rows: Rows, encoding: str = "utf-8", bom: bool = False,
              delimiter: str = ",") -> Path:
    """A CSV file as Excel or WPS would save it: *encoding* ("utf-8", "gbk", "gb18030"...),
    optionally with a UTF-8 byte-order mark (Excel's "CSV UTF-8"), CRLF line ends."""
    path = Path(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else str(value) for value in row])
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------
# Hostile files: hand-assembled OOXML packages
# ---------------------------------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_EMPTY_SST = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN_NS}"></sst>'


def _column_letters(index: int) -> str:
    """"A" for 0, "AB" for 27: openpyxl's spelling, an independent check of the reader's."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def sheet_xml(cells: Iterable[tuple[str, str]], dimension: str | None = None,
              prolog: str = "") -> str:
    """A worksheet part with inline-string cells given as (reference, text), e.g. ("C3", "x")."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        number = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(number, []).append(
            f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f'<worksheet xmlns="{_MAIN_NS}">{dim}<sheetData>{body}</sheetData></worksheet>')


def write_raw_xlsx(path: str | Path, sheet: str | bytes,
                   shared_strings: str | bytes = _EMPTY_SST,
                   extra: Mapping[str, str | bytes] | None = None) -> Path:
    """A minimal one-sheet .xlsx whose worksheet and shared-strings parts are given verbatim."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", _WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
        package.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return path


def write_far_cell_xlsx(path: str | Path, far: str = "XFD1048576",
                        dimension: str | None = None) -> Path:
    """A value in A1 and one in a far-away cell: a reader that builds a dense grid of the used
    range would need rows x columns cells (17 billion for XFD1048576)."""
    return write_raw_xlsx(path, sheet_xml([("A1", "a"), (far, "z")], dimension=dimension))


def write_rless_wide_xlsx(path: str | Path, columns: int = 20_000, far_row: int = 1_000_000
                          ) -> Path:
    """Cells without an `r` attribute (positions implied by order): one very wide row and one
    far-away row; no cell reference in the file names a far column."""
    wide = "<c><v>1</v></c>" * columns
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN_NS}"><sheetData>'
           f'<row r="1">{wide}</row><row r="{far_row}"><c><v>2</v></c></row>'
           "</sheetData></worksheet>")
    return write_raw_xlsx(path, xml)


def write_huge_cell_xlsx(path: str | Path, chars: int = 10 * 1024 * 1024,
                         shared: bool = True) -> Path:
    """One cell holding *chars* characters of text (Excel itself stops at 32,767).

    The text is random letters and digits, so it compresses about as well as real text and
    the file is refused for the cell, not for its compression ratio.
    """
    text = _incompressible_text(chars)
    if shared:
        sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN_NS}" count="1" '
               f'uniqueCount="1"><si><t>{text}</t></si></sst>')
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN_NS}">'
               '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
               "</worksheet>")
        return write_raw_xlsx(path, xml, sst)
    return write_raw_xlsx(path, sheet_xml([("A1", text)]))


def _incompressible_text(chars: int, seed: int = 1) -> str:
    import base64
    import random

    raw = random.Random(seed).randbytes(chars * 3 // 4 + 3)
    return base64.b64encode(raw).decode("ascii")[:chars].replace("+", "x").replace("/", "y")


def write_shared_string_amplifier_xlsx(path: str | Path, chars: int = 30_000,
                                       cells: int = 40_000) -> Path:
    """One long shared string referenced by many cells: small on disk, but every reference
    becomes its own copy of the string in memory."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN_NS}"><si><t>'
           f'{"y" * chars}</t></si></sst>')
    per_row = 20
    rows = []
    for r in range(1, cells // per_row + 1):
        row_cells = "".join(f'<c r="{_column_letters(c)}{r}" t="s"><v>0</v></c>'
                            for c in range(per_row))
        rows.append(f'<row r="{r}">{row_cells}</row>')
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN_NS}"><sheetData>'
           f'{"".join(rows)}</sheetData></worksheet>')
    return write_raw_xlsx(path, xml, sst)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
              for i in range(1, 10))
    + "]>\n"
)


def write_billion_laughs_xlsx(path: str | Path, part: str = "sharedStrings") -> Path:
    """Nested entities in a DOCTYPE ("billion laughs"): expanding &lol9; makes 10^9 "lol"s."""
    if part == "sharedStrings":
        sst = (BILLION_LAUGHS + f'<sst xmlns="{_MAIN_NS}"><si><t>&lol9;</t></si></sst>')
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN_NS}">'
               '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
               "</worksheet>")
        return write_raw_xlsx(path, xml, sst)
    xml = sheet_xml([("A1", "&lol9;")]).replace('<?xml version="1.0" encoding="UTF-8" '
                                                'standalone="yes"?>\n', BILLION_LAUGHS)
    return write_raw_xlsx(path, xml)


def write_ods_repeat_bomb(path: str | Path, columns: int = 16_384, rows: int = 1_048_576
                          ) -> Path:
    """An .ods whose one non-empty cell is repeated over *columns* x *rows* by attributes:
    a few hundred bytes that a reader expanding repeats turns into billions of cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell office:value-type="float" office:value="1" '
        f'table:number-columns-repeated="{columns}"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    return write_raw_ods(path, content)


def write_raw_ods(path: str | Path, content: str) -> Path:
    """A minimal .ods package around a verbatim content.xml."""
    path = Path(path)
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        package.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_zip_bomb_xlsx(path: str | Path, gib: float = 2.0) -> Path:
    """An .xlsx whose worksheet part is *gib* GiB of spaces, deflated to a few MB.

    Compressing gigabytes takes seconds, so the deflate stream is made of one compressed
    16 MiB block repeated: after a full flush deflate keeps no history, so compressing the
    same block again gives the same bytes. The zip container is written by hand because
    zipfile cannot store data that is already compressed.
    """
    path = Path(path)
    block_size = 16 * 1024 * 1024
    blocks = max(1, int(gib * 1024 * 1024 * 1024) // block_size)
    chunk = b" " * block_size
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    head = (f'<?xml version="1.0"?><worksheet xmlns="{_MAIN_NS}"><sheetData>').encode()
    members: list[tuple[str, bytes | None, bytes]] = [
        ("[Content_Types].xml", None, _CONTENT_TYPES.encode()),
        ("_rels/.rels", None, _ROOT_RELS.encode()),
        ("xl/workbook.xml", None, _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", None, _WORKBOOK_RELS.encode()),
        ("xl/sharedStrings.xml", None, _EMPTY_SST.encode()),
    ]
    with open(path, "wb") as out:
        directory = []
        for name, _, data in members:
            directory.append(_write_local(out, name, zlib.crc32(data), len(data),
                                          _deflate(data)))
        # the bomb: a well-formed start, then gigabytes of spaces (never closed)
        start = zlib.compressobj(9, zlib.DEFLATED, -15)
        opening = start.compress(head) + start.flush(zlib.Z_FULL_FLUSH)
        crc_all = zlib.crc32(head)
        for _ in range(blocks):
            crc_all = zlib.crc32(chunk, crc_all)
        size = len(head) + blocks * block_size
        body = [opening] + [block] * blocks + [tail]
        directory.append(_write_local(out, "xl/worksheets/sheet1.xml", crc_all, size, body))
        _write_central(out, directory)
    return path


def _deflate(data: bytes) -> list[bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return [compressor.compress(data) + compressor.flush()]


def _write_local(out, name: str, crc: int, size: int, parts: list[bytes]
                 ) -> tuple[str, int, int, int, int]:
    offset = out.tell()
    encoded = name.encode()
    compressed = sum(len(p) for p in parts)
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, compressed,
                          size, len(encoded), 0))
    out.write(encoded)
    for part in parts:
        out.write(part)
    return name, crc, compressed, size, offset


def _write_central(out, directory: list[tuple[str, int, int, int, int]]) -> None:
    start = out.tell()
    for name, crc, compressed, size, offset in directory:
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                              compressed, size, len(encoded), 0, 0, 0, 0, 0, offset))
        out.write(encoded)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory),
                          end - start, start, 0))


def write_encrypted_xlsx(path: str | Path, password: str = "1234",
                         rows: Rows | None = None) -> Path:
    """A password-protected .xlsx as Excel saves it (an OLE compound file holding an
    "EncryptedPackage" stream), made with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    path = Path(path)
    plain = path.with_suffix(".plain.xlsx")
    write_xlsx(plain, {"Sheet1": rows or [["姓名", "身份证号"], ["张三", "110105194912310021"]]})
    with open(plain, "rb") as source, open(path, "wb") as target:
        OOXMLFile(source).encrypt(password, target)
    plain.unlink()
    return path


#: Magic bytes of files that users rename by mistake ("roster.xlsx" that is really a PNG).
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
             b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
             b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF_BYTES = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
             b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
             b"%%EOF\n")
