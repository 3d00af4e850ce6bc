"""The cost of analysing a finished run, as a ratio of the run itself, measured side by side.

Simulates N keyed records (as sim_bench.py does, without per-step snapshots), then times
`analyse(trace)` on the trace: the analysis reads the trace a few times, so it should stay a
small, constant fraction of the simulation whatever N is (it is linear in the events).

    python benchmarks/analysis_bench.py [records]
"""

from __future__ import annotations

import sys
import time

from kafkaretry.sim.analysis import analyse
from kafkaretry.sim.simulation import Simulation

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from sim_bench import inputs


def main(records: int) -> None:
    for label, per_ms in (("1 record/ms", 1), ("burst", 100)):
        start = time.perf_counter()
        trace = Simulation(inputs(records, per_ms), 0, snapshots=False).run()
        simulated = time.perf_counter() - start
        start = time.perf_counter()
        analysis = analyse(trace)
        analysed = time.perf_counter() - start
        events = sum(len(s.events) for s in trace.steps)
        print(
            f"{label}: {records:,} records, {events:,} events; simulate {simulated:.2f} s, "
            f"analyse {analysed:.2f} s ({analysed / simulated:.2f} of the simulation); "
            f"outcome {analysis.outcome.status}/{analysis.outcome.reason}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
