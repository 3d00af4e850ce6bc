"""The event queue: order, ties, cancellation and the foreground count that ends a run."""

from __future__ import annotations

import pytest

from kafkaretry.sim.clock import EventQueue


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
