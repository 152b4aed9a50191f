"""Importing the office's ledgers: headings, traps of real Excel files, all or
nothing, --skip-bad, and a second import that changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from branchtui.domain.idcard import make_id_number


def _id(birth: dt.date, seq: int) -> str:
    return make_id_number("410402", birth, seq)


def _csv(path, rows, encoding="utf-8-sig"):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


HEAD = ["序号", "姓名", "公民身份号码", "性别", "民族", "出生年月", "入党时间", "转正时间", "文化程度", "手机",
        "支部", "人员类别", "家庭住址"]


def _people():
    a, b, c = dt.date(1970, 3, 8), dt.date(1985, 12, 1), dt.date(1990, 6, 15)
    return [
        # full-width digits and a text date with dots
        ["１", "王新民", _id(a, 11), "男", "汉族", "1970.3", "１９９８．７．１", "1999年7月1日", "高中",
         "１３９００００１１１１", "居民一支部", "正式党员", "新华路 1 号"],
        ["2", "李\u3000娟", _id(b, 22), "女", "回族", "1985年12月", "2010年7月", "", "本科", "",
         "居民二支部", "预备党员", ""],
        ["3", "赵强", _id(c, 31), "男", "汉族", "1990-06-15", "2015/7/1", "2016-07-01", "大专", "",
         "居民三支部", "正式党员", ""],
    ]


def _members(db):
    from branchtui.store.models import Member

    return {m.id_number: m for m in Member.select()}


def test_office_csv_in_gb18030_with_title_rows_notes_and_traps(demo_db, tmp_path):
    from branchtui.io.imports import NEW, apply_import, plan_import

    rows = [["某某镇党员花名册"], ["填报单位：镇党委", "", "", "2026年11月"], [], HEAD, *_people(), [],
            ["注：本表由各支部填报，人员类别填正式党员或预备党员。"], ["填表人：张三"]]
    path = _csv(tmp_path / "花名册.csv", rows, encoding="gb18030")
    before = len(_members(demo_db))
    plan = plan_import("members", path)
    assert plan.header_line == 4
    assert plan.unknown == ["家庭住址"]
    assert [r.status for r in plan.rows] == [NEW, NEW, NEW], [r.reason for r in plan.rows]
    outcome = apply_import(plan)
    assert outcome.created == 3
    members = _members(demo_db)
    assert len(members) == before + 3
    wang = members[_id(dt.date(1970, 3, 8), 11)]
    assert (wang.name, wang.birth_date, wang.join_date, wang.full_date, wang.phone) == (
        "王新民", dt.date(1970, 3, 8), dt.date(1998, 7, 1), dt.date(1999, 7, 1), "13900001111")
    li = members[_id(dt.date(1985, 12, 1), 22)]
    assert li.name == "李娟"  # the full-width space that lined it up in print is gone
    assert (li.join_date, li.full_date, li.ethnicity, li.branch.name) == (dt.date(2010, 7, 1), None, "回族",
                                                                          "居民二支部")


def test_second_import_changes_nothing_and_a_change_is_an_audited_update(demo_db, tmp_path):
    from branchtui.io.imports import SAME, UPDATE, apply_import, plan_import
    from branchtui.store.models import Audit

    path = _csv(tmp_path / "m.csv", [HEAD[:-1], *[r[:-1] for r in _people()]])
    apply_import(plan_import("members", path))
    audits = Audit.select().count()
    plan = plan_import("members", path)
    assert [r.status for r in plan.rows] == [SAME] * 3
    outcome = apply_import(plan)
    assert (outcome.created, outcome.updated) == (0, 0)
    assert Audit.select().count() == audits + 1  # only the import's own record

    people = [r[:-1] for r in _people()]
    people[2][8] = "本科"
    _csv(path, [HEAD[:-1], *people])
    plan = plan_import("members", path)
    assert [r.status for r in plan.rows] == [SAME, SAME, UPDATE]
    assert plan.rows[2].changed == ("学历",)
    apply_import(plan)
    assert _members(demo_db)[_id(dt.date(1990, 6, 15), 31)].education == "本科"
    last = list(Audit.select().order_by(Audit.id.desc()).limit(2))
    assert last[0].action == "import" and json.loads(last[0].after)["updated"] == [plan.rows[2].record_id]
    assert last[1].action == "update" and json.loads(last[1].before)["education"] == "大专"


def test_one_bad_row_and_nothing_is_written(demo_db, tmp_path):
    from branchtui.io.imports import ERROR, ImportRefused, apply_import, plan_import

    people = _people()
    people[1][10] = "居民二支布"  # a slip of the pen
    path = _csv(tmp_path / "m.csv", [HEAD, *people])
    before = len(_members(demo_db))
    plan = plan_import("members", path)
    bad = plan.rows[1]
    assert bad.status == ERROR and bad.line == 3
    assert "“居民二支布”不存在" in bad.reason and "居民二支部" in bad.reason
    with pytest.raises(ImportRefused):
        apply_import(plan)
    assert len(_members(demo_db)) == before


def test_skip_bad_imports_the_good_rows_and_writes_the_bad_ones_to_correct(demo_db, tmp_path):
    from python_calamine import CalamineWorkbook

    from branchtui.io.imports import apply_import, plan_import

    people = _people()
    people[0][2] = people[0][2][:-1] + ("0" if people[0][2][-1] != "0" else "1")  # wrong check digit
    path = _csv(tmp_path / "m.csv", [HEAD, *people])
    before = len(_members(demo_db))
    outcome = apply_import(plan_import("members", path), skip_bad=True)
    assert (outcome.created, outcome.skipped) == (2, 1)
    assert len(_members(demo_db)) == before + 2
    assert outcome.errors_file == tmp_path / "m.csv.errors.xlsx"
    sheet = CalamineWorkbook.from_path(str(outcome.errors_file)).get_sheet_by_index(0).to_python()
    assert sheet[0][-2:] == ["错误原因", "原行号"]
    assert "校验位" in sheet[1][-2] and sheet[1][-1] == 2
    assert sheet[1][1] == "王新民" and sheet[1][2] == people[0][2]  # as read, to be corrected

    # corrected in the file itself, the errors file imports as it is
    import xlsxwriter

    fixed = tmp_path / "fixed.xlsx"
    book = xlsxwriter.Workbook(str(fixed))
    ws = book.add_worksheet()
    for r, row in enumerate(sheet):
        for c, value in enumerate(row):
            ws.write_string(r, c, str(value))
    ws.write_string(1, 2, _id(dt.date(1970, 3, 8), 11))
    book.close()
    outcome = apply_import(plan_import("members", fixed))
    assert outcome.created == 1 and len(_members(demo_db)) == before + 3


def test_excel_traps_number_stored_ids_serial_dates_and_date_cells(demo_db, tmp_path):
    import xlsxwriter

    from branchtui.io.imports import ERROR, NEW, plan_import

    path = tmp_path / "traps.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("党员")
    date_format = book.add_format({"num_format": "yyyy年m月d日"})
    ws.merge_range(0, 0, 0, 6, "居民一支部党员名册")
    for c, h in enumerate(["姓名", "身份证号", "出生日期", "入党日期", "转正日期", "所在支部", "联系电话"]):
        ws.write(2, c, h)
    born = dt.date(1975, 5, 20)
    number = _id(born, 41)
    # 1: an 18-digit ID typed into a number cell: Excel keeps 15 digits
    ws.write_string(3, 0, "钱进")
    ws.write_number(3, 1, float(number))
    # 2: dates as serial numbers and as date cells, phone as a number
    ws.write_string(4, 0, "孙立")
    ws.write_string(4, 1, number)
    ws.write_number(4, 2, (born - dt.date(1899, 12, 30)).days)
    ws.write_datetime(4, 3, dt.datetime(2001, 7, 1), date_format)
    ws.write_number(4, 4, 20020701)
    ws.write_string(4, 5, "居民一支部")
    ws.write_number(4, 6, 13800001234)
    book.close()
    plan = plan_import("members", path)
    assert plan.header_line == 3
    first, second = plan.rows
    assert first.status == ERROR
    assert "存成了数字" in first.reason and "15 位" in first.reason and "文本" in first.reason
    assert second.status == NEW, second.reason
    assert second.data["birth_date"] == born
    assert second.data["join_date"] == dt.date(2001, 7, 1)
    assert second.data["full_date"] == dt.date(2002, 7, 1)
    assert second.data["phone"] == "13800001234"


def test_duplicate_in_the_file_and_rules_of_the_domain(demo_db, tmp_path):
    from branchtui.io.imports import plan_import

    people = _people()
    people[2][2] = people[0][2]
    people[1][6] = "2000-01-01"  # before 18
    path = _csv(tmp_path / "m.csv", [HEAD, *people])
    plan = plan_import("members", path)
    assert "与第 2 行重复" in plan.rows[2].reason
    assert "年满 18 周岁" in plan.rows[1].reason


def test_category_must_agree_with_the_full_membership_date(demo_db, tmp_path):
    from branchtui.io.imports import plan_import

    people = _people()
    people[0][11] = "预备党员"
    people[2][7] = ""
    path = _csv(tmp_path / "m.csv", [HEAD, *people])
    plan = plan_import("members", path)
    assert "预备党员，但填了转正时间" in plan.rows[0].reason
    assert "正式党员，但没有填转正时间" in plan.rows[2].reason


def test_no_heading_says_what_it_looked_for(demo_db, tmp_path):
    from branchtui.io.read import ImportFileError
    from branchtui.io.imports import plan_import

    path = _csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(ImportFileError, match="没有找到表头"):
        plan_import("members", path)
    with pytest.raises(ImportFileError, match="找不到文件"):
        plan_import("members", tmp_path / "none.xlsx")


def test_default_branch_for_a_file_without_the_column(demo_db, tmp_path):
    from branchtui.io.imports import apply_import, plan_import

    path = _csv(tmp_path / "m.csv", [["姓名", "身份证号码", "入党时间"],
                                     ["周正", _id(dt.date(1980, 1, 2), 51), "2005-07-01"]])
    plan = plan_import("members", path)
    assert "没有“所在支部”一列" in plan.rows[0].reason
    apply_import(plan_import("members", path, branch="居民四支部"))
    assert _members(demo_db)[_id(dt.date(1980, 1, 2), 51)].branch.name == "居民四支部"


def test_export_then_import_gives_the_same_records(demo_db, tmp_path):
    from branchtui.io.imports import SAME, apply_import, plan_import
    from branchtui.io.lists import export_list
    from branchtui.store.models import Borrower, Equipment, Member

    def state():
        return ([tuple(m.__data__.values()) for m in Member.select().order_by(Member.id)],
                [tuple(b.__data__.values()) for b in Borrower.select().order_by(Borrower.id)],
                [tuple(e.__data__.values()) for e in Equipment.select().order_by(Equipment.id)])

    before = state()
    for kind in ("members", "borrowers"):
        path = export_list(kind, tmp_path / f"{kind}.xlsx")
        plan = plan_import(kind, path)
        assert {r.status for r in plan.rows} == {SAME}, [r.reason for r in plan.rows if r.status != SAME]
        apply_import(plan)
    from branchtui.io.reports import write_report

    rooms = write_report("rooms", tmp_path / "rooms.xlsx")
    plan = plan_import("equipment", rooms)
    assert plan.rows and {r.status for r in plan.rows} == {SAME}, [r.reason for r in plan.rows]
    assert state() == before


def test_borrowers_and_equipment(demo_db, tmp_path):
    from branchtui.io.imports import NEW, apply_import, plan_import
    from branchtui.store.models import Borrower, Equipment

    born = dt.date(1968, 4, 4)
    path = _csv(tmp_path / "b.csv", [["借款人姓名", "身份证号", "住址", "再就业优惠证号"],
                                     ["冯大海", _id(born, 61), "矿区 3 号楼", "ZY-0012"]])
    plan = plan_import("borrowers", path)
    assert [r.status for r in plan.rows] == [NEW], plan.rows[0].reason
    apply_import(plan)
    assert Borrower.get(Borrower.id_number == _id(born, 61)).certificate_no == "ZY-0012"

    path = _csv(tmp_path / "e.csv", [["支部", "设备名称", "标准项目", "购置日期", "金额", "资金来源", "资产编号"],
                                     ["居民一支部", "长虹彩电 29 寸", "彩电", "2005.3.1", "1,980.00", "镇财政",
                                      "ZC-2005-901"],
                                     ["居民一支部", "电话机", "传真机", "2005.3.1", "80", "", ""]])
    plan = plan_import("equipment", path)
    assert plan.rows[0].status == NEW, plan.rows[0].reason
    assert "不是现行标准的项目" in plan.rows[1].reason
    apply_import(plan, skip_bad=True)
    piece = Equipment.get(Equipment.asset_no == "ZC-2005-901")
    assert (piece.cost, piece.purchase_date, piece.item.name) == (
        __import__("decimal").Decimal("1980.00"), dt.date(2005, 3, 1), "彩电")
    assert {r.status for r in plan_import("equipment", path).rows} == {"不变", "错误"}


def test_cli_import_dry_run_and_refusal(demo_db, db_path, tmp_path, capsys):
    from branchtui.cli import main

    path = _csv(tmp_path / "m.csv", [HEAD, *_people()])
    assert main(["--db", str(db_path), "import", "members", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 3" in out and "未识别的列（没有导入）：家庭住址" in out and "试运行" in out
    assert main(["--db", str(db_path), "import", "members", str(path)]) == 0
    assert "不变 0" in capsys.readouterr().out
    assert main(["--db", str(db_path), "import", "members", str(path)]) == 0
    assert "新增 0，更新 0，不变 3" in capsys.readouterr().out


def test_loans_come_in_as_opening_balances(demo_db, tmp_path):
    from branchtui.domain.loans.portfolio import loan_rows
    from branchtui.io.imports import ERROR, NEW, SAME, apply_import, plan_import
    from branchtui.store.models import Borrower, Loan

    born = dt.date(1968, 5, 5)
    path = _csv(tmp_path / "loans.csv", [
        ["小额担保贷款台账"],
        ["借款人", "身份证号码", "所在支部", "经营项目", "贷款金额", "年利率", "期限", "还款方式", "发放日期", "已还本金",
         "已还利息"],
        ["新借甲", _id(born, 71), "居民一支部", "洗车点", "3,000", "5.31", "12", "等额本息", "2026.1.15", "1500",
         "60"],
        ["新借乙", _id(born, 81), "居民一支部", "养鸡场", "3000", "5.31", "12", "等额本息", "2026-01-15", "4000", ""],
        ["新借丙", _id(born, 91), "居民一支部", "小卖部", "3000", "5.31", "12", "等额本息", "", "", ""],
    ])
    today = dt.date(2026, 11, 27)
    plan = plan_import("loans", path, today=today)
    assert [r.status for r in plan.rows] == [NEW, ERROR, ERROR], [r.reason for r in plan.rows]
    assert "已还本金超过贷款金额" in plan.rows[1].reason
    assert "发放日期不能为空" in plan.rows[2].reason
    apply_import(plan, skip_bad=True, today=today)
    borrower = Borrower.get(Borrower.id_number == _id(born, 71))
    loan = Loan.get(Loan.borrower == borrower.id)
    assert (loan.amount, loan.disbursed, loan.state) == (__import__("decimal").Decimal("3000.00"),
                                                         dt.date(2026, 1, 15), "还款中")
    (opening,) = list(loan.repayments)
    assert (opening.date, opening.principal, opening.note) == (dt.date(2026, 11, 15), 1500, "期初已还")
    row = next(r for r in loan_rows(today) if r.id == loan.id)
    assert row.outstanding == 1500
    again = plan_import("loans", path, today=today)
    assert again.rows[0].status == SAME
    from branchtui.domain.check import check_database

    assert check_database() == []  # the audit trail and derived figures still agree


def test_a_branch_merged_over_its_members_rows(demo_db, tmp_path):
    import xlsxwriter

    from branchtui.io.imports import NEW, plan_import

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["所在支部", "姓名", "身份证号码", "入党时间"])
    ws.merge_range(1, 0, 3, 0, "居民五支部")
    for r, (name, seq) in enumerate((("甲一", 1), ("甲二", 2), ("甲三", 3)), start=1):
        ws.write_row(r, 1, [name, _id(dt.date(1980, 5, 5), seq), "2005-07-01"])
    book.close()
    plan = plan_import("members", path)
    assert [r.status for r in plan.rows] == [NEW] * 3, [r.reason for r in plan.rows]
    assert {r.data["branch"] for r in plan.rows} == {plan.rows[0].data["branch"]}


def test_a_table_that_starts_at_c5_keeps_the_files_row_numbers(demo_db, tmp_path):
    import xlsxwriter

    from branchtui.io.imports import plan_import

    path = tmp_path / "offset.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(4, 2, ["姓名", "身份证号码", "入党时间", "所在支部"])
    ws.write_row(5, 2, ["丁一", "12345", "2005-07-01", "居民一支部"])
    book.close()
    plan = plan_import("members", path)
    assert plan.header_line == 5 and plan.rows[0].line == 6
    assert "18 位" in plan.rows[0].reason
