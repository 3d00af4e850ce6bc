"""murmur2 and the partition formula against Kafka's own test vectors (KAFKA.md §1.4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkaretry.partitioning.murmur2 import java_partition, murmur2, murmur2_trace

# (key, murmur2 as Java's signed int, partition of 3, partition of 6)
VECTORS = [
    ("21", -973932308, 0, 0),
    ("foobar", -790332482, 0, 0),
    ("a-little-bit-long-string", -985981536, 2, 2),
    ("a-little-bit-longer-string", -1486304829, 2, 5),
    ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 2, 5),
    ("abc", 479470107, 0, 3),
    ("", 275646681, 0, 3),
    ("kafka", -798503068, 1, 4),
    ("key1", 28543940, 2, 2),
    ("key2", 1674751211, 2, 5),
    ("key3", -1745673403, 1, 1),
    ("user-42", 1459644460, 1, 4),
    ("order-1001", 297523878, 0, 0),
    ("customer_17", -7010643, 2, 5),
    ("hello", 2132663229, 0, 3),
    ("café", -1358007374, 0, 0),
]


@pytest.mark.parametrize(("key", "hashed", "p3", "p6"), VECTORS)
def test_kafka_vectors(key: str, hashed: int, p3: int, p6: int) -> None:
    data = key.encode()
    assert murmur2(data) == hashed
    assert murmur2_trace(data).signed == hashed
    assert java_partition(data, 3) == p3
    assert java_partition(data, 6) == p6


def test_partition_count_change_remaps() -> None:
    assert java_partition(b"foobar", 6) == 0
    assert java_partition(b"foobar", 12) == 6
    assert java_partition(b"foobar", 50) == 16


def reference_murmur2(data: bytes) -> int:
    """KAFKA.md §1.3's line-by-line port of Utils.murmur2, kept as an independent oracle."""
    m, h = 0x5BD1E995, (0x9747B28C ^ len(data)) & 0xFFFFFFFF
    n4 = len(data) // 4
    for i in range(n4):
        k = int.from_bytes(data[4 * i : 4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
    tail, t = data[4 * n4 :], len(data) % 4
    if t == 3:
        h ^= tail[2] << 16
    if t >= 2:
        h ^= tail[1] << 8
    if t >= 1:
        h ^= tail[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


@given(st.binary(max_size=1000))
def test_fast_and_traced_agree_withreference_murmur2(data: bytes) -> None:
    expected = reference_murmur2(data)
    assert murmur2(data) == expected
    assert murmur2_trace(data).signed == expected


@given(st.binary(max_size=64), st.integers(min_value=1, max_value=100))
def test_partition_in_range(data: bytes, partitions: int) -> None:
    assert 0 <= java_partition(data, partitions) < partitions
