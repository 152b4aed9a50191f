"""Writing workbooks an office can print and send: a title, who made it and
when, a frozen header row repeated on every printed page, widths that fit
Chinese text, amounts as numbers, dates as dates, ID numbers as text."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

from branchtui.i18n import _

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60


@dataclass(frozen=True)
class Col:
    label: str
    kind: str = "text"  # text / id / date / money / int / percent
    width: int | None = None  # characters; None: fitted to the content


@dataclass
class Table:
    """One sheet: its columns and rows, with what a reader needs to know about it."""

    sheet: str
    title: str
    columns: Sequence[Col]
    rows: Iterable[Sequence]
    notes: Sequence[str] = ()  # committee, filters, as-of date: the line under the title
    totals: Sequence | None = None  # a 合计 row, in the columns' order (None where empty)


def display_width(text: str) -> int:
    """Columns a text takes: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return f"{value:,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def write_workbook(path: str | Path, tables: Sequence[Table], *, made_on: dt.date | None = None) -> Path:
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    made_on = made_on or dt.date.today()
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    font = {"font_name": "宋体", "font_size": 11}
    f = {
        "title": book.add_format({**font, "bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "note": book.add_format({**font, "font_size": 10}),
        "head": book.add_format({**font, "bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                 "bg_color": "#D9E1F2", "text_wrap": True}),
        "text": book.add_format({**font, "border": 1, "valign": "vcenter"}),
        "id": book.add_format({**font, "border": 1, "num_format": "@", "valign": "vcenter"}),
        "date": book.add_format({**font, "border": 1, "num_format": DATE_FORMAT, "align": "center"}),
        "money": book.add_format({**font, "border": 1, "num_format": MONEY_FORMAT}),
        "int": book.add_format({**font, "border": 1, "num_format": "0"}),
        "percent": book.add_format({**font, "border": 1, "num_format": "0.0%"}),
        "total": book.add_format({**font, "border": 1, "bold": True}),
        "total_money": book.add_format({**font, "border": 1, "bold": True, "num_format": MONEY_FORMAT}),
        "total_int": book.add_format({**font, "border": 1, "bold": True, "num_format": "0"}),
        "total_percent": book.add_format({**font, "border": 1, "bold": True, "num_format": "0.0%"}),
    }
    for table in tables:
        _write_sheet(book, f, table, made_on)
    book.close()
    return path


def _write_sheet(book, f, table: Table, made_on: dt.date) -> None:
    sheet = book.add_worksheet(table.sheet[:31])
    columns = list(table.columns)
    last = max(len(columns) - 1, 0)
    widths = [max(display_width(c.label), 4) for c in columns]
    if last:
        sheet.merge_range(0, 0, 0, last, table.title, f["title"])
    else:
        sheet.write(0, 0, table.title, f["title"])
    sheet.set_row(0, 30)
    sheet.write(1, 0, "    ".join(table.notes), f["note"])
    sheet.write(2, 0, _("制表日期：{d}").format(d=made_on.isoformat()), f["note"])
    header = 3
    for c, column in enumerate(columns):
        sheet.write_string(header, c, column.label, f["head"])
    r = header
    for r, row in enumerate(table.rows, start=header + 1):
        for c, (column, value) in enumerate(zip(columns, row)):
            _write_cell(sheet, f, r, c, column.kind, value)
            if column.width is None:
                widths[c] = max(widths[c], display_width(_cell_text(value, column.kind)))
    if table.totals is not None:
        r += 1
        for c, (column, value) in enumerate(zip(columns, table.totals)):
            kind = {"money": "total_money", "int": "total_int", "percent": "total_percent"}.get(column.kind, "total")
            if value is None:
                sheet.write_blank(r, c, None, f["total"])
            elif isinstance(value, str):
                sheet.write_string(r, c, value, f["total"])
            else:
                sheet.write_number(r, c, float(value), f[kind])
    for c, column in enumerate(columns):
        sheet.set_column(c, c, min(column.width or widths[c] + 2, MAX_WIDTH))
    sheet.freeze_panes(header + 1, 0)
    sheet.autofilter(header, 0, max(r, header), last)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(header)
    sheet.fit_to_pages(1, 0)  # as wide as one page, as many pages long as it takes
    sheet.set_footer("&C" + _("第 &P 页，共 &N 页"))


def _write_cell(sheet, f, r: int, c: int, kind: str, value) -> None:
    if value is None or value == "":
        sheet.write_blank(r, c, None, f["text"])
    elif kind == "id":
        sheet.write_string(r, c, str(value), f["id"])
    elif kind == "date" and isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime)
                             else value, f["date"])
    elif kind == "money" and isinstance(value, (int, float, Decimal)):
        sheet.write_number(r, c, float(value), f["money"])
    elif kind in ("int", "percent") and isinstance(value, (int, float, Decimal)):
        sheet.write_number(r, c, float(value), f[kind])
    else:
        sheet.write_string(r, c, str(value), f["text"])


def write_errors(plan) -> Path:
    """The bad rows of an import as they were read, with the reason in a last
    column: corrected, the file imports as it is."""
    import xlsxwriter

    target = plan.path.with_name(plan.path.name + ".errors.xlsx")
    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False, "strings_to_formulas": False})
    head = book.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": DATE_FORMAT})
    reason = book.add_format({"font_color": "#C00000", "text_wrap": True})
    sheet = book.add_worksheet(_("错误行"))
    headers = [h for h in plan.headers]
    width = max(len(headers), max((len(r.cells) for r in plan.bad), default=0))
    for c in range(width):
        value = headers[c] if c < len(headers) else None
        sheet.write_string(0, c, "" if value is None else str(value), head)
    sheet.write_string(0, width, _("错误原因"), head)
    sheet.write_string(0, width + 1, _("原行号"), head)
    for r, row in enumerate(plan.bad, start=1):
        for c, value in enumerate(row.cells):
            if value is None:
                continue
            if isinstance(value, (dt.date, dt.datetime)):
                sheet.write_datetime(r, c, value if isinstance(value, dt.datetime)
                                     else dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, float) and value.is_integer():
                sheet.write_string(r, c, str(int(value)), text)
            else:
                sheet.write_string(r, c, str(value), text)
        sheet.write_string(r, width, row.reason, reason)
        sheet.write_number(r, width + 1, row.line)
    sheet.set_column(0, width - 1, 14)
    sheet.set_column(width, width, 60)
    sheet.freeze_panes(1, 0)
    book.close()
    return target
