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


class Client(StrEnum):
    java = "java"
    librdkafka = "librdkafka"
    sarama = "sarama"
    kafkajs = "kafkajs"
    all = "all"


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
) -> None:
    """Run a scenario through the deterministic simulator and tell the story stage by stage."""
    with reported_errors():
        from kafkaretry.runner import run_scenario
        from kafkaretry.scenario import FaultPlan

        run = run_scenario(
            _scenarios_path(scenarios),
            name,
            key=key,
            key_type=key_type.value if key_type else None,
            overrides=settings or [],
            seed=seed,
            plan=FaultPlan(broker, at_ms, with_controller),
        )
        if as_json:
            _print_json(run.json())
            return
        _show(run.stages(), pause=step and sys.stdin.isatty())


def _show(stages: list[Any], *, pause: bool) -> None:
    console = _console()
    for index, stage in enumerate(stages):
        console.print(stage)
        console.print()
        if pause and index + 1 < len(stages):
            console.input("[muted]Enter for the next stage…[/muted]")


lab_app = typer.Typer(
    help="Run a scenario on a real Apache Kafka 4.1 cluster on this machine (127.0.0.1).",
    no_args_is_help=True,
)
app.add_typer(lab_app, name="lab")

KafkaHomeOption = Annotated[
    Path | None,
    typer.Option(
        "--kafka-home",
        help="An unpacked Apache Kafka 4.1 (with libs/*.jar) [default: $KAFKA_HOME, else the "
        "one `lab setup` assembled].",
        show_default=False,
    ),
]
RunsOption = Annotated[
    int, typer.Option("--runs", min=1, max=50, help="Real runs, each on a fresh cluster.")
]
FastOption = Annotated[
    bool,
    typer.Option(
        "--fast",
        help="Divide every time-related Kafka setting by 5, on both the model and the cluster.",
    ),
]
KeepOption = Annotated[
    Path | None,
    typer.Option(
        "--keep",
        help="Keep each run's files (properties, node and producer logs) in DIR/NAME-run-N.",
        metavar="DIR",
        show_default=False,
    ),
]
BrokerOption = Annotated[
    int | None,
    typer.Option(help="The broker the scenario's crash-broker fault kills.", show_default=False),
]
AtMsOption = Annotated[
    int | None,
    typer.Option("--at-ms", min=0, help="When the crash-broker fault strikes.", show_default=False),
]
WithControllerOption = Annotated[
    bool,
    typer.Option(
        "--with-controller", help="Also crash the active controller when the broker dies."
    ),
]


@lab_app.command("setup")
def lab_setup(kafka_home: KafkaHomeOption = None, as_json: JsonOption = False) -> None:
    """Find Kafka 4.1 (--kafka-home, $KAFKA_HOME) or assemble it from Maven Central."""
    with reported_errors():
        from kafkaretry.lab.setup import setup

        data = setup(kafka_home)
        if as_json:
            _print_json(data)
            return
        from kafkaretry.render.lab import setup_view

        _console().print(setup_view(data))


def _real(
    name: str,
    settings: list[str] | None,
    scenarios: Path | None,
    fast: bool,
    plan: tuple[int | None, int | None, bool],
    runs: int,
    keep: Path | None,
    kafka_home: Path | None,
) -> tuple[Any, dict[str, Any]]:
    from kafkaretry.lab.setup import prepare, real_session
    from kafkaretry.render.lab import StartProgress

    inputs, install = prepare(
        _scenarios_path(scenarios), name, settings or [], fast, plan, kafka_home
    )
    with StartProgress() as progress:
        return inputs, real_session(inputs, install, runs=runs, keep=keep, progress=progress)


@lab_app.command("run")
def lab_run(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    settings: SetOption = None,
    runs: RunsOption = 1,
    fast: FastOption = False,
    keep: KeepOption = None,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    kafka_home: KafkaHomeOption = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a scenario on a real Kafka 4.1 cluster with the real Java producer."""
    with reported_errors():
        from kafkaretry.lab.session import lab_json

        plan = (broker, at_ms, with_controller)
        inputs, real = _real(name, settings, scenarios, fast, plan, runs, keep, kafka_home)
        data = lab_json(inputs, real)
        if as_json:
            _print_json(data)
            return
        from kafkaretry.render.lab import lab_view

        _show(lab_view(data), pause=False)


@app.command()
def verify(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    settings: SetOption = None,
    runs: RunsOption = 1,
    fast: FastOption = False,
    keep: KeepOption = None,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    kafka_home: KafkaHomeOption = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Simulate a scenario and run it on real Kafka 4.1; show where they agree and differ."""
    with reported_errors():
        from kafkaretry.lab.session import verify_json

        plan = (broker, at_ms, with_controller)
        inputs, real = _real(name, settings, scenarios, fast, plan, runs, keep, kafka_home)
        data = verify_json(inputs, real)
        if as_json:
            _print_json(data)
            return
        from kafkaretry.render.verify import verify_view

        _console().print(verify_view(data))


def main() -> None:
    """Console-script entry point."""
    app()
