"""Events per second of the simulation engine, against a bare heapq loop on the same machine.

Runs 100,000 keyed records (Integer keys 0..99999) through the same Simulation the CLI
uses, without per-step snapshots, and reports queue actions and trace events per second.
The baseline is PERF-NOTES.md §3's steady-state loop: 1,000 self-rescheduling processes on
a heap of (time, seq, pid) tuples, timed in the same run for as many events.

Two send rates, each on its own lines:
- "1 record/ms": one send() per simulated ms, so most batches hold one to four records and
  every record pays for its own produce request, replication and acknowledgement;
- "burst": the same records sent within 1 s of simulated time (100 per ms), so batches
  fill up as with a real producer (linger.ms=5, batch.size=16384) and a request carries
  dozens of records. What counts as an action or an event is the same in both.

    python benchmarks/sim_bench.py [records]
"""

from __future__ import annotations

import heapq
import itertools
import sys
import time
from pathlib import Path

from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim.settings import RecordSpec, SimulationInputs
from kafkaretry.sim.simulation import Simulation

ROOT = Path(__file__).resolve().parent.parent


def inputs(records: int, per_ms: int = 1) -> SimulationInputs:
    book = load_scenario_book(ROOT / "scenarios.yaml")
    base = scenario_inputs(book, "ack-loss")
    topic = base.records[0].topic
    specs = [
        RecordSpec(str(i), i.to_bytes(4, "big"), topic, send_at_ms=i // per_ms)
        for i in range(records)
    ]
    return SimulationInputs(
        scenario="bench",
        topology=base.topology,
        producer=base.producer,
        cluster=base.cluster,
        records=specs,
        faults=base.faults,  # the ack-loss fault too: one lost ACK, one retry
        latency_ms=base.latency_ms,
    )


def run_engine(records: int, per_ms: int = 1) -> tuple[float, int, int]:
    sim = Simulation(inputs(records, per_ms), seed=0, snapshots=False)
    actions = events = 0
    start = time.perf_counter()
    while (step := sim.step()) is not None:
        actions += 1
        events += len(step.events)
    elapsed = time.perf_counter() - start
    assert sim.producer.finished, "every record must be acknowledged or failed"
    return elapsed, actions, events


def run_heapq(total: int, processes: int = 1000) -> float:
    seq = itertools.count()
    heap = [(0, next(seq), pid) for pid in range(processes)]
    heapq.heapify(heap)
    start = time.perf_counter()
    for _ in range(total):
        at, _, pid = heapq.heappop(heap)
        heapq.heappush(heap, (at + 1 + pid % 7, next(seq), pid))
    return time.perf_counter() - start


def report(label: str, records: int, per_ms: int) -> None:
    elapsed, actions, events = run_engine(records, per_ms)
    baseline = run_heapq(actions)
    engine_rate = actions / elapsed
    heap_rate = actions / baseline
    print(f"{label}")
    print(f"  records              {records:>12,}")
    print(f"  queue actions        {actions:>12,}   trace events {events:,}")
    print(f"  engine wall time     {elapsed:>12.3f} s")
    print(f"  engine actions/s     {engine_rate:>12,.0f}")
    print(f"  engine trace ev/s    {events / elapsed:>12,.0f}")
    print(f"  bare heapq events/s  {heap_rate:>12,.0f}")
    print(f"  ratio (actions)      {engine_rate / heap_rate:>12.2f}")
    print(f"  ratio (trace events) {events / elapsed / heap_rate:>12.2f}")


def main() -> None:
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    report("1 record/ms: one send() per simulated ms", records, 1)
    report("burst: 100 send() calls per simulated ms (batches fill up)", records, 100)


if __name__ == "__main__":
    main()
