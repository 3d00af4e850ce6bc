"""A seeded fuzzer: random valid scenario files must run to an end with every invariant intact.

The seeds live in tests/data/fuzz-seeds.txt; the minimized files of the flaws the fuzzer
found live in tests/data/fuzz/. Random broken files must be refused with a KafkaRetryError,
never anything else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kafkaretry.errors import KafkaRetryError
from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import analyse
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import ROOT, SCENARIOS
from tests.fuzz.generate import scenario_file
from tests.fuzz.invariants import violations
from tests.fuzz.run import check_seed

DATA = ROOT / "tests" / "data"


def _seeds() -> list[object]:
    plain: list[int] = []
    marked: dict[int, str] = {}
    for line in (DATA / "fuzz-seeds.txt").read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        seed, _, why = text.partition(" xfail: ")
        if why:
            marked[int(seed)] = why
        else:
            low, _, high = seed.partition("-")
            plain += range(int(low), int(high or low) + 1)
    seeds = sorted(set(plain) | set(marked))
    return [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=marked[s]))
        if s in marked
        else s
        for s in seeds
    ]


@pytest.mark.parametrize("seed", _seeds())
def test_random_scenario_keeps_every_invariant(seed: int, tmp_path: Path) -> None:
    assert check_seed(seed, tmp_path) == []


def _run(name: str) -> tuple[Simulation, Trace]:
    path = DATA / "fuzz" / name
    sim = Simulation(scenario_inputs(load_scenario_book(path), "fuzz"), 0, snapshots=False)
    return sim, sim.run()


@pytest.mark.parametrize("name", ["lone-controller-restart.yaml", "election-timers.yaml"])
def test_runs_that_once_never_returned_end_with_every_fate_decided(name: str) -> None:
    sim, trace = _run(name)
    assert sim.actions <= sim.limits.max_steps + 1
    assert [trace.fate(r).outcome for r in range(len(trace.records))] == ["acknowledged"]
    if sim.stopped is not None:  # the cluster kept going: the stop says what did
        assert sim.stopped.reason == "settled"
        assert sim.stopped.kept_going


_DIGEST = """
import hashlib, json, sys, tempfile
from pathlib import Path
from kafkaretry.report import trace_json
from tests.fuzz.run import simulate_seed
folder = Path(tempfile.mkdtemp())
for seed in map(int, sys.argv[1:]):
    _, trace = simulate_seed(seed, folder)
    text = "refused" if trace is None else json.dumps(trace_json(trace, "int"), sort_keys=True)
    print(seed, hashlib.sha256(text.encode()).hexdigest())
"""


def test_runs_are_byte_identical_across_hash_seeds() -> None:
    seeds = [str(s) for s in range(8)]

    def digests(hash_seed: str) -> str:
        env = {"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"}
        return subprocess.run(
            [sys.executable, "-c", _DIGEST, *seeds],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        ).stdout

    first = digests("0")
    assert len(first.splitlines()) == len(seeds)
    assert digests("4242") == first


def test_the_invariants_allow_an_acks_1_loss_and_catch_the_same_loss_with_acks_all() -> None:
    trace = Simulation(scenario_inputs(load_scenario_book(SCENARIOS), "acks1-loss"), 0).run()
    assert [r.index for r in analyse(trace).records if r.lost] == [11]
    assert violations(trace) == []  # acks=1: losing an acknowledged record is Kafka's contract
    forged = dataclasses.replace(trace, settings=dataclasses.replace(trace.settings, acks=-1))
    assert violations(forged) == ["record 11: acknowledged with acks=all, gone from the final log"]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    i = rng.randrange(len(lines))
    head, _, _ = lines[i].partition(":")
    junk = rng.choice(
        ["true", "-1", "1_000", "9" * 400, "[1, [2]]", "{a: 1}", "'x' * 3", "\t", "'", "&a *b"]
    )
    match rng.randrange(5):
        case 0:
            del lines[i]
        case 1:
            lines.insert(i, lines[i])  # a duplicate key, or a list item twice
        case 2:
            lines[i] = f"{head}: {junk}"
        case 3:
            lines = lines[:i]
        case _:
            lines[i] = lines[i].replace(" ", "", 1)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(40))
def test_broken_files_are_refused_in_one_message(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    path = tmp_path / "broken.yaml"
    path.write_text(_mutate(scenario_file(seed), rng), encoding="utf-8")
    try:
        sim = Simulation(scenario_inputs(load_scenario_book(path), "fuzz"), seed, snapshots=False)
    except KafkaRetryError as exc:
        refused = exc.message
    else:
        refused = ""
    if refused:
        assert len(refused.splitlines()[0]) <= 300, refused
        return
    trace = sim.run()  # still valid: it must still end, every record decided
    assert all(trace.fate(r).outcome != "undecided" for r in range(len(trace.records)))
    assert not [e for _, e in trace.of_type(ev.RunStopped) if e.reason == "horizon"]


def test_the_seed_list_is_small_and_each_file_differs() -> None:
    seeds = [p if isinstance(p, int) else p.values[0] for p in _seeds()]  # type: ignore[attr-defined]
    assert len(seeds) <= 100
    files = {hashlib.sha256(scenario_file(int(s)).encode()).hexdigest() for s in seeds}
    assert len(files) == len(seeds)
    assert json.dumps(seeds) == json.dumps(sorted(seeds))
