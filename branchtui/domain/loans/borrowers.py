"""Borrowers: persons, usually not party members, often laid off (下岗)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from peewee import JOIN

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.access import current_role, mask_id_for
from branchtui.domain.idcard import parse_id_number
from branchtui.domain.parse import clean_name, clean_text, parse_choice, parse_mobile, record_id
from branchtui.domain.search import name_condition
from branchtui.i18n import _
from branchtui.store.models import Borrower, Branch

STATUSES = ("下岗", "失业", "其他")


def validate_borrower(data: Mapping[str, Any], *, borrower_id: int | None = None,
                      today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    c = Collector()
    v = {
        "name": c.take("name", clean_name, data.get("name")),
        "phone": c.take("phone", parse_mobile, data.get("phone")),
        "address": c.take("address", clean_text, data.get("address"), "address", "住址", 120),
        "status": c.take("status", parse_choice, data.get("status") or "下岗", STATUSES, "status", "就业状况"),
        "certificate_no": c.take("certificate_no", clean_text, data.get("certificate_no"),
                                 "certificate_no", "再就业优惠证号", 30),
        "notes": c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
        "sample": bool(data.get("sample", False)),
    }
    info = c.take("id_number", parse_id_number, data.get("id_number"))
    if info is not None:
        if info.birth_date > today:
            c.add("id_number", _("身份证号码中的出生日期晚于今天"))
        v.update(id_number=info.number, birth_date=info.birth_date, gender=info.gender)
        clash = Borrower.get_or_none((Borrower.id_number == info.number) & (Borrower.id != (borrower_id or 0)))
        if clash:
            c.add("id_number", _("该身份证号码已登记为借款人：{name}").format(name=clash.name))
    branch = c.ref("branch", Branch, data.get("branch"), _("所选支部不存在"), required=False)
    v["branch"] = branch.id if branch else None
    c.raise_if_any()
    return v


def get_borrower(borrower_id: int) -> Borrower:
    borrower = Borrower.get_or_none(Borrower.id == record_id(borrower_id))
    if borrower is None:
        raise NotFound(_("借款人不存在（可能已被他人删除）"))
    return borrower


def save_borrower(data: Mapping[str, Any], *, borrower_id: int | None = None,
                  today: dt.date | None = None) -> Borrower:
    with audit.transaction():  # the duplicate-number check sees what the database holds now
        borrower = get_borrower(borrower_id) if borrower_id else Borrower()
        before = audit.snapshot(borrower) if borrower_id else None
        return audit.save_named(borrower, validate_borrower(data, borrower_id=borrower_id, today=today), before,
                                clash_field="id_number", clash_message=_("该身份证号码已登记为借款人"))


@dataclass(frozen=True)
class BorrowerRow:
    id: int
    name: str
    status: str
    branch: str
    id_masked: str
    phone: str


def search_borrowers(query: str = "", limit: int = 200, offset: int = 0) -> list[BorrowerRow]:
    select = (Borrower.select(Borrower.id, Borrower.name, Borrower.status, Borrower.id_number,
                              Borrower.phone, Branch.name.alias("branch_name"))
              .join(Branch, JOIN.LEFT_OUTER, on=(Borrower.branch == Branch.id)))
    condition = name_condition(Borrower, query, Borrower.id_number, Borrower.phone)
    if condition is not None:
        select = select.where(condition)
    select = (select.select_extend(Borrower.branch).order_by(Borrower.name_pinyin, Borrower.id)
              .limit(limit).offset(offset))
    who = current_role()
    return [BorrowerRow(b.id, b.name, b.status, b.branch_name or "",
                        mask_id_for(b.id_number, b.branch_id, who=who), b.phone)
            for b in select.objects()]


def borrower_choices(limit: int = 2000) -> list[tuple[str, str]]:
    return [(f"{b.name}（{b.id_masked[-4:]}）", str(b.id)) for b in search_borrowers(limit=limit)]
