"""Logins and their roles (admin / committee / secretary / viewer). Frozen model."""

import datetime

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Branch(Base):
        class Meta:
            table_name = "branch"

    class User(Base):
        login = CharField(max_length=64, unique=True)
        role = CharField(max_length=12)
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "app_user"

    db.create_tables([User])
