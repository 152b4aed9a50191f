"""The overview's figures as a Rich table for ``branchtui summary``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from branchtui.domain.summary import TownSummary
from branchtui.i18n import _


def print_summary(summary: TownSummary) -> None:
    table = Table(title=_("{committee}概况（截至 {as_of}）").format(
        committee=summary.committee, as_of=summary.as_of.isoformat()))
    for column in ("支部", "书记", "党员", "正式", "预备", "活动室"):
        table.add_column(_(column), justify="right" if column in ("党员", "正式", "预备") else "left")
    for b in summary.branches:
        table.add_row(b.name, b.secretary, str(b.members), str(b.full), str(b.probationary),
                      b.room or _("无"))
    table.add_section()
    table.add_row(_("合计"), "", str(summary.members), str(summary.full), str(summary.probationary),
                  f"{summary.rooms}/{len(summary.branches)}")
    Console().print(table)
