"""End to end: the installed branchtui in a real terminal (tmux, 80x24),
driven by keys, read back from the screen."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.terminal import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

BIN = Path(sys.executable).parent / "branchtui"


@pytest.fixture
def terminal(tmp_path):
    db = tmp_path / "e2e.db"
    subprocess.run([str(BIN), "demo", "--db", str(db), "--today", "2026-11-27"], check=True,
                   capture_output=True)
    env = {"BRANCHTUI_DB": str(db), "LANG": "C.UTF-8", "TERM": "xterm-256color",
           "HOME": os.environ.get("HOME", "/tmp")}
    term = Terminal(str(BIN), env)
    yield term, db
    term.close()


def test_overview_then_add_member_by_keyboard(terminal):
    from branchtui.domain.idcard import make_id_number

    term, db = terminal
    shown = term.wait_for("居民八支部")
    assert "74" in shown and "正式 68" in shown

    term.keys("F3")
    term.wait_for("查找")
    term.text("wdl")  # 温东莲 by initials
    shown = term.wait_for("温东莲")
    assert "居民六支部" in shown

    term.keys("C-n")
    term.wait_for("保存并录下一条")  # the form itself, not the footer key that opens it
    id_number = make_id_number("410402", dt.date(1980, 5, 17), 135)
    # Typed at full speed: each key must reach the field focused after the keys before it.
    # 姓名 → 身份证号码 → 性别 → 出生日期 → 民族 → 学历 → 入党日期
    term.burst("单雄信", "Tab", id_number, "Tab", "Tab", "Tab", "Tab", "Tab", "2005年7月1日")
    shown = term.wait_for("1980-05-17")  # the birth date comes from the ID number
    term.wait_for("2005年7月1日")
    term.keys("C-s")
    term.wait_for("已保存")
    row = sqlite3.connect(db).execute(
        "SELECT name, id_number, ethnicity, join_date FROM member WHERE name LIKE '单雄信%'").fetchall()
    assert row == [("单雄信", id_number, "汉族", "2005-07-01")]

    term.keys("F2")
    shown = term.wait_for("正式 68 · 预备 7")  # 75 members: the new one is probationary
    assert "居民一支部" in shown

    summary = subprocess.run([str(BIN), "summary", "--db", str(db), "--json"], check=True,
                             capture_output=True, text=True).stdout
    assert '"total": 75' in summary

    # The checklist: 居民三支部's VCD found broken, the round saved, the overview follows.
    term.keys("F4")
    term.wait_for("上次检查")
    term.keys("Down", "Down", "Right", "Right", "Right", "Space")
    term.wait_for("7/8 达标")
    term.keys("C-s")
    term.wait_for("8 个活动室")  # the round form itself
    term.text("张彩风")
    term.keys("C-s")
    term.wait_for("已保存")
    term.keys("F2")
    shown = term.wait_for("居民三支部缺VCD")
    assert "7/8" in shown

    term.keys("C-q")
    deadline = time.monotonic() + 10
    while "基层党建看板" in term.screen() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "基层党建看板" not in term.screen(), "Ctrl+Q leaves the app"
