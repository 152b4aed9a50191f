"""The committee's work summary as a Word document: each sentence written
from the records as of a date, the way the office's own reports put it
(截至…，镇党委已累计为下岗职工提供小额担保贷款72.4万元…), tables beneath."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from branchtui.i18n import _

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


def wan(amount: Decimal | int | float) -> str:
    """Yuan as 万元 the way reports write them: 72.4, 8, 35.47."""
    value = (Decimal(str(amount)) / 10000).quantize(Decimal("0.01"))
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text or "0"


def chinese_date(day: dt.date) -> str:
    return _("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def sentences(summary) -> list[tuple[str, str]]:
    """(heading, paragraph) of the summary, every figure from ``summary``."""
    s = summary
    when = chinese_date(s.as_of)
    out = []
    out.append((_("一、基本情况"), _(
        "截至{when}，{c}下辖{b}个社区党支部，共有党员{m}名，其中正式党员{f}名、预备党员{p}名。").format(
        when=when, c=s.committee, b=len(s.branches), m=s.members, f=s.full, p=s.probationary)))
    if s.rooms:
        if s.rooms_meeting_standard == s.rooms:
            rooms = _("{c}累计投入{w}万元建设党员活动室，实现“一居一支一室”，{n}个党员活动室全部达到“{std}”标准。").format(
                c=s.committee, w=wan(Decimal(s.invested_fen) / 100), n=s.rooms, std=s.standard)
        else:
            missing = _("；").join(_("{room}缺{items}").format(room=m["room"], items=_("、").join(m["items"]))
                                  for m in s.missing_items)
            rooms = _("{c}累计投入{w}万元建设党员活动室，{n}个党员活动室中已有{k}个达到“{std}”标准{rest}。").format(
                c=s.committee, w=wan(Decimal(s.invested_fen) / 100), n=s.rooms, k=s.rooms_meeting_standard,
                std=s.standard, rest=_("，{m}").format(m=missing) if missing else "")
        rooms += _("今年以来，各活动室共开展再就业培训、科普讲座、党员教育等活动{n}次。").format(
            n=s.activities_this_year)
        out.append((_("二、党员活动室建设"), rooms))
    loans = s.loans
    if loans is not None:
        text = _("截至{when}，{c}已累计为下岗职工提供小额担保贷款{w}万元，累计安置下岗职工{r}人再就业，"
                 "今年1至{month}月扶持创办“两户”经济{b}户。").format(
            when=when, c=s.committee, w=wan(loans.disbursed), r=loans.reemployed, month=s.as_of.month,
            b=loans.businesses_this_year)
        text += _("目前贷款余额{o}万元，逾期{n}笔，30天以上风险贷款占比{par}%。").format(
            o=wan(loans.outstanding), n=loans.overdue_count,
            par=f"{(loans.par30 * 100).quantize(Decimal('0.1'))}")
        out.append((_("三、小额担保贷款与再就业"), text))
    expected = sum(b.target_expected for b in s.branches)
    counted = sum(b.target_counted for b in s.branches)
    if expected:
        behind = _("、").join(b.name for b in s.behind)
        text = _("今年“122”工程共确定目标{e}项，已完成{a}项，完成率{r}%").format(
            e=expected, a=counted, r=f"{Decimal(counted * 100) / expected:.1f}")
        text += (_("；{names}进度相对落后，需加快推进。").format(names=behind) if behind else _("。"))
        out.append((_("四、“122”工程"), text))
    if s.campaign_phases:
        out.append((_("五、先进性教育活动"), _(
            "先进性教育活动分{n}个阶段在{b}个支部开展，已有{d}个支部完成全部阶段。").format(
            n=s.campaign_phases, b=len(s.branches), d=s.campaign_done)))
    return out


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, size: float = 14, bold: bool = False, font: str = BODY_FONT,
               center: bool = False, indent: bool = True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.5
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, headers: list[str], rows: list[list], widths_cm: list[float]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        _font(run, TITLE_FONT, 10.5, True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            run = cell.paragraphs[0].add_run(str(value))
            _font(run, TITLE_FONT, 10.5)
            if not isinstance(value, str) or value.replace(".", "").replace("/", "").isdigit():
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def write_summary(path: str | Path, as_of: dt.date) -> Path:
    from docx import Document
    from docx.shared import Cm

    from branchtui.domain.summary import town_summary

    s = town_summary(as_of)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    _paragraph(doc, _("{c}基层党建工作情况汇报").format(c=s.committee), size=22, font=TITLE_FONT, bold=True,
               center=True)
    _paragraph(doc, _("（截至{d}）").format(d=chinese_date(as_of)), size=14, center=True)
    for heading, text in sentences(s):
        _paragraph(doc, heading, size=16, bold=True, font="黑体")
        _paragraph(doc, text)
    _paragraph(doc, _("附表1  各支部基本情况"), size=14, bold=True, indent=False)
    _table(doc, [_("支部"), _("书记"), _("党员"), _("正式"), _("预备"), _("活动室"), _("“{s}”").format(s=s.standard),
                 _("122目标完成")],
           [[b.name, b.secretary, b.members, b.full, b.probationary, _("有") if b.room else _("无"),
             _("达标") if b.room_meets else _("未达标"),
             f"{b.target_counted}/{b.target_expected}" if b.target_expected else "—"] for b in s.branches]
           + [[_("合计"), "", s.members, s.full, s.probationary, s.rooms, s.rooms_meeting_standard,
               f"{sum(b.target_counted for b in s.branches)}/{sum(b.target_expected for b in s.branches)}"]],
           [2.8, 1.8, 1.4, 1.4, 1.4, 1.6, 2.0, 2.6])
    if s.loans is not None:
        loans = s.loans
        _paragraph(doc, "", indent=False)
        _paragraph(doc, _("附表2  小额担保贷款情况"), size=14, bold=True, indent=False)
        _table(doc, [_("项目"), _("数值")], [
            [_("累计发放贷款（笔）"), loans.count],
            [_("累计发放金额（万元）"), wan(loans.disbursed)],
            [_("贷款余额（万元）"), wan(loans.outstanding)],
            [_("逾期贷款（笔）"), loans.overdue_count],
            [_("今年应享贴息（万元）"), wan(loans.subsidy_this_year)],
            [_("累计安置再就业（人）"), loans.reemployed],
            [_("今年扶持“两户”（户）"), loans.businesses_this_year],
        ], [9.0, 6.0])
    _paragraph(doc, "", indent=False)
    right = _paragraph(doc, s.committee, indent=False)
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(doc, chinese_date(dt.date.today()), indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
