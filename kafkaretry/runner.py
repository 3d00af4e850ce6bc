"""Load → simulate → (render or JSON): the work behind `kafkaretry simulate`, kept off cli.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace

if TYPE_CHECKING:
    from kafkaretry.partitioning.placement import KeyPlacement
    from kafkaretry.scenario import FaultPlan


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    trace: Trace
    description: str
    key_type: str
    placement: KeyPlacement | None

    def json(self) -> dict[str, Any]:
        from kafkaretry.report import trace_json

        return trace_json(self.trace, self.key_type)

    def write_json(self, out: TextIO) -> None:
        """`json()` as text, written event by event (see kafkaretry.jsonstream)."""
        from kafkaretry.jsonstream import write_json
        from kafkaretry.report import events_json, trace_json_head

        write_json(
            out, trace_json_head(self.trace, self.key_type), "events", events_json(self.trace)
        )

    def stages(self, *, brief: bool = False) -> list[Any]:
        from kafkaretry.render.simulate import story_stages

        return story_stages(
            self.trace,
            description=self.description,
            placement=self.placement,
            key_type=self.key_type,
            brief=brief,
        )


def run_scenario(
    path: Path,
    name: str,
    *,
    key: str | None,
    key_type: str | None,
    overrides: list[str],
    seed: int,
    plan: FaultPlan | None = None,
    no_key: bool = False,
) -> ScenarioRun:
    """Load, apply --key/--no-key/--set and the fault plan, simulate; errors name the input."""
    from kafkaretry.loading import load_scenario_book
    from kafkaretry.partitioning.placement import place_key
    from kafkaretry.scenario import FaultPlan, parse_overrides, scenario_inputs

    book = load_scenario_book(path)
    sets = parse_overrides(overrides)
    inputs = scenario_inputs(
        book,
        name,
        key=key,
        key_type=key_type,
        overrides=sets,
        plan=plan or FaultPlan(),
        no_key=no_key,
    )
    scenario = book.scenarios[name]
    chosen_type = key_type or scenario.record.key_type
    description = scenario.description
    changes = _changes(overrides, plan, key=key, no_key=no_key)
    if changes:
        # The file's description tells the scenario as written; this run may not follow it.
        description += (
            f"\nThis run changes it ({changes}): the stages, summary and verdict below tell "
            "what happened in this run."
        )
    record = inputs.records[0]
    topic = inputs.topology.topic(record.topic)
    placement = None if record.key is None else place_key(topic, record.key, chosen_type)
    trace = Simulation(inputs, seed).run()
    return ScenarioRun(trace, description, chosen_type, placement)


def _changes(overrides: list[str], plan: FaultPlan | None, *, key: str | None, no_key: bool) -> str:
    parts = [f"--set {o.strip()}" for o in overrides]
    if plan is not None:
        parts += [f"--broker {plan.broker}"] if plan.broker is not None else []
        parts += [f"--at-ms {plan.at_ms}"] if plan.at_ms is not None else []
        parts += ["--with-controller"] if plan.with_controller else []
    parts += ["--no-key"] if no_key else ([f"--key {key}"] if key is not None else [])
    return " ".join(parts)
