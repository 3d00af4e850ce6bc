"""`kafkaretry verify`: the model and real Kafka side by side, each fact agrees or differs."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " → ".join(map(str, value)) if value else "none"
    return str(value)


def _real(row: dict[str, Any]) -> str:
    values = row["real"]
    if row["kind"] == "timing":
        shown = [v for v in values if v is not None]
        if not shown:
            return "none"
        low, high = min(shown), max(shown)
        return str(low) if low == high else f"{low}-{high}"
    distinct = list(dict.fromkeys(_value(v) for v in values))
    return distinct[0] if len(distinct) == 1 else " | ".join(distinct)


def verify_view(data: dict[str, Any]) -> RenderableType:
    runs = len(data["real"]["runs"])
    fast = data["settings"]["fast_factor"]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("fact", style="stage")
    table.add_column("simulated")
    table.add_column(f"real ({runs} run{'s' if runs != 1 else ''})")
    table.add_column("", no_wrap=True)
    rows = data["agreement"]
    for row in rows:
        verdict = Text("agrees", style="ack") if row["agrees"] else Text("differs", "failure")
        table.add_row(row["fact"], _value(row["simulated"]), _real(row), verdict)
    agreeing = sum(1 for r in rows if r["agrees"])
    differing = len(rows) - agreeing
    notes: list[RenderableType] = [
        Text(f"• {r['fact']}: {r['explanation']}", style="warning") for r in rows if not r["agrees"]
    ]
    scale = f"; --fast: time settings ÷ {fast}" if fast else ""
    closing = (
        f"All {len(rows)} facts agree."
        if agreeing == len(rows)
        else f"{agreeing} of {len(rows)} facts agree; {differing} {_differ(differing)}:"
    )
    return Group(
        Rule(Text(f"kafkaretry verify {data['scenario']}", style="stage")),
        Text(
            f"the model (seed {data['simulated']['seed']}) against Apache Kafka "
            f"{data['real']['kafka_version']}{scale}; timings in ms from attempt 1 or the crash",
            style="muted",
        ),
        table,
        Text(closing, style="ack" if agreeing == len(rows) else "warning"),
        *notes,
    )


def _differ(count: int) -> str:
    return "differs" if count == 1 else "differ"
