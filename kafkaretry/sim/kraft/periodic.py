"""What the active controller's periodic tasks share (PeriodicTaskControlManager, Kafka 4.1).

A task runs only while its controller is active: `activate` gives its first run (one period
after activation, or a seeded phase for the controller active before the run started),
`deactivate` stops it when the controller resigns or dies. Each task decides in
`reschedule` whether its next run would do anything; idle runs are not scheduled.
"""

from __future__ import annotations

from kafkaretry.sim.engine.clock import Timer


class PeriodicTask:
    """The timer and next-run time of one periodic task of the active controller."""

    _next_run_ms: int | None = None  # None while no controller runs the task
    _timer: Timer | None = None

    def activate(self, first_run_ms: int) -> None:
        self._next_run_ms = first_run_ms
        self.reschedule()

    def deactivate(self) -> None:
        self._next_run_ms = None
        self._cancel()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def reschedule(self) -> None:
        raise NotImplementedError
