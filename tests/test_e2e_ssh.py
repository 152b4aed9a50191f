"""End to end over a real SSH connection: an OpenSSH server on 127.0.0.1,
started by the test with its own host key and configuration; the client
runs in tmux at 80x24, as an office PC's terminal would. Also: the app
exits when its terminal goes away (a dropped connection)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.terminal import Terminal

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(
    not (Path(SSHD).exists() and shutil.which("ssh") and shutil.which("tmux")),
    reason="openssh-server, ssh and tmux are installed by .ci/run")
BIN = Path(sys.executable).parent / "branchtui"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
    port = _free_port()
    config = tmp_path / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {keys / 'host'}
PidFile {tmp_path / 'sshd.pid'}
AuthorizedKeysFile {keys / 'authorized_keys'}
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
""")
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=open(tmp_path / "sshd.log", "w"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("sshd did not start: " + (tmp_path / "sshd.log").read_text())
    yield port, keys / "client"
    server.terminate()
    server.wait(timeout=10)


def _app_processes(db: Path) -> list[str]:
    out = subprocess.run(["pgrep", "-f", f"branchtui.*{db}"], capture_output=True, text=True).stdout
    return out.split()


def test_work_over_ssh_then_drop_the_connection(sshd, tmp_path):
    from branchtui.domain.idcard import make_id_number

    port, key = sshd
    db = tmp_path / "ssh.db"
    subprocess.run([str(BIN), "demo", "--db", str(db), "--today", "2026-11-27"], check=True, capture_output=True)
    remote = f"env LANG=C.UTF-8 TERM=xterm-256color {BIN} --db {db}"
    ssh = (f"ssh -tt -p {port} -i {key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
           f"-o LogLevel=ERROR {getpass.getuser()}@127.0.0.1 '{remote}'")
    term = Terminal(ssh, {"LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": os.environ.get("HOME", "/tmp")})
    try:
        shown = term.wait_for("居民八支部", timeout=30)
        assert "74" in shown

        term.keys("F3")
        term.wait_for("查找")
        term.text("wdl")
        term.wait_for("温东莲")
        term.keys("C-n")
        term.wait_for("保存并录下一条")
        term.text("曾国藩")
        term.keys("Enter")
        term.text(make_id_number("410402", dt.date(1975, 3, 4), 211))
        term.wait_for("1975-03-04")
        term.keys("Tab", "Tab", "Tab", "Tab", "Tab")
        term.text("2000.7.1")
        term.keys("C-s")
        term.wait_for("已保存")
        term.keys("F2")
        term.wait_for("75")

        # The office PC's connection drops: the app must not linger on the server.
        assert _app_processes(db), "the app runs on the server"
        term.close()
        deadline = time.monotonic() + 15
        while _app_processes(db) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _app_processes(db), "the app exits when its terminal goes away"
    finally:
        term.close()

    summary = subprocess.run([str(BIN), "summary", "--db", str(db), "--json"], check=True,
                             capture_output=True, text=True).stdout
    assert '"total": 75' in summary, "the member typed over SSH was saved"
