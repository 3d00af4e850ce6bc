"""The what-if commands (`sweep`, `compare`, `settings`): bodies kept off cli.py, which
registers them. Each loads → computes (kafkaretry.whatif) → renders or prints JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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
from kafkaretry.errors import KafkaRetryError


class OptionError(KafkaRetryError):
    """Command-line options that cannot be used together."""


def sweep(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    seeds: Annotated[int, typer.Option(min=1, help="Runs per value: seeds 0 to N-1.")] = 100,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=V1,V2,…",
            help="Sweep a Kafka setting over these values (repeatable: each swept on its own).",
            show_default=False,
        ),
    ] = None,
    fixed: Annotated[
        list[str] | None,
        typer.Option(
            "--fix",
            metavar="NAME=VALUE",
            help="Set a Kafka setting for every run (repeatable).",
            show_default=False,
        ),
    ] = None,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes [default: one per core].", show_default=False),
    ] = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of tables.")] = False,
) -> None:
    """Run a scenario over many seeds and each value of a setting; show the spread of times."""
    with reported_errors():
        from kafkaretry.render.progress import LazyProgress
        from kafkaretry.whatif.sweep import SweepRequest, sweep_csv, sweep_json
        from kafkaretry.whatif.sweep import sweep as run_sweep

        request = SweepRequest(
            scenarios_path(scenarios),
            name,
            seeds,
            tuple(sets or ()),
            tuple(fixed or ()),
            broker,
            at_ms,
            with_controller,
            workers,
        )
        with LazyProgress(f"sweep {name}", counts_bytes=False) as progress:
            result = run_sweep(request, progress)
        if as_json:
            print_json(sweep_json(result))
        elif as_csv:
            sys.stdout.write(sweep_csv(result))
        else:
            from kafkaretry.render.whatif_sweep import sweep_view

            shown = " ".join([name, *(["--with-controller"] if with_controller else [])])
            console().print(sweep_view(result, shown))


def compare(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    vs: Annotated[
        list[str] | None,
        typer.Option(
            "--vs",
            metavar="NAME=VALUE",
            help="The change to compare: the right-hand run's setting (repeatable).",
            show_default=False,
        ),
    ] = None,
    settings: SetOption = None,
    seed: Annotated[int, typer.Option(help="Seed of both runs' random streams.")] = 0,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a scenario without and with a change (same seed): side by side, first divergence."""
    with reported_errors():
        plan = (broker, at_ms, with_controller)
        show_compare(scenarios_path(scenarios), name, vs or [], settings or [], seed, plan, as_json)


Plan = tuple[int | None, int | None, bool]


def show_compare(
    path: Path,
    name: str,
    changes: list[str],
    common: list[str],
    seed: int,
    plan: Plan,
    as_json: bool,
    key: tuple[str | None, str | None] = (None, None),
) -> None:
    from kafkaretry.scenario import FaultPlan
    from kafkaretry.whatif.compare import compare as run_compare
    from kafkaretry.whatif.compare import compare_json

    result = run_compare(
        path,
        name,
        changes=changes,
        common=common,
        seed=seed,
        plan=FaultPlan(*plan),
        key=key[0],
        key_type=key[1],
    )
    if as_json:
        print_json(compare_json(result))
        return
    from kafkaretry.render.whatif_compare import compare_view

    extra = " --with-controller" if plan[2] else ""
    title = f"kafkaretry compare {name}{extra} --vs {' --vs '.join(changes)} (seed {seed})"
    console().print(compare_view(result, title, common))


def export(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    path: Annotated[
        Path | None,
        typer.Argument(
            help="File to write: .md (a post, with SVG pictures beside it), .svg or .html.",
            show_default=False,
        ),
    ] = None,
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Print a Mermaid sequenceDiagram of the run.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the simulation's random streams.")] = 0,
    settings: SetOption = None,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a run as a Markdown post (+ SVG), one SVG/HTML page, or a Mermaid diagram."""
    with reported_errors():
        plan = (broker, at_ms, with_controller)
        show_export(
            scenarios_path(scenarios), name, path, mermaid, settings or [], seed, plan, as_json
        )


def show_export(
    scenarios: Path,
    name: str,
    path: Path | None,
    mermaid: bool,
    overrides: list[str],
    seed: int,
    plan: Plan,
    as_json: bool,
    key: tuple[str | None, str | None] = (None, None),
) -> None:
    from kafkaretry.whatif.export import export_run

    data = export_run(
        scenarios, name, path, mermaid=mermaid, overrides=overrides, seed=seed, plan=plan, key=key
    )
    if as_json:
        print_json(data)
    elif mermaid:
        sys.stdout.write(str(data["mermaid"]))
    else:
        sys.stdout.write("".join(f"wrote {p}\n" for p in data["written"]))


CompareOption = Annotated[
    list[str] | None,
    typer.Option(
        "--compare",
        metavar="NAME=VALUE",
        help="Show the run beside one with this change, as `kafkaretry compare --vs`.",
        show_default=False,
    ),
]
ExportOption = Annotated[
    Path | None,
    typer.Option(
        "--export",
        metavar="PATH",
        help="Write the run to PATH (.md with SVG pictures, .svg, .html), as `kafkaretry export`.",
        show_default=False,
    ),
]
MermaidOption = Annotated[
    bool, typer.Option("--mermaid", help="Print a Mermaid sequenceDiagram of the run.")
]


def simulate_extras(
    name: str,
    path: Path,
    what: tuple[list[str] | None, Path | None, bool],
    *,
    key: tuple[str | None, str | None],
    seed: int,
    overrides: list[str],
    plan: Plan,
    as_json: bool,
) -> bool:
    """`simulate --compare/--export/--mermaid`: done here (True), or not asked for (False)."""
    compare, export_to, mermaid = what
    chosen = [
        o for o, v in (("--compare", compare), ("--export", export_to), ("--mermaid", mermaid)) if v
    ]
    if not chosen:
        return False
    if len(chosen) > 1:
        raise OptionError(f"{' and '.join(chosen)} cannot be combined: choose one")
    if compare:
        show_compare(path, name, compare, overrides, seed, plan, as_json, key)
    else:
        show_export(path, name, export_to, mermaid, overrides, seed, plan, as_json, key)
    return True
