"""The narrow surface a fault acts on: the run's clock, links and nodes, and the control plane.

Handlers receive a `FaultTarget` rather than the run loop itself, so the fault package
never imports the simulation that installs it (the run loop is the only module above it).
"""

from __future__ import annotations

from typing import Protocol

from kafkaretry.errors import KafkaRetryError
from kafkaretry.partitioning.murmur2 import java_partition
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import Network, Nodes
from kafkaretry.sim.events import Emit
from kafkaretry.sim.kraft.views import PartitionView
from kafkaretry.sim.settings import SimulationInputs


class ControlPlane(Protocol):
    """The KRaft control plane as a fault sees it: who leads, and processes that die."""

    def active_controller(self) -> int | None: ...

    def partition(self, topic: str, partition: int) -> PartitionView: ...

    def crash_broker(self, node_id: int) -> None: ...

    def restart_broker(self, node_id: int) -> None: ...

    def crash_controller(self, node_id: int) -> None: ...

    def restart_controller(self, node_id: int) -> None: ...

    def isolate_broker(self, node_id: int) -> None: ...

    def heal_broker(self, node_id: int) -> None: ...


class FaultTarget(Protocol):
    """What the run loop lends to a fault handler (`Simulation` satisfies it)."""

    @property
    def inputs(self) -> SimulationInputs: ...

    @property
    def queue(self) -> EventQueue: ...

    @property
    def emit(self) -> Emit: ...

    @property
    def network(self) -> Network: ...

    @property
    def nodes(self) -> Nodes: ...

    @property
    def control(self) -> ControlPlane: ...

    def set_broker_alive(self, broker: int, alive: bool) -> None: ...

    def set_broker_reachable(self, broker: int, reachable: bool) -> None: ...


class UnsupportedFaultError(KafkaRetryError):
    """A fault that cannot be applied to this scenario as written."""


def partition_leader(sim: FaultTarget, kind: str) -> int:
    """`broker: partition-leader`: who leads the first record's partition right now."""
    record = sim.inputs.records[0] if sim.inputs.records else None
    if record is None or record.key_bytes is None:
        raise UnsupportedFaultError(
            f"{kind} with broker: partition-leader needs a keyed record "
            "(a keyless record has no partition until the sticky partitioner picks one)"
        )
    topic = sim.inputs.topology.topic(record.topic)
    partition = java_partition(record.key_bytes, len(topic.partitions))
    return sim.control.partition(topic.name, partition).leader
