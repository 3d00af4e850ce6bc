"""The timeline and summary tables of a simulated run."""

from __future__ import annotations

from collections.abc import Iterator

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
    tables = list(timeline_tables(trace))
    return tables[0] if len(tables) == 1 else Group(*tables)


def timeline_tables(trace: Trace) -> Iterator[Table]:
    """The timeline as tables of at most ROWS_PER_TABLE rows, each built when asked for."""
    count, widths, previous = 0, [0, 0], 0
    for at, event in trace.timed_events():  # first pass: row count and column widths
        if isinstance(event, MILESTONES):
            count += 1
            widths = [max(widths[0], len(str(at))), max(widths[1], len(f"+{at - previous}"))]
            previous = at
    shared: Widths = (None, None) if count <= ROWS_PER_TABLE else (widths[0], widths[1])
    rows: list[tuple[str, str, Text]] = []
    first, previous = True, 0
    for at, event in trace.timed_events():
        if isinstance(event, MILESTONES):
            rows.append((str(at), f"+{at - previous}", describe(event)))
            previous = at
            if len(rows) == ROWS_PER_TABLE:
                yield _table(rows, first=first, widths=shared)
                rows, first = [], False
    if rows or first:
        yield _table(rows, first=first, widths=shared)


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
