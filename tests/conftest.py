"""Shared fixtures: a fresh SQLite file per test (worker threads cannot see
:memory:), and the demo town built as of a fixed day."""

from __future__ import annotations

import datetime as dt
import shutil

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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo town, built once per run (it takes seconds) and copied per test."""
    from branchtui.demo import build_demo
    from branchtui.store.db import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    build_demo(today=TODAY)
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def demo_db(db_path, demo_template):
    from branchtui.store.db import open_database

    shutil.copy(demo_template, db_path)
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _identity(tmp_path, monkeypatch):
    """Each test starts as the OS account, and no test writes the real
    ~/.ssh/authorized_keys of whoever runs the suite."""
    from branchtui.domain import identity

    monkeypatch.setenv("BRANCHTUI_AUTHORIZED_KEYS", str(tmp_path / "authorized_keys"))
    yield
    identity.set_login_for_tests(None)


def login_as(login: str | None) -> None:
    """Act as ``login`` in this test's process (reset after each test)."""
    from branchtui.domain.identity import set_login_for_tests

    set_login_for_tests(login)
