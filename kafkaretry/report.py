"""What a run means for the record, as data: shared by the summary table and --json."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import RunAnalysis, analyse, analysis_json
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.trace import Attempt, Fate, Trace


@dataclass(frozen=True, slots=True)
class RunSummary:
    key: str | None
    key_type: str
    partition: int | None
    idempotence: bool
    attempts: tuple[Attempt, ...]
    copies: int
    offsets: tuple[int, ...]
    acked: bool
    ack_offset: int | None
    ack_at_ms: int | None
    fate: Fate


def summarize(trace: Trace, key_type: str, record: int = 0) -> RunSummary:
    ack = trace.acknowledgement(record)
    offsets = trace.copies(record)
    return RunSummary(
        key=trace.records[record].key,
        key_type=key_type,
        partition=trace.partition_of(record),
        idempotence=trace.settings.idempotence,
        attempts=trace.attempts(record),
        copies=len(offsets),
        offsets=offsets,
        acked=ack is not None,
        ack_offset=None if ack is None else ack[1].offset,
        ack_at_ms=None if ack is None else ack[0],
        fate=trace.fate(record),
    )


def event_json(at_ms: int, event: TraceEvent) -> dict[str, Any]:
    data: dict[str, Any] = {"at_ms": at_ms, "type": type(event).__name__}
    for f in fields(event):
        if f.name == "at_ms":
            continue  # control-plane events carry their time; the step already gives it
        value = getattr(event, f.name)
        data[f.name] = (
            [list(v) if isinstance(v, tuple) else v for v in value]
            if isinstance(value, tuple)
            else value
        )
    return data


def trace_json(trace: Trace, key_type: str, record: int = 0) -> dict[str, Any]:
    """The --json document (its fields are documented in the README), then the full event trace."""
    return {**trace_json_head(trace, key_type, record), "events": list(events_json(trace))}


def events_json(trace: Trace) -> Iterator[dict[str, Any]]:
    """The `events` of the --json document, one at a time (a long run has millions)."""
    return (event_json(at, e) for at, e in trace.timed_events())


def trace_json_head(trace: Trace, key_type: str, record: int = 0) -> dict[str, Any]:
    """The --json document without its last field, `events`."""
    s = summarize(trace, key_type, record)
    analysis = analyse(trace)
    return {
        "scenario": trace.scenario,
        "seed": trace.seed,
        "settings": trace.settings.kafka_names(),
        "cluster_settings": trace.cluster.kafka_names(),
        # A null key has no serializer: key_type is null too.
        "record": {
            "key": s.key,
            "key_type": None if s.key is None else s.key_type,
            "partition": s.partition,
        },
        "attempts": [
            {
                "attempt": a.attempt,
                "at_ms": a.at_ms,
                "partition": a.partition,
                "broker": a.broker,
                "outcome": a.outcome,
                "appended_offset": a.appended_offset,
            }
            for a in s.attempts
        ],
        "log": {"partition": s.partition, "copies": s.copies, "offsets": list(s.offsets)},
        "acked": s.acked,
        "ack_offset": s.ack_offset,
        "ack_at_ms": s.ack_at_ms,
        "fate": {"outcome": s.fate.outcome, "at_ms": s.fate.at_ms, "error": s.fate.error},
        **failover_json(trace, analysis, record),
        **analysis_json(analysis),
    }


def failover_json(trace: Trace, analysis: RunAnalysis, record: int = 0) -> dict[str, Any]:
    """What a broker or controller failure did (each field null when there was none).

    `leader_election` is the first change of the record's partition leader that the
    controllers committed: one whose controller died before committing never took effect.
    """
    topic, partition = trace.records[record].topic, trace.partition_of(record)
    brokers = trace.of_type(k.BrokerCrashed)
    controllers = [(at, e) for at, e in trace.of_type(k.ControllerCrashed) if e.was_active]
    elected = [(at, e) for at, e in trace.of_type(k.ControllerElected) if controllers]
    leaders = [
        change
        for change in analysis.cluster.leader_changes
        if (change.topic, change.partition) == (topic, partition)
    ]
    ack = trace.acknowledgement(record)
    isolated = analysis.cluster.broker_isolations
    return {
        "failed": {
            "broker": brokers[0][1].broker if brokers else None,
            "controller": controllers[0][1].controller if controllers else None,
            "isolated": isolated[0][1] if isolated else None,
        },
        "controller_election": None
        if not elected
        else {
            "new_active": elected[0][1].new_active,
            "epoch": elected[0][1].epoch,
            "at_ms": elected[0][0],
            "votes": list(elected[0][1].votes),
        },
        "leader_election": None
        if not leaders
        else {
            "partition": partition,
            "old_leader": leaders[0].old_leader,
            "new_leader": leaders[0].new_leader,
            "leader_epoch": leaders[0].leader_epoch,
            "isr_after": list(leaders[0].isr_after),
            "at_ms": leaders[0].decided_at_ms,
            "committed_at_ms": leaders[0].committed_at_ms,
        },
        "metadata_refreshes": [
            {
                "at_ms": at,
                "via_broker": e.broker,
                "leader_seen": next((lead for p, lead, _ in e.leaders if p == partition), None),
            }
            for at, e in trace.of_type(ev.MetadataReceived)
            if e.topic == topic
        ],
        "ack_broker": None if ack is None else ack[1].broker,
    }
