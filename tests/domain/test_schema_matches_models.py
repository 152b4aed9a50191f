"""The schema the migrations build is the schema ``models.py`` declares.

Migrations are frozen copies written by hand; models.py is what the code
uses. Nothing else notices when the two drift apart (a column added to a
model but not to its migration, an index forgotten, a nullability changed
on one side only) until a database in the field fails. So a fresh database
is built by ``open_database`` (which runs every migration) and compared,
table by table, with what each model's ``_meta`` declares, and its column
types with the tables peewee creates straight from the models.

Run on SQLite always, and on PostgreSQL when a server answers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from peewee import ForeignKeyField, SqliteDatabase

from branchtui.store.migrate import HISTORY_TABLE
from branchtui.store.models import ALL_MODELS

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
MODELS = {model._meta.table_name: model for model in ALL_MODELS}


@dataclass(frozen=True)
class Shape:
    columns: dict[str, tuple[str, bool, bool]]  # name: (type, null, primary key)
    indexes: frozenset[tuple[tuple[str, ...], bool]]  # (columns, unique), primary key left out
    foreign_keys: frozenset[tuple[str, str, str]]  # (column, table, column)


def _shape(db, table: str) -> Shape:
    columns = {c.name: (c.data_type.lower(), bool(c.null), bool(c.primary_key)) for c in db.get_columns(table)}
    primary = tuple(sorted(name for name, (_t, _n, pk) in columns.items() if pk))
    indexes = frozenset((tuple(i.columns), bool(i.unique)) for i in db.get_indexes(table)
                        if tuple(sorted(i.columns)) != primary)
    fks = frozenset((f.column, f.dest_table, f.dest_column) for f in db.get_foreign_keys(table))
    return Shape(columns, indexes, fks)


def _describe(db) -> dict[str, Shape]:
    return {table: _shape(db, table) for table in db.get_tables() if table != HISTORY_TABLE}


@dataclass(frozen=True)
class Schemas:
    engine: str
    migrated: dict[str, Shape]  # what open_database's migrations built
    created: dict[str, Shape]  # what peewee creates from models.py


def _pg_connect(name: str):
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN.replace("/test", f"/{name}"), connect_timeout=3)
    connection.autocommit = True
    return connection


def _pg_databases(count: int):
    """``count`` scratch databases on the shared server (never tables in ``test`` itself)."""
    try:
        admin = _pg_connect("test")
    except Exception as exc:  # no server answers: the SQLite run still holds
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN}: {exc}")
    names = [f"bt_{secrets.token_hex(6)}" for _ in range(count)]
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    return admin, names


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def schemas(request, tmp_path_factory):
    from branchtui.store.db import open_database

    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("schema")
        migrated_db = open_database(folder / "migrated.db")
        created_db = SqliteDatabase(str(folder / "created.db"))
        admin = names = None
    else:
        from playhouse.db_url import connect

        admin, names = _pg_databases(2)
        migrated_db = open_database(PG_ADMIN.replace("/test", f"/{names[0]}"))
        created_db = connect(PG_ADMIN.replace("/test", f"/{names[1]}"))
    try:
        migrated = _describe(migrated_db)
        with created_db.bind_ctx(ALL_MODELS):
            created_db.create_tables(ALL_MODELS)
        created = _describe(created_db)
    finally:
        migrated_db.close()
        created_db.close()
        if admin is not None:
            with admin.cursor() as cursor:
                for name in names:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()
    yield Schemas(request.param, migrated, created)


def _declared_columns(model) -> dict[str, tuple[bool, bool]]:
    """column: (null, primary key), as the model declares them."""
    return {f.column_name: (bool(f.null) and not f.primary_key, bool(f.primary_key))
            for f in model._meta.sorted_fields}


def _declared_indexes(model) -> frozenset[tuple[tuple[str, ...], bool]]:
    """Every index the model asks for: field index=/unique=, foreign keys, Meta.indexes."""
    return frozenset((tuple(f.column_name for f in index._expressions), bool(index._unique))
                     for index in model._meta.fields_to_index())


def _declared_foreign_keys(model, engine: str) -> frozenset[tuple[str, str, str]]:
    out = set()
    for f in model._meta.sorted_fields:
        if not isinstance(f, ForeignKeyField):
            continue
        # A deferred key (Branch.secretary ↔ Member.branch, a cycle) cannot be
        # added to an existing SQLite table: it is enforced in domain/ there.
        if getattr(f, "deferred", False) and engine == "sqlite":
            continue
        out.add((f.column_name, f.rel_model._meta.table_name, f.rel_field.column_name))
    return frozenset(out)


def test_same_tables(schemas):
    assert sorted(schemas.migrated) == sorted(MODELS)


@pytest.mark.parametrize("table", sorted(MODELS))
def test_columns_and_nullability(schemas, table):
    migrated = schemas.migrated[table].columns
    built = {name: (null, pk) for name, (_type, null, pk) in migrated.items()}
    assert built == _declared_columns(MODELS[table])


@pytest.mark.parametrize("table", sorted(MODELS))
def test_indexes_and_unique_constraints(schemas, table):
    assert schemas.migrated[table].indexes == _declared_indexes(MODELS[table])


@pytest.mark.parametrize("table", sorted(MODELS))
def test_foreign_keys(schemas, table):
    assert schemas.migrated[table].foreign_keys == _declared_foreign_keys(MODELS[table], schemas.engine)


@pytest.mark.parametrize("table", sorted(MODELS))
def test_column_types(schemas, table):
    """Types as the engine spells them (VARCHAR(40), BIGINT …): the migrated
    table against the one peewee creates from the model."""
    migrated = {name: spec[0] for name, spec in schemas.migrated[table].columns.items()}
    created = {name: spec[0] for name, spec in schemas.created[table].columns.items()}
    assert migrated == created
