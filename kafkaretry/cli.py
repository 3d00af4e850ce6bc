"""The kafkaretry command line: each command loads, computes, renders and prints; nothing else.

Heavy modules (rich tables, yaml, pydantic, the simulation) are imported inside the
commands that use them, so `--help` and `partition` start fast (PERF-NOTES.md §1).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from kafkaretry import __version__, cli_quiz, cli_start, cli_whatif
from kafkaretry.cli_support import (
    LONG_MAX,
    JsonOption,
    ListsScenarios,
    ScenariosOption,
    SetOption,
    console,
    count_option,
    int_option,
    long_option,
    print_json,
    reported_errors,
    scenarios_path,
)
from kafkaretry.errors import KafkaRetryError

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
        count_option(help="Partition count instead of the topic's (a resize; at most 100000)."),
    ] = None,
    client: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CLIENT[:VARIANT]",
            help="Also show this client's partitioner (repeatable): java, librdkafka, kafka-go, "
            "franz-go, kafka-python, kafkajs, sarama, or CLIENT:VARIANT such as "
            "librdkafka:murmur2_random; all = every client's default, every = every variant.",
            show_default=False,
        ),
    ] = None,
    no_key: Annotated[
        bool, typer.Option("--no-key", help="Explain where a record with a null key goes.")
    ] = False,
    keys_file: Annotated[
        str | None,
        typer.Option(
            "--keys-file",
            help="Place every key of this file: one per line (- reads stdin), CSV, Parquet or "
            "Arrow IPC.",
            show_default=False,
        ),
    ] = None,
    csv_column: Annotated[
        str | None,
        typer.Option(
            "--column",
            "--csv-column",
            help="With --keys-file: take keys from this column (CSV header, Parquet, Arrow IPC).",
            show_default=False,
        ),
    ] = None,
    resize: Annotated[
        list[int] | None,
        count_option(help="With --keys-file: what moves at this partition count (repeatable)."),
    ] = None,
    top: Annotated[int, int_option(low=0, help="With --keys-file: hottest keys to list.")] = 10,
    max_distinct: Annotated[
        int,
        int_option(low=2, help="With --keys-file: distinct keys counted exactly (memory bound)."),
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
            tuple(client or ()),
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


@app.command(cls=ListsScenarios)
def simulate(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    key: Annotated[
        str | None,
        typer.Option(
            help="Record key [default: the scenario's]. Without --key-type it is a String "
            "key, as `kafkaretry partition KEY` reads it.",
            show_default=False,
        ),
    ] = None,
    key_type: Annotated[
        KeyType | None,
        typer.Option(
            "--key-type",
            help="Java serializer for the key [default: string with --key, else the scenario's].",
        ),
    ] = None,
    no_key: Annotated[
        bool, typer.Option("--no-key", help="Send the records with a null key (keyless path).")
    ] = False,
    seed: Annotated[
        int,
        long_option(low=~LONG_MAX, help="Seed of the simulation's random streams."),
    ] = 0,
    settings: SetOption = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
    step: Annotated[
        bool, typer.Option("--step", help="Pause after each stage until Enter (terminals only).")
    ] = False,
    brief: Annotated[
        bool,
        typer.Option("--brief", help="Only the stage headings, the summary and the verdict."),
    ] = False,
    broker: Annotated[
        int | None,
        int_option(
            low=0, help="The broker the scenario's crash-broker fault kills.", show_default=False
        ),
    ] = None,
    at_ms: Annotated[
        int | None,
        long_option(
            "--at-ms", low=0, help="When the crash-broker fault strikes.", show_default=False
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

        if no_key and (key is not None or key_type is not None):
            raise KafkaRetryError("--no-key takes neither --key nor --key-type")
        chosen_type = key_type.value if key_type else ("string" if key is not None else None)
        extras = (compare, export, mermaid)
        plan = (broker, at_ms, with_controller)
        path = _scenarios_path(scenarios)
        overrides = settings or []
        if no_key and any(extras):
            raise KafkaRetryError("--no-key does not combine with --compare, --export or --mermaid")
        if cli_whatif.simulate_extras(
            name,
            path,
            extras,
            key=(key, chosen_type),
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
            key_type=chosen_type,
            no_key=no_key,
            overrides=overrides,
            seed=seed,
            plan=FaultPlan(*plan),
        )
        if as_json:
            run.write_json(sys.stdout)
            return
        _show(run.stages(brief=brief), pause=step and sys.stdin.isatty())


def _show(stages: list[Any], *, pause: bool) -> None:
    from kafkaretry.render.console import show_stages

    if not show_stages(_console(), stages, pause=pause):
        raise typer.Exit(130)  # Ctrl-C: quietly, with the shell's code for SIGINT


app.command(cls=ListsScenarios)(cli_whatif.sweep)
app.command(cls=ListsScenarios)(cli_whatif.compare)
app.command()(cli_start.scenarios)
app.command()(cli_start.settings)
app.command(cls=ListsScenarios)(cli_whatif.export)
app.command(cls=ListsScenarios)(cli_quiz.quiz)


def main() -> None:
    """Console-script entry point."""
    app()
