"""Every produce attempt of every batch, read from the trace in one pass.

An attempt is one ProduceRequest of a batch; its outcome is what the producer learnt of it
(see `Attempt`): acknowledged, deduplicated (the broker answered NONE with the first
append's offset, ProducerStateManager's duplicate check), response-lost, request-lost,
timed-out (request.timeout.ms), expired (delivery.timeout.ms), a Kafka error name, or
no-answer when the run ended first. `Trace.attempts` gives the same answer per record by
rescanning; this pass serves runs with thousands of records.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.trace import Attempt, Trace


@dataclass(slots=True)
class _Open:
    sent: ev.ProduceRequestSent
    at_ms: int
    offset: int | None = None
    lost: str = ""
    outcome: str | None = None


def attempts_by_batch(trace: Trace) -> dict[int, tuple[Attempt, ...]]:
    """batch id -> its attempts in send order."""
    by_batch: dict[int, list[_Open]] = {}
    for at, e in trace.timed_events():
        if isinstance(e, ev.ProduceRequestSent):
            by_batch.setdefault(e.batch, []).append(_Open(e, at))
            continue
        batch = getattr(e, "batch", None)
        if batch is None or batch not in by_batch or isinstance(e, ev.BatchCreated):
            continue
        for o in by_batch[batch]:
            if o.outcome is None:
                _observe(o, e)
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
