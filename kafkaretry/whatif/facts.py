"""The facts that `compare` and `sweep` compare and count, derived from one finished run.

This is the one interface between a run and the what-if features: `run_facts(trace)`
reads the Trace's events and final logs, and nothing else. A per-record analysis of a
finished run (outcome, copies, loss, duplication per record) can replace the body of
`run_facts` and `record_outcomes` later without changing their callers, which read only
the fields of `RunFacts` below.

Outcomes of a record, as the producer's callback and the final logs say:
- `acknowledged`: the producer got an offset back (RecordAcknowledged, offset >= 0);
- `sent-without-ack`: acks=0, the producer counts the send as done and never learns an
  offset (Kafka's `RecordMetadata.offset()` is -1 then);
- `failed`: the producer's callback got an error (RecordFailed, or RecordExpired at
  delivery.timeout.ms);
- `pending`: none of these by the end of the run.
A record is `lost` when it was acknowledged but the final log of its partition's leader
does not hold it, and `duplicated` when that log holds it more than once.

Times, in simulated ms:
- time to ack: from the record's send() handing it to the accumulator (RecordPartitioned:
  send() may first block in KafkaProducer.waitOnMetadata) to its acknowledgement;
- time to new leader: from the first fault that strikes a node (a broker's crash, SIGTERM
  of a stop-broker, isolation, or a controller's crash) to the commit (a majority of
  controllers holds the PartitionChangeRecord) of the first change of the leader of the
  first record's partition to another broker at or after it, whatever moved it: an
  election after a crash, a controlled shutdown, the preferred leader's return;
- time to new controller: from the active controller's crash to the next election.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as sd
from kafkaretry.sim.trace import Trace

OUTCOMES = ("acknowledged", "sent-without-ack", "failed", "pending")


@dataclass(frozen=True, slots=True)
class RunFacts:
    """One run in numbers. Times are simulated ms; None where it never happened."""

    seed: int
    records: int
    outcomes: tuple[tuple[str, int], ...]  # (outcome, records) for each of OUTCOMES
    lost: int  # acknowledged records missing from their partition leader's final log
    duplicated: int  # records the final log holds more than once
    # The story's record (the first send()): what the side-by-side view shows.
    outcome: str
    partition: int | None
    copies: int
    attempts: int
    attempt_outcomes: tuple[str, ...]  # per attempt, as the --json `attempts[].outcome`
    ack_broker: int | None
    ack_at_ms: int | None
    time_to_ack_ms: int | None  # from its send() to its acknowledgement
    idempotence: bool
    # every acknowledged record's time to ack, by record id (what `sweep` spreads)
    times_to_ack_ms: tuple[int, ...]
    # The cluster: who failed, and how long until the controllers had replaced it.
    leader_changes: int  # PartitionLeaderElected records for the record's partition
    controller_changes: int  # active controllers elected after a crash
    time_to_new_leader_ms: int | None  # first node fault → committed new leader (see above)
    time_to_new_controller_ms: int | None  # active controller's crash → next one elected

    def count(self, outcome: str) -> int:
        return dict(self.outcomes)[outcome]


def record_outcomes(trace: Trace) -> list[str]:
    """The outcome of every record, by record id (see the module docstring)."""
    outcome = ["pending"] * len(trace.records)
    for _, event in trace.timed_events():
        if isinstance(event, ev.RecordAcknowledged):
            outcome[event.record] = "acknowledged" if event.offset >= 0 else "sent-without-ack"
        elif isinstance(event, ev.RecordFailed | ev.RecordExpired):
            outcome[event.record] = "failed"
    return outcome


def final_copies(trace: Trace) -> Counter[int]:
    """How often each record id sits in its partition leader's final log."""
    copies: Counter[int] = Counter()
    topics = {record.topic for record in trace.records}
    places = sorted(
        {
            (r.topic, r.partition)
            for b in trace.final.brokers
            for r in b.replicas
            if r.topic in topics
        }
    )
    for place in places:
        leader = trace.final.leader_replica(*place)
        if leader is not None:
            copies.update(entry.record for entry in leader.log)
    return copies


# The faults that strike a node; the clock of "time to new leader" starts at the first.
NODE_FAULTS = (k.BrokerCrashed, sd.BrokerShutdownRequested, k.BrokerIsolated, k.ControllerCrashed)


def ack_times(trace: Trace) -> dict[int, int]:
    """record id -> ms from its send() handing it to the accumulator to its acknowledgement
    (acks=0 records, never acknowledged by a broker, are left out)."""
    handed: dict[int, int] = {}
    out: dict[int, int] = {}
    for at, e in trace.timed_events():
        if isinstance(e, ev.RecordPartitioned):
            handed.setdefault(e.record, at)
        elif isinstance(e, ev.RecordAcknowledged) and e.offset >= 0 and e.record in handed:
            out.setdefault(e.record, at - handed[e.record])
    return out


def committed_leader_changes(trace: Trace, topic: str, partition: int) -> list[int]:
    """When each change of the partition's leader to another broker was committed, in order.

    A PartitionChangeRecord counts once a majority of controllers holds it (the
    MetadataRecordCommitted at its offset names it); one a new metadata leader truncated
    never is."""
    written: dict[int, k.PartitionLeaderElected] = {}
    out: list[int] = []
    for at, e in trace.timed_events():
        if isinstance(e, k.PartitionLeaderElected | k.IsrShrunk | k.IsrExpanded):
            written.pop(e.offset, None)  # a later write at that offset replaced it
            if (
                isinstance(e, k.PartitionLeaderElected)
                and (e.topic, e.partition) == (topic, partition)
                and e.new_leader >= 0
                and e.new_leader != e.old_leader
            ):
                written[e.offset] = e
        elif isinstance(e, k.MetadataRecordCommitted) and e.offset in written:
            change = written.pop(e.offset)
            name = f"PartitionChange {topic}-{partition} leader={change.new_leader}"
            if e.what == name or e.what.startswith(name + " "):
                out.append(at)
    return out


def run_facts(trace: Trace) -> RunFacts:
    """The facts of one finished run; linear in its events and final logs."""
    outcomes = record_outcomes(trace)
    tried = trace.attempts(0) if trace.records else ()
    copies = final_copies(trace)
    tally = Counter(outcomes)
    # acks=0: the send completes once written; no broker acknowledges anything (offset -1).
    ack = trace.acknowledgement(0) if trace.records and trace.settings.acks != 0 else None
    acked = ack_times(trace)
    partition = trace.partition_of(0) if trace.records else None
    topic = trace.records[0].topic if trace.records else ""
    fault = min((at for kind in NODE_FAULTS for at, _ in trace.of_type(kind)), default=None)
    controller_crash = next(
        (at for at, e in trace.of_type(k.ControllerCrashed) if e.was_active), None
    )
    leaders = [
        (at, e)
        for at, e in trace.of_type(k.PartitionLeaderElected)
        if (e.topic, e.partition) == (topic, partition)
    ]
    elected = [
        at
        for at, _ in trace.of_type(k.ControllerElected)
        if controller_crash is not None and at >= controller_crash
    ]
    moved = [] if partition is None else committed_leader_changes(trace, topic, partition)
    new_leader = next((at for at in moved if fault is not None and at >= fault), None)
    return RunFacts(
        seed=trace.seed,
        records=len(trace.records),
        outcomes=tuple((o, tally[o]) for o in OUTCOMES),
        lost=sum(1 for r, o in enumerate(outcomes) if o == "acknowledged" and copies[r] == 0),
        duplicated=sum(1 for r in range(len(outcomes)) if copies[r] > 1),
        outcome=outcomes[0] if outcomes else "pending",
        partition=partition,
        copies=copies[0],
        attempts=len(tried),
        attempt_outcomes=tuple(a.outcome for a in tried),
        ack_broker=None if ack is None else ack[1].broker,
        ack_at_ms=None if ack is None else ack[0],
        time_to_ack_ms=acked.get(0) if ack is not None else None,
        idempotence=trace.settings.idempotence,
        times_to_ack_ms=tuple(acked[r] for r in sorted(acked)),
        leader_changes=len(leaders),
        controller_changes=len(elected),
        time_to_new_leader_ms=_since(fault, new_leader),
        time_to_new_controller_ms=_since(controller_crash, elected[0] if elected else None),
    )


def _since(start: int | None, end: int | None) -> int | None:
    return None if start is None or end is None else end - start
