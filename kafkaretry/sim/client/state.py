"""The producer's mutable state: batches, in-flight requests and connections.

Mirrors Kafka's producer internals (ProducerBatch, NetworkClient's InFlightRequests,
ClusterConnectionStates); only the client modules change these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kafkaretry.sim.engine.clock import Timer
from kafkaretry.sim.protocol import NO_PRODUCER_ID, NO_SEQUENCE


@dataclass(slots=True)
class ProducerBatch:
    """A ProducerBatch: bound to its TopicPartition from creation to completion."""

    id: int
    topic: str
    partition: int
    created_ms: int
    records: list[int] = field(default_factory=list)
    size_bytes: int = 0
    attempts: int = 0  # failed attempts so far (ProducerBatch.attempts)
    last_attempt_ms: int = 0
    backoff_ms: int = 0
    producer_id: int = NO_PRODUCER_ID
    producer_epoch: int = 0
    base_sequence: int = NO_SEQUENCE
    in_flight: bool = False
    done: bool = False
    closed: bool = False  # no more appends: full, or drained once
    delivery_timer: Timer | None = None


@dataclass(slots=True)
class InFlightRequest:
    """A ProduceRequest on a connection, awaiting its response or its request timeout."""

    id: int
    broker: int
    batch: ProducerBatch
    attempt: int
    timer: Timer | None = None


@dataclass(slots=True)
class Connection:
    """The producer's connection to one broker (NetworkClient + ClusterConnectionStates)."""

    broker: int
    state: str = "disconnected"  # disconnected | connecting | ready
    in_flight: dict[int, InFlightRequest] = field(default_factory=dict)
    last_attempt_ms: int = -(10**9)
    reconnect_backoff_ms: int = 0
    failed_attempts: int = 0
    failed_connect_attempts: int = 0  # attempts abandoned in a row (connection setup timeout)
