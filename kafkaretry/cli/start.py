"""Commands for a first session, registered by cli.py: `scenarios` (and `scenarios init`),
`settings`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kafkaretry.cli.support import (
    JsonOption,
    ScenariosOption,
    console,
    print_json,
    reported_errors,
    scenarios_path,
)
from kafkaretry.errors import ScenarioFileError


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
            from kafkaretry.errors import UnknownNameError

            if action != "init":
                raise UnknownNameError(f"unknown action '{action}' of scenarios; known: init")
            init_scenarios(path, as_json=as_json)
            return
        from kafkaretry.loading import load_scenario_book

        path = scenarios_path(scenarios)
        book = load_scenario_book(path)
        rows = [
            {"name": name, "description": s.description, "faults": [f.kind for f in s.faults]}
            for name, s in book.scenarios.items()
        ]
        if as_json:
            print_json({"file": str(path), "scenarios": rows})
            return
        from kafkaretry.render.listing import scenarios_table

        console().print(scenarios_table(str(path), rows))


def settings(as_json: JsonOption = False) -> None:
    """List every setting --set and the scenario file accept: default, unit, meaning."""
    with reported_errors():
        from kafkaretry.settings_list import settings_rows

        rows = settings_rows()
        if as_json:
            print_json(rows)
            return
        from kafkaretry.render.listing import settings_table

        console().print(settings_table(rows))


def init_scenarios(path: Path | None, *, as_json: bool) -> None:
    """Copy the packaged scenarios.yaml to `path` (default ./scenarios.yaml); never overwrite."""
    from kafkaretry.loading import SCENARIOS_FILE, packaged_scenarios_path

    target = path if path is not None else Path(SCENARIOS_FILE)
    if target.is_dir():
        target = target / SCENARIOS_FILE
    if target.exists():
        raise ScenarioFileError(f"{target} exists already; give another PATH or move it away")
    try:
        target.write_bytes(packaged_scenarios_path().read_bytes())
    except OSError as exc:
        raise ScenarioFileError(f"cannot write {target}: {exc.strerror or exc}") from None
    if as_json:
        print_json({"written": str(target)})
        return
    here = target.resolve().parent == Path.cwd().resolve() and target.name == SCENARIOS_FILE
    use = "kafkaretry uses it from this directory" if here else f"use it with --scenarios {target}"
    sys.stdout.write(f"wrote {target}: edit it, then {use} (kafkaretry scenarios lists it)\n")
