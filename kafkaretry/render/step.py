"""One moment of simulated time: its header, what happened, and the cluster when it matters."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from kafkaretry.render.describe import describe
from kafkaretry.sim.events import TraceEvent


def step_view(
    at_ms: int, events: Sequence[TraceEvent], extra: RenderableType | None = None
) -> Group:
    lines: list[RenderableType] = [Text(f"t = {at_ms} ms", style="stage")]
    for event in events:
        lines.append(Padding(Text("• ") + describe(event), (0, 0, 0, 2), expand=False))
    if extra is not None:
        lines.append(Padding(extra, (0, 0, 0, 2), expand=False))
    return Group(*lines)
