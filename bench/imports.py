"""``python -m bench.imports [--members N]``: a district's member file imported,
against the bare validation of the same rows.

Builds the report's town (8 branches) in a temporary database, writes N new
members (20,000 by default) to an .xlsx the way an office would send it, then
measures on copies of that database:

- baseline: ``validate_member`` on every row, given as clean values (what a
  typed record costs before it is written, no file, no write);
- read + check: ``plan_import`` (read the workbook, map the headings, check every row);
- import: ``plan_import`` then ``apply_import`` (one transaction, every row written and audited).

Prints the times and their ratio to the baseline. Tests never assert on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import TODAY

HEAD = ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "入党时间", "转正时间", "人员类别",
        "联系电话", "所在支部"]


def people(count: int, branches: list[str], seed: int = 15):
    from branchtui.domain.idcard import make_id_number

    rng = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "建国秀英志强桂兰德明淑珍海涛丽华"
    for n in range(count):
        # 7919 is prime to 21,900: each of the first 21,900 rows gets its own
        # birth day, so the ID numbers never collide.
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=(n * 7919) % 21900)
        number = make_id_number("410402", birth, (n // 21900) % 1000)
        gender = "男" if int(number[16]) % 2 else "女"
        join = birth.replace(year=birth.year + 25) if not (birth.month == 2 and birth.day == 29) else \
            dt.date(birth.year + 25, 3, 1)
        full = join.replace(year=join.year + 1) if not (join.month == 2 and join.day == 29) else \
            dt.date(join.year + 1, 3, 1)
        probationary = join > TODAY - dt.timedelta(days=366)
        yield [n + 1, rng.choice(surnames) + rng.choice(given) + rng.choice(given), gender, "汉族", birth, number,
               rng.choice(("初中", "高中", "大专", "本科")), join, None if probationary else full,
               "预备党员" if probationary else "正式党员", f"13{rng.randrange(10**8, 10**9)}",
               branches[n % len(branches)]]


def write_file(path: Path, rows) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("党员")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "某区党员花名册")
    sheet.write_row(2, 0, HEAD)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif value is not None:
                sheet.write_string(r, c, str(value)) if isinstance(value, str) else sheet.write_number(r, c, value)
    book.close()
    return path


def measure(count: int, work: Path, progress=lambda *a: None) -> dict:
    from branchtui.demo import build_demo
    from branchtui.store.db import open_database

    template = work / "town.db"
    db = open_database(template)
    build_demo(today=TODAY)
    branch_ids = {name: bid for bid, name in db.execute_sql("select id, name from branch").fetchall()}
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    rows = list(people(count, sorted(branch_ids)))
    path = write_file(work / "members.xlsx", rows)
    progress(f"{count} rows written to {path.name}")

    def fresh(name: str):
        copy = work / f"{name}.db"
        shutil.copy(template, copy)
        return open_database(copy)

    from branchtui.domain.members import validate_member

    db = fresh("bare")
    start = time.perf_counter()
    for row in rows:
        validate_member({"name": row[1], "gender": row[2], "ethnicity": row[3], "birth_date": row[4],
                         "id_number": row[5], "education": row[6], "join_date": row[7], "full_date": row[8],
                         "phone": row[10], "branch": str(branch_ids[row[11]])}, today=TODAY)
    bare = time.perf_counter() - start
    db.close()
    progress(f"bare validation {bare:.2f} s")

    from branchtui.io.imports import apply_import, plan_import

    db = fresh("import")
    start = time.perf_counter()
    plan = plan_import("members", path, today=TODAY)
    planned = time.perf_counter() - start
    bad = [r.reason for r in plan.bad][:3]
    outcome = apply_import(plan, today=TODAY)
    total = time.perf_counter() - start
    members = db.execute_sql("select count(*) from member").fetchone()[0]
    db.close()
    progress(f"import {total:.2f} s ({outcome.created} created)")
    return {"rows": count, "bare": bare, "plan": planned, "import": total, "created": outcome.created,
            "members_after": members, "bad": bad}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--members", type=int, default=20000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        r = measure(args.members, Path(tmp), progress=lambda m: print(m, file=sys.stderr))
    print(f"{'measure':<34} {'time':>9} {'vs bare validation':>19}")
    print(f"{'bare validation (baseline)':<34} {r['bare']:>8.2f}s {'1.00×':>19}")
    print(f"{'read + check (plan_import)':<34} {r['plan']:>8.2f}s {r['plan'] / r['bare']:>18.2f}×")
    print(f"{'import (plan + apply, written)':<34} {r['import']:>8.2f}s {r['import'] / r['bare']:>18.2f}×")
    print(f"{r['created']} of {r['rows']} rows imported; {r['rows'] / r['import']:.0f} rows/s")
    if r["bad"]:
        print("bad rows:", *r["bad"], sep="\n  ")
    return 0 if r["created"] == r["rows"] else 1


if __name__ == "__main__":
    sys.exit(main())
