"""Shared fixtures: a fresh SQLite file per test (worker threads cannot see
:memory:), and the demo town built as of a fixed day."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "branchtui.db"


@pytest.fixture
def db(db_path):
    from branchtui.store.db import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def demo_db(db):
    from branchtui.demo import build_demo

    build_demo(today=TODAY)
    return db
