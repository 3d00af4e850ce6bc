"""The immutable record of a run: steps of (time, events) and queries over them.

Every view (human, --json, --step, tests) reads the same Trace; the queries here are the
ones those views share, so two views cannot tell two different stories.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from kafkaretry.sim import events as ev
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.settings import ClusterSettings, EffectiveProducer, RecordSpec
from kafkaretry.sim.snapshot import ClusterSnapshot

E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Step:
    at_ms: int
    events: tuple[ev.TraceEvent, ...]
    snapshot: ClusterSnapshot | None


# One Step per queue action: built without the dataclass __init__ (engine/frozen.py says why).
new_step = fast_constructor(Step)


@dataclass(frozen=True, slots=True)
class Attempt:
    attempt: int
    at_ms: int
    batch: int
    partition: int
    broker: int
    # acknowledged | deduplicated (answered NONE with the original offset) | response-lost
    # | request-lost | timed-out | expired | an error name (NETWORK_EXCEPTION: connection
    # reset) | no-answer
    outcome: str
    appended_offset: int | None  # where the broker wrote it this time (None: not written)


@dataclass(frozen=True, slots=True)
class Fate:
    """How a record's story ended: what the send() callback (or send() itself) was told."""

    outcome: str  # acknowledged | failed | expired | undecided (the run was stopped first)
    at_ms: int | None
    error: str | None  # the exception or Errors name the callback gets; None if acknowledged


@dataclass(frozen=True, slots=True)
class Trace:
    scenario: str
    seed: int
    settings: EffectiveProducer
    records: tuple[RecordSpec, ...]
    steps: tuple[Step, ...]
    final: ClusterSnapshot
    cluster: ClusterSettings  # the broker and controller settings used
    # Rebuilds pictures of the cluster by replaying the run (Simulation._replay).
    replay: Callable[[Collection[int]], dict[int, ClusterSnapshot]] | None = field(
        default=None, compare=False, repr=False
    )

    def snapshots_after(self, wanted: Collection[int]) -> dict[int, ClusterSnapshot]:
        """{step index: the cluster right after `steps[index]`} for each wanted index.

        A step recorded with its snapshot gives it; otherwise the deterministic run is
        replayed once, taking only these pictures, so memory stays with the events."""
        found = {i: s for i in wanted if (s := self.steps[i].snapshot) is not None}
        missing = [i for i in wanted if i not in found]
        if missing and self.replay is not None:
            found.update(self.replay(missing))
        return found

    def timed_events(self) -> Iterator[tuple[int, ev.TraceEvent]]:
        for step in self.steps:
            for event in step.events:
                yield step.at_ms, event

    def of_type(self, kind: type[E]) -> list[tuple[int, E]]:
        return [(at, e) for at, e in self.timed_events() if isinstance(e, kind)]

    def partition_of(self, record: int = 0) -> int | None:
        for _, e in self.of_type(ev.RecordPartitioned):
            if e.record == record:
                return e.partition
        return None

    def batch_of(self, record: int = 0) -> int | None:
        for _, e in self.of_type(ev.BatchCreated):
            if e.record == record:
                return e.batch
        # later records join an open batch: find the acknowledgement or failure instead
        for _, r in self.of_type(ev.RecordAcknowledged):
            if r.record == record:
                return r.batch
        return None

    def acknowledgement(self, record: int = 0) -> tuple[int, ev.RecordAcknowledged] | None:
        for at, e in self.of_type(ev.RecordAcknowledged):
            if e.record == record:
                return at, e
        return None

    def fate(self, record: int = 0) -> Fate:
        for at, e in self.timed_events():
            match e:
                case ev.RecordAcknowledged(record=r) if r == record:
                    return Fate("acknowledged", at, None)
                case ev.RecordFailed(record=r, error=error) if r == record:
                    return Fate("failed", at, error)
                case ev.MetadataWaitTimedOut(record=r, topic=t, max_block_ms=ms) if r == record:
                    return Fate(
                        "failed",
                        at,
                        f"TimeoutException: Topic {t} not present in metadata after {ms} ms.",
                    )
                case ev.RecordExpired(record=r, delivery_timeout_ms=ms) if r == record:
                    return Fate("expired", at, f"TimeoutException: delivery.timeout.ms={ms}")
                case _:
                    pass
        return Fate("undecided", None, None)

    def copies(self, record: int = 0) -> tuple[int, ...]:
        """Offsets at which the partition leader's log holds `record` at the end."""
        partition = self.partition_of(record)
        if partition is None:
            return ()
        leader = self.final.leader_replica(self.records[record].topic, partition)
        if leader is None:
            return ()
        return tuple(entry.offset for entry in leader.log if entry.record == record)

    def attempts(self, record: int = 0) -> tuple[Attempt, ...]:
        batch = self.batch_of(record)
        timed = list(self.timed_events())
        found: list[Attempt] = []
        for i, (at, e) in enumerate(timed):
            if isinstance(e, ev.ProduceRequestSent) and e.batch == batch:
                outcome, offset = _outcome(timed[i + 1 :], e)
                found.append(
                    Attempt(e.attempt, at, e.batch, e.partition, e.broker, outcome, offset)
                )
        return tuple(found)


def _outcome(
    later: list[tuple[int, ev.TraceEvent]], sent: ev.ProduceRequestSent
) -> tuple[str, int | None]:
    offset: int | None = None
    lost, dedup = "", False  # "deduplicated" only if the duplicate's answer came back
    for _, e in later:
        match e:
            case ev.RecordAppended(batch=b, attempt=a, base_offset=o) if (b, a) == (
                sent.batch,
                sent.attempt,
            ):
                offset = o
            case ev.DuplicateDetected(batch=b) if b == sent.batch and offset is None:
                offset, dedup = None, True
            case ev.ResponseDropped(batch=b, attempt=a) if (b, a) == (sent.batch, sent.attempt):
                lost = "response-lost"
            case ev.RequestDropped(batch=b, attempt=a) if (b, a) == (sent.batch, sent.attempt):
                lost = "request-lost"
            case ev.ProduceRequestTimedOut(batch=b, attempt=a) if (b, a) == (
                sent.batch,
                sent.attempt,
            ):
                return lost or "timed-out", offset
            case ev.ProduceResponseReceived(batch=b, attempt=a, error=err) if (b, a) == (
                sent.batch,
                sent.attempt,
            ):
                if err != "NONE":
                    return err, offset
                return ("deduplicated" if dedup else "acknowledged"), offset
            case ev.RecordExpired(batch=b) if b == sent.batch:
                return lost or "expired", offset
            case ev.RetryScheduled(batch=b, next_attempt=n, error=err) if (b, n) == (
                sent.batch,
                sent.attempt + 1,
            ):
                return lost or err, offset  # failed without an answer, e.g. a connection reset
            case _:
                pass
    return lost or "no-answer", offset
