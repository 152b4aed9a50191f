"""The application models. Schema changes go through numbered migrations."""

from __future__ import annotations

import datetime

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from branchtui.store.db import database
from branchtui.store.fields import MoneyField, RateField


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Committee(BaseModel):
    id = AutoField()
    name = CharField(max_length=60)


class Branch(BaseModel):
    id = AutoField()
    committee = ForeignKeyField(Committee, backref="branches", on_delete="RESTRICT")
    name = CharField(max_length=40, unique=True)
    name_pinyin = CharField(max_length=400, default="", index=True)
    name_initials = CharField(max_length=200, default="", index=True)
    community = CharField(max_length=60, default="")
    # The secretary is a member of the branch: a cycle with Member.branch, so
    # the foreign key is deferred (enforced in domain/, and by PostgreSQL).
    secretary = DeferredForeignKey("Member", null=True, on_delete="SET NULL")
    founded = DateField(null=True)
    phone = CharField(max_length=20, default="")
    notes = TextField(default="")


class Member(BaseModel):
    id = AutoField()
    branch = ForeignKeyField(Branch, backref="members", on_delete="RESTRICT")
    name = CharField(max_length=30)
    name_pinyin = CharField(max_length=400, default="", index=True)
    name_initials = CharField(max_length=200, default="", index=True)
    gender = CharField(max_length=2)
    ethnicity = CharField(max_length=20, default="汉族")
    birth_date = DateField()
    id_number = CharField(max_length=18, unique=True)
    education = CharField(max_length=20, default="")
    join_date = DateField()
    full_date = DateField(null=True)
    phone = CharField(max_length=20, default="")
    status = CharField(max_length=4, default="正常", index=True)
    notes = TextField(default="")


class Room(BaseModel):
    id = AutoField()
    branch = ForeignKeyField(Branch, backref="rooms", unique=True, on_delete="RESTRICT")
    name = CharField(max_length=60)
    address = CharField(max_length=120, default="")
    area_m2 = IntegerField(null=True)
    manager = CharField(max_length=30, default="")
    open_hours = CharField(max_length=60, default="")
    build_cost = MoneyField(default=0)
    notes = TextField(default="")
    origin = CharField(max_length=4, default="既有")  # 新建 / 改建 / 既有
    origin_year = IntegerField(null=True)
    tags = CharField(max_length=200, default="")  # multi-use, comma-separated: 市民学校,人口学校


class Audit(BaseModel):
    id = AutoField()
    at = DateTimeField(default=datetime.datetime.now, index=True)
    login = CharField(max_length=64, index=True)
    table = CharField(max_length=40, index=True)
    row_id = IntegerField(null=True)
    action = CharField(max_length=10)
    before = TextField(null=True)
    after = TextField(null=True)
    # Migration 0007: the branch the row concerns (a secretary sees only its
    # own), and SHA-256 over the previous row's hash and this row's content.
    branch_id = IntegerField(null=True, index=True)
    hash = CharField(max_length=64, null=True)


ALL_MODELS = [Committee, Branch, Member, Room, Audit]


# --- rooms and their standards (migration 0002) ---------------------------

class Standard(BaseModel):
    """An equipment/facility standard for rooms, such as 三个一 or 六有."""

    id = AutoField()
    name = CharField(max_length=30, unique=True)
    description = TextField(default="")
    is_current = BooleanField(default=False)


class StandardItem(BaseModel):
    id = AutoField()
    standard = ForeignKeyField(Standard, backref="items", on_delete="CASCADE")
    name = CharField(max_length=30)
    category = CharField(max_length=4, default="设施")
    requirement = TextField(default="")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("standard", "name"), True),)


class Equipment(BaseModel):
    """登记造册: one piece in a room's ledger."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="equipment", on_delete="RESTRICT")
    item = ForeignKeyField(StandardItem, null=True, backref="equipment", on_delete="SET NULL")
    name = CharField(max_length=60)
    asset_no = CharField(max_length=30, default="")
    purchase_date = DateField(null=True)
    cost = MoneyField(default=0)
    funding = CharField(max_length=60, default="")
    condition = CharField(max_length=4, default="完好", index=True)
    notes = TextField(default="")


class Inspection(BaseModel):
    id = AutoField()
    room = ForeignKeyField(Room, backref="inspections", on_delete="RESTRICT")
    standard = ForeignKeyField(Standard, backref="inspections", on_delete="RESTRICT")
    date = DateField(index=True)
    inspector = CharField(max_length=30)
    notes = TextField(default="")


class InspectionResult(BaseModel):
    id = AutoField()
    inspection = ForeignKeyField(Inspection, backref="results", on_delete="CASCADE")
    item = ForeignKeyField(StandardItem, on_delete="RESTRICT")
    passed = BooleanField()
    note = CharField(max_length=200, default="")

    class Meta:
        indexes = ((("inspection", "item"), True),)


class RoomRule(BaseModel):
    """制度上墙: a rule or handbook posted in a room."""

    id = AutoField()
    room = ForeignKeyField(Room, backref="rules", on_delete="RESTRICT")
    name = CharField(max_length=30)
    adopted = DateField(null=True)
    posted = BooleanField(default=True)
    notes = TextField(default="")


ALL_MODELS += [Standard, StandardItem, Equipment, Inspection, InspectionResult, RoomRule]


# --- guaranteed microloans (migration 0003) --------------------------------

class Policy(BaseModel):
    """The programme's rules from a date on: they change over the years."""

    id = AutoField()
    effective_from = DateField(index=True)
    name = CharField(max_length=60, default="")
    ceiling_person = MoneyField()
    ceiling_partnership = MoneyField()
    max_term_months = IntegerField()
    subsidy_percent = IntegerField(default=100)
    payout_wait_days = IntegerField(default=90)
    max_extension_months = IntegerField(default=12)
    notes = TextField(default="")


class Borrower(BaseModel):
    id = AutoField()
    name = CharField(max_length=30)
    name_pinyin = CharField(max_length=400, default="", index=True)
    name_initials = CharField(max_length=200, default="", index=True)
    id_number = CharField(max_length=18, unique=True)
    gender = CharField(max_length=2)
    birth_date = DateField()
    phone = CharField(max_length=20, default="")
    address = CharField(max_length=120, default="")
    status = CharField(max_length=4, default="下岗")  # 下岗 / 失业 / 其他
    certificate_no = CharField(max_length=30, default="")  # 再就业优惠证
    branch = ForeignKeyField(Branch, null=True, backref="borrowers", on_delete="SET NULL")
    sample = BooleanField(default=False)  # generated demo data, not a real person
    notes = TextField(default="")


class Loan(BaseModel):
    id = AutoField()
    borrower = ForeignKeyField(Borrower, backref="loans", on_delete="RESTRICT")
    branch = ForeignKeyField(Branch, null=True, backref="loans", on_delete="SET NULL")
    purpose = CharField(max_length=60, default="")
    business = CharField(max_length=60, default="")
    lender = CharField(max_length=40, default="信用社")
    lender_office = CharField(max_length=40, default="")
    guarantor = CharField(max_length=40, default="镇党委")
    counter_guarantee = CharField(max_length=120, default="")
    amount = MoneyField()
    annual_rate = RateField()
    months = IntegerField()
    method = CharField(max_length=20)
    applied = DateField()
    approved = DateField(null=True)
    disbursed = DateField(null=True, index=True)
    state = CharField(max_length=4, default="申请", index=True)
    extension_months = IntegerField(default=0)
    extended_on = DateField(null=True)
    sample = BooleanField(default=False)
    notes = TextField(default="")


class LoanPartner(BaseModel):
    id = AutoField()
    loan = ForeignKeyField(Loan, backref="partners", on_delete="CASCADE")
    borrower = ForeignKeyField(Borrower, on_delete="RESTRICT")
    share = MoneyField()


class Repayment(BaseModel):
    """As the lender records it. Never edited or deleted: a mistake is reversed."""

    id = AutoField()
    loan = ForeignKeyField(Loan, backref="repayments", on_delete="RESTRICT")
    date = DateField(index=True)
    principal = MoneyField()
    interest = MoneyField()
    reverses = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    prepay = CharField(max_length=4, default="")  # 缩短期限 / 减少月供: a prepayment re-schedules what remains


class LoanEvent(BaseModel):
    """A step of a loan's life: 审批, 发放, 展期, 代偿, 追偿, 核销, 结清."""

    id = AutoField()
    loan = ForeignKeyField(Loan, backref="events", on_delete="RESTRICT")
    date = DateField()
    kind = CharField(max_length=4, index=True)
    amount = MoneyField(default=0)
    months = IntegerField(default=0)
    note = CharField(max_length=200, default="")


class Business(BaseModel):
    """两户: a 个体工商户 or 私营企业 started, with a loan or otherwise."""

    id = AutoField()
    name = CharField(max_length=60)
    kind = CharField(max_length=6)
    owner = CharField(max_length=30, default="")
    registered = DateField(index=True)
    employees = IntegerField(default=1)
    branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
    loan = ForeignKeyField(Loan, null=True, backref="businesses", on_delete="SET NULL")
    sample = BooleanField(default=False)
    notes = TextField(default="")


class Placement(BaseModel):
    """再就业: a person placed in a job."""

    id = AutoField()
    person = CharField(max_length=30)
    date = DateField(index=True)
    channel = CharField(max_length=4)  # 贷款 / 培训 / 推荐 / 其他
    branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
    loan = ForeignKeyField(Loan, null=True, on_delete="SET NULL")
    sample = BooleanField(default=False)
    notes = TextField(default="")


ALL_MODELS += [Policy, Borrower, Loan, LoanPartner, Repayment, LoanEvent, Business, Placement]


# --- activities, the 122 targets and the education campaign (migration 0005) ---

class ActivityKind(BaseModel):
    id = AutoField()
    name = CharField(max_length=20, unique=True)
    position = IntegerField(default=0)


class Activity(BaseModel):
    id = AutoField()
    kind = ForeignKeyField(ActivityKind, backref="activities", on_delete="RESTRICT")
    date = DateField(index=True)
    branch = ForeignKeyField(Branch, backref="activities", on_delete="RESTRICT")
    room = ForeignKeyField(Room, null=True, backref="activities", on_delete="SET NULL")
    topic = CharField(max_length=100)
    lecturer = CharField(max_length=30, default="")
    members_expected = IntegerField(default=0)
    members_present = IntegerField(default=0)
    others = IntegerField(default=0)
    notes = TextField(default="")


class Target(BaseModel):
    """122工程 目标: an expected count per branch, year and measure."""

    id = AutoField()
    branch = ForeignKeyField(Branch, backref="targets", on_delete="RESTRICT")
    year = IntegerField(index=True)
    measure = CharField(max_length=30)  # "kind:<id>", "rooms", "placements", "businesses", "loans"
    expected = IntegerField()

    class Meta:
        indexes = ((("branch", "year", "measure"), True),)


class Appraisal(BaseModel):
    """Year-end appraisal of a branch and its secretary: 目标、制度、任务三落实."""

    id = AutoField()
    branch = ForeignKeyField(Branch, on_delete="RESTRICT")
    year = IntegerField()
    secretary = CharField(max_length=30, default="")
    goals_ok = BooleanField(default=False)
    goals_note = CharField(max_length=200, default="")
    rules_ok = BooleanField(default=False)
    rules_note = CharField(max_length=200, default="")
    tasks_ok = BooleanField(default=False)
    tasks_note = CharField(max_length=200, default="")
    score = IntegerField(null=True)

    class Meta:
        indexes = ((("branch", "year"), True),)


class Honour(BaseModel):
    id = AutoField()
    name = CharField(max_length=40)
    level = CharField(max_length=4)  # 区级 / 市级 / 省级
    year = IntegerField()
    branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
    person = CharField(max_length=30, default="")
    notes = TextField(default="")


class Campaign(BaseModel):
    """先进性教育活动."""

    id = AutoField()
    name = CharField(max_length=60)
    theme = CharField(max_length=100, default="")
    start = DateField()
    end = DateField(null=True)


class CampaignPhase(BaseModel):
    id = AutoField()
    campaign = ForeignKeyField(Campaign, backref="phases", on_delete="CASCADE")
    position = IntegerField()
    name = CharField(max_length=40)
    planned_start = DateField()
    planned_end = DateField()
    actual_start = DateField(null=True)
    actual_end = DateField(null=True)


class CampaignBranch(BaseModel):
    id = AutoField()
    campaign = ForeignKeyField(Campaign, backref="branches", on_delete="CASCADE")
    branch = ForeignKeyField(Branch, on_delete="RESTRICT")
    phase = ForeignKeyField(CampaignPhase, null=True, on_delete="SET NULL")
    members_taking_part = IntegerField(default=0)
    completed_on = DateField(null=True)

    class Meta:
        indexes = ((("campaign", "branch"), True),)


class Survey(BaseModel):
    """A residents' symposium or a round of survey forms (调查表)."""

    id = AutoField()
    campaign = ForeignKeyField(Campaign, backref="surveys", on_delete="CASCADE")
    branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
    kind = CharField(max_length=4)  # 座谈会 / 调查表
    date = DateField()
    issued = IntegerField(default=0)
    returned = IntegerField(default=0)
    notes = TextField(default="")


class Problem(BaseModel):
    """A problem raised, and its rectification (整改)."""

    id = AutoField()
    campaign = ForeignKeyField(Campaign, backref="problems", on_delete="CASCADE")
    branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
    raised = CharField(max_length=200)
    source = CharField(max_length=4, default="调查表")
    rectification = CharField(max_length=200, default="")
    status = CharField(max_length=4, default="待整改")
    due = DateField(null=True)


class Register(BaseModel):
    """基本情况底册: dated figures of a branch's community."""

    id = AutoField()
    branch = ForeignKeyField(Branch, backref="registers", on_delete="RESTRICT")
    date = DateField(index=True)
    population = IntegerField()
    households = IntegerField()
    employed = IntegerField()
    laid_off = IntegerField()
    low_income = IntegerField()
    family_planning = IntegerField()  # households meeting the family-planning policy
    notes = TextField(default="")


ALL_MODELS += [ActivityKind, Activity, Target, Appraisal, Honour, Campaign, CampaignPhase,
               CampaignBranch, Survey, Problem, Register]


# Logins and roles live in their own module (migration 0004); listed here so
# that everything iterating over the schema sees them.
from branchtui.store.users import User, UserKey  # noqa: E402

ALL_MODELS += [User, UserKey]


class FiguresCache(BaseModel):
    """Computed overview figures, valid while the write counter still stands
    at ``version`` (migration 0010). JSON, never pickle: the file is shared,
    and a cache must not be a way to run code in another session."""

    key = CharField(max_length=100, primary_key=True)
    version = BigIntegerField()
    stored_at = DateTimeField(default=datetime.datetime.now)
    payload = TextField()

    class Meta:
        derived = True  # recomputable: written by audit.store_derived, without the gate


class WriteVersion(BaseModel):
    """One row (id 1) whose ``n`` every write increments in its own transaction."""

    id = IntegerField(primary_key=True)
    n = BigIntegerField(default=0)

    class Meta:
        table_name = "write_version"


ALL_MODELS += [FiguresCache, WriteVersion]
