"""Benchmark `kafkaretry partition --keys-file` against a kafka-python-style pure-Python run.

    python benchmarks/bulk_bench.py [--keys 1000000] [--rss-keys 10000000] [--rounds 3]

Writes a seeded key file (8-40 random bytes of [A-Za-z0-9_-:] per key), then times, side
by side in the same run: the whole `kafkaretry` process (with numpy and with
KAFKARETRY_NO_NUMPY=1); the plain loop a user would write (read the file, hash every key
with kafka-python's `murmur2`, count records per partition); and that loop also counting
keys (distinct and hottest) with a Counter, the same answers as the tool's --json.
kafka-python comes from `pip install -e '.[bench]'`; without it a line-for-line port of its
`murmur2` (kafka-python 3.0.12, kafka/partitioner/default.py) stands in. Rounds are
interleaved and the ratio compares medians, so load from other work hits every variant.
One untimed warm-up run first writes the topology cache (so yaml/pydantic stay out of the
timed runs) and the bytecode a normal install has: children run without
PYTHONDONTWRITEBYTECODE, which would otherwise recompile an editable checkout every run.
Peak RSS of each child comes from `resource.getrusage(RUSAGE_CHILDREN)`, measured in a
fresh process.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:"

MURMUR2 = r"""
def murmur2(data):
    # kafka-python 3.0.12 kafka/partitioner/default.py, ported line for line.
    length = len(data)
    seed = 0x9747B28C
    m = 0x5BD1E995
    r = 24
    h = seed ^ length
    length4 = length // 4
    for i in range(length4):
        i4 = i * 4
        k = (
            (data[i4 + 0] & 0xFF)
            + ((data[i4 + 1] & 0xFF) << 8)
            + ((data[i4 + 2] & 0xFF) << 16)
            + ((data[i4 + 3] & 0xFF) << 24)
        )
        k &= 0xFFFFFFFF
        k *= m
        k &= 0xFFFFFFFF
        k ^= (k % 0x100000000) >> r
        k &= 0xFFFFFFFF
        k *= m
        k &= 0xFFFFFFFF
        h *= m
        h &= 0xFFFFFFFF
        h ^= k
        h &= 0xFFFFFFFF
    extra_bytes = length % 4
    if extra_bytes >= 3:
        h ^= (data[(length & ~3) + 2] & 0xFF) << 16
        h &= 0xFFFFFFFF
    if extra_bytes >= 2:
        h ^= (data[(length & ~3) + 1] & 0xFF) << 8
        h &= 0xFFFFFFFF
    if extra_bytes >= 1:
        h ^= data[length & ~3] & 0xFF
        h &= 0xFFFFFFFF
        h *= m
        h &= 0xFFFFFFFF
    h ^= (h % 0x100000000) >> 13
    h &= 0xFFFFFFFF
    h *= m
    h &= 0xFFFFFFFF
    h ^= (h % 0x100000000) >> 15
    h &= 0xFFFFFFFF
    return h
"""

# kafka-python's own function when it is installed (`pip install -e '.[bench]'`), else the
# port above, which is the same code.
IMPORT_MURMUR2 = (
    "try:\n    from kafka.partitioner.default import murmur2\n"
    "except ImportError:\n" + "\n".join("    " + line for line in MURMUR2.splitlines()) + "\n"
)

# The loop a user would write: hash every line, count records per partition.
PLAIN = r"""
import json, sys
n = int(sys.argv[2])
counts = [0] * n
with open(sys.argv[1], "rb") as f:
    for line in f:
        counts[(murmur2(line.rstrip(b"\n")) & 0x7FFFFFFF) % n] += 1
print(json.dumps({"counts": counts}))
"""

# The same loop, also counting keys (distinct and hottest) as the tool's --json does.
BASELINE = r"""
import collections, json, sys
n = int(sys.argv[2])
counts = [0] * n
keys = collections.Counter()
with open(sys.argv[1], "rb") as f:
    for line in f:
        key = line.rstrip(b"\n")
        counts[(murmur2(key) & 0x7FFFFFFF) % n] += 1
        keys[key] += 1
hot = [(k.decode(), c) for k, c in keys.most_common(10) if c > 1]
print(json.dumps({"counts": counts, "distinct_keys": len(keys), "hot": hot}))
"""


def write_keys(path: Path, count: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        batch = []
        for _ in range(count):
            batch.append("".join(rng.choices(ALPHABET, k=rng.randint(8, 40))))
            if len(batch) == 100_000:
                out.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            out.write("\n".join(batch) + "\n")


SOURCE = (
    "kafka-python " + importlib.metadata.version("kafka-python")
    if importlib.util.find_spec("kafka") is not None
    else "a line-for-line port of kafka-python's (not installed)"
)
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        cmd, capture_output=True, text=True, check=True, env=CHILD_ENV if env is None else env
    )
    return time.perf_counter() - start, done.stdout


def kafkaretry_cmd(keys: Path) -> list[str]:
    return [sys.executable, "-m", "kafkaretry", "partition", "--keys-file", str(keys), "--json"]


def peak_rss_mb(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Peak RSS of `cmd` alone: measured from a fresh parent so no earlier child counts."""
    probe = (
        "import resource, subprocess, sys, json; "
        "subprocess.run(json.loads(sys.argv[1]), check=True, stdout=subprocess.DEVNULL, "
        "env=json.loads(sys.argv[2]) or None); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(cmd), json.dumps(env or CHILD_ENV)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout) / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--rss-keys", type=int, default=10_000_000, help="0 skips the RSS run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-pure", action="store_true", help="skip the slow no-numpy run")
    args = parser.parse_args()
    pure_env = {**CHILD_ENV, "KAFKARETRY_NO_NUMPY": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp, "keys.txt")
        write_keys(keys, args.keys)
        print(f"{args.keys:,} keys, {keys.stat().st_size / 1e6:.1f} MB, {os.cpu_count()} CPUs")
        timed(kafkaretry_cmd(keys))  # warm-up: topology cache and bytecode, not timed
        names = {"plain": "plain loop", "baseline": "loop + Counter"}
        runs: dict[str, list[float]] = {"kafkaretry (numpy)": [], "plain": [], "baseline": []}
        if not args.no_pure:
            runs["kafkaretry (pure Python)"] = []
        for _ in range(args.rounds):  # interleaved, so machine noise hits every variant
            seconds, out = timed(kafkaretry_cmd(keys))
            runs["kafkaretry (numpy)"].append(seconds)
            result = json.loads(out)
            for name, code in (("plain", PLAIN), ("baseline", BASELINE)):
                seconds, out = timed([sys.executable, "-c", IMPORT_MURMUR2 + code, str(keys), "3"])
                runs[name].append(seconds)
                base = json.loads(out)  # the same answers, or the comparison means nothing
                assert base["counts"] == result["counts"], name
                assert base.get("distinct_keys", result["distinct_keys"]) == result["distinct_keys"]
            if not args.no_pure:
                seconds, out = timed(kafkaretry_cmd(keys), pure_env)
                runs["kafkaretry (pure Python)"].append(seconds)
                assert json.loads(out)["counts"] == result["counts"]
        median = {name: statistics.median(times) for name, times in runs.items()}
        best = {name: min(times) for name, times in runs.items()}
        print(f"{args.rounds} interleaved rounds, whole process per run; murmur2 from {SOURCE}")
        for name, seconds in median.items():
            print(
                f"{names.get(name, name):26} median {seconds:6.3f} s  (best {best[name]:6.3f} s)  "
                f"{args.keys / seconds / 1e6:5.2f} M keys/s"
            )
        for name in ("plain", "baseline"):
            ratio = median[name] / median["kafkaretry (numpy)"]
            best_ratio = best[name] / best["kafkaretry (numpy)"]
            print(
                f"whole process, numpy vs {names[name]}: {ratio:.1f}x "
                f"(medians; best vs best {best_ratio:.1f}x)"
            )
        if args.rss_keys:
            big = Path(tmp, "big.txt")
            write_keys(big, args.rss_keys, seed=7)
            start = time.perf_counter()
            rss = peak_rss_mb(kafkaretry_cmd(big))
            took = time.perf_counter() - start
            print(
                f"{args.rss_keys:,} lines ({big.stat().st_size / 1e6:.0f} MB): "
                f"{took:.1f} s, peak RSS {rss:.0f} MB (numpy)"
            )


if __name__ == "__main__":
    main()
