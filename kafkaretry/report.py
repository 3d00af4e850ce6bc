"""What a run means for the record, as data: shared by the summary table and --json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from kafkaretry.losses import acknowledged_then_lost
from kafkaretry.ordering import out_of_send_order
from kafkaretry.sim import events as ev
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.trace import Attempt, Trace


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
    s = summarize(trace, key_type, record)
    return {
        "scenario": trace.scenario,
        "seed": trace.seed,
        "settings": trace.settings.kafka_names(),
        "cluster_settings": trace.cluster.kafka_names(),
        "record": {"key": s.key, "key_type": s.key_type, "partition": s.partition},
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
        **failover_json(trace, record),
        "acknowledged_then_lost": [asdict(lost) for lost in acknowledged_then_lost(trace)],
        "out_of_send_order": [
            {**asdict(late), "overtaken_by": list(late.overtaken_by)}
            for late in out_of_send_order(trace)
        ],
        "events": [event_json(at, e) for at, e in trace.timed_events()],
    }


def failover_json(trace: Trace, record: int = 0) -> dict[str, Any]:
    """What a broker or controller failure did (each field null when there was none)."""
    topic, partition = trace.records[record].topic, trace.partition_of(record)
    brokers = trace.of_type(k.BrokerCrashed)
    controllers = [(at, e) for at, e in trace.of_type(k.ControllerCrashed) if e.was_active]
    elected = [(at, e) for at, e in trace.of_type(k.ControllerElected) if controllers]
    leaders = [
        (at, e)
        for at, e in trace.of_type(k.PartitionLeaderElected)
        if (e.topic, e.partition) == (topic, partition)
    ]
    ack = trace.acknowledgement(record)
    return {
        "failed": {
            "broker": brokers[0][1].broker if brokers else None,
            "controller": controllers[0][1].controller if controllers else None,
            "isolated": next((e.broker for _, e in trace.of_type(k.BrokerIsolated)), None),
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
            "old_leader": leaders[0][1].old_leader,
            "new_leader": leaders[0][1].new_leader,
            "leader_epoch": leaders[0][1].leader_epoch,
            "isr_after": list(leaders[0][1].isr_after),
            "at_ms": leaders[0][0],
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
