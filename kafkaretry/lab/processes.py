"""Every process a lab run starts, and the guarantee that none outlives it.

Each child starts in its own session (`start_new_session`), so a signal to its process group
reaches the JVM and anything it forked, and the terminal's Ctrl-C reaches only kafkaretry,
which then ends them in order. `ProcessGroup` is a context manager: leaving it by any path
(success, an exception, KeyboardInterrupt, SIGTERM) kills what is still running and waits for
it, so no process or port survives the run.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

# Below Linux's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by default): a port
# the kernel hands to some outgoing connection between our check and the JVM's bind() would
# make that node exit with "Address already in use".
PORT_RANGE = (20000, 32000)
_ports = random.Random()  # real runs only: which free ports they use does not matter


def free_port(taken: set[int] | None = None) -> int:
    """A TCP port on 127.0.0.1 that nothing is bound to right now, outside the ephemeral range,
    and not in `taken` (which it joins): a plan's ports must all differ before any is bound."""
    while True:
        port = _ports.randrange(*PORT_RANGE)
        if taken is not None and port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            if taken is not None:
                taken.add(port)
            return port


@dataclass
class Child:
    name: str
    popen: subprocess.Popen[Any]
    log: Path | None

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the child's whole process group (no-op once it has exited)."""
        if self.alive():
            with suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)


@dataclass
class ProcessGroup:
    children: list[Child] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(
        self,
        name: str,
        argv: list[str],
        *,
        log: Path | None,
        cwd: Path | None = None,
        stdin: int | None = subprocess.DEVNULL,
        stdout: int | IO[Any] | None = None,
        text: bool = False,
    ) -> Child:
        """Start `argv` in a new session; stderr (and stdout, unless given) go to `log`."""
        sink = (log or Path(os.devnull)).open("ab")
        try:
            popen = subprocess.Popen(
                argv,
                cwd=cwd,
                stdin=stdin,
                stdout=sink if stdout is None else stdout,
                stderr=sink,
                start_new_session=True,
                text=text,
            )
        finally:
            sink.close()
        child = Child(name, popen, log)
        with self._lock:
            self.children.append(child)
        return child

    def kill_all(self) -> None:
        """SIGKILL every child still running (SIGCONT first, so a paused one can die) and reap."""
        with self._lock:
            children = list(self.children)
        for child in children:
            child.signal(signal.SIGCONT)
            child.signal(signal.SIGKILL)
        for child in children:
            with suppress(subprocess.TimeoutExpired):  # SIGKILL cannot be ignored: rare
                child.popen.wait(timeout=10)
            for stream in (child.popen.stdin, child.popen.stdout):
                if stream is not None:
                    stream.close()

    def pids(self) -> list[int]:
        with self._lock:
            return [c.pid for c in self.children]


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def owned_processes() -> Iterator[ProcessGroup]:
    """A ProcessGroup whose children all die when the block is left, however it is left.

    SIGTERM is turned into KeyboardInterrupt for the block's duration (main thread only), so
    `kill <kafkaretry>` cleans up as Ctrl-C does.
    """
    group = ProcessGroup()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield group
    finally:
        group.kill_all()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def wait_until(check: Any, *, timeout_s: float, interval_s: float = 0.1) -> bool:
    """Poll `check()` until it is truthy or `timeout_s` passes; whether it became truthy."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval_s)
    return bool(check())
