"""Any number of processes opening one database at once: a brand-new file,
and an old file that needs upgrading. Real processes, started together."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from branchtui.store import migrate as migrate_mod

PROCESSES = 8

OPEN_AND_READ = """
import sys
from branchtui.store.db import open_database
from branchtui.store.migrate import known_migrations
sys.stdin.readline()  # the starting gun: every process is loaded and waiting
db = open_database(sys.argv[1], create=True)
from branchtui.store.models import Branch
print(Branch.select().count(), len(known_migrations()))
db.close()
"""


def _open_all_at_once(path, count=PROCESSES):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_READ, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(count)]
    for proc in procs:  # all of them are up before any opens
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return [(proc.wait(), proc.stdout.read(), proc.stderr.read()) for proc in procs]


def _history(path):
    con = sqlite3.connect(str(path))
    try:
        return [r[0] for r in con.execute("SELECT name FROM schema_migration ORDER BY name")]
    finally:
        con.close()


def test_eight_processes_open_one_brand_new_file(tmp_path):
    path = tmp_path / "new" / "town.db"
    results = _open_all_at_once(path)
    failures = [(code, err) for code, _out, err in results if code != 0 or "Traceback" in err]
    assert failures == []
    assert _history(path) == migrate_mod.known_migrations()  # each applied once
    assert {out.strip() for _code, out, _err in results} == {f"0 {len(migrate_mod.known_migrations())}"}


def test_eight_processes_upgrade_one_old_file(tmp_path, monkeypatch):
    from branchtui.store.db import open_database

    old = tmp_path / "old-migrations"
    old.mkdir()
    for name in migrate_mod.known_migrations()[:3]:
        shutil.copy(migrate_mod.MIGRATIONS_DIR / f"{name}.py", old / f"{name}.py")
    monkeypatch.setattr(migrate_mod, "MIGRATIONS_DIR", old)
    path = tmp_path / "town.db"
    open_database(path).close()
    monkeypatch.undo()
    # One branch, written in the old schema's own terms: today's domain code
    # writes today's columns (the audit chain's hash, 0007) and cannot run here.
    con = sqlite3.connect(str(path))
    with con:
        con.execute("INSERT INTO committee (name) VALUES ('社区党委')")
        con.execute("INSERT INTO branch (committee_id, name, name_pinyin, name_initials, community, phone, notes)"
                    " VALUES (1, '居民一支部', 'juminyizhibu', 'jmyzb', '', '', '')")
    con.close()
    assert len(_history(path)) == 3

    results = _open_all_at_once(path)
    failures = [(code, err) for code, _out, err in results if code != 0 or "Traceback" in err]
    assert failures == []
    assert _history(path) == migrate_mod.known_migrations()
    assert {out.split()[0] for _code, out, _err in results} == {"1"}  # the data came through
    backups = sorted(path.parent.glob(path.name + ".*.bak"))
    assert len(backups) == 1, backups  # one upgrade, one backup before it
    assert oct(os.stat(backups[0]).st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("planted", ["symlink", "file"])
def test_migration_backup_never_follows_a_planted_name(tmp_path, monkeypatch, planted):
    """The old name was predictable: a link planted under it had the whole
    database written through it. Now the name is random and the file is
    created exclusively; whatever was planted stays as it was."""
    import datetime as dt

    from branchtui.store.db import open_database

    old = tmp_path / "old-migrations"
    old.mkdir()
    for name in migrate_mod.known_migrations()[:3]:
        shutil.copy(migrate_mod.MIGRATIONS_DIR / f"{name}.py", old / f"{name}.py")
    monkeypatch.setattr(migrate_mod, "MIGRATIONS_DIR", old)
    path = tmp_path / "town.db"
    open_database(path).close()
    monkeypatch.undo()

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    pending = migrate_mod.known_migrations()[3]
    guesses = [path.with_name(f"{path.name}.{stamp}.before-{pending}.bak")]
    for guess in guesses:
        if planted == "symlink":
            guess.symlink_to(victim)
        else:
            guess.write_text("planted")
    open_database(path).close()
    assert victim.read_text() == "keep me"
    assert all(os.path.lexists(g) for g in guesses)
    made = [p for p in path.parent.glob(path.name + ".*.bak") if p not in guesses]
    assert len(made) == 1 and not made[0].is_symlink()
    con = sqlite3.connect(f"file:{made[0]}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
