"""``python -m bench [--quick] [--runs N] [--idle S] [--rebuild] [--strict]``

Builds (or reuses) the town and district databases, then measures, each
against a baseline taken in the same run, and prints one table. See
bench/README.md for what every line means.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import TODAY

KB = 1024


@dataclass
class Line:
    measure: str
    value: float | None
    baseline: float | None
    unit: str  # "s", "MB", "B"
    bound: float | None = None  # a ratio, or an absolute value when absolute is True
    absolute: bool = False
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def within(self) -> str:
        if self.bound is None:
            return "—"
        if self.value is None:
            return "no"
        measured = self.value if self.absolute else self.ratio
        if measured is None:
            return "no"
        return "yes" if measured <= self.bound else "no"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "B":
        return f"{value / KB:.1f} KB" if value >= KB else f"{int(value)} B"
    return f"{value:g}"


def _bound(line: Line) -> str:
    if line.bound is None:
        return "—"
    if line.absolute:
        return "≤ " + _fmt(line.bound, line.unit)
    return f"≤ {line.bound:.2f}×"


def print_table(lines: list[Line], out=sys.stdout) -> None:
    rows = [("measure", "value", "baseline", "ratio", "bound", "within")]
    for line in lines:
        ratio = line.ratio
        rows.append((line.measure, _fmt(line.value, line.unit), _fmt(line.baseline, line.unit),
                     "—" if ratio is None else f"{ratio:.2f}×", _bound(line), line.within))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [row[0] + " " * (widths[0] - _width(row[0]))]
        cells += [" " * (widths[i] - _width(row[i])) + row[i] for i in range(1, len(row))]
        print("  ".join(cells), file=out)
        if index == 0:
            print("  ".join("-" * w for w in widths), file=out)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def paint_lines(town: Path, district: Path, runs: int, idle: float, timeout: float) -> tuple[list[Line], list[str]]:
    from bench.data import ROOT, clean_env, private_copy
    from bench.paint import APP_MARKER, BARE_MARKER, app_argv, bare_argv, run_in_pty

    notes = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        home = scratch / "home"
        home.mkdir()
        town_copy = private_copy(town, scratch)
        district_dir = scratch / "d"
        district_dir.mkdir()
        district_copy = private_copy(district, district_dir)
        targets = {
            "bare": (bare_argv(), clean_env(home), BARE_MARKER),
            "town": (app_argv(town_copy), clean_env(home, BRANCHTUI_DB=str(town_copy)), APP_MARKER),
            "district": (app_argv(district_copy), clean_env(home, BRANCHTUI_DB=str(district_copy)), APP_MARKER),
        }
        results = {name: [] for name in targets}
        log("paint: one warm-up run each (not counted)")
        for name, (argv, env, marker) in targets.items():
            run_in_pty(argv, env, marker, timeout=timeout, cwd=str(ROOT))
        for round_ in range(runs):
            last = round_ == runs - 1
            for name, (argv, env, marker) in targets.items():
                run = run_in_pty(argv, env, marker, timeout=timeout, idle=idle if last else 0.0, cwd=str(ROOT))
                results[name].append(run)
                if not run.ok:
                    notes.append(f"{name} run {round_ + 1}: marker never appeared ({run.exited}); "
                                 f"last output {run.tail[-120:]!r}")
                log(f"paint {round_ + 1}/{runs} {name:8s} first frame {_fmt(run.first_frame, 's'):>9s}  "
                    f"ready {_fmt(run.ready, 's'):>9s}  {run.paint_bytes / KB:6.1f} KB  "
                    f"{run.maxrss_kb / KB:6.1f} MB  {run.exited}")

    def med(name, attr):
        return _median(getattr(r, attr) for r in results[name])

    def rss(name):
        return _median(r.maxrss_kb / KB for r in results[name])

    def idle_bytes(name):
        return results[name][-1].idle_bytes

    lines = [
        Line("first paint, town (figures shown)", med("town", "ready"), med("bare", "ready"), "s", 1.15),
        Line("first paint, district (figures shown)", med("district", "ready"), med("bare", "ready"), "s", 1.3),
        Line("first frame, town (any screen)", med("town", "first_frame"), med("bare", "first_frame"), "s"),
        Line("first frame, district (any screen)", med("district", "first_frame"), med("bare", "first_frame"), "s"),
        Line("peak memory, district", rss("district"), rss("bare"), "MB", 1.6),
        Line("peak memory, town", rss("town"), rss("bare"), "MB"),
        Line("bytes, first paint 120×40, town", med("town", "paint_bytes"), med("bare", "paint_bytes"), "B",
             60 * KB, absolute=True),
        Line("bytes, first paint 120×40, district", med("district", "paint_bytes"), med("bare", "paint_bytes"),
             "B", 60 * KB, absolute=True),
        Line(f"bytes, {idle:g} s idle, town", idle_bytes("town"), idle_bytes("bare"), "B", 0, absolute=True),
        Line(f"bytes, {idle:g} s idle, district", idle_bytes("district"), idle_bytes("bare"), "B", 0,
             absolute=True),
    ]
    return lines, notes


def query_lines(town: Path, district: Path, runs: int, search_runs: int) -> tuple[list[Line], list[str]]:
    from bench import queries as q

    lines, notes = [], []
    for label, path in (("district", district), ("town", town)):
        db = q.open_domain(path)
        conn = q.connect(path)
        try:
            log(f"queries: {label} summary ×{runs}, search ×{search_runs}")
            domain_s, domain_json = q.timed(lambda: q.domain_summary(TODAY), runs)
            sql_s, sql_json = q.timed(lambda: q.sql_summary(conn, TODAY), runs)
            differ, unchecked = q.compare_summary(domain_json, sql_json, q.domain_monthly(TODAY))
            domain_q, domain_ids = q.timed(q.domain_search, search_runs)
            sql_q, sql_ids = q.timed(lambda: q.sql_search(conn), search_runs)
        finally:
            conn.close()
            db.close()
        agree = "figures agree" if not differ else "FIGURES DIFFER: " + "; ".join(differ[:5])
        if unchecked:
            agree += " (not computed in SQL: " + ", ".join(unchecked) + ")"
        notes.append(f"summary, {label}: {agree}")
        notes.append(f"search “{q.SEARCH}”, {label}: {len(domain_ids)} rows, "
                     + ("same rows in the same order" if domain_ids == sql_ids else "ROWS DIFFER"))
        lines.append(Line(f"summary figures, {label} (vs SQL)", domain_s, sql_s, "s", 1.5))
        lines.append(Line(f"member search “{q.SEARCH}”, {label} (vs SQL)", domain_q, sql_q, "s", 1.5))
    return lines, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 runs each, 3 s idle")
    parser.add_argument("--runs", type=int, help="runs of each program for first paint (default 5; quick 2)")
    parser.add_argument("--idle", type=float, help="idle seconds watched after the first paint (default 10; quick 3)")
    parser.add_argument("--timeout", type=float, default=180.0, help="give up on a run after this many seconds")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--skip-paint", action="store_true", help="only the query measures")
    parser.add_argument("--skip-queries", action="store_true", help="only the terminal measures")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure is out of bound")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 5)
    idle = args.idle if args.idle is not None else (3.0 if args.quick else 10.0)
    query_runs = 2 if args.quick else 5
    search_runs = 5 if args.quick else 21

    from bench.data import district_db, town_db

    started = time.perf_counter()
    load_before = _load()
    town = town_db(args.rebuild, log)
    district = district_db(args.rebuild, log)
    lines, notes = [], []
    if not args.skip_paint:
        more, said = paint_lines(town, district, runs, idle, args.timeout)
        lines += more
        notes += said
    if not args.skip_queries:
        more, said = query_lines(town, district, query_runs, search_runs)
        lines += more
        notes += said
    print(f"branchtui bench — {'quick, ' if args.quick else ''}{runs} paint runs each (median), "
          f"idle {idle:g} s, 120×40, as of {TODAY.isoformat()}, {time.perf_counter() - started:.0f} s in all; "
          f"{os.cpu_count()} CPUs, load average {load_before} at start, {_load()} at end")
    print_table(lines)
    for note in notes:
        print("· " + note)
    out = [line.measure for line in lines if line.within == "no"]
    print("out of bound: " + (", ".join(out) if out else "none"))
    return 1 if args.strict and out else 0


if __name__ == "__main__":
    raise SystemExit(main())
