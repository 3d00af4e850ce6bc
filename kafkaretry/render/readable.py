"""Output rules every `partition` view follows, whatever the terminal's width.

Numbers are never cut: a cell too narrow for its value folds it onto the next line instead
of ending it in "…". Prose stops at READING_WIDTH columns, because a sentence 200 columns
wide is hard to follow; tables may use the whole width. Very long keys are elided in the
middle, their length stated (the hash stages elide their blocks the same way).
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.constrain import Constrain
from rich.table import Table

READING_WIDTH = 100
SHOWN_BYTES = 32  # longer keys show the first 24 bytes and the last 8
SHOWN_CHARS = 60


def no_cut(table: Table) -> Table:
    for column in table.columns:
        column.overflow = "fold"
    return table


def prose(renderable: RenderableType) -> Constrain:
    return Constrain(renderable, width=READING_WIDTH)


def spaced_bytes(data: bytes) -> str:
    """Hex bytes, space separated; past SHOWN_BYTES the middle is elided."""
    if not data:
        return "(empty)"
    if len(data) <= SHOWN_BYTES:
        return data.hex(" ")
    hidden = len(data) - 32
    return f"{data[:24].hex(' ')} … {hidden:,} more bytes … {data[-8:].hex(' ')}"


def short_text(text: str) -> str:
    """A key as typed; past SHOWN_CHARS characters the middle is elided."""
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:40]}…({len(text) - 50:,} more characters)…{text[-10:]}"
