"""The narrow surface a fault acts on: the run's clock, links and nodes, and the control plane.

Handlers receive a `FaultTarget` rather than the run loop itself, so the fault package
never imports the simulation that installs it (the run loop is the only module above it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol

from kafkaretry.errors import KafkaRetryError
from kafkaretry.partitioning.murmur2 import java_partition
from kafkaretry.sim import events as ev
from kafkaretry.sim.broker.partition import Replica
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import Network, Nodes
from kafkaretry.sim.events import Emit, TraceEvent
from kafkaretry.sim.faults.ledger import FaultLedger
from kafkaretry.sim.kraft.views import PartitionView
from kafkaretry.sim.settings import SimulationInputs


class ControlPlane(Protocol):
    """The KRaft control plane as a fault sees it: who leads, and processes that die."""

    def active_controller(self) -> int | None: ...

    def partition(self, topic: str, partition: int) -> PartitionView: ...

    def crash_broker(self, node_id: int) -> None: ...

    def stop_broker(self, node_id: int, exited: Callable[[], None]) -> None: ...

    def restart_broker(self, node_id: int) -> None: ...

    def crash_controller(self, node_id: int) -> None: ...

    def restart_controller(self, node_id: int) -> None: ...

    def isolate_broker(self, node_id: int) -> None: ...

    def heal_broker(self, node_id: int) -> None: ...


class ReplicaLookup(Protocol):
    """The brokers' replicas, read-only for a trigger (the ReplicaManager satisfies it)."""

    def replica(self, broker: int, topic: str, partition: int) -> Replica | None: ...


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

    @property
    def replication(self) -> ReplicaLookup: ...

    @property
    def faults(self) -> FaultLedger: ...

    def set_broker_alive(self, broker: int, alive: bool) -> None: ...

    def set_broker_reachable(self, broker: int, reachable: bool) -> None: ...

    def watch(self, watcher: Callable[[TraceEvent], bool]) -> None:
        """Show `watcher` every event after each action, until it returns True."""


class UnsupportedFaultError(KafkaRetryError):
    """A fault that cannot be applied to this scenario as written."""


class KeylessPartition:
    """Watches for the partition the sticky partitioner gives a keyless first record."""

    def __init__(self) -> None:
        self.partition: int | None = None

    def __call__(self, event: TraceEvent) -> bool:
        if isinstance(event, ev.RecordPartitioned) and event.record == 0:
            self.partition = event.partition
            return True
        return False


def watch_keyless(sim: FaultTarget, broker: int | str) -> KeylessPartition:
    """For `broker: partition-leader` with a keyless first record: learn its partition."""
    keyless = KeylessPartition()
    records = sim.inputs.records
    if broker == "partition-leader" and records and records[0].key_bytes is None:
        sim.watch(keyless)  # until send() has placed the record: then it drops out
    return keyless


def live_broker(
    sim: FaultTarget,
    broker: int | Literal["partition-leader"],
    keyless: KeylessPartition,
    kind: str,
    verb: str,
) -> int | None:
    """The broker a fault names (an id, or `partition-leader` now), if it is alive; otherwise
    the fault says there is no live broker to `verb` and does nothing."""
    target = partition_leader(sim, keyless, kind) if broker == "partition-leader" else broker
    if target < 0 or not sim.nodes.is_alive(target):
        sim.emit(ev.FaultArmed(kind, f"no live broker to {verb} ({target})"))
        return None
    return target


def partition_leader(sim: FaultTarget, keyless: KeylessPartition, kind: str) -> int:
    """`broker: partition-leader`: who leads the first record's partition right now."""
    record = sim.inputs.records[0] if sim.inputs.records else None
    if record is not None and record.key_bytes is not None:
        topic = sim.inputs.topology.topic(record.topic)
        partition = java_partition(record.key_bytes, len(topic.partitions))
        return sim.control.partition(topic.name, partition).leader
    if record is not None and keyless.partition is not None:  # chosen in send() already
        return sim.control.partition(record.topic, keyless.partition).leader
    raise UnsupportedFaultError(
        f"{kind} with broker: partition-leader needs a keyed record, or a trigger "
        "(when) that waits until the keyless record has its partition: a keyless record has "
        "none until the sticky partitioner picks one"
    )
