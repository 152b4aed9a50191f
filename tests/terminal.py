"""A real terminal for end-to-end tests: tmux on its own server socket,
keys sent with send-keys, the screen read back with capture-pane."""

from __future__ import annotations

import subprocess
import time
import uuid


class Terminal:
    def __init__(self, command: str, env: dict[str, str], size=(80, 24)) -> None:
        self.name = f"bt-{uuid.uuid4().hex[:8]}"
        self.socket = f"bt-{self.name}"
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                  f"env {exports} {command}; sleep 60")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def burst(self, *keys: str) -> None:
        """Several keys in ONE send-keys call: they reach the program together, as
        fast typing, a paste or a slow SSH link delivers them. Key names (Tab, Enter,
        C-s) are keys; anything else is typed as text."""
        self.tmux("send-keys", "-t", self.name, *keys)
        time.sleep(0.3)

    def text(self, chars: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", chars)
        time.sleep(0.2)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if needle in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
