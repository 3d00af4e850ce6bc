"""One fuzz case: write the file, load it, simulate it, check the invariants."""

from __future__ import annotations

from pathlib import Path

from kafkaretry.errors import KafkaRetryError
from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.fuzz.generate import scenario_file
from tests.fuzz.invariants import violations

# A run's live timers: a few per node (heartbeats, fetches, elections) and per request.
MAX_PENDING = 64


def simulate_seed(seed: int, folder: Path) -> tuple[Simulation | None, Trace | None]:
    """The run of seed `seed`'s file, or (None, None) when Kafka would refuse its settings."""
    path = folder / f"fuzz-{seed}.yaml"
    path.write_text(scenario_file(seed), encoding="utf-8")
    try:
        sim = Simulation(scenario_inputs(load_scenario_book(path), "fuzz"), seed, snapshots=False)
    except KafkaRetryError:
        return None, None  # e.g. a ConfigException: a refusal is a valid outcome
    return sim, sim.run()


def check_seed(seed: int, folder: Path) -> list[str]:
    sim, trace = simulate_seed(seed, folder)
    if sim is None or trace is None:
        return []
    problems = violations(trace)
    if sim.actions > sim.limits.max_steps + 1:  # the last step only reports the stop
        problems.append(f"{sim.actions} actions, beyond the budget of {sim.limits.max_steps}")
    if sim.queue.now_ms > sim.limits.horizon_ms:
        problems.append(f"ran to {sim.queue.now_ms} ms, beyond the horizon {sim.limits.horizon_ms}")
    if sim.queue.foreground > MAX_PENDING:
        problems.append(f"{sim.queue.foreground} actions still pending: timers pile up")
    return problems
