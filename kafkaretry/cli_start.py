"""Commands for a first session: `settings` (registered by cli.py) and `scenarios init`."""

from __future__ import annotations

import sys
from pathlib import Path

from kafkaretry.cli_support import JsonOption, console, print_json, reported_errors
from kafkaretry.errors import ScenarioFileError


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
