"""The application models. Schema changes go through numbered migrations."""

from __future__ import annotations

import datetime

from peewee import (
    AutoField,
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
from branchtui.store.fields import MoneyField


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
