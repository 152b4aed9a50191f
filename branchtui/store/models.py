"""The application models. Schema changes go through numbered migrations."""

from __future__ import annotations

import datetime

from peewee import (
    AutoField,
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
