"""Default keyed partitioners of the common Kafka clients (KAFKA.md §8).

The same key bytes can land on different partitions depending on the client library:
a Go service (sarama) and a Java service writing the same keys to one topic disagree.
Each function returns the partition for non-null key bytes, or None where the client
does not hash that key (librdkafka treats an empty key like a null one: sticky/random).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Final

from kafkaretry.partitioning.murmur2 import java_partition, to_signed

FNV32_OFFSET: Final = 2166136261  # hash/fnv New32a offset basis
FNV32_PRIME: Final = 16777619


def fnv1a_32(data: bytes) -> int:
    """FNV-1a 32-bit (Go's `hash/fnv.New32a`), unsigned."""
    h = FNV32_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV32_PRIME) & 0xFFFFFFFF
    return h


def sarama_partition(data: bytes, partitions: int) -> int:
    """sarama NewHashPartitioner: `int32(fnv1a) % n` with Go's truncated remainder, then abs."""
    h = to_signed(fnv1a_32(data))
    # Go's remainder takes the dividend's sign and sarama then negates a negative result.
    return abs(h) % partitions


def librdkafka_partition(data: bytes, partitions: int) -> int | None:
    """librdkafka's default `consistent_random`: CRC-32 of the key. An empty key goes to the
    sticky partition (rd_kafka_msg_sticky_partition), redrawn every
    sticky.partitioning.linger.ms: None, as no key decides it."""
    if not data:
        return None
    return zlib.crc32(data) % partitions


# KafkaJS 2.x DefaultPartitioner (formerly JavaCompatiblePartitioner) is murmur2 with
# integer arithmetic, identical to Java for the same key bytes.
CLIENTS: Final[dict[str, Callable[[bytes, int], int | None]]] = {
    "java": java_partition,
    "librdkafka": librdkafka_partition,
    "sarama": sarama_partition,
    "kafkajs": java_partition,
}

CLIENT_ALGORITHMS: Final[dict[str, str]] = {
    "java": "(murmur2 & 0x7fffffff) % n (BuiltInPartitioner)",
    "librdkafka": "crc32 % n (partitioner=consistent_random); empty key → sticky partition",
    "sarama": "|int32(fnv1a_32)| % n (NewHashPartitioner)",
    "kafkajs": "murmur2, Java-compatible (DefaultPartitioner)",
}


def client_partitions(data: bytes, partitions: int, clients: list[str]) -> dict[str, int | None]:
    """Partition per client, java first, in the order given."""
    names = ["java", *(c for c in clients if c != "java")]
    return {name: CLIENTS[name](data, partitions) for name in names}
