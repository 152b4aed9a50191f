"""The databases the benchmark runs on, built once and cached in bench/.cache/.

- town: ``branchtui demo --db X --today 2026-11-27`` (the exchange report's
  town: 8 branches, 74 members), built by the real command;
- district: ``branchtui.demo_district.build_district`` (300 branches, 20,000
  members, 10,000 loans, ~120,000 repayments).

A cached file is reused while the code that shapes it (``branchtui/store``,
``branchtui/domain``, the demo generators) is unchanged: a fingerprint of
those sources is kept next to it. ``--rebuild`` forces a fresh build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench import TODAY

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
PACKAGE = ROOT / "branchtui"
Log = Callable[[str], None]


def fingerprint(kind: str) -> str:
    """A hash of every source that decides what the demo database holds."""
    digest = hashlib.sha256(kind.encode())
    files = sorted([*PACKAGE.glob("store/**/*.py"), *PACKAGE.glob("domain/**/*.py"), *PACKAGE.glob("demo*.py"),
                    PACKAGE / "i18n.py"])
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def branchtui_command() -> list[str]:
    """The installed console script next to this interpreter, else ``-m branchtui``."""
    script = Path(sys.executable).parent / "branchtui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "branchtui"]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A minimal environment: nothing of the user's config or data leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
    }
    env.update(extra)
    return env


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _cached(name: str, build: Callable[[Path], None], rebuild: bool, log: Log) -> Path:
    CACHE.mkdir(exist_ok=True)
    target = CACHE / f"{name}.db"
    stamp = CACHE / f"{name}.stamp"
    wanted = fingerprint(name)
    if not rebuild and target.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        log(f"{name}: cached {target.relative_to(ROOT)}")
        return target
    scratch = CACHE / f"{name}.building.db"
    _remove(scratch)
    started = time.perf_counter()
    build(scratch)
    _remove(target)
    scratch.rename(target)
    stamp.write_text(wanted + "\n")
    log(f"{name}: built {target.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    return target


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file, so the cached database is one file."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def build_town(path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        subprocess.run([*branchtui_command(), "demo", "--db", str(path), "--today", TODAY.isoformat()],
                       check=True, capture_output=True, env=clean_env(Path(home)), cwd=str(ROOT))
    _checkpoint(path)


def build_district(path: Path, log: Log = print, scale: float = 1.0) -> dict:
    from branchtui.demo_district import build_district as generate
    from branchtui.store.db import open_database

    db = open_database(path)
    shown = {}

    def progress(stage: str, done: int, total: int) -> None:
        if shown.get(stage) != (done == total):
            shown[stage] = done == total
            if done == total:
                log(f"  district: {stage} {total:,}")

    try:
        result = generate(TODAY, scale=scale, progress=progress)
    finally:
        db.close()
    _checkpoint(path)
    return result


def town_db(rebuild: bool = False, log: Log = print) -> Path:
    return _cached("town", build_town, rebuild, log)


def _build_district_elsewhere(path: Path) -> None:
    """In a child process: the bench process stays small, so that programs it
    starts later do not inherit a large resident set (ru_maxrss)."""
    subprocess.run([sys.executable, "-m", "bench.data", "district", str(path)], check=True, cwd=str(ROOT))


def district_db(rebuild: bool = False, log: Log = print) -> Path:
    return _cached("district", _build_district_elsewhere, rebuild, log)


def private_copy(path: Path, directory: Path) -> Path:
    """A copy the app may open read-write (WAL files, a migration) without
    touching the cache."""
    copy = directory / path.name
    shutil.copyfile(path, copy)
    return copy


if __name__ == "__main__":  # python -m bench.data district PATH [SCALE]
    kind, target = sys.argv[1], Path(sys.argv[2])
    if kind != "district":
        raise SystemExit("usage: python -m bench.data district PATH [SCALE]")
    build_district(target, lambda message: print(message, file=sys.stderr, flush=True),
                   float(sys.argv[3]) if len(sys.argv) > 3 else 1.0)
