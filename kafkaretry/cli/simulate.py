"""`kafkaretry simulate`: a scenario through the deterministic simulator, told stage by stage."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from kafkaretry.cli import whatif
from kafkaretry.cli.support import (
    LONG_MAX,
    AtMsOption,
    BrokerOption,
    JsonOption,
    KeyType,
    ScenariosOption,
    SetOption,
    WithControllerOption,
    console,
    long_option,
    reported_errors,
    scenarios_path,
)
from kafkaretry.errors import KafkaRetryError


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
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    compare: whatif.CompareOption = None,
    export: whatif.ExportOption = None,
    mermaid: whatif.MermaidOption = False,
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
        path = scenarios_path(scenarios)
        overrides = settings or []
        if no_key and any(extras):
            raise KafkaRetryError("--no-key does not combine with --compare, --export or --mermaid")
        if whatif.simulate_extras(
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
        show(run.stages(brief=brief), pause=step and sys.stdin.isatty())


def show(stages: list[Any], *, pause: bool) -> None:
    from kafkaretry.render.console import show_stages

    if not show_stages(console(), stages, pause=pause):
        raise typer.Exit(130)  # Ctrl-C: quietly, with the shell's code for SIGINT
