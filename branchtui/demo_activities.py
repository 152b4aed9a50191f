"""The demo's activities, 122 targets, education campaign, registers and honours.

Activities run through this year in all 8 rooms (trainings, lectures,
literacy classes, party lessons); every branch has targets; the four-phase
campaign is under way with the 74 members; the honours are the report's.
"""

from __future__ import annotations

import datetime as dt
import random

from branchtui.domain.activities import kind_choices, members_in_good_standing, save_activity
from branchtui.domain.campaign import (add_survey, create_campaign, phases_of, record_phase, save_problem,
                                      set_branch_progress)
from branchtui.domain.honours import save_appraisal, save_honour
from branchtui.domain.registers import save_register
from branchtui.domain.targets import set_target
from branchtui.store.models import Branch, Room

TOPICS = {
    "再就业培训": ("家电维修技能培训", "烹饪技能培训", "家政服务培训", "创业指导讲座"),
    "计划生育讲座": ("人口与计划生育专题讲座", "优生优育知识讲座"),
    "科普讲座": ("科普知识讲座：食品安全", "科普知识讲座：防灾减灾", "老年保健知识讲座"),
    "扫盲班": ("市民学校扫盲班", "识字班"),
    "党课": ("学习《党章》", "“三个代表”重要思想学习", "学习戴成钧、廷·巴特尔先进事迹"),
    "支部党员大会": ("支部党员大会",),
}
# Per year: trainings, family-planning and science lectures, literacy classes, party lessons.
TARGETS = {"再就业培训": 4, "计划生育讲座": 2, "科普讲座": 2, "扫盲班": 2, "党课": 4}
PHASES = ("学习动员", "分析评议", "整改提高", "总结巩固")


def _day(today: dt.date, fraction: float) -> dt.date:
    start = dt.date(today.year, 1, 1)
    return start + dt.timedelta(days=int((today - start).days * fraction))


def build_activities(today: dt.date, rng: random.Random) -> None:
    kinds = dict(kind_choices())
    branches = list(Branch.select().order_by(Branch.id))
    rooms = {r.branch_id: r.id for r in Room.select()}
    for index, branch in enumerate(branches):
        expected = members_in_good_standing(branch.id)
        # Some branches are further along than others: 居民五支部 and 居民八支部 lag.
        pace = 0.35 if index in (4, 7) else 0.7 + 0.05 * (index % 3)
        for kind, per_year in TARGETS.items():
            set_target({"branch": branch.id, "year": today.year, "measure": f"kind:{kinds[kind]}",
                        "expected": per_year})
            count = round(per_year * pace + 0.01)
            meeting = kind in ("党课", "支部党员大会")
            for n in range(count):
                save_activity({
                    "kind": kinds[kind], "date": _day(today, (n + rng.random()) / max(count, 1)),
                    "branch": branch.id, "room": rooms.get(branch.id), "topic": rng.choice(TOPICS[kind]),
                    "lecturer": branch.secretary.name if meeting else rng.choice(
                        ("镇劳动保障所", "镇计生办", "镇科协", "市民学校教师")),
                    # Party lessons expect the members; trainings and lectures are for residents.
                    "members_expected": expected if meeting else 0,
                    "members_present": rng.randint(max(1, expected - 4), expected) if meeting else 0,
                    "others": 0 if meeting else rng.randint(10, 40),
                }, today=today)
        set_target({"branch": branch.id, "year": today.year, "measure": "rooms", "expected": 1})
        set_target({"branch": branch.id, "year": today.year, "measure": "placements", "expected": 80})
        set_target({"branch": branch.id, "year": today.year, "measure": "businesses", "expected": 20})
        _registers(branch, today, rng)
    _campaign(today, rng, branches)
    _honours(today, branches)


def _registers(branch, today: dt.date, rng: random.Random) -> None:
    population = rng.randint(1800, 3600)
    households = population // 3
    laid_off = rng.randint(60, 160)
    for year, shift in ((today.year - 1, 0), (today.year, 1)):
        save_register({
            "branch": branch.id, "date": dt.date(year, 1, 15) if year < today.year else _day(today, 0.5),
            "population": population + shift * rng.randint(-20, 40), "households": households + shift * rng.randint(0, 15),
            "employed": population // 2 + shift * rng.randint(10, 60), "laid_off": laid_off - shift * rng.randint(10, 40),
            "low_income": rng.randint(20, 60) - shift * rng.randint(0, 8), "family_planning": households - rng.randint(5, 20),
        }, today=today)


def _campaign(today: dt.date, rng: random.Random, branches) -> None:
    points = [0.05, 0.25, 0.5, 0.75, 1.0]
    phases = []
    for index, name in enumerate(PHASES):
        start = _day(today, points[index])
        end = _day(today, points[index + 1]) - dt.timedelta(days=1) if index < 3 else dt.date(today.year, 12, 31)
        phases.append({"name": name, "planned_start": start, "planned_end": max(start, end)})
    campaign = create_campaign({"name": "党员先进性教育活动", "theme": "树立形象，增强党性，发挥作用",
                                "start": phases[0]["planned_start"], "end": phases[-1]["planned_end"]}, phases)
    rows = phases_of(campaign.id)
    # The first two phases are over, the third under way, the fourth to come.
    for phase in rows[:3]:
        record_phase(campaign.id, {"phase": phase.id, "actual_start": phase.planned_start,
                                   "actual_end": phase.planned_end if phase.position < 3 else None}, today=today)
    for index, branch in enumerate(branches):
        reached = rows[2] if index % 4 else rows[1]
        set_branch_progress(campaign.id, {"branch": branch.id, "phase": reached.id,
                                          "members_taking_part": members_in_good_standing(branch.id)}, today=today)
    add_survey(campaign.id, {"kind": "座谈会", "date": _day(today, 0.3), "issued": 0, "returned": 0,
                             "notes": "居民代表座谈会，各支部居民代表参加"}, today=today)
    add_survey(campaign.id, {"kind": "调查表", "date": _day(today, 0.32), "issued": 400, "returned": 362,
                             "notes": "《党员先进性教育调查表》"}, today=today)
    problems = (("活动室开放时间短，群众来了常锁门", "延长开放时间，公示管理员电话", "已整改"),
                ("下岗职工培训项目少", "增开家政、烹饪培训班", "整改中"),
                ("部分党员联系群众不够", "", "待整改"))
    for index, (raised, fix, status) in enumerate(problems):
        save_problem(campaign.id, {"raised": raised, "source": "调查表" if index else "座谈会",
                                   "rectification": fix, "status": status, "branch": branches[index].id})


def _honours(today: dt.date, branches) -> None:
    year = today.year - 1
    save_honour({"name": "先进基层党组织", "level": "市级", "year": year, "person": "镇党委"})
    save_honour({"name": "实绩突出领导班子", "level": "区级", "year": year, "person": "镇党委"})
    save_honour({"name": "先进基层党支部", "level": "区级", "year": year, "branch": branches[0].id})
    save_honour({"name": "先进基层党支部", "level": "区级", "year": year, "branch": branches[3].id})
    save_honour({"name": "优秀党务工作者", "level": "区级", "year": year, "person": "张彩风", "branch": branches[0].id})
    save_honour({"name": "优秀党务工作者", "level": "区级", "year": year, "person": "张秀玲", "branch": branches[3].id})
    for branch in branches:
        save_appraisal({"branch": branch.id, "year": year, "secretary": branch.secretary.name if branch.secretary_id else "",
                        "goals_ok": "是", "rules_ok": "是", "tasks_ok": "是" if branch.id % 5 else "否",
                        "tasks_note": "" if branch.id % 5 else "再就业培训未完成", "score": 92 if branch.id in (1, 4) else 85})
