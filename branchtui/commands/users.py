"""``branchtui user …`` and ``branchtui ssh-keys``: who may log in, with which keys."""

from __future__ import annotations

import sys

from branchtui.i18n import _


def add_parsers(sub, common) -> None:
    user = sub.add_parser("user", parents=[common], help=_("用户、角色与 SSH 公钥（admin/committee/secretary/viewer）"))
    user_sub = user.add_subparsers(dest="user_command", metavar="add|list|remove|key", required=True)
    user_add = user_sub.add_parser("add", parents=[common], help=_("登记用户"))
    user_add.add_argument("name", help=_("登录名（此人的公钥以此身份运行）"))
    user_add.add_argument("--role", required=True, help=_("admin、committee、secretary 或 viewer"))
    user_add.add_argument("--branch", help=_("支部书记所在的支部名称"))
    user_add.add_argument("--key", action="append", default=[], metavar="'ssh-ed25519 AAAA… c'",
                          help=_("此人的 SSH 公钥（.pub 文件的一行；可重复）"))
    user_sub.add_parser("list", parents=[common], help=_("列出用户"))
    user_remove = user_sub.add_parser("remove", parents=[common], help=_("删除用户及其公钥"))
    user_remove.add_argument("name")
    key = user_sub.add_parser("key", parents=[common], help=_("管理用户的 SSH 公钥"))
    key_sub = key.add_subparsers(dest="key_command", metavar="add|remove|list", required=True)
    key_add = key_sub.add_parser("add", parents=[common], help=_("为用户登记一把公钥"))
    key_add.add_argument("name")
    key_add.add_argument("key", help=_("公钥（.pub 文件的一行）"))
    key_remove = key_sub.add_parser("remove", parents=[common], help=_("删除用户的一把公钥（立即失效）"))
    key_remove.add_argument("name")
    key_remove.add_argument("key", help=_("公钥本身，或 list 显示的指纹 SHA256:…"))
    key_list = key_sub.add_parser("list", parents=[common], help=_("列出公钥"))
    key_list.add_argument("name", nargs="?")

    ssh_keys = sub.add_parser("ssh-keys", parents=[common],
                              help=_("供 sshd 的 AuthorizedKeysCommand 调用：打印登记公钥的 authorized_keys 行"))
    ssh_keys.add_argument("account", help=_("sshd 的 %%u：要登录的账户"))
    ssh_keys.add_argument("blob", nargs="?", help=_("sshd 的 %%k：客户端出示的公钥（Base64）"))


def _target(args) -> str:
    from branchtui.store.db import resolve_target

    return resolve_target(args.db)


def _sync_keys_file(args) -> None:
    """Every user or key change rewrites the authorized_keys block at once."""
    from branchtui.domain.errors import DomainError
    from branchtui.domain.keys import write_block

    try:
        path = write_block(_target(args))
    except (OSError, DomainError) as exc:
        print(_("数据库已改好，但 authorized_keys 未能更新：{error}").format(error=exc), file=sys.stderr)
        raise SystemExit(1) from None
    if path is not None:
        print(_("已更新 {path}").format(path=path))


def cmd_user(args) -> int:
    from branchtui.cli import _open
    from branchtui.domain import access, keys
    from branchtui.domain.errors import DomainError

    _open(args)
    try:
        if args.user_command == "add":
            row = keys.add_user(args.name, args.role, args.branch, args.key)
            print(_("已登记用户 {login}：{role}").format(login=row.login, role=_(row.role_name))
                  + (_("（{branch}）").format(branch=row.branch_name) if row.branch_name else "")
                  + (_("，{n} 把公钥").format(n=len(args.key)) if args.key else ""))
        elif args.user_command == "remove":
            keys.remove_user(args.name)
            print(_("已删除用户 {login}").format(login=args.name))
        elif args.user_command == "key":
            return _key_command(args)
        else:
            rows = access.list_users()
            if not rows:
                print(_("尚未登记用户：本机用户即管理员"))
            counts: dict[str, int] = {}
            for key in keys.list_keys():
                counts[key.login] = counts.get(key.login, 0) + 1
            for row in rows:
                print(f"{pad(row.login, 16)} {pad(_(row.role_name), 8)} {pad(row.branch_name or '', 12)} "
                      + _("{n} 把公钥").format(n=counts.get(row.login, 0)))
            return 0
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    _sync_keys_file(args)
    return 0


def _key_command(args) -> int:
    from branchtui.domain import keys

    if args.key_command == "list":
        for row in keys.list_keys(args.name):
            print(f"{row.login:<16} {row.kind:<12} {row.fingerprint}  {row.comment}")
        return 0
    if args.key_command == "add":
        key = keys.add_key(args.name, args.key)
        print(_("已为 {login} 登记公钥 {fingerprint}").format(login=args.name, fingerprint=key.fingerprint))
    else:
        row = keys.remove_key(args.name, args.key)
        print(_("已删除 {login} 的公钥 {fingerprint}").format(login=row.login, fingerprint=row.fingerprint))
    _sync_keys_file(args)
    return 0


def cmd_ssh_keys(args) -> int:
    """sshd's AuthorizedKeysCommand: the lines for the key offered, read from
    the database, so nothing needs to be kept in sync. Prints nothing for an
    account other than the one that owns the data."""
    from branchtui.cli import _open
    from branchtui.domain.identity import os_login
    from branchtui.domain.keys import authorized_lines

    if args.account != os_login():
        return 0
    _open(args)
    for line in authorized_lines(_target(args), args.blob):
        print(line)
    return 0


def pad(text: str, width: int) -> str:
    """Left-aligned to ``width`` terminal columns: a Chinese character takes two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)
