"""The producer's NetworkClient: connections, in-flight requests, metadata, InitProducerId.

Rule 1: a request with no answer within request.timeout.ms fails, and the client closes the
        connection, failing everything else in flight on it (NetworkClient.handleTimedOutRequests).
Rule 2: every disconnect requests a metadata update; reconnecting waits reconnect.backoff.ms
        (exponential, ±20 %) since the last attempt (ClusterConnectionStates).
Rule 3: metadata and producer ids come from the least loaded broker, never a controller.
Rule 4: a connection attempt nobody answers (an unreachable host sends no reset) is abandoned
        after socket.connection.setup.timeout.ms, doubled per such attempt in a row (±20 %), up to
        socket.connection.setup.timeout.max.ms (ClusterConnectionStates, handleTimedOutConnections).
Model assumption: opening a connection costs two round trips (TCP handshake, ApiVersions).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import count

from kafkaretry.sim import events as ev
from kafkaretry.sim.client.metadata import BrokerMetadataCache, ProducerMetadata
from kafkaretry.sim.client.metadata_updater import MetadataUpdater
from kafkaretry.sim.client.rules import exponential_backoff
from kafkaretry.sim.client.state import Connection, InFlightRequest, ProducerBatch
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import CLIENT, Network
from kafkaretry.sim.events import Emit
from kafkaretry.sim.protocol import NETWORK_EXCEPTION, REQUEST_TIMED_OUT
from kafkaretry.sim.settings import EffectiveProducer

OnResult = Callable[[InFlightRequest, str, int], None]  # (request, error, base offset)


class ProducerNetworkClient:
    __slots__ = (
        "_emit",
        "_ids",
        "_network",
        "_on_result",
        "_pid_in_flight",
        "_pid_node",
        "_queue",
        "_rng",
        "_settings",
        "allocate_producer_id",
        "connections",
        "on_progress",
        "producer_id",
        "topics",
        "updater",
    )

    def __init__(
        self,
        queue: EventQueue,
        rng: random.Random,
        emit: Emit,
        network: Network,
        settings: EffectiveProducer,
        metadata_source: BrokerMetadataCache,
        bootstrap: tuple[int, ...],
    ) -> None:
        self._queue, self._rng, self._emit = queue, rng, emit
        self._network, self._settings = network, settings
        self.updater = MetadataUpdater(
            self,
            (queue, rng, emit, network, settings),
            metadata_source,
            ProducerMetadata(bootstrap),
        )
        self.connections = {b: Connection(b) for b in bootstrap}
        self.topics: tuple[str, ...] = ()
        self.producer_id: tuple[int, int] | None = None  # (id, epoch) once assigned
        self.allocate_producer_id: Callable[[], int] = count().__next__
        self.on_progress: Callable[[], None] = lambda: None  # wakes the sender
        self._on_result: OnResult = lambda request, error, offset: None
        self._ids = count(1)
        self._pid_in_flight = False
        self._pid_node: int | None = None

    def set_result_handler(self, handler: OnResult) -> None:
        self._on_result = handler

    def _connection(self, broker: int) -> Connection:
        conn = self.connections.get(broker)
        if conn is None:
            conn = self.connections[broker] = Connection(broker)
        return conn

    # -- connections -----------------------------------------------------------------------

    def ready(self, broker: int) -> bool:
        """NetworkClient.ready: usable now; otherwise start connecting when allowed."""
        conn = self._connection(broker)
        if conn.state == "ready":
            return len(conn.in_flight) < self._settings.max_in_flight
        if conn.state == "disconnected" and self.can_connect(conn):
            self._connect(conn)
        return False

    def can_connect(self, conn: Connection) -> bool:
        return self._queue.now_ms - conn.last_attempt_ms >= conn.reconnect_backoff_ms

    def reconnect_at(self, broker: int) -> int:
        conn = self._connection(broker)
        return conn.last_attempt_ms + conn.reconnect_backoff_ms

    def _connect(self, conn: Connection) -> None:
        conn.state = "connecting"
        started = conn.last_attempt_ms = self._queue.now_ms
        if not self._network.reachable(conn.broker):
            self._hang(conn, started)
            return
        alive = self._network.nodes.accepts_connections(conn.broker)
        delay = self._network.round_trip_ms() * (2 if alive else 1)

        def outcome() -> None:
            if conn.state != "connecting" or conn.last_attempt_ms != started:
                return  # closed meanwhile (the broker crashed during the handshake)
            if not self._network.reachable(conn.broker):
                self._hang(conn, started)  # cut off during the handshake: no answer ever comes
            elif self._network.nodes.accepts_connections(conn.broker):
                self._connected(conn)
            else:
                self._refused(conn)

        self._queue.after(delay, outcome)

    def _hang(self, conn: Connection, started: int) -> None:
        """No SYN-ACK and no reset: only the connection setup timeout ends the attempt."""
        s = self._settings
        timeout = exponential_backoff(
            self._rng,
            s.socket_connection_setup_timeout_ms,
            s.socket_connection_setup_timeout_max_ms,
            conn.failed_connect_attempts,
        )

        def give_up() -> None:
            if conn.state == "connecting" and conn.last_attempt_ms == started:
                self._emit(ev.ConnectionSetupTimedOut(conn.broker, timeout))
                self.disconnect(conn.broker, "connection setup timed out")

        self._queue.at(started + timeout, give_up)

    def _connected(self, conn: Connection) -> None:
        conn.state, conn.failed_attempts = "ready", 0
        conn.failed_connect_attempts = 0
        self._emit(ev.ConnectionOpened(conn.broker))
        self.on_progress()

    def _refused(self, conn: Connection) -> None:
        self.disconnect(conn.broker, "connection refused")

    def disconnect(self, broker: int, reason: str, timed_out: int = -1) -> None:
        """Close the connection; every request still on it fails (request `timed_out` as such)."""
        self._network.close_connection(CLIENT, broker)
        conn = self._connection(broker)
        failed = sorted(conn.in_flight.values(), key=lambda r: r.id)
        conn.in_flight = {}
        # ClusterConnectionStates.disconnected: an abandoned attempt grows the setup timeout.
        connecting = conn.state == "connecting"
        conn.failed_connect_attempts = conn.failed_connect_attempts + 1 if connecting else 0
        conn.state = "disconnected"
        conn.last_attempt_ms = self._queue.now_ms
        conn.reconnect_backoff_ms = exponential_backoff(
            self._rng,
            self._settings.reconnect_backoff_ms,
            self._settings.reconnect_backoff_max_ms,
            conn.failed_attempts,
        )
        conn.failed_attempts += 1
        self._emit(ev.ConnectionClosed(broker, reason))
        self.updater.on_disconnect(broker)
        if self._pid_in_flight and self._pid_node == broker:
            self._pid_in_flight, self._pid_node = False, None  # InitProducerId is sent again
        self.request_metadata_update("disconnect")
        for request in failed:
            if request.timer is not None:
                request.timer.cancel()
            # NetworkClient.processTimeoutDisconnection: everything in flight on a connection
            # closed for a timeout fails as timed out; a reset fails as a network error.
            error = REQUEST_TIMED_OUT if timed_out >= 0 else NETWORK_EXCEPTION
            self._on_result(request, error, -1)
        self.on_progress()

    def least_loaded_node(self) -> int | None:
        """NetworkClient.leastLoadedNode: from a random start, an idle ready connection first."""
        brokers = self.metadata.brokers
        if not brokers:
            return None
        start = self._rng.randrange(len(brokers))
        best: int | None = None
        best_load = 1 << 30
        for i in range(len(brokers)):
            broker = brokers[(start + i) % len(brokers)]
            conn = self._connection(broker)
            if conn.state == "ready":
                if not conn.in_flight:
                    return broker
                if len(conn.in_flight) < best_load:
                    best, best_load = broker, len(conn.in_flight)
            elif best is None and conn.state == "disconnected" and self.can_connect(conn):
                best, best_load = broker, 1 << 29
        return best

    # -- produce ---------------------------------------------------------------------------

    def send_produce(
        self,
        broker: int,
        batch: ProducerBatch,
        attempt: int,
        deliver: Callable[[InFlightRequest], None],
    ) -> InFlightRequest:
        """Put a ProduceRequest on the wire; it fails by itself after request.timeout.ms."""
        conn = self._connection(broker)
        request = InFlightRequest(next(self._ids), broker, batch, attempt)
        conn.in_flight[request.id] = request
        timeout = self._settings.request_timeout_ms
        request.timer = self._queue.after(timeout, lambda: self._timed_out(request))
        if not self._network.send(
            "produce-request",
            CLIENT,
            broker,
            lambda: deliver(request),
            batch=batch.id,
            attempt=attempt,
        ):
            self._emit(ev.RequestDropped(batch.id, broker, attempt))
        return request

    def _timed_out(self, request: InFlightRequest) -> None:
        conn = self._connection(request.broker)
        if conn.in_flight.get(request.id) is not request:
            return
        timeout = self._settings.request_timeout_ms
        self._emit(
            ev.ProduceRequestTimedOut(request.batch.id, request.broker, request.attempt, timeout)
        )
        request.timer = None
        self.disconnect(request.broker, "request timed out", timed_out=request.id)

    def complete(
        self,
        request: InFlightRequest,
        error: str,
        base_offset: int,
        current_leader: tuple[int, int] | None = None,
    ) -> None:
        """A response reached the client; ignored if its connection was closed meanwhile.

        A CurrentLeader in the answer (KIP-951) updates the producer's metadata at once when
        its leader epoch is newer (Sender.completeBatch -> Metadata.updatePartitionLeadership).
        """
        conn = self._connection(request.broker)
        if conn.in_flight.pop(request.id, None) is None:
            return
        if request.timer is not None:
            request.timer.cancel()
        leader, epoch = current_leader if current_leader is not None else (-1, -1)
        self._emit(
            ev.ProduceResponseReceived(
                request.broker, request.batch.id, request.attempt, error, base_offset, leader, epoch
            )
        )
        if current_leader is not None:
            batch = request.batch
            self.metadata.update_leader(batch.topic, batch.partition, leader, epoch)
        self._on_result(request, error, base_offset)

    # -- metadata and producer id ----------------------------------------------------------

    def request_metadata_update(self, reason: str) -> None:
        self.updater.request_update(reason)

    def maybe_update_metadata(self) -> None:
        self.updater.maybe_update()

    @property
    def metadata(self) -> ProducerMetadata:
        return self.updater.metadata

    @property
    def metadata_source(self) -> BrokerMetadataCache:
        return self.updater.source

    @metadata_source.setter
    def metadata_source(self, source: BrokerMetadataCache) -> None:
        self.updater.source = source

    def ensure_producer_id(self) -> bool:
        """True once the producer has an id; else sends InitProducerId (no coordinator needed)."""
        if self.producer_id is not None:
            return True
        if self._pid_in_flight:
            return False
        node = self.least_loaded_node()
        if node is None or not self.ready(node):
            return False
        self._pid_in_flight, self._pid_node = True, node

        def allocate() -> None:
            pid = self.allocate_producer_id()  # brokers hand out ids from controller blocks
            self._network.send(
                "init-producer-id-response", node, CLIENT, lambda: self._pid_received(node, pid)
            )

        self._network.send("init-producer-id", CLIENT, node, allocate)
        return False

    def _pid_received(self, broker: int, pid: int) -> None:
        if self._pid_node != broker:
            return  # its connection was closed meanwhile; a new InitProducerId went out
        self._pid_in_flight, self._pid_node = False, None
        self.producer_id = (pid, 0)
        self._emit(ev.ProducerIdAssigned(broker, pid, 0))
        self.on_progress()
