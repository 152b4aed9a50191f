"""Files written by another program, and ours read by another program:
LibreOffice Calc makes the workbooks the import reads, and opens every
exported workbook and the Word summary, whose figures must be those of
``summary --json``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from decimal import Decimal

import pytest

from branchtui.domain.idcard import make_id_number
from tests.conftest import TODAY

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def soffice(tmp_path, target: str, *files, infilter: str | None = None) -> None:
    """Convert ``files`` with LibreOffice headless into tmp_path/out, with a
    profile of its own (several may run at once on one machine)."""
    command = ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
               "--convert-to", target, "--outdir", str(tmp_path / "out")]
    if infilter:
        command.append(f"--infilter={infilter}")
    subprocess.run([*command, *map(str, files)], check=True, capture_output=True, timeout=300)


PEOPLE = [
    ("王新民", make_id_number("410402", dt.date(1970, 3, 8), 11), "1998-07-01", "1999-07-01", "居民一支部"),
    ("李娟", make_id_number("410402", dt.date(1985, 12, 1), 22), "2010-07-01", "", "居民二支部"),
]


def _csv(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "身份证号码", "入党时间", "转正时间", "所在支部"])
    writer.writerows(PEOPLE)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_calc_workbooks_import_and_a_number_stored_id_column_is_explained(demo_db, tmp_path):
    from branchtui.io.imports import ERROR, NEW, apply_import, plan_import
    from branchtui.store.models import Member

    as_numbers = _csv(tmp_path / "numbers.csv")
    as_text = _csv(tmp_path / "text.csv")
    # Column 2 as text (format 2) in text.csv; numbers.csv lets Calc guess,
    # which is what a clerk typing into a fresh sheet gets: a number.
    soffice(tmp_path, "xlsx", as_numbers, infilter="CSV:44,34,76")
    soffice(tmp_path, "xlsx", as_text, infilter="CSV:44,34,76,1,1/1/2/2/3/5/4/5/5/1")
    soffice(tmp_path, "ods", as_text, infilter="CSV:44,34,76,1,1/1/2/2/3/5/4/5/5/1")
    out = tmp_path / "out"

    plan = plan_import("members", out / "numbers.xlsx")
    assert [r.status for r in plan.rows] == [ERROR, ERROR]
    assert all("Excel 只保留 15 位有效数字" in r.reason for r in plan.rows)

    for name in ("text.xlsx", "text.ods"):
        plan = plan_import("members", out / name)
        assert [r.status for r in plan.rows] == [NEW, NEW], [r.reason for r in plan.rows]
    apply_import(plan_import("members", out / "text.ods"))
    wang = Member.get(Member.id_number == PEOPLE[0][1])
    assert (wang.join_date, wang.full_date, wang.branch.name) == (dt.date(1998, 7, 1), dt.date(1999, 7, 1),
                                                                  "居民一支部")
    assert {r.status for r in plan_import("members", out / "text.xlsx").rows} == {"不变"}


def _sheet_csv(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else Decimal(0)


def test_reports_opened_by_calc_and_writer_carry_the_summary_figures(demo_db, tmp_path):
    from branchtui.domain.summary import town_summary
    from branchtui.io.reports import write_report

    figures = json.loads(json.dumps(town_summary(TODAY).to_json()))
    files = [write_report(kind, tmp_path / f"{kind}.xlsx", as_of=TODAY)
             for kind in ("roster", "rooms", "loans", "overdue", "targets")]
    files.append(write_report("subsidy", tmp_path / "subsidy.xlsx", as_of=TODAY, quarter="2026Q3"))
    summary = write_report("summary", tmp_path / "summary.docx", as_of=TODAY)
    # UTF-8 CSV of each workbook's first sheet, as Calc computes and shows it
    soffice(tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", *files)
    soffice(tmp_path, "txt:Text (encoded):UTF8", summary)
    out = tmp_path / "out"

    roster = _sheet_csv(out / "roster.csv")
    assert roster[0][0] == f"{figures['committee']}党员名册" and roster[3][:3] == ["序号", "所在支部", "姓名"]
    people = [r for r in roster[4:] if r[0].isdigit()]
    assert len(people) == figures["members"]["total"]
    assert sum(1 for r in people if r[10] == "预备党员") == figures["members"]["probationary"]
    assert all(len(r[6]) == 18 for r in people)  # ID numbers stayed text, all 18 characters

    loans = _sheet_csv(out / "loans.csv")
    total = next(r for r in loans if r[0] == "合计")
    assert _number(total[4]) * 100 == figures["loans"]["disbursed_fen"]
    assert _number(total[7]) * 100 == figures["loans"]["outstanding_fen"]
    assert total[3] == f"{figures['loans']['count']} 笔"

    overdue = [r for r in _sheet_csv(out / "overdue.csv")[4:] if r[0].isdigit()]
    assert len(overdue) == figures["loans"]["overdue_count"]

    rooms = [r for r in _sheet_csv(out / "rooms.csv")[4:] if r[0].isdigit()]
    assert len(rooms) == figures["rooms"]["total"]
    assert sum(1 for r in rooms if "达标" == r[-2]) == figures["rooms"]["meeting_standard"]

    targets = _sheet_csv(out / "targets.csv")
    total = next(r for r in targets if r[0] == "合计")
    assert (int(total[2]), int(total[3])) == (figures["targets"]["expected"], figures["targets"]["actual"])

    subsidy = _sheet_csv(out / "subsidy.csv")
    assert "2026年第3季度" in subsidy[0][0]
    assert next(r for r in subsidy if r[0] == "合计")

    text = (out / "summary.txt").read_text(encoding="utf-8-sig")
    wan = (Decimal(figures["loans"]["disbursed_fen"]) / 1000000).normalize()
    assert f"截至2026年11月27日，{figures['committee']}已累计为下岗职工提供小额担保贷款{wan}万元" in text
    assert f"累计安置下岗职工{figures['reemployed']}人再就业" in text
    assert f"今年1至11月扶持创办“两户”经济{figures['businesses_this_year']}户" in text
    assert f"共有党员{figures['members']['total']}名" in text
    if figures["rooms"]["meeting_standard"] == figures["rooms"]["total"]:
        assert f"{figures['rooms']['total']}个党员活动室全部达到“三个一”标准" in text


def test_export_of_the_members_list_prints_on_a4_landscape_with_the_header_repeated(demo_db, tmp_path):
    from branchtui.io.lists import export_list

    path = export_list("members", tmp_path / "members.xlsx", query="王")
    soffice(tmp_path, "pdf", path)
    pdf = tmp_path / "out" / "members.pdf"
    assert pdf.stat().st_size > 0
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
        assert round(width) == 842 and round(height) == 595  # A4 landscape in points
