"""Left-overs of a lab run whose kafkaretry was killed outright (SIGKILL cannot be caught).

Each run directory holds `owner.pid`, the pid of the kafkaretry that made it. Before a run
starts, every `kafkaretry-lab-*` directory in the temp dir whose owner is gone is cleared: the
processes whose command line names that directory (the nodes, the Admin, the producer) are
killed, and the directory removed. Process lookup reads /proc (Linux); elsewhere the
directories are still removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

PREFIX = "kafkaretry-lab-"
OWNER = "owner.pid"


def claim(run_dir: Path) -> None:
    (run_dir / OWNER).write_text(str(os.getpid()), encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _orphaned(run_dir: Path) -> bool:
    try:
        pid = int((run_dir / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # being created right now, or not ours
    return pid != os.getpid() and not _alive(pid)


def _pids_naming(text: str) -> list[int]:
    proc = Path("/proc")
    found = []
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace"
            ):
                found.append(int(entry.name))
    return found


def reap(root: Path | None = None) -> list[Path]:
    """Clear orphaned run directories under `root` (the temp dir); the ones cleared."""
    base = root or Path(tempfile.gettempdir())
    cleared = []
    for run_dir in sorted(base.glob(f"{PREFIX}*")):
        if not run_dir.is_dir() or not _orphaned(run_dir):
            continue
        for pid in _pids_naming(str(run_dir)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(run_dir, ignore_errors=True)
        cleared.append(run_dir)
    return cleared
