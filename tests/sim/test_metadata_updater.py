"""The producer's metadata updater, alone: when it sends, and when it wakes the sender.

NetworkClient.DefaultMetadataUpdater.maybeUpdate (4.1) returns how long poll() may sleep:
Metadata.timeToNextUpdate while the refresh backoff runs, reconnect.backoff.ms when no node
can be asked. The updater turns both into a wake-up of the sender, so a requested update is
never forgotten.
"""

from __future__ import annotations

import random

from kafkaretry.sim import events as ev
from kafkaretry.sim.client.metadata import PartitionMetadata, ProducerMetadata
from kafkaretry.sim.client.metadata_updater import MetadataUpdater
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import CLIENT, Network, Nodes
from kafkaretry.sim.settings import effective_producer
from tests.sim.helpers import inputs

TOPIC = "t"


class Host:
    """The NetworkClient as the updater sees it: one broker, ready unless told otherwise."""

    def __init__(self) -> None:
        self.node: int | None = 4
        self.woken: list[int] = []
        self.queue = EventQueue()

    @property
    def topics(self) -> tuple[str, ...]:
        return (TOPIC,)

    def least_loaded_node(self) -> int | None:
        return self.node

    def ready(self, broker: int) -> bool:
        return True

    def disconnect(self, broker: int, reason: str, timed_out: int = -1) -> None:
        raise AssertionError("no request times out here")

    def on_progress(self) -> None:
        self.woken.append(self.queue.now_ms)


class NoLeader:
    """Every broker answers that partition 0 has no leader (an offline partition)."""

    def topic_metadata(self, broker: int, topic: str) -> tuple[PartitionMetadata, ...]:
        return (PartitionMetadata(0, -1, 1, (4,), (4,)),)

    def alive_brokers(self, broker: int) -> tuple[int, ...]:
        return (4,)


def _updater() -> tuple[Host, MetadataUpdater, list[ev.TraceEvent]]:
    host = Host()
    settings = effective_producer(inputs("rolling-restart").producer)
    network = Network(host.queue, Nodes((CLIENT, 4)), 1)
    events: list[ev.TraceEvent] = []
    context = (host.queue, random.Random(0), events.append, network, settings)
    return host, MetadataUpdater(host, context, NoLeader(), ProducerMetadata((4,))), events


def _run_until(host: Host, until_ms: int) -> None:
    while (upcoming := host.queue.peek()) is not None and upcoming <= until_ms:
        host.queue.run_next()


def test_no_node_to_ask_wakes_the_sender_after_reconnect_backoff() -> None:
    host, updater, events = _updater()
    host.node = None
    updater.maybe_update()
    assert not [e for e in events if isinstance(e, ev.MetadataRequestSent)]
    _run_until(host, 10_000)
    assert host.woken == [50]  # reconnect.backoff.ms, the 4.1 default
    host.node = 4
    updater.maybe_update()
    assert [e for e in events if isinstance(e, ev.MetadataRequestSent)] == [
        ev.MetadataRequestSent(4)
    ]


def test_an_update_asked_again_after_an_equivalent_answer_waits_for_the_backoff() -> None:
    host, updater, events = _updater()
    updater.maybe_update()  # the first request: nothing known yet
    _run_until(host, 2)  # the answer: partition 0 has no leader
    assert host.woken == [2]
    answered = [(e.broker, e.leaders) for e in events if isinstance(e, ev.MetadataReceived)]
    assert answered == [(4, ((0, -1, 1),))]
    # Sender.sendProducerData: the leader is unknown, so it asks again on the next loop.
    updater.request_update("unknown leader")
    updater.maybe_update()
    sent = [e for e in events if isinstance(e, ev.MetadataRequestSent)]
    assert len(sent) == 1  # Metadata.timeToAllowUpdate: about retry.backoff.ms from the answer
    allowed = updater.metadata.allowed_at_ms
    assert 2 + 80 <= allowed <= 2 + 120  # retry.backoff.ms=100, ±20 %
    _run_until(host, allowed)
    assert host.woken == [2, allowed]  # the sender runs again when the backoff ends
    updater.maybe_update()
    assert len([e for e in events if isinstance(e, ev.MetadataRequestSent)]) == 2
