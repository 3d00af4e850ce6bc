"""Every produce attempt of a batch, read from the trace in one pass.

An attempt is one ProduceRequest of a batch; its outcome is what the producer learnt of it
(see `Attempt`): acknowledged, deduplicated (the broker answered NONE with the first
append's offset, ProducerStateManager's duplicate check), response-lost, request-lost,
timed-out (request.timeout.ms), expired (delivery.timeout.ms), a Kafka error name, or
no-answer when the run ended first. One pass over the events, whatever the number of
attempts: a record retried for the whole delivery.timeout.ms has a thousand of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from kafkaretry.sim import events as ev


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


def at_position(attempt: Attempt, position: int) -> Attempt:
    """The batch's attempt as one record saw it: appended at the batch's base + its place."""
    if attempt.appended_offset is None or position == 0:
        return attempt
    return dataclasses.replace(attempt, appended_offset=attempt.appended_offset + position)


@dataclass(slots=True)
class _Open:
    sent: ev.ProduceRequestSent
    at_ms: int
    offset: int | None = None
    lost: str = ""
    outcome: str | None = None


def attempts_by_batch(
    timed: Iterable[tuple[int, ev.TraceEvent]], only: int | None = None
) -> dict[int, tuple[Attempt, ...]]:
    """batch id -> its attempts in send order (only batch `only`, if given), in one pass."""
    by_batch: dict[int, list[_Open]] = {}
    undecided: dict[int, list[_Open]] = {}  # a batch's attempts still waiting for an outcome
    for at, e in timed:
        if isinstance(e, ev.ProduceRequestSent):
            if only in (None, e.batch):
                opened = _Open(e, at)
                by_batch.setdefault(e.batch, []).append(opened)
                undecided.setdefault(e.batch, []).append(opened)
            continue
        batch: int | None = getattr(e, "batch", None)
        waiting = undecided.get(batch) if batch is not None else None
        if batch is None or not waiting or isinstance(e, ev.BatchCreated):
            continue
        for o in waiting:
            _observe(o, e)
        undecided[batch] = [o for o in waiting if o.outcome is None]
    return {
        batch: tuple(
            Attempt(
                o.sent.attempt,
                o.at_ms,
                batch,
                o.sent.partition,
                o.sent.broker,
                o.outcome if o.outcome is not None else (o.lost or "no-answer"),
                o.offset,
            )
            for o in opened
        )
        for batch, opened in by_batch.items()
    }


def _observe(o: _Open, e: ev.TraceEvent) -> None:
    mine = getattr(e, "attempt", None) == o.sent.attempt
    match e:
        case ev.RecordAppended() if mine:
            o.offset = e.base_offset
        case ev.DuplicateDetected() if o.offset is None:
            o.lost = "deduplicated"
        case ev.ResponseDropped() if mine:
            o.lost = "response-lost"
        case ev.RequestDropped() if mine:
            o.lost = "request-lost"
        case ev.ProduceRequestTimedOut() if mine:
            o.outcome = o.lost or "timed-out"
        case ev.ProduceResponseReceived() if mine:
            if e.error != "NONE":
                o.outcome = e.error
            else:
                o.outcome = "deduplicated" if o.lost == "deduplicated" else "acknowledged"
        case ev.RecordExpired():
            o.outcome = o.lost or "expired"
        case ev.RetryScheduled() if e.next_attempt == o.sent.attempt + 1:
            o.outcome = o.lost or e.error
        case _:
            pass
