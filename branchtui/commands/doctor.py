"""``branchtui doctor``: is this deployment what the README sets up?

Run as the service account. One line per check, ✓ or ✗ with what to do;
exit status 1 when anything needs fixing.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import glob
import os
import stat
from pathlib import Path

from branchtui.i18n import _

SSHD_CONFIG = "/etc/ssh/sshd_config"
BACKUP_HOURS = 26  # a nightly cron job, with slack


def add_parser(sub, common) -> None:
    doctor = sub.add_parser("doctor", parents=[common], help=_("检查部署：文件权限、SSH 公钥、密码登录、数据库、备份"))
    doctor.add_argument("--sshd-config", default=SSHD_CONFIG, metavar="PATH",
                        help=_("sshd 配置文件（默认 {path}）").format(path=SSHD_CONFIG))
    doctor.add_argument("--backup-hours", type=int, default=BACKUP_HOURS, metavar="N",
                        help=_("最新备份超过 N 小时即报告（默认 {n}）").format(n=BACKUP_HOURS))


class Report:
    def __init__(self) -> None:
        self.failed = 0

    def ok(self, text: str) -> None:
        print("✓ " + text)

    def bad(self, text: str) -> None:
        self.failed += 1
        print("✗ " + text)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _check_private(report: Report, path: Path, want: int, what: str) -> None:
    """``path`` must belong to this account and grant nothing to group or others."""
    if not path.exists():
        return
    mode, owner = _mode(path), path.stat().st_uid
    if owner != os.geteuid():
        report.bad(_("{what} {path} 不属于本账户（uid {uid}）：sudo chown {login} {path}").format(
            what=what, path=path, uid=owner, login=_login()))
    elif mode & 0o077:
        report.bad(_("{what} {path} 权限为 {mode:04o}，别人能读写：chmod {want:04o} {path}").format(
            what=what, path=path, mode=mode, want=want))
    else:
        report.ok(_("{what} {path} 仅本账户可用（{mode:04o}）").format(what=what, path=path, mode=mode))


def _login() -> str:
    from branchtui.domain.identity import os_login

    return os_login()


def check_files(report: Report, path: Path) -> None:
    from branchtui.store.maintenance import backup_dir, list_backups

    _check_private(report, path.parent, 0o700, _("数据库目录"))
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        _check_private(report, candidate, 0o600, _("数据库文件"))
    _check_private(report, backup_dir(path), 0o700, _("备份目录"))
    for backup in list_backups(path):
        if _mode(backup) & 0o077 or backup.stat().st_uid != os.geteuid():
            _check_private(report, backup, 0o600, _("备份"))


def sshd_settings(config: Path, account: str) -> dict[str, str]:
    """The sshd settings (lower-case keywords) that apply to ``account``: in
    sshd, the first value obtained wins, and a satisfied ``Match User`` block
    wins over the global section. Includes are followed."""
    glob_first: dict[str, str] = {}
    match_first: dict[str, str] = {}
    state = {"in_match": False, "applies": False}

    def read(path: Path) -> None:
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            word, _sep, value = line.replace("=", " ", 1).partition(" ")
            word, value = word.lower(), value.strip()
            if word == "include":
                for pattern in value.split():
                    pattern = pattern if pattern.startswith("/") else str(Path("/etc/ssh") / pattern)
                    for name in sorted(glob.glob(pattern)):
                        read(Path(name))
            elif word == "match":
                state["in_match"] = True
                terms = value.split()
                state["applies"] = (len(terms) == 2 and terms[0].lower() == "user"
                                    and any(fnmatch.fnmatchcase(account, p) for p in terms[1].split(",")))
                if len(terms) == 1 and terms[0].lower() == "all":
                    state["applies"] = True
            elif state["in_match"]:
                if state["applies"]:
                    match_first.setdefault(word, value)
            else:
                glob_first.setdefault(word, value)

    read(config)
    return {**glob_first, **match_first}


def check_sshd(report: Report, config: Path, target: str, account: str) -> None:
    from branchtui.domain.errors import DomainError
    from branchtui.domain.keys import authorized_lines, keys_file, split_block

    try:
        settings = sshd_settings(config, account)
    except OSError as exc:
        report.bad(_("读不到 sshd 配置 {path}（{error}）：用 --sshd-config 指明").format(path=config, error=exc))
        return
    password = settings.get("passwordauthentication", "yes").lower()
    keyboard = settings.get("kbdinteractiveauthentication",
                            settings.get("challengeresponseauthentication", "yes")).lower()
    if password != "no" or keyboard != "no":
        report.bad(_("服务账户 {account} 仍可用密码登录：在 {path} 加 “Match User {account}” 段，"
                     "写 PasswordAuthentication no 和 KbdInteractiveAuthentication no").format(
            account=account, path=config))
    else:
        report.ok(_("服务账户 {account} 不能用密码登录").format(account=account))

    command = settings.get("authorizedkeyscommand", "")
    if "ssh-keys" in command:
        if settings.get("authorizedkeyscommanduser") != account:
            report.bad(_("sshd 的 AuthorizedKeysCommandUser 应为 {account}（它要读数据库）").format(account=account))
        else:
            report.ok(_("sshd 通过 AuthorizedKeysCommand 从数据库读公钥：{command}").format(command=command))
        return
    path = keys_file()
    if path is None:
        report.bad(_("未写 authorized_keys（BRANCHTUI_AUTHORIZED_KEYS=off），sshd_config 也没有 "
                     "AuthorizedKeysCommand … ssh-keys %u %k 行"))
        return
    try:
        _outside, inside = split_block(path.read_text(encoding="utf-8") if path.exists() else "")
    except DomainError as exc:
        report.bad(str(exc))
        return
    wanted = authorized_lines(target)
    if inside is None:
        report.bad(_("{path} 没有 branchtui 公钥段，sshd_config 也没有 AuthorizedKeysCommand：运行 "
                     "branchtui user key list 确认公钥后，任一 user key 命令会写入；或配置 AuthorizedKeysCommand").format(
            path=path))
    elif inside != wanted:
        report.bad(_("{path} 的 branchtui 公钥段与数据库不一致（{have} 行，应为 {want} 行）："
                     "再执行一次 user key add/remove 会重写").format(path=path, have=len(inside), want=len(wanted)))
    else:
        report.ok(_("{path} 的公钥段与数据库一致（{n} 把公钥）").format(path=path, n=len(wanted)))
        _check_private(report, path, 0o600, "authorized_keys")
        _check_private(report, path.parent, 0o700, _("目录"))


def check_database(report: Report) -> None:
    from branchtui.domain.check import check_database as problems_of

    problems = problems_of()
    if problems:
        report.bad(_("数据库有 {n} 个问题（branchtui check 列出）：{first}").format(n=len(problems), first=problems[0]))
    else:
        report.ok(_("数据库完好：完整性、外键和派生数字均无问题"))


def check_backups(report: Report, path: Path, hours: int) -> None:
    from branchtui.store.maintenance import list_backups

    backups = list_backups(path)
    if not backups:
        report.bad(_("还没有备份：在服务账户的 crontab 加一行 “15 2 * * * {cmd}”").format(
            cmd=f"branchtui backup --db {path}"))
        return
    newest = backups[-1]
    age = dt.datetime.now() - dt.datetime.fromtimestamp(newest.stat().st_mtime)
    if age > dt.timedelta(hours=hours):
        report.bad(_("最新备份 {name} 已有 {days:.1f} 天：每晚备份的 cron 是否还在运行？").format(
            name=newest.name, days=age.total_seconds() / 86400))
    else:
        report.ok(_("最新备份 {name}，{hours:.0f} 小时前").format(name=newest.name, hours=age.total_seconds() / 3600))


def cmd_doctor(args) -> int:
    from branchtui.cli import _open
    from branchtui.store.db import resolve_target, sqlite_path

    target = resolve_target(args.db)
    path = sqlite_path(target)
    report = Report()
    if path is not None:
        if not path.exists():
            report.bad(_("数据库 {path} 不存在").format(path=path))
            return 1
        check_files(report, path.absolute())
    _open(args)
    check_sshd(report, Path(args.sshd_config), target, _login())
    check_database(report)
    if path is not None:
        check_backups(report, path.absolute(), args.backup_hours)
    print(_("需要处理 {n} 项").format(n=report.failed) if report.failed else _("部署检查全部通过"))
    return 1 if report.failed else 0
