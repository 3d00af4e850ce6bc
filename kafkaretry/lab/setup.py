"""The work behind `lab setup`, `lab run` and `verify`, kept off cli.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kafkaretry.lab.inputs import LabInputs, lab_inputs
from kafkaretry.lab.install import (
    KafkaInstall,
    LabError,
    assemble,
    find_install,
    java_version,
    require_install,
)
from kafkaretry.lab.session import real_runs


def setup(kafka_home: Path | None) -> dict[str, Any]:
    """Check Java, then find Kafka 4.1 or assemble it; `{kafka_version, kafka_home, source,
    java}` (source: --kafka-home, $KAFKA_HOME, cache, or maven when just assembled)."""
    java = java_version()
    found = find_install(kafka_home)
    source = None if found is None else found.source
    if found is None:
        found, source = assemble(), "maven"
    return {
        "kafka_version": found.version,
        "kafka_home": str(found.home),
        "source": source,
        "java": java,
    }


def prepare(
    path: Path,
    name: str,
    sets: list[str],
    fast: bool,
    plan: tuple[int | None, int | None, bool],
    kafka_home: Path | None,
) -> tuple[LabInputs, KafkaInstall]:
    """The scenario resolved (and simulated) first, so a bad name or --set fails before any
    Java is looked for; then Java and the Kafka installation."""
    from kafkaretry.scenario import FaultPlan

    inputs = lab_inputs(path, name, sets, fast=fast, plan=FaultPlan(*plan))
    java_version()
    return inputs, require_install(kafka_home)


def real_session(
    inputs: LabInputs,
    install: KafkaInstall,
    *,
    runs: int,
    keep: Path | None,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    if keep is not None:
        taken = [keep / f"{inputs.scenario}-run-{i + 1}" for i in range(runs)]
        existing = [p for p in taken if p.exists()]
        if existing:
            raise LabError(f"--keep {keep}: {existing[0]} already exists; choose another DIR")
    return real_runs(inputs, install, runs=runs, keep=keep, progress=progress)
