"""The timeline and summary tables of a simulated run."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from kafkaretry.render.describe import describe
from kafkaretry.report import RunSummary
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


def timeline_table(trace: Trace) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="timeline (simulated ms)")
    table.add_column("ms", justify="right", style="value", no_wrap=True)
    table.add_column("+ms", justify="right", style="muted", no_wrap=True)
    table.add_column("what happened")
    previous = 0
    for at, event in trace.timed_events():
        if isinstance(event, MILESTONES):
            table.add_row(str(at), f"+{at - previous}", describe(event))
            previous = at
    return table


def summary_table(summary: RunSummary) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="summary", show_header=False)
    table.add_column("", style="stage", no_wrap=True)
    table.add_column("")
    idem = "on" if summary.idempotence else "OFF"
    where = "never partitioned" if summary.partition is None else f"partition {summary.partition}"
    table.add_row("record", f"key {summary.key} ({summary.key_type}) → {where}")
    table.add_row(
        "attempts",
        ", ".join(
            f"#{a.attempt} → broker {a.broker}, partition {a.partition}: {a.outcome}"
            for a in summary.attempts
        ),
    )
    table.add_row("idempotence", idem)
    copies = Text(
        f"{summary.copies} (offsets {', '.join(map(str, summary.offsets)) or '-'})",
        style="ack" if summary.copies == 1 else "failure",
    )
    table.add_row("copies in the log", copies)
    fate = summary.fate
    if summary.acked:
        acked = f"yes, offset {summary.ack_offset} at {summary.ack_at_ms} ms"
    elif fate.at_ms is None:
        acked = "no: undecided when the simulation stopped"
    else:
        acked = f"no: {fate.outcome} at {fate.at_ms} ms ({fate.error})"
    table.add_row("acknowledged", acked)
    return table
