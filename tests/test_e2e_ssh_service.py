"""The deployment of the README, end to end with real OpenSSH: one service
account (created here with useradd, removed afterwards) owns the database;
each person reaches it with their own key, whose forced command names them.

Needs root (useradd, sshd), openssh-server, ssh, sftp and tmux (.ci/run
installs them)."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.terminal import Terminal

SSHD = "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(
    not (os.geteuid() == 0 and Path(SSHD).exists() and shutil.which("useradd") and shutil.which("tmux")
         and shutil.which("ssh") and shutil.which("sftp")),
    reason="needs root, openssh-server, ssh, sftp and tmux (installed by .ci/run)")
BIN = Path(sys.executable).parent / "branchtui"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _needed_dirs() -> list[Path]:
    """Directories the service account must be able to enter to run BIN: the
    venv, this checkout (an editable install) and the real interpreter."""
    roots = {BIN.parent, Path(__file__).resolve().parents[1], Path(os.path.realpath(sys.executable)).parent,
             Path(sys.base_prefix)}
    dirs = set()
    for root in roots:
        dirs.update([root, *root.parents])
    return sorted(dirs)


@pytest.fixture
def reachable_program():
    """Let other accounts through the directories on the way to the program
    (e.g. a pyenv under /root, mode 0700): o+x only, put back afterwards."""
    changed = []
    for folder in _needed_dirs():
        mode = folder.stat().st_mode
        if not mode & 0o001:
            os.chmod(folder, mode | 0o001)
            changed.append((folder, mode))
    yield
    for folder, mode in reversed(changed):
        os.chmod(folder, mode)


@pytest.fixture
def account(reachable_program):
    name = "bt" + secrets.token_hex(4)
    subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True)
    # sshd without PAM refuses an account whose password is locked ("!"), even
    # for keys; "*" matches no password either, so password login stays impossible.
    subprocess.run(["usermod", "-p", "*", name], check=True)
    try:
        yield name, Path(f"/home/{name}")
    finally:
        # -f: even if an sshd child of this account is still winding down
        subprocess.run(["userdel", "-f", "-r", name], capture_output=True)


def as_account(name: str, home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``sudo -u dangjian branchtui …``: the administrator on the server."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    result = subprocess.run(["runuser", "-u", name, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                             str(BIN), *args], capture_output=True, text=True, cwd="/")
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def server(account, tmp_path):
    name, home = account
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    for key in ("host", "zhangcf", "kan"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{key}@pc", "-f", str(keys / key)],
                       check=True)
    port = _free_port()
    config = tmp_path / "sshd_config"
    # Forwarding and sftp are allowed server-wide here, so that it is the key
    # line (restrict, the forced command) that refuses them.
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {keys / 'host'}
PidFile {tmp_path / 'sshd.pid'}
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowTcpForwarding yes
PermitTTY yes
StrictModes yes
UsePAM no
PrintMotd no
Subsystem sftp internal-sftp
""")
    Path("/run/sshd").mkdir(exist_ok=True)
    log = tmp_path / "sshd.log"
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=open(log, "w"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("sshd did not start: " + log.read_text())

    data = home / "data"
    data.mkdir(mode=0o700)
    shutil.chown(data, name, name)
    db = data / "town.db"
    as_account(name, home, "demo", "--db", str(db), "--today", "2026-11-27")
    as_account(name, home, "user", "add", name, "--role", "admin", "--db", str(db))
    as_account(name, home, "user", "add", "zhangcf", "--role", "secretary", "--branch", "居民一支部",
               "--key", (keys / "zhangcf.pub").read_text(), "--db", str(db))
    as_account(name, home, "user", "add", "kan", "--role", "viewer",
               "--key", (keys / "kan.pub").read_text(), "--db", str(db))
    yield {"name": name, "home": home, "port": port, "keys": keys, "db": db, "config": config, "log": log}
    proc.terminate()
    proc.wait(timeout=10)


def ssh_args(srv, key: str, *extra: str) -> list[str]:
    return ["ssh", "-p", str(srv["port"]), "-i", str(srv["keys"] / key), "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", *extra, f"{srv['name']}@127.0.0.1"]


def ssh(srv, key: str, *command: str, extra=()) -> subprocess.CompletedProcess:
    return subprocess.run([*ssh_args(srv, key, *extra), *command], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def tab(term: Terminal, n: int) -> None:
    """Field to field one key at a time: over SSH on a busy machine a burst of
    Tabs can land while the form is still filling in what the ID number gave."""
    for _ in range(n):
        term.keys("Tab")
        time.sleep(0.4)


def audit_rows(db: Path, table: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute('SELECT login, action, row_id, "after", id FROM audit WHERE "table" = ? ORDER BY id',
                           (table,)).fetchall()
    finally:
        con.close()


def test_keys_decide_who_and_what_over_real_ssh(server, tmp_path):
    srv = server
    block = (srv["home"] / ".ssh" / "authorized_keys").read_text()
    assert block.count(",restrict,pty ssh-ed25519 ") == 2 and f"--as zhangcf" in block

    # A script fetches the figures; nothing else runs.
    figures = ssh(srv, "zhangcf", "summary", "--json", "--as-of", "2026-11-27")
    assert figures.returncode == 0, figures.stderr
    assert json.loads(figures.stdout)["members"]["total"] == 74
    for command in (["sh", "-c", "id"], ["branchtui", "--as", srv["name"]], ["cat", "/etc/passwd"]):
        result = ssh(srv, "zhangcf", *command)
        assert result.returncode == 126 and "uid=" not in result.stdout and "root:" not in result.stdout
        assert len(result.stderr.strip().splitlines()) == 1 and "拒绝" in result.stderr
    sftp = subprocess.run(["sftp", "-b", "-", "-P", str(srv["port"]), "-i", str(srv["keys"] / "zhangcf"),
                           "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
                           "-o", "UserKnownHostsFile=/dev/null", f"{srv['name']}@127.0.0.1"],
                          input="ls\n", capture_output=True, text=True)
    assert sftp.returncode != 0 and "town.db" not in sftp.stdout

    # A tunnel to the server's own port: the key's "restrict" refuses the channel.
    local = _free_port()
    tunnel = subprocess.Popen(ssh_args(srv, "zhangcf", "-N", "-L", f"{local}:127.0.0.1:{srv['port']}"),
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                probe = socket.create_connection(("127.0.0.1", local), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and tunnel.poll() is None, "ssh -L did not listen"
                time.sleep(0.1)
        probe.settimeout(10)
        try:
            banner = probe.recv(64)
        except (ConnectionResetError, socket.timeout):
            banner = b""
        probe.close()
        assert not banner.startswith(b"SSH-"), "no tunnel through a branchtui key"
    finally:
        tunnel.terminate()
        tunnel.wait(timeout=10)
    assert any(row[1] == "refused" and "sh -c id" in (row[3] or "") for row in audit_rows(srv["db"], "session"))

    # The viewer cannot write.
    from branchtui.domain.idcard import make_id_number

    env = {"LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": os.environ.get("HOME", "/tmp")}
    secretary = Terminal(" ".join(ssh_args(srv, "zhangcf", "-tt")), env)
    viewer = None
    try:
        secretary.wait_for("居民八支部", timeout=30)
        viewer = Terminal(" ".join(ssh_args(srv, "kan", "-tt")), env)
        shown = viewer.wait_for("在线", timeout=30)
        assert "zhangcf（居民一支部）" in shown, "the overview shows the other session while it is open"

        # The secretary adds a member to their own branch (the first one listed) …
        secretary.keys("F3")
        secretary.wait_for("查找")
        secretary.keys("C-n")
        secretary.wait_for("保存并录下一条")
        time.sleep(1)  # the form's options load in a worker; typing waits for them, as a person would
        secretary.text("曾国藩")
        secretary.wait_for("曾国藩")  # the name has arrived before the key that leaves its field
        secretary.keys("Tab")
        secretary.text(make_id_number("410402", dt.date(1975, 3, 4), 211))
        secretary.wait_for("1975-03-04")
        tab((secretary), 5)
        secretary.text("2000.7.1")
        secretary.keys("C-s")
        secretary.wait_for("已保存")
        secretary.keys("Escape")
        # … and is refused in another branch's.
        secretary.keys("F3")
        secretary.text("wdl")
        secretary.wait_for("温东莲")
        secretary.keys("C-n")
        secretary.wait_for("保存并录下一条")
        time.sleep(1)  # the form's options load in a worker; typing waits for them, as a person would
        secretary.text("林则徐")
        secretary.wait_for("林则徐")  # the name has arrived before the key that leaves its field
        secretary.keys("Tab")
        secretary.text(make_id_number("410402", dt.date(1976, 4, 5), 213))
        secretary.wait_for("1976-04-05")
        tab((secretary), 5)
        secretary.text("2001.7.1")
        secretary.keys("C-s")
        secretary.wait_for("只能修改本支部的记录")

        viewer.keys("F3")
        viewer.wait_for("查找")
        viewer.keys("C-n")
        viewer.wait_for("保存并录下一条")
        time.sleep(1)  # the form's options load in a worker; typing waits for them, as a person would
        viewer.text("左宗棠")
        viewer.wait_for("左宗棠")  # the name has arrived before the key that leaves its field
        viewer.keys("Tab")
        viewer.text(make_id_number("410402", dt.date(1977, 5, 6), 215))
        viewer.wait_for("1977-05-06")
        tab((viewer), 5)
        viewer.text("2002.7.1")
        viewer.keys("C-s")
        viewer.wait_for("只读用户")

        for term in (secretary, viewer):
            term.keys("Escape", "Escape", "C-q")
        for login in ("zhangcf", "kan"):
            deadline = time.monotonic() + 20
            while not any(r[0] == login and r[1] == "logout" for r in audit_rows(srv["db"], "session")):
                assert time.monotonic() < deadline, f"{login} never logged out"
                time.sleep(0.2)
    finally:
        secretary.close()
        if viewer:
            viewer.close()

    figures = json.loads(ssh(srv, "kan", "summary", "--json", "--as-of", "2026-11-27").stdout)
    assert figures["members"]["total"] == 75, "one member saved, the refused ones not"
    member_rows = audit_rows(srv["db"], "member")
    assert [(r[0], r[1]) for r in member_rows if r[0] in ("zhangcf", "kan")] == [
        ("zhangcf", "create"), ("zhangcf", "refused"), ("kan", "refused")]
    sessions = audit_rows(srv["db"], "session")
    for login in ("zhangcf", "kan"):
        logins = [r for r in sessions if r[0] == login and r[1] == "login"]
        assert logins and json.loads(logins[0][3])["address"].startswith("127.0.0.1 port ")
        assert [r for r in sessions if r[1] == "logout" and r[2] == logins[0][4]], "the logout names its login"

    # A key removed is refused at once.
    listed = as_account(srv["name"], srv["home"], "user", "key", "list", "zhangcf", "--db", str(srv["db"]))
    fingerprint = listed.stdout.split()[2]
    as_account(srv["name"], srv["home"], "user", "key", "remove", "zhangcf", fingerprint, "--db", str(srv["db"]))
    gone = ssh(srv, "zhangcf", "summary", "--json")
    assert gone.returncode == 255 and not gone.stdout, "the key no longer opens anything"
    assert ssh(srv, "kan", "summary", "--json").returncode == 0, "the other keys still work"

    readable = srv["home"] / "sshd_config"  # the test's own copy sits in a root-only directory
    shutil.copy(srv["config"], readable)
    os.chmod(readable, 0o644)
    doctor = as_account(srv["name"], srv["home"], "doctor", "--db", str(srv["db"]),
                        "--sshd-config", str(readable), check=False)
    assert "公钥段与数据库一致（1 把公钥）" in doctor.stdout and "不能用密码登录" in doctor.stdout, doctor.stdout
    assert "还没有备份" in doctor.stdout and doctor.returncode == 1, "no backup was made here"
