"""Simulated time: a heap of (at_ms, seq, action), integer milliseconds only.

Modelled on SimPy's Environment.schedule/step (a monotonically increasing `seq` breaks ties,
so equal-time actions run in scheduling order and payloads are never compared). The
sequence counter belongs to the queue, never to the module, so two simulations in one
process cannot influence each other. Plain tuples keep the loop ~3x faster than
`dataclass(order=True)` entries (PERF-NOTES.md §3).

Two kinds of entry share the heap. `call_at`/`call_after` push the bare callable: most
actions (a message arriving, the next send()) are never cancelled, so they need no handle.
`at`/`after` wrap the action in a `Timer` that can be cancelled; a cancelled timer stays in
the heap until popped, but once dead entries outnumber live ones the heap is rebuilt
without them. Every (at_ms, seq) key is unique, so the rebuilt heap pops in exactly the
same order; it only stays small, which is what keeps pops cheap (PERF-NOTES.md §3: a pop
costs 3x more in a heap of 1M than in one of 100k) and the garbage collector's work light.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import NewType

Millis = NewType("Millis", int)

Action = Callable[[], None]

# Rebuilding costs a pass over the heap: only worth it once this many entries are dead.
_COMPACT_MIN_DEAD = 256


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
            self.cancelled = True  # popped timers are marked too, so this one is in the heap
            queue = self._queue
            if not self.background:
                queue.foreground -= 1
            queue._dead += 1
            if queue._dead >= _COMPACT_MIN_DEAD and 2 * queue._dead > len(queue._heap):
                queue._compact()


Entry = tuple[int, int, Timer | Action]


class EventQueue:
    """The simulation clock: schedule actions at absolute or relative times, pop in order."""

    __slots__ = ("_dead", "_heap", "_now_ms", "_seq", "foreground")

    def __init__(self) -> None:
        self._heap: list[Entry] = []
        self._seq = itertools.count()
        self._now_ms = 0
        self._dead = 0  # cancelled timers still in the heap
        # Live entries that are not background chores (heartbeats, idle long-polls): a run
        # is over when none are left, even if periodic background work would go on forever.
        self.foreground = 0

    @property
    def now_ms(self) -> int:
        return self._now_ms

    def at(self, at_ms: int, action: Action, *, background: bool = False) -> Timer:
        """Run `action` at simulated time `at_ms` (never earlier than now); cancellable."""
        if at_ms < self._now_ms:
            raise ValueError(f"cannot schedule at {at_ms} ms: the clock is at {self._now_ms} ms")
        timer = Timer(self, at_ms, action, background)
        heapq.heappush(self._heap, (at_ms, next(self._seq), timer))
        if not background:
            self.foreground += 1
        return timer

    def after(self, delay_ms: int, action: Action, *, background: bool = False) -> Timer:
        """Run `action` `delay_ms` after now; cancellable."""
        return self.at(self._now_ms + delay_ms, action, background=background)

    def call_at(self, at_ms: int, action: Action) -> None:
        """Run `action` at `at_ms`, for good: no handle, so nothing to allocate but the entry."""
        if at_ms < self._now_ms:
            raise ValueError(f"cannot schedule at {at_ms} ms: the clock is at {self._now_ms} ms")
        heapq.heappush(self._heap, (at_ms, next(self._seq), action))
        self.foreground += 1

    def call_after(self, delay_ms: int, action: Action) -> None:
        """Run `action` `delay_ms` after now, for good (delays are never negative)."""
        heapq.heappush(self._heap, (self._now_ms + delay_ms, next(self._seq), action))
        self.foreground += 1

    def peek(self) -> int | None:
        """Time of the next live action, or None when nothing is pending."""
        heap = self._heap
        while heap:
            head = heap[0][2]
            if not (isinstance(head, Timer) and head.cancelled):
                return heap[0][0]
            heapq.heappop(heap)
            self._dead -= 1
        return None

    def pop(self) -> Timer | None:
        """Advance the clock to the next live action and return it (without running it)."""
        heap = self._heap
        while heap:
            at_ms, _, entry = heapq.heappop(heap)
            if isinstance(entry, Timer):
                if entry.cancelled:
                    self._dead -= 1
                    continue
                entry.cancelled = True  # popped: a late cancel() must not count it twice
            else:
                entry = Timer(self, at_ms, entry, False)
                entry.cancelled = True
            self._now_ms = at_ms
            if not entry.background:
                self.foreground -= 1
            return entry
        return None

    def run_next(self) -> bool:
        """Advance to the next live action and run it; False when nothing is pending.

        The same as `pop().action()` without building a handle for uncancellable entries:
        this is the loop every run goes through once per action.
        """
        heap = self._heap
        pop = heapq.heappop
        while heap:
            at_ms, _, entry = pop(heap)
            if isinstance(entry, Timer):
                if entry.cancelled:
                    self._dead -= 1
                    continue
                entry.cancelled = True
                if not entry.background:
                    self.foreground -= 1
                self._now_ms = at_ms
                entry.action()
                return True
            self.foreground -= 1
            self._now_ms = at_ms
            entry()
            return True
        return False

    def _compact(self) -> None:
        # Keys are unique, so dropping dead entries cannot change the order of the others.
        live = [e for e in self._heap if not (isinstance(e[2], Timer) and e[2].cancelled)]
        heapq.heapify(live)
        self._heap[:] = live
        self._dead = 0

    def __len__(self) -> int:
        return len(self._heap)
