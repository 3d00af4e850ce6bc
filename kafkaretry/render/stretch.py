"""Collapsing a repetitive stretch of moments into one line with its count and rhythm.

A stretch is a run of moments that open no stage and show no cluster picture, made only of
the events a producer repeats while it waits out a failure: reconnects refused, metadata
refreshes, attempts answered with the same error (NOT_ENOUGH_REPLICAS refusals included),
backoffs. The first few are shown; the
rest become one line whose every clause is counted from the events it replaces.
"""

from __future__ import annotations

from collections import Counter
from statistics import median

from rich.console import RenderableType
from rich.text import Text

from kafkaretry.render.step import step_view
from kafkaretry.sim import events as ev

DASH = "\N{EN DASH}"  # ranges of attempts, as in "#2\N{EN DASH}#121"

Moment = tuple[int, list[ev.TraceEvent]]

REPEATABLE = (
    ev.ConnectionOpened,
    ev.ConnectionClosed,
    ev.MetadataUpdateRequested,
    ev.MetadataRequestSent,
    ev.MetadataReceived,
    ev.ProduceRequestSent,
    ev.ProduceResponseSent,
    ev.ProduceResponseReceived,
    ev.RetryScheduled,
    ev.NotEnoughReplicas,  # a leader refusing each retry below min.insync.replicas
)
LABELS = {
    ev.ConnectionOpened: "connections opened",
    ev.ConnectionClosed: "connections closed or refused",
    ev.MetadataUpdateRequested: "metadata marked stale",
    ev.MetadataRequestSent: "MetadataRequests to a broker",
    ev.MetadataReceived: "metadata answers",
}
SHOWN = 4  # moments shown before the rest of a stretch is summarised


def collapsed(quiet: list[Moment], *, partition: int, first_epoch: int) -> list[RenderableType]:
    if len(quiet) <= SHOWN + 1:
        return [step_view(at, events) for at, events in quiet]
    shown: list[RenderableType] = [step_view(at, events) for at, events in quiet[:SHOWN]]
    rest = quiet[SHOWN:]
    events = [e for _, moment in rest for e in moment]
    counts = Counter(type(e) for e in events)
    parts = [f"{counts[kind]} {label}" for kind, label in LABELS.items() if counts[kind]]
    attempts = _attempts(events)
    if attempts:
        parts.insert(0, attempts)
    if counts[ev.ConnectionClosed]:
        parts.append(
            "the producer backs off between reconnects (reconnect.backoff.ms, growing"
            " to reconnect.backoff.max.ms)"
        )
    text = (
        f"… and {len(rest)} more moments like these from {rest[0][0]} to {rest[-1][0]} ms: "
        + "; ".join(parts)
    )
    answers = [e for e in events if isinstance(e, ev.MetadataReceived)]
    if answers and all(_epoch(e, partition) <= first_epoch for e in answers):
        text += f"; every metadata answer still names the old leader (epoch {first_epoch})"
    return [*shown, Text(text + " …", style="muted")]


def _attempts(events: list[ev.TraceEvent]) -> str:
    sent = [e for e in events if isinstance(e, ev.ProduceRequestSent)]
    if not sent:
        return ""
    brokers = sorted({e.broker for e in sent})
    errors = sorted({e.error for e in events if isinstance(e, ev.ProduceResponseReceived)})
    retries = [e for e in events if isinstance(e, ev.RetryScheduled)]
    span = (
        f"attempt #{sent[0].attempt}"
        if len(sent) == 1
        else (f"attempts #{sent[0].attempt}{DASH}#{sent[-1].attempt}")
    )
    text = f"{span} → broker {', '.join(map(str, brokers))}"
    if errors:
        text += f", answered {', '.join(errors)}"
    if len(retries) > 1:
        gap = round(median(r.backoff_ms for r in retries))
        text += f", each retried after ~{gap:,} ms (retry.backoff.ms, growing to .max.ms)"
    return text


def _epoch(e: ev.MetadataReceived, partition: int) -> int:
    return max((epoch for p, _, epoch in e.leaders if p == partition), default=-1)


SHOWN_PER_STAGE = 24  # moments a stage shows before the rest of it is only counted

# Words for the events of a busy stage (many records in flight); others use their class name.
WORDS = {
    ev.RecordPartitioned: "send() calls",
    ev.BatchCreated: "batches opened",
    ev.ProduceRequestSent: "ProduceRequests",
    ev.RecordAppended: "leader appends",
    ev.FollowerReplicated: "follower copies",
    ev.HighWatermarkAdvanced: "high-watermark moves",
    ev.ProduceResponseSent: "produce responses",
    ev.ProduceResponseReceived: "responses received",
    ev.RecordAcknowledged: "records completed",
    ev.RetryScheduled: "retries scheduled",
    **LABELS,
}


def overflow(moments: list[Moment]) -> Text:
    """The rest of a long stage, counted by kind of event (the timeline and summary list
    every record's fate)."""
    counts = Counter(type(e) for _, events in moments for e in events)
    parts = ", ".join(
        f"{n} {WORDS.get(kind, kind.__name__)}"
        for kind, n in sorted(counts.items(), key=lambda item: (-item[1], item[0].__name__))
    )
    return Text(
        f"… and {len(moments)} more moments of this stage from {moments[0][0]} to "
        f"{moments[-1][0]} ms, counted rather than shown: {parts} …",
        style="muted",
    )
