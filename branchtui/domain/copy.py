"""Moving a town between stores: a SQLite file to PostgreSQL and back.

Everything is copied model by model and column by column (so a column added
by a later migration comes along without changes here), ids included, into
a database that holds no records yet; then the copy is verified: rows per
table, the town's figures and the whole audit trail must be the same on
both sides. The remembered figures are not copied (they are recomputed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import Database, PostgresqlDatabase

from branchtui.i18n import _

CHUNK = 2000
SKIPPED = ("figures_cache",)


class CopyError(Exception):
    """The copy cannot start, or what arrived differs from what was sent."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _models():
    from branchtui.store.models import ALL_MODELS

    return [m for m in ALL_MODELS if m._meta.table_name not in SKIPPED]


def _holds_records(models) -> list[str]:
    """Tables that hold rows a person wrote (the migrations' own rows aside)."""
    from branchtui.store.models import Audit, Committee

    return [m._meta.table_name for m in (Committee, Audit) if m in models and m.select().exists()]


def _deferred(models) -> dict:
    """Nullable references to the table itself or to one copied later: written
    as NULL first and filled in once every row is there (Branch.secretary)."""
    position = {m: i for i, m in enumerate(models)}
    deferred = {}
    for i, model in enumerate(models):
        for fk in model._meta.refs:
            target = fk.rel_model
            if position.get(target, -1) >= i:
                if not fk.null:
                    raise CopyError(f"{model._meta.table_name}.{fk.name} → {target._meta.table_name}")
                deferred.setdefault(model, []).append(fk)
    return deferred


def _chunks(model, source, models):
    """The rows of ``model`` in primary key order, a chunk at a time."""
    pk = model._meta.primary_key
    columns = model._meta.sorted_fields
    at = columns.index(pk)
    last = None
    while True:
        with source.bind_ctx(models):
            query = model.select(*columns).order_by(pk).limit(CHUNK)
            if last is not None:
                query = query.where(pk > last)
            rows = list(query.tuples())
        if not rows:
            return
        yield columns, rows
        last = rows[-1][at]


def copy_database(source: Database, target: Database) -> CopyReport:
    """Copy every record of ``source`` into ``target`` (both opened and
    migrated), in one transaction; refuses a target that already holds records."""
    models = _models()
    deferred = _deferred(models)
    report = CopyReport()
    fills = []  # (model, pk, {field: value}) for the deferred references
    with target.atomic(), source.atomic():  # the source read as one consistent state
        with target.bind_ctx(models):
            busy = _holds_records(models)
            if busy:
                raise CopyError(_("目标数据库已有数据（{tables}），未复制：请用一个空数据库。").format(
                    tables=", ".join(busy)))
            for model in reversed(models):  # the migrations' own rows (kinds, standards…) come from the source
                if model.select().exists():
                    model.delete().execute()
        for model in models:
            later = {fk.name for fk in deferred.get(model, [])}
            count = 0
            for columns, rows in _chunks(model, source, models):
                if later:
                    names = [c.name for c in columns]
                    pk_at = names.index(model._meta.primary_key.name)
                    for row in rows:
                        values = {n: v for n, v in zip(names, row) if n in later and v is not None}
                        if values:
                            fills.append((model, row[pk_at], values))
                    rows = [tuple(None if n in later else v for n, v in zip(names, row)) for row in rows]
                with target.bind_ctx(models):
                    model.insert_many(rows, fields=columns).execute()
                count += len(rows)
            report.rows[model._meta.table_name] = count
        with target.bind_ctx(models):
            for model, pk, values in fills:
                model.update(**values).where(model._meta.primary_key == pk).execute()
            if isinstance(target, PostgresqlDatabase):
                _advance_sequences(target, models)
    return report


def _advance_sequences(target: PostgresqlDatabase, models) -> None:
    """Ids were copied as they were: the next one must come after them."""
    for model in models:
        pk = model._meta.primary_key
        if not getattr(pk, "auto_increment", False):
            continue
        table = model._meta.table_name
        top = target.execute_sql(f'SELECT MAX("{pk.column_name}") FROM "{table}"').fetchone()[0]
        if top is not None:
            target.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', %s), %s, true)",
                               (pk.column_name, top))


def verify_copy(source: Database, target: Database, as_of: dt.date) -> list[str]:
    """Differences between the two databases: rows per table, every row of
    every table (the audit trail included, column by column), and the town's
    figures. An empty list means the copy is whole."""
    models = _models()
    problems = []
    for model in models:
        name = model._meta.table_name
        with source.bind_ctx(models):
            expected = model.select().count()
        with target.bind_ctx(models):
            found = model.select().count()
        if expected != found:
            problems.append(_("{table}：源 {expected} 行，目标 {found} 行").format(
                table=name, expected=expected, found=found))
            continue
        pairs = zip(_chunks(model, source, models), _chunks(model, target, models))
        for (columns, left), (_columns, right) in pairs:
            if left != right:
                differ = next(a for a, b in zip(left, right) if a != b)
                problems.append(_("{table}：第 {id} 行与源不同").format(
                    table=name, id=differ[columns.index(model._meta.primary_key)]))
                break
    if not problems:
        figures = [_figures(db, as_of) for db in (source, target)]
        if figures[0] != figures[1]:
            problems.append(_("复制后的概况数字与源不同"))
    return problems


def _figures(db: Database, as_of: dt.date) -> dict:
    from branchtui.domain.summary import town_summary
    from branchtui.store.db import database

    previous = database.obj
    database.initialize(db)
    try:
        return town_summary(as_of, cached=False).to_json()
    finally:
        database.initialize(previous)


def copy_between(source_target: str, dest_target: str, as_of: dt.date) -> tuple[CopyReport, list[str]]:
    """``branchtui copy``: open both (the source must exist), copy, verify."""
    from branchtui.store.db import open_database, sqlite_path

    path = sqlite_path(source_target)
    if path is not None and not path.is_file():
        raise CopyError(_("找不到源数据库 {path}").format(path=path))
    if str(source_target) == str(dest_target):
        raise CopyError(_("源和目标是同一个数据库"))
    source = open_database(source_target)
    from branchtui.domain import access

    access.require(access.BACKUP, None)  # reading every record is an admin's job
    target = open_database(dest_target)
    try:
        report = copy_database(source, target)
        return report, verify_copy(source, target, as_of)
    finally:
        target.close()
        source.close()
