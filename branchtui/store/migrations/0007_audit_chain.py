"""The audit trail made append-only and tamper-evident.

Each row gets the branch it concerns and a SHA-256 hash over the previous
row's hash and its own canonical content (see ``branchtui.domain.audit``);
rows written before this migration are hashed here, in id order. Then the
database itself refuses UPDATE and DELETE on the table: triggers on SQLite,
a trigger and revoked privileges on PostgreSQL.
"""

import json

from peewee import *

from branchtui.domain.audit import GENESIS, canonical, chain_hash

REFUSE = "audit rows are append-only"


def _branch(db, table, values):
    """Best effort for old rows: the branch named in the values, or through the room/loan."""
    if table in ("committee", "standard", "standard_item", "policy", "target", "appraisal", "campaign",
                 "campaign_phase", "activity_kind", "app_user"):
        return None
    if table == "branch":
        return values.get("id")
    if values.get("branch_id"):
        return values["branch_id"]
    for key, sql in (("room_id", "SELECT branch_id FROM room WHERE id = %s"),
                     ("loan_id", "SELECT branch_id FROM loan WHERE id = %s"),
                     ("inspection_id", "SELECT r.branch_id FROM room r JOIN inspection i ON i.room_id = r.id "
                                       "WHERE i.id = %s"),
                     ("activity_id", "SELECT branch_id FROM activity WHERE id = %s")):
        if values.get(key):
            row = db.execute_sql(sql.replace("%s", db.param), (values[key],)).fetchone()
            return row[0] if row else None
    return None


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("audit", "branch_id", IntegerField(null=True)),
        migrator.add_column("audit", "hash", CharField(max_length=64, null=True)),
        migrator.add_index("audit", ("branch_id",), False),
    )

    class Audit(Model):
        at = DateTimeField()
        login = CharField(max_length=64)
        table = CharField(max_length=40)
        row_id = IntegerField(null=True)
        action = CharField(max_length=10)
        before = TextField(null=True)
        after = TextField(null=True)
        branch_id = IntegerField(null=True)
        hash = CharField(max_length=64, null=True)

        class Meta:
            database = db
            table_name = "audit"

    previous = GENESIS
    rows = list(Audit.select().order_by(Audit.id).tuples())
    for row_id_, at, login, table, row_id, action, before, after, _branch_id, _hash in rows:
        values = {}
        for text in (after, before):
            try:
                parsed = json.loads(text) if text else {}
            except ValueError:
                parsed = {}
            if isinstance(parsed, dict):
                values = {**parsed, **values}
        branch_id = _branch(db, table, values)
        previous = chain_hash(previous, canonical(at, login, table, row_id, action, before, after, branch_id))
        Audit.update(branch_id=branch_id, hash=previous).where(Audit.id == row_id_).execute()

    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"""
            CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{REFUSE}'; END $$ LANGUAGE plpgsql""")
        db.execute_sql("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                       "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        db.execute_sql("CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")
        db.execute_sql("REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC")
    else:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
                           f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END")
