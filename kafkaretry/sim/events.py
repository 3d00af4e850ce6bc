"""What a student can observe: frozen, slotted facts with no behaviour, one closed union.

Names say what was observed (ProduceRequestTimedOut, not "handle timeout"). Wording lives
in render/describe.py, whose `match` over `TraceEvent` ends in `assert_never`, so a new
event type without a description fails mypy. Error names are Kafka's `Errors` enum names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The replicas' health events live in isr_events.py; they are part of the union below.
from kafkaretry.sim.isr_events import AlterPartitionSent as AlterPartitionSent  # noqa: PLC0414
from kafkaretry.sim.isr_events import LeaderIsrUpdated as LeaderIsrUpdated  # noqa: PLC0414
from kafkaretry.sim.isr_events import NotEnoughReplicas as NotEnoughReplicas  # noqa: PLC0414
from kafkaretry.sim.isr_events import ReplicaFetchesDelayed as ReplicaFetchesDelayed  # noqa: PLC0414
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
class ReplicaTruncated:
    """A follower's log diverged from its new leader's: it drops what the leader does not have.

    The leader answers a Fetch whose lastFetchedEpoch ended earlier in its own log with that
    epoch's end offset (KIP-320 diverging epoch; AbstractFetcherThread.truncateOnFetchResponse).
    """

    broker: int  # the follower
    leader: int
    topic: str
    partition: int
    log_end_offset: int  # before
    truncated_to: int


@dataclass(frozen=True, slots=True)
class HighWatermarkAdvanced:
    broker: int
    topic: str
    partition: int
    high_watermark: int


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
    error: str = "NONE"  # the answer that was lost: NONE is an acknowledgement


@dataclass(frozen=True, slots=True)
class ProduceResponseReceived:
    broker: int
    batch: int
    attempt: int
    error: str
    base_offset: int
    # KIP-951: a NOT_LEADER_OR_FOLLOWER answer names the leader the broker knows (-1: none)
    current_leader: int = -1
    current_leader_epoch: int = -1


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


@dataclass(frozen=True, slots=True)
class MetadataWaitTimedOut:
    """send() gave up in KafkaProducer.waitOnMetadata: TimeoutException after max.block.ms."""

    record: int
    topic: str
    max_block_ms: int


@dataclass(frozen=True, slots=True)
class RunStopped:
    """The run loop stopped a run that would have gone on (sim/horizon.py says when)."""

    reason: str  # "settled" | "horizon" | "steps"
    horizon_ms: int
    actions: int  # actions run since the records' fates were decided (else since the start)
    decided_at_ms: int  # first seen with every fate decided and every fault struck; else -1
    undecided: int  # records neither acknowledged, failed nor expired
    pending: int  # actions still scheduled (faults not yet due, timers, messages)
    kept_going: tuple[tuple[str, int], ...]  # the most frequent event kinds, with counts
    window: int = 0  # ... among the events of this many last actions
    unstruck: tuple[tuple[str, int], ...] = ()  # (kind, at_ms) of faults that never struck


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
    | ReplicaTruncated
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
    | MetadataWaitTimedOut
    | RunStopped
    | KRaftEvent
)

# Where components report what happened: the run loop collects into each step.
Emit = Callable[[TraceEvent], None]
