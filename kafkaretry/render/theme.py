"""One Theme: every style name a renderer uses, grouped by what it means to a learner."""

from __future__ import annotations

from rich.theme import Theme

THEME = Theme(
    {
        "stage": "bold cyan",
        "value": "bold",
        "hex": "magenta",
        "muted": "dim",
        "partition": "bold green",
        "leader": "green",
        "failure": "bold red",
        "warning": "yellow",
        "retry": "yellow",
        "election": "bold blue",
        "ack": "bold green",
        "note": "italic",
    }
)
