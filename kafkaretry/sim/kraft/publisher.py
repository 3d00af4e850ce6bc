"""The KRaft control plane inside a run: what clients see of it, and how it moves leaders.

Rule 1: clients never ask a controller. A broker answers a MetadataRequest from its own
        metadata cache, which lags the controller's log (KRaftMetadataCache, KAFKA.md §3.4).
Rule 2: a broker acts on a leadership change when it applies the metadata record
        (ReplicaManager.applyDelta). The data plane here holds one leadership per partition,
        so it switches when the new leader itself applies the change, or, for a partition
        left without a leader, when the first broker learns that.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kafkaretry.sim.client.metadata import BrokerMetadataCache, PartitionMetadata
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.events import Emit
from kafkaretry.sim.kraft.control_plane import KRaftControlPlane
from kafkaretry.sim.kraft.views import NO_LEADER, PartitionView
from kafkaretry.sim.settings import ClusterSettings
from kafkaretry.topology import Topology


class KRaftMetadataSource:
    """Each broker's answer to a MetadataRequest, from that broker's own cache."""

    __slots__ = ("_any_topic", "_kraft")

    def __init__(self, kraft: KRaftControlPlane, any_topic: str) -> None:
        self._kraft = kraft
        self._any_topic = any_topic

    def topic_metadata(self, broker: int, topic: str) -> tuple[PartitionMetadata, ...]:
        view = self._kraft.broker_metadata(broker, topic)
        return tuple(
            PartitionMetadata(p.partition, p.leader, p.leader_epoch, p.replicas, p.isr)
            for p in view.partitions
        )

    def alive_brokers(self, broker: int) -> tuple[int, ...]:
        # MetadataResponse lists only unfenced brokers (KRaftMetadataCache.getAliveBrokerNodes).
        return self._kraft.broker_metadata(broker, self._any_topic).brokers


# ReplicaManager.applyDelta's effect on the data plane: (topic, partition, leader, epoch, ISR).
ApplyLeadership = Callable[[str, int, int, int, tuple[int, ...]], None]


def attach_control_plane(
    topology: Topology,
    cluster: ClusterSettings,
    context: tuple[EventQueue, random.Random, Emit],
    latency_ms: int,
    apply_leadership: ApplyLeadership,
    set_metadata_source: Callable[[BrokerMetadataCache], None],
) -> KRaftControlPlane:
    """Build the control plane on the run's clock and wire it to the data plane and clients.

    `context` is the run's clock, this component's own random stream and the event sink;
    `apply_leadership` moves a partition's leadership on the brokers, and
    `set_metadata_source` makes brokers answer MetadataRequests from their KRaft caches.
    """
    queue, rng, emit = context
    kraft = KRaftControlPlane(topology, cluster, queue, rng, emit, network_delay_ms=latency_ms)
    applied: dict[tuple[str, int], tuple[int, int, tuple[int, ...]]] = {}

    def on_applied(broker: int, topic: str, partition: int, view: PartitionView) -> None:
        state = (view.leader, view.leader_epoch, view.isr)
        if applied.get((topic, partition)) == state:
            return
        if view.leader in (broker, NO_LEADER):
            applied[topic, partition] = state
            apply_leadership(topic, partition, view.leader, view.leader_epoch, view.isr)

    kraft.subscribe(on_applied)
    set_metadata_source(KRaftMetadataSource(kraft, topology.topics[0].name))
    kraft.start()
    return kraft
