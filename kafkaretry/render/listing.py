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
