"""Running the shipped stories: by name, with --set overrides, through the model and the CLI."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.report import trace_json
from kafkaretry.sim.trace import Trace
from tests.conftest import STABLE_ENV
from tests.sim.helpers import run

SEEDS = range(12)
runner = CliRunner()


def story(name: str, seed: int = 0, **sets: str) -> Trace:
    return run(name, seed, **sets)


def story_json(name: str, seed: int = 0, **sets: str) -> dict[str, Any]:
    return as_json(story(name, seed, **sets))


def as_json(trace: Trace) -> dict[str, Any]:
    """The --json document of a run (every shipped story uses int keys)."""
    return trace_json(trace, "int")


def cli(*args: str) -> Any:
    return runner.invoke(app, ["simulate", *args], env=STABLE_ENV)
