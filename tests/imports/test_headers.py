"""Tests for skilldesk.imports.headers: header row detection and column mapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.imports.headers import FIELDS
from skilldesk.imports.headers import KEY_FIELDS
from skilldesk.imports.headers import SYNONYMS
from skilldesk.imports.headers import HeaderGuess
from skilldesk.imports.headers import apply_mapping_override
from skilldesk.imports.headers import guess_header
from skilldesk.imports.headers import layout_key
from skilldesk.imports.headers import normalise_header
from skilldesk.imports.headers import pick_sheet

hsettings = settings(database=None, max_examples=200, deadline=None)

TITLE = "苏州市××职业培训学校2026年第3期电工（四级）培训班学员花名册"


def sheet(*rows: list) -> list[tuple[int, list]]:
    """Rows numbered like a spreadsheet, from 1."""
    return [(number, list(cells)) for number, cells in enumerate(rows, start=1)]


# A typical roster: merged title (one value, the rest None), a line naming
# the class, then the header on row 3, two trainees and a note at the bottom.
ROSTER = sheet(
    [TITLE, None, None, None, None, None, None, None, None],
    ["培训机构（盖章）：", None, None, None, "培训时间：2026.3.1-2026.3.20", None, None, None, None],
    ["序号", "姓名", "性别", "身份证\n号码（必填）", "联系电话", "人员类别", "文化程度",
     "户籍所在地", "是否住宿"],
    [1, "张三", "男", "320501199001011234", "13912345678", "农民工", "初中", "安徽省", "是"],
    [2, "李四", "女", "320501199202021234", "13812345678", "失业人员", "高中", "苏州市", "否"],
    ["备注：身份证号码请设置为文本格式", None, None, None, None, None, None, None, None],
)


def test_typical_roster_header_on_row_3():
    guess = guess_header(ROSTER)
    assert guess is not None
    assert guess.header_row == 2
    assert guess.row_number == 3
    assert guess.mapping == {
        0: "seq_no", 1: "name", 2: "sex", 3: "id_number", 4: "phone", 5: "categories",
        6: "education", 7: "hukou_address",
    }
    assert guess.headers[3] == "身份证\n号码（必填）"  # as in the file, for messages
    assert guess.unmapped == [8]  # 是否住宿
    assert guess.score == 7 / len(KEY_FIELDS)  # no birth date column


def test_row_numbers_come_from_the_sheet_not_the_list_position():
    rows = [(row_number + 10, cells) for row_number, cells in ROSTER]
    guess = guess_header(rows)
    assert (guess.header_row, guess.row_number) == (2, 13)


def test_header_on_the_first_row_with_every_field():
    headers = ["序号", "学员姓名", "证件类型", "公民身份号码", "性别", "出生年月", "手机号码",
               "人员身份", "户籍地址", "户口性质", "学历", "单位名称", "单位统一社会信用代码",
               "就业创业证号", "毕业院校", "毕业时间", "社会保障卡号", "备注"]
    guess = guess_header(sheet(headers))
    assert guess.header_row == 0
    assert guess.mapping == dict(enumerate([
        "seq_no", "name", "id_type", "id_number", "sex", "birth_date", "phone", "categories",
        "hukou_address", "hukou_type", "education", "employer", "employer_uscc",
        "unemployment_cert_no", "school", "graduation_date", "bank_account", "notes",
    ]))
    assert guess.unmapped == []
    assert guess.score == 1.0


def header_row_with(field: str, text: str) -> list[str]:
    """A minimal header row (name + ID number) that uses *text* for *field*."""
    cells = ["姓名", "身份证号"]
    if field == "name":
        cells[0] = text
    elif field == "id_number":
        cells[1] = text
    else:
        cells.append(text)
    return cells


@pytest.mark.parametrize("field, spelling", [(f, s) for f, ss in SYNONYMS.items() for s in ss])
def test_every_synonym_maps_to_its_field(field, spelling):
    cells = header_row_with(field, spelling)
    guess = guess_header(sheet(cells))
    assert guess is not None
    assert field in guess.mapping.values()
    assert guess.mapping[cells.index(spelling)] == field


def test_required_synonyms_from_the_brief_are_present():
    required = {
        "name": ["姓名", "学员姓名"],
        "id_number": ["身份证号", "公民身份号码", "身份证号码", "证件号码", "身份证"],
        "id_type": ["证件类型"], "sex": ["性别"], "birth_date": ["出生日期", "出生年月"],
        "phone": ["联系电话", "手机", "手机号码", "电话", "联系方式"],
        "categories": ["人员类别", "人员身份", "类别", "身份类别"],
        "hukou_address": ["户籍所在地", "户籍地址", "户籍地", "户口所在地"],
        "hukou_type": ["户籍性质", "户口性质"], "education": ["文化程度", "学历"],
        "employer": ["工作单位", "单位名称", "所在单位"],
        "employer_uscc": ["统一社会信用代码", "单位统一社会信用代码", "信用代码"],
        "unemployment_cert_no": ["就业失业登记证号", "就业创业证号"],
        "school": ["毕业院校", "毕业学校"], "graduation_date": ["毕业时间", "毕业日期"],
        "bank_account": ["银行卡号", "社保卡号", "银行账号", "社会保障卡号"],
        "notes": ["备注"], "seq_no": ["序号", "编号"],
    }
    for field, spellings in required.items():
        assert set(spellings) <= set(SYNONYMS[field]), field
    assert set(SYNONYMS) == set(FIELDS)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("身份证\n号码", "身份证号码"),
        ("身份证号码（必填）", "身份证号码"),
        ("身份证号码(18位)", "身份证号码"),
        ("身份证号码（18位", "身份证号码"),  # hint cut off by a narrow column
        ("【必填】姓名", "姓名"),
        ("姓名[必填]", "姓名"),
        ("*姓名", "姓名"),
        ("姓名*", "姓名"),
        ("姓名：", "姓名"),
        ("姓名:", "姓名"),
        ("＊姓 名：", "姓名"),
        ("  姓　名  ", "姓名"),
        ("身份证号码（必填（18位））", "身份证号码"),
        ("No.", "no."),
        (None, ""),
        (7, "7"),
    ],
)
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


@pytest.mark.parametrize(
    "header, field",
    [
        ("身份证\n号码", "id_number"),
        ("*身份证号码（必填，18位）", "id_number"),
        ("学员身份证号码", "id_number"),  # a leading 学员 is ignored
        ("本人手机号码", "phone"),
        ("参训人员姓名", "name"),
        ("ＮＯ．", "seq_no"),
    ],
)
def test_headers_with_noise_are_recognised(header, field):
    cells = header_row_with(field, header)
    guess = guess_header(sheet(cells))
    assert guess is not None
    assert guess.mapping[cells.index(header)] == field


@pytest.mark.parametrize("header", ["紧急联系人电话", "身份证地址", "联系人", "是否住宿", "培训工种"])
def test_look_alike_headers_are_not_mapped(header):
    guess = guess_header(sheet(["姓名", "身份证号", header]))
    assert 2 not in guess.mapping
    assert guess.unmapped == [2]


def test_duplicate_field_keeps_the_exact_then_leftmost_column():
    guess = guess_header(sheet(["姓名", "身份证号", "学员手机", "手机号码", "联系电话"]))
    assert guess.mapping == {0: "name", 1: "id_number", 3: "phone"}
    assert guess.unmapped == [2, 4]


def test_empty_header_cells_are_neither_mapped_nor_unmapped():
    guess = guess_header(sheet(["姓名", None, "", "身份证号", "  ", "自定义"]))
    assert guess.mapping == {0: "name", 3: "id_number"}
    assert guess.unmapped == [5]
    assert guess.headers == ["姓名", "", "", "身份证号", "", "自定义"]


def test_two_level_header_picks_the_row_with_the_fields():
    rows = sheet(
        [TITLE],
        ["基本信息", None, None, "联系方式", None],
        ["姓名", "性别", "身份证号码", "手机", "户籍地址"],
        ["王五", "男", "320501199001011234", "13912345678", "苏州"],
    )
    guess = guess_header(rows)
    assert guess.row_number == 3


def test_best_scoring_row_wins_and_ties_go_to_the_first():
    rows = sheet(
        ["姓名", "身份证号"],  # a small summary block above the roster
        [],
        ["姓名", "身份证号", "性别", "手机"],
        ["姓名", "身份证号", "性别", "手机"],
    )
    assert guess_header(rows).header_row == 2


def test_scan_limits_the_rows_looked_at():
    rows = sheet(*([[f"说明第{i}行"] for i in range(25)] + [["姓名", "身份证号"]]))
    assert guess_header(rows) is None
    assert guess_header(rows, scan=30).row_number == 26


@pytest.mark.parametrize(
    "rows",
    [
        [],
        sheet([TITLE], ["月份", "收入", "支出"], ["1月", 100, 50]),
        sheet(["姓名", "性别", "手机"]),  # no ID column
        sheet(["身份证号", "性别", "手机"]),  # no name column
        sheet(["张三", "320501199001011234", "男"]),  # data without a header
    ],
)
def test_no_roster_gives_none(rows):
    assert guess_header(rows) is None


def test_data_row_with_header_like_values_is_not_a_header():
    # A row of data only "looks" like a header if its cells are header words.
    rows = sheet([TITLE], ["张三", "男", "320501199001011234"], ["姓名", "性别", "身份证号"])
    assert guess_header(rows).row_number == 3


# --- sheets ---------------------------------------------------------------


def test_pick_sheet_prefers_the_roster():
    candidates = {
        "说明": sheet(["填表说明"], ["1. 身份证号码请设置为文本格式"]),
        "花名册": ROSTER,
    }
    assert pick_sheet(candidates) == "花名册"


def test_pick_sheet_prefers_the_fuller_roster():
    candidates = {
        "汇总": sheet(["姓名", "身份证号", "补贴金额"]),
        "学员名单": sheet([TITLE], ["序号", "姓名", "身份证号", "性别", "手机", "人员类别"]),
    }
    assert pick_sheet(candidates) == "学员名单"


def test_pick_sheet_tie_goes_to_the_first():
    same = sheet(["姓名", "身份证号"])
    assert pick_sheet({"Sheet1": same, "Sheet2": same}) == "Sheet1"


def test_pick_sheet_without_a_roster():
    assert pick_sheet({"Sheet1": sheet(["a", "b"]), "Sheet2": []}) is None
    assert pick_sheet({}) is None


# --- layout keys ----------------------------------------------------------

HEADERS = ["序号", "姓名", "身份证号码", "手机号码", "人员类别"]


def test_layout_key_shape():
    key = layout_key(HEADERS)
    assert len(key) == 16 and all(c in "0123456789abcdef" for c in key)
    assert key == layout_key(list(HEADERS))


@pytest.mark.parametrize(
    "variant",
    [
        ["序号", "姓 名", "身份证\n号码", "手机号码", "人员类别"],
        ["序号", "姓名", "身份证号码（必填）", "手机号码*", "人员类别："],
        [" 序号 ", "姓名", "身份证号码", "手机号码", "人员类别", None, ""],
        ["序号", "姓名", "身份证号码", "手机号码", "人员类别\u3000"],
    ],
)
def test_layout_key_ignores_spacing_hints_and_trailing_blanks(variant):
    assert layout_key(variant) == layout_key(HEADERS)


def test_layout_key_ignores_full_width_forms():
    assert layout_key(["ＮＯ．", "姓名"]) == layout_key(["No.", "姓名"])


@pytest.mark.parametrize(
    "variant",
    [
        ["序号", "姓名", "身份证号码", "手机号码"],  # a column less
        ["序号", "姓名", "身份证号码", "手机号码", "人员类别", "备注"],  # a column more
        ["姓名", "序号", "身份证号码", "手机号码", "人员类别"],  # reordered
        ["序号", "姓名", "公民身份号码", "手机号码", "人员类别"],  # another spelling
        ["", "序号", "姓名", "身份证号码", "手机号码", "人员类别"],  # leading blank column
    ],
)
def test_layout_key_differs_for_different_columns(variant):
    assert layout_key(variant) != layout_key(HEADERS)


def test_layout_key_does_not_run_cells_together():
    assert layout_key(["姓名", "身份证号"]) != layout_key(["姓名身份证号"])
    assert layout_key(["ab", "c"]) != layout_key(["a", "bc"])


@hsettings
@given(st.lists(st.text(alphabet="姓名身份证号码ab 　\n（）()", max_size=8), max_size=6))
def test_layout_key_depends_only_on_normalised_texts(headers):
    normalised = [normalise_header(h) for h in headers]
    assert layout_key(headers) == layout_key(normalised)


# --- overrides ------------------------------------------------------------


def roster_guess() -> HeaderGuess:
    guess = guess_header(ROSTER)
    assert guess is not None
    return guess


def test_override_assigns_an_unmapped_column():
    guess = apply_mapping_override(roster_guess(), {8: "notes"})
    assert guess.mapping[8] == "notes"
    assert guess.unmapped == []
    assert guess.header_row == 2 and guess.row_number == 3


def test_override_moves_a_field_away_from_the_guessed_column():
    guess = apply_mapping_override(roster_guess(), {8: "phone"})
    assert guess.mapping[8] == "phone"
    assert 4 not in guess.mapping  # the old phone column is released
    assert guess.unmapped == [4]


def test_override_can_ignore_a_column():
    guess = apply_mapping_override(roster_guess(), {6: None, 7: ""})
    assert 6 not in guess.mapping and 7 not in guess.mapping
    assert guess.unmapped == [6, 7, 8]
    assert guess.score == 5 / len(KEY_FIELDS)


def test_override_swaps_two_columns():
    guess = apply_mapping_override(roster_guess(), {2: "education", 6: "sex"})
    assert guess.mapping[2] == "education" and guess.mapping[6] == "sex"


def test_complete_override_reproduces_itself():
    stored = {0: None, 1: "name", 2: "sex", 3: "id_number", 4: "phone", 5: "categories",
              6: "education", 7: None, 8: "notes"}
    guess = apply_mapping_override(roster_guess(), stored)
    assert guess.mapping == {k: v for k, v in stored.items() if v}
    assert guess.unmapped == [0, 7]
    assert apply_mapping_override(guess, stored) == guess


def test_override_leaves_the_original_guess_alone():
    original = roster_guess()
    before = dict(original.mapping)
    apply_mapping_override(original, {8: "phone"})
    assert original.mapping == before


def test_override_mapping_a_field_twice_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"'phone'.*columns 4, 8"):
        apply_mapping_override(roster_guess(), {4: "phone", 8: "phone"})


@pytest.mark.parametrize(
    "mapping, message",
    [({8: "favourite_colour"}, "favourite_colour"), ({9: "notes"}, "column 9"),
     ({-1: "notes"}, "column -1")],
)
def test_override_with_bad_field_or_column_is_refused(mapping, message):
    with pytest.raises(ValueError, match=message):
        apply_mapping_override(roster_guess(), mapping)


def test_fields_have_labels_and_the_brief_keys():
    assert set(FIELDS) == {
        "name", "id_number", "id_type", "sex", "birth_date", "phone", "categories",
        "hukou_address", "hukou_type", "education", "employer", "employer_uscc",
        "unemployment_cert_no", "school", "graduation_date", "bank_account", "notes", "seq_no",
        "pension", "insured_months",
    }
    assert all(isinstance(label, str) and label for label in FIELDS.values())
    assert set(KEY_FIELDS) <= set(FIELDS)


def test_no_spelling_belongs_to_two_fields():
    seen: dict[str, str] = {}
    for field, spellings in SYNONYMS.items():
        for spelling in spellings:
            key = normalise_header(spelling)
            assert seen.setdefault(key, field) == field, spelling


def test_every_header_skilldesk_exports_is_recognised_in_both_languages():
    """An exported roster must import again whatever the interface language."""
    from skilldesk import i18n
    from skilldesk.core.roster_export import ROSTER_COLUMNS
    from skilldesk.imports.headers import guess_header

    expected = {key: ("seq_no" if key == "number" else key) for key, _h, _k in ROSTER_COLUMNS}
    try:
        for language in ("en", "zh_CN"):
            i18n.set_language(language)
            headers = [i18n._(header) for _key, header, _kind in ROSTER_COLUMNS]
            guess = guess_header([(1, headers)])
            assert guess is not None, language
            assert {headers[c]: f for c, f in guess.mapping.items()} == {
                i18n._(h): expected[k] for k, h, _kind in ROSTER_COLUMNS}, language
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("pension, months", [
    ("是否领取养老金", "失业保险缴费月数"), ("领取养老金", "参保月数"), ("养老金", "缴费月数"),
    ("是否领取基本养老金(是/否)", "失业保险累计缴费月数（月）"), ("*养老金", "学员参保月数"),
])
def test_subsidy_fact_columns_are_recognised(pension, months):
    guess = guess_header([(1, ["姓名", "身份证号码", pension, months, "养老保险缴费基数"])])
    assert guess is not None
    assert guess.mapping == {0: "name", 1: "id_number", 2: "pension", 3: "insured_months"}
    assert guess.unmapped == [4]  # a look-alike column is left for the user to choose
