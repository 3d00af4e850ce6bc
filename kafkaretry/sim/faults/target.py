"""The narrow surface a fault acts on: the run's clock, links and nodes, and the control plane.

Handlers receive a `FaultTarget` rather than the run loop itself, so the fault package
never imports the simulation that installs it (the run loop is the only module above it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import Network, Nodes
from kafkaretry.sim.events import Emit, TraceEvent
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

    def watch(self, watcher: Callable[[TraceEvent], bool]) -> None:
        """Show `watcher` every event after each action, until it returns True."""
