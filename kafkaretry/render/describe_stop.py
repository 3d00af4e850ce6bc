"""Why the run loop stopped a run that would have gone on (sim/horizon.py sets the limits)."""

from __future__ import annotations

from rich.text import Text

from kafkaretry.sim import events as ev


def _kept_going(event: ev.RunStopped) -> str:
    """What the last `window` actions logged: "they" when those are all the actions counted."""
    actions = "they" if event.window == event.actions else f"its last {event.window} actions"
    if not event.kept_going:
        return f"{actions} logged no event (periodic background work)"
    kinds = ", ".join(f"{kind} x{count}" for kind, count in event.kept_going)
    return f"{actions} logged {kinds}"


def _unstruck(event: ev.RunStopped) -> str:
    """The faults the run never got to: a stop past the end is not a stop that happened."""
    return "".join(
        f"; the {kind} fault due at {at_ms} ms never took place" for kind, at_ms in event.unstruck
    )


def describe_stop(event: ev.RunStopped) -> Text:
    """The stop as one sentence: the limit reached, the records' fates, the faults that never
    struck, and what the last actions did (event kinds of the last `window` actions)."""
    pending = f"{event.pending} action(s) still scheduled"
    if event.reason == "settled":
        faults = "the last fault's time has passed" if event.unstruck else "every fault has struck"
        text = (
            f"the simulation stops: every record's fate was decided by {event.decided_at_ms} ms "
            f"and {faults}, but the run kept going for {event.actions} more "
            f"actions ({_kept_going(event)}); {pending}{_unstruck(event)}. "
            "Kafka would go on like this"
        )
    else:
        limit = (
            f"its horizon of {event.horizon_ms} ms (the last send() + max.block.ms per record "
            "+ delivery.timeout.ms + the last fault + the slowest failure detection)"
            if event.reason == "horizon"
            else f"its budget of {event.actions} actions"
        )
        fates = (
            "every record's fate decided"
            if event.undecided == 0
            else f"{event.undecided} record(s) undecided"
        )
        text = (
            f"the simulation stops at {limit} with {fates} and {pending}"
            f"{_unstruck(event)}; {_kept_going(event)}"
        )
    return Text(text, style="warning")
