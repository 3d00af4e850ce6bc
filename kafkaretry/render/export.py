"""A run written to files: a Markdown post with SVG pictures, or one SVG/HTML document.

The Markdown keeps what a reader of a wiki or a blog wants as text (headings, the moments,
the summary and verdict, the timeline) and draws the cluster pictures (the trees of brokers,
logs and controllers) as SVG files beside it, which Rich records from the same renderables
the terminal shows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from rich.tree import Tree

from kafkaretry.render.theme import THEME

WIDTH = 100  # columns: the width of the golden tests and of a readable page


def _console(*, record: bool) -> Console:
    return Console(
        file=io.StringIO(),
        width=WIDTH,
        theme=THEME,
        highlight=False,
        emoji=False,
        record=record,
        color_system="truecolor" if record else None,
        force_terminal=record,
        legacy_windows=False,
    )


def plain(renderable: RenderableType) -> str:
    console = _console(record=False)
    console.print(renderable)
    file = console.file
    assert isinstance(file, io.StringIO)
    return "\n".join(line.rstrip() for line in file.getvalue().rstrip("\n").splitlines())


def _svg(renderable: RenderableType, title: str) -> str:
    console = _console(record=True)
    console.print(renderable)
    return console.export_svg(title=title)


def _has_picture(renderable: RenderableType) -> bool:
    """A cluster picture: a Tree, or a moment (Group) that shows one."""
    if isinstance(renderable, Tree):
        return True
    if isinstance(renderable, Padding):
        return _has_picture(renderable.renderable)
    if isinstance(renderable, Group):
        return any(_has_picture(r) for r in renderable.renderables)
    return False


def _is_heading(renderable: RenderableType) -> bool:
    return isinstance(renderable, Text) and "\n" not in renderable.plain.strip()


def _pieces(stages: Iterable[RenderableType]) -> Iterator[RenderableType]:
    """The stages, a stage that holds headings opened into its parts (blank lines dropped),
    so its headings become Markdown headings and each moment its own block or picture."""
    for stage in stages:
        if isinstance(stage, Group) and any(_is_heading(r) for r in stage.renderables):
            yield from (r for r in stage.renderables if not (isinstance(r, Text) and not r.plain))
        else:
            yield stage


def write_markdown(stages: Iterable[RenderableType], path: Path, title: str) -> list[Path]:
    """Write `path` (Markdown) and one SVG per cluster picture beside it; returns all files.

    A stage that is a heading (a line of text) becomes `## heading`; a stage with a cluster
    picture becomes an image, its text kept in a folded block; any other stage a text block."""
    written: list[Path] = []
    parts = [f"# {title}", ""]
    pictures = 0
    for stage in _pieces(stages):
        text = plain(stage)
        if isinstance(stage, Text) and "\n" not in text.strip():
            parts += [f"## {text.strip()}", ""]
            continue
        if _has_picture(stage):
            pictures += 1
            image = path.with_name(f"{path.stem}-{pictures}.svg")
            image.write_text(_svg(stage, f"{title} ({pictures})"), encoding="utf-8")
            written.append(image)
            caption = text.splitlines()[0].strip() if text else "the cluster"
            parts += [f"![{caption}]({image.name})", ""]
            parts += ["<details><summary>as text</summary>", "", "```text", text, "```", ""]
            parts += ["</details>", ""]
            continue
        parts += ["```text", text, "```", ""]
    path.write_text("\n".join(parts), encoding="utf-8")
    return [path, *written]


def write_document(stages: Iterable[RenderableType], path: Path, title: str) -> None:
    """The whole rendered run as one SVG (`.svg`) or HTML page (`.html`), in colour."""
    console = _console(record=True)
    for stage in stages:
        console.print(stage)
        console.print()
    if path.suffix.lower() == ".svg":
        path.write_text(console.export_svg(title=title), encoding="utf-8")
    else:
        path.write_text(console.export_html(), encoding="utf-8")
