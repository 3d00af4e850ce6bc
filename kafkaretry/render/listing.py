"""`kafkaretry scenarios`: the scenario file at a glance."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table


def scenarios_table(path: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=f"scenarios in {path}")
    table.add_column("name", style="value", no_wrap=True)
    table.add_column("faults", style="failure")
    table.add_column("what it shows")
    for row in rows:
        table.add_row(row["name"], ", ".join(row["faults"]) or "-", row["description"])
    return table


def settings_table(rows: list[dict[str, Any]]) -> Table:
    """Every setting with Kafka 4.1's default (and unit), where it is set, and its meaning."""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title="settings for --set NAME=VALUE and the scenario file (Kafka 4.1 defaults)",
    )
    table.add_column("setting", style="value", no_wrap=True)
    table.add_column("default", justify="right", no_wrap=True)
    table.add_column("set on · meaning")
    for row in rows:
        default = row["default"]
        shown = "unset" if default is None else str(default).lower()
        unit = row["unit"]
        shown += f" {unit}" if unit and default is not None else ""
        table.add_row(row["name"], shown, f"{row['section']} · {row['meaning']}")
    return table
