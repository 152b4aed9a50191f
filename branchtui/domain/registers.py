"""基本情况底册和动态记录: dated figures of each branch's community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector
from branchtui.domain.parse import clean_text, parse_date, parse_int
from branchtui.i18n import _
from branchtui.store.models import Branch, Register

FIGURES = (("population", "人口"), ("households", "户数"), ("employed", "就业"), ("laid_off", "下岗失业"),
           ("low_income", "低收入户"), ("family_planning", "计生合格户"))


def save_register(data: Mapping[str, Any], *, today: dt.date | None = None) -> Register:
    today = today or dt.date.today()
    with audit.transaction():
        audit.check_role(Register)
        c = Collector()
        day = c.take("date", parse_date, data.get("date"), "date", "统计日期")
        if day and day > today:
            c.add("date", _("统计日期不能晚于今天"))
        values = {key: c.take(key, parse_int, data.get(key), key, label, 0, 10_000_000, required=True)
                  for key, label in FIGURES}
        if values["households"] is not None and values["population"] is not None \
                and values["households"] > values["population"]:
            c.add("households", _("户数不能多于人口"))
        for key in ("employed", "laid_off"):
            if values[key] is not None and values["population"] is not None and values[key] > values["population"]:
                c.add(key, _("不能多于人口"))
        for key, label in (("low_income", "低收入户"), ("family_planning", "计生合格户")):
            if values[key] is not None and values["households"] is not None and values[key] > values["households"]:
                c.add(key, _("{label}不能多于户数").format(label=_(label)))
        notes = c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500)
        branch = c.ref("branch", Branch, data.get("branch"), _("请选择支部"))
        c.raise_if_any()
        register = Register(branch=branch.id, date=day, notes=notes, **values)
        audit.save_audited(register)
    return register


@dataclass(frozen=True)
class RegisterRow:
    branch_id: int
    branch: str
    date: dt.date | None
    figures: dict[str, int]
    change: dict[str, int]  # since the entry before the latest


def latest_registers() -> list[RegisterRow]:
    """Each branch's latest figures and their change since the entry before."""
    by_branch: dict[int, list[Register]] = {}
    for r in Register.select().order_by(Register.branch, Register.date.desc(), Register.id.desc()):
        entries = by_branch.setdefault(r.branch_id, [])
        if len(entries) < 2:
            entries.append(r)
    rows = []
    for branch in Branch.select(Branch.id, Branch.name).order_by(Branch.id):
        entries = by_branch.get(branch.id, [])
        latest = entries[0] if entries else None
        previous = entries[1] if len(entries) > 1 else None
        figures = {key: getattr(latest, key) for key, _l in FIGURES} if latest else {}
        change = {key: getattr(latest, key) - getattr(previous, key) for key, _l in FIGURES} if previous else {}
        rows.append(RegisterRow(branch.id, branch.name, latest.date if latest else None, figures, change))
    return rows
