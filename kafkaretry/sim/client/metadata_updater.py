"""The producer's metadata updater (NetworkClient.DefaultMetadataUpdater), paced as Kafka paces it.

Rule 1: a MetadataRequest goes to the least loaded broker, never a controller, and only once
        Metadata.timeToAllowUpdate allows: failed attempts and consecutive answers that bring
        no newer leader epoch back off exponentially (retry.backoff.ms to .max.ms, KIP-580).
Rule 2: like every request it fails with its connection, or after request.timeout.ms.
Rule 3: a wanted update is never dropped: while it must wait, the sender is woken when
        Metadata.timeToNextUpdate allows it, or after reconnect.backoff.ms when no node can be
        asked (DefaultMetadataUpdater.maybeUpdate's return value bounds NetworkClient.poll).
"""

from __future__ import annotations

import random
from typing import Protocol

from kafkaretry.sim import events as ev
from kafkaretry.sim.client.metadata import BrokerMetadataCache, PartitionMetadata, ProducerMetadata
from kafkaretry.sim.client.rules import exponential_backoff
from kafkaretry.sim.engine.clock import EventQueue, Timer
from kafkaretry.sim.engine.network import CLIENT, Network
from kafkaretry.sim.events import Emit
from kafkaretry.sim.settings import EffectiveProducer


class UpdaterHost(Protocol):
    """What the updater needs of the NetworkClient that owns it (and never more)."""

    @property
    def topics(self) -> tuple[str, ...]: ...

    def least_loaded_node(self) -> int | None: ...

    def ready(self, broker: int) -> bool: ...

    def disconnect(self, broker: int, reason: str, timed_out: int = -1) -> None: ...

    def on_progress(self) -> None: ...


class MetadataUpdater:
    __slots__ = (
        "_client",
        "_emit",
        "_in_flight",
        "_network",
        "_queue",
        "_rng",
        "_settings",
        "_timer",
        "_wake",
        "metadata",
        "source",
    )

    def __init__(
        self,
        client: UpdaterHost,
        context: tuple[EventQueue, random.Random, Emit, Network, EffectiveProducer],
        source: BrokerMetadataCache,
        metadata: ProducerMetadata,
    ) -> None:
        # The client lends its clock, random stream (backoff jitter), sink, network, settings.
        self._client = client
        self._queue, self._rng, self._emit, self._network, self._settings = context
        self.source = source
        self.metadata = metadata
        self._in_flight: int | None = None  # the broker asked, while unanswered
        self._wake: Timer | None = None
        self._timer: Timer | None = None

    def on_disconnect(self, broker: int) -> None:
        if self._in_flight == broker:
            self._failed()

    def request_update(self, reason: str) -> None:
        if not self.metadata.update_requested:
            self.metadata.update_requested = True
            self._emit(ev.MetadataUpdateRequested(reason))

    def maybe_update(self) -> None:
        metadata = self.metadata
        if not metadata.update_requested or self._in_flight is not None:
            return
        now = self._queue.now_ms
        if now < metadata.allowed_at_ms:
            self._wake_at(metadata.allowed_at_ms)
            return
        node = self._client.least_loaded_node()
        if node is None:
            # DefaultMetadataUpdater.maybeUpdate: no node to ask, look again after
            # reconnect.backoff.ms (a connecting node or a busy one wakes the sender itself).
            self._wake_at(now + self._settings.reconnect_backoff_ms)
            return
        if not self._client.ready(node):
            return
        self._in_flight = node
        self._emit(ev.MetadataRequestSent(node))
        self._network.send("metadata", CLIENT, node, lambda: self._arrived(node))
        # Like every request, it fails after request.timeout.ms and closes the connection.
        timeout = self._settings.request_timeout_ms
        self._timer = self._queue.after(timeout, lambda: self._timed_out(node))

    def _wake_at(self, at_ms: int) -> None:
        if self._wake is not None and not self._wake.cancelled:
            return

        def wake() -> None:
            self._wake = None
            self._client.on_progress()

        # A chore: it never keeps a finished run going (every batch has its own timers).
        self._wake = self._queue.at(at_ms, wake, background=True)

    def _timed_out(self, node: int) -> None:
        self._timer = None
        if self._in_flight == node:
            self._client.disconnect(node, "metadata request timed out")

    def _done(self) -> None:
        self._in_flight = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _failed(self) -> None:
        """Metadata.failedUpdate: back off by the failed attempts, forget equivalent answers."""
        metadata = self.metadata
        self._done()
        metadata.failed_attempts += 1
        metadata.equivalent_responses = 0
        metadata.allowed_at_ms = self._queue.now_ms + self._refresh_backoff(
            metadata.failed_attempts - 1
        )

    def _refresh_backoff(self, exponent: int) -> int:
        s = self._settings
        return exponential_backoff(self._rng, s.retry_backoff_ms, s.retry_backoff_max_ms, exponent)

    def _arrived(self, broker: int) -> None:
        answers = [(t, self.source.topic_metadata(broker, t)) for t in self._client.topics]
        alive = self.source.alive_brokers(broker)
        self._network.send(
            "metadata-response",
            broker,
            CLIENT,
            lambda: self._received(broker, answers, alive),
        )

    def _received(
        self,
        broker: int,
        answers: list[tuple[str, tuple[PartitionMetadata, ...]]],
        alive: tuple[int, ...],
    ) -> None:
        if self._in_flight != broker:
            return  # its connection was closed meanwhile: the request already failed
        metadata = self.metadata
        self._done()
        metadata.update_requested = False
        metadata.last_refresh_ms = self._queue.now_ms
        metadata.failed_attempts = 0
        if alive:
            metadata.brokers = alive
        progress = False
        for topic, partitions in answers:
            progress = metadata.update(topic, partitions) or progress
            leaders = tuple((p.partition, p.leader, p.leader_epoch) for p in partitions)
            self._emit(ev.MetadataReceived(broker, topic, leaders))
        # Metadata.update counts equivalent responses; a newer leader epoch resets the count.
        metadata.equivalent_responses = 0 if progress else metadata.equivalent_responses + 1
        count = metadata.equivalent_responses
        # Metadata.timeToAllowUpdate: even after progress, lastRefreshMs + backoff(0) is a floor
        # (about retry.backoff.ms); Kafka takes the larger of two jittered backoffs, kafkaretry
        # draws one, for the equivalent-response count.
        wait = self._refresh_backoff(max(count - 1, 0))
        metadata.allowed_at_ms = self._queue.now_ms + wait
        self._client.on_progress()
