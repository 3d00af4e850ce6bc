"""The kafkaretry command line: each command loads, computes, renders and prints; nothing else.

Heavy modules (rich tables, yaml, pydantic, the simulation) are imported inside the
commands that use them, so `--help` and `partition` start fast (PERF-NOTES.md §1).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kafkaretry import __version__
from kafkaretry.cli_support import LONG_MAX, count_option, int_option, long_option
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


ScenariosOption = Annotated[
    Path | None,
    typer.Option(
        "--scenarios",
        help="Scenario file to load [default: ./scenarios.yaml, else the packaged one].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
KeyTypeOption = Annotated[
    KeyType,
    typer.Option("--key-type", help="Java serializer for the key (bytes: give the key as hex)."),
]


@contextmanager
def reported_errors() -> Iterator[None]:
    """The one error funnel: expected failures become `error: …` on stderr and exit 2."""
    try:
        yield
    except KafkaRetryError as exc:
        from rich.text import Text

        from kafkaretry.render.console import make_console

        # soft_wrap: the message is a line to read or grep, not a paragraph to reflow.
        make_console(stderr=True).print(
            Text("error: ", style="failure") + Text(exc.message), soft_wrap=True
        )
        raise typer.Exit(code=int(exc.exit_code)) from None


def _scenarios_path(path: Path | None) -> Path:
    from kafkaretry.loading import default_scenarios_path

    return path if path is not None else default_scenarios_path()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


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


def _console() -> Any:
    from kafkaretry.render.console import make_console

    return make_console()


@app.command()
def scenarios(
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the scenarios in the scenario file, with their faults."""
    with reported_errors():
        from kafkaretry.loading import load_scenario_book

        path = _scenarios_path(scenarios)
        book = load_scenario_book(path)
        rows = [
            {"name": name, "description": s.description, "faults": [f.kind for f in s.faults]}
            for name, s in book.scenarios.items()
        ]
        if as_json:
            _print_json({"file": str(path), "scenarios": rows})
            return
        from kafkaretry.render.listing import scenarios_table

        _console().print(scenarios_table(str(path), rows))


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="NAME=VALUE",
        help="Override a Kafka setting by its Kafka name, e.g. --set enable.idempotence=false "
        "(repeatable).",
        show_default=False,
    ),
]


@app.command()
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
) -> None:
    """Run a scenario through the deterministic simulator and tell the story stage by stage."""
    with reported_errors():
        from kafkaretry.runner import run_scenario
        from kafkaretry.scenario import FaultPlan

        if no_key and (key is not None or key_type is not None):
            raise KafkaRetryError("--no-key takes neither --key nor --key-type")
        chosen_type = key_type.value if key_type else ("string" if key is not None else None)
        run = run_scenario(
            _scenarios_path(scenarios),
            name,
            key=key,
            key_type=chosen_type,
            no_key=no_key,
            overrides=settings or [],
            seed=seed,
            plan=FaultPlan(broker, at_ms, with_controller),
        )
        if as_json:
            _print_json(run.json())
            return
        _show(run.stages(brief=brief), pause=step and sys.stdin.isatty())


def _show(stages: list[Any], *, pause: bool) -> None:
    from kafkaretry.render.console import show_stages

    if not show_stages(_console(), stages, pause=pause):
        raise typer.Exit(130)  # Ctrl-C: quietly, with the shell's code for SIGINT


def main() -> None:
    """Console-script entry point."""
    app()
