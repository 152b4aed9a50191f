"""A cache of computed overview figures, keyed on the newest audit row."""

from peewee import *


def up(migrator, db):
    class FiguresCache(Model):
        key = CharField(max_length=100, primary_key=True)
        audit_id = BigIntegerField()
        payload = TextField()

        class Meta:
            database = db
            table_name = "figures_cache"

    db.create_tables([FiguresCache])
