"""`kafkaretry lab setup|run` and `kafkaretry verify`: the scenario on a real Kafka 4.1 cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kafkaretry.cli.simulate import show
from kafkaretry.cli.support import (
    AtMsOption,
    BrokerOption,
    JsonOption,
    ScenariosOption,
    SetOption,
    WithControllerOption,
    console,
    print_json,
    reported_errors,
    scenarios_path,
)

lab_app = typer.Typer(
    help="Run a scenario on a real Apache Kafka 4.1 cluster on this machine (127.0.0.1).",
    no_args_is_help=True,
)

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


def lab_setup(kafka_home: KafkaHomeOption = None, as_json: JsonOption = False) -> None:
    """Find Kafka 4.1 (--kafka-home, $KAFKA_HOME) or assemble it from Maven Central."""
    with reported_errors():
        from kafkaretry.lab.setup import setup

        data = setup(kafka_home)
        if as_json:
            print_json(data)
            return
        from kafkaretry.render.lab import setup_view

        console().print(setup_view(data))


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
        scenarios_path(scenarios), name, settings or [], fast, plan, kafka_home
    )
    with StartProgress() as progress:
        return inputs, real_session(inputs, install, runs=runs, keep=keep, progress=progress)


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
            print_json(data)
            return
        from kafkaretry.render.lab import lab_view

        show(lab_view(data), pause=False)


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
            print_json(data)
            return
        from kafkaretry.render.verify import verify_view

        console().print(verify_view(data))


lab_app.command("setup")(lab_setup)
lab_app.command("run")(lab_run)
