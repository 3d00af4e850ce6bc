"""The command as users run it: peak memory of long runs, seeds per second of a sweep.

Three measurements, each printed beside what it is compared with:

1. Peak RSS (and wall time) of `kafkaretry simulate long --json` and of the human view,
   each a fresh process, for 10,000 and 100,000 records sent 1 ms apart with one lost
   produce response (the ack-loss fault), read from the child's rusage (ru_maxrss).
2. Seeds per second of `broker-down --with-controller` over 1,000 seeds, through the same
   code `kafkaretry sweep` runs (all cores, multiprocessing).
3. The engine's queue actions per second against a bare heapq loop timed in the same run
   for as many events (PERF-NOTES.md §3), as a ratio.

    python benchmarks/run_bench.py [--records 10000,100000] [--seeds 1000] [--skip-rss]

A child over `--limit-gb` of address space (default 8) is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LONG_SCENARIO = """
  long:
    description: Many records 1 ms apart; the first batch's first response is lost.
    record: {{key: "1", key_type: int, count: {count}, interval_ms: 1}}
    faults:
      - kind: drop-response
        attempt: 1
"""


def scenario_file(directory: Path, count: int) -> Path:
    text = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    path = directory / f"long-{count}.yaml"
    path.write_text(text + LONG_SCENARIO.format(count=count), encoding="utf-8")
    return path


def peak_of(argv: list[str], limit_gb: float) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit status) of one child process."""

    def limit() -> None:
        size = int(limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    start = time.perf_counter()
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        # preexec_fn is unsafe only with threads; this script starts none.
        child = subprocess.Popen(argv, stdout=sink, stderr=errors, preexec_fn=limit)  # noqa: PLW1509
        _, status, usage = os.wait4(child.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code
    return time.perf_counter() - start, usage.ru_maxrss / 1024, code


def rss(records: list[int], limit_gb: float) -> None:
    exe = [sys.executable, "-m", "kafkaretry", "simulate", "long"]
    with tempfile.TemporaryDirectory() as tmp:
        for count in records:
            path = str(scenario_file(Path(tmp), count))
            for label, extra in (("--json", ["--json"]), ("human view", [])):
                seconds, peak, code = peak_of([*exe, "--scenarios", path, *extra], limit_gb)
                note = "" if code == 0 else f"   stopped (exit {code}, limit {limit_gb} GB)"
                print(
                    f"  {count:>7,} records, {label:<10}  peak RSS {peak:>8.0f} MB  "
                    f"{seconds:>7.1f} s{note}"
                )


def seeds(count: int) -> None:
    from kafkaretry.loading import default_scenarios_path
    from kafkaretry.whatif.sweep import SweepRequest, sweep

    request = SweepRequest(
        path=default_scenarios_path(),
        name="broker-down",
        seeds=count,
        sets=(),
        with_controller=True,
    )
    start = time.perf_counter()
    result = sweep(request)
    elapsed = time.perf_counter() - start
    runs = sum(row.runs for row in result.rows)
    print(
        f"  {runs:,} seeds of broker-down --with-controller on {os.cpu_count()} cores: "
        f"{elapsed:.2f} s, {runs / elapsed:,.0f} seeds/s"
    )


def _bare_loop(total: int) -> float:
    seq = itertools.count()
    heap = [(0, next(seq), pid) for pid in range(1000)]
    heapq.heapify(heap)
    begin = time.perf_counter()
    for _ in range(total):
        at, _, pid = heapq.heappop(heap)
        heapq.heappush(heap, (at + 1 + pid % 7, next(seq), pid))
    return time.perf_counter() - begin


def engine_ratio(rounds: int = 7, runs: int = 40) -> None:
    """Median over interleaved rounds (PERF-NOTES.md: side by side, medians): each round
    times `runs` seeds through the engine, then the bare loop for as many events."""
    from kafkaretry.loading import default_scenarios_path, load_scenario_book
    from kafkaretry.scenario import FaultPlan, scenario_inputs
    from kafkaretry.sim.simulation import Simulation

    book = load_scenario_book(default_scenarios_path())
    inputs = scenario_inputs(book, "broker-down", plan=FaultPlan(None, None, True))
    ratios, rates = [], []
    for r in range(rounds):
        actions = 0
        start = time.perf_counter()
        for seed in range(r * runs, (r + 1) * runs):
            for _ in Simulation(inputs, seed).steps():
                actions += 1
        elapsed = time.perf_counter() - start
        ratios.append(_bare_loop(actions) / elapsed)
        rates.append(actions / elapsed)
    print(
        f"  engine {statistics.median(rates):,.0f} actions/s (broker-down --with-controller, "
        f"one process); ratio to a bare heapq loop, median of {rounds} interleaved rounds: "
        f"{statistics.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="10000,100000")
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--limit-gb", type=float, default=8.0)
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    if not args.skip_rss:
        print("peak memory of `kafkaretry simulate` (records 1 ms apart, one lost response)")
        rss([int(n) for n in args.records.split(",")], args.limit_gb)
    print("sweep speed")
    seeds(args.seeds)
    print("engine against a bare event loop")
    engine_ratio()


if __name__ == "__main__":
    main()
