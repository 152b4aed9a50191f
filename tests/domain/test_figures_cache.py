"""Remembered figures are the computed ones, and the next write forgets them."""

from __future__ import annotations

import datetime as dt

import pytest

from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member
from branchtui.domain.summary import town_summary
from branchtui.store.models import FiguresCache
from tests.conftest import TODAY


def test_remembered_equals_computed_and_a_write_forgets(demo_db):
    first = town_summary(TODAY)
    assert FiguresCache.select().count() == 1
    assert town_summary(TODAY) == first == town_summary(TODAY, cached=False)

    create_member({"branch": 1, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), 401),
                   "join_date": "2015-07-01", "full_date": "2016-07-01"}, today=TODAY)
    after = town_summary(TODAY)
    assert after.members == first.members + 1
    assert after == town_summary(TODAY, cached=False)


def test_a_damaged_cache_row_is_computed_afresh(demo_db):
    expected = town_summary(TODAY, cached=False)
    town_summary(TODAY)
    FiguresCache.update(payload='{"as_of": "garbage"}').execute()
    assert town_summary(TODAY) == expected


def test_each_as_of_date_has_its_own_figures(demo_db):
    earlier = dt.date(TODAY.year, 7, 1)
    assert town_summary(earlier) == town_summary(earlier, cached=False)
    assert town_summary(TODAY) == town_summary(TODAY, cached=False)
    assert town_summary(earlier).to_json() != town_summary(TODAY).to_json()


def test_figures_of_many_dates_are_pruned(demo_db):
    from branchtui.domain.figures_cache import KEEP

    for day in range(KEEP + 8):
        town_summary(TODAY - dt.timedelta(days=day))
    assert FiguresCache.select().count() == KEEP
    newest = TODAY - dt.timedelta(days=KEEP + 7)
    assert FiguresCache.get_or_none(FiguresCache.key.endswith(newest.isoformat())) is not None

    create_member({"branch": 1, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), 403),
                   "join_date": "2015-07-01", "full_date": "2016-07-01"}, today=TODAY)
    town_summary(TODAY)  # the write made every remembered row stale: only the new one is kept
    assert FiguresCache.select().count() == 1


def test_every_write_counts_once_in_its_transaction(demo_db):
    from branchtui.domain.audit import transaction
    from branchtui.domain.figures_cache import write_count
    from branchtui.store.models import Audit

    before, audits = write_count(), Audit.select().count()
    create_member({"branch": 1, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), 405),
                   "join_date": "2015-07-01", "full_date": "2016-07-01"}, today=TODAY)
    assert write_count() - before == Audit.select().count() - audits >= 1

    counted = write_count()
    try:
        with transaction():
            create_member({"branch": 1, "name": "又一个", "join_date": "2015-07-01",
                           "id_number": make_id_number("410402", dt.date(1990, 1, 3), 407)}, today=TODAY)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert write_count() == counted  # a write rolled back counts for nothing


# A writer in another process holds its write transaction open until told.
HOLDER = r"""
import datetime as dt, sys, time
from pathlib import Path
from branchtui.domain import audit
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member
from branchtui.store.db import open_database

target, folder, sequence, hold = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "hold"
open_database(target)
with audit.transaction():
    create_member({"branch": 1, "name": "写入者", "join_date": "2015-07-01",
                   "id_number": make_id_number("410402", dt.date(1991, 1, 2), sequence)},
                  today=dt.date(2026, 11, 27))
    (folder / f"holding{sequence}").touch()
    while hold and not (folder / "release").exists():
        time.sleep(0.01)
(folder / f"done{sequence}").touch()
"""


def _start_writer(target, folder, sequence, hold=True):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", HOLDER, str(target), str(folder), str(sequence),
                             "hold" if hold else "go"], stderr=subprocess.PIPE)


def _wait_for(path, proc, what):
    import time

    deadline = time.monotonic() + 120  # generous: only a stuck writer gets here
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_a_reader_never_waits_for_a_writer(store, demo_target, demo_db, tmp_path):
    """Figures not yet remembered are computed and shown while another process
    holds the write lock; they are stored only when the lock is free at once."""
    import threading

    expected = town_summary(TODAY, cached=False)
    # Were the reader to wait for the lock at all, it would wait for as long as
    # the writer holds it: until the watchdog below lets the writer go.
    if store == "sqlite":
        demo_db.execute_sql("PRAGMA busy_timeout = 600000")
    else:
        demo_db.execute_sql("SET lock_timeout = 0")
    proc = _start_writer(demo_target, tmp_path, 411)
    blocked = threading.Event()

    def watchdog():
        blocked.set()
        (tmp_path / "release").touch()

    timer = threading.Timer(120, watchdog)
    try:
        _wait_for(tmp_path / "holding411", proc, "the writer never took its lock")
        timer.start()
        seen = town_summary(TODAY)
        timer.cancel()
        assert not blocked.is_set(), "the reader waited for the writer's lock"
        assert seen == expected  # the uncommitted member is not counted
        assert FiguresCache.select().count() == (0 if store == "sqlite" else 1)
    finally:
        timer.cancel()
        (tmp_path / "release").touch()
        proc.communicate(timeout=120)
    assert proc.returncode == 0
    after = town_summary(TODAY)  # the writer committed: the figures count its member
    assert after.members == expected.members + 1
    assert after == town_summary(TODAY, cached=False)
    assert FiguresCache.select().count() == 1


def test_remembered_figures_follow_commit_order(store, demo_target, demo_db, tmp_path):
    """The finding of issue 16: on PostgreSQL a later writer's audit id could
    commit first, and figures stored in between stood after the earlier one
    committed. SQLite has one writer at a time, so this is about PostgreSQL."""
    if store != "postgresql":
        pytest.skip("SQLite commits one writer at a time, in id order")
    import time

    first = _start_writer(demo_target, tmp_path, 421)
    _wait_for(tmp_path / "holding421", first, "the first writer never took its lock")
    second = _start_writer(demo_target, tmp_path, 423, hold=False)
    # The second writer either finishes or waits for the first one: wait until
    # the server says which, so that the reader comes in between for sure.
    deadline = time.monotonic() + 120
    while not (tmp_path / "done423").exists():
        waiting = demo_db.execute_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'").fetchone()[0]
        if waiting:
            break
        assert second.poll() is None or second.returncode == 0, second.stderr.read().decode()
        assert time.monotonic() < deadline, "the second writer neither finished nor waited"
        time.sleep(0.01)
    town_summary(TODAY)  # remembered now, between the two commits
    (tmp_path / "release").touch()
    for proc in (first, second):
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    assert town_summary(TODAY) == town_summary(TODAY, cached=False)
