"""The command line, run as a user would: in a subprocess, on both stores."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from branchtui import __version__
from tests.conftest import run_sql

TODAY_ARG = "2026-11-27"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A private data directory, so no test can touch the real user's database."""
    return tmp_path_factory.mktemp("xdg")


def _env(home, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(XDG_DATA_HOME=str(home), HOME=str(home), COLUMNS="200", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def run(home, *args, env=None, cwd=None, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "branchtui", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", timeout=timeout,
        env=env or _env(home), cwd=cwd,
    )


def run_python(home, code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, encoding="utf-8", timeout=60, env=_env(home))


def copy_db(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(src) + suffix):
            shutil.copy(str(src) + suffix, str(dst) + suffix)
    return dst


def counts(target):
    return tuple(run_sql(target, f"SELECT count(*) FROM {t}")[0][0] for t in ("branch", "member", "room", "audit"))


@pytest.fixture
def demo_file(demo_target):
    """The demo town (a file or a PostgreSQL database), the test's own."""
    return demo_target


@pytest.fixture
def demo_copy(demo_target):
    return demo_target


def _is_file(target) -> bool:
    return not str(target).startswith("postgresql")


def summary_json(home, path, *extra):
    result = run(home, "summary", "--db", path, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_then_summary_json(demo_file, home):
    data = summary_json(home, demo_file)
    assert data["branches"] == 8
    assert data["members"]["total"] == 74
    assert data["members"]["full"] + data["members"]["probationary"] == 74
    assert data["rooms"]["total"] == 8
    assert data["committee"] == "镇党委"
    assert counts(demo_file)[:3] == (8, 74, 8)


def test_summary_as_of(demo_file, home):
    data = summary_json(home, demo_file, "--as-of", "1990-01-01")
    assert data["as_of"] == "1990-01-01"
    assert data["branches"] == 8
    assert data["members"]["total"] < 74


def test_summary_bad_as_of_is_a_usage_error(demo_file, home):
    result = run(home, "summary", "--db", demo_file, "--as-of", "2026-02-30")
    assert result.returncode == 2
    assert "不是真实存在的日期" in result.stderr


def test_demo_again_refuses_and_keeps_data(demo_copy, home):
    before = counts(demo_copy)
    result = run(home, "demo", "--db", demo_copy, "--today", TODAY_ARG)
    assert result.returncode == 1
    assert "--force" in result.stderr
    assert counts(demo_copy) == before
    if _is_file(demo_copy):
        assert list(Path(demo_copy).parent.glob("*.bak")) == []


@pytest.mark.sqlite_only
def test_demo_force_rebuilds_and_keeps_old_file(demo_copy, home):
    demo_copy = Path(demo_copy)
    before = counts(demo_copy)
    result = run(home, "demo", "--db", demo_copy, "--today", TODAY_ARG, "--force")
    assert result.returncode == 0, result.stderr
    backups = list(demo_copy.parent.glob(demo_copy.name + "*.bak"))
    assert len(backups) == 1
    assert counts(backups[0]) == before  # the old data, whole
    # rebuilt from scratch: the same town, and a fresh audit trail that says so
    assert counts(demo_copy)[:3] == before[:3]
    con = sqlite3.connect(str(demo_copy))
    try:
        last = con.execute('SELECT "table", action, before FROM audit ORDER BY id DESC LIMIT 1').fetchone()
        users = con.execute("SELECT login, role FROM app_user").fetchall()
    finally:
        con.close()
    assert last[:2] == ("database", "replace") and str(backups[0]) in last[2]
    assert len(users) == 1 and users[0][1] == "admin"  # the one who rebuilt it
    assert summary_json(home, demo_copy)["members"]["total"] == 74


def test_demo_if_empty_on_full_db_changes_nothing(demo_copy, home):
    before = counts(demo_copy)
    result = run(home, "demo", "--db", demo_copy, "--if-empty", "--today", TODAY_ARG)
    assert result.returncode == 0, result.stderr
    assert counts(demo_copy) == before
    if _is_file(demo_copy):
        assert list(Path(demo_copy).parent.glob("*.bak")) == []


def test_demo_if_empty_on_new_db_builds(db_target, home):
    """On a new file, and on an empty PostgreSQL database (the demo written row by row there)."""
    # row by row: 25,000 statements, each a round trip to the server
    result = run(home, "demo", "--db", db_target, "--if-empty", "--today", TODAY_ARG, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "8" in result.stdout and "74" in result.stdout
    assert counts(db_target)[:3] == (8, 74, 8)
    assert summary_json(home, db_target)["members"]["total"] == 74


def test_version(home):
    result = run(home, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"branchtui {__version__}"


def test_console_script_version(home):
    script = os.path.join(os.path.dirname(sys.executable), "branchtui")
    if not os.path.exists(script):
        pytest.skip("console script not installed")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, env=_env(home))
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_summary_table(demo_file, home):
    result = run(home, "summary", "--db", demo_file)
    assert result.returncode == 0, result.stderr
    assert "居民一支部" in result.stdout
    assert "张彩风" in result.stdout
    assert "74" in result.stdout


def test_branchtui_db_env_is_honoured(tmp_path, home):
    path = tmp_path / "from_env.db"
    env = _env(home, BRANCHTUI_DB=str(path))
    result = run(home, "demo", "--today", TODAY_ARG, env=env)
    assert result.returncode == 0, result.stderr
    assert path.exists()
    assert counts(path)[:2] == (8, 74)
    result = run(home, "summary", "--json", env=env)
    assert json.loads(result.stdout)["members"]["total"] == 74


def test_db_option_beats_env(demo_file, tmp_path, home):
    env = _env(home, BRANCHTUI_DB=str(tmp_path / "elsewhere.db"))
    result = run(home, "summary", "--db", demo_file, "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["members"]["total"] == 74


def test_db_option_before_the_command(demo_file, tmp_path):
    """``branchtui --db X summary``: --db is offered on the main parser too."""
    home = tmp_path / "own_home"
    result = run(home, "--db", demo_file, "summary", "--json", env=_env(home))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["branches"] == 8
    assert not (home / "branchtui").exists()  # the default database was not touched


def test_database_too_new_exits_2(demo_copy, home):
    run_sql(demo_copy, "INSERT INTO schema_migration (name, applied) VALUES ('0999_future', '2030-01-01')")
    result = run(home, "summary", "--db", demo_copy, "--json")
    assert result.returncode == 2
    assert "0999_future" in result.stderr
    assert result.stdout == ""


# ------------------------------------------------------------- import hygiene


def test_domain_import_is_light(home):
    result = run_python(home, """
        import sys
        import branchtui.domain
        print(sorted(m for m in ("textual", "rich", "pypinyin") if m in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_all_domain_modules_import_light(home):
    result = run_python(home, """
        import sys
        import branchtui.domain.members, branchtui.domain.branches, branchtui.domain.rooms
        import branchtui.domain.summary, branchtui.domain.search, branchtui.domain.idcard
        print(sorted(m for m in ("textual", "rich", "pypinyin") if m in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_summary_json_never_loads_the_tui(demo_file, home):
    result = run_python(home, f"""
        import json, sys
        from branchtui.cli import main
        rc = main(["summary", "--db", {str(demo_file)!r}, "--json"])
        leaked = sorted(m for m in ("textual", "rich") if m in sys.modules)
        print("RESULT", json.dumps({{"rc": rc, "leaked": leaked}}))
    """)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("RESULT ")
    outcome = json.loads(lines[-1][len("RESULT "):])
    assert outcome == {"rc": 0, "leaked": []}
    printed = json.loads("\n".join(lines[:-1]))
    assert printed["members"]["total"] == 74


# ------------------------------------------------------------- rooms and 三个一


def test_summary_json_rooms_meet_the_standard(demo_file, home):
    rooms = summary_json(home, demo_file, "--as-of", TODAY_ARG)["rooms"]
    assert rooms["total"] == 8
    assert rooms["meeting_standard"] == 8
    assert rooms["standard"] == "三个一"
    assert rooms["missing_items"] == []
    assert rooms["invested_fen"] == 9200000


def test_summary_json_rooms_default_as_of(demo_file, home):
    import datetime as dt

    if dt.date.today() < dt.date.fromisoformat(TODAY_ARG):
        pytest.skip("the demo's inspections lie after the real today")
    rooms = summary_json(home, demo_file)["rooms"]
    assert (rooms["meeting_standard"], rooms["invested_fen"]) == (8, 9200000)


def test_summary_json_rooms_between_rounds(demo_file, home):
    first, second = [str(r[0]) for r in run_sql(demo_file, "SELECT DISTINCT date FROM inspection ORDER BY date")]
    assert first < second
    rooms = summary_json(home, demo_file, "--as-of", first)["rooms"]
    assert rooms["meeting_standard"] == 7
    assert [(m["branch"], m["items"]) for m in rooms["missing_items"]] == [("居民三支部", ["VCD"])]


# ------------------------------------------------------------- activities, 122 targets, campaign


def test_summary_json_activities_targets_campaign(demo_file, home):
    data = summary_json(home, demo_file, "--as-of", TODAY_ARG)
    plain = run_sql(demo_file, "SELECT count(*) FROM activity WHERE date >= '2026-01-01' AND date <= ?",
                    (TODAY_ARG,))[0][0]
    expected = run_sql(demo_file, "SELECT sum(expected) FROM target WHERE year = 2026")[0][0]
    assert isinstance(data["activities_this_year"], int)
    assert data["activities_this_year"] > 0
    assert data["activities_this_year"] == plain
    assert set(data["targets"]) == {"expected", "actual"}
    assert data["targets"]["expected"] == expected
    assert 0 < data["targets"]["actual"] <= data["targets"]["expected"]
    assert set(data["campaign"]) == {"phases", "branches_done"}
    assert data["campaign"]["phases"] == 4
    assert data["campaign"]["branches_done"] == 0


def test_summary_json_activities_as_of_mid_year(demo_file, home):
    whole = summary_json(home, demo_file, "--as-of", TODAY_ARG)
    data = summary_json(home, demo_file, "--as-of", "2026-06-30")
    plain = run_sql(demo_file, "SELECT count(*) FROM activity WHERE date >= '2026-01-01' "
                    "AND date <= '2026-06-30'")[0][0]
    assert 0 < data["activities_this_year"] == plain < whole["activities_this_year"]
    assert data["targets"]["expected"] == whole["targets"]["expected"]
    assert data["targets"]["actual"] < whole["targets"]["actual"]
    assert data["campaign"]["phases"] == 4  # the campaign's plan is known from the start
