"""Why the run loop stopped a run that would have gone on (sim/horizon.py sets the limits)."""

from __future__ import annotations

from rich.text import Text

from kafkaretry.sim import events as ev


def _kept_going(event: ev.RunStopped) -> str:
    if not event.kept_going:
        return "no event in its last actions"
    return ", ".join(f"{kind} x{count}" for kind, count in event.kept_going)


def describe_stop(event: ev.RunStopped) -> Text:
    """The stop as one sentence: the limit reached, the records' fates, what kept going."""
    pending = f"{event.pending} action(s) still scheduled"
    if event.reason == "settled":
        text = (
            f"the simulation stops: every record's fate was decided by {event.decided_at_ms} ms "
            f"and every fault has struck, but the run kept going for {event.actions} more "
            f"actions ({_kept_going(event)}); {pending}. Kafka would go on like this"
        )
    else:
        limit = (
            f"its horizon of {event.horizon_ms} ms (the last send() + max.block.ms per record "
            "+ delivery.timeout.ms + the last fault + the slowest failure detection)"
            if event.reason == "horizon"
            else f"its budget of {event.actions} actions"
        )
        text = (
            f"the simulation stops at {limit} with {event.undecided} record(s) undecided "
            f"and {pending}; still going: {_kept_going(event)}"
        )
    return Text(text, style="warning")
