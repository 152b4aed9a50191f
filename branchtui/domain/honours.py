"""Year-end appraisals (目标、制度、任务三落实) and honours."""

from __future__ import annotations

from typing import Any, Mapping

from peewee import JOIN

from branchtui.domain import audit
from branchtui.domain.errors import Collector
from branchtui.domain.parse import clean_text, parse_choice, parse_int
from branchtui.i18n import _
from branchtui.store.models import Appraisal, Branch, Honour

LEVELS = ("区级", "市级", "省级")


def _flag(value) -> bool:
    return str(value).strip() in ("是", "1", "True", "true", "✓")


def save_appraisal(data: Mapping[str, Any]) -> Appraisal:
    with audit.transaction():
        audit.check_role(Appraisal)
        c = Collector()
        year = c.take("year", parse_int, data.get("year"), "year", "年度", 1990, 2100, required=True)
        score = c.take("score", parse_int, data.get("score"), "score", "得分", 0, 100)
        notes = {key: c.take(key, clean_text, data.get(key), key, label, 200)
                 for key, label in (("goals_note", "目标落实说明"), ("rules_note", "制度落实说明"),
                                    ("tasks_note", "任务落实说明"))}
        secretary = c.take("secretary", clean_text, data.get("secretary"), "secretary", "书记", 30)
        branch = c.ref("branch", Branch, data.get("branch"), _("请选择支部"))
        c.raise_if_any()
        row = Appraisal.get_or_none((Appraisal.branch == branch.id) & (Appraisal.year == year))
        row = row or Appraisal(branch=branch.id, year=year)
        row.secretary, row.score = secretary, score
        row.goals_ok, row.rules_ok, row.tasks_ok = (_flag(data.get(k)) for k in ("goals_ok", "rules_ok", "tasks_ok"))
        for key, value in notes.items():
            setattr(row, key, value)
        audit.save_audited(row)
    return row


def save_honour(data: Mapping[str, Any]) -> Honour:
    with audit.transaction():
        audit.check_role(Honour)
        c = Collector()
        name = c.take("name", clean_text, data.get("name"), "name", "荣誉称号", 40, required=True)
        level = c.take("level", parse_choice, data.get("level"), LEVELS, "level", "级别")
        year = c.take("year", parse_int, data.get("year"), "year", "年度", 1949, 2100, required=True)
        person = c.take("person", clean_text, data.get("person"), "person", "获奖个人", 30)
        branch = c.ref("branch", Branch, data.get("branch"), _("所选支部不存在"), required=False)
        branch_id = branch.id if branch else None
        if not branch_id and not person and "branch" not in c.errors:
            c.add("person", _("请填写获奖的支部或个人"))
        c.raise_if_any()
        honour = Honour(name=name, level=level, year=year, branch=branch_id, person=person)
        audit.save_audited(honour)
    return honour


def honours(limit: int = 100) -> list[Honour]:
    return list(Honour.select(Honour, Branch).join(Branch, JOIN.LEFT_OUTER)
                .order_by(Honour.year.desc(), Honour.id).limit(limit))


def appraisals(limit: int = 200) -> list[Appraisal]:
    return list(Appraisal.select(Appraisal, Branch).join(Branch)
                .order_by(Appraisal.year.desc(), Branch.id).limit(limit))
