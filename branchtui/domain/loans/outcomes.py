"""What the loans achieved: businesses started (两户) and people re-employed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector
from branchtui.domain.parse import clean_name, clean_text, parse_choice, parse_date, parse_int
from branchtui.i18n import _
from branchtui.store.models import Branch, Business, Loan, Placement

BUSINESS_KINDS = ("个体工商户", "私营企业")
CHANNELS = ("贷款", "培训", "推荐", "其他")


def _ref(model, value, field: str, label: str, c: Collector):
    found = c.ref(field, model, value, _("所选{label}不存在").format(label=_(label)), required=False)
    return found.id if found else None


def _day(data, key: str, label: str, today: dt.date, c: Collector):
    day = c.take(key, parse_date, data.get(key), key, label)
    if day and day > today:
        c.add(key, _("{label}不能晚于今天").format(label=_(label)))
    return day


def save_business(data: Mapping[str, Any], *, today: dt.date | None = None) -> Business:
    today = today or dt.date.today()
    with audit.transaction():  # the branch and loan referred to are read where they are written
        audit.check_role(Business)
        return _save_business(data, today)


def _save_business(data, today: dt.date) -> Business:
    c = Collector()
    business = Business(
        name=c.take("name", clean_text, data.get("name"), "name", "字号名称", 60, required=True),
        kind=c.take("kind", parse_choice, data.get("kind"), BUSINESS_KINDS, "kind", "类型"),
        owner=c.take("owner", clean_text, data.get("owner"), "owner", "业主", 30),
        registered=_day(data, "registered", "登记日期", today, c),
        employees=c.take("employees", parse_int, data.get("employees"), "employees", "从业人数", 1, 100000, default=1),
        branch=_ref(Branch, data.get("branch"), "branch", "支部", c),
        loan=_ref(Loan, data.get("loan"), "loan", "贷款", c),
        sample=bool(data.get("sample", False)),
        notes=c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
    )
    c.raise_if_any()
    audit.save_audited(business)
    return business


def save_placement(data: Mapping[str, Any], *, today: dt.date | None = None) -> Placement:
    today = today or dt.date.today()
    with audit.transaction():
        audit.check_role(Placement)
        return _save_placement(data, today)


def _save_placement(data, today: dt.date) -> Placement:
    c = Collector()
    placement = Placement(
        person=c.take("person", clean_name, data.get("person"), "person", "姓名"),
        date=_day(data, "date", "安置日期", today, c),
        channel=c.take("channel", parse_choice, data.get("channel"), CHANNELS, "channel", "渠道"),
        branch=_ref(Branch, data.get("branch"), "branch", "支部", c),
        loan=_ref(Loan, data.get("loan"), "loan", "贷款", c),
        sample=bool(data.get("sample", False)),
        notes=c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
    )
    c.raise_if_any()
    audit.save_audited(placement)
    return placement
