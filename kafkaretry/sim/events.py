"""What a student can observe: frozen, slotted facts with no behaviour, one closed union.

Names say what was observed (ProduceRequestTimedOut, not "handle timeout"). Wording lives
in render/describe.py, whose `match` over `TraceEvent` ends in `assert_never`, so a new
event type without a description fails mypy. Error names are Kafka's `Errors` enum names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kafkaretry.sim.kraft.events import KRaftEvent


@dataclass(frozen=True, slots=True)
class ConfigNote:
    """The client adjusted a setting the user did not write down (rule, config, value)."""

    rule: str  # "idempotence-disabled" | "delivery-timeout-raised"
    config: str
    value: str


@dataclass(frozen=True, slots=True)
class FaultArmed:
    """A fault from the scenario takes effect (it may wait for a matching message)."""

    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class ReplicaFetchesDelayed:
    """slow-broker: its replica fetches reach their leaders `delay_ms` late (0: no longer)."""

    broker: int
    delay_ms: int
    until_ms: int | None  # None: to the end of the run, or now back to normal (delay_ms 0)


@dataclass(frozen=True, slots=True)
class RecordPartitioned:
    record: int
    key: str | None
    topic: str
    partition: int
    partitions: int  # partitionsForTopic().size(): all partitions, leader or not


@dataclass(frozen=True, slots=True)
class BatchCreated:
    batch: int
    topic: str
    partition: int
    record: int  # the record that opened the batch


@dataclass(frozen=True, slots=True)
class MetadataUpdateRequested:
    reason: str  # "no metadata yet" | "disconnect" | error name


@dataclass(frozen=True, slots=True)
class MetadataRequestSent:
    broker: int  # the least loaded broker; never a controller (KAFKA.md §3.4)


@dataclass(frozen=True, slots=True)
class MetadataReceived:
    broker: int
    topic: str
    leaders: tuple[tuple[int, int, int], ...]  # (partition, leader, leader epoch)


@dataclass(frozen=True, slots=True)
class ProducerIdAssigned:
    broker: int
    producer_id: int
    epoch: int


@dataclass(frozen=True, slots=True)
class ConnectionOpened:
    broker: int


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    broker: int
    reason: str  # "request timed out" | "connection refused"


@dataclass(frozen=True, slots=True)
class ConnectionSetupTimedOut:
    """No answer at all to a connection attempt (no SYN-ACK, no reset) within the timeout."""

    broker: int
    timeout_ms: int  # socket.connection.setup.timeout.ms, grown and jittered for this attempt


@dataclass(frozen=True, slots=True)
class ProduceRequestSent:
    batch: int
    topic: str
    partition: int
    broker: int
    attempt: int
    records: int
    producer_id: int  # -1 without idempotence (RecordBatch.NO_PRODUCER_ID)
    producer_epoch: int
    base_sequence: int  # -1 without idempotence (RecordBatch.NO_SEQUENCE)


@dataclass(frozen=True, slots=True)
class RequestDropped:
    batch: int
    broker: int
    attempt: int


@dataclass(frozen=True, slots=True)
class RecordAppended:
    broker: int
    topic: str
    partition: int
    batch: int
    base_offset: int
    last_offset: int
    leader_epoch: int
    attempt: int


@dataclass(frozen=True, slots=True)
class NotEnoughReplicas:
    """acks=all and the ISR is below min.insync.replicas: refused before any append."""

    broker: int
    topic: str
    partition: int
    batch: int
    isr: tuple[int, ...]
    min_insync_replicas: int  # min(min.insync.replicas, replication factor)


@dataclass(frozen=True, slots=True)
class DuplicateDetected:
    broker: int
    topic: str
    partition: int
    batch: int
    producer_id: int
    base_sequence: int
    original_offset: int


@dataclass(frozen=True, slots=True)
class FollowerReplicated:
    broker: int  # the follower
    leader: int
    topic: str
    partition: int
    base_offset: int
    last_offset: int


@dataclass(frozen=True, slots=True)
class HighWatermarkAdvanced:
    broker: int
    topic: str
    partition: int
    high_watermark: int


@dataclass(frozen=True, slots=True)
class AlterPartitionSent:
    """A leader asks the active controller to change the ISR (Partition.submitAlterPartition)."""

    broker: int  # the leader
    topic: str
    partition: int
    isr: tuple[int, ...]
    proposed: tuple[int, ...]
    out_of_sync: tuple[int, ...]  # removed: not caught up for replica.lag.time.max.ms
    last_caught_up_ms: tuple[int, ...]  # for each removed follower (lastCaughtUpTimeMs)


@dataclass(frozen=True, slots=True)
class LeaderIsrUpdated:
    """The controller committed the leader's AlterPartition: the leader uses the new ISR."""

    broker: int
    topic: str
    partition: int
    isr: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ProduceResponseSent:
    broker: int
    batch: int
    attempt: int
    error: str  # "NONE" on success
    base_offset: int


@dataclass(frozen=True, slots=True)
class ResponseDropped:
    broker: int
    batch: int
    attempt: int


@dataclass(frozen=True, slots=True)
class ProduceResponseReceived:
    broker: int
    batch: int
    attempt: int
    error: str
    base_offset: int


@dataclass(frozen=True, slots=True)
class ProduceRequestTimedOut:
    batch: int
    broker: int
    attempt: int
    timeout_ms: int  # request.timeout.ms


@dataclass(frozen=True, slots=True)
class RetryScheduled:
    batch: int
    topic: str
    partition: int  # unchanged: the batch is bound to its partition (KAFKA.md §2)
    next_attempt: int
    error: str
    backoff_ms: int
    retry_at_ms: int


@dataclass(frozen=True, slots=True)
class RecordAcknowledged:
    record: int
    batch: int
    topic: str
    partition: int
    offset: int  # -1 with acks=0: the producer never hears an offset
    broker: int


@dataclass(frozen=True, slots=True)
class RecordExpired:
    record: int
    batch: int
    delivery_timeout_ms: int


@dataclass(frozen=True, slots=True)
class RecordFailed:
    record: int
    batch: int
    error: str


TraceEvent = (
    ConfigNote
    | FaultArmed
    | ReplicaFetchesDelayed
    | RecordPartitioned
    | BatchCreated
    | MetadataUpdateRequested
    | MetadataRequestSent
    | MetadataReceived
    | ProducerIdAssigned
    | ConnectionOpened
    | ConnectionClosed
    | ConnectionSetupTimedOut
    | ProduceRequestSent
    | RequestDropped
    | RecordAppended
    | NotEnoughReplicas
    | DuplicateDetected
    | FollowerReplicated
    | HighWatermarkAdvanced
    | AlterPartitionSent
    | LeaderIsrUpdated
    | ProduceResponseSent
    | ResponseDropped
    | ProduceResponseReceived
    | ProduceRequestTimedOut
    | RetryScheduled
    | RecordAcknowledged
    | RecordExpired
    | RecordFailed
    | KRaftEvent
)

# Where components report what happened: the run loop collects into each step.
Emit = Callable[[TraceEvent], None]
