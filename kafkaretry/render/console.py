"""The only place a Console is built, so width and colour are decided in one spot."""

from __future__ import annotations

from rich.console import Console

from kafkaretry.render.theme import THEME


def make_console(*, stderr: bool = False, width: int | None = None, color: bool = True) -> Console:
    """A themed console; `width`/`color=False` pin the output for golden tests."""
    return Console(
        theme=THEME,
        stderr=stderr,
        width=width,
        no_color=not color or None,
        highlight=False,
        emoji=False,
    )
