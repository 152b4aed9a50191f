"""The overview's figures as Rich tables for ``branchtui summary``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from branchtui.domain.summary import TownSummary
from branchtui.i18n import _


def _wan(fen_or_yuan, fen: bool = False) -> str:
    yuan = fen_or_yuan / 100 if fen else fen_or_yuan
    return _("{wan:.2f}万元").format(wan=yuan / 10000)


def print_summary(summary: TownSummary) -> None:
    console = Console()
    table = Table(title=_("{committee}概况（截至 {as_of}）").format(
        committee=summary.committee, as_of=summary.as_of.isoformat()))
    for column, right in (("支部", False), ("书记", False), ("党员", True), ("正式/预备", True),
                          ("今年目标进度", True), ("活动室达标", True)):
        table.add_column(_(column), justify="right" if right else "left")
    for b in summary.branches:
        progress = f"{b.target_ratio:.0%}" if b.target_ratio is not None else "—"
        room = f"{b.room_passed or 0}/{b.room_items}" if b.room else _("无")
        table.add_row(b.name, b.secretary, str(b.members), f"{b.full}/{b.probationary}", progress, room)
    table.add_section()
    table.add_row(_("合计"), "", str(summary.members), f"{summary.full}/{summary.probationary}", "",
                  f"{summary.rooms_meeting_standard}/{len(summary.branches)}")
    console.print(table)

    figures = Table(show_header=False, box=None)
    figures.add_column(style="bold")
    figures.add_column()
    figures.add_row(_("活动室"), _("{m}/{n} 达“{std}”标准，投入 {wan}").format(
        m=summary.rooms_meeting_standard, n=len(summary.branches), std=summary.standard,
        wan=_wan(summary.invested_fen, fen=True)))
    loans = summary.loans
    if loans is not None:
        figures.add_row(_("担保贷款"), _("累计 {d}（{n} 笔），余额 {o}，逾期 {od} 笔，PAR30 {p:.2%}").format(
            d=_wan(loans.disbursed), n=loans.count, o=_wan(loans.outstanding), od=loans.overdue_count, p=loans.par30))
        figures.add_row(_("再就业"), _("安置 {r} 人，今年扶持“两户” {b} 户，贷款带动就业 {j} 个").format(
            r=loans.reemployed, b=loans.businesses_this_year, j=loans.jobs_created))
    figures.add_row(_("今年活动"), _("{n} 次").format(n=summary.activities_this_year))
    if summary.behind:
        figures.add_row(_("进度落后"), _("、").join(f"{b.name} {b.target_ratio:.0%}" for b in summary.behind))
    console.print(figures)
