"""The KRaft control plane inside a run: what clients see of it, and how it moves leaders.

Rule 1: clients never ask a controller. A broker answers a MetadataRequest from its own
        metadata cache, which lags the controller's log (KRaftMetadataCache, KAFKA.md §3.4).
Rule 2: a broker acts on a leadership change when it applies the metadata record
        (ReplicaManager.applyDelta). The data plane here holds one leadership per partition,
        so it switches when the new leader itself applies the change, or, for a partition
        left without a leader, when the first broker learns that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kafkaretry.sim.client_metadata import PartitionMetadata
from kafkaretry.sim.kraft import KRaftControlPlane
from kafkaretry.sim.kraft_events import NO_LEADER, PartitionView

if TYPE_CHECKING:
    from kafkaretry.sim.simulation import Simulation


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


def attach_control_plane(sim: Simulation) -> KRaftControlPlane:
    """Build the control plane on the run's clock and wire it to the data plane and clients."""
    context = sim.context("kraft")
    topology = sim.inputs.topology
    kraft = KRaftControlPlane(
        topology,
        sim.inputs.cluster,
        context.queue,
        context.rng,
        sim.emit,
        network_delay_ms=sim.inputs.latency_ms,
    )
    applied: dict[tuple[str, int], tuple[int, int, tuple[int, ...]]] = {}

    def on_applied(broker: int, topic: str, partition: int, view: PartitionView) -> None:
        state = (view.leader, view.leader_epoch, view.isr)
        if applied.get((topic, partition)) == state:
            return
        if view.leader in (broker, NO_LEADER):
            applied[topic, partition] = state
            sim.replication.apply_partition_leadership(
                topic, partition, view.leader, view.leader_epoch, view.isr
            )

    kraft.subscribe(on_applied)
    sim.set_metadata_source(KRaftMetadataSource(kraft, topology.topics[0].name))
    kraft.start()
    return kraft
