"""Dated policy records of the guaranteed-loan programme: ceilings, terms,
subsidy, payout waiting period. Never constants in code: they change."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.parse import clean_text, parse_date, parse_int, parse_money
from branchtui.i18n import _
from branchtui.store.models import Policy


def policy_on(day: dt.date) -> Policy:
    """The policy in force on ``day``."""
    policy = (Policy.select().where(Policy.effective_from <= day)
              .order_by(Policy.effective_from.desc(), Policy.id.desc()).first())
    if policy is None:
        raise NotFound(_("{d} 没有生效的贷款政策，请先登记政策").format(d=day.isoformat()))
    return policy


def save_policy(data: Mapping[str, Any]) -> Policy:
    with audit.transaction():
        return _save_policy(data)


def _save_policy(data: Mapping[str, Any]) -> Policy:
    c = Collector()
    v = {
        "effective_from": c.take("effective_from", parse_date, data.get("effective_from"),
                                 "effective_from", "生效日期"),
        "name": c.take("name", clean_text, data.get("name"), "name", "政策名称", 60),
        "ceiling_person": c.take("ceiling_person", parse_money, data.get("ceiling_person"),
                                 "ceiling_person", "个人贷款上限", required=True, allow_zero=False),
        "ceiling_partnership": c.take("ceiling_partnership", parse_money, data.get("ceiling_partnership"),
                                      "ceiling_partnership", "合伙贷款上限", required=True, allow_zero=False),
        "max_term_months": c.take("max_term_months", parse_int, data.get("max_term_months"),
                                  "max_term_months", "最长期限（月）", 1, 120, required=True),
        "subsidy_percent": c.take("subsidy_percent", parse_int, data.get("subsidy_percent", 100),
                                  "subsidy_percent", "财政贴息比例（%）", 0, 100, required=True),
        "payout_wait_days": c.take("payout_wait_days", parse_int, data.get("payout_wait_days", 90),
                                   "payout_wait_days", "代偿等待期（天）", 0, 3650, required=True),
        "max_extension_months": c.take("max_extension_months", parse_int,
                                       data.get("max_extension_months", 12), "max_extension_months",
                                       "最长展期（月）", 0, 12, required=True),
        "notes": c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
    }
    c.raise_if_any()
    policy = Policy(**v)
    audit.save_audited(policy)
    return policy
