"""What became of each send(): its batch, attempts, final status and copies in the log.

Status follows the producer's callback (Callback.onCompletion): acknowledged with an offset;
failed with the error it gets; sent-without-ack with acks=0, where the send completes once
the request is written and the offset is -1 (nobody knows whether a broker stored it); or
pending when the run ended first. Copies are read from the partition's final leader log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis.attempts import attempts_by_batch
from kafkaretry.sim.analysis.model import RecordOutcome, Status, VerdictKind
from kafkaretry.sim.snapshot import ReplicaView
from kafkaretry.sim.trace import Trace

# Java's TimeoutException: what the callback gets when delivery.timeout.ms has passed.
EXPIRED_ERROR = "TimeoutException"


@dataclass(slots=True)
class _Seen:
    partition: int | None = None
    batch: int | None = None
    status: Status = "pending"
    error: str | None = None
    expired: bool = False
    ack: ev.RecordAcknowledged | None = None
    resolved_at_ms: int | None = None


def record_outcomes(trace: Trace, *, no_quorum: bool) -> tuple[RecordOutcome, ...]:
    """One RecordOutcome per send(), in send order."""
    seen = _scan(trace)
    batches = attempts_by_batch(trace)
    logs = _final_logs(trace, seen)
    firsts: dict[int, int] = {}
    out: list[RecordOutcome] = []
    for index, spec in enumerate(trace.records):
        s = seen.get(index, _Seen())
        leader = logs.get((spec.topic, s.partition)) if s.partition is not None else None
        copies = tuple(e.offset for e in leader.log if e.record == index) if leader else ()
        committed = tuple(o for o in copies if leader and o < leader.high_watermark)
        if copies:
            firsts[index] = copies[0]
        attempts = batches.get(s.batch, ()) if s.batch is not None else ()
        acked = s.status == "acknowledged"
        lost = acked and leader is not None and not copies
        out.append(
            RecordOutcome(
                index=index,
                key=spec.key,
                topic=spec.topic,
                partition=s.partition,
                batch=s.batch,
                attempts=attempts,
                status=s.status,
                error=s.error,
                expired=s.expired,
                ack_offset=None if s.ack is None else s.ack.offset,
                acked_by=None if s.ack is None else s.ack.broker,
                ack_at_ms=s.resolved_at_ms if s.ack is not None else None,
                resolved_at_ms=s.resolved_at_ms,
                copies=copies,
                committed=committed,
                final_leader=None if leader is None else leader.broker,
                lost=lost,
                duplicated=len(copies) > 1,
                reordered=False,
                kind="pending",
            )
        )
    reordered = _reordered(out, firsts)
    return tuple(_with_kind(o, o.index in reordered, no_quorum=no_quorum) for o in out)


def _scan(trace: Trace) -> dict[int, _Seen]:
    seen: dict[int, _Seen] = {}
    last_batch: dict[tuple[str, int], int] = {}  # the open batch a later record may join
    for at, e in trace.timed_events():
        match e:
            case ev.BatchCreated():
                last_batch[e.topic, e.partition] = e.batch
                seen.setdefault(e.record, _Seen()).batch = e.batch
            case ev.RecordPartitioned():
                s = seen.setdefault(e.record, _Seen())
                s.partition = e.partition
                if s.batch is None:
                    s.batch = last_batch.get((e.topic, e.partition))
            case ev.RecordAcknowledged():
                s = seen.setdefault(e.record, _Seen())
                s.batch, s.ack, s.resolved_at_ms = e.batch, e, at
                s.status = "sent-without-ack" if trace.settings.acks == 0 else "acknowledged"
            case ev.RecordFailed():
                s = seen.setdefault(e.record, _Seen())
                s.batch, s.status, s.error, s.resolved_at_ms = e.batch, "failed", e.error, at
            case ev.RecordExpired():
                s = seen.setdefault(e.record, _Seen())
                s.batch, s.status, s.resolved_at_ms = e.batch, "failed", at
                s.error, s.expired = EXPIRED_ERROR, True
            case _:
                pass
    return seen


def _final_logs(trace: Trace, seen: dict[int, _Seen]) -> dict[tuple[str, int], ReplicaView]:
    wanted = sorted(
        {
            (spec.topic, s.partition)
            for i, spec in enumerate(trace.records)
            if (s := seen.get(i)) is not None and s.partition is not None
        }
    )
    logs: dict[tuple[str, int], ReplicaView] = {}
    for topic, partition in wanted:
        leader = trace.final.leader_replica(topic, partition)
        if leader is not None:
            logs[topic, partition] = leader
    return logs


def _reordered(out: list[RecordOutcome], firsts: dict[int, int]) -> set[int]:
    """Records stored before an earlier send() of the same key (same partition): order broke."""
    found: set[int] = set()
    by_key: dict[tuple[str, int | None, str], list[int]] = {}
    for o in out:
        if o.key is not None and o.index in firsts:
            by_key.setdefault((o.topic, o.partition, o.key), []).append(o.index)
    for indices in by_key.values():
        highest = -1
        for i in indices:  # send order
            if firsts[i] < highest:
                found.add(i)
            highest = max(highest, firsts[i])
    return found


def _with_kind(o: RecordOutcome, reordered: bool, *, no_quorum: bool) -> RecordOutcome:
    return replace(o, reordered=reordered, kind=_kind(o, no_quorum=no_quorum))


def _kind(o: RecordOutcome, *, no_quorum: bool) -> VerdictKind:  # noqa: PLR0911 - one per kind
    if o.lost:
        return "acked-then-lost"
    if o.duplicated:
        return "duplicated"
    if o.status == "sent-without-ack":
        return "sent-without-ack"
    if o.status == "failed" and o.copies:
        return "failed-but-stored"
    if o.status in ("failed", "pending") and no_quorum:
        return "no-quorum"
    if o.status == "failed":
        return "expired" if o.expired else "failed"
    if o.status == "pending":
        return "pending" if o.attempts else "not-sent"
    if o.deduplicated:
        return "deduplicated-retry"
    return "retried-single-append" if o.retried else "no-retry"
