"""Where the first paint's time and memory go: ``python -m bench.profile``.

1. Imports: ``python -X importtime`` of what the app loads before its first
   figures, minus what the bare Textual app loads: the extra modules by
   their own (self) import time.
2. The overview's figures on the district database: ``town_summary`` under
   cProfile (top functions by cumulative time) and its tracemalloc peak.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import subprocess
import sys
import tracemalloc

from bench import TODAY

APP_IMPORTS = ("import branchtui.cli, branchtui.store.db, branchtui.store.migrate, branchtui.tui.app, "
               "branchtui.tui.screens.overview, branchtui.domain.summary, platformdirs")
BARE_IMPORTS = "from textual.app import App; from textual.widgets import DataTable, Footer, Header"
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _importtime(code: str) -> list[tuple[int, int, int, str]]:
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True).stderr
    return [(int(m[1]), int(m[2]), len(m[3]), m[4]) for m in map(LINE.match, err.splitlines()) if m]


def imports(top: int = 15) -> None:
    bare = {name for _s, _c, _d, name in _importtime(BARE_IMPORTS)}
    rows = _importtime(APP_IMPORTS)
    extra = [(self_us, cum_us, depth, name) for self_us, cum_us, depth, name in rows if name not in bare]
    total = sum(self_us for self_us, _c, _d, _n in extra)
    print(f"imports beyond the bare app: {len(extra)} modules, {total / 1000:.0f} ms (self times summed)")
    for self_us, _cum_us, _depth, name in sorted(extra, key=lambda r: -r[0])[:top]:
        print(f"  {self_us / 1000:6.1f} ms  {name}")


def summary(path, top: int = 20) -> None:
    from branchtui.domain.summary import town_summary
    from branchtui.store.db import open_database

    db = open_database(path)
    town_summary(TODAY)  # warm
    tracemalloc.start()
    town_summary(TODAY)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    profile = cProfile.Profile()
    profile.enable()
    town_summary(TODAY)
    profile.disable()
    db.close()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print(f"town_summary on {path}: tracemalloc peak {peak / 2 ** 20:.0f} MB; cProfile (times inflated):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database for the figures (default: the cached district)")
    args = parser.parse_args(argv)
    imports()
    if args.db:
        path = args.db
    else:
        from bench.data import district_db

        path = district_db(log=lambda message: print(message, file=sys.stderr))
    summary(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
