"""skilldesk.imports.reader on real files of every supported format (hostile files are in
test_hostile.py). The files are built by tests/imports/files.py with the libraries other
programs use, then read back cell by cell with the row numbers Excel shows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.errors import Cancelled
from skilldesk.imports import reader
from skilldesk.imports.reader import FileRefused
from skilldesk.imports.reader import SheetInfo
from skilldesk.imports.reader import file_kind
from skilldesk.imports.reader import list_sheets
from skilldesk.imports.reader import read_sheet

from .files import write_csv
from .files import write_ods
from .files import write_xls
from .files import write_xlsx

TITLE = "苏州市某某职业培训学校2026年第3期电工（四级）培训班学员花名册"
HEADER = ["序号", "姓名", "身份证号", "手机", "出生日期", "报名时间", "学时", "备注"]


def trainee(n: int) -> list:
    return [n, f"学员{n}", f"32050119900101{n:03d}X", f"0512{n:08d}", dt.date(1990, 1, n),
            dt.datetime(2026, 3, 1, 8, 30), 64.5, None]


#: A roster as people make them: a 2-row merged title, the header on row 3, trainees on
#: rows 4-9, a blank row 10, one more trainee on row 11, a blank row 12 and a note on row 13.
ROSTER = [
    [TITLE], [], HEADER,
    *[trainee(n) for n in range(1, 7)],
    [],
    trainee(7),
    [],
    ["注：身份证号请设置为文本格式。"],
]


def expected_roster(id_as_text: bool = True) -> list[tuple[int, list]]:
    rows = [(1, [TITLE]), (3, HEADER)]
    for number, n in [(4, 1), (5, 2), (6, 3), (7, 4), (8, 5), (9, 6), (11, 7)]:
        row = trainee(n)[:-1]  # the empty 备注 is trimmed
        rows.append((number, row))
    rows.append((13, ["注：身份证号请设置为文本格式。"]))
    return rows


# ---------------------------------------------------------------------------------------
# .xlsx
# ---------------------------------------------------------------------------------------


def test_xlsx_roster_cells_and_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "花名册.xlsx", {"花名册": ROSTER}, merges={"花名册": ["A1:H2"]},
                      text_columns=["C", "D"])
    sheet = read_sheet(path)
    assert sheet.name == "花名册"
    assert sheet.rows == expected_roster()
    assert sheet.columns == 8
    number, cells = sheet.rows[2]
    assert number == 4
    assert cells[2] == "32050119900101001X"  # text cell, as typed
    assert cells[3] == "051200000001"  # leading zero kept
    assert type(cells[4]) is dt.date and cells[4] == dt.date(1990, 1, 1)
    assert type(cells[5]) is dt.datetime and cells[5] == dt.datetime(2026, 3, 1, 8, 30)


def test_xlsx_id_typed_as_a_number_comes_back_as_a_number(tmp_path):
    # Excel keeps 15 significant digits: the layer above must see a number (and report the
    # ID as damaged), not a string that looks fine.
    path = write_xlsx(tmp_path / "ids.xlsx", {"S": [["身份证号"], [320501199001011234],
                                                   [3.20501199001011e17]]})
    rows = read_sheet(path).rows
    number, (value,) = rows[1]
    assert number == 2 and isinstance(value, float)
    assert abs(value - 320501199001011234) < 1000  # as stored: a double, last digits lost
    assert rows[2] == (3, [3.20501199001011e17])


def test_xlsx_full_width_and_odd_text_kept_as_is(tmp_path):
    odd = ["张　三", "１３８１２３４５６７８", " 李四 ", "O'Neil", "a\nb", "😀𠀀", "&<>"]
    path = write_xlsx(tmp_path / "odd.xlsx", {"S": [odd]})
    assert read_sheet(path).rows == [(1, odd)]


def test_xlsx_several_sheets(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {
        "说明": [["请在第二张表填写"]],
        "花名册": ROSTER,
        "字典": [["男", "女"], ["初中", "高中", "大专"], [], [], ["x"]],
    }, merges={"花名册": ["A1:H2"]})
    assert list_sheets(path) == [SheetInfo("说明", 1, 1), SheetInfo("花名册", 13, 8),
                                 SheetInfo("字典", 5, 3)]
    assert read_sheet(path).name == "说明"
    assert read_sheet(path, "字典").rows == [(1, ["男", "女"]), (2, ["初中", "高中", "大专"]),
                                             (5, ["x"])]
    assert read_sheet(path, "花名册").rows[1] == (3, HEADER)
    with pytest.raises(FileRefused) as caught:
        read_sheet(path, "Sheet9")
    assert caught.value.reason == "NO_SUCH_SHEET"


def test_xlsx_range_not_starting_at_a1_keeps_column_letters_and_row_numbers(tmp_path):
    rows = [[], [], [None, None, "姓名", "身份证号"], [None, None, "王五", "X"],
            [], [None, None, None, "only D6"]]
    path = write_xlsx(tmp_path / "offset.xlsx", {"S": rows})
    sheet = read_sheet(path)
    assert sheet.rows == [(3, [None, None, "姓名", "身份证号"]), (4, [None, None, "王五", "X"]),
                          (6, [None, None, None, "only D6"])]
    assert sheet.columns == 4
    assert list_sheets(path) == [SheetInfo("S", 6, 4)]


def test_xlsx_values_of_every_type(tmp_path):
    row = ["text", 7, 2.5, True, False, dt.date(2024, 2, 29), dt.datetime(2024, 2, 29, 23, 59, 1),
           dt.time(8, 30), 0, ""]
    path = write_xlsx(tmp_path / "types.xlsx", {"S": [row]})
    assert read_sheet(path).rows == [(1, ["text", 7.0, 2.5, True, False, dt.date(2024, 2, 29),
                                          dt.datetime(2024, 2, 29, 23, 59, 1), dt.time(8, 30),
                                          0.0])]


def test_xlsx_durations_become_times_or_days(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = dt.timedelta(hours=8, minutes=30)
    sheet["B1"] = dt.timedelta(hours=30)
    for ref in ("A1", "B1"):
        sheet[ref].number_format = "[h]:mm:ss"
    path = tmp_path / "durations.xlsx"
    workbook.save(path)
    assert read_sheet(path).rows == [(1, [dt.time(8, 30), 1.25])]


def test_empty_sheet_and_empty_workbook(tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", {"空": [], "也空": [[None, None]]})
    assert read_sheet(path).rows == []
    assert read_sheet(path, "也空").columns == 0
    assert list_sheets(path) == [SheetInfo("空", 0, 0), SheetInfo("也空", 0, 0)]


def test_xlsm_and_wrong_extensions_are_read_by_content(tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", {"S": [["a", "b"]]})
    for name in ("roster.xls", "roster.xlsm", "roster.csv", "roster"):
        target = tmp_path / name
        target.write_bytes(path.read_bytes())
        assert file_kind(target) == "xlsx"
        assert read_sheet(target).rows == [(1, ["a", "b"])]


# ---------------------------------------------------------------------------------------
# .xls and .ods
# ---------------------------------------------------------------------------------------


def test_xls_roster_cells_and_row_numbers(tmp_path):
    path = write_xls(tmp_path / "花名册.xls", {"花名册": ROSTER, "第二页": [["x"]]})
    assert file_kind(path) == "xls"
    sheet = read_sheet(path)
    assert sheet.name == "花名册"
    rows = sheet.rows
    assert [number for number, _ in rows] == [1, 3, 4, 5, 6, 7, 8, 9, 11, 13]
    assert rows[1] == (3, HEADER)
    # BIFF stores every number as a float; calamine gives integral ones back as int
    assert rows[2] == (4, [1, "学员1", "32050119900101001X", "051200000001", dt.date(1990, 1, 1),
                           dt.datetime(2026, 3, 1, 8, 30), 64.5])
    assert list_sheets(path) == [SheetInfo("花名册", 13, 8), SheetInfo("第二页", 1, 1)]


def test_ods_roster_cells_and_row_numbers(tmp_path):
    path = write_ods(tmp_path / "花名册.ods", {"花名册": ROSTER, "B": [[None], [], ["x"]]})
    assert file_kind(path) == "ods"
    rows = read_sheet(path).rows
    assert [number for number, _ in rows] == [1, 3, 4, 5, 6, 7, 8, 9, 11, 13]
    assert rows[2] == (4, [1.0, "学员1", "32050119900101001X", "051200000001",
                           dt.date(1990, 1, 1), dt.datetime(2026, 3, 1, 8, 30), 64.5])
    assert read_sheet(path, "B").rows == [(3, ["x"])]
    assert list_sheets(path) == [SheetInfo("花名册", 13, 8), SheetInfo("B", 3, 1)]


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------

CSV_ROWS = [
    [TITLE],
    [],
    ["姓名", "身份证号", "手机", "地址"],
    ["张三", "32050119900101001X", "013800000000", "苏州市，吴中区"],
    ["李四", "320501199001010021", "0512-65001234", "a,b;c\td"],
    ["", "", "", ""],
    ["王五", "３２０５", "１３８", ""],
]
CSV_EXPECTED = [
    (1, [TITLE]),
    (3, ["姓名", "身份证号", "手机", "地址"]),
    (4, ["张三", "32050119900101001X", "013800000000", "苏州市，吴中区"]),
    (5, ["李四", "320501199001010021", "0512-65001234", "a,b;c\td"]),
    (7, ["王五", "３２０５", "１３８"]),
]


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gbk", False),
                                          ("gb18030", False), ("utf-16", False)])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, bom, delimiter):
    path = write_csv(tmp_path / "名单.csv", CSV_ROWS, encoding=encoding, bom=bom,
                     delimiter=delimiter)
    assert file_kind(path) == "csv"
    sheet = read_sheet(path)
    assert sheet.name == "名单"
    assert sheet.rows == CSV_EXPECTED
    assert sheet.columns == 4
    assert list_sheets(path) == [SheetInfo("名单", 7, 4)]


def test_csv_cells_are_strings_and_quoted_newlines_stay_in_one_row(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes('序号,身份证号,备注\r\n001,110105194912310021,"第一行\r\n第二行"\r\n'
                     '002,1.10105E+17,\r\n'.encode())
    assert read_sheet(path).rows == [(1, ["序号", "身份证号", "备注"]),
                                     (2, ["001", "110105194912310021", "第一行\r\n第二行"]),
                                     (3, ["002", "1.10105E+17"])]


def test_csv_gbk_chinese_decodes(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名,户籍\r\n欧阳娜娜,江苏省苏州市吴江区\r\n".encode("gbk"))
    assert read_sheet(path).rows == [(1, ["姓名", "户籍"]), (2, ["欧阳娜娜", "江苏省苏州市吴江区"])]


def test_tab_separated_text_named_xls_is_read_as_csv(tmp_path):
    # web systems often export tab-separated text with an .xls name
    path = tmp_path / "export.xls"
    path.write_bytes("姓名\t身份证号\r\n张三\t32050119900101001X\r\n".encode("gbk"))
    assert file_kind(path) == "csv"
    assert read_sheet(path).rows == [(1, ["姓名", "身份证号"]), (2, ["张三", "32050119900101001X"])]


_CELL_TEXT = st.text(alphabet=st.characters(codec="gbk", exclude_categories=("Cs", "Cc"),
                                            exclude_characters=',;\t"'), max_size=10)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), width=st.integers(2, 5),
       encoding=st.sampled_from(["utf-8", "utf-8-bom", "gbk"]),
       delimiter=st.sampled_from([",", "\t", ";"]))
def test_csv_round_trip(tmp_path, data, width, encoding, delimiter):
    """Whatever the text, a CSV written like Excel writes it reads back cell for cell.

    The header row holds "姓名", as real rosters do: its GBK bytes are not valid UTF-8,
    which is what lets the encoding be told apart (a short GBK text can be valid UTF-8).
    """
    body = data.draw(st.lists(st.lists(_CELL_TEXT, min_size=width, max_size=width),
                              max_size=15))
    rows = [["姓名"] + ["列"] * (width - 1), *body]
    path = write_csv(tmp_path / "rt.csv", rows, encoding=encoding.removesuffix("-bom"),
                     bom=encoding.endswith("-bom"), delimiter=delimiter)
    expected = []
    for number, row in enumerate(rows, start=1):
        while row and row[-1] == "":
            row = row[:-1]
        if row:
            expected.append((number, [v or None for v in row]))
    assert read_sheet(path).rows == expected


# ---------------------------------------------------------------------------------------
# Cancelling, errors of the platform
# ---------------------------------------------------------------------------------------


def test_check_is_called_and_can_cancel(tmp_path):
    rows = [[f"学员{n}", n] for n in range(3500)]
    for path in (write_xlsx(tmp_path / "big.xlsx", {"S": rows}),
                 write_csv(tmp_path / "big.csv", rows)):
        calls = []
        read_sheet(path, check=lambda: calls.append(1))
        assert len(calls) >= 3

        def cancel():
            raise Cancelled()

        with pytest.raises(Cancelled):
            read_sheet(path, check=cancel)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileRefused) as caught:
        read_sheet(tmp_path / "nope.xlsx")
    assert caught.value.reason == "NOT_FOUND"
    with pytest.raises(FileRefused) as caught:
        read_sheet(tmp_path)
    assert caught.value.reason in ("NOT_A_SPREADSHEET", "UNREADABLE", "LOCKED")


def test_refusal_is_a_skilldesk_error_with_translatable_message(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FileRefused) as caught:
        read_sheet(path)
    error = caught.value
    assert error.code == "E_FILE_REFUSED"
    assert error.reason == "EMPTY"
    assert "empty.csv" in error.user_message()
    assert "empty.csv" in str(error)


def test_whole_file_is_read_once_so_check_and_parse_see_the_same_bytes(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["a"]]})
    opened = []
    real_open = open

    def counting_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(reader, "open", counting_open, raising=False)
    assert read_sheet(path).rows == [(1, ["a"])]
    assert opened == [str(path)]


def test_package_members_are_checked_case_insensitively(tmp_path):
    # sanity check of the helper used by the zip checks: a normal workbook has no duplicates
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["a"]]})
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
        names = [i.filename.lower() for i in package.infolist()]
    assert len(names) == len(set(names))


@pytest.mark.slow
def test_large_roster_reads_every_row(tmp_path):
    """50,000 x 15 (the benchmark's shape): every row comes back, numbered, in order."""
    import xlsxwriter

    path = tmp_path / "large.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("花名册")
    sheet.write_row(0, 0, [f"列{c}" for c in range(15)])
    for r in range(1, 50_001):
        sheet.write_row(r, 0, [r, f"学员{r}", f"3205011990{r:08d}", "男", 1500.5] + ["x"] * 10)
    workbook.close()
    sheet_rows = read_sheet(path)
    assert len(sheet_rows.rows) == 50_001
    assert sheet_rows.rows[-1][0] == 50_001
    assert sheet_rows.rows[-1][1][:3] == [50_000.0, "学员50000", "320501199000050000"]
