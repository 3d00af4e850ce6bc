"""One scenario, resolved once for both sides: the simulation's JSON and the real run's inputs.

The simulation is run through `kafkaretry.runner` only; its JSON (`settings`,
`cluster_settings`, `record`) is the single source of the effective settings, so the real
cluster and producer get exactly the values the model used, including `--set` and `--fast`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafkaretry.lab.faults import NOT_IN_LAB, FaultSpec
from kafkaretry.lab.install import LabError
from kafkaretry.lab.timescale import FAST_FACTOR, scaled_overrides
from kafkaretry.topology import Topology

PRODUCER_CLIENT_ID = "kafkaretry-lab-producer"  # how the proxy tells the producer's requests


@dataclass(frozen=True, slots=True)
class LabInputs:
    scenario: str
    description: str
    topology: Topology
    topic: str
    partition: int
    key: str | None
    key_type: str
    key_hex: str | None  # the serialized key, to find the record's copies in the log
    value_bytes: int
    producer: dict[str, str]  # ProducerConfig for LabProducer.java
    cluster: dict[str, Any]  # the scenario's broker and controller settings, Kafka names
    faults: tuple[FaultSpec, ...]
    simulated: dict[str, Any]  # `kafkaretry simulate --json` of the same scenario
    overrides: tuple[str, ...]  # every --set applied to both sides (--fast's included)
    fast_factor: int | None


def _idempotence_explicit(book: Any, scenario: Any, sets: dict[str, str]) -> bool:
    # Kafka's rule (ProducerConfig.postProcessAndValidateIdempotenceConfigs): only an explicit
    # enable.idempotence=true makes acks/retries conflicts an error; otherwise they turn it off.
    layers = (book.producer.enable_idempotence, scenario.producer.enable_idempotence)
    in_sets = sets.get("enable.idempotence", "null").lower() not in ("null", "none", "")
    return in_sets or ("enable.idempotence" not in sets and any(v is not None for v in layers))


def _fault_specs(name: str, scenario: Any, plan: Any) -> tuple[FaultSpec, ...]:
    specs = []
    for index, f in enumerate(scenario.faults):
        if f.kind in NOT_IN_LAB:
            raise LabError(
                f"scenarios.{name}.faults[{index}]: {f.kind} has no real action in the lab: "
                f"{NOT_IN_LAB[f.kind]}"
            )
        target = getattr(f, "broker", getattr(f, "controller", None))
        failure = f.kind in ("crash-broker", "stop-broker")  # what --broker/--at-ms change
        if plan.broker is not None and (failure or f.kind == "restart-broker"):
            target = plan.broker
        at_ms = f.at_ms if plan.at_ms is None or not failure else plan.at_ms
        planned = not (failure and plan.at_ms is not None)
        specs.append(FaultSpec(f.kind, target, at_ms, getattr(f, "attempt", 1), planned))
    if plan.with_controller:
        first = next(s for s in specs if s.kind == "crash-broker")
        specs.append(FaultSpec("crash-controller", "active", first.at_ms))
    return tuple(specs)


def lab_inputs(path: Path, name: str, sets: list[str], *, fast: bool, plan: Any) -> LabInputs:
    """Resolve `name` with `--set`, `--fast` and the crash options; run the simulation."""
    from kafkaretry.loading import load_scenario_book
    from kafkaretry.partitioning.keys import serialize_key
    from kafkaretry.runner import run_scenario
    from kafkaretry.scenario import parse_overrides

    run = run_scenario(path, name, key=None, key_type=None, overrides=sets, seed=0, plan=plan)
    overrides = list(sets)
    if fast:
        data = run.json()
        overrides += scaled_overrides({**data["settings"], **data["cluster_settings"]})
        run = run_scenario(
            path, name, key=None, key_type=None, overrides=overrides, seed=0, plan=plan
        )
    simulated = run.json()
    book = load_scenario_book(path)
    scenario = book.scenarios[name]
    if scenario.record.count != 1:
        raise LabError(
            f"scenario '{name}' sends {scenario.record.count} records; the lab sends one"
        )
    record = simulated["record"]
    if record["partition"] is None:
        raise LabError(f"scenario '{name}' sends a record without a key; the lab needs a key")
    producer = {
        k: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in simulated["settings"].items()
        if v is not None
    }
    if not _idempotence_explicit(book, scenario, parse_overrides(sets)):
        del producer["enable.idempotence"]  # left to Kafka, as the scenario leaves it
    producer["client.id"] = PRODUCER_CLIENT_ID
    key, key_type = record["key"], record["key_type"]
    return LabInputs(
        scenario=name,
        description=scenario.description,
        topology=book.topology(),
        topic=book.topology().topic(scenario.record.topic).name,
        partition=int(record["partition"]),
        key=key,
        key_type=key_type,
        key_hex=None if key is None else serialize_key(key, key_type).hex(),
        value_bytes=scenario.record.value_bytes,
        producer=producer,
        cluster=dict(simulated["cluster_settings"]),
        faults=_fault_specs(name, scenario, plan),
        simulated=simulated,
        overrides=tuple(overrides),
        fast_factor=FAST_FACTOR if fast else None,
    )
