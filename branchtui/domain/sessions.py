"""Who is working now: a login row when the TUI opens, a logout row when it
closes, both in the audit trail with the client's address.

A session that died without its logout (the connection dropped, the process
was killed) must not show as online forever. The login row keeps the host,
the pid and that process's start mark (boot id and start time from /proc),
so on the same host a session counts only while that very process lives —
exact, and with no heartbeat written every few minutes. A session opened on
another host (several SSH front-ends on one PostgreSQL) cannot be looked at:
it counts until its logout, or for ``EXPIRY`` at most.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
from contextlib import contextmanager
from pathlib import Path

from peewee import JOIN

from branchtui.domain import audit
from branchtui.i18n import _
from branchtui.store.models import Audit

TABLE = "session"
LOGIN, LOGOUT = "login", "logout"
EXPIRY = dt.timedelta(hours=12)

_current: int | None = None  # the audit id of this process's login row


def client_address() -> str:
    """The SSH client's address from SSH_CONNECTION, or "local".

    sshd sets that variable itself; a person reaching the program through a
    forced command cannot choose it.
    """
    parts = os.environ.get("SSH_CONNECTION", "").split()
    return f"{parts[0]} port {parts[1]}" if len(parts) >= 2 else "local"


def _process_mark(pid: int) -> str | None:
    """The boot and start time of process ``pid``: a pid reused by another
    process gets another mark. None where /proc is not there."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return boot + ":" + stat.rsplit(")", 1)[1].split()[19]


def _alive(info: dict) -> bool:
    if info.get("host") != socket.gethostname():
        return True  # another front-end: EXPIRY decides
    pid = info.get("pid")
    if not isinstance(pid, int):
        return False
    mark = info.get("mark")
    if mark:
        return _process_mark(pid) == mark
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def begin() -> int:
    """Record this process's login; returns the login row's id."""
    global _current
    token = secrets.token_hex(8)
    info = {"address": client_address(), "host": socket.gethostname(), "pid": os.getpid(),
            "mark": _process_mark(os.getpid()), "token": token}
    with audit.transaction():
        audit.record(TABLE, None, LOGIN, None, info)
        # record() returns nothing; the token finds our row even if another
        # session with the same login committed one in between.
        for row in (Audit.select(Audit.id, Audit.after)
                    .where((Audit.table == TABLE) & (Audit.action == LOGIN)
                           & (Audit.login == audit.current_login()))
                    .order_by(Audit.id.desc()).limit(50)):
            if json.loads(row.after or "{}").get("token") == token:
                _current = row.id
                break
    return _current


def end() -> None:
    """Record the logout of this process's session."""
    global _current
    if _current is None:
        return
    with audit.transaction():
        audit.record(TABLE, _current, LOGOUT, None, {"address": client_address()})
    _current = None


@contextmanager
def recorded():
    """A login row now, the logout row when the block ends, however it ends."""
    begin()
    try:
        yield
    finally:
        end()


def others_online(now: dt.datetime | None = None) -> list[str]:
    """Who else has the program open now, one label per person:
    ``zhangcf（居民一支部）`` for a secretary, ``office（镇党委）`` otherwise."""
    from branchtui.domain.access import ROLE_NAMES, SECRETARY
    from branchtui.store.models import Branch
    from branchtui.store.users import User

    since = (now or dt.datetime.now()) - EXPIRY
    logins = list(Audit.select(Audit.id, Audit.login, Audit.after)
                  .where((Audit.table == TABLE) & (Audit.action == LOGIN) & (Audit.at >= since))
                  .order_by(Audit.id))
    if not logins:
        return []
    ended = {row_id for (row_id,) in Audit.select(Audit.row_id)
             .where((Audit.table == TABLE) & (Audit.action == LOGOUT)
                    & (Audit.row_id >= logins[0].id)).tuples()}
    people: list[str] = []
    for row in logins:
        if row.id in ended or row.id == _current or row.login in people:
            continue
        if _alive(json.loads(row.after or "{}")):
            people.append(row.login)
    if not people:
        return []
    who = {login: (role, branch) for login, role, branch in
           User.select(User.login, User.role, Branch.name)
           .join(Branch, JOIN.LEFT_OUTER, on=(User.branch == Branch.id))
           .where(User.login.in_(people)).tuples()}
    labels = []
    for login in people:
        role, branch = who.get(login, (None, None))
        if role == SECRETARY and branch:
            labels.append(_("{login}（{what}）").format(login=login, what=branch))
        elif role in ROLE_NAMES:
            labels.append(_("{login}（{what}）").format(login=login, what=_(ROLE_NAMES[role])))
        else:
            labels.append(login)
    return labels
