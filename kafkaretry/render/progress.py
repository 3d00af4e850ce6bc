"""A progress bar on stderr that appears only when reading a keys file takes a while."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

SHOW_AFTER_S = 0.5  # quick files finish without a flash of progress bar


class LazyProgress:
    """Callable as `progress(done_bytes, total_bytes)`; silent when stderr is not a terminal."""

    def __init__(self, label: str, *, counts_bytes: bool = True) -> None:
        self._label = label
        self._bytes = counts_bytes  # False: counts items (e.g. runs of a sweep) as "n/total"
        # Checked before anything is imported: rich.progress costs ~50 ms of start-up, which
        # a piped or --json run (the common scripted case) must not pay for.
        self._enabled = sys.stderr.isatty()
        self._started = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int | None) -> None:
        if self._bar is None:
            if not self._enabled or time.monotonic() - self._started < SHOW_AFTER_S:
                return
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                MofNCompleteColumn,
                Progress,
                TimeElapsedColumn,
            )

            from kafkaretry.render.console import make_console

            self._bar = Progress(
                "{task.description}",
                BarColumn(),
                DownloadColumn() if self._bytes else MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=make_console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        assert self._task is not None
        self._bar.update(self._task, completed=done)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
