"""Nodes and the links between them: latency, dead hosts and faults that drop messages.

Model assumption (not a Kafka setting): every message takes `latency_ms` one way, in
order. A message to a dead node is lost; a connection attempt to a dead broker is refused
(the host answers the SYN with a reset). Faults install drop filters and extra delays
(sim/faults). An isolated node is a black hole: every message to or from it vanishes and
nothing answers, not even a reset, so senders learn of it only by their own timeouts.
TCP delivers a connection's bytes in order or not at all: once a message on the connection
between two nodes is lost, the connection is broken and everything later on it, either way,
is lost too, until an endpoint closes it (`break_connection` / `close_connection`).
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
    error: str = ""  # a produce response's error code (NONE: an acknowledgement)


# A filter returns True to drop the message (and emits its own event saying so).
DropFilter = Callable[[Message], bool]
# A delay rule returns how many ms longer the message takes (0: none).
DelayRule = Callable[[Message], int]


class Nodes:
    """Which brokers and controllers are up; the crash and restart faults flip these."""

    __slots__ = ("_alive", "_closed")

    def __init__(self, node_ids: tuple[int, ...]) -> None:
        self._alive = dict.fromkeys(node_ids, True)
        self._closed: set[int] = set()  # alive, but not accepting client connections yet

    def is_alive(self, node: int) -> bool:
        return self._alive.get(node, False)

    def accepts_connections(self, node: int) -> bool:
        """A restarted broker refuses connections until it opens its listeners."""
        return self._alive.get(node, False) and node not in self._closed

    def set_listening(self, node: int, listening: bool) -> None:
        if listening:
            self._closed.discard(node)
        else:
            self._closed.add(node)

    def set_alive(self, node: int, alive: bool) -> None:
        if node not in self._alive:
            raise KeyError(node)
        self._alive[node] = alive

    def alive_ids(self) -> tuple[int, ...]:
        return tuple(n for n, up in self._alive.items() if up)


class Network:
    __slots__ = ("_broken", "_delays", "_filters", "_isolated", "_queue", "latency_ms", "nodes")

    def __init__(self, queue: EventQueue, nodes: Nodes, latency_ms: int) -> None:
        self._queue = queue
        self.nodes = nodes
        self.latency_ms = latency_ms
        self._filters: list[DropFilter] = []
        self._delays: list[DelayRule] = []
        self._isolated: set[int] = set()
        self._broken: set[tuple[int, int]] = set()

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

    def break_connection(self, a: int, b: int) -> None:
        """A message between `a` and `b` was lost: their connection delivers nothing more."""
        self._broken.add((min(a, b), max(a, b)))

    def close_connection(self, a: int, b: int) -> None:
        """An endpoint closed it: the next connection between them starts healthy."""
        self._broken.discard((min(a, b), max(a, b)))

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
        error: str = "",
        background: bool = False,
    ) -> bool:
        """Deliver after the link latency; False when it is lost (a fault, a broken connection)."""
        if self._filters:
            message = Message(kind, src, dst, batch, attempt, error)
            for drop in tuple(self._filters):
                if drop(message):
                    return False
        if self._broken and (min(src, dst), max(src, dst)) in self._broken:
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
