"""SSH public keys of the registered users (one key, one person). Frozen model."""

import datetime

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "app_user"

    class UserKey(Base):
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=40)
        blob = TextField(unique=True)
        comment = CharField(max_length=200, default="")
        fingerprint = CharField(max_length=60)
        created = DateTimeField(default=datetime.datetime.now)

        class Meta:
            table_name = "user_key"

    db.create_tables([UserKey])
