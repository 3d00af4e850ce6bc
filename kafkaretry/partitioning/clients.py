"""Keyed partitioners of the common Kafka clients, default and configurable (KAFKA.md §8).

The same key bytes can land on different partitions depending on the client library and
its partitioner setting: a Go service (sarama, kafka-go) and a Java service writing the
same keys to one topic disagree. Every partitioner is one hash and one rule for turning the
hash into a partition, each copied from the client's own source (file and version below);
`tests/vectors/` holds what the real libraries answered.

A partitioner "ignores the key" (`place` returns None) when the record's partition does
not depend on its key bytes: kafka-go's default `RoundRobin`, any `random` partitioner, or
librdkafka's `consistent_random` for an empty key (sent like a null key, to the sticky
partition). Null keys are not modelled here: a KEY on the command line is never null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from kafkaretry.errors import KafkaRetryError
from kafkaretry.partitioning.hashes import crc32, fnv1a_32, kafkajs_legacy_murmur2
from kafkaretry.partitioning.murmur2 import murmur2, to_signed

HASHES: Final[dict[str, Callable[[bytes], int]]] = {
    "murmur2": lambda data: murmur2(data) & 0xFFFFFFFF,
    "fnv1a": fnv1a_32,
    "crc32": crc32,
    "kafkajs_legacy_murmur2": kafkajs_legacy_murmur2,
}


def reduce_hash(rule: str, h: int, partitions: int) -> int:
    """An unsigned 32-bit hash to a partition, by one client's arithmetic.

    positive: Java's `Utils.toPositive(h) % n` (clear the sign bit).
    unsigned: `uint32(h) % n` (C `uint32_t % int32_t`, Go `h % uint32(n)`).
    abs: Go's `int32(h) % int32(n)`, negated when negative (sarama); librdkafka's
    `rd_fnv1a` takes `|int32(h)|` before `%` and gives the same numbers.
    """
    if rule == "positive":
        return (h & 0x7FFFFFFF) % partitions
    if rule == "unsigned":
        return h % partitions
    return abs(to_signed(h)) % partitions


@dataclass(frozen=True, slots=True)
class Partitioner:
    """One client's partitioner: `hash` is None when it never looks at the key."""

    client: str
    variant: str
    hash: str | None
    reduce: str = "positive"
    empty_unkeyed: bool = False  # an empty key is sent as if it had no key
    unkeyed: str = "random"  # what picks the partition when the key is ignored
    algorithm: str = ""
    source: str = ""
    warning: str = ""  # shown whenever this partitioner is listed

    @property
    def name(self) -> str:
        return f"{self.client}:{self.variant}"

    def place(self, data: bytes, partitions: int) -> int | None:
        """The partition for non-null key bytes, or None where the key does not decide it."""
        if self.hash is None or (self.empty_unkeyed and not data):
            return None
        return reduce_hash(self.reduce, HASHES[self.hash](data), partitions)


_RDK: Final = "librdkafka v2.15.0 src/rdkafka_msg.c rd_kafka_msg_partitioner_"
_KGO: Final = "segmentio/kafka-go v0.4.51 balancer.go "
_SARAMA: Final = "IBM/sarama v1.61.1 partitioner.go "
_IGNORES: Final = (
    "ignores the key: records of one key spread over every partition, so per-key order is lost"
)

PARTITIONERS: Final[tuple[Partitioner, ...]] = (
    Partitioner(
        "java", "default", "murmur2", algorithm="(murmur2 & 0x7fffffff) % n",
        source="Kafka 4.1 BuiltInPartitioner.partitionForKey, Utils.murmur2",
    ),
    Partitioner(
        "librdkafka", "consistent_random", "crc32", "unsigned", empty_unkeyed=True,
        unkeyed="sticky", algorithm="crc32 % n; an empty key goes to the sticky partition",
        source=_RDK + "consistent_random, rd_kafka_msg_partitioner (empty key: sticky)",
    ),
    Partitioner(
        "librdkafka", "consistent", "crc32", "unsigned", algorithm="crc32 % n (empty key too)",
        source=_RDK + "consistent",
    ),
    Partitioner(
        "librdkafka", "murmur2_random", "murmur2", algorithm="(murmur2 & 0x7fffffff) % n, "
        "as Java", source=_RDK + "murmur2_random, src/rdmurmur2.c",
    ),
    Partitioner(
        "librdkafka", "murmur2", "murmur2", algorithm="(murmur2 & 0x7fffffff) % n, as Java",
        source=_RDK + "murmur2, src/rdmurmur2.c",
    ),
    Partitioner(
        "librdkafka", "fnv1a_random", "fnv1a", "abs", algorithm="|int32(fnv1a)| % n",
        source=_RDK + "fnv1a_random, src/rdfnv1a.c",
    ),
    Partitioner(
        "librdkafka", "fnv1a", "fnv1a", "abs", algorithm="|int32(fnv1a)| % n",
        source=_RDK + "fnv1a, src/rdfnv1a.c",
    ),
    Partitioner(
        "librdkafka", "random", None, algorithm="a random partition per record",
        source=_RDK + "random", warning=_IGNORES,
    ),
    Partitioner(
        "kafka-go", "round_robin", None, unkeyed="round-robin",
        algorithm="RoundRobin, the Writer's default Balancer: next partition in turn",
        source=_KGO + "RoundRobin.Balance",
        warning=_IGNORES + "; set Balancer: &kafka.Hash{} (sarama's placement) or "
        "kafka.Murmur2Balancer{} (Java's)",
    ),
    Partitioner(
        "kafka-go", "least_bytes", None, unkeyed="least-bytes",
        algorithm="LeastBytes: the partition that has been sent the fewest bytes",
        source=_KGO + "LeastBytes.Balance", warning=_IGNORES,
    ),
    Partitioner(
        "kafka-go", "hash", "fnv1a", "abs", algorithm="Hash: |int32(fnv1a) % n|, as sarama",
        source=_KGO + "Hash.Balance",
    ),
    Partitioner(
        "kafka-go", "reference_hash", "fnv1a", algorithm="ReferenceHash: "
        "(fnv1a & 0x7fffffff) % n", source=_KGO + "ReferenceHash.Balance",
    ),
    Partitioner(
        "kafka-go", "crc32", "crc32", "unsigned", empty_unkeyed=True,
        algorithm="CRC32Balancer: crc32 % n; an empty key goes to a random partition",
        source=_KGO + "CRC32Balancer.Balance",
    ),
    Partitioner(
        "kafka-go", "crc32_consistent", "crc32", "unsigned",
        algorithm="CRC32Balancer{Consistent: true}: crc32 % n (empty key too)",
        source=_KGO + "CRC32Balancer.Balance",
    ),
    Partitioner(
        "kafka-go", "murmur2", "murmur2", algorithm="Murmur2Balancer: "
        "(murmur2 & 0x7fffffff) % n, as Java", source=_KGO + "Murmur2Balancer.Balance",
    ),
    Partitioner(
        "franz-go", "default", "murmur2", algorithm="UniformBytesPartitioner, keys hashed "
        "by KafkaHasher(murmur2): as Java",
        source="twmb/franz-go v1.22.3 pkg/kgo/partitioner.go UniformBytesPartitioner, "
        "KafkaHasher; pkg/kgo/config.go defaultCfg",
    ),
    Partitioner(
        "franz-go", "round_robin", None, unkeyed="round-robin",
        algorithm="RoundRobinPartitioner: next partition in turn",
        source="twmb/franz-go v1.22.3 pkg/kgo/partitioner.go RoundRobinPartitioner",
        warning=_IGNORES,
    ),
    Partitioner(
        "kafka-python", "default", "murmur2", algorithm="DefaultPartitioner: "
        "(murmur2 & 0x7fffffff) % n, as Java",
        source="kafka-python 3.0.12 kafka/partitioner/default.py DefaultPartitioner",
    ),
    Partitioner(
        "kafkajs", "default", "murmur2", algorithm="DefaultPartitioner (formerly "
        "JavaCompatiblePartitioner): murmur2 as Java",
        source="kafkajs 2.2.4 src/producer/partitioners/default/murmur2.js",
    ),
    Partitioner(
        "kafkajs", "legacy", "kafkajs_legacy_murmur2", algorithm="LegacyPartitioner, the "
        "1.x default: murmur2 in JS doubles, differs from Java for most keys",
        source="kafkajs 2.2.4 src/producer/partitioners/legacy/murmur2.js",
    ),
    Partitioner(
        "sarama", "hash", "fnv1a", "abs", algorithm="NewHashPartitioner: |int32(fnv1a) % n|",
        source=_SARAMA + "NewHashPartitioner, hashPartitioner.Partition",
    ),
    Partitioner(
        "sarama", "reference_hash", "fnv1a", algorithm="NewReferenceHashPartitioner: "
        "(fnv1a & 0x7fffffff) % n", source=_SARAMA + "NewReferenceHashPartitioner",
    ),
    Partitioner(
        "sarama", "consistent_crc", "crc32", "unsigned",
        algorithm="NewConsistentCRCHashPartitioner: crc32 % n, as librdkafka's consistent",
        source=_SARAMA + "NewConsistentCRCHashPartitioner",
    ),
    Partitioner(
        "sarama", "murmur2", "murmur2", algorithm="NewMurmur2Partitioner: "
        "(murmur2 & 0x7fffffff) % n, as Java", source=_SARAMA + "NewMurmur2Partitioner",
    ),
    Partitioner(
        "sarama", "random", None, algorithm="NewRandomPartitioner: a random partition",
        source=_SARAMA + "NewRandomPartitioner", warning=_IGNORES,
    ),
    Partitioner(
        "sarama", "round_robin", None, unkeyed="round-robin",
        algorithm="NewRoundRobinPartitioner: next partition in turn",
        source=_SARAMA + "NewRoundRobinPartitioner", warning=_IGNORES,
    ),
)  # fmt: skip

BY_NAME: Final[dict[str, Partitioner]] = {p.name: p for p in PARTITIONERS}
# The first listed variant of each client is what it does when nothing is configured.
DEFAULTS: Final[dict[str, Partitioner]] = {}
for _p in PARTITIONERS:
    DEFAULTS.setdefault(_p.client, _p)


def resolve(name: str) -> Partitioner:
    """`CLIENT` (its default partitioner) or `CLIENT:VARIANT`; KafkaRetryError otherwise."""
    client, _, variant = name.partition(":")
    if client not in DEFAULTS:
        known = ", ".join([*DEFAULTS, "all", "every"])
        raise KafkaRetryError(f"--client {name!r}: unknown client {client!r}; choose from {known}")
    if not variant:
        return DEFAULTS[client]
    found = BY_NAME.get(f"{client}:{variant}")
    if found is None:
        known = ", ".join(p.variant for p in PARTITIONERS if p.client == client)
        raise KafkaRetryError(
            f"--client {name!r}: {client} has no partitioner {variant!r}; choose from {known}"
        )
    return found


def client_names(given: tuple[str, ...] | list[str]) -> list[str]:
    """The names to show, "java" first: `all` = every client's default, `every` = every variant.

    Names are kept as given (they key the JSON); each is checked with `resolve`.
    """
    names = ["java"]
    for name in given:
        if name == "all":
            names += list(DEFAULTS)
        elif name == "every":
            names += [p.name for p in PARTITIONERS if p.name != "java:default"]
        else:
            resolve(name)
            names.append(name)
    return list(dict.fromkeys(names))


def client_partitions(data: bytes, partitions: int, names: list[str]) -> dict[str, int | None]:
    """Partition per name in `names` (from `client_names`), None where the key is ignored."""
    return {name: resolve(name).place(data, partitions) for name in names}
