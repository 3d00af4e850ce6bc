"""Mutable simulation state in slotted dataclasses; only the sim modules change it.

Snapshots (sim/snapshot.py) copy what a renderer needs into frozen views, so nothing
outside `kafkaretry.sim` ever holds these objects.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, field

from kafkaretry.sim.engine.clock import Timer
from kafkaretry.sim.protocol import NO_SEQUENCE

# ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the broker remembers each producer's last 5 batches.
NUM_BATCHES_TO_RETAIN = 5


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
class LogBatch:
    """One RecordBatch as the leader appended it: a log is a sequence of batches, as a
    Kafka log segment is, and a follower's fetch copies whole batches.

    Storing batches rather than one object per record keeps a 100k-record run from
    holding (and the garbage collector from scanning) 100k entries per replica; the
    per-record view (`Replica.log`) is derived from them when a snapshot asks for it.
    """

    base_offset: int
    records: tuple[int, ...]  # the application's send() ids, in offset order
    batch: int
    leader_epoch: int
    producer_id: int
    producer_epoch: int
    base_sequence: int  # -1 without idempotence

    @property
    def last_offset(self) -> int:
        return self.base_offset + len(self.records) - 1

    @property
    def last_sequence(self) -> int:
        first = self.base_sequence
        return first + len(self.records) - 1 if first >= 0 else NO_SEQUENCE

    def entries(self) -> list[LogEntry]:
        first = self.base_sequence
        return [
            LogEntry(
                self.base_offset + i,
                record,
                self.batch,
                self.leader_epoch,
                self.producer_id,
                self.producer_epoch,
                first + i if first >= 0 else NO_SEQUENCE,
            )
            for i, record in enumerate(self.records)
        ]


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
    batches: list[LogBatch] = field(default_factory=list)
    # Offsets are dense from 0 (no retention or compaction modelled), so the log end
    # offset is the number of records; `bases` holds each batch's base offset, for bisect.
    log_end_offset: int = 0
    bases: list[int] = field(default_factory=list)
    high_watermark: int = 0
    # Leader-only state: followers' log end offsets as last reported by their fetches,
    # followers whose fetch is parked (long poll), purgatory, and idempotence state.
    follower_leo: dict[int, int] = field(default_factory=dict)
    # follower -> (leader epoch, log end offset) when the leader last answered its Fetch:
    # what it has fetched, copied or still on the wire (not a Kafka field; faults read it).
    fetched: dict[int, tuple[int, int]] = field(default_factory=dict)
    parked_fetches: dict[int, Timer | None] = field(default_factory=dict)
    delayed: list[DelayedProduce] = field(default_factory=list)
    producers: dict[int, deque[BatchMetadata]] = field(default_factory=dict)
    _entries: list[LogEntry] = field(default_factory=list)  # `log`, expanded so far

    def known_leader(self) -> tuple[int, int] | None:
        """(leader, epoch) this replica knows of, when another broker leads (KIP-951's hint)."""
        if self.leader in (self.broker, -1):
            return None
        return self.leader, self.leader_epoch

    @property
    def is_leader(self) -> bool:
        return self.leader == self.broker

    def append_batch(self, batch: LogBatch) -> None:
        """Add a whole batch at the log end (a leader's append, a follower's fetch)."""
        self.batches.append(batch)
        self.bases.append(batch.base_offset)
        self.log_end_offset += len(batch.records)

    def last_epoch(self) -> int:
        """The leader epoch of the last batch (-1 for an empty log): Fetch's lastFetchedEpoch."""
        return self.batches[-1].leader_epoch if self.batches else -1

    def end_offset_for_epoch(self, epoch: int) -> int:
        """LeaderEpochFileCache.endOffsetFor: where `epoch` ends in this log, i.e. the first
        offset written in a later epoch, else the log end offset."""
        for batch in self.batches:
            if batch.leader_epoch > epoch:
                return batch.base_offset
        return self.log_end_offset

    def truncate_to(self, offset: int) -> None:
        """UnifiedLog.truncateTo: drop every batch from `offset` on (whole batches)."""
        keep = bisect_left(self.bases, offset)
        del self.batches[keep:], self.bases[keep:]
        self.log_end_offset = self.bases[-1] + len(self.batches[-1].records) if keep else 0
        self.high_watermark = min(self.high_watermark, self.log_end_offset)
        del self._entries[self.log_end_offset :]

    def batches_from(self, offset: int) -> list[LogBatch]:
        """The batches from `offset` on; fetch offsets are batch boundaries, because
        followers only ever copy whole batches."""
        return self.batches[bisect_left(self.bases, offset) :]

    @property
    def log(self) -> list[LogEntry]:
        """The log record by record (offset order), expanded on first use and kept."""
        entries = self._entries
        done = len(entries)
        if done < self.log_end_offset:
            for batch in self.batches[bisect_left(self.bases, done) :]:
                entries.extend(batch.entries())
        return entries
