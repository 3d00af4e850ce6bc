"""Ask librdkafka itself (the copy inside the confluent-kafka wheel) where each case lands.

Run from the repository root after make_cases.py:
    pip install confluent-kafka && python tests/vectors/make_librdkafka.py
It calls librdkafka's exported `rd_kafka_msg_partitioner_<name>` functions through ctypes
with a real topic handle (a producer that never connects), so `random` and the empty-key
case of `consistent_random` really draw. A case whose answer changes between 16 calls at
100 partitions does not depend on the key: it is written as null, for every count.
confluent-kafka-python passes an empty bytes key as a non-NULL pointer of length 0.
"""

from __future__ import annotations

import ctypes
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import confluent_kafka

HERE = Path(__file__).parent
VARIANTS = (
    "random",
    "consistent",
    "consistent_random",
    "murmur2",
    "murmur2_random",
    "fnv1a",
    "fnv1a_random",
)
TRIES = 16


def load() -> ctypes.CDLL:
    libs = Path(confluent_kafka.__file__).parent.parent / "confluent_kafka.libs"
    return ctypes.CDLL(str(next(libs.glob("librdkafka*.so*"))))


def topic_handle(lib: ctypes.CDLL) -> ctypes.c_void_p:
    lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    lib.rd_kafka_new.restype = ctypes.c_void_p
    lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_topic_new.restype = ctypes.c_void_p
    lib.rd_kafka_topic_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    errstr = ctypes.create_string_buffer(512)
    rk = lib.rd_kafka_new(0, lib.rd_kafka_conf_new(), errstr, 512)  # 0 = RD_KAFKA_PRODUCER
    assert rk, errstr.value
    return ctypes.c_void_p(lib.rd_kafka_topic_new(rk, b"vectors", None))


def main() -> None:
    lib = load()
    rkt = topic_handle(lib)
    lib.rd_kafka_version_str.restype = ctypes.c_char_p
    cases = json.loads((HERE / "cases.json").read_text())["cases"]
    results: dict[str, list[int | None]] = {}
    for variant in VARIANTS:
        fn = getattr(lib, f"rd_kafka_msg_partitioner_{variant}")
        fn.restype = ctypes.c_int32
        fn.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_int32,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]

        def call(key: bytes, n: int, fn: Any = fn) -> int:
            return int(fn(rkt, key, len(key), n, None, None))

        out: list[int | None] = []
        for key_hex, n in cases:
            key = bytes.fromhex(key_hex)
            ignores = len({call(key, 100) for _ in range(TRIES)}) > 1
            out.append(None if ignores else call(key, n))
        results[variant] = out
    version = lib.rd_kafka_version_str().decode()
    doc = {
        "library": f"librdkafka {version} (confluent-kafka {metadata.version('confluent-kafka')})"
    }
    doc["results"] = results  # type: ignore[assignment]
    (HERE / "librdkafka.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(doc["library"])


if __name__ == "__main__":
    main()
