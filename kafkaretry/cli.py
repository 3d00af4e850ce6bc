"""The kafkaretry command line: each command loads, computes, renders and prints; nothing else.

Heavy modules (rich tables, yaml, pydantic, the simulation) are imported inside the
commands that use them, so `--help` and `partition` start fast (PERF-NOTES.md §1).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kafkaretry import __version__, cli_quiz, cli_start, cli_whatif
from kafkaretry.cli_support import (
    JsonOption,
    ListsScenarios,
    ScenariosOption,
    SetOption,
    console,
    print_json,
    reported_errors,
    scenarios_path,
)

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


class KeyType(StrEnum):
    string = "string"
    int = "int"
    long = "long"
    short = "short"
    uuid = "uuid"
    bytes = "bytes"


class Client(StrEnum):
    java = "java"
    librdkafka = "librdkafka"
    sarama = "sarama"
    kafkajs = "kafkajs"
    all = "all"


KeyTypeOption = Annotated[
    KeyType,
    typer.Option("--key-type", help="Java serializer for the key (bytes: give the key as hex)."),
]


_scenarios_path = scenarios_path
_print_json = print_json
_console = console


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


@app.command()
def partition(
    keys: Annotated[
        list[str] | None,
        typer.Argument(
            help="Key(s) to place. Put `--` before negative numbers.", show_default=False
        ),
    ] = None,
    key_type: KeyTypeOption = KeyType.string,
    topic: Annotated[
        str | None, typer.Option(help="Topic [default: the first in the scenario file].")
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(min=1, help="Partition count to use instead of the topic's (a resize)."),
    ] = None,
    client: Annotated[
        list[Client] | None,
        typer.Option(help="Also show this client's default partitioner (repeatable; all)."),
    ] = None,
    no_key: Annotated[
        bool, typer.Option("--no-key", help="Explain where a record with a null key goes.")
    ] = False,
    keys_file: Annotated[
        str | None,
        typer.Option(
            "--keys-file",
            help="Place every key of this file (one per line; - reads stdin).",
            show_default=False,
        ),
    ] = None,
    csv_column: Annotated[
        str | None,
        typer.Option(help="With --keys-file: take keys from this CSV column.", show_default=False),
    ] = None,
    resize: Annotated[
        list[int] | None,
        typer.Option(
            min=1, help="With --keys-file: what moves at this partition count (repeatable)."
        ),
    ] = None,
    top: Annotated[int, typer.Option(min=0, help="With --keys-file: hottest keys to list.")] = 10,
    max_distinct: Annotated[
        int,
        typer.Option(min=2, help="With --keys-file: distinct keys counted exactly (memory bound)."),
    ] = 2_000_000,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which partition a key lands on, computed as the Java producer does (murmur2)."""
    with reported_errors():
        from kafkaretry.placing import PartitionRequest, run_partition

        request = PartitionRequest(
            tuple(keys or ()),
            key_type.value,
            topic,
            partitions,
            tuple(c.value for c in client or ()),
            no_key,
            keys_file,
            csv_column,
            tuple(resize or ()),
            top,
            max_distinct,
        )
        data, view = run_partition(request, _scenarios_path(scenarios), as_json=as_json)
        if view is None:
            _print_json(data)
        else:
            _console().print(view())


@app.command()
def scenarios(
    action: Annotated[
        str | None,
        typer.Argument(
            metavar="[init]",
            help="init: copy the packaged scenarios.yaml to PATH, to edit.",
            show_default=False,
        ),
    ] = None,
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PATH]",
            help="With init: where to write [default: ./scenarios.yaml].",
            show_default=False,
        ),
    ] = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the scenarios in the scenario file, with their faults (or `init` a copy)."""
    with reported_errors():
        if action is not None:
            from kafkaretry.cli_start import init_scenarios
            from kafkaretry.errors import UnknownNameError

            if action != "init":
                raise UnknownNameError(f"unknown action '{action}' of scenarios; known: init")
            init_scenarios(path, as_json=as_json)
            return
        from kafkaretry.loading import load_scenario_book

        path = _scenarios_path(scenarios)
        book = load_scenario_book(path)
        rows = [
            {
                "name": name,
                "description": s.description,
                "faults": [f.kind for f in s.faults],
            }
            for name, s in book.scenarios.items()
        ]
        if as_json:
            _print_json({"file": str(path), "scenarios": rows})
            return
        from kafkaretry.render.listing import scenarios_table

        _console().print(scenarios_table(str(path), rows))


@app.command(cls=ListsScenarios)
def simulate(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    key: Annotated[
        str | None, typer.Option(help="Record key [default: the scenario's].", show_default=False)
    ] = None,
    key_type: Annotated[
        KeyType | None,
        typer.Option("--key-type", help="Java serializer for the key [default: the scenario's]."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulation's random streams.")] = 0,
    settings: SetOption = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
    step: Annotated[
        bool, typer.Option("--step", help="Pause after each stage until Enter (terminals only).")
    ] = False,
    broker: Annotated[
        int | None,
        typer.Option(
            help="The broker the scenario's crash-broker fault kills.", show_default=False
        ),
    ] = None,
    at_ms: Annotated[
        int | None,
        typer.Option(
            "--at-ms", min=0, help="When the crash-broker fault strikes.", show_default=False
        ),
    ] = None,
    with_controller: Annotated[
        bool,
        typer.Option(
            "--with-controller", help="Also crash the active controller when the broker dies."
        ),
    ] = False,
    compare: cli_whatif.CompareOption = None,
    export: cli_whatif.ExportOption = None,
    mermaid: cli_whatif.MermaidOption = False,
) -> None:
    """Run a scenario through the deterministic simulator and tell the story stage by stage."""
    with reported_errors():
        from kafkaretry.runner import run_scenario
        from kafkaretry.scenario import FaultPlan

        extras = (compare, export, mermaid)
        plan, chosen_key = (broker, at_ms, with_controller), (key, key_type and key_type.value)
        path = _scenarios_path(scenarios)
        overrides = settings or []
        if cli_whatif.simulate_extras(
            name,
            path,
            extras,
            key=chosen_key,
            seed=seed,
            overrides=overrides,
            plan=plan,
            as_json=as_json,
        ):
            return
        run = run_scenario(
            path,
            name,
            key=key,
            key_type=chosen_key[1],
            overrides=overrides,
            seed=seed,
            plan=FaultPlan(*plan),
        )
        if as_json:
            run.write_json(sys.stdout)
            return
        _show(run.stages(), pause=step and sys.stdin.isatty())


def _show(stages: Iterable[Any], *, pause: bool) -> None:
    console = _console()
    upcoming = iter(stages)
    stage = next(upcoming, None)
    while stage is not None:
        console.print(stage)
        console.print()
        stage = next(upcoming, None)
        if pause and stage is not None:
            console.input("[muted]Enter for the next stage…[/muted]")


app.command(cls=ListsScenarios)(cli_whatif.sweep)
app.command(cls=ListsScenarios)(cli_whatif.compare)
app.command()(cli_start.settings)
app.command(cls=ListsScenarios)(cli_whatif.export)
app.command(cls=ListsScenarios)(cli_quiz.quiz)


def main() -> None:
    """Console-script entry point."""
    app()
