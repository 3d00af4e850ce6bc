"""Drive a KRaftControlPlane with the bare EventQueue, as the simulation engine will."""

from __future__ import annotations

import random
from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft.control_plane import KRaftControlPlane
from kafkaretry.sim.kraft.events import KRaftEvent
from kafkaretry.sim.settings import ClusterSettings
from kafkaretry.topology import PartitionSpec, TopicSpec, Topology

TOPIC = "kafka-study-topic"


def lab_topology() -> Topology:
    """SEED-STORY.md: controllers 1-3, brokers 4-6, 3 partitions with RF 3, leaders 4, 5, 6."""
    assignments = ((4, 5, 6), (5, 6, 4), (6, 4, 5))
    partitions = tuple(PartitionSpec(i, r, r[0], r) for i, r in enumerate(assignments))
    return Topology((1, 2, 3), (4, 5, 6), (TopicSpec(TOPIC, partitions),))


class Run:
    def __init__(
        self, seed: int = 0, config: ClusterSettings | None = None, topology: Topology | None = None
    ) -> None:
        self.queue = EventQueue()
        self.events: list[KRaftEvent] = []
        self.plane = KRaftControlPlane(
            topology or lab_topology(),
            config or ClusterSettings(),
            self.queue,
            random.Random(seed),
            self.events.append,
        )
        self.plane.start()

    def at(self, at_ms: int, action: Callable[[], None]) -> None:
        self.queue.at(at_ms, action)

    def until(self, horizon_ms: int, max_steps: int = 100_000) -> bool:
        """Run actions up to `horizon_ms`; True if the queue drained (nothing left to do)."""
        for _ in range(max_steps):
            nxt = self.queue.peek()
            if nxt is None:
                return True
            if nxt > horizon_ms:
                return False
            timer = self.queue.pop()
            assert timer is not None
            timer.action()
        raise AssertionError("event storm: too many steps")

    def of(self, kind: type[KRaftEvent]) -> list[KRaftEvent]:
        return [e for e in self.events if isinstance(e, kind)]
