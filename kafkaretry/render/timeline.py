"""The timeline table of a simulated run: its milestones with their times."""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.table import Table
from rich.text import Text

from kafkaretry.render.describe import describe
from kafkaretry.sim import events as ev
from kafkaretry.sim.trace import Trace

# The milestones a reader scans for; the step-by-step view shows everything else.
MILESTONES = (
    ev.ConfigNote,
    ev.RecordPartitioned,
    ev.ProduceRequestSent,
    ev.RecordAppended,
    ev.RequestDropped,
    ev.ResponseDropped,
    ev.ProduceRequestTimedOut,
    ev.RetryScheduled,
    ev.DuplicateDetected,
    ev.RecordAcknowledged,
    ev.RecordExpired,
    ev.RecordFailed,
    ev.MetadataWaitTimedOut,
    ev.RunStopped,
)


REPEATS_SHOWN = 2  # rows of one kind (same event, broker, error) before the rest are counted


MANY_RECORDS = 12  # beyond this the summary table lists the records; the timeline folds them


def _signature(event: ev.TraceEvent, *, many: bool) -> tuple[object, ...]:
    """Milestones that say the same thing but for the attempt number and the time (and,
    with many records, the batch)."""
    return (
        type(event),
        getattr(event, "broker", None),
        getattr(event, "error", None),
        None if many else getattr(event, "batch", None),
    )


def timeline_table(trace: Trace) -> Table:
    """Milestones in order; a kind of row seen REPEATS_SHOWN times is then counted, not listed."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="timeline (simulated ms)")
    table.add_column("ms", justify="right", style="value", no_wrap=True)
    table.add_column("+ms", justify="right", style="muted", no_wrap=True)
    table.add_column("what happened")
    previous = 0
    seen: Counter[tuple[object, ...]] = Counter()
    many = len(trace.records) > MANY_RECORDS
    always = () if many else ALWAYS_SHOWN
    held: list[tuple[int, ev.TraceEvent]] = []
    for at, event in trace.timed_events():
        if not isinstance(event, MILESTONES):
            continue
        signature = _signature(event, many=many)
        seen[signature] += 1
        if seen[signature] > REPEATS_SHOWN and not isinstance(event, always):
            held.append((at, event))
            continue
        _flush(table, held)
        held = []
        table.add_row(str(at), f"+{at - previous}", describe(event))
        previous = at
    _flush(table, held)
    return table


# The record's fate is never folded into a count (unless the summary table lists many).
ALWAYS_SHOWN = (ev.RecordAcknowledged, ev.RecordExpired, ev.RecordFailed, ev.RecordAppended)


def _flush(table: Table, held: list[tuple[int, ev.TraceEvent]]) -> None:
    if not held:
        return
    sent = [e.attempt for _, e in held if isinstance(e, ev.ProduceRequestSent)]
    attempts = ""
    if len(sent) > 1 and sent[0] != sent[-1]:
        attempts = f", attempts #{sent[0]}\N{EN DASH}#{sent[-1]}"
    first, last = held[0][0], held[-1][0]
    rows = "row" if len(held) == 1 else "rows"
    table.add_row(
        str(first) if first == last else f"{first}\N{EN DASH}{last}",
        "",
        Text(f"… {len(held)} more {rows} like the ones above{attempts}", style="muted"),
    )
