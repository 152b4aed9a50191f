"""The audit trail and the one way to write: a transaction with an audit row."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from contextlib import contextmanager
from decimal import Decimal

from branchtui.store.db import database
from branchtui.store.models import Audit


def current_login() -> str:
    """The SSH account name, or BRANCHTUI_USER when a wrapper sets it."""
    try:
        return os.environ.get("BRANCHTUI_USER") or getpass.getuser()
    except Exception:  # no passwd entry (containers): still audit something
        return "unknown"


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


def record(table: str, row_id: int | None, action: str, before: dict | None, after: dict | None) -> None:
    Audit.create(
        at=dt.datetime.now(),
        login=current_login(),
        table=table,
        row_id=row_id,
        action=action,
        before=None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
        after=None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
    )
    _count_write()


def _count_write() -> None:
    """Remembered figures stop holding when this transaction commits (migration 0010)."""
    from branchtui.domain.figures_cache import count_write

    count_write()


@contextmanager
def transaction():
    """One short write transaction (BEGIN IMMEDIATE on SQLite).

    A write refused for the role rolls back, and then — outside it, so that
    it stays — the refusal is recorded in the audit trail.
    """
    try:
        with database.atomic():
            yield
    except Exception as exc:
        refusal = getattr(exc, "refusal", None)
        if refusal and database.transaction_depth() == 0:
            exc.refusal = None
            with database.atomic():
                record(refusal["table"], refusal["row_id"], "refused", None, refusal["after"])
        raise


def save_audited(instance, before: dict | None = None) -> None:
    """Insert or update ``instance`` and leave its audit row, in the caller's transaction.

    Every write passes here, so this is where the role is checked.
    """
    from branchtui.domain.access import check_write

    check_write(instance, before)
    created = instance.id is None
    instance.save()
    record(
        instance._meta.table_name,
        instance.id,
        "create" if created else "update",
        None if created else before,
        snapshot(instance),
    )


def history(table: str, row_id: int, limit: int = 50) -> list[Audit]:
    return list(
        Audit.select()
        .where((Audit.table == table) & (Audit.row_id == row_id))
        .order_by(Audit.at.desc(), Audit.id.desc())
        .limit(limit)
    )


def save_named(instance, values: dict, before: dict | None, *, clash_field: str, clash_message: str):
    """Write a record that has a name: its pinyin search keys are computed
    here, at write time, and a unique clash that another session raced in
    between check and write comes back as the field's message."""
    from peewee import IntegrityError

    from branchtui.domain.errors import ValidationError
    from branchtui.domain.pinyin import search_keys

    for key, value in values.items():
        setattr(instance, key, value)
    instance.name_pinyin, instance.name_initials = search_keys(instance.name)
    try:
        with transaction():
            save_audited(instance, before)
    except IntegrityError:
        raise ValidationError(clash_field, clash_message) from None
    return instance


def search(*, login: str = "", table: str = "", since=None, until=None, limit: int = 200,
           offset: int = 0) -> list[Audit]:
    """The trail, newest first, filtered by person, table and date (read only:
    the app has no way to change an audit row)."""
    query = Audit.select()
    if login.strip():
        query = query.where(Audit.login.contains(login.strip()))
    if table:
        query = query.where(Audit.table == table)
    if since:
        query = query.where(Audit.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        query = query.where(Audit.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return list(query.order_by(Audit.id.desc()).limit(limit).offset(offset))


def tables() -> list[str]:
    return [row[0] for row in Audit.select(Audit.table).distinct().order_by(Audit.table).tuples()]
