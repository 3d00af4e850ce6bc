"""Simulated time: a heap of (at_ms, seq, action), integer milliseconds only.

Modelled on SimPy's Environment.schedule/step (a monotonically increasing `seq` breaks ties,
so equal-time actions run in scheduling order and payloads are never compared). The
sequence counter belongs to the queue, never to the module, so two simulations in one
process cannot influence each other. Plain tuples keep the loop ~3x faster than
`dataclass(order=True)` entries (PERF-NOTES.md §3).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import NewType

Millis = NewType("Millis", int)

Action = Callable[[], None]


class Timer:
    """A scheduled action that can be cancelled (cancelled entries are skipped when popped)."""

    __slots__ = ("_queue", "action", "at_ms", "background", "cancelled")

    def __init__(self, queue: EventQueue, at_ms: int, action: Action, background: bool) -> None:
        self._queue = queue
        self.at_ms = at_ms
        self.action = action
        self.background = background
        self.cancelled = False

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            if not self.background:
                self._queue.foreground -= 1


class EventQueue:
    """The simulation clock: schedule actions at absolute or relative times, pop in order."""

    __slots__ = ("_heap", "_now_ms", "_seq", "foreground")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Timer]] = []
        self._seq = itertools.count()
        self._now_ms = 0
        # Live entries that are not background chores (heartbeats, idle long-polls): a run
        # is over when none are left, even if periodic background work would go on forever.
        self.foreground = 0

    @property
    def now_ms(self) -> int:
        return self._now_ms

    def at(self, at_ms: int, action: Action, *, background: bool = False) -> Timer:
        """Run `action` at simulated time `at_ms` (never earlier than now)."""
        if at_ms < self._now_ms:
            raise ValueError(f"cannot schedule at {at_ms} ms: the clock is at {self._now_ms} ms")
        timer = Timer(self, at_ms, action, background)
        heapq.heappush(self._heap, (at_ms, next(self._seq), timer))
        if not background:
            self.foreground += 1
        return timer

    def after(self, delay_ms: int, action: Action, *, background: bool = False) -> Timer:
        """Run `action` `delay_ms` after now."""
        return self.at(self._now_ms + delay_ms, action, background=background)

    def peek(self) -> int | None:
        """Time of the next live action, or None when nothing is pending."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def pop(self) -> Timer | None:
        """Advance the clock to the next live action and return it (without running it)."""
        heap = self._heap
        while heap:
            at_ms, _, timer = heapq.heappop(heap)
            if not timer.cancelled:
                self._now_ms = at_ms
                timer.cancelled = True  # popped: a late cancel() must not count it twice
                if not timer.background:
                    self.foreground -= 1
                return timer
        return None

    def __len__(self) -> int:
        return len(self._heap)
