"""Hostile and broken files: each ends in FileRefused with its own reason, nothing crashes,
and memory stays bounded (measured in a child process for the bombs, where a failed check
would otherwise take the test run down with it)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from skilldesk.imports import reader
from skilldesk.imports.limits import Limits
from skilldesk.imports.reader import FileRefused
from skilldesk.imports.reader import list_sheets
from skilldesk.imports.reader import read_sheet

from . import files
from .files import write_csv
from .files import write_ods
from .files import write_raw_ods
from .files import write_raw_xlsx
from .files import write_xls
from .files import write_xlsx

ROOT = Path(__file__).resolve().parents[2]
unix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses resource limits")


def refused(path: Path, sheet: str | None = None, limits: Limits | None = None) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_sheet(path, sheet, **({"limits": limits} if limits else {}))
    error = caught.value
    assert error.code == "E_FILE_REFUSED"
    assert error.user_message().strip() and str(error).strip()
    return error


_CHILD = r"""
import json, resource, sys
# A failed check must not take the machine's memory with it: cap the address space.
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from skilldesk.imports import reader
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcome = {"reason": None}
try:
    reader.read_sheet(sys.argv[1])
except reader.FileRefused as exc:
    outcome = {"reason": exc.reason, "message": exc.user_message()}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcome["growth_mib"] = (after - before) / 1024
print(json.dumps(outcome))
"""


def read_in_child(path: Path) -> dict:
    """read_sheet(path) in a fresh interpreter; its outcome and peak-RSS growth in MiB."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                            text=True, timeout=300, env=env, cwd=ROOT)
    assert result.returncode == 0, f"child died ({result.returncode}): {result.stderr[-2000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_refused_in_child(path: Path, reason: str, max_growth_mib: float = 200) -> None:
    outcome = read_in_child(path)
    assert outcome["reason"] == reason, outcome
    assert outcome["message"].strip()
    assert outcome["growth_mib"] < max_growth_mib, outcome


# ---------------------------------------------------------------------------------------
# Not spreadsheets
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    files.PNG_BYTES, files.PDF_BYTES, os.urandom(4096),
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
    b"<html><body><table><tr><td>\xd0\xd5\xc3\xfb</td></tr></table></body></html>",
    b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
], ids=["png", "pdf", "random", "exe", "html-as-xls", "xml-spreadsheet-2003"])
def test_renamed_files_are_not_spreadsheets(tmp_path, content):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    assert refused(path).reason == "NOT_A_SPREADSHEET"
    with pytest.raises(FileRefused):
        reader.file_kind(path)


@pytest.mark.parametrize("members", [
    {"word/document.xml": "<w/>", "[Content_Types].xml": "<Types/>"},
    {"xl/workbook.bin": b"\x00\x01", "[Content_Types].xml": "<Types/>"},
    {"photo.jpg": b"\xff\xd8\xff\xe0"},
], ids=["docx", "xlsb", "plain-zip"])
def test_other_zip_packages_are_not_spreadsheets(tmp_path, members):
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    assert refused(path).reason == "NOT_A_SPREADSHEET"


def test_empty_file(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"")
    error = refused(path)
    assert error.reason == "EMPTY"
    assert "roster.xlsx" in error.user_message()


def test_text_in_no_known_encoding(tmp_path):
    content = b"\xd0\xd5\xc3\xfb,id\r\n\x80\xff\x80abc,1\r\n"  # 0x80 / 0xFF: invalid in GB18030
    (tmp_path / "roster.csv").write_bytes(content)
    assert refused(tmp_path / "roster.csv").reason == "ENCODING"
    # the same bytes named .xlsx are not a CSV file with a wrong name
    (tmp_path / "roster.xlsx").write_bytes(content)
    assert refused(tmp_path / "roster.xlsx").reason == "NOT_A_SPREADSHEET"


# ---------------------------------------------------------------------------------------
# Passwords and locks
# ---------------------------------------------------------------------------------------


def test_password_protected_xlsx(tmp_path):
    pytest.importorskip("msoffcrypto")
    path = files.write_encrypted_xlsx(tmp_path / "roster.xlsx")
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # an OLE file, not a zip
    error = refused(path)
    assert error.reason == "ENCRYPTED"
    assert "password" in error.user_message()
    with pytest.raises(FileRefused):
        list_sheets(path)


def test_password_protected_ods(tmp_path):
    # an encrypted OpenDocument lists <manifest:encryption-data> for its encrypted parts
    path = files.write_ods_repeat_bomb(tmp_path / "plain.ods", columns=2, rows=2)
    manifest = ('<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path='
                '"content.xml"><manifest:encryption-data manifest:checksum="x"/>'
                "</manifest:file-entry></manifest:manifest>")
    encrypted = tmp_path / "roster.ods"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(encrypted, "w") as target:
        for info in source.infolist():
            body = manifest if info.filename == "META-INF/manifest.xml" else source.read(info)
            target.writestr(info, body)
    assert refused(encrypted).reason == "ENCRYPTED"


def test_locked_file_is_reported_as_open_in_excel(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "roster.xlsx", {"S": [["a"]]})

    def locked(*_args, **_kwargs):
        raise PermissionError(13, "The process cannot access the file because it is being "
                                  "used by another process")

    monkeypatch.setattr(reader, "open", locked, raising=False)
    error = refused(path)
    assert error.reason == "LOCKED"
    assert "Close the file in Excel" in error.user_message()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root ignores file permissions")
def test_unreadable_permissions_are_reported_as_locked(tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", {"S": [["a"]]})
    path.chmod(0)
    try:
        assert refused(path).reason == "LOCKED"
    finally:
        path.chmod(0o644)


# ---------------------------------------------------------------------------------------
# Zip bombs
# ---------------------------------------------------------------------------------------


@unix_only
def test_zip_bomb_2_gib_of_spaces(tmp_path):
    path = files.write_zip_bomb_xlsx(tmp_path / "roster.xlsx", gib=2.0)
    assert path.stat().st_size < 5 * 1024 * 1024
    assert_refused_in_child(path, "ZIP_BOMB")


def test_zip_bomb_by_ratio_alone(tmp_path):
    # 64 MiB unpacked is under the 1 GiB total, but no spreadsheet compresses 1,000 times
    path = files.write_zip_bomb_xlsx(tmp_path / "roster.xlsx", gib=1 / 16)
    error = refused(path)
    assert error.reason == "ZIP_BOMB"
    assert "sheet1.xml" in (error.detail or "")


def test_total_uncompressed_size_and_member_count(tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", {"S": [["a", "b"]] * 100})
    assert refused(path, limits=Limits(max_uncompressed_bytes=5_000)).reason == "ZIP_BOMB"
    assert refused(path, limits=Limits(max_members=3)).reason == "ZIP_BOMB"
    assert read_sheet(path).rows[0] == (1, ["a", "b"])


def test_file_too_large(tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", {"S": [["a"]]})
    error = refused(path, limits=Limits(max_file_bytes=1000))
    assert error.reason == "FILE_TOO_LARGE"
    assert error.params["limit"] == "0.0"  # 1,000 bytes in MB; the message shows it


# ---------------------------------------------------------------------------------------
# Far-away cells: a dense grid of rows x columns
# ---------------------------------------------------------------------------------------


@unix_only
def test_far_away_cell_is_refused_before_loading(tmp_path):
    path = files.write_far_cell_xlsx(tmp_path / "roster.xlsx", far="XFD1048576")
    assert path.stat().st_size < 5000
    assert_refused_in_child(path, "TOO_MANY_COLUMNS", max_growth_mib=50)


@unix_only
def test_why_the_check_exists_bare_calamine_dies_on_a_far_away_cell(tmp_path):
    """python-calamine 0.9 allocates the whole used range and aborts the process when that
    fails. If this starts passing, calamine learnt to cope and the check may be relaxed."""
    path = files.write_far_cell_xlsx(tmp_path / "roster.xlsx", far="XFD1048576")
    code = ("import resource, sys, python_calamine as pc\n"
            "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
            "pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)\n")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                            timeout=120)
    assert result.returncode != 0


@pytest.mark.parametrize("far,dimension,reason", [
    ("XFD1", "A1:XFD1", "TOO_MANY_COLUMNS"),
    ("SS1", None, "TOO_MANY_COLUMNS"),  # column 513
    ("A1048576", None, "TOO_MANY_ROWS"),
    ("SR999999", None, "TOO_MANY_CELLS"),  # 512 columns x 999,999 rows
])
def test_far_away_cells(tmp_path, far, dimension, reason):
    path = files.write_far_cell_xlsx(tmp_path / "roster.xlsx", far=far, dimension=dimension)
    error = refused(path)
    assert error.reason == reason
    assert error.params["sheet"] == "Sheet1"
    with pytest.raises(FileRefused):
        list_sheets(path)


def test_cell_at_the_limits_is_read(tmp_path):
    path = files.write_far_cell_xlsx(tmp_path / "roster.xlsx", far="SR20")
    sheet = read_sheet(path)
    assert sheet.columns == 512
    assert sheet.rows[-1] == (20, [None] * 511 + ["z"])


def test_a_false_dimension_does_not_matter(tmp_path):
    # <dimension ref="A1:XFD1048576"> with data in A1:B2: the parser ignores the claim
    path = write_raw_xlsx(tmp_path / "roster.xlsx", files.sheet_xml(
        [("A1", "a"), ("B2", "b")], dimension="A1:XFD1048576"))
    assert read_sheet(path).rows == [(1, ["a"]), (2, [None, "b"])]


def test_cells_without_references_are_counted_like_calamine_does(tmp_path):
    wide = files.write_rless_wide_xlsx(tmp_path / "wide.xlsx", columns=20_000, far_row=5)
    assert refused(wide).reason == "TOO_MANY_COLUMNS"
    tall = files.write_rless_wide_xlsx(tmp_path / "tall.xlsx", columns=3, far_row=2_000_000)
    assert refused(tall).reason == "TOO_MANY_ROWS"
    fine = files.write_rless_wide_xlsx(tmp_path / "fine.xlsx", columns=3, far_row=7)
    assert read_sheet(fine).rows == [(1, [1.0, 1.0, 1.0]), (7, [2.0])]


def test_prefixed_element_names_take_the_exact_scan(tmp_path):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (f'<?xml version="1.0"?><x:worksheet xmlns:x="{ns}"><x:sheetData>'
             '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
             '<x:c r="XFD1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    assert refused(write_raw_xlsx(tmp_path / "far.xlsx", sheet)).reason == "TOO_MANY_COLUMNS"
    near = sheet.replace("XFD1", "C1")
    assert read_sheet(write_raw_xlsx(tmp_path / "near.xlsx", near)).rows == [
        (1, ["a", None, 1.0])]


def test_utf16_sheet_takes_the_exact_scan(tmp_path):
    sheet = files.sheet_xml([("A1", "a"), ("XFD1", "z")]).replace('encoding="UTF-8"',
                                                                  'encoding="UTF-16"')
    path = write_raw_xlsx(tmp_path / "roster.xlsx", sheet.encode("utf-16"))
    assert refused(path).reason == "TOO_MANY_COLUMNS"


def test_row_zero_reference_is_refused(tmp_path):
    # "A0" would be row -1, which calamine's unsigned arithmetic turns into row 4 billion
    path = write_raw_xlsx(tmp_path / "roster.xlsx", files.sheet_xml([("A0", "x")]))
    assert refused(path).reason == "UNREADABLE"


@unix_only
def test_xls_far_away_cell(tmp_path):
    # 65,536 x 256 is all BIFF8 allows, yet calamine builds that grid for every sheet when
    # it opens the file: 512 MiB per sheet from a 6 KB file
    path = write_xls(tmp_path / "roster.xls", {f"S{n}": [["a"]] for n in range(4)})
    import xlwt

    workbook = xlwt.Workbook()
    for n in range(4):
        sheet = workbook.add_sheet(f"S{n}")
        sheet.write(0, 0, "a")
        sheet.write(65535, 255, "z")
    workbook.save(str(path))
    assert path.stat().st_size < 10_000
    assert_refused_in_child(path, "TOO_MANY_CELLS", max_growth_mib=50)


@unix_only
def test_xls_damaged_dimensions_record(tmp_path):
    """One damaged byte in DIMENSIONS (first row > last row): calamine subtracts unsigned
    and reserves billions of cells, aborting the process. Found by the mutation test."""
    path = write_xls(tmp_path / "roster.xls", {"S": [["姓名", "身份证号", "x"]] * 40})
    data = bytearray(path.read_bytes())
    record = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes (BIFF8)
    assert record > 0
    struct.pack_into("<I", data, record + 4, 6400)  # rwMic
    path.write_bytes(bytes(data))
    outcome = read_in_child(path)
    assert outcome["reason"] in ("TOO_MANY_ROWS", "TOO_MANY_CELLS"), outcome


@unix_only
def test_xls_one_long_shared_string_in_many_cells(tmp_path):
    # a 640 KB .xls that calamine turns into 2.4 GB: every LABELSST cell copies the string
    import xlwt

    path = tmp_path / "roster.xls"
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("S")
    long = "x" * 32_000
    for row in range(2_000):
        for column in range(20):
            sheet.write(row, column, long)
    workbook.save(str(path))
    assert path.stat().st_size < 1024 * 1024
    assert_refused_in_child(path, "TEXT_TOO_LARGE", max_growth_mib=100)


def test_xls_shared_strings_across_continue_records_are_read(tmp_path):
    texts = ["a" * 9000, "中文" * 5000, "b"]  # longer than one 8,224-byte record
    path = write_xls(tmp_path / "roster.xls", {"S": [[t] for t in texts]})
    assert [cells[0] for _, cells in read_sheet(path).rows] == texts


@unix_only
def test_ods_repeated_cells_bomb(tmp_path):
    path = files.write_ods_repeat_bomb(tmp_path / "roster.ods")
    assert path.stat().st_size < 5000
    assert_refused_in_child(path, "TOO_MANY_COLUMNS", max_growth_mib=50)


@pytest.mark.parametrize("columns,rows,reason", [
    (1, 2_000_000, "TOO_MANY_ROWS"),
    (500, 900_000, "TOO_MANY_CELLS"),
    (600, 1, "TOO_MANY_COLUMNS"),
])
def test_ods_repeats(tmp_path, columns, rows, reason):
    path = files.write_ods_repeat_bomb(tmp_path / "roster.ods", columns=columns, rows=rows)
    assert refused(path).reason == reason


def test_ods_small_repeats_are_read(tmp_path):
    path = files.write_ods_repeat_bomb(tmp_path / "roster.ods", columns=3, rows=2)
    assert read_sheet(path).rows == [(1, [1.0, 1.0, 1.0]), (2, [1.0, 1.0, 1.0])]


# ---------------------------------------------------------------------------------------
# Huge cells and repeated long texts
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("shared", [True, False], ids=["shared-string", "inline-string"])
def test_cell_with_10_mb_of_text(tmp_path, shared):
    path = files.write_huge_cell_xlsx(tmp_path / "roster.xlsx", shared=shared)
    assert refused(path).reason == "CELL_TOO_LARGE"


@pytest.mark.parametrize("shared", [True, False], ids=["shared-string", "inline-string"])
def test_cell_just_over_excels_limit(tmp_path, shared):
    over = files.write_huge_cell_xlsx(tmp_path / "over.xlsx", chars=32_768, shared=shared)
    error = refused(over)
    assert error.reason == "CELL_TOO_LARGE"
    assert error.params["cell"] == "A1" and error.params["chars"] == 32_768
    at = files.write_huge_cell_xlsx(tmp_path / "at.xlsx", chars=32_767, shared=shared)
    assert len(read_sheet(at).rows[0][1][0]) == 32_767


def test_long_cell_in_xls_and_ods_and_csv(tmp_path):
    limits = Limits(max_cell_chars=10)
    rows = [["short", "x" * 11]]
    for path in (write_xls(tmp_path / "a.xls", {"S": rows}),
                 write_ods(tmp_path / "a.ods", {"S": rows}),
                 write_csv(tmp_path / "a.csv", rows),
                 write_xlsx(tmp_path / "a.xlsx", {"S": rows})):
        assert refused(path, limits=limits).reason == "CELL_TOO_LARGE", path


def test_csv_cell_of_10_mb(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"name,note\r\nzhang,\"" + b"x" * (10 * 1024 * 1024) + b"\"\r\n")
    assert refused(path).reason == "CELL_TOO_LARGE"


def test_ods_spaces_element_bomb(tmp_path):
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
        'table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    assert refused(write_raw_ods(tmp_path / "roster.ods", content)).reason == "CELL_TOO_LARGE"


@unix_only
def test_one_long_shared_string_in_many_cells(tmp_path):
    # 30,000 characters x 40,000 references: 1.2 GB once copied into every cell
    path = files.write_shared_string_amplifier_xlsx(tmp_path / "roster.xlsx")
    assert path.stat().st_size < 1024 * 1024
    assert_refused_in_child(path, "TEXT_TOO_LARGE", max_growth_mib=100)


def test_long_shared_string_used_a_few_times_is_fine(tmp_path):
    path = files.write_shared_string_amplifier_xlsx(tmp_path / "roster.xlsx", chars=20_000,
                                                    cells=100)
    sheet = read_sheet(path)
    assert len(sheet.rows) == 5 and sheet.columns == 20


# ---------------------------------------------------------------------------------------
# XML entities
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["sharedStrings", "sheet"])
def test_billion_laughs_is_refused(tmp_path, part):
    path = files.write_billion_laughs_xlsx(tmp_path / "roster.xlsx", part=part)
    error = refused(path)
    assert error.reason == "XML_ENTITIES"
    assert "DOCTYPE" in (error.detail or "")


@unix_only
def test_calamine_itself_does_not_expand_entities(tmp_path):
    """Second line of defence: even unchecked, calamine fails on the first unknown entity
    instead of expanding it (measured in a child with a 1 GiB address-space cap)."""
    path = files.write_billion_laughs_xlsx(tmp_path / "roster.xlsx", part="sheet")
    code = ("import resource, sys, python_calamine as pc\n"
            "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
            "try:\n"
            "    print(pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)"
            ".to_python())\n"
            "except pc.CalamineError as exc:\n"
            "    print('error', exc)\n")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("error") and "entity" in result.stdout
    assert "lollol" not in result.stdout


def test_doctype_in_any_part_is_refused(tmp_path):
    path = write_raw_xlsx(tmp_path / "roster.xlsx", files.sheet_xml([("A1", "a")]),
                          extra={"docProps/app.xml": '<?xml version="1.0"?>\n<!DOCTYPE x [\n'
                                 '<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'})
    assert refused(path).reason == "XML_ENTITIES"


# ---------------------------------------------------------------------------------------
# Damaged packages
# ---------------------------------------------------------------------------------------


def test_truncated_download(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"S": [["a"]] * 50})
    path = tmp_path / "roster.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refused(path).reason == "UNREADABLE"


def test_duplicate_member_names(tmp_path):
    path = write_raw_xlsx(tmp_path / "roster.xlsx", files.sheet_xml([("A1", "a")]))
    exact = tmp_path / "exact.xlsx"
    exact.write_bytes(path.read_bytes())
    with zipfile.ZipFile(path, "a") as package:  # same name in another case
        package.writestr("XL/worksheets/SHEET1.xml", files.sheet_xml([("XFD1", "z")]))
    assert refused(path).reason == "UNREADABLE"
    with warnings.catch_warnings(), zipfile.ZipFile(exact, "a") as package:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        package.writestr("xl/worksheets/sheet1.xml", files.sheet_xml([("XFD1", "z")]))
    assert refused(exact).reason == "UNREADABLE"


def test_member_larger_than_declared(tmp_path):
    # The sizes in the zip directory are what the checks trust; a member that inflates to
    # more than its declared size must not get past them.
    path = write_raw_xlsx(tmp_path / "roster.xlsx", files.sheet_xml([("A1", "a" * 5000)]))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as package:
        offset = package.getinfo(name.decode()).header_offset
    struct.pack_into("<I", data, offset + 22, 100)  # local header: uncompressed size
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:  # central directory
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46:position + 46 + length] == name:
            struct.pack_into("<I", data, position + 24, 100)
        position += 4
    path.write_bytes(bytes(data))
    assert refused(path).reason == "UNREADABLE"


def test_malformed_sheet_xml(tmp_path):
    path = write_raw_xlsx(tmp_path / "roster.xlsx", "<worksheet><sheetData><row><c r=")
    assert refused(path).reason == "UNREADABLE"


def test_xlsx_and_ods_in_one_package(tmp_path):
    path = write_raw_xlsx(tmp_path / "roster.xlsx", files.sheet_xml([("A1", "a")]),
                          extra={"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                 "content.xml": "<x/>"})
    assert refused(path).reason == "UNREADABLE"


def test_csv_limits(tmp_path):
    wide = write_csv(tmp_path / "wide.csv", [[f"c{i}" for i in range(600)]])
    assert refused(wide).reason == "TOO_MANY_COLUMNS"
    tall = write_csv(tmp_path / "tall.csv", [["a"]] * 20)
    assert refused(tall, limits=Limits(max_rows=10)).reason == "TOO_MANY_ROWS"


# ---------------------------------------------------------------------------------------
# Mutated files: only SheetRows or FileRefused, never anything else (in a child process,
# so that a parser abort would fail this test instead of killing the test run)
# ---------------------------------------------------------------------------------------

_FUZZ_CHILD = r"""
import json, random, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from pathlib import Path
from skilldesk.imports import reader
seeds = json.loads(sys.argv[1])
work = Path(sys.argv[2])
outcomes = {"rows": 0, "refused": 0}
import io, zipfile
def mutate(data, rng):
    data = bytearray(data)
    if rng.random() < 0.2:
        data = data[: rng.randrange(1, len(data))]
    for _ in range(rng.choice([1, 2, 8, 32])):
        if not data:
            break
        if rng.random() < 0.7:
            data[rng.randrange(len(data))] = rng.randrange(256)
        else:  # digits matter most in cell references and counts
            data[rng.randrange(len(data))] = rng.choice(b"0123456789AZ<>/\"'")
    return bytes(data)
for source in sys.argv[3:]:
    original = Path(source).read_bytes()
    for seed in seeds:
        rng = random.Random(seed)
        if original.startswith(b"PK") and rng.random() < 0.7:
            # mutate the XML inside the package, then zip it again (flipping compressed
            # bytes mostly exercises the CRC check)
            members = {}
            with zipfile.ZipFile(io.BytesIO(original)) as package:
                for info in package.infolist():
                    members[info.filename] = package.read(info)
            victim = rng.choice(sorted(members))
            members[victim] = mutate(members[victim], rng)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
                for member, body in members.items():
                    package.writestr(member, body)
            data = buffer.getvalue()
        else:
            data = mutate(original, rng)
        target = work / ("m" + Path(source).suffix)
        target.write_bytes(data)
        try:
            reader.read_sheet(target)
            reader.list_sheets(target)
            outcomes["rows"] += 1
        except reader.FileRefused:
            outcomes["refused"] += 1
print(json.dumps(outcomes))
"""


@unix_only
def test_mutated_files_end_in_rows_or_refusal(tmp_path):
    rows = [["姓名", "身份证号", "日期"], ["张三", "32050119900101001X", 1.5]] * 20
    sources = [
        write_xlsx(tmp_path / "s.xlsx", {"S": rows, "T": rows[:3]}),
        write_xls(tmp_path / "s.xls", {"S": rows}),
        write_ods(tmp_path / "s.ods", {"S": rows}),
        write_csv(tmp_path / "s.csv", rows, encoding="gbk"),
        write_raw_xlsx(tmp_path / "r.xlsx", files.sheet_xml([("A1", "a"), ("C3", "b")])),
    ]
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _FUZZ_CHILD, json.dumps(list(range(150))), str(work),
         *map(str, sources)], capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["rows"] + outcome["refused"] == 150 * len(sources)
