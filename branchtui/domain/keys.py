"""SSH keys of the registered users, and the lines that tell sshd about them.

Each key becomes one line for sshd:

    command="/abs/bin/branchtui --db /srv/town.db --as zhangcf",restrict,pty ssh-ed25519 AAAA… zhangcf

``restrict`` forbids port, agent and X11 forwarding and ~/.ssh/rc; ``pty``
gives back the terminal the TUI needs. sshd learns the lines either from a
managed block in the service account's ~/.ssh/authorized_keys, rewritten
(temp file + rename) on every key or user change, or from
``branchtui ssh-keys %u %k`` as its AuthorizedKeysCommand.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import shlex
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from branchtui.domain import access, audit
from branchtui.domain.errors import DomainError, NotFound, ValidationError
from branchtui.i18n import _
from branchtui.store.users import User, UserKey

KEY_TABLE = UserKey._meta.table_name
# ssh-dss is left out: OpenSSH no longer accepts it.
KEY_TYPES = ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
             "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com")
MIN_RSA_BITS = 2048
BEGIN = "# BEGIN branchtui: written by `branchtui user …`; edit the users, not these lines"
END = "# END branchtui"
KEYS_FILE_ENV = "BRANCHTUI_AUTHORIZED_KEYS"


@dataclass(frozen=True)
class PublicKey:
    kind: str
    blob: str
    comment: str
    fingerprint: str


@dataclass(frozen=True)
class KeyRow:
    login: str
    kind: str
    fingerprint: str
    comment: str
    created: dt.datetime


def _field(data: bytes, at: int) -> tuple[bytes, int]:
    """One SSH wire-format string (uint32 length, bytes) from ``data`` at ``at``."""
    if at + 4 > len(data):
        raise ValueError("short")
    (length,) = struct.unpack(">I", data[at:at + 4])
    end = at + 4 + length
    if end > len(data):
        raise ValueError("short")
    return data[at + 4:end], end


def parse_key(text: str) -> PublicKey:
    """A public key as in a ``.pub`` file: ``TYPE BASE64 [comment]``.

    Refused unless the type is one OpenSSH accepts, the body is valid base64
    and names that same type inside, and (for RSA) the key has 2048 bits or more.
    """
    text = str(text or "").strip()
    bad = ValidationError("key", _("公钥应为一行：类型 Base64 [备注]，如 ssh-ed25519 AAAA… zhangcf@pc"))
    if not text or any(not ch.isprintable() for ch in text):
        raise bad
    parts = text.split(None, 2)
    if len(parts) < 2:
        raise bad
    kind, body = parts[0], parts[1]
    comment = parts[2].strip() if len(parts) > 2 else ""
    if kind not in KEY_TYPES:
        raise ValidationError("key", _("不支持的公钥类型“{kind}”；可用：{kinds}").format(
            kind=kind[:40], kinds=", ".join(KEY_TYPES)))
    try:
        data = base64.b64decode(body, validate=True)
        inner, at = _field(data, 0)
        if inner.decode("ascii") != kind:
            raise ValidationError("key", _("公钥内容写的是“{inner}”，与类型“{kind}”不符").format(
                inner=inner.decode("ascii", "replace")[:40], kind=kind))
        if kind == "ssh-rsa":
            _exponent, at = _field(data, at)
            modulus, at = _field(data, at)
            if len(modulus.lstrip(b"\0")) * 8 < MIN_RSA_BITS:
                raise ValidationError("key", _("RSA 公钥至少 {bits} 位").format(bits=MIN_RSA_BITS))
        elif kind == "ssh-ed25519":
            point, at = _field(data, at)
            if len(point) != 32:
                raise ValueError("ed25519")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError("key", _("公钥的 Base64 内容已损坏（复制时是否漏了字符？）")) from None
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
    return PublicKey(kind, body, comment[:200], "SHA256:" + digest)


def _user(login: str) -> User:
    user = User.get_or_none(User.login == str(login or "").strip())
    if user is None:
        raise NotFound(_("没有登记用户“{login}”").format(login=login))
    return user


def add_key_in_transaction(user: User, key: PublicKey) -> None:
    """Register ``key`` for ``user`` inside the caller's ``audit.transaction``:
    the clash check reads what the database holds now. Written through the
    gate (``audit.save_audited``), the administrator's alone."""
    access.require(access.MANAGE_USERS, None, table=KEY_TABLE)
    owner = (User.select(User.login).join(UserKey, on=(UserKey.user == User.id))
             .where(UserKey.blob == key.blob).scalar())
    if owner is not None:
        if owner == user.login:
            raise ValidationError("key", _("这把公钥已登记给 {login}").format(login=owner))
        raise ValidationError("key", _("这把公钥已登记给另一位用户（{login}），一把钥匙只能属于一个人").format(
            login=owner))
    audit.save_audited(UserKey(user=user, kind=key.kind, blob=key.blob, comment=key.comment,
                               fingerprint=key.fingerprint, created=dt.datetime.now()))


def _delete_key_in_transaction(row: UserKey) -> None:
    """Unregister ``row`` through the gate, inside the caller's transaction."""
    audit.delete_audited(row)


def add_user(login: str, role: str, branch_name: str | None, keys: list[str] | None) -> access.UserRow:
    """Register a user and their keys at once: all of it, or nothing."""
    from peewee import IntegrityError

    access.require(access.MANAGE_USERS, None, table=access.USER_TABLE)
    if keys is None:
        keys = []
    if not isinstance(keys, (list, tuple)):
        raise ValidationError("key", _("公钥应为一行：类型 Base64 [备注]，如 ssh-ed25519 AAAA… zhangcf@pc"))
    parsed = [parse_key(text) for text in keys]
    try:
        with audit.transaction():
            row = access.add_user(login, role, branch_name)
            user = User.get_by_id(row.id)
            for key in parsed:
                add_key_in_transaction(user, key)
    except IntegrityError:  # another session registered this key a moment ago
        raise ValidationError("key", _("这把公钥已登记给另一位用户")) from None
    return row


def add_key(login: str, text: str) -> PublicKey:
    from peewee import IntegrityError

    access.require(access.MANAGE_USERS, None, table=KEY_TABLE)
    key = parse_key(text)
    try:
        with audit.transaction():
            add_key_in_transaction(_user(login), key)
    except IntegrityError:
        raise ValidationError("key", _("这把公钥已登记给另一位用户")) from None
    return key


def remove_key(login: str, which: str) -> KeyRow:
    """Unregister one key of ``login``: named by its fingerprint (as ``list``
    shows it) or by the key itself."""
    access.require(access.MANAGE_USERS, None, table=KEY_TABLE)
    which = str(which or "").strip()
    with audit.transaction():
        user = _user(login)
        query = UserKey.select().where(UserKey.user == user.id)
        if which.startswith("SHA256:"):
            query = query.where(UserKey.fingerprint == which)
        else:
            query = query.where(UserKey.blob == parse_key(which).blob)
        row = query.first()
        if row is None:
            raise NotFound(_("{login} 没有这把公钥").format(login=user.login))
        _delete_key_in_transaction(row)
    return KeyRow(user.login, row.kind, row.fingerprint, row.comment, row.created)


def remove_user(login: str) -> None:
    """Unregister a user and every key of theirs, audited, in one transaction."""
    access.require(access.MANAGE_USERS, None, table=access.USER_TABLE)
    with audit.transaction():
        user = User.get_or_none(User.login == str(login or "").strip())
        for row in (UserKey.select().where(UserKey.user == user.id) if user else []):
            _delete_key_in_transaction(row)
        access.remove_user(login)


def list_keys(login: str | None = None) -> list[KeyRow]:
    query = (UserKey.select(UserKey, User.login).join(User, on=(UserKey.user == User.id))
             .order_by(User.login, UserKey.id))
    if login is not None:
        query = query.where(User.id == _user(login).id)
    return [KeyRow(row.user.login, row.kind, row.fingerprint, row.comment, row.created) for row in query]


# ---------------------------------------------------------------- sshd's view


def program_path() -> str:
    """The branchtui entry point sshd is to run: the script beside this
    Python (a venv or pipx install), else what started this process."""
    beside = Path(sys.executable).parent / "branchtui"
    if beside.exists():
        return str(beside.absolute())
    return str(Path(sys.argv[0]).absolute())


def forced_command(login: str, target: str) -> str:
    """The command line sshd runs for ``login``'s keys (before authorized_keys quoting)."""
    from branchtui.store.db import sqlite_path

    path = sqlite_path(target)
    db = str(path.absolute()) if path is not None else target
    return " ".join(shlex.quote(part) for part in (program_path(), "--db", db, "--as", login))


def key_line(login: str, kind: str, blob: str, target: str) -> str:
    command = forced_command(login, target).replace('"', '\\"')
    return f'command="{command}",restrict,pty {kind} {blob} {login}'


def authorized_lines(target: str, blob: str | None = None) -> list[str]:
    """One line per registered key (only the key ``blob`` when given)."""
    query = (UserKey.select(UserKey.kind, UserKey.blob, User.login).join(User, on=(UserKey.user == User.id))
             .order_by(User.login, UserKey.id))
    if blob is not None:
        query = query.where(UserKey.blob == blob)
    return [key_line(login, kind, body, target) for kind, body, login in query.tuples()]


def keys_file() -> Path | None:
    """The service account's authorized_keys, or what BRANCHTUI_AUTHORIZED_KEYS
    names ("off": sshd asks ``branchtui ssh-keys`` instead, nothing is written)."""
    named = os.environ.get(KEYS_FILE_ENV, "").strip()
    if named.lower() == "off":
        return None
    if named:
        return Path(named)
    from branchtui.domain.identity import home

    return home() / ".ssh" / "authorized_keys"


def split_block(text: str) -> tuple[list[str], list[str] | None]:
    """(lines outside the managed block, lines inside it or None without a block)."""
    outside, inside, state = [], None, "before"
    for line in text.splitlines():
        if state == "before" and line == BEGIN:
            state, inside = "in", []
        elif state == "in" and line == END:
            state = "after"
        elif state == "in":
            inside.append(line)
        else:
            outside.append(line)
    if state == "in":
        raise DomainError(_("authorized_keys 中的 branchtui 段缺少结束行“{end}”，未改动；请手工修好").format(end=END))
    return outside, inside


def write_block(target: str, path: Path | None = None) -> Path | None:
    """Rewrite the managed block of authorized_keys from the database, atomically
    (temp file in the same directory, fsync, rename): sshd reads either the old
    file or the new one, never half of it. Lines outside the block are kept.

    Nothing is written while the file has no block and no key is registered
    (an account that does not serve branchtui keeps its file as it is).
    Returns the file written, or None.
    """
    path = path or keys_file()
    if path is None:
        return None
    lines = authorized_lines(target)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    outside, inside = split_block(old)
    if inside is None and not lines:
        return None
    while outside and not outside[-1].strip():
        outside.pop()
    new = "\n".join([*outside, *([""] if outside else []), BEGIN, *lines, END]) + "\n"
    if new == old:
        return path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".authorized_keys.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
