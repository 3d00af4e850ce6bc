"""`kafkaretry sweep` as a table: one row per value, its spread of times and a histogram."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from kafkaretry.whatif.stats import Spread, histogram
from kafkaretry.whatif.sweep import SHARES, SweepResult, SweepRow

BARS = " ▁▂▃▄▅▆▇█"
BINS = 16


MEASURES = (
    ("time_to_ack_ms", "time to ack"),
    ("time_to_new_leader_ms", "to new leader"),
    ("time_to_new_controller_ms", "to new controller"),
)


def _bars(sample: list[int], low: int, high: int) -> str:
    counts = histogram(sample, low, high, BINS)
    top = max(counts) or 1
    # A bin with any run gets at least the lowest bar, so a rare outlier stays visible.
    return "".join(BARS[0] if c == 0 else BARS[max(1, round(c / top * 8))] for c in counts)


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _label(row: SweepRow, one_setting: bool) -> str:
    if row.setting is None:
        return "as in the file"
    return str(row.value) if one_setting else f"{row.setting}={row.value}"


def sweep_view(result: SweepResult, scenario_args: str) -> Group:
    """Outcome shares per value, then the spread of each time with a histogram; the
    histograms of one measure share a scale (its smallest to its largest value)."""
    settings = {row.setting for row in result.rows}
    one = len(settings) == 1 and None not in settings
    head = next(iter(settings)) if one else "setting=value"
    title = f"kafkaretry sweep {scenario_args}: {result.seeds} seeds per row"
    outcomes = Table(box=box.SIMPLE_HEAD, show_edge=False, title=title)
    outcomes.add_column(str(head))
    outcomes.add_column("runs", justify="right")
    for name in SHARES:
        outcomes.add_column(name.replace("_", " "), justify="right")
    for row in result.rows:
        shares = dict(row.shares)
        outcomes.add_row(
            _label(row, one),
            str(row.runs),
            *(_percent(shares[n]) for n in SHARES),
        )
    times = Table(box=box.SIMPLE_HEAD, show_edge=False, title=f"simulated ms, by {head}")
    times.add_column("value" if one else str(head))
    times.add_column("measure")
    for stat in ("min", "p50", "p90", "p99", "max"):
        times.add_column(stat, justify="right")
    times.add_column("histogram", no_wrap=True)
    for field, label in MEASURES:
        sample = [t for row in result.rows for t in getattr(row, field.removesuffix("_ms") + "s")]
        low, high = (min(sample), max(sample)) if sample else (0, 0)
        for row in result.rows:
            spread: Spread | None = getattr(row, field)
            mine: list[int] = list(getattr(row, field.removesuffix("_ms") + "s"))
            cells = (
                ["-", "", "", "", ""]
                if spread is None
                else [str(v) for v in (spread.min, spread.p50, spread.p90, spread.p99, spread.max)]
            )
            bars = Text(_bars(mine, low, high), style="value") if mine else Text("")
            times.add_row(_label(row, one), label, *cells, bars)
        times.add_section()
    note = Text(
        "time to ack: every acknowledged record, from its send() handing it to the "
        "accumulator to its acknowledgement; to new leader: from the first fault that strikes "
        "a node (crash, stop, isolation) to the commit of the first move of the first "
        "record's partition's leader to another broker, whatever moved it (an election, a "
        "controlled shutdown, the preferred leader's return); to new controller: from the "
        "active controller's crash to the next one's election; -: in no run (the story has no "
        "such fault, or nothing followed it before the run ended). Percentiles by nearest rank "
        "over the acknowledged records (time to ack) or the runs where it happened (the "
        "others); shares are of all records of all runs.",
        style="muted",
    )
    return Group(outcomes, times, note)
