"""The column headings offices use, per kind of import."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the heading our own exports write
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text / id / date / month_date / money / int


MEMBERS = (
    Column("branch", "所在支部", ("支部", "所属支部", "党支部", "支部名称", "所在党支部")),
    Column("name", "姓名", ("党员姓名", "名字")),
    Column("gender", "性别"),
    Column("ethnicity", "民族"),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "出生时间"), "month_date"),
    Column("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证", "证件号码", "身份证件号码"), "id"),
    Column("education", "学历", ("文化程度", "最高学历")),
    Column("join_date", "入党时间", ("入党日期", "入党年月", "入党时间(预备)"), "month_date"),
    Column("full_date", "转正时间", ("转正日期", "转正年月"), "month_date"),
    Column("category", "人员类别", ("党员类别", "类别", "党员类型")),
    Column("phone", "联系电话", ("手机", "手机号码", "手机号", "电话", "联系方式", "电话号码")),
    Column("status", "党籍状态", ("状态",)),
    Column("notes", "备注"),
)

BORROWERS = (
    Column("name", "姓名", ("借款人", "借款人姓名")),
    Column("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证", "证件号码"), "id"),
    # Read from the ID number by the domain; recognised so that they are not listed as unknown.
    Column("gender", "性别"),
    Column("birth_date", "出生日期", ("出生年月",), "month_date"),
    Column("phone", "联系电话", ("手机", "手机号码", "手机号", "电话", "联系方式")),
    Column("address", "住址", ("家庭住址", "地址", "现住址", "居住地址")),
    Column("status", "就业状况", ("人员类别", "身份", "人员状态")),
    Column("certificate_no", "再就业优惠证号", ("优惠证号", "再就业证号", "再就业优惠证编号")),
    Column("branch", "所在支部", ("支部", "所属支部", "社区支部")),
    Column("notes", "备注"),
)

EQUIPMENT = (
    Column("branch", "所在支部", ("支部", "所属支部")),
    Column("room", "活动室", ("党员活动室", "活动室名称", "所在活动室")),
    Column("name", "设备名称", ("名称", "物品名称", "设备")),
    Column("item", "标准项目", ("对应项目", "“三个一”项目", "项目")),
    Column("asset_no", "资产编号", ("编号", "资产号")),
    Column("purchase_date", "购置日期", ("购买日期", "购置时间", "购入日期"), "date"),
    Column("cost", "金额（元）", ("金额", "价格", "购置金额", "单价", "原值"), "money"),
    Column("funding", "资金来源", ("经费来源", "资金渠道")),
    Column("condition", "状况", ("使用状况", "设备状况", "完好情况")),
    Column("notes", "备注"),
)

LOANS = (
    Column("name", "借款人", ("姓名", "借款人姓名")),
    Column("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证", "证件号码"), "id"),
    Column("phone", "联系电话", ("手机", "手机号码", "电话")),
    Column("branch", "所在支部", ("支部", "所属支部")),
    Column("business", "经营项目", ("项目", "创业项目", "经营项目名称")),
    Column("purpose", "贷款用途", ("用途",)),
    Column("amount", "贷款金额（元）", ("贷款金额", "金额", "贷款额"), "money"),
    Column("annual_rate", "年利率（%）", ("年利率", "利率", "年利率%")),
    Column("months", "期限（月）", ("期限", "贷款期限", "期限(月)")),
    Column("method", "还款方式", ()),
    Column("disbursed", "发放日期", ("放款日期", "发放时间", "贷款日期"), "date"),
    Column("repaid_principal", "已还本金（元）", ("已还本金", "累计已还本金"), "money"),
    Column("repaid_interest", "已还利息（元）", ("已还利息", "累计已还利息"), "money"),
    Column("lender_office", "放款网点", ("信用社", "贷款网点")),
    Column("notes", "备注"),
)

KINDS = {"members": MEMBERS, "borrowers": BORROWERS, "equipment": EQUIPMENT, "loans": LOANS}

# A row starting with these, under a table, is a remark or a total, not a record.
NOTE_STARTS = ("注", "说明", "填表", "制表", "审核", "合计", "备注：", "备注:", "负责人")
TOTALS = ("合计", "总计", "小计")

# Columns every ledger has that carry nothing to import.
IGNORED = {"序号", "编号序号", "no", "no.", "年龄", "党龄", "合计"}


def normalise(heading) -> str:
    """Folded to half-width, lower case, without spaces, stars and colons."""
    text = unicodedata.normalize("NFKC", str(heading or "")).strip().lower()
    return re.sub(r"\s+", "", text).strip("*:：")


def lookup(columns) -> dict[str, Column]:
    table = {}
    for column in columns:
        for name in (column.label, *column.aliases):
            table[normalise(name)] = column
    return table


def find(table: dict[str, Column], heading) -> Column | None:
    """The column a heading names; a note in brackets (身份证号码（18位）) is let go."""
    name = normalise(heading)
    return table.get(name) or table.get(re.sub(r"\(.*?\)$", "", name))
