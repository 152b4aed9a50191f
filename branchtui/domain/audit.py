"""The audit trail and the one way to write: a transaction with an audit row.

Every write of ``domain/`` happens inside ``transaction()`` and through the
helpers below (``save_audited``, ``delete_audited``, ``record``); a test walks
the package and fails on a model write anywhere else. Inside the gate the
writer's role is checked against the record's branch as the database holds it
now, and the audit row is appended to a SHA-256 chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from peewee import PostgresqlDatabase, SqliteDatabase

from branchtui.store.db import database
from branchtui.store.models import Audit, WriteVersion

# pg_advisory_xact_lock key of the one write gate: b"bt-gate" as an integer.
WRITE_LOCK_KEY = 0x62742D67617465
GENESIS = "0" * 64  # the "previous hash" of the first audit row


def current_login() -> str:
    """Who is at the keyboard: see ``domain/identity.py``."""
    from branchtui.domain.identity import current_login as login

    return login()


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance) -> dict:
    """Column values of a row, foreign keys as ids, ready for JSON."""
    return {
        field.column_name: _jsonable(instance.__data__.get(field.name))
        for field in instance._meta.sorted_fields
    }


def _is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def _lock_writers() -> None:
    """PostgreSQL: the gate's advisory lock, held until the transaction ends
    (taking it again in the same transaction returns at once)."""
    if _is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))


@contextmanager
def transaction():
    """One short write transaction: the only door to writing.

    SQLite takes the write lock at BEGIN (``lock_type='IMMEDIATE'``); on
    PostgreSQL the outermost transaction takes one advisory lock first, so
    writers queue there too and a rule re-validated inside sees a database no
    other writer changes meanwhile. Nested calls are savepoints.

    A write refused for the role rolls back, and then — outside it, so that
    it stays — the refusal is recorded in the audit trail.
    """
    outermost = database.transaction_depth() == 0
    try:
        with database.atomic():
            if outermost:
                _lock_writers()
            yield
    except Exception as exc:
        refusal = getattr(exc, "refusal", None)
        if refusal and database.transaction_depth() == 0:
            exc.refusal = None
            with transaction():
                record(refusal["table"], refusal["row_id"], "refused", None, refusal["after"],
                       branch_id=refusal["after"].get("branch_id"))
        raise


def _require_gate() -> None:
    if database.transaction_depth() == 0:
        raise RuntimeError("writes happen inside audit.transaction()")


# ------------------------------------------------------------------ the chain


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(at: dt.datetime, login: str, table: str, row_id: int | None, action: str,
              before: str | None, after: str | None, branch_id: int | None) -> str:
    """The text an audit row's hash covers: its content as JSON with sorted keys,
    no spaces, the time in ISO form to the microsecond (how both stores keep it)."""
    return _CANONICAL.encode({
        "action": action, "after": after, "at": at.isoformat(timespec="microseconds"),
        "before": before, "branch_id": branch_id, "login": login, "row_id": row_id, "table": table,
    })


def chain_hash(previous: str, content: str) -> str:
    return hashlib.sha256((previous + content).encode("utf-8")).hexdigest()


def head() -> tuple[str, int]:
    """(hash of the newest audit row, number of rows): what an office writes
    in its paper log to prove later that the trail was not rewritten."""
    newest = Audit.select(Audit.hash).order_by(Audit.id.desc()).limit(1).scalar()
    return (newest or GENESIS), Audit.select().count()


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head: str
    first_bad: int | None  # id of the first row whose hash does not match


CHAIN_SQL = ('SELECT id, at, login, "table", row_id, action, before, after, branch_id, hash '
             'FROM audit ORDER BY id')


def _as_datetime(value) -> dt.datetime:
    # Raw rows: SQLite hands back the stored text, PostgreSQL a datetime.
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def verify_chain() -> ChainReport:
    """Recompute every hash in order; the first row that does not match is named.

    Read with a plain cursor: converting each row through the model costs
    more than hashing it."""
    previous, rows = GENESIS, 0
    cursor = database.execute_sql(CHAIN_SQL)
    while batch := cursor.fetchmany(5000):
        for row_id_, at, login, table, row_id, action, before, after, branch_id, stored in batch:
            rows += 1
            expected = chain_hash(previous, canonical(_as_datetime(at), login, table, row_id, action,
                                                      before, after, branch_id))
            if stored != expected:
                return ChainReport(rows, previous, row_id_)
            previous = stored
    return ChainReport(rows, previous, None)


def record(table: str, row_id: int | None, action: str, before: dict | None, after: dict | None,
           *, branch_id: int | None = None) -> None:
    """Append an audit row to the chain, in the caller's transaction (or its own).

    ``branch_id``: the branch the row concerns, so that a secretary's view of the
    trail can be limited to its own branch; derived from the values when None.
    """
    from branchtui.domain.access import branch_of_values

    if branch_id is None:
        branch_id = branch_of_values(table, after or {}) or branch_of_values(table, before or {})
    values = {
        "at": dt.datetime.now(), "login": current_login(), "table": table, "row_id": row_id,
        "action": action, "branch_id": branch_id,
        "before": None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
        "after": None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
    }
    with transaction():
        # The chain needs the lock even inside a transaction not opened by the gate
        # (a bulk import's): the previous hash must stay the newest until this commits.
        _lock_writers()
        previous = Audit.select(Audit.hash).order_by(Audit.id.desc()).limit(1).scalar() or GENESIS
        values["hash"] = chain_hash(previous, canonical(**values))
        Audit.insert(**values).execute()
        _count_write()


# ------------------------------------------------------------- the writes


def _stored(instance):
    """The row as the database holds it now (None for a new record)."""
    if instance.id is None:
        return None
    return type(instance).get_or_none(type(instance).id == instance.id)


def save_audited(instance, before: dict | None = None) -> None:
    """Insert or update ``instance`` and leave its audit row, in the caller's transaction.

    The role is checked here against the record's branch both as the database
    holds it now and as it will be (nobody moves a record into or out of their
    branch). ``before`` is ignored: the stored row is read again, whatever the
    caller saw earlier.
    """
    from branchtui.domain.access import check_write

    _require_gate()
    stored = _stored(instance)
    check_write(instance, stored)
    created = stored is None
    if created:
        instance.save(force_insert=instance.id is not None)
    else:
        instance.save()
    record(
        instance._meta.table_name,
        instance.id,
        "create" if created else "update",
        None if created else snapshot(stored),
        snapshot(instance),
    )


def delete_audited(instance) -> None:
    """Delete ``instance`` (as the database holds it now) and leave its audit row."""
    from branchtui.domain.access import check_write

    _require_gate()
    stored = _stored(instance)
    if stored is None:
        return
    check_write(stored, stored)
    before = snapshot(stored)
    stored.delete_instance()
    record(instance._meta.table_name, before["id"], "delete", before, None)


def check_role(model, instance=None) -> None:
    """Refuse at once, inside the gate, a role that may not write ``model`` at all
    (or the existing ``instance``): before the input is even validated."""
    from branchtui.domain.access import check_model

    _require_gate()
    check_model(model, _stored(instance) if instance is not None else None)


def store_derived(model, key_field, values: dict, update: dict, *, prune=None) -> None:
    """Upsert a row of a derived cache (recomputable figures, no record of
    anyone's): no role and no audit row, since any reader may fill it. It never
    waits for a writer (a reader must not): busy, it raises at once and the
    caller keeps its figures unstored. ``prune``: rows of the cache to drop."""
    if not getattr(model._meta, "derived", False):
        raise RuntimeError(f"{model.__name__} is not a derived cache")
    with _no_waiting():
        model.insert(**values).on_conflict(conflict_target=[key_field], update=update).execute()
        if prune is not None:
            model.delete().where(prune).execute()


def _count_write() -> None:
    """One more write: remembered figures stop holding when this transaction
    commits (a counter, not MAX(audit.id): PostgreSQL commits out of id order)."""
    WriteVersion.update(n=WriteVersion.n + 1).where(WriteVersion.id == 1).execute()


class _no_waiting:
    """A write transaction that gives up at once rather than wait for a writer."""

    def __enter__(self):
        engine = database.obj
        self._sqlite = isinstance(engine, SqliteDatabase)
        if self._sqlite:
            self._timeout = database.execute_sql("PRAGMA busy_timeout").fetchone()[0]
            database.execute_sql("PRAGMA busy_timeout = 0")
        try:
            self._txn = database.atomic()
            self._txn.__enter__()
            if isinstance(engine, PostgresqlDatabase):
                database.execute_sql("SET LOCAL lock_timeout = '20ms'")
        except BaseException:
            self._restore()
            raise
        return self

    def __exit__(self, *exc):
        try:
            return self._txn.__exit__(*exc)
        finally:
            self._restore()

    def _restore(self):
        if self._sqlite:
            database.execute_sql(f"PRAGMA busy_timeout = {int(self._timeout)}")


def save_named(instance, values: dict, before: dict | None = None, *, clash_field: str,
               clash_message: str):
    """Write a record that has a name, inside the caller's transaction: its
    pinyin search keys are computed here, at write time, and a unique clash
    comes back as the field's message. ``before`` is ignored, as in
    ``save_audited``."""
    from peewee import IntegrityError

    from branchtui.domain.errors import ValidationError
    from branchtui.domain.pinyin import search_keys

    for key, value in values.items():
        setattr(instance, key, value)
    instance.name_pinyin, instance.name_initials = search_keys(instance.name)
    try:
        with transaction():
            save_audited(instance)
    except IntegrityError:
        raise ValidationError(clash_field, clash_message) from None
    return instance


def _visible(query, limit: int, offset: int = 0) -> list[Audit]:
    """Rows of ``query`` the current role may see, newest first, personal fields
    masked for a role that may not see them (see ``access.audit_scope``)."""
    from branchtui.domain.access import audit_scope, mask_change

    who, condition = audit_scope()
    if condition is not None:
        query = query.where(condition)
    rows = list(query.order_by(Audit.id.desc()).limit(limit).offset(offset))
    for row in rows:
        row.before = mask_change(row.before, row.branch_id, who)
        row.after = mask_change(row.after, row.branch_id, who)
    return rows


def history(table: str, row_id: int, limit: int = 50) -> list[Audit]:
    return _visible(Audit.select().where((Audit.table == table) & (Audit.row_id == row_id)), limit)


def search(*, login: str = "", table: str = "", since=None, until=None, limit: int = 200,
           offset: int = 0) -> list[Audit]:
    """The trail, newest first, filtered by person, table and date (read only:
    the database refuses to change an audit row).

    What the current role may see: a secretary its own branch's rows, a
    viewer no row about a person; ID numbers and phones masked as for the
    records themselves.
    """
    query = Audit.select()
    login = login[:64] if isinstance(login, str) else ""  # no login is longer (access.LOGIN_MAX)
    if login.strip():
        query = query.where(Audit.login.contains(login.strip()))
    if table:
        query = query.where(Audit.table == table)
    if since:
        query = query.where(Audit.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        query = query.where(Audit.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return _visible(query, limit, offset)


def tables() -> list[str]:
    """The tables named in the rows the current role may see."""
    from branchtui.domain.access import audit_scope

    _who, condition = audit_scope()
    query = Audit.select(Audit.table).distinct()
    if condition is not None:
        query = query.where(condition)
    return [row[0] for row in query.order_by(Audit.table).tuples()]


def scope_note() -> str:
    """What of the trail the current role is shown, for the viewer's title."""
    from branchtui.domain.access import ADMIN, COMMITTEE, SECRETARY, current_role
    from branchtui.i18n import _

    role, _own = current_role()
    if role in (ADMIN, COMMITTEE):
        return _("审计记录（只读）")
    if role == SECRETARY:
        return _("审计记录（只读 · 仅本支部）")
    return _("审计记录（只读 · 不含个人记录）")
