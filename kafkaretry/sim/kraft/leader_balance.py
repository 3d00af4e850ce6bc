"""The active controller's periodic preferred-leader election (auto leader rebalance, Kafka 4.1).

Rule 1 (ControllerServer, QuorumController.registerElectPreferred): with
        auto.leader.rebalance.enable=true (the default) the active controller runs a
        PeriodicTask "electPreferred" every leader.imbalance.check.interval.seconds (300 s);
        with false the task does not exist and a moved leadership stays where it went.
Rule 2 (ReplicationControlManager.maybeBalancePartitionLeaders): a run gives every imbalanced
        partition (leader other than its first assigned replica) back to that replica if it
        is in the ISR and active (PartitionChangeBuilder.electPreferredLeader), up to 1,000
        elections a run. In KRaft nothing else gates it: leader.imbalance.per.broker.percentage
        was a ZooKeeper-controller setting and is gone in 4.x (docs/getting-started/zk2kraft.md).
Rule 3: like every periodic task it starts one period after a controller becomes active
        (PeriodicTaskControlManager.activate); the controller active before the run started
        has a phase drawn from the seed. Runs that would elect nothing are not scheduled.
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft import shutdown_events as sev
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.metadata import (
    PartitionChangeRecord,
    preferred_electable,
    preferred_leader_records,
)
from kafkaretry.sim.kraft.periodic import PeriodicTask
from kafkaretry.sim.settings import ClusterSettings


class PeriodicLeaderBalance(PeriodicTask):
    """The electPreferred task of whichever controller is active."""

    def __init__(
        self,
        config: ClusterSettings,
        queue: EventQueue,
        emit: Callable[[ev.KRaftEvent], None],
        log: MetadataLog,
    ) -> None:
        self._queue, self._emit, self._log = queue, emit, log
        self.enabled = config.auto_leader_rebalance_enable
        self.period_ms = config.leader_imbalance_check_interval_seconds * 1000

    def activate(self, first_run_ms: int) -> None:
        if self.enabled:  # Rule 1: without the setting the task does not exist
            super().activate(first_run_ms)

    def reschedule(self) -> None:
        """Schedule the next run if it would elect a preferred leader (Rule 3)."""
        if self._next_run_ms is None:
            return
        image = self._log.image
        if not any(preferred_electable(image, v) for v in image.sorted_partitions()):
            self._cancel()
            return
        now = self._queue.now_ms
        runs = max(0, -(-(now - self._next_run_ms) // self.period_ms))
        due = self._next_run_ms + runs * self.period_ms
        if self._timer is None or self._timer.at_ms != due:
            self._cancel()
            self._timer = self._queue.at(due, self._run)

    def _run(self) -> None:
        """maybeBalancePartitionLeaders (Rule 2)."""
        self._timer = None
        now = self._queue.now_ms
        records = preferred_leader_records(self._log.image)
        if records:
            elected = tuple(
                (r.topic, r.partition, r.leader)
                for r in records
                if isinstance(r, PartitionChangeRecord) and r.leader is not None
            )
            self._emit(sev.LeaderImbalanceChecked(now, self.period_ms, elected))
            self._log.write(records)
        self._next_run_ms = now + self.period_ms
        self.reschedule()
