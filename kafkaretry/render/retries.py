"""Long runs of refused retries, summarised: a producer retrying into NOT_ENOUGH_REPLICAS.

Each retry of a batch the leader rejects before appending is the same three moments (the
request, the broker's refusal, the producer's next backoff), once a second with the default
retry.backoff.max.ms, until delivery.timeout.ms; after the first few, one line says how many.
"""

from __future__ import annotations

from rich.text import Text

from kafkaretry.sim import events as ev

NOT_ENOUGH_REPLICAS = "NOT_ENOUGH_REPLICAS"  # the error name the events carry (Errors enum)


def _refused(event: ev.TraceEvent) -> bool:
    match event:
        case ev.ProduceRequestSent(attempt=attempt):
            return attempt > 1
        case ev.NotEnoughReplicas():
            return True
        case ev.ProduceResponseSent(error=error) | ev.ProduceResponseReceived(error=error):
            return error == NOT_ENOUGH_REPLICAS
        case ev.RetryScheduled(error=error):
            return error == NOT_ENOUGH_REPLICAS
        case _:
            return False


def is_refused_retry(events: list[ev.TraceEvent]) -> bool:
    """A moment made only of retries and their NOT_ENOUGH_REPLICAS answers."""
    return bool(events) and all(_refused(e) for e in events)


def refused_summary(rest: list[tuple[int, list[ev.TraceEvent]]]) -> Text:
    refusals = sum(isinstance(e, ev.NotEnoughReplicas) for _, events in rest for e in events)
    return Text(
        f"… and {len(rest)} more moments like these from {rest[0][0]} to {rest[-1][0]} ms "
        f"({refusals} more retries refused with NOT_ENOUGH_REPLICAS): each retry waits "
        "retry.backoff.ms, growing to retry.backoff.max.ms, and the producer keeps trying "
        "until delivery.timeout.ms …",
        style="muted",
    )
