"""Frozen views of the cluster at one moment, for renderers and queries."""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim.netclient import ProducerNetworkClient
from kafkaretry.sim.network import Nodes
from kafkaretry.sim.replication import ReplicaManager
from kafkaretry.sim.state import LogEntry


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

    def replica(self, broker: int, topic: str, partition: int) -> ReplicaView | None:
        for b in self.brokers:
            if b.id == broker:
                for r in b.replicas:
                    if r.topic == topic and r.partition == partition:
                        return r
        return None

    def leader_replica(self, topic: str, partition: int) -> ReplicaView | None:
        for b in self.brokers:
            for r in b.replicas:
                if r.topic == topic and r.partition == partition and r.is_leader:
                    return r
        return None


def take_snapshot(
    at_ms: int,
    brokers: tuple[int, ...],
    nodes: Nodes,
    replication: ReplicaManager,
    client: ProducerNetworkClient,
) -> ClusterSnapshot:
    views = []
    for broker in brokers:
        replicas = tuple(
            ReplicaView(
                r.broker,
                r.topic,
                r.partition,
                r.leader,
                r.leader_epoch,
                r.isr,
                r.high_watermark,
                tuple(r.log),
            )
            for (b, _, _), r in sorted(replication.replicas.items())
            if b == broker
        )
        views.append(BrokerView(broker, nodes.is_alive(broker), replicas))
    leaders = tuple(
        (topic, partition, leader, epoch)
        for (topic, partition), (leader, epoch) in sorted(client.metadata.leaders.items())
    )
    return ClusterSnapshot(at_ms, tuple(views), leaders)
