"""`kafkaretry export`: run a scenario and write it where a wiki or a blog can use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kafkaretry.errors import KafkaRetryError

SUFFIXES = (".md", ".svg", ".html")


class ExportError(KafkaRetryError):
    """An export target kafkaretry cannot write."""


def export_run(
    scenarios: Path,
    name: str,
    path: Path | None,
    *,
    mermaid: bool,
    overrides: list[str],
    seed: int,
    plan: tuple[int | None, int | None, bool],
    key: tuple[str | None, str | None] = (None, None),
) -> dict[str, Any]:
    """{"mermaid": text} with `mermaid`, else {"written": [files]} after writing `path`.

    Raises ExportError for a missing path or a suffix other than .md, .svg, .html, and for a
    file that cannot be written; the scenario's own errors come from `run_scenario`."""
    if not mermaid and path is None:
        raise ExportError("export needs a PATH (.md, .svg or .html) or --mermaid")
    if path is not None and path.suffix.lower() not in SUFFIXES:
        raise ExportError(f"cannot export to '{path}': the file must end in .md, .svg or .html")
    from kafkaretry.runner import run_scenario
    from kafkaretry.scenario import FaultPlan

    run = run_scenario(
        scenarios,
        name,
        key=key[0],
        key_type=key[1],
        overrides=overrides,
        seed=seed,
        plan=FaultPlan(*plan),
    )
    if mermaid:
        from kafkaretry.render.mermaid import mermaid as diagram

        return {"mermaid": diagram(run.trace)}
    assert path is not None
    from kafkaretry.render.export import write_document, write_markdown

    title = f"kafkaretry simulate {name} (seed {seed})"
    try:
        if path.suffix.lower() == ".md":
            written = write_markdown(run.stages(), path, title)
        else:
            write_document(run.stages(), path, title)
            written = [path]
    except OSError as exc:
        raise ExportError(f"cannot write '{path}': {exc.strerror or exc}") from None
    return {"written": [str(p) for p in written]}
