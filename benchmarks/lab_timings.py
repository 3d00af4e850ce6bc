"""Measure the lab stories on real Kafka beside the model: `kafkaretry verify --json`, N runs.

    python benchmarks/lab_timings.py [--runs 5] [--fast] [--out DIR] [--only SCENARIO]

Runs each story (ack-loss with idempotence on, off and acks=1; broker-down with and without
the controller) as `kafkaretry verify STORY --runs N --json`, keeps each JSON document in
DIR (default: a temp dir), and prints one line per timing and outcome fact: the simulated
value, the real minimum, median and maximum, and whether they agree. Needs `kafkaretry lab
setup` first. Each run starts its own six-JVM cluster, so other load on the machine shows up
in the real timings: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

STORIES = (
    ("ack-loss", ()),
    ("ack-loss", ("--set", "enable.idempotence=false")),
    ("ack-loss", ("--set", "acks=1")),
    ("broker-down", ()),
    ("broker-down", ("--with-controller",)),
)


def _value(values: list[Any]) -> str:
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if numbers and len(numbers) == len(values):
        return f"min {min(numbers)} / median {statistics.median(numbers):.0f} / max {max(numbers)}"
    return " | ".join(sorted({json.dumps(v) for v in values}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", default=None, help="only the stories of this scenario")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="kafkaretry-lab-timings-"))
    out.mkdir(parents=True, exist_ok=True)
    for name, extra in STORIES:
        if args.only is not None and name != args.only:
            continue
        command = [sys.executable, "-m", "kafkaretry", "verify", name, *extra]
        command += ["--runs", str(args.runs), "--json", *(["--fast"] if args.fast else [])]
        label = " ".join([name, *extra])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{label}: failed: {done.stderr.strip()}")
            continue
        data = json.loads(done.stdout)
        slug = label.replace(" ", "_").replace("--", "").replace("=", "-")
        (out / f"{slug}{'-fast' if args.fast else ''}.json").write_text(done.stdout)
        print(f"## {label} ({args.runs} runs{', --fast' if args.fast else ''})")
        for row in data["agreement"]:
            verdict = "agrees" if row["agrees"] else "DIFFERS"
            print(
                f"  {row['fact']}: simulated {row['simulated']}; real {_value(row['real'])}"
                f" -> {verdict}"
            )
        walls = [r["wall_ms"] for r in data["real"]["runs"]]
        print(f"  wall time per run (ms): {_value(walls)}")
    print(f"JSON documents in {out}")


if __name__ == "__main__":
    main()
