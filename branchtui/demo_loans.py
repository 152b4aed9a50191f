"""The demo's guaranteed microloans and what they achieved.

The report's three loans — 刘文宪 3,000元 for a car wash (through 温东莲 of
居民六支部), 秦继雄 50,000元 for the community clinic, 柴如莲 20,000元 for the
chicken farm — and further loans marked as sample data, for 70万元 and more
in all: a few overdue, one extended, one paid out by the guarantee fund.
2,000 and more people re-employed; 182 businesses started between January
and September of this year.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from branchtui.domain.idcard import make_id_number
from branchtui.domain.loans.borrowers import save_borrower
from branchtui.domain.loans.guarantee import payout
from branchtui.domain.loans.outcomes import save_business, save_placement
from branchtui.domain.loans.policy import save_policy
from branchtui.domain.loans.repayments import record_repayment
from branchtui.domain.loans.schedule import add_months
from branchtui.domain.loans.service import create_loan, extend, get_loan, loan_schedule
from branchtui.store.models import Branch

NAMED = (
    # name, gender, born, branch index, status, amount, months, method, disbursed (months ago), business, kind, employees
    ("刘文宪", "男", 1968, 5, "下岗", 3000, 24, "interest-monthly", 14, "洗车行", "个体工商户", 2),
    ("秦继雄", "男", 1962, 2, "下岗", 50000, 24, "equal-installment", 20, "社区卫生院", "私营企业", 5),
    ("柴如莲", "女", 1971, 1, "其他", 20000, 24, "interest-monthly", 16, "养鸡场", "个体工商户", 3),
)
NOTES = {
    "刘文宪": "矿职工，下岗后一家三口每月只有 230 元下岗工资；温东莲书记协调信用社贷款买洗车设备",
    "秦继雄": "矿务局二医院大夫，单位不景气自动下岗；卫生院已有 11 张床位、3 名护士，成为职工定点医疗单位",
    "柴如莲": "家住二区，全家靠干临活维持生活；鸡舍 600 余平方米，种鸡从 1000 只发展到 5000 多只，日产蛋 600 多斤",
}
TRADES = ("小吃店", "理发店", "缝纫铺", "五金店", "早点铺", "修车铺", "副食店", "养殖场", "家政服务", "水果摊")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘"
GIVEN = "建华 红霞 志强 桂兰 玉珍 海龙 小军 春梅 德胜 丽萍 国庆 秀芝 长江 凤琴 宏伟".split()
RATE = Decimal("5.31")
SAMPLE_LOANS = 46
PLACEMENTS = 2016
BUSINESSES_THIS_YEAR = 182


def _months_ago(today: dt.date, months: int, rng: random.Random) -> dt.date:
    first = dt.date(today.year, today.month, 1)
    back = add_months(first, -months) if months else first
    return back + dt.timedelta(days=rng.randint(0, 27))


def _pay_on_time(loan, today: dt.date, stop_before: dt.date | None = None,
                 after: dt.date | None = None) -> None:
    """The borrower pays each installment on its due date (after ``after``, until ``stop_before``)."""
    for row in loan_schedule(get_loan(loan.id)):
        if row.due > today or (stop_before and row.due >= stop_before):
            break
        if after and row.due <= after:
            continue
        record_repayment(loan.id, {"date": row.due, "principal": row.principal, "interest": row.interest},
                         today=today)


def build_loans(today: dt.date, rng: random.Random, *, placements: int = PLACEMENTS) -> dict:
    branches = [b.id for b in Branch.select(Branch.id).order_by(Branch.id)]
    save_policy({"effective_from": dt.date(today.year - 5, 1, 1), "name": "下岗失业人员小额担保贷款",
                 "ceiling_person": 50000, "ceiling_partnership": 150000, "max_term_months": 24,
                 "subsidy_percent": 100, "payout_wait_days": 90, "max_extension_months": 12})
    seq = 500
    loans = []
    for name, gender, born, branch, status, amount, months, method, ago, trade, kind, staff in NAMED:
        seq += 2
        disbursed = _months_ago(today, ago, rng)
        birth = dt.date(born, rng.randint(1, 12), rng.randint(1, 28))
        borrower = save_borrower({"name": name, "id_number": make_id_number("410402", birth, seq + (gender == "男")),
                                  "status": status, "branch": branches[branch], "address": "二区" if name == "柴如莲" else "",
                                  "notes": NOTES[name]}, today=today)
        loan = create_loan({"borrower": borrower.id, "amount": amount, "annual_rate": RATE, "months": months,
                            "method": method, "purpose": "创业", "business": trade, "lender_office": "信用社营业部",
                            "applied": disbursed - dt.timedelta(days=12), "approved": disbursed - dt.timedelta(days=5),
                            "disbursed": disbursed}, today=today)
        _pay_on_time(loan, today)
        save_business({"name": f"{name}{trade}", "kind": kind, "owner": name, "registered": disbursed + dt.timedelta(days=10),
                       "employees": staff, "branch": branches[branch], "loan": loan.id}, today=today)
        loans.append(loan)

    # Sample loans over the last three years; a few go wrong.
    troubled = {0: ("overdue", 45), 1: ("overdue", 75), 2: ("payout", 200), 3: ("extend", 0), 4: ("overdue", 20)}
    for index in range(SAMPLE_LOANS):
        seq += 2
        gender = rng.choice("男女")
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        birth = dt.date(rng.randint(1960, 1985), rng.randint(1, 12), rng.randint(1, 28))
        branch = rng.choice(branches)
        borrower = save_borrower({"name": name, "id_number": make_id_number("410403", birth, seq + (gender == "男")),
                                  "status": rng.choice(("下岗", "下岗", "失业")), "branch": branch, "sample": True},
                                 today=today)
        ago = 16 + index % 4 if index in troubled else rng.randint(1, 34)
        disbursed = _months_ago(today, ago, rng)
        trade = rng.choice(TRADES)
        amount = rng.choice((5000, 8000, 10000, 15000, 20000, 30000))
        months = 24 if index in troubled else rng.choice((12, 18, 24))
        method = rng.choice(("interest-monthly", "equal-installment", "equal-principal", "bullet"))
        if index in troubled and method == "bullet":
            # A troubled loan must have fallen due by now: a bullet loan owes
            # nothing before maturity, so it could be neither overdue nor paid out.
            method = "equal-installment"
        loan = create_loan({"borrower": borrower.id, "amount": amount,
                            "annual_rate": RATE, "months": months, "method": method,
                            "purpose": "创业", "business": trade, "applied": disbursed - dt.timedelta(days=10),
                            "approved": disbursed - dt.timedelta(days=4), "disbursed": disbursed, "sample": True},
                           today=today)
        problem, days = troubled.get(index, (None, 0))
        if problem in ("overdue", "payout"):
            _pay_on_time(loan, today, stop_before=today - dt.timedelta(days=days))
        elif problem == "extend":
            maturity = add_months(disbursed, loan.months)
            when = min(today, maturity - dt.timedelta(days=15))
            _pay_on_time(loan, when)
            extend(loan.id, {"date": when, "months": 6, "note": "经营季节性困难，申请展期"}, today=today)
            _pay_on_time(loan, today, after=when)
        else:
            _pay_on_time(loan, today)
        if problem == "payout":
            from branchtui.domain.loans.repayments import loan_arrears

            owed = loan_arrears(loan, today)
            payout(loan.id, {"date": today, "amount": owed.outstanding_principal + owed.overdue_interest,
                             "note": "逾期超过等待期，担保基金代偿"}, today=today)
        registered = disbursed + dt.timedelta(days=rng.randint(3, 20))
        if registered <= today and registered.year < today.year:
            save_business({"name": f"{name}{trade}", "kind": "个体工商户", "owner": name, "registered": registered,
                           "employees": rng.randint(1, 4), "branch": branch, "loan": loan.id, "sample": True},
                          today=today)
        loans.append(loan)

    _businesses_this_year(today, rng, branches, [l for l in loans if l.sample])
    _placements(today, rng, branches, loans, placements)
    return {"loans": len(loans)}


def _businesses_this_year(today, rng, branches, loans) -> None:
    """182 两户 registered from January to September (or to today, if earlier)."""
    start, end = dt.date(today.year, 1, 1), min(today, dt.date(today.year, 9, 30))
    span = (end - start).days
    this_year = [l for l in loans if l.disbursed and l.disbursed.year == today.year and l.disbursed <= end]
    for index in range(BUSINESSES_THIS_YEAR):
        loan = this_year[index] if index < len(this_year) else None
        registered = min(end, loan.disbursed + dt.timedelta(days=5)) if loan else start + dt.timedelta(
            days=rng.randint(0, span))
        owner = rng.choice(SURNAMES) + rng.choice(GIVEN)
        save_business({"name": f"{owner}{rng.choice(TRADES)}", "kind": "私营企业" if index % 9 == 0 else "个体工商户",
                       "owner": owner, "registered": registered, "employees": rng.randint(1, 6),
                       "branch": rng.choice(branches), "loan": loan.id if loan else None, "sample": True}, today=today)


def _placements(today, rng, branches, loans, count: int) -> None:
    """2,000 and more laid-off workers back at work, over the last three years
    (tests that only need the loans ask for fewer)."""
    named = [("刘文宪", 0), ("秦继雄", 1), ("柴如莲", 2)]
    for person, index in named:
        save_placement({"person": person, "date": loans[index].disbursed, "channel": "贷款",
                        "branch": loans[index].branch_id, "loan": loans[index].id}, today=today)
    start = dt.date(today.year - 2, 1, 1)
    span = (today - start).days
    for _ in range(max(count - len(named), 0)):
        save_placement({"person": rng.choice(SURNAMES) + rng.choice(GIVEN),
                        "date": start + dt.timedelta(days=rng.randint(0, span)),
                        "channel": rng.choice(("培训", "培训", "推荐", "贷款", "其他")),
                        "branch": rng.choice(branches), "sample": True}, today=today)
