"""Partition leadership as clients see it: the brokers' metadata caches and the producer's view.

Clients never ask a controller (KAFKA.md §3.4, §7): the producer sends a MetadataRequest to
a broker, which answers from its own metadata cache. `BrokerMetadataCache` is that cache as
a pluggable source: `StaticMetadataCache` serves the scenario's topology as it starts; the
KRaft control plane replaces it with per-broker caches replicated from the metadata log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kafkaretry.topology import Topology


@dataclass(frozen=True, slots=True)
class PartitionMetadata:
    partition: int
    leader: int  # -1: LEADER_NOT_AVAILABLE
    leader_epoch: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


class BrokerMetadataCache(Protocol):
    """What broker `broker` answers to a MetadataRequest (KRaftMetadataCache.getTopicMetadata)."""

    def topic_metadata(self, broker: int, topic: str) -> tuple[PartitionMetadata, ...]: ...

    def alive_brokers(self, broker: int) -> tuple[int, ...]: ...


class StaticMetadataCache:
    """Every broker knows the topology's leaders at leader epoch 0 and never learns more."""

    __slots__ = ("_brokers", "_topics")

    def __init__(self, topology: Topology) -> None:
        self._brokers = topology.brokers
        self._topics = {
            t.name: tuple(
                PartitionMetadata(p.id, p.leader, 0, p.replicas, p.isr) for p in t.partitions
            )
            for t in topology.topics
        }

    def topic_metadata(self, broker: int, topic: str) -> tuple[PartitionMetadata, ...]:
        return self._topics.get(topic, ())

    def alive_brokers(self, broker: int) -> tuple[int, ...]:
        return self._brokers


class ProducerMetadata:
    """The producer's own copy (clients' Metadata): leader and epoch per partition.

    A response whose leader epoch is older than one already seen is ignored
    (Metadata.updateLatestMetadata), protecting against a lagging broker's stale cache.
    """

    __slots__ = (
        "allowed_at_ms",
        "brokers",
        "equivalent_responses",
        "failed_attempts",
        "last_refresh_ms",
        "leaders",
        "partition_counts",
        "update_requested",
    )

    def __init__(self, bootstrap: tuple[int, ...]) -> None:
        self.brokers = bootstrap  # bootstrap.servers until the first response
        self.leaders: dict[tuple[str, int], tuple[int, int]] = {}
        self.partition_counts: dict[str, int] = {}
        self.update_requested = True  # nothing known yet
        self.last_refresh_ms = -1
        # Metadata.timeToAllowUpdate (KIP-580): refreshes back off exponentially after failed
        # attempts and after consecutive responses that bring no newer leader epoch.
        self.failed_attempts = 0
        self.equivalent_responses = 0
        self.allowed_at_ms = 0

    def leader_for(self, topic: str, partition: int) -> int:
        entry = self.leaders.get((topic, partition))
        return -1 if entry is None else entry[0]

    def update_leader(self, topic: str, partition: int, leader: int, leader_epoch: int) -> bool:
        """KIP-951's CurrentLeader: taken only if its leader epoch is newer than the one known."""
        seen = self.leaders.get((topic, partition))
        if seen is not None and leader_epoch <= seen[1]:
            return False
        self.leaders[topic, partition] = (leader, leader_epoch)
        return True

    def update(self, topic: str, partitions: tuple[PartitionMetadata, ...]) -> bool:
        """Apply one topic's metadata; True if any leader epoch is new or moved forward."""
        newer = False
        self.partition_counts[topic] = len(partitions)
        for p in partitions:
            key = (topic, p.partition)
            seen = self.leaders.get(key)
            if seen is not None and p.leader_epoch < seen[1]:
                continue  # stale: an older epoch than we already know
            newer = newer or seen is None or p.leader_epoch > seen[1]
            self.leaders[key] = (p.leader, p.leader_epoch)
        return newer
