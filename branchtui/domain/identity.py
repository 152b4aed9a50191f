"""Who is at the keyboard.

One service account owns the data; each person reaches it through sshd with
their own key, whose forced command names them (``branchtui --as NAME``),
as gitolite and GitLab do. A person cannot change that command line, so the
name is trusted — but only in a process running as the data's owner: anyone
else passing ``--as`` is refused, since they could write any name there.

Without ``--as`` the login is the operating system account the process runs
as (its effective uid), never LOGNAME, USER or another variable a person can
set before starting the program.

The data's owner is:

- for a SQLite file, the owner of the file (``stat``);
- for a database URL (PostgreSQL), the account whose name is the database
  role the connection authenticated as (``session_user``): the service
  account connects as the role of its own name (peer authentication or a
  password kept in its 0600 ``~/.pgpass``). Whoever can connect as that role
  holds the data anyway, so nothing weaker than the database's own
  authentication decides.
"""

from __future__ import annotations

import os
from pathlib import Path

from branchtui.domain.errors import DomainError
from branchtui.i18n import _

# The name --as established for this process; None: the OS account.
_assumed: str | None = None


class IdentityRefused(DomainError):
    """``--as`` given by a process that does not own the data, or for a name
    that is not registered."""


def os_login() -> str:
    """The account the process runs as, from the passwd database."""
    uid = os.geteuid()
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):  # a container without a passwd entry
        return f"uid{uid}"


def home() -> Path:
    """The home directory of the account the process runs as (not $HOME)."""
    try:
        import pwd

        return Path(pwd.getpwuid(os.geteuid()).pw_dir)
    except (ImportError, KeyError):
        return Path.home()


def current_login() -> str:
    return _assumed or os_login()


def assumed() -> str | None:
    """The name given with ``--as`` and honoured, or None."""
    return _assumed


def check_owner_of_file(path: Path) -> None:
    """Refuse ``--as`` unless this process runs as the owner of ``path``.

    Called before the database is opened, so a refused process never
    creates or touches the file.
    """
    try:
        owner = Path(path).stat().st_uid
    except FileNotFoundError:
        raise IdentityRefused(_("--as 只用于已有的数据库；{path} 不存在").format(path=path)) from None
    if owner != os.geteuid():
        raise IdentityRefused(_("--as 只在以数据库所有者身份运行时有效（{path} 属于另一个账户）").format(path=path))


def check_owner_of_server(db) -> None:
    """Refuse ``--as`` unless the database role of the connection is this
    process's OS account (see the module's note)."""
    role = db.execute_sql("SELECT session_user").fetchone()[0]
    if role != os_login():
        raise IdentityRefused(
            _("--as 只在以服务账户运行时有效：数据库角色 {role} 与本机账户 {login} 不同").format(
                role=role, login=os_login()))


_LOGIN_MAX = 64  # access.LOGIN_MAX (not imported: access imports this module)


def assume(login: str) -> None:
    """Act as ``login`` for the rest of the process, once the owner check has
    passed. Once users are registered, the name must be one of them."""
    global _assumed
    from branchtui.store.models import User

    if login is not None and not isinstance(login, str):  # only a typed name can name a login
        raise IdentityRefused(_("--as 需要一个登录名"))
    login = (login or "").strip()
    if not login:
        raise IdentityRefused(_("--as 需要一个登录名"))
    if len(login) > _LOGIN_MAX:
        raise IdentityRefused(_("登录名最长 {n} 个字符").format(n=_LOGIN_MAX))
    if any(ch.isspace() or not ch.isprintable() for ch in login):
        raise IdentityRefused(_("登录名不能含空格或控制字符"))
    if User.select().exists() and not User.select().where(User.login == login).exists():
        raise IdentityRefused(_("用户“{login}”未登记").format(login=login))
    _assumed = login


def set_login_for_tests(login: str | None) -> None:
    """Act as ``login`` without the checks (tests in one process; None: the OS account)."""
    global _assumed
    _assumed = login
