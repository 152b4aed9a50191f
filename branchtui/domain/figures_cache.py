"""The overview's figures, remembered until the next write.

Computing the loan book of a district takes a second or more; every write
leaves an audit row, so the newest audit id tells whether remembered
figures still hold. Any session may compute and store them; one that cannot
write (a read-only file, a busy database) just computes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, fields
from decimal import Decimal

from peewee import fn

from branchtui import __version__
from branchtui.store.models import Audit, FiguresCache

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


def newest_audit_id() -> int:
    return Audit.select(fn.MAX(Audit.id)).scalar() or 0


def remembered(kind: str, as_of: dt.date, compute, cls):
    """``compute()``'s result for ``as_of``, from the cache while nothing was written since."""
    key = f"{kind}:{__version__}:{as_of.isoformat()}"
    mark = newest_audit_id()
    row = FiguresCache.get_or_none(FiguresCache.key == key)
    if row is not None and row.audit_id == mark:
        try:
            return _build(cls, json.loads(row.payload, object_hook=_decode))
        except (KeyError, TypeError, ValueError) as exc:  # an older layout: compute afresh
            log.info("figures cache %s unusable: %s", key, exc)
    result = compute()
    try:
        payload = json.dumps(asdict(result), default=_encode, ensure_ascii=False)
        from branchtui.domain.audit import store_derived

        store_derived(FiguresCache, FiguresCache.key, {"key": key, "audit_id": mark, "payload": payload},
                      {FiguresCache.audit_id: mark, FiguresCache.payload: payload})
    except Exception as exc:  # read-only file, busy database: the figures are right anyway
        log.info("figures cache not stored: %s", exc)
    return result
