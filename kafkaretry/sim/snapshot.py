"""Frozen views of the cluster at one moment, for renderers and queries."""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim.broker.partition import LogEntry
from kafkaretry.sim.kraft.views import KRaftSnapshot


@dataclass(frozen=True, slots=True)
class ReplicaView:
    broker: int
    topic: str
    partition: int
    leader: int
    leader_epoch: int
    isr: tuple[int, ...]
    high_watermark: int
    log: tuple[LogEntry, ...]

    @property
    def is_leader(self) -> bool:
        return self.leader == self.broker

    @property
    def log_end_offset(self) -> int:
        return len(self.log)


@dataclass(frozen=True, slots=True)
class BrokerView:
    id: int
    alive: bool
    replicas: tuple[ReplicaView, ...]


@dataclass(frozen=True, slots=True)
class ClusterSnapshot:
    at_ms: int
    brokers: tuple[BrokerView, ...]
    producer_leaders: tuple[tuple[str, int, int, int], ...]  # (topic, partition, leader, epoch)
    control: KRaftSnapshot | None = None  # controllers, fencing, committed partition metadata

    def producer_leader(self, topic: str, partition: int) -> tuple[int, int] | None:
        """(leader, leader epoch) of a partition as the producer's metadata has it."""
        for t, p, leader, epoch in self.producer_leaders:
            if (t, p) == (topic, partition):
                return leader, epoch
        return None

    def replica(self, broker: int, topic: str, partition: int) -> ReplicaView | None:
        for b in self.brokers:
            if b.id == broker:
                for r in b.replicas:
                    if r.topic == topic and r.partition == partition:
                        return r
        return None

    def leader_replica(self, topic: str, partition: int) -> ReplicaView | None:
        """The live leader with the newest leader epoch (a crashed one still thinks it leads)."""
        leaders = [
            r
            for b in self.brokers
            if b.alive
            for r in b.replicas
            if r.topic == topic and r.partition == partition and r.is_leader
        ]
        return max(leaders, key=lambda r: r.leader_epoch, default=None)
