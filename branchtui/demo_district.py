"""A district-sized demo database, for benchmarks and load checks.

About 300 community branches (15 towns and streets of 20 communities each),
20,000 party members, one activity room per branch with its equipment for
the current standard's items and one inspection round, about 10,000
guaranteed microloans (each with its borrower) and about 120,000 repayments,
businesses (两户) and placements (再就业) in proportion to the loans.

Unlike the town demo (``branchtui.demo``), this does NOT go through the
per-row domain functions: it writes with ``Model.insert_many`` in chunks,
with explicit ids, inside ONE transaction, so a district is built in
seconds. It therefore leaves ONE audit row for the whole import
(table ``"import"``, action ``"create"``, its ``after`` a summary of what
was written: generator, seed, scale, date and the row count of each table)
instead of one audit row per record. Every generated person and loan is
marked ``sample`` where the model has that flag; ID numbers are valid
(GB 11643) and pinyin keys are those ``domain.pinyin`` computes.

The data keeps the rules the domain enforces, so that the app's figures and
plain SQL over the same file agree:

- a dated policy row comes first; every loan is within its ceiling and term;
- every repayment belongs to a disbursed loan and pays one installment of
  its schedule (``domain.loans.schedule.build_schedule``) exactly, on its
  due date; disbursement days are 1–28 so that "k months later" is the same
  day in every calendar;
- most loans pay on time; some stop paying a few months before ``today``
  (arrears of every age), a few stopped long ago and were paid out by the
  guarantee (代偿); loans paid in full are settled (结清); no extensions;
- a loan's events (申请, 审批, 发放, then 结清 or 代偿) are written as
  ``create_loan`` and friends would write them.

Activities are generated only if ``branchtui.store.models`` has a model
named ``Activity`` (checked with getattr); its columns are filled from their
types, and if anything about it does not fit, activities are skipped (in a
savepoint) rather than failing the import.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Callable

from branchtui.domain import audit
from branchtui.domain.idcard import make_id_number
from branchtui.domain.loans.schedule import add_months, build_schedule
from branchtui.domain.members import EDUCATIONS, add_years
from branchtui.domain.pinyin import search_keys
from branchtui.domain.room_rules import COMMON_RULES
from branchtui.domain.standards import current_standard
from branchtui.store import models
from branchtui.store.db import database

Progress = Callable[[str, int, int], None]

BRANCHES = 300
MEMBERS = 20_000
LOANS = 10_000
COMMITTEE = "新华区委"
TOWNS = ("东风街道", "西市街道", "光明路街道", "新华路街道", "矿工路街道", "湛河街道", "中兴路街道",
         "焦店镇", "滍阳镇", "曹镇乡", "北渡镇", "荆山街道", "高新街道", "姚孟街道", "轻工路街道")
COMMUNITIES = ("幸福", "和平", "光明", "建设", "新华", "胜利", "团结", "友谊", "朝阳", "东风",
               "红旗", "前进", "长青", "育才", "民主", "平安", "兴业", "富民", "康乐", "振兴")
REGIONS = ("410402", "410403", "410404", "410411")  # 平顶山 districts, as in the town demo
# Names, trades and equipment as in the town demo (kept here so that this
# generator does not change when the demo's lists do).
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单")
GIVEN_MALE = ("建国 建军 国强 志刚 伟 勇 军 磊 洪涛 德明 永红 海 文 斌 振华 宝山 长林 福生 光明 立新 "
              "卫东 新民 跃进 援朝 红军 保国 东升 文革 金水 铁柱").split()
GIVEN_FEMALE = ("秀英 桂英 玉兰 秀兰 凤英 丽 敏 静 红梅 淑珍 美华 翠萍 春燕 海燕 晓红 素芳 金凤 彩霞 玉梅 丽娟 "
                "小红 丽华 桂芝 秀芳 玉芬 春兰 爱华 雪梅 淑英 冬梅").split()
TRADES = ("小吃店", "理发店", "缝纫铺", "五金店", "早点铺", "修车铺", "副食店", "养殖场", "家政服务", "水果摊")
EQUIPMENT = {"彩电": ("长虹彩电 29 寸", 1000), "VCD": ("新科 VCD 播放机", 300), "电话": ("步步高电话机", 200)}
INSPECTORS = ("李建华", "王秀芳", "赵国庆", "孙丽萍", "周德胜")
RATE = Decimal("5.31")
AMOUNTS = (5000, 8000, 10000, 15000, 20000, 30000, 50000)
AMOUNT_WEIGHTS = (10, 12, 20, 18, 18, 12, 10)
TERMS = (12, 18, 24)
METHODS = ("equal-installment", "equal-principal", "interest-monthly", "bullet")
METHOD_WEIGHTS = (40, 25, 25, 10)
SPREAD_MONTHS = 40  # loans were disbursed over the last three years and more
CHUNK_PARAMS = 30_000  # bound parameters per INSERT (SQLite allows 32,766)


def _noop(stage: str, done: int, total: int) -> None:
    pass


def _n(count: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(count * scale))


class _Writer:
    """insert_many in chunks, reporting progress; counts rows per table."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.counts: dict[str, int] = {}

    def insert(self, model, rows: list[dict], stage: str | None = None) -> None:
        if not rows:
            self.counts.setdefault(model._meta.table_name, 0)
            return
        size = max(1, min(5000, CHUNK_PARAMS // (len(model._meta.fields) + 1)))
        total = len(rows)
        stage = stage or model._meta.table_name
        for start in range(0, total, size):
            model.insert_many(rows[start:start + size]).execute()
            self.progress(stage, min(start + size, total), total)
        self.counts[model._meta.table_name] = self.counts.get(model._meta.table_name, 0) + total


class _People:
    """Names with their pinyin keys (computed once per distinct name) and
    valid, unique ID numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: dict[str, tuple[str, str]] = {}
        self.numbers: set[str] = set()
        self.male = GIVEN_MALE
        self.female = GIVEN_FEMALE

    def name(self, gender: str) -> tuple[str, str, str]:
        name = self.rng.choice(SURNAMES) + self.rng.choice(self.male if gender == "男" else self.female)
        keys = self.keys.get(name)
        if keys is None:
            keys = self.keys[name] = search_keys(name)
        return name, keys[0], keys[1]

    def id_number(self, birth: dt.date, gender: str) -> str:
        region = self.rng.choice(REGIONS)
        base = self.rng.randrange(500)
        for attempt in range(500):
            sequence = ((base + attempt) % 500) * 2 + (1 if gender == "男" else 0)
            number = make_id_number(region, birth, sequence)
            if number not in self.numbers:
                self.numbers.add(number)
                return number
        raise RuntimeError("no ID number left for this birth date")  # never with these counts

    def phone(self) -> str:
        return "1" + self.rng.choice("358") + f"{self.rng.randrange(10 ** 9):09d}"


def _check_empty() -> None:
    for model in (models.Committee, models.Branch, models.Member, models.Room, models.Borrower, models.Loan,
                  models.Repayment, models.Business, models.Placement, models.Policy, models.Equipment,
                  models.Inspection):
        if model.select().exists():
            raise ValueError(f"build_district needs an empty database: {model._meta.table_name} has rows")


def build_district(today: dt.date, *, seed: int = 7, scale: float = 1.0,
                   progress: Progress | None = None) -> dict:
    """Fill an EMPTY, already opened database with a district; all or nothing.

    ``scale`` multiplies the counts (0.01 gives 3 branches, 200 members,
    100 loans). ``progress(stage, done, total)`` is called after each chunk.
    Returns the row count of each table written, with ``branches`` and
    ``members`` at the top level. One audit row (table ``"import"``) records
    the import as a whole.
    """
    progress = progress or _noop
    rng = random.Random(seed)
    people = _People(rng)
    out = _Writer(progress)
    with database.atomic():
        _check_empty()
        standard = current_standard()
        policy_from = dt.date(today.year - 5, 1, 1)
        out.insert(models.Policy, [dict(
            id=1, effective_from=policy_from, name="下岗失业人员小额担保贷款",
            ceiling_person=Decimal(50000), ceiling_partnership=Decimal(150000), max_term_months=24,
            subsidy_percent=100, payout_wait_days=90, max_extension_months=12)])
        out.insert(models.Committee, [dict(id=1, name=COMMITTEE)])
        branches = _branches(out, people, _n(BRANCHES, scale, 2))
        secretaries = _members(out, people, rng, branches, _n(MEMBERS, scale, len(branches)), today)
        for branch_id, member_id in secretaries.items():
            models.Branch.update(secretary=member_id).where(models.Branch.id == branch_id).execute()
        progress("secretaries", len(secretaries), len(secretaries))
        rooms = _rooms(out, rng, branches, standard, today)
        loans, borrower_names = _loans(out, people, rng, branches, _n(LOANS, scale, 2), today)
        _outcomes(out, people, rng, branches, loans, borrower_names, today)
        activities = _activities(out, rng, branches, rooms, today, _good_standing())
        summary = {
            "generator": "branchtui.demo_district", "seed": seed, "scale": scale,
            "today": today.isoformat(), "rows": dict(sorted(out.counts.items())),
            "activities": activities,
        }
        audit.record("import", None, "create", None, summary)
    result = {"branches": out.counts["branch"], "members": out.counts["member"], **out.counts}
    result["activities"] = activities
    return result


def _branches(out: _Writer, people: _People, count: int) -> list[tuple[int, str]]:
    rows = []
    founded = dt.date(1984, 7, 1)
    for index in range(count):
        town = TOWNS[(index // len(COMMUNITIES)) % len(TOWNS)]
        community = COMMUNITIES[index % len(COMMUNITIES)]
        lap = index // (len(COMMUNITIES) * len(TOWNS))
        name = f"{town}{community}{lap + 1 if lap else ''}社区支部"
        pinyin, initials = search_keys(name)
        rows.append(dict(
            id=index + 1, committee=1, name=name, name_pinyin=pinyin, name_initials=initials,
            community=f"{town}{community}社区", founded=founded + dt.timedelta(days=37 * index % 9000),
            phone=f"0375-{4900000 + index:07d}"))
    out.insert(models.Branch, rows)
    return [(row["id"], row["name"]) for row in rows]


def _members(out: _Writer, people: _People, rng: random.Random, branches, total: int,
             today: dt.date) -> dict[int, int]:
    """Members spread unevenly over the branches; the first of each is its secretary."""
    weights = [rng.uniform(0.4, 1.6) for _ in branches]
    ids = [b for b, _name in branches]
    assigned = ids + rng.choices(ids, weights=weights, k=total - len(ids))
    secretaries: dict[int, int] = {}
    rows = []
    for index, branch_id in enumerate(assigned):
        member_id = index + 1
        secretary = branch_id not in secretaries
        if secretary:
            secretaries[branch_id] = member_id
        gender = "女" if rng.random() < 0.42 else "男"
        probationary = not secretary and rng.random() < 0.05
        if probationary:
            birth = dt.date(rng.randint(today.year - 40, today.year - 24), rng.randint(1, 12), rng.randint(1, 28))
            join = today - dt.timedelta(days=rng.randint(40, 330))
            full = None
        else:
            birth = dt.date(rng.randint(1938, today.year - 24), rng.randint(1, 12), rng.randint(1, 28))
            earliest = add_years(birth, 19)
            latest = today - dt.timedelta(days=400)
            join = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
            full = add_years(join, 1)
        status = "正常" if secretary or rng.random() > 0.03 else rng.choice(("转出", "去世"))
        name, pinyin, initials = people.name(gender)
        rows.append(dict(
            id=member_id, branch=branch_id, name=name, name_pinyin=pinyin, name_initials=initials,
            gender=gender, ethnicity="汉族" if rng.random() > 0.08 else "回族", birth_date=birth,
            id_number=people.id_number(birth, gender), education=rng.choice(EDUCATIONS[1:6]),
            join_date=join, full_date=full, phone=people.phone(), status=status))
    out.insert(models.Member, rows)
    return secretaries


def _good_standing() -> dict[int, int]:
    """Members in good standing per branch, as written (for meeting attendance)."""
    from peewee import fn

    query = (models.Member.select(models.Member.branch, fn.COUNT(models.Member.id).alias("n"))
             .where(models.Member.status == "正常").group_by(models.Member.branch))
    return {row.branch_id: row.n for row in query.objects()}


def _rooms(out: _Writer, rng: random.Random, branches, standard, today: dt.date) -> list[int]:
    """One room per branch, its ledger for the standard's items, its rules and
    one inspection round; a few rooms lack an item or have it broken."""
    rooms, pieces, rules, inspections, results = [], [], [], [], []
    items = list(standard.items) if standard else []
    bought = dt.date(today.year, 3, 1) if today >= dt.date(today.year, 4, 1) else dt.date(today.year - 1, 9, 1)
    round_day = today - dt.timedelta(days=rng.randint(10, 40))
    inspector = rng.choice(INSPECTORS)
    for index, (branch_id, branch_name) in enumerate(branches):
        room_id = index + 1
        built = rng.random() < 0.3
        rooms.append(dict(
            id=room_id, branch=branch_id, name=f"{branch_name}党员活动室"[:60],
            address=f"{branch_name.removesuffix('支部')}居委会院内"[:120], area_m2=rng.randint(30, 120),
            manager="", open_hours="周一至周五 8:30-17:30",
            build_cost=Decimal(rng.choice((12000, 14000, 16000, 20000))) if built else Decimal(0),
            origin=rng.choice(("新建", "改建")) if built else "既有",
            origin_year=today.year - rng.randint(1, 4) if built else rng.randint(1990, today.year - 5),
            tags=rng.choice(("市民学校,人口学校", "市民学校,远程教育", "远程教育"))))
        for rule in COMMON_RULES:
            rules.append(dict(id=len(rules) + 1, room=room_id, name=rule, adopted=bought, posted=True))
        if not items:
            continue
        inspection_id = len(inspections) + 1
        inspections.append(dict(id=inspection_id, room=room_id, standard=standard.id, date=round_day,
                                inspector=inspector))
        for item in items:
            luck = rng.random()
            working = None  # no piece in the ledger
            if item.category == "设施" and luck >= 0.02:
                name, cost = EQUIPMENT.get(item.name, (item.name, 500))
                working = luck >= 0.06
                pieces.append(dict(
                    id=len(pieces) + 1, room=room_id, item=item.id, name=name,
                    asset_no=f"QDJ-{today.year}-{room_id:04d}-{item.id}", purchase_date=bought,
                    cost=Decimal(cost), funding="区委组织部拨款", condition="完好" if working else "损坏"))
            passed = bool(working) if item.category == "设施" else luck >= 0.05
            if rng.random() < 0.01:  # the inspector and the ledger disagree: someone should look
                passed = not passed
            results.append(dict(id=len(results) + 1, inspection=inspection_id, item=item.id, passed=passed,
                                note="" if passed else "缺失或损坏"))
    out.insert(models.Room, rooms)
    out.insert(models.RoomRule, rules)
    out.insert(models.Equipment, pieces)
    out.insert(models.Inspection, inspections)
    out.insert(models.InspectionResult, results)
    return [room["id"] for room in rooms]


def _disbursed_on(today: dt.date, rng: random.Random) -> dt.date:
    """A day 1–28 of a month in the last three years, not after today."""
    while True:
        first = add_months(dt.date(today.year, today.month, 1), -rng.randint(0, SPREAD_MONTHS - 1))
        day = first.replace(day=rng.randint(1, 28))
        if day <= today:
            return day


def _loans(out: _Writer, people: _People, rng: random.Random, branches, count: int,
           today: dt.date) -> tuple[list[dict], dict[int, str]]:
    """Borrowers, loans, their events and repayments; (loans, borrower name by loan id)."""
    schedules: dict[tuple, list] = {}
    branch_ids = [b for b, _name in branches]
    borrowers, loans, events, repayments = [], [], [], []

    def event(loan_id, day, kind, amount=Decimal(0), note=""):
        events.append(dict(id=len(events) + 1, loan=loan_id, date=day, kind=kind, amount=amount, note=note))

    for index in range(count):
        loan_id = index + 1
        gender = rng.choice("男女")
        birth = dt.date(rng.randint(1958, 1990), rng.randint(1, 12), rng.randint(1, 28))
        name, pinyin, initials = people.name(gender)
        branch_id = rng.choice(branch_ids)
        borrowers.append(dict(
            id=loan_id, name=name, name_pinyin=pinyin, name_initials=initials,
            id_number=people.id_number(birth, gender), gender=gender, birth_date=birth, phone=people.phone(),
            status=rng.choice(("下岗", "下岗", "失业", "其他")), certificate_no=f"ZJY{410400000 + loan_id}",
            branch=branch_id, sample=True))
        amount = Decimal(rng.choices(AMOUNTS, weights=AMOUNT_WEIGHTS)[0])
        months = rng.choice(TERMS)
        method = rng.choices(METHODS, weights=METHOD_WEIGHTS)[0]
        pending = rng.random() < 0.02
        if pending:  # applied lately, not yet disbursed
            applied = today - dt.timedelta(days=rng.randint(0, 20))
            approved = applied + dt.timedelta(days=5) if rng.random() < 0.5 and applied + dt.timedelta(days=5) <= today else None
            disbursed = None
            state = "审批" if approved else "申请"
        else:
            disbursed = _disbursed_on(today, rng)
            applied, approved = disbursed - dt.timedelta(days=10), disbursed - dt.timedelta(days=4)
            state = "还款中"
        trade = rng.choice(TRADES)
        loan = dict(
            id=loan_id, borrower=loan_id, branch=branch_id, purpose="创业", business=trade,
            lender_office=rng.choice(("信用社营业部", "信用社东风分社", "信用社矿工路分社")),
            counter_guarantee="", amount=amount, annual_rate=RATE, months=months, method=method,
            applied=applied, approved=approved, disbursed=disbursed, state=state, sample=True)
        loans.append(loan)
        event(loan_id, applied, "申请")
        if approved:
            event(loan_id, approved, "审批")
        if disbursed is None:
            continue
        event(loan_id, disbursed, "发放", amount)

        key = (amount, months, method)
        plan = schedules.get(key)
        if plan is None:
            plan = schedules[key] = [(row.number, row.principal, row.interest)
                                     for row in build_schedule(amount, RATE, months, method, dt.date(2001, 1, 1))]
        due = [(add_months(disbursed, months if method == "bullet" else k), p, i) for k, p, i in plan]
        fallen_due = [row for row in due if row[0] <= today]
        luck = rng.random()
        paid = len(fallen_due)
        if fallen_due and luck < 0.06:  # stopped paying lately: arrears of every age
            paid = max(0, len(fallen_due) - rng.randint(1, 4))
        elif fallen_due and luck < 0.075:  # stopped long ago
            paid = max(0, len(fallen_due) - rng.randint(5, 12))
        for day, principal, interest in fallen_due[:paid]:
            repayments.append(dict(id=len(repayments) + 1, loan=loan_id, date=day, principal=principal,
                                   interest=interest))
        if paid == len(due):
            loan["state"] = "结清"
            event(loan_id, due[-1][0], "结清", note="本息还清")
        elif paid < len(fallen_due):
            oldest = fallen_due[paid][0]
            payout_day = oldest + dt.timedelta(days=120)
            if payout_day <= today and luck >= 0.06:  # long overdue: the guarantee pays the lender
                owed = sum((p for _d, p, _i in due[paid:]), Decimal(0)) + sum(
                    (i for d, _p, i in due[paid:] if d <= payout_day), Decimal(0))
                loan["state"] = "代偿"
                event(loan_id, payout_day, "代偿", owed, "逾期超过等待期，担保基金代偿")
        if index % 500 == 499:
            out.progress("loans", index + 1, count)
    out.insert(models.Borrower, borrowers)
    out.insert(models.Loan, loans)
    out.insert(models.LoanEvent, events)
    out.insert(models.Repayment, repayments)
    return loans, {b["id"]: b["name"] for b in borrowers}


def _outcomes(out: _Writer, people: _People, rng: random.Random, branches, loans: list[dict],
              borrower_names: dict[int, str], today: dt.date) -> None:
    """Businesses for about 60 % of the loans plus some without a loan this
    year; a placement for every disbursed loan's borrower, and half as many
    again through training and referral."""
    branch_ids = [b for b, _name in branches]
    year_start = dt.date(today.year, 1, 1)
    businesses, placements = [], []
    for loan in loans:
        if not loan["disbursed"]:
            continue
        owner = borrower_names[loan["borrower"]]
        registered = loan["disbursed"] + dt.timedelta(days=rng.randint(3, 20))
        if rng.random() < 0.6 and registered <= today:
            businesses.append(dict(
                id=len(businesses) + 1, name=f"{owner}{loan['business']}", kind="私营企业" if rng.random() < 0.1 else "个体工商户",
                owner=owner, registered=registered, employees=rng.randint(1, 6), branch=loan["branch"],
                loan=loan["id"], sample=True))
        placements.append(dict(id=len(placements) + 1, person=owner, date=loan["disbursed"], channel="贷款",
                               branch=loan["branch"], loan=loan["id"], sample=True))
    span = max(0, (today - year_start).days)
    for _ in range(round(len(loans) * 0.2)):
        owner = people.name(rng.choice("男女"))[0]
        businesses.append(dict(
            id=len(businesses) + 1, name=f"{owner}{rng.choice(TRADES)}", kind="个体工商户", owner=owner,
            registered=year_start + dt.timedelta(days=rng.randint(0, span)), employees=rng.randint(1, 4),
            branch=rng.choice(branch_ids), sample=True))
    start = dt.date(today.year - 2, 1, 1)
    for _ in range(round(len(loans) * 1.5)):
        placements.append(dict(
            id=len(placements) + 1, person=people.name(rng.choice("男女"))[0],
            date=start + dt.timedelta(days=rng.randint(0, (today - start).days)),
            channel=rng.choice(("培训", "培训", "推荐", "其他")), branch=rng.choice(branch_ids), sample=True))
    out.insert(models.Business, businesses)
    out.insert(models.Placement, placements)


MEETINGS = ("党课", "支部党员大会", "支委会", "党小组会")


ACTIVITIES_A_MONTH = 9


def _activities(out: _Writer, rng: random.Random, branches, rooms: list[int], today: dt.date,
                members_per_branch: dict[int, int]) -> int:
    """About one activity a month per branch this year, in its room, if the
    ``Activity`` model exists; 0 (nothing written) otherwise.

    Columns are filled by name where this generator knows them (kind, date,
    branch, room, topic, lecturer, attendance) and from their type otherwise;
    a foreign key to another table takes one of that table's existing rows
    (the activity kinds). Anything that does not fit skips the activities
    only: they are written in a savepoint.
    """
    Activity = getattr(models, "Activity", None)
    if Activity is None:
        return 0
    from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                        TextField)

    from branchtui.store.fields import MoneyField

    try:
        from branchtui.demo_activities import TOPICS
    except ImportError:
        TOPICS = {}
    room_of = dict(zip((b for b, _name in branches), rooms))
    fields = {f.name: f for f in Activity._meta.sorted_fields if not f.primary_key}
    kind_field = fields.get("kind")
    kinds: list[tuple[int, str]] = []
    if isinstance(kind_field, ForeignKeyField):
        target = kind_field.rel_model
        label = getattr(target, "name", None)
        kinds = [(row.id, getattr(row, "name", "") if label is not None else "")
                 for row in target.select().order_by(target.id)]
        if not kinds:
            return 0
    refs: dict = {}

    def typed(field, day: dt.date):
        if isinstance(field, ForeignKeyField):
            ids = refs.get(field.rel_model)
            if ids is None:
                ids = refs[field.rel_model] = [r.id for r in field.rel_model.select(field.rel_model.id)]
            if not ids:
                raise LookupError(field.name)
            return rng.choice(ids)
        if isinstance(field, MoneyField):
            return Decimal(0)
        if field.choices:
            return rng.choice([c[0] if isinstance(c, (tuple, list)) else c for c in field.choices])
        if isinstance(field, DateTimeField):
            return dt.datetime.combine(day, dt.time(9, 0))
        if isinstance(field, DateField):
            return day
        if isinstance(field, BooleanField):
            return False
        if isinstance(field, IntegerField):
            return 0
        if isinstance(field, (CharField, TextField)):
            return ""
        raise LookupError(field.name)

    rows = []
    year_start = dt.date(today.year, 1, 1)
    try:
        for branch_id, _name in branches:
            expected = members_per_branch.get(branch_id, 0)
            # About 9 a month a branch: some 30,000 in a district year.
            for month, _n in ((m, n) for m in range(1, today.month + 1) for n in range(ACTIVITIES_A_MONTH)):
                day = dt.date(today.year, month, rng.randint(1, 28))
                if day > today or day < year_start:
                    continue
                kind_id, kind_name = rng.choice(kinds) if kinds else (None, "")
                meeting = kind_name in MEETINGS
                present = rng.randint(max(0, expected - 4), expected) if meeting else 0
                known = {
                    "kind": kind_id, "date": day, "branch": branch_id, "room": room_of.get(branch_id),
                    "topic": rng.choice(TOPICS.get(kind_name) or (kind_name or "党员活动",)),
                    "lecturer": "支部书记" if meeting else rng.choice(("街道劳动保障所", "区计生委", "区科协", "市民学校教师")),
                    "members_expected": expected if meeting else 0, "members_present": present,
                    "others": 0 if meeting else rng.randint(10, 40),
                }
                row = {"id": len(rows) + 1}
                for name, field in fields.items():
                    if name in known and (known[name] is not None or field.null):
                        value = known[name]
                        if isinstance(field, CharField) and isinstance(value, str):
                            value = value[:field.max_length]
                        row[name] = value
                    elif not field.null and field.default is None:
                        row[name] = typed(field, day)
                rows.append(row)
        with database.atomic():  # a savepoint: a misfit rolls back the activities only
            out.insert(Activity, rows, stage="activities")
    except Exception:  # an Activity model this generator does not understand
        out.counts.pop(Activity._meta.table_name, None)
        return 0
    return len(rows)
