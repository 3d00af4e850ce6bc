"""The event queue: order, ties, cancellation and the foreground count that ends a run."""

from __future__ import annotations

from functools import partial

import pytest

from kafkaretry.sim.engine.clock import EventQueue


def test_pops_in_time_then_scheduling_order() -> None:
    q = EventQueue()
    seen: list[str] = []
    q.at(5, lambda: seen.append("b"))
    q.at(1, lambda: seen.append("a"))
    q.at(5, lambda: seen.append("c"))
    while (timer := q.pop()) is not None:
        timer.action()
    assert seen == ["a", "b", "c"]
    assert q.now_ms == 5


def test_cancelled_and_background_timers_do_not_count_as_work() -> None:
    q = EventQueue()
    t = q.after(10, lambda: None)
    q.after(20, lambda: None, background=True)
    assert q.foreground == 1
    t.cancel()
    t.cancel()
    assert q.foreground == 0
    assert q.peek() == 20


def test_cannot_schedule_in_the_past() -> None:
    q = EventQueue()
    q.at(10, lambda: None)
    q.pop()
    with pytest.raises(ValueError, match="clock is at 10 ms"):
        q.at(3, lambda: None)


def test_uncancellable_entries_count_as_work_and_pop_as_timers() -> None:
    q = EventQueue()
    seen: list[int] = []
    q.call_at(3, lambda: seen.append(3))
    q.call_after(1, lambda: seen.append(1))
    assert q.foreground == 2
    timer = q.pop()
    assert timer is not None
    assert timer.at_ms == 1
    timer.action()
    timer.cancel()  # already popped: cancelling it changes nothing
    assert q.foreground == 1
    assert q.run_next()
    assert seen == [1, 3]
    assert q.foreground == 0
    assert not q.run_next()


def test_dropping_cancelled_timers_keeps_the_order_of_the_rest() -> None:
    q = EventQueue()
    seen: list[int] = []
    timers = [q.after(i % 50, partial(seen.append, i)) for i in range(2000)]
    for timer in timers[::3] + timers[1::3]:
        timer.cancel()
    assert len(q) < 2000  # dead entries were dropped once they outnumbered live ones
    assert q.foreground == len(timers[2::3])
    while q.run_next():
        pass
    expected = sorted(range(2, 2000, 3), key=lambda i: (i % 50, i))
    assert seen == expected
