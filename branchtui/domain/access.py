"""Roles, and who may change what.

The login is ``audit.current_login()``: see ``domain/identity.py``.
While no user is registered the program is single-user: that person is an
administrator. Once users exist, a login not among them may only read.

| role      | 中文     | may write                        | manages users |
|-----------|----------|----------------------------------|---------------|
| admin     | 管理员   | everything                       | yes           |
| committee | 镇党委   | everything                       | no            |
| secretary | 支部书记 | records of their own branch only | no            |
| viewer    | 只读     | nothing                          | no            |

Every check runs inside the write's transaction (``audit.transaction``), on
what the database holds then; a refusal raises ``PermissionDenied`` and the
gate leaves its audit row (action "refused") once the refused write has
rolled back. Users, roles, standards, policy, targets and campaign phases are
town-wide; nobody changes their own user registration.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from peewee import JOIN, IntegrityError

from branchtui.domain import audit
from branchtui.domain.errors import DomainError, NotFound, ValidationError
from branchtui.domain.idcard import mask
from branchtui.i18n import _
from branchtui.store.models import Branch
from branchtui.store.users import User

ADMIN, COMMITTEE, SECRETARY, VIEWER = "admin", "committee", "secretary", "viewer"
ROLES = (ADMIN, COMMITTEE, SECRETARY, VIEWER)
ROLE_NAMES = {ADMIN: "管理员", COMMITTEE: "镇党委", SECRETARY: "支部书记", VIEWER: "只读"}
ROLE_BY_NAME = {name: code for code, name in ROLE_NAMES.items()}

# Actions with a meaning of their own; any other action string is a write.
READ = "read"
WRITE = "write"
MANAGE_USERS = "manage_users"
BACKUP = "backup"
RESTORE = "restore"
ADMIN_ONLY = frozenset({MANAGE_USERS, RESTORE})
ACTION_NAMES = {
    WRITE: "修改数据",
    MANAGE_USERS: "管理用户",
    BACKUP: "备份数据库",
    RESTORE: "恢复数据库",
}
LOGIN_MAX = 64
USER_TABLE = User._meta.table_name


class PermissionDenied(DomainError):
    """The current login's role may not do this; the message says why, in Chinese.

    ``refusal``: the audit row to leave once the refused write's transaction
    has been rolled back (see ``audit.transaction``); None when already left.
    """

    def __init__(self, message: str, *, action: str, role: str, branch_id: int | None,
                 refusal: dict | None = None):
        super().__init__(message)
        self.refusal = refusal
        self.action = action
        self.role = role
        self.branch_id = branch_id


def action_name(action: str) -> str:
    name = ACTION_NAMES.get(action)
    return _(name) if name else _("执行“{action}”").format(action=action)


_users_table: dict[int, bool] = {}


def _has_users_table() -> bool:
    """Whether this database has the users table (a file of an older schema
    opened without migrating has not): asked once per database."""
    from branchtui.store.db import database

    key = id(database.obj)
    if key not in _users_table:
        _users_table[key] = database.table_exists(USER_TABLE)
    return _users_table[key]


def current_role() -> tuple[str, int | None]:
    """(role, the secretary's branch id or None) of ``audit.current_login()``."""
    if not _has_users_table() or not User.select().exists():
        return ADMIN, None  # single-user mode: the one local user runs everything
    user = User.get_or_none(User.login == audit.current_login())
    if user is None or user.role not in ROLES:
        return VIEWER, None
    return user.role, (user.branch_id if user.role == SECRETARY else None)


def _branch_label(branch_id: int | None) -> str:
    if branch_id is None:
        return _("未指定支部")
    branch = Branch.get_or_none(Branch.id == branch_id)
    return branch.name if branch else _("支部 #{id}").format(id=branch_id)


def _refusal(action: str, branch_id: int | None, role: str, own_branch: int | None) -> str | None:
    """The Chinese reason ``role`` may not do ``action``, or None when it may."""
    login = audit.current_login()
    what = action_name(action)
    if action == READ:
        return None
    if action in ADMIN_ONLY:
        if role == ADMIN:
            return None
        return _("只有管理员才能{what}（您 {login} 的角色是“{role}”）").format(
            what=what, login=login, role=_(ROLE_NAMES.get(role, role)))
    if role in (ADMIN, COMMITTEE):
        return None
    if role == SECRETARY:
        if own_branch is None:
            return _("您（{login}）是支部书记，但没有指定所在支部，不能{what}；请管理员重新登记").format(
                login=login, what=what)
        if branch_id == own_branch:
            return None
        if branch_id is None:
            return _("您（{login}）是{own}的支部书记，只能修改本支部的记录；全镇的数据须由镇党委或管理员修改").format(
                login=login, own=_branch_label(own_branch))
        return _("您（{login}）是{own}的支部书记，只能修改本支部的记录，不能修改{other}的记录").format(
            login=login, own=_branch_label(own_branch), other=_branch_label(branch_id))
    return _("您（{login}）是只读用户，不能{what}").format(login=login, what=what)


def _refuse(message: str, *, action: str, role: str, branch_id: int | None, table: str,
            row_id: int | None) -> PermissionDenied:
    """The refusal to raise; ``audit.transaction`` records it once the refused
    write has rolled back."""
    return PermissionDenied(message, action=action, role=role, branch_id=branch_id, refusal={
        "table": table[:40], "row_id": row_id,
        "after": {"action": action, "branch_id": branch_id, "role": role, "reason": message}})


def require(action: str, branch_id: int | None, *, table: str | None = None,
            row_id: int | None = None) -> None:
    """Raise PermissionDenied (and audit the refusal) unless the current role may do ``action``.

    ``action``: READ, MANAGE_USERS, RESTORE, BACKUP, or any other string
    (such as "member.update"), which counts as a write. ``branch_id``: the
    branch the record belongs to, None for town-wide records. ``table`` and
    ``row_id`` go into the audit row of a refusal. Called inside a write's
    transaction, the refusal is recorded when that transaction has rolled back.
    """
    role, own_branch = current_role()
    message = _refusal(action, branch_id, role, own_branch)
    if message is None:
        return
    with audit.transaction():
        raise _refuse(message, action=action, role=role, branch_id=branch_id,
                      table=table or "access", row_id=row_id)


# Town-wide records, whatever branch column they carry: the committee's alone
# (targets and year-end appraisals are set for a branch by the town).
TOWN_TABLES = frozenset({"committee", "standard", "standard_item", "policy", "target", "appraisal",
                         "campaign", "campaign_phase", "activity_kind"})
# Tables whose rows describe a person: a viewer sees none of them in the trail.
PERSONAL_TABLES = ("member", "borrower", "loan_partner", USER_TABLE)
PERSONAL_FIELDS = ("id_number", "phone", "mobile", "address")


def branch_of_values(table: str, values: dict) -> int | None:
    """The branch a row belongs to, from its column values, through its parents
    as the database holds them now (None for town-wide records)."""
    from branchtui.store.models import Activity, Inspection, Loan, Room

    if table in TOWN_TABLES or table == USER_TABLE:
        return None
    if table == Branch._meta.table_name:
        return values.get("id")
    if values.get("branch_id"):
        return values["branch_id"]
    if values.get("room_id"):
        return Room.select(Room.branch).where(Room.id == values["room_id"]).scalar()
    if values.get("loan_id"):
        return Loan.select(Loan.branch).where(Loan.id == values["loan_id"]).scalar()
    if values.get("inspection_id"):
        return (Room.select(Room.branch).join(Inspection, on=(Inspection.room == Room.id))
                .where(Inspection.id == values["inspection_id"]).scalar())
    if values.get("activity_id"):
        return Activity.select(Activity.branch).where(Activity.id == values["activity_id"]).scalar()
    return None


def branch_of(instance) -> int | None:
    """The branch a record belongs to (None for town-wide records)."""
    return branch_of_values(instance._meta.table_name, audit.snapshot(instance))


def _user_refusal(role: str, own_branch: int | None, stored) -> str | None:
    """Users are the administrator's alone, and nobody changes their own role."""
    message = _refusal(MANAGE_USERS, None, role, own_branch)
    # The only user may unregister (back to single-user mode); otherwise another admin must.
    if message is None and stored is not None and stored.login == audit.current_login() \
            and User.select().where(User.id != stored.id).exists():
        message = _("不能修改或删除自己的用户登记（{login}）：请另一位管理员办理").format(login=stored.login)
    return message


def check_model(model, stored=None) -> None:
    """Refuse, before any input is looked at, a role that may not write ``model``
    at all, or may not touch ``stored`` (the existing row, as the database holds it)."""
    role, own_branch = current_role()
    table = model._meta.table_name
    row_id = stored.id if stored is not None else None
    if table == USER_TABLE:
        message = _user_refusal(role, own_branch, stored)
        if message is not None:
            raise _refuse(message, action=MANAGE_USERS, role=role, branch_id=None, table=table, row_id=row_id)
        return
    if role in (ADMIN, COMMITTEE):
        return
    if stored is not None:
        branch_id = branch_of(stored)
    elif table in TOWN_TABLES or table == Branch._meta.table_name:
        branch_id = None  # a new branch is the town's to create
    elif role == SECRETARY and own_branch is not None:
        return  # which branch the new record goes to is checked when it is written
    else:
        branch_id = None
    message = _refusal(WRITE, branch_id, role, own_branch)
    if message is not None:
        raise _refuse(message, action=WRITE, role=role, branch_id=branch_id, table=table, row_id=row_id)


def check_write(instance, stored=None) -> None:
    """Refuse a write the current role may not make: the record's branch as it
    will be, and for a change its branch as the database holds it now (a
    secretary may neither change another branch's record nor move one into or
    out of their own). Users: the administrator's, and never one's own.

    Called by ``audit.save_audited`` for every write, so no screen or command
    can get round it. The refusal is audited by ``audit.transaction`` after the
    write's transaction has rolled back.
    """
    role, own_branch = current_role()
    table = instance._meta.table_name
    if table == USER_TABLE:
        message = _user_refusal(role, own_branch, stored)
        if message is not None:
            raise _refuse(message, action=MANAGE_USERS, role=role, branch_id=None, table=table,
                          row_id=instance.id)
        return
    if role in (ADMIN, COMMITTEE):
        return
    branches = {branch_of(instance)}
    if stored is not None:
        branches.add(branch_of(stored))
    for branch_id in sorted(branches, key=lambda b: (b is None, b or 0)):
        message = _refusal(WRITE, branch_id, role, own_branch)
        if message is not None:
            raise _refuse(message, action=WRITE, role=role, branch_id=branch_id, table=table,
                          row_id=instance.id)


def audit_scope(who: tuple[str, int | None] | None = None):
    """(role, the audit rows the role may see as a query condition or None for all)."""
    from branchtui.store.models import Audit

    who = who or current_role()
    role, own_branch = who
    if role in (ADMIN, COMMITTEE):
        return who, None
    if role == SECRETARY and own_branch is not None:
        return who, Audit.branch_id == own_branch
    if role == SECRETARY:
        return who, Audit.id < 0
    return who, Audit.table.not_in(PERSONAL_TABLES)


def mask_change(text: str | None, branch_id: int | None, who: tuple[str, int | None]) -> str | None:
    """An audit row's before/after JSON with the personal fields masked for a
    role that may not see them in full."""
    if not text:
        return text
    role, own_branch = who
    if role in (ADMIN, COMMITTEE) or (role == SECRETARY and own_branch is not None
                                      and branch_id == own_branch):
        return text
    values = json.loads(text)
    if not isinstance(values, dict) or not any(values.get(k) for k in PERSONAL_FIELDS):
        return text
    for key in PERSONAL_FIELDS:
        if isinstance(values.get(key), str) and values[key]:
            values[key] = mask(values[key])
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def allowed(action: str, branch_id: int | None) -> bool:
    """Whether ``require`` would pass: for greying out keys, no audit row."""
    role, own_branch = current_role()
    return _refusal(action, branch_id, role, own_branch) is None


def mask_id_for(number: str, branch_id: int | None, *,
                who: tuple[str, int | None] | None = None) -> str:
    """The ID number as the current login may see it: masked for viewers and
    for secretaries of another branch (or of none), in full otherwise.

    ``who``: a ``current_role()`` result, to spare a query per row in lists.
    """
    role, own_branch = who if who is not None else current_role()
    if role in (ADMIN, COMMITTEE):
        return number
    if role == SECRETARY and own_branch is not None and branch_id == own_branch:
        return number
    return mask(number)


# ---------------------------------------------------------------------- users


@dataclass(frozen=True)
class UserRow:
    id: int
    login: str
    role: str
    role_name: str
    branch_id: int | None
    branch_name: str
    created: dt.datetime


def _row(user: User, branch_name: str | None = None) -> UserRow:
    if branch_name is None:
        branch_name = _branch_label(user.branch_id) if user.branch_id else ""
    return UserRow(user.id, user.login, user.role, _(ROLE_NAMES.get(user.role, user.role)),
                   user.branch_id, branch_name, user.created)


def _clean_login(login) -> str:
    text = str(login or "").strip()
    if not text:
        raise ValidationError("login", _("登录名不能为空"))
    if len(text) > LOGIN_MAX:
        raise ValidationError("login", _("登录名最长 {n} 个字符").format(n=LOGIN_MAX))
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValidationError("login", _("登录名不能含空格或控制字符"))
    return text


def _parse_role(role) -> str:
    text = str(role or "").strip()
    code = ROLE_BY_NAME.get(text, text.lower())
    if code not in ROLES:
        raise ValidationError("role", _("角色应为：{roles}").format(roles=_("、").join(
            _("{code}（{name}）").format(code=code, name=_(name)) for code, name in ROLE_NAMES.items())))
    return code


def add_user(login: str, role: str, branch_name: str | None = None) -> UserRow:
    """Register a login with its role (admin only). A secretary needs a branch.

    ``role``: admin / committee / secretary / viewer, or 管理员 / 镇党委 /
    支部书记 / 只读. The first user registered must be an admin.
    """
    try:
        with audit.transaction():
            audit.check_role(User)
            login = _clean_login(login)
            role = _parse_role(role)
            branch = None
            branch_name = (branch_name or "").strip()
            if role == SECRETARY:
                if not branch_name:
                    raise ValidationError("branch", _("支部书记须指定所在支部"))
                branch = Branch.get_or_none(Branch.name == branch_name)
                if branch is None:
                    raise ValidationError("branch", _("没有名为“{name}”的支部").format(name=branch_name))
            elif branch_name:
                raise ValidationError("branch", _("只有支部书记需要指定支部"))
            if User.select().where(User.login == login).exists():
                raise ValidationError("login", _("用户“{login}”已登记").format(login=login))
            if role != ADMIN and not User.select().exists():
                raise ValidationError("role", _("第一个登记的用户须为管理员（admin），否则将没有人能管理用户"))
            user = User(login=login, role=role, branch=branch, created=dt.datetime.now())
            audit.save_audited(user)
    except IntegrityError:  # another session registered it a moment ago
        raise ValidationError("login", _("用户“{login}”已登记").format(login=login)) from None
    return _row(user, branch.name if branch else "")


def remove_user(login: str) -> None:
    """Unregister a login (admin only, never one's own); the last admin stays
    while others remain."""
    with audit.transaction():
        audit.check_role(User)
        login = _clean_login(login)
        user = User.get_or_none(User.login == login)
        if user is None:
            raise NotFound(_("没有登记用户“{login}”").format(login=login))
        if user.role == ADMIN:
            admins = User.select().where(User.role == ADMIN).count()
            others = User.select().where(User.id != user.id).count()
            if admins == 1 and others > 0:
                raise ValidationError("login", _("不能删除最后一位管理员：请先登记另一位管理员"))
        audit.delete_audited(user)


def list_users() -> list[UserRow]:
    """Every registered login, by login name."""
    rows = (User.select(User, Branch.name.alias("branch_name"))
            .join(Branch, JOIN.LEFT_OUTER, on=(User.branch == Branch.id))
            .order_by(User.login))
    return [_row(u, getattr(u, "branch_name", None) or "") for u in rows.objects()]
