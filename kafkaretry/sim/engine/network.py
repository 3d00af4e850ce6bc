"""Nodes and the links between them: latency, dead hosts and faults that drop messages.

Model assumption (not a Kafka setting): every message takes `latency_ms` one way, in
order. A message to a dead node is lost; a connection attempt to a dead broker is refused
(the host answers the SYN with a reset). Faults install drop filters and extra delays
(sim/faults). An isolated node is a black hole: every message to or from it vanishes and
nothing answers, not even a reset, so senders learn of it only by their own timeouts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kafkaretry.sim.engine.clock import EventQueue

CLIENT = -1  # the producer's node id on the simulated network


@dataclass(frozen=True, slots=True)
class Message:
    """Enough about a message for a fault to decide whether to drop it."""

    kind: str  # "produce-request" | "produce-response" | "fetch" | "metadata" | ...
    src: int
    dst: int
    batch: int = -1
    attempt: int = 0


# A filter returns True to drop the message (and emits its own event saying so).
DropFilter = Callable[[Message], bool]
# A delay rule returns how many ms longer the message takes (0: none).
DelayRule = Callable[[Message], int]


class Nodes:
    """Which brokers and controllers are up; the crash and restart faults flip these."""

    __slots__ = ("_alive",)

    def __init__(self, node_ids: tuple[int, ...]) -> None:
        self._alive = dict.fromkeys(node_ids, True)

    def is_alive(self, node: int) -> bool:
        return self._alive.get(node, False)

    def set_alive(self, node: int, alive: bool) -> None:
        if node not in self._alive:
            raise KeyError(node)
        self._alive[node] = alive

    def alive_ids(self) -> tuple[int, ...]:
        return tuple(n for n, up in self._alive.items() if up)


class Network:
    __slots__ = ("_delays", "_filters", "_isolated", "_queue", "latency_ms", "nodes")

    def __init__(self, queue: EventQueue, nodes: Nodes, latency_ms: int) -> None:
        self._queue = queue
        self.nodes = nodes
        self.latency_ms = latency_ms
        self._filters: list[DropFilter] = []
        self._delays: list[DelayRule] = []
        self._isolated: set[int] = set()

    def isolate(self, node: int, isolated: bool) -> None:
        """Cut `node` off from every other node (a black hole), or connect it again."""
        if isolated:
            self._isolated.add(node)
        else:
            self._isolated.discard(node)

    def reachable(self, node: int) -> bool:
        return node not in self._isolated

    def add_delay(self, rule: DelayRule) -> None:
        self._delays.append(rule)

    def remove_delay(self, rule: DelayRule) -> None:
        self._delays.remove(rule)

    def add_filter(self, drop: DropFilter) -> None:
        self._filters.append(drop)

    def remove_filter(self, drop: DropFilter) -> None:
        self._filters.remove(drop)

    def send(
        self,
        kind: str,
        src: int,
        dst: int,
        on_arrival: Callable[[], None],
        *,
        batch: int = -1,
        attempt: int = 0,
        background: bool = False,
    ) -> bool:
        """Deliver after the link latency; False when a fault dropped the message."""
        if self._filters:
            message = Message(kind, src, dst, batch, attempt)
            for drop in tuple(self._filters):
                if drop(message):
                    return False
        nodes = self.nodes
        if not nodes.is_alive(src):
            return True  # a crashed process sends nothing (not a fault's drop, so no event)
        isolated = self._isolated
        if isolated and (src in isolated or dst in isolated):
            return True  # a black hole: lost without a trace, the sender is never told
        delay = self.latency_ms
        if self._delays:
            message = Message(kind, src, dst, batch, attempt)
            delay += sum(rule(message) for rule in self._delays)

        def arrive() -> None:
            # A dead host receives nothing; neither does one cut off while this was on the way.
            if nodes.is_alive(dst) and dst not in isolated and src not in isolated:
                on_arrival()

        if background:
            self._queue.after(delay, arrive, background=True)
        else:
            self._queue.call_after(delay, arrive)
        return True

    def round_trip_ms(self) -> int:
        return 2 * self.latency_ms
