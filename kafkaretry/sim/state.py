"""Mutable simulation state in slotted dataclasses; only the sim modules change it.

Snapshots (snapshot.py) copy what a renderer needs into frozen views, so nothing
outside `kafkaretry.sim` ever holds these objects.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from kafkaretry.sim.clock import Timer

# ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the broker remembers each producer's last 5 batches.
NUM_BATCHES_TO_RETAIN = 5
NO_PRODUCER_ID = -1  # RecordBatch.NO_PRODUCER_ID
NO_SEQUENCE = -1  # RecordBatch.NO_SEQUENCE


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One record in a partition log; `record` is the id of the application's send()."""

    offset: int
    record: int
    batch: int
    leader_epoch: int
    producer_id: int
    producer_epoch: int
    sequence: int


@dataclass(frozen=True, slots=True)
class BatchMetadata:
    """What ProducerStateEntry keeps per cached batch: sequences and where it landed."""

    producer_epoch: int
    first_seq: int
    last_seq: int
    base_offset: int


@dataclass(slots=True)
class DelayedProduce:
    """An acks=all request parked in purgatory until the high watermark passes `required`."""

    required_offset: int  # last offset + 1
    base_offset: int
    respond: object  # Callable[[str, int], None]; typed loosely to keep this module plain
    timer: Timer | None = None


@dataclass(slots=True)
class Replica:
    """One broker's copy of one partition (the data plane's view of leadership included)."""

    broker: int
    topic: str
    partition: int
    replicas: tuple[int, ...]
    leader: int
    leader_epoch: int
    isr: tuple[int, ...]
    log: list[LogEntry] = field(default_factory=list)
    high_watermark: int = 0
    # Leader-only state: followers' log end offsets as last reported by their fetches,
    # followers whose fetch is parked (long poll), purgatory, and idempotence state.
    follower_leo: dict[int, int] = field(default_factory=dict)
    parked_fetches: dict[int, Timer | None] = field(default_factory=dict)
    delayed: list[DelayedProduce] = field(default_factory=list)
    producers: dict[int, deque[BatchMetadata]] = field(default_factory=dict)

    @property
    def is_leader(self) -> bool:
        return self.leader == self.broker

    @property
    def log_end_offset(self) -> int:
        return len(self.log)  # offsets are dense from 0 (no retention or compaction modelled)


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
