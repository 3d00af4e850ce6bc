"""Start-up of `kafkaretry --help` and `kafkaretry partition hello`, as ratios to `python -c pass`.

All commands run interleaved round-robin in one process tree, so machine load affects them
alike; the script prints medians and the ratio of each to the bare interpreter. kafkaretry's
bar: both ≤ 12x `python -c pass`. Usage: python benchmarks/startup.py [ROUNDS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    exe = shutil.which("kafkaretry")
    if exe is None:
        sys.exit("kafkaretry is not on PATH: pip install . first")
    # Without .pyc files every run would recompile kafkaretry (~600 ms), which no installed
    # copy does: a user's pip install writes them.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KAFKARETRY_CACHE_DIR"] = tempfile.mkdtemp(prefix="kafkaretry-bench-")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "kafkaretry --help": [exe, "--help"],
        "kafkaretry partition hello": [exe, "partition", "hello"],
        "kafkaretry partition hello (cold cache)": [exe, "partition", "hello"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for name, cmd in commands.items():  # warm-up: .pyc files, the topology cache
        if "cold" not in name:
            _time(cmd, env)
    for _ in range(rounds):
        for name, cmd in commands.items():
            run_env = env
            if "cold" in name:
                run_env = dict(env, KAFKARETRY_CACHE_DIR=tempfile.mkdtemp())
            samples[name].append(_time(cmd, run_env))
    base = statistics.median(samples["python -c pass"])
    print(f"{'command':42} {'median ms':>10} {'x pass':>8}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:42} {median * 1000:10.1f} {median / base:8.1f}")


if __name__ == "__main__":
    main()
