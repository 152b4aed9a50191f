"""The party education campaign (先进性教育活动): phases are data, each branch
reaches them in turn; symposiums, survey forms, problems and rectification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.parse import clean_text, parse_choice, parse_date, parse_int, record_id
from branchtui.i18n import _
from branchtui.store.models import (Branch, Campaign, CampaignBranch, CampaignPhase, Member, Problem,
                                    Survey)

PROBLEM_STATUSES = ("待整改", "整改中", "已整改")
SURVEY_KINDS = ("座谈会", "调查表")


def current_campaign() -> Campaign | None:
    return Campaign.select().order_by(Campaign.start.desc(), Campaign.id.desc()).first()


def phases_of(campaign_id: int) -> list[CampaignPhase]:
    campaign = record_id(campaign_id)
    if campaign is None:  # names no campaign: no phases
        return []
    return list(CampaignPhase.select().where(CampaignPhase.campaign == campaign).order_by(CampaignPhase.position))


def _campaign_id(campaign_id) -> int:
    """The id of the campaign ``campaign_id`` names, or NotFound."""
    campaign = record_id(campaign_id)
    if campaign is None or not Campaign.select().where(Campaign.id == campaign).exists():
        raise NotFound(_("所选{label}不存在").format(label=_("活动")))
    return campaign


def create_campaign(data: Mapping[str, Any], phases: list[Mapping[str, Any]]) -> Campaign:
    """A campaign with its phases, whose dates must run in order."""
    with audit.transaction():
        audit.check_role(Campaign)
        c = Collector()
        name = c.take("name", clean_text, data.get("name"), "name", "活动名称", 60, required=True)
        theme = c.take("theme", clean_text, data.get("theme"), "theme", "主题", 100)
        start = c.take("start", parse_date, data.get("start"), "start", "开始日期")
        end = c.take("end", parse_date, data.get("end"), "end", "结束日期", required=False)
        if start and end and end < start:
            c.add("end", _("结束日期不能早于开始日期"))
        clean = []
        previous_end = start
        for index, phase in enumerate(phases, start=1):
            field = f"phase{index}"
            label = _("第{n}阶段").format(n=index)
            pname = c.take(field, clean_text, phase.get("name"), field, label, 40, required=True)
            p_start = c.take(field, parse_date, phase.get("planned_start"), field, label + _("开始"))
            p_end = c.take(field, parse_date, phase.get("planned_end"), field, label + _("结束"))
            if p_start and p_end and p_end < p_start:
                c.add(field, _("{label}结束日期早于开始日期").format(label=label))
            if p_start and previous_end and p_start < previous_end and index > 1:
                c.add(field, _("{label}开始于上一阶段结束之前：阶段日期须依次排列").format(label=label))
            if p_start and start and p_start < start:
                c.add(field, _("{label}早于活动开始日期").format(label=label))
            previous_end = p_end or previous_end
            clean.append((pname, p_start, p_end))
        if not phases:
            c.add("phase1", _("至少要有一个阶段"))
        c.raise_if_any()
        campaign = Campaign(name=name, theme=theme, start=start, end=end)
        audit.save_audited(campaign)
        for position, (pname, p_start, p_end) in enumerate(clean, start=1):
            audit.save_audited(CampaignPhase(campaign=campaign, position=position, name=pname,
                                             planned_start=p_start, planned_end=p_end))
    return campaign


def record_phase(campaign_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> CampaignPhase:
    """A phase actually started or ended; actual dates in order too."""
    today = today or dt.date.today()
    with audit.transaction():
        audit.check_role(CampaignPhase)
        c = Collector()
        phase = c.ref("phase", CampaignPhase, data.get("phase"), _("请选择阶段"))
        if phase is not None and phase.campaign_id != record_id(campaign_id):
            c.add("phase", _("所选阶段不属于本次活动"))
        c.raise_if_any()
        a_start = c.take("actual_start", parse_date, data.get("actual_start"), "actual_start", "实际开始",
                         required=False)
        a_end = c.take("actual_end", parse_date, data.get("actual_end"), "actual_end", "实际结束", required=False)
        for key, day in (("actual_start", a_start), ("actual_end", a_end)):
            if day and day > today:
                c.add(key, _("日期不能晚于今天"))
        if a_start and a_end and a_end < a_start:
            c.add("actual_end", _("实际结束日期不能早于实际开始日期"))
        if a_end and not a_start:
            c.add("actual_start", _("先填写实际开始日期"))
        phases = phases_of(campaign_id)
        later = [p for p in phases if p.position > phase.position]
        if later and later[0].actual_start:
            nxt = later[0]
            if not a_end:
                c.add("actual_end", _("下一阶段“{name}”已经开始，本阶段须有结束日期").format(name=nxt.name))
            elif a_end > nxt.actual_start:
                c.add("actual_end", _("不能晚于下一阶段的开始日期 {d}").format(d=nxt.actual_start.isoformat()))
        earlier = [p for p in phases if p.position < phase.position]
        if a_start and earlier:
            prev = earlier[-1]
            if not prev.actual_end:
                c.add("actual_start", _("上一阶段“{name}”尚未结束").format(name=prev.name))
            elif a_start < prev.actual_end:
                c.add("actual_start", _("不能早于上一阶段的结束日期 {d}").format(d=prev.actual_end.isoformat()))
        c.raise_if_any()
        phase.actual_start, phase.actual_end = a_start, a_end
        audit.save_audited(phase)
    return phase


def set_branch_progress(campaign_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> CampaignBranch:
    """The phase a branch has reached and the members taking part."""
    today = today or dt.date.today()
    with audit.transaction():
        audit.check_role(CampaignBranch)
        campaign_id = _campaign_id(campaign_id)
        c = Collector()
        branch = c.ref("branch", Branch, data.get("branch"), _("请选择支部"))
        phases = phases_of(campaign_id)
        phase = next((p for p in phases if str(p.id) == str(data.get("phase", ""))), None)
        if data.get("phase") not in (None, "") and phase is None:
            c.add("phase", _("所选阶段不属于本次活动"))
        members = c.take("members_taking_part", parse_int, data.get("members_taking_part"),
                         "members_taking_part", "参加党员数", 0, 100000, default=0)
        done = c.take("completed_on", parse_date, data.get("completed_on"), "completed_on", "完成日期",
                      required=False)
        if branch is not None and members:
            in_branch = Member.select().where((Member.branch == branch.id) & (Member.status == "正常")).count()
            if members > in_branch:
                c.add("members_taking_part", _("参加党员数不能多于本支部在册党员 {n} 人").format(n=in_branch))
        if done:
            if done > today:
                c.add("completed_on", _("完成日期不能晚于今天"))
            if phase is None or phase.position != phases[-1].position:
                c.add("completed_on", _("到最后一个阶段才能标记完成"))
        c.raise_if_any()
        row = CampaignBranch.get_or_none((CampaignBranch.campaign == campaign_id)
                                         & (CampaignBranch.branch == branch.id))
        row = row or CampaignBranch(campaign=campaign_id, branch=branch.id)
        row.phase, row.members_taking_part, row.completed_on = (phase.id if phase else None), members, done
        audit.save_audited(row)
    return row


def add_survey(campaign_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Survey:
    today = today or dt.date.today()
    with audit.transaction():
        audit.check_role(Survey)
        c = Collector()
        kind = c.take("kind", parse_choice, data.get("kind"), SURVEY_KINDS, "kind", "形式")
        day = c.take("date", parse_date, data.get("date"), "date", "日期")
        issued = c.take("issued", parse_int, data.get("issued"), "issued", "发出份数", 0, 1000000, default=0)
        returned = c.take("returned", parse_int, data.get("returned"), "returned", "收回份数", 0, 1000000, default=0)
        notes = c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500)
        if day and day > today:
            c.add("date", _("日期不能晚于今天"))
        if issued is not None and returned is not None and returned > issued:
            c.add("returned", _("收回份数不能多于发出份数"))
        branch = c.ref("branch", Branch, data.get("branch"), _("所选支部不存在"), required=False)
        c.raise_if_any()
        survey = Survey(campaign=campaign_id, branch=branch.id if branch else None,
                        kind=kind, date=day, issued=issued, returned=returned, notes=notes)
        audit.save_audited(survey)
    return survey


def save_problem(campaign_id: int, data: Mapping[str, Any], *, problem_id: int | None = None) -> Problem:
    with audit.transaction():
        campaign_id = _campaign_id(campaign_id)
        if problem_id:
            problem = Problem.get_or_none((Problem.id == record_id(problem_id)) & (Problem.campaign == campaign_id))
            if problem is None:
                raise NotFound(_("问题记录不存在（可能已被他人删除）"))
        else:
            problem = Problem(campaign=campaign_id)
        audit.check_role(Problem, problem if problem_id else None)
        c = Collector()
        raised = c.take("raised", clean_text, data.get("raised"), "raised", "反映的问题", 200, required=True)
        source = c.take("source", parse_choice, data.get("source") or "调查表", SURVEY_KINDS, "source", "来源")
        rectification = c.take("rectification", clean_text, data.get("rectification"), "rectification",
                               "整改措施", 200)
        status = c.take("status", parse_choice, data.get("status") or "待整改", PROBLEM_STATUSES, "status",
                        "整改状态")
        due = c.take("due", parse_date, data.get("due"), "due", "整改期限", required=False)
        if status == "已整改" and not rectification:
            c.add("rectification", _("已整改的问题须写明整改措施"))
        branch = c.ref("branch", Branch, data.get("branch"), _("所选支部不存在"), required=False)
        c.raise_if_any()
        problem.branch = branch.id if branch else None
        problem.raised, problem.source, problem.rectification, problem.status, problem.due = (
            raised, source, rectification, status, due)
        audit.save_audited(problem)
    return problem


@dataclass(frozen=True)
class Board:
    campaign: Campaign | None
    phases: list[CampaignPhase]
    rows: list[tuple[int, str, int | None, int, dt.date | None]]  # branch id, name, phase position, members, done
    surveys: list[Survey]
    problems: list[Problem]

    @property
    def branches_done(self) -> int:
        return sum(1 for row in self.rows if row[4] is not None)


def board(as_of: dt.date | None = None) -> Board:
    campaign = current_campaign()
    if campaign is None:
        return Board(None, [], [], [], [])
    phases = phases_of(campaign.id)
    position = {p.id: p.position for p in phases}
    progress = {cb.branch_id: cb for cb in CampaignBranch.select().where(CampaignBranch.campaign == campaign.id)}
    rows = []
    for branch in Branch.select(Branch.id, Branch.name).order_by(Branch.id):
        cb = progress.get(branch.id)
        done = cb.completed_on if cb and (as_of is None or (cb.completed_on and cb.completed_on <= as_of)) else None
        rows.append((branch.id, branch.name, position.get(cb.phase_id) if cb else None,
                     cb.members_taking_part if cb else 0, done))
    surveys = list(Survey.select().where(Survey.campaign == campaign.id).order_by(Survey.date))
    problems = list(Problem.select().where(Problem.campaign == campaign.id).order_by(Problem.id))
    return Board(campaign, phases, rows, surveys, problems)
