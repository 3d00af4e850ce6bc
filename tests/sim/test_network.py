"""A black hole (isolate) and a broken TCP connection, side by side on one network."""

from __future__ import annotations

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import Network, Nodes


def _drain(queue: EventQueue) -> None:
    while queue.run_next():
        pass


def _network() -> tuple[EventQueue, Network, list[str]]:
    queue = EventQueue()
    return queue, Network(queue, Nodes((-1, 4, 5)), latency_ms=1), []


def test_an_isolated_host_swallows_messages_and_a_broken_connection_refuses_them() -> None:
    queue, net, got = _network()
    net.break_connection(-1, 4)
    # Broken: the sender's own stack knows the connection is dead (send reports a loss).
    assert net.send("produce-request", -1, 4, lambda: got.append("to 4")) is False
    net.isolate(5, True)
    # A black hole: the send looks fine to the sender, and nothing ever arrives.
    assert net.send("produce-request", -1, 5, lambda: got.append("to 5")) is True
    _drain(queue)
    assert got == []
    # Healing the host does not mend the broken connection; closing it does.
    net.isolate(5, False)
    net.close_connection(4, -1)
    assert net.send("produce-request", -1, 4, lambda: got.append("to 4"))
    assert net.send("produce-request", -1, 5, lambda: got.append("to 5"))
    _drain(queue)
    assert got == ["to 4", "to 5"]


def test_a_message_on_its_way_is_lost_when_its_destination_is_cut_off() -> None:
    queue, net, got = _network()
    assert net.send("fetch", 4, 5, lambda: got.append("fetch"))
    net.isolate(5, True)
    _drain(queue)
    assert got == []
