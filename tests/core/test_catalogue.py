"""The bureau's occupation catalogue: reading real files, row problems with their row
numbers, the diff against the catalogue in use, activation and the look-up by date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from skilldesk.core.catalogue import CatalogueEmpty
from skilldesk.core.catalogue import CatalogueHasErrors
from skilldesk.core.catalogue import NoCatalogueHeader
from skilldesk.core.catalogue_fields import parse_amount
from skilldesk.core.catalogue_fields import parse_level
from skilldesk.core.catalogue_fields import parse_shortage
from skilldesk.core.desk import Desk
from skilldesk.rules.catalogue import CatalogueItem
from skilldesk.storage import oplog
from tests.imports.files import write_csv
from tests.imports.files import write_xlsx

HEADER = ["序号", "职业编码", "职业（工种）", "工种", "等级", "类别", "补贴标准（元/人）", "是否紧缺",
          "最低课时"]
TITLE = [["2025年苏州市职业培训补贴目录"], ["（苏人社发〔2025〕1号 附件）"], []]


def _file(tmp_path, rows, name="catalogue.xlsx", header=HEADER):
    data = [*TITLE, header, *rows]
    if name.endswith(".csv"):
        return write_csv(tmp_path / name, data)
    return write_xlsx(tmp_path / name, {"目录": data})


GOOD = [
    [1, "6-18-01-01", "车工", "数控车工", "五级/初级工", "A类", "1,200元", "是", 40],
    [2, "6-18-01-01", "车工", "数控车工", "四级", "A", 1500, "", "56课时"],
    [3, "6-18-02-04", "焊工", "", "初级（五级）", "A 类", "1000", "√", None],
    [4, "4-10-01-05", "育婴员", "", "中级工", "c", "1000.50", "否", 56],
    [5, "", "面点制作", "", "专项", "C", 400, "", None],
    [6, "", "茶艺", "", "合格证", "", "500元", "", None],
]


def test_title_rows_chinese_headers_and_amounts(desk: Desk, tmp_path) -> None:
    preview = desk.catalogue.preview_import(_file(tmp_path, GOOD), year=2025)
    assert preview.header_row == 4
    assert set(preview.mapping.values()) == {"seq_no", "code", "name", "work_type", "level",
                                             "category", "amount", "shortage", "min_hours"}
    assert preview.issues("error") == []
    assert preview.counts == {"rows": 6, "valid": 6, "invalid": 0, "ignored": 0,
                              "added": 6, "removed": 0, "changed": 0}
    assert [(k, i) for k, i in preview.items] == [
        ("occupation", CatalogueItem("6-18-01-01", "车工", "数控车工", "L5", "A", 120000, True, 40)),
        ("occupation", CatalogueItem("6-18-01-01", "车工", "数控车工", "L4", "A", 150000, False, 56)),
        ("occupation", CatalogueItem("6-18-02-04", "焊工", "", "L5", "A", 100000, True, 0)),
        ("occupation", CatalogueItem("4-10-01-05", "育婴员", "", "L4", "C", 100050, False, 56)),
        ("special_ability", CatalogueItem("", "面点制作", "", "special", "C", 40000, False, 0)),
        ("training", CatalogueItem("", "茶艺", "", "certificate", "", 50000, False, 0)),
    ]
    assert preview.effective_from == dt.date(2025, 1, 1)
    assert preview.rule_set == "js-suzhou-2023"


def test_csv_reads_like_xlsx(desk: Desk, tmp_path) -> None:
    xlsx = desk.catalogue.preview_import(_file(tmp_path, GOOD), year=2025)
    csv = desk.catalogue.preview_import(_file(tmp_path, GOOD, "catalogue.csv"), year=2025)
    assert csv.items == xlsx.items
    assert csv.header_row == 4


def test_row_problems_have_row_numbers_columns_and_codes(desk: Desk, tmp_path) -> None:
    rows = [
        [1, "6-18-01-01", "车工", "", "五级", "A", "1,200元", "是", 40],         # row 5: fine
        [2, "6-18-01-1", "铣工", "", "五级", "A", 1000, "", 40],                  # 6: bad code
        [3, "6-18-02-04", "焊工", "", "九级", "A", 1000, "", 40],                 # 7: level
        [4, "6-18-02-04", "焊工", "", "初级", "A", 1000, "", 40],                 # 8: duplicate
        [5, "6-18-02-04", "焊工", "", "初级工", "A", "1000元", "", 40],           # 9: duplicate
        [6, "", "茶艺", "", "合格证", "C", "1,200", "", None],                     # 10: range
        [7, "", "", "", "专项", "C", 400, "", None],                               # 11: no name
        [8, "6-18-01-02", "铣工", "", "五级", "D", 1000, "", 40],                 # 12: category
        [9, "6-18-01-04", "磨工", "", "五级", "A", "-5", "", 40],                 # 13: negative
        [10, "6-18-01-07", "多工序", "", "五级", "A", "一千", "", 40],             # 14: not money
        [11, "6-18-01-08", "机床", "", "五级", "A", None, "", 40],                # 15: no amount
        [12, "6-18-01-09", "钳工", "", "五级", "A", 1000, "也许", "四十"],         # 16: two
        ["注：补贴标准单位为元/人"],                                                # 17: a note
    ]
    preview = desk.catalogue.preview_import(_file(tmp_path, rows), year=2025)
    errors = {(i.row, i.column, i.code) for i in preview.issues("error")}
    amount = "补贴标准（元/人）"
    assert errors == {
        (6, "职业编码", "OCC_FORMAT"),
        (7, "等级", "LEVEL_UNKNOWN"),
        (8, "职业编码", "DUPLICATE_IN_FILE"),
        (9, "职业编码", "DUPLICATE_IN_FILE"),
        (10, amount, "AMOUNT_OUT_OF_RANGE"),
        (11, "职业（工种）", "NAME_MISSING"),
        (12, "类别", "CATEGORY_INVALID"),
        (13, amount, "AMOUNT_NEGATIVE"),
        (14, amount, "AMOUNT_INVALID"),
        (15, amount, "AMOUNT_MISSING"),
        (16, "是否紧缺", "SHORTAGE_INVALID"),
        (16, "最低课时", "HOURS_INVALID"),
    }
    assert preview.counts["invalid"] == 11
    assert preview.counts["valid"] == 1
    dup = next(i for i in preview.issues("error") if i.row == 8)
    assert dup.params["others"] == "9"
    out_of_range = next(i for i in preview.issues("error") if i.row == 10)
    assert (out_of_range.params["low"], out_of_range.params["high"]) == ("300", "1000")
    # the note under the table is skipped with a warning, not silently
    assert [(i.row, i.code) for i in preview.issues("warning")] == [(17, "ROW_SKIPPED")]


def test_certificate_amount_inside_the_range_is_fine(desk: Desk, tmp_path) -> None:
    rows = [[1, "", "茶艺", "", "合格证", "C", 300, "", None],
            [2, "", "插花", "", "培训合格证书", "C", "1,000", "", None]]
    preview = desk.catalogue.preview_import(_file(tmp_path, rows), year=2025)
    assert preview.issues("error") == []


def test_no_header_is_refused(desk: Desk, tmp_path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["姓名", "身份证号"], ["张三", "1"]]})
    with pytest.raises(NoCatalogueHeader):
        desk.catalogue.preview_import(path, year=2025)


def test_commit_refuses_invalid_rows_unless_not_strict(desk: Desk, tmp_path) -> None:
    rows = [GOOD[0], [2, "6-18-01-1", "铣工", "", "五级", "A", 1000, "", 40]]
    preview = desk.catalogue.preview_import(_file(tmp_path, rows), year=2025)
    with pytest.raises(CatalogueHasErrors):
        desk.catalogue.commit_import(preview, activate=True)
    assert desk.catalogue.list() == []
    changes = desk.catalogue.commit_import(preview, activate=True, strict=False)
    assert changes.catalogue and len(changes.ids) == 1
    [info] = desk.catalogue.list()
    assert (info.item_count, info.active, info.year, info.is_sample) == (1, True, 2025, False)
    assert info.source == "catalogue.xlsx"
    assert info.title == "2025 苏州 occupation training subsidy catalogue"
    assert desk.catalogue.items(info.id) == [preview.items[0][1]]
    [entry] = [e for e in oplog.entries_for(desk.db, "catalogue", info.id)
               if e["action"] == "import"]
    assert (entry["after"]["items"], entry["after"]["invalid"]) == (1, 1)


def test_commit_of_a_file_without_valid_items_is_refused(desk: Desk, tmp_path) -> None:
    rows = [[2, "6-18-01-1", "铣工", "", "五级", "A", 1000, "", 40]]
    preview = desk.catalogue.preview_import(_file(tmp_path, rows), year=2025)
    with pytest.raises(CatalogueEmpty):
        desk.catalogue.commit_import(preview, activate=False, strict=False)


def _import(desk, path, *, year, activate=True, effective_from=None):
    preview = desk.catalogue.preview_import(path, year=year, effective_from=effective_from)
    return preview, desk.catalogue.commit_import(preview, activate=activate).ids[0]


def test_diff_against_the_catalogue_in_use(desk: Desk, tmp_path) -> None:
    first = _file(tmp_path, GOOD, "2024.xlsx")
    _import(desk, first, year=2024)
    second = [
        [1, "6-18-01-01", "车工", "数控车工", "五级/初级工", "A类", "1,300元", "是", 40],  # amount
        [2, "6-18-01-01", "车工", "数控车工", "四级", "B", 1500, "", 56],                # category
        [3, "6-18-02-04", "焊工", "", "初级（五级）", "A 类", "1000", "否", 48],          # 2 fields
        [4, "4-10-01-05", "育婴员", "", "中级工", "c", "1000.50", "否", 56],            # same
        [6, "", "茶艺", "", "合格证", "", "500元", "", None],                            # same
        [7, "6-18-02-04", "焊工", "", "四级", "A", 1500, "", 56],                       # added
    ]                                                      # 面点制作 专项 removed
    preview = desk.catalogue.preview_import(_file(tmp_path, second, "2025.xlsx"), year=2025)
    diff = preview.diff
    assert diff.base_title == "2024 苏州 occupation training subsidy catalogue"
    assert [(i.occupation_code, i.level) for i in diff.added] == [("6-18-02-04", "L4")]
    assert [(i.occupation_name, i.level) for i in diff.removed] == [("面点制作", "special")]
    assert [(c.item.occupation_code, c.item.level, c.field, c.old, c.new)
            for c in diff.changed] == [
        ("6-18-01-01", "L5", "standard_fen", 120000, 130000),
        ("6-18-01-01", "L4", "category", "A", "B"),
        ("6-18-02-04", "L5", "shortage", True, False),
        ("6-18-02-04", "L5", "min_hours", 0, 48),
    ]
    assert preview.counts | {} == {"rows": 6, "valid": 6, "invalid": 0, "ignored": 0,
                                   "added": 1, "removed": 1, "changed": 3}
    json = diff.as_json()
    assert json["changed"][0] == {
        "item": {"occupation_code": "6-18-01-01", "occupation_name": "车工",
                 "work_type": "数控车工", "level": "L5", "category": "A",
                 "standard_fen": 130000, "shortage": True, "min_hours": 40},
        "field": "standard_fen", "old": 120000, "new": 130000}


def test_diff_against_the_demo_sample_catalogue(tmp_path) -> None:
    desk = Desk.open(None)
    try:
        desk.build_demo(people=20, seed=2)
        [sample] = desk.catalogue.list()
        assert sample.is_sample and sample.active
        # no 最低课时 column: the file says nothing about hours, so they are no change
        rows = [[1, "6-18-01-01", "车工", "", "五级", "A", 1200, ""],
                [2, "6-18-01-01", "车工", "", "四级", "A", 1500, ""],
                [3, "8-99-99-99", "新职业", "", "五级", "B", 900, ""]]
        preview = desk.catalogue.preview_import(_file(tmp_path, rows, header=HEADER[:-1]),
                                                year=2025)
        assert preview.diff.base_id == sample.id
        assert [(c.item.level, c.field, c.old, c.new) for c in preview.diff.changed] == [
            ("L5", "standard_fen", 100000, 120000)]
        assert [i.occupation_code for i in preview.diff.added] == ["8-99-99-99"]
        assert len(preview.diff.removed) == sample.item_count - 2
    finally:
        desk.close()


def test_activation_closes_the_previous_catalogue_and_index_for_picks_by_date(
        desk: Desk, tmp_path) -> None:
    _p, old_id = _import(desk, _file(tmp_path, GOOD, "2024.xlsx"), year=2024)
    changed = [[1, "6-18-01-01", "车工", "数控车工", "五级", "A", 1300, "是", 40],
               [5, "", "面点制作", "", "专项", "C", 400, "", None],
               [6, "", "插花", "", "专项", "C", 600, "", None]]
    _p, new_id = _import(desk, _file(tmp_path, changed, "2025.xlsx"), year=2025,
                         activate=False, effective_from="2025-03-01")
    # imported only: the 2024 catalogue is still the one in force
    assert desk.catalogue.active().id == old_id
    assert desk.catalogue.index_for(dt.date(2025, 6, 1)).catalogue_id == old_id
    desk.catalogue.activate(new_id)
    old, new = desk.catalogue.get(old_id), desk.catalogue.get(new_id)
    assert (old.active, old.effective_from, old.effective_to) == (False, "2024-01-01",
                                                                  "2025-02-28")
    assert (new.active, new.effective_from, new.effective_to) == (True, "2025-03-01", None)
    assert sum(c.active for c in desk.catalogue.list()) == 1
    assert desk.catalogue.index_for(dt.date(2023, 12, 31)) is None
    before = desk.catalogue.index_for(dt.date(2025, 2, 28))
    assert before.catalogue_id == old_id
    assert before.find("6-18-01-01", "数控车工", "L5").standard_fen == 120000
    after = desk.catalogue.index_for(dt.date(2025, 3, 1))
    assert after.catalogue_id == new_id and after.year == 2025 and not after.is_sample
    assert after.find("6-18-01-01", "数控车工", "L5").standard_fen == 130000
    # two 专项 items without a code are both found by name
    assert after.find_by_name("面点制作", "special").standard_fen == 40000
    assert after.find_by_name("插花", "special").standard_fen == 60000
    assert desk.catalogue.index_for(dt.date(2025, 3, 1)) is after  # cached
    assert desk.catalogue.activate(new_id).anything is False      # already active
    entries = oplog.entries_for(desk.db, "catalogue", new_id)
    assert [e["action"] for e in entries] == ["import", "activate"]


def test_a_second_catalogue_for_the_same_year_is_warned_about(desk: Desk, tmp_path) -> None:
    _import(desk, _file(tmp_path, GOOD), year=2025)
    preview = desk.catalogue.preview_import(_file(tmp_path, GOOD), year=2025)
    assert [w.code for w in preview.issues("warning")] == ["YEAR_EXISTS"]
    assert preview.diff.added == [] and preview.diff.changed == []


@pytest.mark.parametrize("text, level", [
    ("五级/初级工", "L5"), ("初级工", "L5"), ("初级", "L5"), ("5级", "L5"), ("初级（五级）", "L5"),
    ("四级", "L4"), ("高级技师", "L1"), ("专项", "special"), ("专项职业能力", "special"),
    ("合格证", "certificate"), ("培训合格证书", "certificate"), ("九级", None), ("", None),
])
def test_levels(text, level) -> None:
    assert parse_level(text) == level


@pytest.mark.parametrize("cell, amount", [
    ("1,000", Decimal("1000")), ("1000元", Decimal("1000")), ("￥1,200.50", Decimal("1200.50")),
    (1500, Decimal("1500")), (1500.0, Decimal("1500.0")), ("一千", None), (True, None),
])
def test_amounts(cell, amount) -> None:
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell, shortage", [
    ("是", True), ("√", True), ("紧缺", True), ("否", False), ("", False), (None, False),
    ("也许", None),
])
def test_shortage(cell, shortage) -> None:
    assert parse_shortage(cell) is shortage
