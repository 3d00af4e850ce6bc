"""Every client partitioner against what the real library answered (tests/vectors/).

The make_* scripts beside the vectors asked librdkafka (confluent-kafka's wheel), KafkaJS,
kafka-python, sarama, kafka-go and franz-go; these tests need none of them installed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from kafkaretry.partitioning.clients import BY_NAME, PARTITIONERS, resolve

VECTORS = Path(__file__).parent / "vectors"
FILES = {
    "librdkafka": "librdkafka",
    "kafka-go": "kafka_go",
    "franz-go": "franz_go",
    "kafka-python": "kafka_python",
    "kafkajs": "kafkajs",
    "sarama": "sarama",
}


@cache
def cases() -> list[tuple[bytes, int]]:
    raw = json.loads((VECTORS / "cases.json").read_text())["cases"]
    return [(bytes.fromhex(key), n) for key, n in raw]


@cache
def answers(client: str) -> dict[str, Any]:
    return json.loads((VECTORS / f"{FILES[client]}.json").read_text())  # type: ignore[no-any-return]


VERIFIED = [p.name for p in PARTITIONERS if p.client in FILES]


def test_every_partitioner_but_java_has_vectors() -> None:
    # Java's own murmur2 is checked against Kafka's UtilsTest vectors in test_murmur2.py.
    for p in PARTITIONERS:
        if p.client != "java":
            assert p.variant in answers(p.client)["results"], p.name
    assert len(cases()) > 2000


@pytest.mark.parametrize("name", VERIFIED)
def test_partitioner_matches_the_real_library(name: str) -> None:
    partitioner = BY_NAME[name]
    expected = answers(partitioner.client)["results"][partitioner.variant]
    got = [partitioner.place(key, n) for key, n in cases()]
    wrong = [(c, e, g) for c, e, g in zip(cases(), expected, got, strict=True) if e != g]
    assert not wrong, f"{len(wrong)} cases differ, e.g. {wrong[:3]}"


def test_vectors_cover_the_edges() -> None:
    keys = {key for key, _ in cases()}
    assert b"" in keys
    assert any(not k.isascii() for k in keys)
    murmur = BY_NAME["java:default"]
    assert murmur.hash == "murmur2"
    from kafkaretry.partitioning.hashes import fnv1a_32
    from kafkaretry.partitioning.murmur2 import murmur2

    assert any(murmur2(k) == -(2**31) for k in keys)  # Integer.MIN_VALUE
    assert any(fnv1a_32(k) == 2**31 for k in keys)
    assert {n for _, n in cases()} == set(range(1, 101))


def test_key_ignoring_partitioners_and_empty_keys() -> None:
    assert resolve("kafka-go").place(b"k", 12) is None  # RoundRobin, the Writer's default
    assert resolve("librdkafka").place(b"", 12) is None  # consistent_random: sticky
    assert resolve("librdkafka:murmur2_random").place(b"", 12) == resolve("java").place(b"", 12)
    assert resolve("librdkafka:consistent").place(b"", 12) == 0  # crc32 of nothing is 0


def test_null_key_rules_follow_each_client_source() -> None:
    from kafkaretry.partitioning.keyless import null_key_rule

    # librdkafka hashes a NULL key's zero bytes under consistent, murmur2 and fnv1a only.
    assert null_key_rule("librdkafka:consistent", 12) == (
        "partition 0 for every null key: the hash of zero bytes"
    )
    assert null_key_rule("librdkafka:murmur2", 12).startswith("partition 9 ")  # as Java's b""
    assert null_key_rule("librdkafka", 12).startswith("sticky")
    assert null_key_rule("librdkafka:random", 12).startswith("sticky")
    assert null_key_rule("kafka-go", 12) == "round-robin over the partitions"
    assert null_key_rule("kafka-go:crc32_consistent", 12).startswith("partition 0 ")
    assert null_key_rule("sarama", 12) == "a random partition per record"
