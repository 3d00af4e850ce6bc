"""Events of the replicas' health: slowed fetches, the ISR upkeep and writes refused below
min.insync.replicas (broker/isr.py, broker/replica_manager.py, faults/network_faults.py).

Part of the run's TraceEvent union (sim/events.py re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReplicaFetchesDelayed:
    """slow-broker: its replica fetches reach their leaders `delay_ms` late (0: no longer)."""

    broker: int
    delay_ms: int
    until_ms: int | None  # None: to the end of the run, or now back to normal (delay_ms 0)


@dataclass(frozen=True, slots=True)
class NotEnoughReplicas:
    """acks=all and the ISR is below min.insync.replicas: refused before any append."""

    broker: int
    topic: str
    partition: int
    batch: int
    isr: tuple[int, ...]
    min_insync_replicas: int  # min(min.insync.replicas, replication factor)


@dataclass(frozen=True, slots=True)
class AlterPartitionSent:
    """A leader asks the active controller to change the ISR (Partition.submitAlterPartition)."""

    broker: int  # the leader
    topic: str
    partition: int
    isr: tuple[int, ...]
    proposed: tuple[int, ...]
    out_of_sync: tuple[int, ...]  # removed: not caught up for replica.lag.time.max.ms
    last_caught_up_ms: tuple[int, ...]  # for each removed follower (lastCaughtUpTimeMs)


@dataclass(frozen=True, slots=True)
class LeaderIsrUpdated:
    """The controller committed the leader's AlterPartition: the leader uses the new ISR."""

    broker: int
    topic: str
    partition: int
    isr: tuple[int, ...]
