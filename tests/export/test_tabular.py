"""Round trips of the xlsx and CSV exporters, read back by independent readers.

openpyxl shows the cell types as stored; python-calamine reads values the way
Excel does (it also decodes the _xHHHH_ escapes openpyxl leaves alone).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from skilldesk.errors import Cancelled
from skilldesk.export import tabular
from skilldesk.export.tabular import Column
from skilldesk.export.tabular import display_width
from skilldesk.export.tabular import format_fen
from skilldesk.export.tabular import neutralise_formula
from skilldesk.export.tabular import write_csv
from skilldesk.export.tabular import write_xlsx

COLUMNS = [
    Column("name", "姓名"),
    Column("id_number", "证件号码"),
    Column("phone", "手机号码"),
    Column("account", "银行账号"),
    Column("birth", "出生日期", "date"),
    Column("hours", "课时", "integer"),
    Column("fee", "补贴金额", "money_fen"),
    Column("note", "备注"),
]

ROWS = [
    {"name": "张三", "id_number": "320508199001011234", "phone": "13912345678",
     "account": "6222020200112233445", "birth": dt.date(1990, 1, 1), "hours": 120,
     "fee": 180000, "note": "学员"},
    {"name": "欧阳娜娜", "id_number": "32050819850505123X", "phone": "051265432100",
     "account": "0012003400560078", "birth": "1985-05-05", "hours": "8",
     "fee": 1999, "note": "第二行\n换行"},
    # Empty values: None, "" and a missing key ("note") are all empty cells.
    {"name": "李四", "id_number": "000123", "phone": None, "account": "",
     "birth": None, "hours": None, "fee": 0},
    {"name": "王五", "id_number": "11010519491231002X", "phone": "+86 139 1234 5678",
     "account": "00", "birth": dt.datetime(2001, 2, 3, 14, 30), "hours": 0,
     "fee": -5, "note": "-"},
]

FORMULAS = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1",
            "\r=1", "  =1+1", "=cmd|' /C calc'!A0"]

XLSX_EXPECTED = [
    ["张三", "320508199001011234", "13912345678", "6222020200112233445",
     dt.date(1990, 1, 1), 120, Decimal("1800.00"), "学员"],
    ["欧阳娜娜", "32050819850505123X", "051265432100", "0012003400560078",
     dt.date(1985, 5, 5), 8, Decimal("19.99"), "第二行\n换行"],
    ["李四", "000123", None, None, None, None, Decimal("0.00"), None],
    ["王五", "11010519491231002X", "+86 139 1234 5678", "00",
     dt.date(2001, 2, 3), 0, Decimal("-0.05"), "-"],
]

CSV_EXPECTED = [
    [c.title for c in COLUMNS],
    ["张三", "320508199001011234", "13912345678", "6222020200112233445", "1990-01-01",
     "120", "1800.00", "学员"],
    ["欧阳娜娜", "32050819850505123X", "051265432100", "0012003400560078", "1985-05-05",
     "8", "19.99", "第二行\n换行"],
    ["李四", "000123", "", "", "", "", "0.00", ""],
    # Text cells starting with + or - are neutralised in CSV; numbers are not.
    ["王五", "11010519491231002X", "'+86 139 1234 5678", "00", "2001-02-03", "0",
     "-0.05", "'-"],
]


def _openpyxl_rows(path: Path, skip: int = 1) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    return [list(row) for row in sheet.iter_rows(min_row=skip + 1)]


def _plain(cell: openpyxl.cell.Cell) -> object:
    """Cell value in the vocabulary of XLSX_EXPECTED."""
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if cell.number_format == "#,##0.00":
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return value


def _calamine_rows(path: Path, sheet: str = "花名册") -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def _un_neutralise(text: str) -> str:
    """What a reader of our CSV does to get the stored text back."""
    if text.startswith("'") and neutralise_formula(text[1:]) == text:
        return text[1:]
    return text


# --- XLSX -------------------------------------------------------------------


def test_xlsx_round_trip_keeps_types_and_exact_text(tmp_path):
    path = tmp_path / "花名册.xlsx"
    assert write_xlsx(path, COLUMNS, ROWS) == len(ROWS)

    rows = _openpyxl_rows(path)
    assert [[_plain(c) for c in row] for row in rows] == XLSX_EXPECTED
    text_columns = [i for i, col in enumerate(COLUMNS) if col.kind == "text"]
    for row in rows:
        for i in text_columns:
            if row[i].value is not None:
                assert row[i].data_type == "s"
                assert row[i].number_format == "@"
        assert row[4].value is None or row[4].number_format == "yyyy-mm-dd"
        assert row[4].value is None or row[4].is_date

    header, *data = _calamine_rows(path)
    assert header == [c.title for c in COLUMNS]
    for got, want in zip(data, XLSX_EXPECTED, strict=True):
        # calamine: empty cells are "", numbers are floats, dates are dates.
        assert got[:4] == [w if w is not None else "" for w in want[:4]]
        assert got[4] == (want[4] if want[4] is not None else "")
        assert got[5] == (want[5] if want[5] is not None else "")
        assert Decimal(repr(got[6])) == want[6]
        assert got[7] == (want[7] if want[7] is not None else "")


def test_xlsx_text_columns_are_text_formatted_so_later_typing_stays_text(tmp_path):
    path = tmp_path / "a.xlsx"
    write_xlsx(path, COLUMNS, ROWS)
    xml = _sheet_xml(path)
    styles = openpyxl.load_workbook(path).active.column_dimensions
    assert styles["B"].number_format == "@"  # 证件号码
    assert styles["E"].number_format != "@"  # 出生日期
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_title_header_freeze_filter_and_widths(tmp_path):
    path = tmp_path / "a.xlsx"
    columns = COLUMNS[:2] + [Column("x", "Fixed", width=33)]
    write_xlsx(path, columns, ROWS, title="苏州市职业技能培训花名册", sheet_name="一班")
    book = openpyxl.load_workbook(path)
    sheet = book["一班"]
    assert sheet["A1"].value == "苏州市职业技能培训花名册"
    assert sheet["A1"].font.b and sheet["A1"].font.sz > 11
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    assert [sheet.cell(2, i).value for i in (1, 2, 3)] == ["姓名", "证件号码", "Fixed"]
    assert sheet["A2"].font.b and sheet["A2"].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:C{2 + len(ROWS)}"
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    # "欧阳娜娜" is 4 CJK characters = 8 units (+2 padding); the 18-digit ID 18 (+2).
    assert 10 <= widths["A"] < 11
    assert 20 <= widths["B"] < 21
    assert 33 <= widths["C"] < 34
    assert _calamine_rows(path, "一班")[2][:2] == ["张三", "320508199001011234"]


def test_xlsx_without_title_freezes_under_first_row(tmp_path):
    path = tmp_path / "a.xlsx"
    write_xlsx(path, COLUMNS[:1], [{"name": "张三"}])
    sheet = openpyxl.load_workbook(path)["花名册"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "姓名"
    assert not sheet.merged_cells.ranges


def test_xlsx_stores_formula_like_text_as_plain_strings_never_formulas(tmp_path):
    """The decision: xlsx keeps the original text, as a string cell, with
    Excel's hidden quote prefix; no <f> element exists anywhere."""
    path = tmp_path / "a.xlsx"
    rows = [{"name": f} for f in FORMULAS] + [{"name": "张-三"}, {"name": "a=b"}]
    write_xlsx(path, [Column("name", "=姓名")], rows, title="=1+1")
    xml = _sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    assert 'HYPERLINK("http://x","click")' in xml.replace("&quot;", '"')

    cells = [row[0] for row in _openpyxl_rows(path, skip=2)]
    # openpyxl leaves Excel's _x000D_ escape for CR undecoded; calamine decodes it.
    assert [c.value.replace("_x000D_", "\r") for c in cells] == FORMULAS + ["张-三", "a=b"]
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True] * len(FORMULAS) + [False, False]

    values = [row[0] for row in _calamine_rows(path)]
    assert values == ["=1+1", "=姓名", *FORMULAS, "张-三", "a=b"]


def test_xlsx_big_integers_and_bad_dates_stay_exact_as_text(tmp_path):
    path = tmp_path / "a.xlsx"
    columns = [Column("n", "n", "integer"), Column("d", "d", "date"),
               Column("m", "m", "money_fen")]
    rows = [{"n": 320508199001011234, "d": "1899-12-31", "m": 10**17},
            {"n": "12a", "d": "2024-05", "m": "abc"},
            {"n": "-7", "d": "2024-05-01T08:00:00", "m": "250"}]
    write_xlsx(path, columns, rows)
    assert [[_plain(c) for c in row] for row in _openpyxl_rows(path)] == [
        ["320508199001011234", "1899-12-31", "1000000000000000.00"],
        ["12a", "2024-05", "abc"],
        [-7, dt.date(2024, 5, 1), Decimal("2.50")],
    ]


def test_xlsx_control_characters_and_escape_lookalikes_round_trip(tmp_path):
    path = tmp_path / "a.xlsx"
    texts = ["_x0041_", "a\x01b", "tab\there", " lead and trail ", "0"]
    write_xlsx(path, [Column("t", "t")], [{"t": t} for t in texts])
    assert [row[0] for row in _calamine_rows(path)[1:]] == texts


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), min_size=1, max_size=8))
def test_any_text_round_trips_through_xlsx_and_csv(tmp_path, texts):
    # The number column keeps trailing rows of empty text inside the sheet.
    columns = [Column("i", "序号", "integer"), Column("t", "文本")]
    rows = [{"i": i, "t": t} for i, t in enumerate(texts)]
    xlsx = tmp_path / "h.xlsx"
    write_xlsx(xlsx, columns, rows)
    # calamine (like Excel) reads an empty cell as ""; the two Unicode non-characters XML
    # cannot carry come back as the replacement mark (found by this test: U+FFFE).
    shown = [t.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd") for t in texts]
    assert [row[1] for row in _calamine_rows(xlsx)[1:]] == shown

    comma = tmp_path / "h.csv"
    write_csv(comma, columns, rows)
    # Any CR/LF inside a field is quoted and read back unchanged.
    got = [_un_neutralise(row[1]) for row in _read_csv(comma)[1:]]
    assert got == texts


def test_xlsx_refuses_text_past_excels_cell_limit_and_leaves_no_file(tmp_path):
    path = tmp_path / "a.xlsx"
    with pytest.raises(ValueError, match="'note'"):
        write_xlsx(path, [Column("note", "备注")], [{"note": "x" * 32_768}])
    assert list(tmp_path.iterdir()) == []


def test_xlsx_refuses_more_rows_than_a_sheet_holds(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "EXCEL_MAX_ROW", 5)
    path = tmp_path / "a.xlsx"
    assert write_xlsx(path, COLUMNS[:1], [{"name": "x"}] * 5) == 5  # rows 1..5
    with pytest.raises(ValueError, match="more rows"):
        write_xlsx(path, COLUMNS[:1], [{"name": "y"}] * 6)
    assert _calamine_rows(path)[-1] == ["x"]  # the earlier file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


# --- CSV --------------------------------------------------------------------


def test_csv_round_trip_with_bom_crlf_and_exact_money(tmp_path):
    path = tmp_path / "花名册.csv"
    assert write_csv(path, COLUMNS, ROWS) == len(ROWS)
    raw = path.read_bytes()
    assert open(path, "rb").read(3) == b"\xef\xbb\xbf"
    assert raw.count(b"\r\n") == len(ROWS) + 1
    assert b"\n" not in raw.replace(b"\r\n", b"").replace("第二行\n换行".encode(), b"")
    assert _read_csv(path) == CSV_EXPECTED


def test_csv_neutralises_every_formula_like_text_field(tmp_path):
    path = tmp_path / "a.csv"
    columns = [Column("t", "=标题"), Column("n", "n", "integer"),
               Column("m", "m", "money_fen"), Column("d", "d", "date")]
    rows = [{"t": f, "n": -3, "m": -150, "d": "=1+1"} for f in FORMULAS]
    write_csv(path, columns, rows)
    header, *data = _read_csv(path)
    assert header == ["'=标题", "n", "m", "d"]
    assert [row[0] for row in data] == ["'" + f for f in FORMULAS]
    # Numbers we render stay numbers; unparseable text in a date column is text.
    assert all(row[1:] == ["-3", "-1.50", "'=1+1"] for row in data)


def test_csv_empty_export_is_just_the_header(tmp_path):
    path = tmp_path / "a.csv"
    assert write_csv(path, COLUMNS[:2], []) == 0
    assert path.read_bytes() == "\ufeff姓名,证件号码\r\n".encode()


# --- neutralise_formula, format_fen, widths ---------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\tplain", "'\tplain"),
    ("\rplain", "'\rplain"),
    ("   =1", "'   =1"),
    ("\u3000=1", "'\u3000=1"),  # ideographic space, common in Chinese input
    ("-", "'-"),  # OWASP: any leading - ; a lone dash costs one apostrophe
    ("+86 139 1234 5678", "'+86 139 1234 5678"),
    ("张-三", "张-三"),
    ("a=b", "a=b"),
    ("", ""),
    ("   ", "   "),
    ("'=1", "'=1"),  # already safe, and idempotent
])
def test_neutralise_formula(text, expected):
    assert neutralise_formula(text) == expected
    assert neutralise_formula(neutralise_formula(text)) == neutralise_formula(text)


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_format_fen_is_exact(fen):
    assert Decimal(format_fen(fen)) == Decimal(fen) / 100
    assert re.fullmatch(r"-?\d+\.\d\d", format_fen(fen))


def test_display_width_counts_cjk_double():
    assert display_width("abc") == 3
    assert display_width("张三") == 4
    assert display_width("ＡＢ") == 4  # full-width letters
    assert display_width("张三\nabcdefg") == 7  # widest line


# --- bad input, cancel, clean-up --------------------------------------------


def test_unknown_kind_and_empty_columns_are_refused(tmp_path):
    with pytest.raises(ValueError):
        Column("x", "x", "float")
    with pytest.raises(ValueError):
        write_csv(tmp_path / "a.csv", [], [])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_float_money_is_a_bug_not_rounded(tmp_path, writer):
    with pytest.raises(TypeError, match="'fee'"):
        writer(tmp_path / "a.out", [Column("fee", "金额", "money_fen")], [{"fee": 19.99}])
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Point tempfile at a watched folder, to prove no scratch file survives."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _cancel_after(calls: int):
    seen = []

    def check() -> None:
        seen.append(len(seen))
        if len(seen) > calls:
            raise Cancelled()

    return check, seen


def _people(n: int):
    for i in range(n):
        yield {"name": f"学员{i}", "id_number": f"32050819900101{i % 10000:04d}",
               "phone": f"139{i:08d}", "account": f"00{i:017d}",
               "birth": dt.date(1990, 1, 1) + dt.timedelta(days=i % 9000),
               "hours": i % 200, "fee": i * 7, "note": "" if i % 3 else "=1"}


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_cancel_leaves_no_file_and_no_scratch(tmp_path, scratch, writer):
    out = tmp_path / "out"
    out.mkdir()
    check, seen = _cancel_after(2)
    with pytest.raises(Cancelled):
        writer(out / "花名册.x", COLUMNS, _people(5000), check=check)
    assert seen == [0, 1, 2]  # before rows 0, 1000 and 2000
    assert list(out.iterdir()) == []
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_cancel_keeps_an_existing_file_intact(tmp_path, writer):
    path = tmp_path / "old.file"
    path.write_bytes(b"previous export")
    check, _ = _cancel_after(0)
    with pytest.raises(Cancelled):
        writer(path, COLUMNS, _people(10), check=check)
    assert path.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["old.file"]


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_failing_row_source_leaves_no_file(tmp_path, scratch, writer):
    def rows():
        yield from _people(1500)
        raise RuntimeError("database went away")

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError):
        writer(out / "a.x", COLUMNS, rows())
    assert list(out.iterdir()) == [] and list(scratch.iterdir()) == []


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_check_runs_every_thousand_rows_and_at_the_end(tmp_path, scratch, writer):
    check, seen = _cancel_after(10**9)
    assert writer(tmp_path / "a.x", COLUMNS, _people(2500), check=check) == 2500
    assert len(seen) == 4  # before rows 0, 1000, 2000, and before the file is placed
    assert list(scratch.iterdir()) == []


def test_export_layer_imports_nothing_above_it():
    package = Path(tabular.__file__).parent
    forbidden = ("skilldesk.core", "skilldesk.ui", "skilldesk.storage", "PySide6",
                 "sqlite3", "sqlite_utils")
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.startswith(forbidden)], path


# --- volume -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_hundred_thousand_rows(tmp_path, writer, capsys):
    path = tmp_path / ("big.xlsx" if writer is write_xlsx else "big.csv")
    check, seen = _cancel_after(10**9)
    start = time.perf_counter()
    assert writer(path, COLUMNS, _people(100_000), check=check) == 100_000
    elapsed = time.perf_counter() - start
    assert len(seen) == 101
    with capsys.disabled():
        print(f"\n{writer.__name__}: 100,000 rows x {len(COLUMNS)} columns in "
              f"{elapsed:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
    assert elapsed < 120
    if writer is write_xlsx:
        last = _calamine_rows(path)[-1]
        assert last[:2] == ["学员99999", "320508199001019999"]
    else:
        assert path.read_bytes().endswith(b",'=1\r\n")  # 99999 % 3 == 0


def test_xml_noncharacters_become_the_replacement_mark_in_xlsx(tmp_path):
    path = tmp_path / "n.xlsx"
    write_xlsx(path, [Column("t", "t")], [{"t": "a\ufffeb"}, {"t": "\uffff"}])
    assert [row[0] for row in _calamine_rows(path)[1:]] == ["a\ufffdb", "\ufffd"]
