"""Who is working now: login/logout rows, and sessions that died without a
logout do not show."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from branchtui.domain import access, audit, identity, sessions
from branchtui.store.models import Audit


def _login_row_for(pid: int, login: str, *, host=None, mark="same") -> None:
    """A login row as another process on this host would have written it."""
    import socket

    info = {"address": "10.0.0.9 port 5555", "host": host or socket.gethostname(), "pid": pid,
            "mark": sessions._process_mark(pid) if mark == "same" else mark, "token": "x"}
    identity.set_login_for_tests(login)
    with audit.transaction():
        audit.record(sessions.TABLE, None, sessions.LOGIN, None, info)


def test_login_and_logout_rows_carry_the_client_address(demo_db, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 127.0.0.1 22")
    identity.set_login_for_tests("zhangcf")
    with sessions.recorded():
        login = Audit.get((Audit.table == "session") & (Audit.action == "login"))
        assert json.loads(login.after)["address"] == "192.0.2.7 port 50022"
        assert login.login == "zhangcf"
    logout = Audit.get((Audit.table == "session") & (Audit.action == "logout"))
    assert logout.row_id == login.id and json.loads(logout.after)["address"] == "192.0.2.7 port 50022"


def test_others_online_shows_live_sessions_only(demo_db):
    identity.set_login_for_tests("admin1")
    access.add_user("admin1", "admin")
    access.add_user("zhangcf", "secretary", "居民一支部")
    access.add_user("office", "committee")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        _login_row_for(sleeper.pid, "zhangcf")
        _login_row_for(sleeper.pid, "office", mark="0:0")  # its pid was reused: another process now
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout.strip()
        _login_row_for(int(dead), "ghost")  # killed without a logout
        _login_row_for(1, "remote", host="another-front-end")  # cannot be looked at: counts
        identity.set_login_for_tests("admin1")
        with sessions.recorded():
            assert sessions.others_online() == ["zhangcf（居民一支部）", "remote"]
        # another front-end's session expires
        later = dt.datetime.now() + sessions.EXPIRY + dt.timedelta(minutes=1)
        assert sessions.others_online(now=later) == []
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sessions.others_online() == ["remote"], "the killed process no longer counts"
