"""`kafkaretry sweep`: one scenario, many seeds, each value of each swept setting.

Runs are independent and deterministic, so they spread over all cores (multiprocessing)
and the result depends only on the arguments: seeds 0..N-1, values in the order given,
rows in that order, whatever the number of cores or the order in which workers finish.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kafkaretry.scenario import SettingError
from kafkaretry.whatif.facts import RunFacts, run_facts
from kafkaretry.whatif.stats import Spread, spread

if TYPE_CHECKING:
    from kafkaretry.config import ScenarioBook
    from kafkaretry.sim.settings import SimulationInputs

Progress = Callable[[int, int | None], None]  # (runs done, runs in all)
# Below this many runs, starting worker processes costs more than it saves.
PARALLEL_FROM = 24


@dataclass(frozen=True, slots=True)
class SweepRequest:
    path: Path
    name: str
    seeds: int
    sets: tuple[str, ...]  # NAME=V1,V2,… (each swept on its own)
    fixed: tuple[str, ...] = ()  # NAME=VALUE applied to every run
    broker: int | None = None
    at_ms: int | None = None
    with_controller: bool = False
    workers: int | None = None  # None: every core


@dataclass(frozen=True, slots=True)
class Job:
    """One run: picklable, so a worker process can rebuild everything from it."""

    path: Path
    name: str
    overrides: tuple[str, ...]
    plan: tuple[int | None, int | None, bool]
    seed: int


@dataclass(frozen=True, slots=True)
class SweepRow:
    setting: str | None  # None: the scenario as it is
    value: str | None
    runs: int
    shares: tuple[tuple[str, float], ...]  # in the order of SHARES
    time_to_ack_ms: Spread | None
    time_to_new_leader_ms: Spread | None
    time_to_new_controller_ms: Spread | None
    # every run's times, in seed order (where it happened), for histograms
    time_to_acks: tuple[int, ...]
    time_to_new_leaders: tuple[int, ...]
    time_to_new_controllers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SweepResult:
    scenario: str
    seeds: int
    rows: tuple[SweepRow, ...]


def swept_values(sets: tuple[str, ...]) -> list[tuple[str | None, str | None]]:
    """(setting, value) per row; one row of the scenario as it is when nothing is swept."""
    from kafkaretry.scenario import parse_overrides

    rows: list[tuple[str | None, str | None]] = []
    for pair in sets:
        name, sep, values = pair.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"--set takes NAME=V1,V2,…, got '{pair}'")
        parse_overrides([f"{name}={v}" for v in values.split(",")])  # names the bad one
        if any(not v.strip() for v in values.split(",")):
            raise SettingError(f"--set takes NAME=V1,V2,… with no empty value, got '{pair}'")
        rows.extend((name.strip(), v.strip()) for v in values.split(","))
    return rows or [(None, None)]


def jobs(request: SweepRequest) -> Iterator[tuple[int, Job]]:
    """(row index, run) for every row and seed, in output order."""
    plan = (request.broker, request.at_ms, request.with_controller)
    for index, (setting, value) in enumerate(swept_values(request.sets)):
        chosen = () if setting is None else (f"{setting}={value}",)
        for seed in range(request.seeds):
            yield index, Job(request.path, request.name, (*request.fixed, *chosen), plan, seed)


@lru_cache(maxsize=4)
def _book(path: Path) -> ScenarioBook:
    from kafkaretry.loading import load_scenario_book

    return load_scenario_book(path)


@lru_cache(maxsize=64)
def _inputs(
    path: Path, name: str, overrides: tuple[str, ...], plan: tuple[int | None, int | None, bool]
) -> SimulationInputs:
    # Validated once per row and worker: a run never changes its inputs.
    from kafkaretry.scenario import FaultPlan, parse_overrides, scenario_inputs

    sets = parse_overrides(list(overrides))
    return scenario_inputs(_book(path), name, overrides=sets, plan=FaultPlan(*plan))


def run_job(job: Job) -> RunFacts:
    """Run one job (in a worker process or here) and keep only its facts."""
    from kafkaretry.sim.simulation import Simulation

    inputs = _inputs(job.path, job.name, job.overrides, job.plan)
    return run_facts(Simulation(inputs, job.seed).run())


def sweep(request: SweepRequest, progress: Progress | None = None) -> SweepResult:
    """Every run of the sweep, aggregated per row. Errors in the scenario or a --set value
    surface (as KafkaRetryError) from the first run, before any worker starts."""
    if request.seeds < 1:
        raise SettingError(f"--seeds must be at least 1, got {request.seeds}")
    planned = list(jobs(request))
    labels = swept_values(request.sets)
    for index in range(len(labels)):  # check each row's settings once, in this process
        run_job(next(job for i, job in planned if i == index))
    facts = list(_run_all([job for _, job in planned], request.workers, progress))
    rows = []
    for index, (setting, value) in enumerate(labels):
        mine = [f for (i, _), f in zip(planned, facts, strict=True) if i == index]
        rows.append(_row(setting, value, mine))
    return SweepResult(request.name, request.seeds, tuple(rows))


def _run_all(todo: list[Job], workers: int | None, progress: Progress | None) -> Iterator[RunFacts]:
    count = workers or os.cpu_count() or 1
    if count == 1 or len(todo) < PARALLEL_FROM:
        for done, job in enumerate(todo, 1):
            yield run_job(job)
            if progress:
                progress(done, len(todo))
        return
    import multiprocessing

    chunk = max(1, min(50, len(todo) // (count * 8)))
    with multiprocessing.Pool(count) as pool:
        # imap keeps the input order: the result never depends on which worker ran what.
        for done, facts in enumerate(pool.imap(run_job, todo, chunksize=chunk), 1):
            yield facts
            if progress:
                progress(done, len(todo))


def _row(setting: str | None, value: str | None, facts: list[RunFacts]) -> SweepRow:
    records = sum(f.records for f in facts) or 1
    shares = (
        ("acknowledged", sum(f.count("acknowledged") for f in facts) / records),
        ("failed", sum(f.count("failed") for f in facts) / records),
        ("lost", sum(f.lost for f in facts) / records),
        ("duplicated", sum(f.duplicated for f in facts) / records),
        # acks=0: the producer counts the send as done and never hears an offset
        ("sent_without_ack", sum(f.count("sent-without-ack") for f in facts) / records),
    )
    # time to ack: every acknowledged record of every run; the others: one per run
    ack = [t for f in facts for t in f.times_to_ack_ms]
    leader, controller = (
        [t for f in facts if (t := getattr(f, name)) is not None] for name in TIMES[1:]
    )
    return SweepRow(
        setting,
        value,
        len(facts),
        shares,
        spread(ack),
        spread(leader),
        spread(controller),
        tuple(ack),
        tuple(leader),
        tuple(controller),
    )


SHARES = ("acknowledged", "failed", "lost", "duplicated", "sent_without_ack")
TIMES = ("time_to_ack_ms", "time_to_new_leader_ms", "time_to_new_controller_ms")


def sweep_json(result: SweepResult) -> dict[str, object]:
    """The `sweep --json` document (fields in the README)."""
    return {
        "scenario": result.scenario,
        "seeds": result.seeds,
        "rows": [
            {
                "setting": row.setting,
                "value": row.value,
                "runs": row.runs,
                "shares": {name: round(share, 6) for name, share in row.shares},
                **{name: None if (s := getattr(row, name)) is None else s.json() for name in TIMES},
            }
            for row in result.rows
        ],
    }


def sweep_csv(result: SweepResult) -> str:
    """One line per row: setting, value, runs, the four shares, then min..max per time."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    stats = ("min", "p50", "p90", "p99", "max")
    writer.writerow(
        [
            "setting",
            "value",
            "runs",
            *SHARES,
            *(f"{t.removesuffix('_ms')}_{s}_ms" for t in TIMES for s in stats),
        ]
    )
    for row in result.rows:
        times: list[object] = []
        for name in TIMES:
            s = getattr(row, name)
            times.extend([""] * 5 if s is None else [getattr(s, stat) for stat in stats])
        shares = [f"{share:.6f}".rstrip("0").rstrip(".") for _, share in row.shares]
        writer.writerow([row.setting or "", row.value or "", row.runs, *shares, *times])
    return out.getvalue()
