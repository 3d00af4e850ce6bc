"""Building simulation inputs for the sim tests, straight from the repository's scenarios.yaml."""

from __future__ import annotations

from functools import cache

from kafkaretry.config import ScenarioBook
from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim.settings import SimulationInputs
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import SCENARIOS


@cache
def book() -> ScenarioBook:
    return load_scenario_book(SCENARIOS)


def inputs(
    name: str = "ack-loss", key: str | None = None, key_type: str | None = None, **sets: str
) -> SimulationInputs:
    overrides = {k.replace("_", "."): v for k, v in sets.items()}
    return scenario_inputs(book(), name, key=key, key_type=key_type, overrides=overrides)


def run(
    name: str = "ack-loss",
    seed: int = 0,
    key: str | None = None,
    key_type: str | None = None,
    **sets: str,
) -> Trace:
    return Simulation(inputs(name, key, key_type, **sets), seed).run()
