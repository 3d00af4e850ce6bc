"""Benchmark `partition --keys-file` on Parquet against the same keys as a text file.

    python benchmarks/columnar_bench.py [--keys 10000000] [--rounds 3]

Writes the seeded keys of bulk_bench.py once as text (one per line) and once as a Parquet
file of one string column (pyarrow, default row groups), then runs the whole `kafkaretry`
process on each, interleaved round by round, checks that both give the same counts, and
prints the median times, their ratio and each run's peak RSS (bounded: Parquet is read one
batch of 1,048,576 rows at a time). Also times a plain loop over kafka-python's murmur2
that only counts records per partition, the simplest script a user would write.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from bulk_bench import IMPORT_MURMUR2, PLAIN, kafkaretry_cmd, peak_rss_mb, timed, write_keys

# The plain loop of bulk_bench: kafka-python's murmur2 (or its port), counts only.
PLAIN_LOOP = IMPORT_MURMUR2 + PLAIN


def main() -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Python loop")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp, "keys.txt")
        write_keys(text, args.keys)
        parquet = Path(tmp, "keys.parquet")
        with text.open("rb") as f:
            keys = f.read().split(b"\n")[:-1]
        pq.write_table(pa.table({"key": pa.array(keys, pa.binary()).cast(pa.string())}), parquet)
        del keys
        print(
            f"{args.keys:,} keys: text {text.stat().st_size / 1e6:.0f} MB, "
            f"Parquet {parquet.stat().st_size / 1e6:.0f} MB"
        )
        runs: dict[str, list[float]] = {"text": [], "parquet": []}
        if not args.no_plain:
            runs["plain loop"] = []
        timed(kafkaretry_cmd(text))  # warm-up: topology cache and bytecode, not timed
        for _ in range(args.rounds):
            seconds, out = timed(kafkaretry_cmd(text))
            runs["text"].append(seconds)
            counts = json.loads(out)["counts"]
            seconds, out = timed(kafkaretry_cmd(parquet))
            runs["parquet"].append(seconds)
            assert json.loads(out)["counts"] == counts  # same answers, or nothing to compare
            if not args.no_plain:
                seconds, out = timed([sys.executable, "-c", PLAIN_LOOP, str(text), "3"])
                runs["plain loop"].append(seconds)
                assert json.loads(out)["counts"] == counts
        median = {name: statistics.median(times) for name, times in runs.items()}
        for name, seconds in median.items():
            print(f"{name:12} median {seconds:7.3f} s  {args.keys / seconds / 1e6:6.2f} M keys/s")
        print(f"Parquet / text: {median['parquet'] / median['text']:.2f}x the time")
        if not args.no_plain:
            print(f"plain loop / text: text is {median['plain loop'] / median['text']:.1f}x faster")
        for name, path in (("text", text), ("parquet", parquet)):
            print(f"peak RSS {name}: {peak_rss_mb(kafkaretry_cmd(path)):.0f} MB")


if __name__ == "__main__":
    main()
