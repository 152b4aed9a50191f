"""Who may use the program: logins and their roles (migration 0004).

Kept apart from models.py; binds to the same ``database`` proxy.
"""

from __future__ import annotations

import datetime

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, TextField

from branchtui.store.models import BaseModel, Branch


class User(BaseModel):
    """A login (the SSH account name) and its role: admin / committee / secretary / viewer.

    A secretary's ``branch`` is the one branch whose records they may change.
    """

    id = AutoField()
    login = CharField(max_length=64, unique=True)
    role = CharField(max_length=12)
    branch = ForeignKeyField(Branch, null=True, backref="users", on_delete="SET NULL")
    created = DateTimeField(default=datetime.datetime.now)

    class Meta:
        # "user" is a reserved word in PostgreSQL and standard SQL.
        table_name = "app_user"


class UserKey(BaseModel):
    """An SSH public key of a user (migration 0009): sshd runs the program
    as that user for whoever proves to hold the private half.

    ``blob`` (the base64 body) is unique: one key, one person.
    """

    id = AutoField()
    user = ForeignKeyField(User, backref="keys", on_delete="CASCADE")
    kind = CharField(max_length=40)
    blob = TextField(unique=True)
    comment = CharField(max_length=200, default="")
    fingerprint = CharField(max_length=60)
    created = DateTimeField(default=datetime.datetime.now)

    class Meta:
        table_name = "user_key"
