"""The active controller's periodic check for expired broker sessions (Kafka 4.1).

Rule 1 (KAFKA-17793, in 4.0): fencing is a PeriodicTask, "maybeFenceStaleBroker", that runs
        every max(1 ms, broker.session.timeout.ms / 8) (QuorumController
        .maybeFenceStaleBrokerPeriodNs: 1,125 ms by default), so a broker is fenced 0 to 1/8
        of a session after its session expires, not at the very moment.
Rule 2: the periodic tasks start when a controller becomes active, one period after it
        (PeriodicTaskControlManager.activate); the controller already active before the run
        started has a phase drawn from the seed.
Rule 3: a run fences one expired broker (ReplicationControlManager.maybeFenceOneStaleBroker)
        and, when it did, runs again 10 ms later (PeriodicTask.DEFAULT_IMMEDIATE_PERIOD_NS);
        otherwise one period later. Kafka takes the first expired session in its tracker's
        map order; kafkaretry takes the lowest broker id.
Rule 4: a session has expired once lastContact + broker.session.timeout.ms has passed
        (BrokerHeartbeatTracker: contact + timeout < now, in ns). In whole ms kafkaretry counts
        equality as expired: a new controller stamps the sessions microseconds before it
        starts its periodic tasks, so its 8th check finds them just expired.
Runs that would find nothing are not scheduled: the next run is computed from the period.
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.metadata import fence_records
from kafkaretry.sim.kraft.periodic import PeriodicTask
from kafkaretry.sim.settings import ClusterSettings

IMMEDIATE_PERIOD_MS = 10  # PeriodicTask.DEFAULT_IMMEDIATE_PERIOD_NS


def fence_check_period_ms(session_timeout_ms: int) -> int:
    """QuorumController.maybeFenceStaleBrokerPeriodNs: max(1 ms, session timeout / 8)."""
    return max(1, session_timeout_ms // 8)


class PeriodicFenceCheck(PeriodicTask):
    """The maybeFenceStaleBroker task of whichever controller is active."""

    def __init__(
        self,
        config: ClusterSettings,
        queue: EventQueue,
        emit: Callable[[ev.KRaftEvent], None],
        brokers: dict[int, BrokerState],
        log: MetadataLog,
        unclean: Callable[[str], bool],
    ) -> None:
        self._config, self._queue, self._emit = config, queue, emit
        self._brokers, self._log, self._unclean = brokers, log, unclean
        self.period_ms = fence_check_period_ms(config.broker_session_timeout_ms)

    def reschedule(self) -> None:
        """Schedule the first run that will find an expired session, if any will."""
        self._cancel()
        if self._next_run_ms is None:
            return
        deadlines = [d for _, d in self.session_deadlines()]
        if not deadlines:
            return
        due = max(min(deadlines), self._queue.now_ms)
        first = self._next_run_ms
        runs = max(0, -(-(due - first) // self.period_ms))  # idle runs fence nothing
        self._timer = self._queue.at(first + runs * self.period_ms, self._run)

    def session_deadlines(self) -> list[tuple[int, int]]:
        """(broker, lastContact + timeout) of unfenced brokers that no longer heartbeat."""
        interval = self._config.broker_heartbeat_interval_ms
        timeout = self._config.broker_session_timeout_ms
        now = self._queue.now_ms
        return [
            (b.id, b.last_contact_ms(now, interval) + timeout)
            for b in self._brokers.values()
            if self._log.image.is_unfenced(b.id) and b.silent()
        ]

    def _run(self) -> None:
        """ReplicationControlManager.maybeFenceOneStaleBroker (Rule 3)."""
        self._timer = None
        now = self._queue.now_ms
        expired = sorted(b for b, d in self.session_deadlines() if d <= now)
        if expired:
            broker_id = expired[0]
            timeout = self._config.broker_session_timeout_ms
            deadline = dict(self.session_deadlines())[broker_id]
            self._emit(
                ev.BrokerSessionExpired(now, broker_id, deadline - timeout, timeout, self.period_ms)
            )
            records = fence_records(self._log.image, broker_id, self._unclean)
            first = self._log.write(records)
            self._emit(ev.BrokerFenced(now, broker_id, first + len(records) - 1))
        self._next_run_ms = now + (IMMEDIATE_PERIOD_MS if expired else self.period_ms)
        self.reschedule()
