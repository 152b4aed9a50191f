"""Exported workbooks as a person gets them: every matching row, a frozen
header repeated on printed pages, numbers, dates and ID numbers typed as they
should be, and ID numbers masked as the user's role requires."""

from __future__ import annotations

from tests.conftest import login_as

import datetime as dt
import re
import zipfile

import pytest


def _xml(path, member):
    with zipfile.ZipFile(path) as book:
        return book.read(member).decode("utf-8")


def _rows(path, sheet=0):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(sheet).to_python()


def test_members_export_has_every_row_with_print_setup(demo_db, tmp_path):
    from branchtui.io.lists import export_list
    from branchtui.store.models import Member

    path = export_list("members", tmp_path / "m.xlsx")
    rows = _rows(path)
    assert rows[0][0] == "镇党委党员名单"  # the committee heads the title
    assert "截至" in rows[1][0] and "共 74 人" in rows[1][0]
    assert rows[2][0].startswith("制表日期：")
    data = [r for r in rows[4:] if r[0]]
    assert len(data) == Member.select().count() == 74  # more than a screen's page
    first = data[0]
    assert isinstance(first[5], dt.date) and isinstance(first[8], dt.date)  # dates as dates
    assert isinstance(first[6], str) and len(first[6]) == 18  # ID as text, whole for the local admin
    sheet = _xml(path, "xl/worksheets/sheet1.xml")
    assert re.search(r'<pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"', sheet)
    assert 'orientation="landscape"' in sheet and 'paperSize="9"' in sheet
    assert "_xlnm.Print_Titles" in _xml(path, "xl/workbook.xml")
    id_width = float(re.search(r'<col min="7" max="7" width="([\d.]+)"', sheet).group(1))
    assert id_width >= 18  # the ID column fits 18 digits


def test_filters_and_amounts(demo_db, tmp_path):
    from branchtui.io.lists import export_list

    path = export_list("members", tmp_path / "m.xlsx", branch="居民三支部")
    rows = _rows(path)
    assert "支部：居民三支部" in rows[1][0]
    assert {r[1] for r in rows[4:] if r[0]} == {"居民三支部"}

    path = export_list("loans", tmp_path / "l.xlsx", as_of=dt.date(2026, 11, 27))
    rows = _rows(path)
    loans = [r for r in rows[4:] if isinstance(r[0], float)]
    assert loans and all(isinstance(r[4], float) for r in loans)
    styles = _xml(path, "xl/styles.xml")
    assert 'formatCode="#,##0.00"' in styles
    total = next(r for r in rows if r[0] == "合计")
    assert total[4] == pytest.approx(sum(r[4] for r in loans))


def test_ids_are_masked_for_a_viewer_and_for_another_branch(demo_db, tmp_path, monkeypatch):
    from branchtui.domain.access import add_user
    from branchtui.io.lists import export_list

    login_as("boss")
    add_user("boss", "admin")
    add_user("guest", "viewer")
    add_user("sec1", "secretary", "居民一支部")
    login_as("guest")
    rows = [r for r in _rows(export_list("members", tmp_path / "v.xlsx"))[4:] if r[0]]
    assert all("*" in r[6] for r in rows)
    from branchtui.io.imports import plan_import

    plan = plan_import("members", tmp_path / "v.xlsx")
    assert {r.status for r in plan.rows} == {"错误"} and "遮盖" in plan.rows[0].reason
    login_as("sec1")
    rows = [r for r in _rows(export_list("members", tmp_path / "s.xlsx"))[4:] if r[0]]
    assert all(("*" in r[6]) == (r[1] != "居民一支部") for r in rows)


def test_a_secretary_cannot_import_into_another_branch(demo_db, tmp_path, monkeypatch):
    from branchtui.domain.access import add_user
    from branchtui.domain.idcard import make_id_number
    from branchtui.io.imports import ERROR, NEW, plan_import

    login_as("boss")
    add_user("boss", "admin")
    add_user("sec1", "secretary", "居民一支部")
    login_as("sec1")
    path = tmp_path / "m.csv"
    path.write_text("姓名,身份证号码,入党时间,所在支部\n"
                    f"甲,{make_id_number('410402', dt.date(1980, 1, 1), 11)},2005-07-01,居民一支部\n"
                    f"乙,{make_id_number('410402', dt.date(1980, 1, 1), 21)},2005-07-01,居民二支部\n",
                    encoding="utf-8")
    plan = plan_import("members", path)
    assert [r.status for r in plan.rows] == [NEW, ERROR]
    assert "权限" in plan.rows[1].reason


def test_cli_export_and_report(demo_db, db_path, tmp_path, capsys):
    from branchtui.cli import main

    assert main(["--db", str(db_path), "export", "borrowers", "--to", str(tmp_path / "b.xlsx")]) == 0
    assert "已导出到" in capsys.readouterr().out
    assert main(["--db", str(db_path), "report", "贴息申报表", "--quarter", "2026Q3",
                 "--to", str(tmp_path / "s.xlsx")]) == 0
    assert (tmp_path / "s.xlsx").exists()
    assert main(["--db", str(db_path), "report", "summary", "--to", str(tmp_path / "s.xlsx")]) == 1
    assert ".docx" in capsys.readouterr().err
    assert main(["--db", str(db_path), "report", "nonsense", "--to", str(tmp_path / "x.xlsx")]) == 1
    assert main(["--db", str(db_path), "report", "subsidy", "--quarter", "2026Q5",
                 "--to", str(tmp_path / "x.xlsx")]) == 1
    assert "2026Q3" in capsys.readouterr().err


def test_nothing_heavy_is_imported_by_the_domain_or_the_cli_parser():
    import subprocess
    import sys

    code = ("import sys, branchtui.domain, branchtui.cli; branchtui.cli.build_parser(); "
            "import branchtui.io.imports, branchtui.io.reports, branchtui.io.lists; "
            "bad = [m for m in ('python_calamine', 'xlsxwriter', 'docx', 'textual', 'rich') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
