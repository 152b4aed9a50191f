"""Shared fixtures: every database test runs on both stores.

``store`` is ``sqlite`` or ``postgresql`` (the test id shows which). On
SQLite each test gets a fresh file (worker threads cannot see :memory:). On
PostgreSQL the session creates its own databases ``bt_<hex>_*`` through the
shared ``test`` database (whose tables are never touched): one migrated
template and one demo template, and each test gets its own copy made with
``CREATE DATABASE … TEMPLATE`` (faster than truncating, and it copies the
demo too). Everything is dropped when the session ends, failed or not.

Tests that are about a SQLite file by nature (file modes, WAL, backups of a
file) are marked ``sqlite_only``; a test that asks for ``db_path`` (a file)
is one implicitly. ``--store sqlite`` or ``--store postgresql`` runs one
store only; PostgreSQL is skipped, and said so at the end, when no server
answers.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import signal
import uuid

import pytest

TODAY = dt.date(2026, 11, 27)

PG_ADMIN_URL = os.environ.get("BRANCHTUI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
STORES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--store", choices=("both",) + STORES, default="both",
                     help="run database tests on this store only (default: both)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about a SQLite file by nature (modes, WAL, file backups)")
    config._pg_server = PgServer(PG_ADMIN_URL)
    # A run stopped with SIGTERM (CI timeouts, kill) still drops its databases.
    signal.signal(signal.SIGTERM, _interrupted)


def _interrupted(signum, frame):
    raise KeyboardInterrupt


class PgServer:
    """The session's database on the PostgreSQL server, reset for each test.

    One database ``bt_<hex>`` is migrated once; copies of its rows (``seed_empty``)
    and of the demo town's (``seed_demo``, copied from the SQLite demo by
    ``branchtui.domain.copy``) are kept in schemas of their own, and each test
    starts from one of them: every table emptied and refilled, sequences set
    back. Measured on the CI machine: 0.3 s, against 0.4 s for CREATE DATABASE
    … TEMPLATE plus 2–4 s for the DROP DATABASE after it, and 1.4 s for
    TRUNCATE … RESTART IDENTITY (which rewrites every table's files).
    """

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.prefix = "bt_" + uuid.uuid4().hex[:10]
        self.made: list[str] = []
        self.seeds: dict[str, list] = {}  # kind -> [(sequence, last_value)]
        self.tables: list[str] = []
        self._admin = None
        self._work = None
        self._reason: str | None = None
        self._probed = False
        self.used = 0
        atexit.register(self.drop_all)  # even when pytest itself is interrupted

    def _connect(self, dbname: str | None = None):
        import psycopg2
        from urllib.parse import urlparse

        url = urlparse(self.admin_url)
        con = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                               password=url.password, dbname=dbname or url.path.lstrip("/"),
                               connect_timeout=3)
        con.autocommit = True
        return con

    def unavailable(self) -> str | None:
        """Why PostgreSQL cannot be used, or None when it can."""
        if not self._probed:
            self._probed = True
            try:
                self._admin = self._connect()
            except ImportError:
                self._reason = "psycopg2 is not installed"
            except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server"
                self._reason = f"no server at {self.admin_url}: {str(exc).strip().splitlines()[0]}"
        return self._reason

    def url(self, name: str) -> str:
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{name}"

    def create(self) -> str:
        """A database of its own, not migrated (for tests that need two at once)."""
        name = f"{self.prefix}_{len(self.made)}"
        with self._admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name}")
            # Test data only: a commit need not wait for the disk.
            cur.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        self.made.append(name)
        return name

    def drop(self, name: str) -> None:
        with self._admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.made:
            self.made.remove(name)

    @property
    def work_url(self) -> str:
        return self.url(self.prefix + "_work")

    def _sequences(self, cur) -> list:
        cur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        names = [row[0] for row in cur.fetchall()]
        values = []
        for name in names:
            cur.execute(f'SELECT last_value, is_called FROM public."{name}"')
            values.append((name, *cur.fetchone()))
        return values

    def _keep(self, kind: str) -> None:
        """Remember the rows now in the working database as seed ``kind``."""
        with self._work.cursor() as cur:
            cur.execute(f"CREATE SCHEMA seed_{kind}")
            for table in self.tables:
                cur.execute(f'CREATE TABLE seed_{kind}."{table}" AS TABLE public."{table}"')
            self.seeds[kind] = self._sequences(cur)

    def _start(self) -> None:
        from branchtui.store.db import open_database

        name = self.prefix + "_work"
        with self._admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name}")
            cur.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        self.made.append(name)
        open_database(self.work_url).close()
        self._work = self._connect(name)
        with self._work.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            self.tables = sorted(row[0] for row in cur.fetchall())
        self._keep("empty")

    def fresh(self, kind: str, demo_file=None) -> str:
        """The working database holding seed ``kind`` ('empty' or 'demo') and nothing else."""
        if self._work is None:
            self._start()
        if kind not in self.seeds:
            self._reset("empty")
            from branchtui.domain.copy import copy_database
            from branchtui.store.db import open_database

            source, target = open_database(demo_file()), open_database(self.work_url)
            copy_database(source, target)
            source.close()
            target.close()
            self._keep(kind)
        self._reset(kind)
        self.used += 1
        return self.work_url

    def _reset(self, kind: str) -> None:
        with self._admin.cursor() as cur:  # a session a test left open must not hold a lock
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> %s", (self.prefix + "_work", self._work.get_backend_pid()))
        self._work.autocommit = False
        try:
            with self._work.cursor() as cur:
                cur.execute("SET LOCAL session_replication_role = replica")  # no triggers, no FK checks
                for table in self.tables:
                    cur.execute(f'DELETE FROM public."{table}"')
                    cur.execute(f'INSERT INTO public."{table}" SELECT * FROM seed_{kind}."{table}"')
                for sequence, value, called in self.seeds[kind]:
                    cur.execute("SELECT setval(%s, %s, %s)", (f'public."{sequence}"', value, called))
            self._work.commit()
        finally:
            self._work.autocommit = True

    def drop_all(self) -> None:
        if self._admin is None:
            return
        if self._work is not None:
            self._work.close()
            self._work = None
        for name in list(self.made):
            try:
                self.drop(name)
            except Exception:  # noqa: BLE001 - go on dropping the others
                pass
        self._admin.close()
        self._admin = None


def pytest_unconfigure(config):
    config._pg_server.drop_all()


def _sqlite_only(item) -> bool:
    return item.get_closest_marker("sqlite_only") is not None or "db_path" in item.fixturenames


def pytest_collection_modifyitems(config, items):
    wanted = config.getoption("--store")
    server = config._pg_server
    keep, dropped = [], []
    for item in items:
        store = getattr(getattr(item, "callspec", None), "params", {}).get("store")
        if store is None:
            keep.append(item)
        elif store == "postgresql" and _sqlite_only(item):
            dropped.append(item)
        elif wanted != "both" and store != wanted:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    if any(getattr(getattr(i, "callspec", None), "params", {}).get("store") == "postgresql" for i in items):
        reason = server.unavailable()
        if reason:
            mark = pytest.mark.skip(reason=f"PostgreSQL: {reason}")
            for item in items:
                if getattr(getattr(item, "callspec", None), "params", {}).get("store") == "postgresql":
                    item.add_marker(mark)


def pytest_terminal_summary(terminalreporter, config):
    server = config._pg_server
    wanted = config.getoption("--store")
    if server._reason:
        terminalreporter.write_line(
            f"PostgreSQL was SKIPPED ({server._reason}): the database tests ran on SQLite only.",
            yellow=True, bold=True)
    elif server.used:
        terminalreporter.write_line(f"PostgreSQL: {server.used} tests ran on {server.url(server.prefix + '_*')}.")
    elif wanted == "sqlite":
        terminalreporter.write_line("PostgreSQL was not asked for (--store sqlite).", yellow=True)


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session", params=STORES)
def store(request):
    return request.param


@pytest.fixture(scope="session")
def pg_server(request):
    return request.config._pg_server


def _migrate(url: str) -> None:
    from branchtui.store.db import open_database

    open_database(url).close()


def _build_demo_at(target: str) -> None:
    from branchtui.demo import build_demo
    from branchtui.store.db import open_database

    database = open_database(target)
    build_demo(today=TODAY)
    if not target.startswith("postgresql"):
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


@pytest.fixture
def db_path(tmp_path):
    """The SQLite file of a test (asking for it makes the test SQLite-only)."""
    return tmp_path / "branchtui.db"


def _fresh_target(request, store, kind: str, tmp_path) -> str:
    """A database of ``kind`` ('empty' or 'demo') for one test: a path or a URL."""
    path = tmp_path / "branchtui.db"
    if store == "sqlite":
        if kind == "demo":
            shutil.copy(request.getfixturevalue("demo_template"), path)
        return str(path)
    server: PgServer = request.getfixturevalue("pg_server")
    return server.fresh(kind, lambda: request.getfixturevalue("demo_template"))


@pytest.fixture
def db_target(request, store, tmp_path):
    """An empty, migrated database for subprocesses: a file path or a PostgreSQL URL."""
    return _fresh_target(request, store, "empty", tmp_path)


@pytest.fixture
def demo_target(request, store, tmp_path):
    """The demo town as of TODAY, for subprocesses: a file path or a PostgreSQL URL."""
    return _fresh_target(request, store, "demo", tmp_path)


@pytest.fixture
def db(db_target):
    """An opened, migrated, empty database with the models bound to it."""
    from branchtui.store.db import open_database

    database = open_database(db_target)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo town on SQLite, built once per run (it takes seconds) and copied per test."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    _build_demo_at(str(path))
    return path


@pytest.fixture
def demo_db(demo_target):
    from branchtui.store.db import open_database

    database = open_database(demo_target)
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
def run_sql(target, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query on a test database, outside the app (``?`` placeholders)."""
    target = str(target)
    if target.startswith("postgresql"):
        import psycopg2

        con = psycopg2.connect(target)
        try:
            with con, con.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        finally:
            con.close()
    import sqlite3

    con = sqlite3.connect(target)
    try:
        with con:
            return con.execute(sql, params).fetchall()
    finally:
        con.close()
