"""A write counter for remembered figures, and the figures keyed on it.

``MAX(audit.id)`` told whether remembered figures still held, but PostgreSQL
hands out ids in another order than transactions commit, so stale figures
could stand. One row, incremented in the transaction of every write, is
seen in commit order on both stores. The old cache rows are dropped: they
are only a cache.
"""

import datetime

from peewee import *


def up(migrator, db):
    class WriteVersion(Model):
        id = IntegerField(primary_key=True)
        n = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "write_version"

    class FiguresCache(Model):
        key = CharField(max_length=100, primary_key=True)
        version = BigIntegerField()
        stored_at = DateTimeField(default=datetime.datetime.now)
        payload = TextField()

        class Meta:
            database = db
            table_name = "figures_cache"

    db.create_tables([WriteVersion])
    WriteVersion.insert(id=1, n=0).execute()
    db.drop_tables([FiguresCache])
    db.create_tables([FiguresCache])
