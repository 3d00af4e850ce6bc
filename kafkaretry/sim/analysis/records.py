"""What became of each send(): its batch, attempts, final status and copies in the log.

Status follows the producer's callback (Callback.onCompletion): acknowledged with an offset;
failed with the error it gets; sent-without-ack with acks=0, where the send completes once
the request is written and the offset is -1 (nobody knows whether a broker stored it); or
pending when the run ended first. Copies are read from the partition's final leader log.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis.loss import AckFate, LossFacts
from kafkaretry.sim.analysis.model import RecordOutcome, Status, VerdictKind
from kafkaretry.sim.attempts import at_position, attempts_by_batch
from kafkaretry.sim.snapshot import ReplicaView
from kafkaretry.sim.trace import Attempt, Trace

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
    position: int = 0  # its place in its batch: the batch's base offset + this is its offset


def record_outcomes(trace: Trace, *, no_quorum: bool) -> tuple[RecordOutcome, ...]:
    """One RecordOutcome per send(), in send order."""
    seen = _scan(trace)
    batches = attempts_by_batch(trace.timed_events())
    logs = _final_logs(trace, seen)
    offsets = _offsets_by_record(logs)
    holders = _holders(trace, seen)
    reordered = _reordered(trace, seen, offsets)
    loss = LossFacts(trace)
    out: list[RecordOutcome] = []
    for index, spec in enumerate(trace.records):
        s = seen.get(index, _Seen())
        partition = s.partition
        leader = logs.get((spec.topic, partition)) if partition is not None else None
        copies = (
            tuple(offsets.get((spec.topic, partition, index), ()))
            if leader is not None and partition is not None
            else ()
        )
        committed = tuple(o for o in copies if leader and o < leader.high_watermark)
        attempts = tuple(
            at_position(a, s.position)
            for a in (batches.get(s.batch, ()) if s.batch is not None else ())
        )
        lost = s.status == "acknowledged" and leader is not None and not copies
        kind = _kind(s, attempts, copies, lost=lost, no_quorum=no_quorum, leaderless=leader is None)
        fate = (
            loss.fate(s.ack, s.resolved_at_ms, leader)
            if s.ack is not None and s.resolved_at_ms is not None
            else _NO_FATE
        )
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
                reordered=index in reordered,
                kind=kind,
                copied_at_ack=fate.copied_at_ack,
                truncated=fate.truncated,
                ack_offset_holds=fate.ack_offset_holds,
                held_by=tuple(holders.get((spec.topic, partition, index), ()))
                if partition is not None
                else (),
            )
        )
    return tuple(out)


_NO_FATE = AckFate((), (), None)


def _scan(trace: Trace) -> dict[int, _Seen]:
    seen: dict[int, _Seen] = {}
    last_batch: dict[tuple[str, int], int] = {}  # the open batch a later record may join
    size: dict[int, int] = {}  # records in each batch so far (RecordAccumulator.append)
    acked: Status = "sent-without-ack" if trace.settings.acks == 0 else "acknowledged"
    wanted = _SCANNED
    for at, e in trace.timed_events():
        kind = type(e)
        if kind not in wanted:  # most events: one set lookup, no pattern matching
            continue
        record: int = e.record  # type: ignore[union-attr]
        s = seen.get(record)
        if s is None:
            s = seen[record] = _Seen()
        if isinstance(e, ev.BatchCreated):
            if s.batch is not None and s.batch != e.batch:
                size[s.batch] -= 1  # it did not join the open batch: it opened this one
            last_batch[e.topic, e.partition] = e.batch
            s.batch, s.position, size[e.batch] = e.batch, 0, 1
        elif isinstance(e, ev.RecordPartitioned):
            s.partition = e.partition
            if s.batch is None:
                s.batch = last_batch.get((e.topic, e.partition))
                if s.batch is not None:
                    s.position = size[s.batch]
                    size[s.batch] += 1
        elif isinstance(e, ev.RecordAcknowledged):
            s.batch, s.ack, s.resolved_at_ms, s.status = e.batch, e, at, acked
        elif isinstance(e, ev.RecordFailed):
            s.batch, s.status, s.error, s.resolved_at_ms = e.batch, "failed", e.error, at
        elif isinstance(e, ev.RecordExpired):
            s.batch, s.status, s.resolved_at_ms = e.batch, "failed", at
            s.error, s.expired = EXPIRED_ERROR, True
        elif isinstance(e, ev.MetadataWaitTimedOut):
            # KafkaProducer.waitOnMetadata gave up after max.block.ms: doSend hands the
            # TimeoutException to the callback (an ApiException) before any partition is chosen.
            s.status, s.error, s.resolved_at_ms = "failed", "TimeoutException", at
    return seen


_SCANNED = frozenset(
    {
        ev.BatchCreated,
        ev.RecordPartitioned,
        ev.RecordAcknowledged,
        ev.RecordFailed,
        ev.RecordExpired,
        ev.MetadataWaitTimedOut,
    }
)


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


def _offsets_by_record(
    logs: dict[tuple[str, int], ReplicaView],
) -> dict[tuple[str, int, int], list[int]]:
    """(topic, partition, record) -> offsets in that partition's final leader log: one pass."""
    out: dict[tuple[str, int, int], list[int]] = {}
    for (topic, partition), leader in logs.items():
        for entry in leader.log:
            out.setdefault((topic, partition, entry.record), []).append(entry.offset)
    return out


def _holders(trace: Trace, seen: dict[int, _Seen]) -> dict[tuple[str, int, int], list[int]]:
    """(topic, partition, record) -> the brokers whose own final log holds it, in id order."""
    wanted = {
        (spec.topic, s.partition)
        for i, spec in enumerate(trace.records)
        if (s := seen.get(i)) is not None and s.partition is not None
    }
    out: dict[tuple[str, int, int], list[int]] = {}
    for view in sorted(trace.final.brokers, key=lambda b: b.id):
        for r in view.replicas:
            if (r.topic, r.partition) not in wanted:
                continue
            for entry in r.log:
                held = out.setdefault((r.topic, r.partition, entry.record), [])
                if not held or held[-1] != view.id:
                    held.append(view.id)
    return out


def _reordered(
    trace: Trace, seen: dict[int, _Seen], offsets: dict[tuple[str, int, int], list[int]]
) -> set[int]:
    """Records stored before an earlier send() of the same key (same partition): order broke."""
    found: set[int] = set()
    highest: dict[tuple[str, int, str], int] = {}
    for index, spec in enumerate(trace.records):  # send order
        s = seen.get(index)
        if spec.key is None or s is None or s.partition is None:
            continue
        stored = offsets.get((spec.topic, s.partition, index))
        if not stored:
            continue
        key = (spec.topic, s.partition, spec.key)
        if stored[0] < highest.get(key, -1):
            found.add(index)
        highest[key] = max(highest.get(key, -1), stored[0])
    return found


def _kind(  # noqa: PLR0911 - one return per kind
    s: _Seen,
    attempts: tuple[Attempt, ...],
    copies: tuple[int, ...],
    *,
    lost: bool,
    no_quorum: bool,
    leaderless: bool,
) -> VerdictKind:
    if lost:
        return "acked-then-lost"
    if s.status == "acknowledged" and leaderless:
        return "no-leader"  # no final leader's log to read it from: neither one copy nor lost
    if len(copies) > 1:
        return "duplicated"
    if s.status == "sent-without-ack":
        return "sent-without-ack"
    if s.status == "failed" and copies:
        return "failed-but-stored"
    if s.status in ("failed", "pending") and no_quorum:
        return "no-quorum"
    if s.status == "failed":
        return "expired" if s.expired else "failed"
    if s.status == "pending":
        return "pending" if attempts else "not-sent"
    if any(a.outcome == "deduplicated" for a in attempts):
        return "deduplicated-retry"
    return "retried-single-append" if len(attempts) > 1 else "no-retry"
