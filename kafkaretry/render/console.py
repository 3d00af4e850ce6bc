"""The only place a Console is built, so width and colour are decided in one spot."""

from __future__ import annotations

from rich.console import Console, RenderableType

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


def show_stages(console: Console, stages: list[RenderableType], *, pause: bool) -> bool:
    """Print the stages, pausing after each one for Enter when `pause`.

    End of input stops quietly (the reader has seen enough); Ctrl-C stops quietly too and
    returns False so the caller can exit with 130. No "Aborted!", no traceback.
    """
    for index, stage in enumerate(stages):
        console.print(stage)
        console.print()
        if pause and index + 1 < len(stages):
            try:
                console.input("[muted]Enter for the next stage…[/muted]")
            except EOFError:
                console.print()
                return True
            except KeyboardInterrupt:
                console.print()
                return False
    return True
