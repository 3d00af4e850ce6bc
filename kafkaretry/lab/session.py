"""`lab run` and `verify`: N real runs of one scenario, and their JSON documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kafkaretry.lab.compare import agreement_json, compare
from kafkaretry.lab.inputs import LabInputs
from kafkaretry.lab.install import KafkaInstall
from kafkaretry.lab.run import run_once


def real_runs(
    inputs: LabInputs,
    install: KafkaInstall,
    *,
    runs: int,
    keep: Path | None,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """`{kafka_version, runs: [...]}`: each run on its own fresh cluster, one after another."""
    out = []
    for i in range(runs):

        def tagged(message: str, n: int = i + 1) -> None:
            progress(f"run {n}/{runs}: {message}")

        kept = None if keep is None else keep / f"{inputs.scenario}-run-{i + 1}"
        facts = run_once(inputs, install, keep=kept, progress=tagged)
        out.append({"run": i + 1, **facts, "kept": None if kept is None else str(kept)})
    return {"kafka_version": install.version, "kafka_home": str(install.home), "runs": out}


def _settings(inputs: LabInputs) -> dict[str, Any]:
    return {
        "producer": inputs.simulated["settings"],
        "cluster": inputs.simulated["cluster_settings"],
        "overrides": list(inputs.overrides),
        "fast_factor": inputs.fast_factor,
    }


def lab_json(inputs: LabInputs, real: dict[str, Any]) -> dict[str, Any]:
    """The `lab run --json` document (fields in the README)."""
    return {
        "scenario": inputs.scenario,
        "record": {
            "key": inputs.key,
            "key_type": inputs.key_type,
            "topic": inputs.topic,
            "partition": inputs.partition,
        },
        "settings": _settings(inputs),
        "real": real,
    }


def verify_json(inputs: LabInputs, real: dict[str, Any]) -> dict[str, Any]:
    """The `verify --json` document: both sides and the fact-by-fact agreement."""
    return {
        "scenario": inputs.scenario,
        "settings": _settings(inputs),
        "simulated": inputs.simulated,
        "real": real,
        "agreement": agreement_json(compare(inputs.simulated, real["runs"])),
    }
