"""Ask kafka-python's DefaultPartitioner where each case lands.

Run from the repository root after make_cases.py:
    pip install kafka-python && python tests/vectors/make_kafka_python.py
The partitioner reads partitions from cluster metadata, so a stand-in with the same three
methods as `kafka.cluster.ClusterMetadata` lists partitions 0..n-1, all available.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

HERE = Path(__file__).parent


class Cluster:
    def __init__(self, n: int) -> None:
        self.n = n

    def topics(self) -> set[str]:
        return {"vectors"}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return set(range(self.n))

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return set(range(self.n))


def main() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import kafka
        from kafka.partitioner.default import DefaultPartitioner
    partitioner = DefaultPartitioner()
    cases = json.loads((HERE / "cases.json").read_text())["cases"]
    out = []
    for key_hex, n in cases:
        key = bytes.fromhex(key_hex)
        out.append(partitioner.partition("vectors", key, key, b"v", b"v", Cluster(n)))
    doc = {"library": f"kafka-python {kafka.__version__}", "results": {"default": out}}
    (HERE / "kafka_python.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(doc["library"])


if __name__ == "__main__":
    main()
