"""A program in a pseudo-terminal: when its first frame and its figures
appear, how many bytes it writes, what it does while idle, its peak memory.

The child is started with ``pty.fork`` (it gets the pty as its controlling
terminal, sized before it runs), and everything it writes is read back with
a timestamp. Times count from just before the fork, so they include the
interpreter's start-up and every import, as a person waiting sees it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

FRAME_START = b"\x1b[1;1H"  # Textual's first frame begins at the top-left cell
QUIT = b"\x11"  # Ctrl+Q
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
BARE_MARKER = "基线表头".encode()  # the last column header of bare_app.py
APP_MARKER = "达“三个一”标准".encode()  # the overview's room figure, shown once the summary is in


@dataclass
class Run:
    first_frame: float | None  # seconds until the first frame began
    ready: float | None  # seconds until the marker (the figures) appeared
    paint_bytes: int  # written until the output settled after the marker
    idle_bytes: int | None  # written during the idle window after that
    idle_seconds: float
    maxrss_kb: int  # the child's peak resident set in KiB: VmHWM, else ru_maxrss (see peak_kb)
    exited: str  # "ok", "status N", "killed"
    total_bytes: int
    tail: bytes = b""  # the last output, to tell what went wrong

    @property
    def ok(self) -> bool:
        return self.ready is not None


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def run_in_pty(argv: list[str], env: dict[str, str], marker: bytes, *, cols: int = 120, rows: int = 40,
               timeout: float = 180.0, idle: float = 0.0, settle: float = 0.4, settle_cap: float = 3.0,
               cwd: str | None = None) -> Run:
    """Run ``argv`` in a ``cols``×``rows`` terminal until ``marker`` appears,
    the output settles and ``idle`` more seconds pass; then Ctrl+Q, and kill
    it if it does not go."""
    env = dict(env, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: only system calls from here on
        try:
            if cwd:
                os.chdir(cwd)
            _set_size(0, cols, rows)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    buf = bytearray()
    first_frame = ready = None
    paint_bytes = 0
    idle_bytes = None
    last_output = started
    idle_from = None
    eof = False
    while True:
        now = time.perf_counter()
        if ready is None and now - started > timeout:
            break
        if ready is not None and idle_from is None and (
                now - last_output >= settle or now - started - ready >= settle_cap):
            paint_bytes = len(buf)
            idle_from = now
        if idle_from is not None and now - idle_from >= idle:
            idle_bytes = len(buf) - paint_bytes
            break
        readable, _w, _x = select.select([fd], [], [], 0.05)
        if not readable:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal (it exited)
            data = b""
        if not data:
            eof = True
            break
        seen = len(buf)
        buf += data
        now = time.perf_counter()
        last_output = now
        if first_frame is None and FRAME_START in buf[max(0, seen - len(FRAME_START)):]:
            first_frame = now - started
        if ready is None and marker in buf[max(0, seen - len(marker)):]:
            ready = now - started
    if ready is not None and idle_from is None:
        paint_bytes = len(buf)
    hwm = None if eof else _vm_hwm(pid)
    status, rusage = _finish(pid, fd, buf, eof)
    return Run(first_frame, ready, paint_bytes or len(buf), idle_bytes, idle, hwm or rusage.ru_maxrss, status,
               len(buf), bytes(buf[-400:]))


def _vm_hwm(pid: int) -> int | None:
    """The peak resident set of the program now running as ``pid``, in KiB.

    Read from /proc before the program quits. ``ru_maxrss`` from wait4 is
    the fallback, but Linux keeps in it the resident set the process had
    before execve, that is the forking parent's (see peak_kb); VmHWM
    belongs to the executed program only.
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_kb() -> int:
    """This process's own peak resident set: an upper bound on what a child
    forked now inherits in its ru_maxrss."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _finish(pid: int, fd: int, buf: bytearray, eof: bool):
    """Ctrl+Q, then SIGTERM, then SIGKILL; returns (how it ended, rusage)."""
    how = None
    if not eof:
        try:
            os.write(fd, QUIT)
        except OSError:
            pass
    for sig, grace in ((None, 5.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        if sig is not None:
            how = "killed"
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.perf_counter() + grace
        while time.perf_counter() < deadline:
            done, status, rusage = os.wait4(pid, os.WNOHANG)
            if done:
                os.close(fd)
                if how is None:
                    how = "ok" if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else f"status {status}"
                return how, rusage
            readable, _w, _x = select.select([fd], [], [], 0.05)
            if readable:
                try:
                    buf += os.read(fd, 65536)
                except OSError:
                    pass
    _done, status, rusage = os.wait4(pid, 0)
    os.close(fd)
    return "killed", rusage


def app_argv(db: Path) -> list[str]:
    from bench.data import branchtui_command

    return [*branchtui_command(), "--db", str(db)]


def bare_argv() -> list[str]:
    return [sys.executable, str(BARE_APP)]
