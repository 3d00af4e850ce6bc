"""The analysis of a finished run, as frozen data: what happened to each record and the cluster.

Every field is a fact read from the trace (kafkaretry.sim.analysis.records/cluster compute
them); views, --json and other commands read these instead of re-deriving the story.
Times are simulated milliseconds; offsets are partition log offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kafkaretry.sim.trace import Attempt

# What the application's send() ended as (Callback.onCompletion), or pending at the end.
Status = Literal["acknowledged", "failed", "sent-without-ack", "pending"]
RunStatus = Literal["acknowledged", "failed", "sent-without-ack", "pending", "mixed"]

# Why a record ended as it did: one kind per outcome a verdict sentence speaks of.
VerdictKind = Literal[
    "acked-then-lost",  # acknowledged, yet the final leader's log lacks it
    "duplicated",  # more than one copy in the final leader's log
    "failed-but-stored",  # the callback got an error, the log holds the record anyway
    "no-quorum",  # failed or pending while no controller quorum could be formed
    "expired",  # delivery.timeout.ms passed: TimeoutException
    "failed",  # an error the producer does not (or may no longer) retry
    "no-leader",  # acknowledged, but its partition has no leader at the end: nobody reads it
    "sent-without-ack",  # acks=0: completed when written to the socket, offset -1
    "pending",  # the run ended before the record was resolved
    "deduplicated-retry",  # one copy: the broker recognised a retry (producer id + sequence)
    "retried-single-append",  # one copy: several attempts, only one append in the final log
    "no-retry",  # one copy: the first attempt was acknowledged
    "not-sent",  # the record never left the producer and nothing resolved it
]

# Why idempotence is off, when it is: the user said so, or a setting silently disabled it
# (ProducerConfig.postProcessAndValidateIdempotenceConfigs: acks != all, retries = 0).
IdempotenceOff = Literal["explicit", "acks", "retries"]


@dataclass(frozen=True, slots=True)
class Truncation:
    """A replica dropped the end of its log to match its leader's (ReplicaTruncated).

    The leader answered a Fetch whose last epoch ends earlier in its own log with that
    epoch's end offset (divergingEpoch: KIP-101 leader epochs, KIP-320; Partition.readRecords,
    AbstractFetcherThread.truncateOnFetchResponse -> Partition.truncateTo ->
    UnifiedLog.truncateTo): offsets from `truncated_to` to
    `log_end_offset` - 1 are gone from `broker`'s log.
    """

    at_ms: int
    broker: int
    leader: int
    topic: str
    partition: int
    log_end_offset: int  # before
    truncated_to: int


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """One send(): where it went, every attempt of its batch, and how it ended.

    `copies` are the offsets holding it in its partition's final leader log (committed or
    not); `committed` those below that leader's high watermark. `lost` means acknowledged
    (acks=1/all) but absent from the final leader's log; `reordered` means an earlier send()
    with the same key sits at a higher offset (per-key order broken). For an acknowledged
    record: `copied_at_ack` the followers that had received the acknowledged offset from the
    acknowledging leader when the answer reached the producer; `truncated` the truncations
    that later removed that offset from the acknowledging broker's log; `ack_offset_holds`
    the record the final leader's log holds at that offset (None: the log ends before it).
    `held_by`: every broker whose own final log (leader or follower, alive or down) holds it.
    """

    index: int
    key: str | None
    topic: str
    partition: int | None
    batch: int | None
    attempts: tuple[Attempt, ...]
    status: Status
    error: str | None  # Kafka error name, or "TimeoutException" when delivery.timeout.ms passed
    expired: bool
    ack_offset: int | None  # -1 with acks=0: the producer never hears an offset
    acked_by: int | None
    ack_at_ms: int | None
    resolved_at_ms: int | None  # when the callback ran (ack, failure or expiry)
    copies: tuple[int, ...]
    committed: tuple[int, ...]
    final_leader: int | None  # the partition's live leader at the end (None: no leader)
    lost: bool
    duplicated: bool
    reordered: bool
    kind: VerdictKind
    copied_at_ack: tuple[int, ...] = ()
    truncated: tuple[Truncation, ...] = ()
    ack_offset_holds: int | None = None
    held_by: tuple[int, ...] = ()

    @property
    def in_final_log(self) -> bool:
        return bool(self.copies)

    @property
    def retried(self) -> bool:
        return len(self.attempts) > 1

    @property
    def deduplicated(self) -> bool:
        return any(a.outcome == "deduplicated" for a in self.attempts)


@dataclass(frozen=True, slots=True)
class LeaderChange:
    """A partition leader change the controllers committed (PartitionChangeRecord with a leader).

    `decided_at_ms`: the active controller wrote it; `committed_at_ms`: a majority of
    controllers had it. A change whose controller died before it committed is not one.
    `new_leader` is -1 (NO_LEADER) when no replica was eligible.
    """

    topic: str
    partition: int
    old_leader: int
    new_leader: int
    leader_epoch: int
    isr_after: tuple[int, ...]
    decided_at_ms: int
    committed_at_ms: int
    unclean: bool = False  # a replica outside the ISR (unclean.leader.election.enable)


@dataclass(frozen=True, slots=True)
class ControllerElection:
    """A controller won a Raft election of the metadata quorum (KafkaRaftClient)."""

    at_ms: int
    new_active: int
    epoch: int
    votes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class IsrStall:
    """acks=all writes to this partition wait: a crashed broker is still in its ISR.

    From the crash until the controller removes it (`until_ms`, None: never in this run);
    the high watermark cannot pass what the dead replica never fetched.
    """

    topic: str
    partition: int
    broker: int
    from_ms: int
    until_ms: int | None


@dataclass(frozen=True, slots=True)
class ClusterFacts:
    broker_crashes: tuple[tuple[int, int], ...]  # (at_ms, broker)
    broker_restarts: tuple[tuple[int, int], ...]
    controller_crashes: tuple[tuple[int, int, bool], ...]  # (at_ms, controller, was_active)
    controller_elections: tuple[ControllerElection, ...]
    no_quorum_at_ms: int | None  # first moment fewer than a majority of voters were alive
    # (at_ms, broker), as the controller decided: a session that expired, or a controlled
    # shutdown that ended (ReplicationControlManager.handleBrokerFenced in both cases)
    fenced: tuple[tuple[int, int], ...]
    leader_changes: tuple[LeaderChange, ...]  # committed ones only
    # Written by an active controller that lost its leadership before they committed:
    # (decided_at_ms, topic, partition, new_leader); no broker ever acted on them.
    uncommitted_leader_changes: tuple[tuple[int, str, int, int], ...]
    stalls: tuple[IsrStall, ...]
    # (at_ms, broker): a host cut off from the network (isolate-broker), and healed again
    broker_isolations: tuple[tuple[int, int], ...] = ()
    broker_heals: tuple[tuple[int, int], ...] = ()
    # (at_ms, broker, delay_ms): its replica fetches reach the leader late (0: on time again)
    fetch_delays: tuple[tuple[int, int, int], ...] = ()
    # (committed_at_ms, topic, partition, broker): a follower the controller added to the ISR
    isr_expansions: tuple[tuple[int, str, int, int], ...] = ()
    truncations: tuple[Truncation, ...] = ()  # every replica log truncation, in time order
    graceful_stops: tuple[GracefulStop, ...] = ()
    preferred_returns: tuple[PreferredReturn, ...] = ()
    auto_leader_rebalance: bool = True  # auto.leader.rebalance.enable in this run
    # the part of `fenced` that ended a controlled shutdown (SHUTDOWN_NOW), not a session expiry
    fenced_in_shutdown: tuple[tuple[int, int], ...] = ()

    @property
    def failed(self) -> bool:
        """A node crashed, stopped or was cut off, or a replica's fetches were slowed."""
        return bool(
            self.broker_crashes
            or self.graceful_stops
            or self.controller_crashes
            or self.broker_isolations
            or any(delay > 0 for _, _, delay in self.fetch_delays)
        )


@dataclass(frozen=True, slots=True)
class RunOutcome:
    status: RunStatus
    reason: VerdictKind  # the most telling record kind (see verdict.RUN_PRECEDENCE)


@dataclass(frozen=True, slots=True)
class RunAnalysis:
    """Everything a view may say about a run; `analyse(trace)` builds it."""

    scenario: str
    seed: int
    acks: int  # -1 (all), 1 or 0
    idempotence: bool
    idempotence_off: IdempotenceOff | None
    retries: int
    records: tuple[RecordOutcome, ...]
    cluster: ClusterFacts
    outcome: RunOutcome
    end_ms: int

    def record(self, index: int = 0) -> RecordOutcome:
        return self.records[index]


@dataclass(frozen=True, slots=True)
class GracefulStop:
    """A broker stopped by SIGTERM through a controlled shutdown (a stop-broker fault).

    `asked_at_ms`: its wantShutDown heartbeat left; `moved_at_ms`: the controller's write that
    moved its leaderships committed (None: it led nothing, or the write never committed);
    `exited_at_ms`: its process ended once the controller answered shouldShutDown (None: not
    within the run).
    """

    broker: int
    asked_at_ms: int
    moved_at_ms: int | None
    exited_at_ms: int | None


@dataclass(frozen=True, slots=True)
class PreferredReturn:
    """The active controller's electPreferred task gave a partition back to its first
    assigned replica (auto.leader.rebalance.enable), committed at `committed_at_ms`."""

    topic: str
    partition: int
    leader: int
    decided_at_ms: int
    committed_at_ms: int
