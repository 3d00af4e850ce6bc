"""The KRaft control plane inside a run: what clients see of it, and how it moves leaders.

Rule 1: clients never ask a controller. A broker answers a MetadataRequest from its own
        metadata cache, which lags the controller's log (KRaftMetadataCache, KAFKA.md §3.4).
Rule 2: a broker acts on a leadership change when it applies the metadata record
        (ReplicaManager.applyDelta). The data plane here holds one leadership per partition,
        so it switches when the new leader itself applies the change, or, for a partition
        left without a leader, when the first broker learns that.
Rule 3: a restarted broker's replicas take the state its own metadata gives them once it has
        caught up (BrokerMetadataPublisher), and it accepts clients only once unfenced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Protocol

from kafkaretry.sim.client.metadata import BrokerMetadataCache, PartitionMetadata
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.events import Emit
from kafkaretry.sim.kraft.control_plane import KRaftControlPlane, PartitionState
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


class DataPlane(Protocol):
    """The brokers' replicas as the control plane drives them (ReplicaManager)."""

    def apply_partition_leadership(
        self, topic: str, partition: int, leader: int, leader_epoch: int, isr: tuple[int, ...]
    ) -> None: ...

    def rejoin(self, broker: int, states: list[PartitionState]) -> None: ...

    def recheck_isr(self, leader_broker: int) -> None: ...

    def begin_controlled_shutdown(self, broker: int) -> None: ...

    def wire_isr(
        self,
        eligible: Callable[[int, int], bool],
        alter: Callable[
            [int, str, int, int, tuple[int, ...], Callable[[tuple[int, ...] | None], None]], None
        ],
    ) -> None: ...


class Listeners(Protocol):
    def set_listening(self, node: int, listening: bool) -> None: ...


def attach_control_plane(
    topology: Topology,
    cluster: ClusterSettings,
    context: tuple[EventQueue, random.Random, Emit],
    latency_ms: int,
    data_plane: DataPlane,
    set_metadata_source: Callable[[BrokerMetadataCache], None],
    listeners: Listeners,
) -> KRaftControlPlane:
    """Build the control plane on the run's clock and wire it to the data plane and clients.

    `context` is the run's clock, this component's own random stream and the event sink;
    `data_plane` moves a partition's leadership on the brokers (Rule 2), lets a restarted
    broker rejoin (Rule 3) and asks the controller to grow an ISR; `set_metadata_source` makes
    brokers answer MetadataRequests from their KRaft caches; `listeners` opens a restarted
    broker to clients once it is unfenced.
    """
    queue, rng, emit = context
    kraft = KRaftControlPlane(topology, cluster, queue, rng, emit, network_delay_ms=latency_ms)
    apply_leadership = data_plane.apply_partition_leadership
    data_plane.wire_isr(kraft.isr_eligible, kraft.alter_partition)
    kraft.on_caught_up = data_plane.rejoin
    kraft.on_listening = lambda broker: listeners.set_listening(broker, True)
    kraft.on_unfenced_seen = data_plane.recheck_isr
    kraft.on_shutting_down = data_plane.begin_controlled_shutdown
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
