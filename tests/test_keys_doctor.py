"""SSH keys of the users, the lines sshd reads, and `branchtui doctor`."""

from __future__ import annotations

import base64
import os
import pwd
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from branchtui.domain.errors import ValidationError
from branchtui.domain.keys import BEGIN, END, parse_key

BIN = [sys.executable, "-m", "branchtui"]
ME = pwd.getpwuid(os.geteuid()).pw_name


def run(*args, check=True):
    result = subprocess.run([*BIN, *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def new_key(tmp_path: Path, name: str, kind: str = "ed25519") -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", f"{name}@pc", "-f", str(tmp_path / name)],
                   check=True)
    return (tmp_path / f"{name}.pub").read_text().strip()


def _blob(*fields: bytes) -> str:
    return base64.b64encode(b"".join(struct.pack(">I", len(f)) + f for f in fields)).decode()


@pytest.fixture
def keygen():
    if not subprocess.run(["which", "ssh-keygen"], capture_output=True).returncode == 0:
        pytest.skip("ssh-keygen is installed by .ci/run")


def test_keys_are_validated(tmp_path, keygen):
    good = parse_key(new_key(tmp_path, "zhangcf"))
    assert good.kind == "ssh-ed25519" and good.comment == "zhangcf@pc"
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-f", str(tmp_path / "zhangcf.pub")], capture_output=True,
                                 text=True).stdout.split()[1]
    assert good.fingerprint == fingerprint, "the fingerprint ssh-keygen -l shows"
    for bad, why in [
        ("", "一行"), ("ssh-ed25519", "一行"),
        ("ssh-dss " + _blob(b"ssh-dss", b"x"), "不支持"),
        ("ssh-ed25519 AAAA!!!!", "Base64"),
        ("ssh-rsa " + good.blob, "不符"),  # an ed25519 body under another name
        ("ssh-ed25519 " + _blob(b"ssh-ed25519", b"short"), "Base64"),
        ("ssh-rsa " + _blob(b"ssh-rsa", b"\x01\x00\x01", b"\x00" + b"\xff" * 128), "2048"),
        ("ssh-ed25519 " + good.blob + " x\ncommand=\"sh\" ssh-ed25519 AAAA", "一行"),
    ]:
        with pytest.raises(ValidationError, match=why):
            parse_key(bad)


def test_user_add_with_key_writes_the_block_and_removal_takes_the_line_away(tmp_path, keygen):
    db = tmp_path / "town.db"
    keys_file = Path(os.environ["BRANCHTUI_AUTHORIZED_KEYS"])
    keys_file.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn3rZp2s7bnl2VHh8I7i1zrLBrL6kLgJV4mjn3mC5B admin@laptop\n")
    run("init", "--db", str(db))  # we (ME) are its first admin
    admin, zhang, kan = new_key(tmp_path, "admin"), new_key(tmp_path, "zhangcf"), new_key(tmp_path, "kan")
    run("user", "add", "admin1", "--role", "admin", "--key", admin, "--db", str(db))
    forced = ("--db", str(db), "--as", "admin1")
    run("user", "add", "zhangcf", "--role", "viewer", "--key", zhang, *forced)
    run("user", "key", "add", "zhangcf", kan, *forced)
    text = keys_file.read_text()
    assert text.startswith("ssh-ed25519 AAAAC3Nz"), "lines outside the block are kept"
    block = text[text.index(BEGIN):]
    lines = block.splitlines()[1:-1]
    assert len(lines) == 3 and block.rstrip().endswith(END)
    assert all(',restrict,pty ssh-ed25519 ' in line and line.startswith('command="') for line in lines)
    assert sum(f"--db {db} --as zhangcf" in line for line in lines) == 2
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"

    clash = run("user", "add", "kan", "--role", "viewer", "--key", kan, *forced, check=False)
    assert clash.returncode == 1 and "zhangcf" in clash.stderr and "kan" not in run("user", "list", *forced).stdout

    listed = run("user", "key", "list", "zhangcf", *forced).stdout.splitlines()
    fingerprint = listed[1].split()[2]
    run("user", "key", "remove", "zhangcf", fingerprint, *forced)
    assert kan.split()[1] not in keys_file.read_text()
    run("user", "remove", "zhangcf", *forced)
    assert zhang.split()[1] not in keys_file.read_text() and admin.split()[1] in keys_file.read_text()

    shown = run("ssh-keys", ME, admin.split()[1], "--db", str(db)).stdout.splitlines()
    assert len(shown) == 1 and shown[0] in keys_file.read_text()
    assert run("ssh-keys", ME, zhang.split()[1], "--db", str(db)).stdout == ""
    assert run("ssh-keys", "someone-else", admin.split()[1], "--db", str(db)).stdout == ""


SSHD_GOOD = """Include /nonexistent.d/*.conf
PasswordAuthentication yes
Match User {account}
    PasswordAuthentication no
    KbdInteractiveAuthentication no
"""


def test_doctor_reports_a_wrong_mode_a_missing_key_block_and_a_stale_backup(tmp_path, keygen):
    home = tmp_path / "srv"
    home.mkdir(mode=0o700)
    db = home / "town.db"
    config = tmp_path / "sshd_config"
    config.write_text(SSHD_GOOD.format(account=ME))
    run("init", "--db", str(db))  # we (ME) are its first admin
    run("user", "add", "admin1", "--role", "admin", "--key", new_key(tmp_path, "admin"), "--db", str(db))
    run("backup", "--db", str(db), "--as", "admin1")
    doctor = ("doctor", "--db", str(db), "--sshd-config", str(config))
    healthy = run(*doctor)
    assert "✗" not in healthy.stdout and healthy.stdout.count("✓") >= 6, healthy.stdout

    os.chmod(db, 0o644)
    keys_file = Path(os.environ["BRANCHTUI_AUTHORIZED_KEYS"])
    keys_file.write_text("# nothing of branchtui here\n")
    backup = next((home / "backups").iterdir())
    old = time.time() - 3 * 86400
    os.utime(backup, (old, old))
    config.write_text("PasswordAuthentication no\n")  # keyboard-interactive still on by default
    sick = run(*doctor, check=False)
    assert sick.returncode == 1
    bad = [line for line in sick.stdout.splitlines() if line.startswith("✗")]
    assert any("0644" in line and "chmod 0600" in line for line in bad), sick.stdout
    assert any("没有 branchtui 公钥段" in line for line in bad), sick.stdout
    assert any("3.0 天" in line for line in bad), sick.stdout
    assert any("密码登录" in line for line in bad), sick.stdout
    assert len(bad) == 4 and "需要处理 4 项" in sick.stdout

    config.write_text(f"AuthorizedKeysCommand /opt/bt/bin/branchtui ssh-keys --db {db} %u %k\n"
                      f"AuthorizedKeysCommandUser {ME}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n")
    switched = run(*doctor, check=False).stdout
    assert "AuthorizedKeysCommand" in switched and "公钥段" not in switched
