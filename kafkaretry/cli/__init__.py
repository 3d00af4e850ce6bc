"""The kafkaretry command line: each command loads, computes, renders and prints; nothing else.

One module per group of commands (`partition`, `simulate`, `whatif`: sweep, compare and export,
`quiz`, `start`: scenarios and settings, `lab`: lab and verify), `support` for what they share;
this module builds the app from them. Heavy modules (rich tables, yaml, pydantic, the
simulation) are imported inside the commands that use them, so `--help` and `partition` start
fast (PERF-NOTES.md §1).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kafkaretry import __version__
from kafkaretry.cli import lab, partition, quiz, simulate, start, whatif
from kafkaretry.cli.support import ListsScenarios

app = typer.Typer(
    name="kafkaretry",
    help="See what really happens to a Kafka message: partitioning, lost ACKs, retries, "
    "idempotence and KRaft failover, simulated step by step.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    # Plain Click help: Typer's Rich help formatter imports markdown-it and pygments
    # (~60 ms, as long as everything else `--help` needs), which would double start-up.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kafkaretry {__version__}\n")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """See what really happens to a Kafka message, step by step."""


app.command()(partition.partition)
app.command(cls=ListsScenarios)(simulate.simulate)
app.command(cls=ListsScenarios)(whatif.sweep)
app.command(cls=ListsScenarios)(whatif.compare)
app.command(cls=ListsScenarios)(whatif.export)
app.command(cls=ListsScenarios)(quiz.quiz)
app.command()(start.scenarios)
app.command()(start.settings)
app.add_typer(lab.lab_app, name="lab")
app.command()(lab.verify)


def main() -> None:
    """Console-script entry point."""
    app()
