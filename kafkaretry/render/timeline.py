"""The timeline and summary tables of a simulated run."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
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
)


# Rich lays out a table's rows in time that grows with their square (about 2 s for 1,000
# rows, 20 s for 4,000), so a long timeline is printed as tables of this many rows that
# share their column widths: the first with the title and header, the rest continuing it.
ROWS_PER_TABLE = 200


def timeline_table(trace: Trace) -> RenderableType:
    """The milestones of a run, one row each: a Table, or a Group of Tables when long."""
    rows: list[tuple[str, str, Text]] = []
    previous = 0
    for at, event in trace.timed_events():
        if isinstance(event, MILESTONES):
            rows.append((str(at), f"+{at - previous}", describe(event)))
            previous = at
    if len(rows) <= ROWS_PER_TABLE:
        return _table(rows, first=True)
    widths = (max(len(r[0]) for r in rows), max(len(r[1]) for r in rows))
    return Group(
        *(
            _table(rows[start : start + ROWS_PER_TABLE], first=start == 0, widths=widths)
            for start in range(0, len(rows), ROWS_PER_TABLE)
        )
    )


Widths = tuple[int | None, int | None]


def _table(
    rows: list[tuple[str, str, Text]], *, first: bool, widths: Widths = (None, None)
) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title="timeline (simulated ms)" if first else None,
        show_header=first,
    )
    table.add_column("ms", justify="right", style="value", no_wrap=True, min_width=widths[0])
    table.add_column("+ms", justify="right", style="muted", no_wrap=True, min_width=widths[1])
    table.add_column("what happened")
    for row in rows:
        table.add_row(*row)
    return table


def summary_table(summary: RunSummary) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="summary", show_header=False)
    table.add_column("", style="stage", no_wrap=True)
    table.add_column("")
    idem = "on" if summary.idempotence else "OFF"
    table.add_row(
        "record", f"key {summary.key} ({summary.key_type}) → partition {summary.partition}"
    )
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
    acked = f"yes, offset {summary.ack_offset} at {summary.ack_at_ms} ms" if summary.acked else "no"
    table.add_row("acknowledged", acked)
    return table
