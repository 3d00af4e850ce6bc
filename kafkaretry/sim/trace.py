"""The immutable record of a run: steps of (time, events) and queries over them.

Every view (human, --json, --step, tests) reads the same Trace; the queries here are the
ones those views share, so two views cannot tell two different stories.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from kafkaretry.sim import events as ev
from kafkaretry.sim.attempts import Attempt, at_position, attempts_by_batch
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.settings import ClusterSettings, EffectiveProducer, RecordSpec
from kafkaretry.sim.snapshot import ClusterSnapshot

E = TypeVar("E")
__all__ = ["Attempt", "Fate", "Step", "Trace", "new_step"]


@dataclass(frozen=True, slots=True)
class Step:
    at_ms: int
    events: tuple[ev.TraceEvent, ...]
    snapshot: ClusterSnapshot | None


# One Step per queue action: built without the dataclass __init__ (engine/frozen.py says why).
new_step = fast_constructor(Step)


@dataclass(frozen=True, slots=True)
class Fate:
    """How a record's story ended: what the send() callback (or send() itself) was told."""

    # acknowledged | sent-without-ack (acks=0) | failed | expired | undecided (stopped first)
    outcome: str
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
        placed = self.placement(record)
        return None if placed is None else placed[0]

    def placement(self, record: int = 0) -> tuple[int, int] | None:
        """(batch, position in it) of `record`: the accumulator appends a record to its
        partition's open batch, or opens one with it (RecordAccumulator.append)."""
        open_batch: dict[tuple[str, int], int] = {}
        size: dict[int, int] = {}
        pending: ev.RecordPartitioned | None = None  # placed in the open batch, or a new one
        for _, e in self.timed_events():
            if pending is not None:
                if isinstance(e, ev.BatchCreated) and e.record == pending.record:
                    pending = None  # it opened this batch: handled below
                else:
                    batch = open_batch.get((pending.topic, pending.partition))
                    if batch is not None:
                        if pending.record == record:
                            return batch, size[batch]
                        size[batch] += 1
                    pending = None
            if isinstance(e, ev.BatchCreated):
                open_batch[e.topic, e.partition] = e.batch
                size[e.batch] = 1
                if e.record == record:
                    return e.batch, 0
            elif isinstance(e, ev.RecordPartitioned):
                pending = e
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
                    # acks=0: complete once written to the socket; nobody acknowledged it.
                    sent = self.settings.acks == 0
                    return Fate("sent-without-ack" if sent else "acknowledged", at, None)
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
        placed = self.placement(record)
        if placed is None:
            return ()
        batch, position = placed
        found = attempts_by_batch(self.timed_events(), only=batch).get(batch, ())
        return tuple(at_position(a, position) for a in found)
