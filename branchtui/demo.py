"""The demo town: the situation of the exchange report the app was built for.

8 community branches (居民一支部 … 居民八支部), 74 members, one activity
room per branch. 今年 in the report is the current year, 去年 the one
before. Everything is written through domain/, so the demo has audit rows
like any real entry.
"""

from __future__ import annotations

import datetime as dt
import random

from branchtui.domain import audit
from branchtui.domain.branches import create_branch, ensure_committee, update_branch
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import EDUCATIONS, add_years, create_member
from branchtui.domain.equipment import save_equipment
from branchtui.domain.inspections import ItemResult, record_round
from branchtui.domain.room_rules import COMMON_RULES, save_rule
from branchtui.domain.rooms import save_room
from branchtui.domain.standards import current_standard

NUMERALS = "一二三四五六七八"
MEMBERS_PER_BRANCH = (12, 10, 9, 9, 8, 10, 8, 8)  # 74 in all
# Codes of 平顶山 districts, where a 矿务局 town would be.
REGIONS = ("410402", "410403", "410404", "410411")
# Secretaries named in the report: 张彩风 and 张秀玲 (outstanding party
# workers, of the advanced 一支部 and 四支部), 温东莲 of 居民六支部.
NAMED_SECRETARIES = {0: ("张彩风", "女"), 3: ("张秀玲", "女"), 5: ("温东莲", "女")}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
GIVEN_MALE = "建国 建军 国强 志刚 伟 勇 军 磊 洪涛 德明 永红 海 文 斌 振华 宝山 长林 福生 光明 立新".split()
GIVEN_FEMALE = "秀英 桂英 玉兰 秀兰 凤英 丽 敏 静 红梅 淑珍 美华 翠萍 春燕 海燕 晓红 素芳 金凤 彩霞 玉梅 丽娟".split()
# Rooms built or renovated last year: 5 of them for 8万元 in all.
BUILT_LAST_YEAR = {0: 20000, 1: 16000, 3: 16000, 5: 14000, 6: 14000}
# This year all 8 rooms were equipped to 三个一 for 1.2万元: 1,500元 a room.
EQUIPMENT = {"彩电": ("长虹彩电 29 寸", 1000), "VCD": ("新科 VCD 播放机", 300), "电话": ("步步高电话机", 200)}
BROKEN_VCD_ROOM = 2  # 居民三支部: its VCD was found broken in the first round, then repaired


def _this_year(today: dt.date, fraction: float) -> dt.date:
    """A day this year, ``fraction`` of the way from 1 January to today."""
    start = dt.date(today.year, 1, 1)
    return start + dt.timedelta(days=int((today - start).days * fraction))


def _equip_rooms(rooms, today: dt.date) -> None:
    standard = current_standard()
    bought, first_round, second_round = (_this_year(today, f) for f in (0.2, 0.5, 0.85))
    broken = None
    for number, room in enumerate(rooms, start=1):
        for item in standard.items:
            name, cost = EQUIPMENT[item.name]
            piece = save_equipment({
                "room": room.id, "item": item.id, "name": name, "asset_no": f"DJ-{today.year}-{number:02d}{item.id}",
                "purchase_date": bought, "cost": cost, "funding": "镇党委筹资",
                "condition": "损坏" if (number - 1 == BROKEN_VCD_ROOM and item.name == "VCD") else "完好",
            }, today=today)
            if piece.condition != "完好":
                broken = piece
        for rule in COMMON_RULES:
            save_rule({"room": room.id, "name": rule, "adopted": bought, "posted": "是"}, today=today)

    def results(room) -> list[ItemResult]:
        return [ItemResult(item.id, not (broken and broken.room_id == room.id and broken.item_id == item.id),
                           "VCD 损坏，无法播放" if broken and broken.room_id == room.id
                           and broken.item_id == item.id else "")
                for item in standard.items]

    record_round({"date": first_round, "inspector": "张彩风"}, {r.id: results(r) for r in rooms},
                 standard_id=standard.id, today=today)
    if broken is not None:  # repaired afterwards: the ledger is mended, not rewritten
        save_equipment({**broken.__data__, "condition": "完好", "notes": "已修复"},
                       equipment_id=broken.id, today=today)
        broken = None
    record_round({"date": second_round, "inspector": "张秀玲"}, {r.id: results(r) for r in rooms},
                 standard_id=standard.id, today=today)


def _person(rng: random.Random, gender: str, born: int, seq: int, region: str) -> dict:
    birth = dt.date(born, rng.randint(1, 12), rng.randint(1, 28))
    sequence = seq * 2 + (1 if gender == "男" else 0)
    return {
        "gender": gender,
        "birth_date": birth,
        "id_number": make_id_number(region, birth, sequence % 1000),
        "phone": "1" + rng.choice("358") + "".join(rng.choice("0123456789") for _ in range(9)),
    }


def _member_data(rng, branch_id, name, gender, seq, today, probationary) -> dict:
    # The recent intake is young; the rest span the decades since the 1950s.
    born = rng.randint(today.year - 40, today.year - 24) if probationary else rng.randint(1938, today.year - 24)
    data = _person(rng, gender, born, seq, rng.choice(REGIONS))
    earliest = add_years(data["birth_date"], 19)
    if probationary:
        join = today - dt.timedelta(days=rng.randint(40, 330))
        full = None
    else:
        latest = today - dt.timedelta(days=400)
        join = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
        full = add_years(join, 1)
    data.update(
        branch=branch_id, name=name, join_date=join, full_date=full,
        education=rng.choice(EDUCATIONS[1:6]), ethnicity="汉族" if rng.random() > 0.08 else "回族",
    )
    return data


def _random_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    while True:
        gender = rng.choice(("男", "女"))
        given = rng.choice(GIVEN_MALE if gender == "男" else GIVEN_FEMALE)
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name, gender


def build_demo(today: dt.date | None = None, seed: int = 2002) -> dict:
    """Fill an empty database with the demo town; all or nothing."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    last_year = today.year - 1
    taken = {name for name, _g in NAMED_SECRETARIES.values()}
    seq = 0
    rooms = []
    with audit.transaction():
        ensure_committee("镇党委")
        for index, count in enumerate(MEMBERS_PER_BRANCH):
            numeral = NUMERALS[index]
            branch = create_branch({
                "name": f"居民{numeral}支部",
                "community": f"{numeral}区居委会",
                "founded": dt.date(1984 + index * 2, 7, 1),
                "phone": f"0375-{4920000 + index * 111}",
            }, today=today)
            secretary = None
            for position in range(count):
                seq += 1
                if position == 0:
                    name, gender = NAMED_SECRETARIES.get(index) or _random_name(rng, taken)
                else:
                    name, gender = _random_name(rng, taken)
                # One probationary member in most branches: the recent intake.
                probationary = position == count - 1 and index % 3 != 2
                member = create_member(
                    _member_data(rng, branch.id, name, gender, seq, today, probationary), today=today)
                secretary = secretary or member
            update_branch(branch.id, {
                "name": branch.name, "community": branch.community, "founded": branch.founded,
                "phone": branch.phone, "secretary": secretary.id,
            }, today=today)
            cost = BUILT_LAST_YEAR.get(index)
            rooms.append(save_room({
                "branch": branch.id,
                "name": f"居民{numeral}支部党员活动室",
                "address": f"{numeral}区居委会院内",
                "area_m2": 40 + index * 5,
                "manager": secretary.name,
                "open_hours": "周一至周五 8:30-17:30",
                "build_cost": cost or 0,
                "origin": ("新建" if index % 2 == 0 else "改建") if cost else "既有",
                "origin_year": last_year if cost else 1998 + index,
                "tags": "市民学校,人口学校" if index % 2 == 0 else "市民学校,远程教育",
                "notes": "" if cost else "居委会原有用房",
            }, today=today))
        _equip_rooms(rooms, today)
        from branchtui.demo_loans import build_loans

        build_loans(today, rng)
        from branchtui.demo_activities import build_activities

        build_activities(today, rng)
    return {"branches": len(MEMBERS_PER_BRANCH), "members": sum(MEMBERS_PER_BRANCH)}
