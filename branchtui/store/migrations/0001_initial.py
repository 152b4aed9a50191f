"""Committee, branches, members, rooms and the audit trail.

The models are a frozen copy of the schema as it was when this file was
written: later changes to branchtui.store.models must not alter history.
"""

import datetime

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Committee(Base):
        name = CharField(max_length=60)

    class Branch(Base):
        committee = ForeignKeyField(Committee, on_delete="RESTRICT")
        name = CharField(max_length=40, unique=True)
        name_pinyin = CharField(max_length=400, default="", index=True)
        name_initials = CharField(max_length=200, default="", index=True)
        community = CharField(max_length=60, default="")
        secretary = DeferredForeignKey("FrozenMember0001", null=True, on_delete="SET NULL")
        founded = DateField(null=True)
        phone = CharField(max_length=20, default="")
        notes = TextField(default="")

    class FrozenMember0001(Base):
        branch = ForeignKeyField(Branch, on_delete="RESTRICT")
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

        class Meta:
            table_name = "member"

    class Room(Base):
        branch = ForeignKeyField(Branch, unique=True, on_delete="RESTRICT")
        name = CharField(max_length=60)
        address = CharField(max_length=120, default="")
        area_m2 = IntegerField(null=True)
        manager = CharField(max_length=30, default="")
        open_hours = CharField(max_length=60, default="")
        build_cost = BigIntegerField(default=0)
        notes = TextField(default="")

    class Audit(Base):
        at = DateTimeField(default=datetime.datetime.now, index=True)
        login = CharField(max_length=64, index=True)
        table = CharField(max_length=40, index=True)
        row_id = IntegerField(null=True)
        action = CharField(max_length=10)
        before = TextField(null=True)
        after = TextField(null=True)

    db.create_tables([Committee, Branch, FrozenMember0001, Room, Audit])
    if not isinstance(db, SqliteDatabase):
        # SQLite cannot add a constraint to an existing table; elsewhere the
        # secretary link is enforced by the database too.
        Branch._schema.create_foreign_key(Branch.secretary)
