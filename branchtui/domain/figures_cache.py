"""The overview's figures, remembered until the next write.

Computing the loan book of a district takes a second or more. Every write
increments one counter row (``write_version``) in its own transaction, so
the counter is seen in commit order on both stores, and figures computed in
one snapshot together with the counter hold exactly while it stands still.

Reading never waits on a writer: the figures are stored only when the write
lock is free at once (SQLite: BEGIN IMMEDIATE with no busy wait; PostgreSQL:
a lock timeout of a few milliseconds); otherwise, or on a read-only file,
they are just computed. Rows of older counts, and all but the newest
``KEEP`` of the current one, are pruned whenever figures are stored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, fields
from decimal import Decimal

from peewee import PostgresqlDatabase, SqliteDatabase

from branchtui import __version__
from branchtui.store.db import database
from branchtui.store.models import FiguresCache, WriteVersion

log = logging.getLogger(__name__)


def _encode(value):
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value))


def _decode(obj):
    if "$d" in obj:
        return Decimal(obj["$d"])
    if "$date" in obj:
        return dt.date.fromisoformat(obj["$date"])
    return obj


def _build(cls, data: dict):
    """A dataclass back from its asdict(), nested dataclasses and tuples included."""
    from branchtui.domain.loans.portfolio import LoanFigures
    from branchtui.domain.summary import BranchFigures

    values = {}
    for f in fields(cls):
        value = data[f.name]
        if f.name == "branches":
            value = [_build(BranchFigures, b) for b in value]
        elif f.name == "loans" and value is not None:
            value = _build(LoanFigures, value)
        elif isinstance(value, list) and f.name != "monthly_this_year":
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


KEEP = 16


def write_count() -> int:
    return WriteVersion.select(WriteVersion.n).where(WriteVersion.id == 1).scalar() or 0


def _snapshot():
    """A read transaction: the counter and the figures from one consistent state."""
    engine = database.obj
    if isinstance(engine, SqliteDatabase):
        return database.atomic(lock_type="DEFERRED")  # never the write lock
    if isinstance(engine, PostgresqlDatabase):
        return database.atomic(isolation_level="REPEATABLE READ")
    return database.atomic()


def remembered(kind: str, as_of: dt.date, compute, cls):
    """``compute()``'s result for ``as_of``, from the cache while nothing was written since."""
    key = f"{kind}:{__version__}:{as_of.isoformat()}"
    row = (FiguresCache.select(FiguresCache.payload)
           .where((FiguresCache.key == key) & (FiguresCache.version == write_count())).first())
    if row is not None:
        try:
            return _build(cls, json.loads(row.payload, object_hook=_decode))
        except (KeyError, TypeError, ValueError) as exc:  # an older layout: compute afresh
            log.info("figures cache %s unusable: %s", key, exc)
    if database.transaction_depth() > 0:  # inside someone's transaction: its state, not ours to keep
        return compute()
    with _snapshot():
        version = write_count()
        result = compute()
    _store(key, version, result)
    return result


def _store(key: str, version: int, result) -> None:
    try:
        payload = json.dumps(asdict(result), default=_encode, ensure_ascii=False)
        from branchtui.domain.audit import store_derived

        newest = (FiguresCache.select(FiguresCache.key).where(FiguresCache.version == version)
                  .order_by(FiguresCache.stored_at.desc()).limit(KEEP))
        now = dt.datetime.now()
        # Older counts can never match again; a newer one stored by a faster reader stays.
        store_derived(FiguresCache, FiguresCache.key,
                      {"key": key, "version": version, "payload": payload, "stored_at": now},
                      {FiguresCache.version: version, FiguresCache.payload: payload, FiguresCache.stored_at: now},
                      prune=(FiguresCache.version < version)
                      | ((FiguresCache.version == version) & FiguresCache.key.not_in(newest)))
    except Exception as exc:  # busy, read-only, full: the figures are right anyway
        log.info("figures cache not stored: %s", exc)
