"""Printing commands behave in a pipe: ``| head -2`` ends them quietly."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest


def _env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               PYTHONIOENCODING="utf-8")
    return env


@pytest.mark.parametrize("args", [
    ["schedule", "--principal", "50000", "--rate", "5.31", "--months", "360"],
    ["schedule", "--principal", "50000", "--rate", "5.31", "--months", "360", "--json"],
])
def test_head_closes_the_pipe_without_a_traceback(tmp_path, args):
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "branchtui", *args])
    result = subprocess.run(["bash", "-c", f"{command} | head -2"], capture_output=True, text=True,
                            encoding="utf-8", env=_env(tmp_path))
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_pad_counts_display_width():
    from branchtui.commands.users import pad

    assert pad("只读", 8) == "只读    "
    assert pad("root", 8) == "root    "
