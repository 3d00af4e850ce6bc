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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
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
    # The cluster: who failed, and how long until the controllers had replaced it.
    leader_changes: int  # PartitionLeaderElected records for the record's partition
    controller_changes: int  # active controllers elected after a crash
    time_to_new_leader_ms: int | None  # first broker crash → new leader of its partition
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


def run_facts(trace: Trace) -> RunFacts:
    """The facts of one finished run; linear in its events and final logs."""
    outcomes = record_outcomes(trace)
    tried = trace.attempts(0) if trace.records else ()
    copies = final_copies(trace)
    tally = Counter(outcomes)
    ack = trace.acknowledgement(0) if trace.records else None
    partition = trace.partition_of(0) if trace.records else None
    topic = trace.records[0].topic if trace.records else ""
    broker_crash = next((at for at, _ in trace.of_type(k.BrokerCrashed)), None)
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
    new_leader = next(
        (at for at, e in leaders if e.new_leader >= 0 and e.new_leader != e.old_leader), None
    )
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
        time_to_ack_ms=None if ack is None else ack[0] - trace.records[0].send_at_ms,
        idempotence=trace.settings.idempotence,
        leader_changes=len(leaders),
        controller_changes=len(elected),
        time_to_new_leader_ms=_since(broker_crash, new_leader),
        time_to_new_controller_ms=_since(controller_crash, elected[0] if elected else None),
    )


def _since(start: int | None, end: int | None) -> int | None:
    return None if start is None or end is None else end - start
