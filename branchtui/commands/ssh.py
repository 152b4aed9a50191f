"""``branchtui --as NAME``: the forced command sshd runs for a person's key.

The person cannot change this command line; what they typed after the host
name arrives in SSH_ORIGINAL_COMMAND. Nothing there means the TUI; a short
list of read-only commands runs; anything else (a shell, sftp, scp, another
--as) is refused with one line. Port, agent and X11 forwarding are refused
by sshd itself (the key line's ``restrict``).
"""

from __future__ import annotations

import os
import shlex
import sys

from branchtui.i18n import _

# command → {option: whether it takes a value}. Exact spellings only: no
# abbreviations, so nothing argparse would widen slips through.
READ_ONLY = {
    "summary": {"--json": False, "--as-of": True, "--lang": True},
}
REFUSED_EXIT = 126


def allowed_tokens(command: str) -> list[str] | None:
    """The words of ``command`` when it is on the read-only list, else None."""
    try:
        tokens = shlex.split(command)
    except ValueError:
        return None
    if not tokens or tokens[0] not in READ_ONLY:
        return None
    options = READ_ONLY[tokens[0]]
    rest = iter(tokens[1:])
    for token in rest:
        name, eq, _value = token.partition("=")
        if name not in options:
            return None
        if options[name] and not eq:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
        elif not options[name] and eq:
            return None
    return tokens


def usage_line() -> str:
    return _("此钥匙只能打开看板（ssh -t），或运行：{commands}").format(
        commands=_("、").join(f"{name} [{' '.join(opts)}]" for name, opts in READ_ONLY.items()))


def _refuse(command: str) -> int:
    from branchtui.domain import audit, sessions

    with audit.transaction():
        audit.record(sessions.TABLE, None, "refused", None,
                     {"command": command[:200], "address": sessions.client_address()})
    print("branchtui: " + _("拒绝执行“{command}”。").format(command=command[:80]) + usage_line(), file=sys.stderr)
    return REFUSED_EXIT


def run_as(args) -> int:
    from branchtui import cli
    from branchtui.domain import identity
    from branchtui.store.db import resolve_target, sqlite_path

    path = sqlite_path(resolve_target(args.db))
    try:
        if path is not None:
            identity.check_owner_of_file(path)
        db = cli._open(args)
        if path is None:
            identity.check_owner_of_server(db)
        identity.assume(args.as_login)
    except identity.IdentityRefused as exc:
        print("branchtui: " + str(exc), file=sys.stderr)
        return 1

    original = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    if args.command is None and original:
        tokens = allowed_tokens(original)
        if tokens is None:
            return _refuse(original)
        inner = cli.build_parser().parse_args(tokens)
        cli.fill_defaults(inner)
        inner.db, inner.as_login = args.db, args.as_login
        if inner.lang:
            from branchtui.i18n import set_language

            set_language(inner.lang)
        db.close()
        return cli.handler_for(inner)(inner)
    if args.command is None and not sys.stdin.isatty():
        print("branchtui: " + _("看板需要终端：请用 ssh -t 连接。") + usage_line(), file=sys.stderr)
        return 1
    db.close()
    return cli.handler_for(args)(args)
