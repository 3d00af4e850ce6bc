"""Where a record with a null key goes, per client partitioner (`partition --no-key`).

No key, no hash: each client picks the partition by its own rule, from its own source
(the files cited in `clients.py`).
"""

from __future__ import annotations

from typing import Any, Final

from kafkaretry.partitioning.clients import resolve
from kafkaretry.topology import TopicSpec

_RDK_STICKY: Final = "sticky for sticky.partitioning.linger.ms (10 ms), then random"
_RANDOM: Final = "a random partition per record"
_ROUND_ROBIN: Final = "round-robin over the partitions"

NULL_KEY: Final[dict[str, str]] = {
    "java:default": "sticky: switch after batch.size bytes, weighted to shorter queues",
    "kafka-go:round_robin": _ROUND_ROBIN,
    "kafka-go:least_bytes": "the partition sent the fewest bytes so far",
    "kafka-go:hash": "round-robin (Hash falls back to RoundRobin)",
    "franz-go:default": "sticky per batch (uniform bytes), weighted to less backed-up partitions",
    "franz-go:round_robin": _ROUND_ROBIN,
    "kafka-python:default": "a random partition among those with a leader",
    "kafkajs:default": "round-robin over partitions with a leader",
    "kafkajs:legacy": "round-robin over partitions with a leader",
    "sarama:round_robin": _ROUND_ROBIN,
}


# librdkafka v2.15.0 src/rdkafka_topic.c: with sticky.partitioning.linger.ms > 0, a null key
# goes to the sticky partition unless the partitioner is consistent, murmur2 or fnv1a; those
# three hash the zero bytes of the missing key, so every null key shares one partition.
# kafka-go's CRC32Balancer{Consistent: true} hashes a nil key the same way.
_HASH_NULL: Final = (
    "librdkafka:consistent",
    "librdkafka:murmur2",
    "librdkafka:fnv1a",
    "kafka-go:crc32_consistent",
)


def null_key_rule(name: str, partitions: int) -> str:
    """What the partitioner named `name` (as given to --client) does with a null key."""
    p = resolve(name)
    if p.name in NULL_KEY:
        return NULL_KEY[p.name]
    if p.name in _HASH_NULL:
        fixed = p.place(b"", partitions)
        return f"partition {fixed} for every null key: the hash of zero bytes"
    if p.client == "librdkafka":
        return _RDK_STICKY
    return _RANDOM  # sarama and kafka-go fall back to a random partitioner


def keyless_json(topic: TopicSpec, partitions: int, names: list[str]) -> dict[str, Any]:
    """--no-key --json: there is no hash to show, only which rule picks the partition."""
    return {
        "topic": topic.name,
        "partitions": partitions,
        "key": None,
        "partition": None,
        "partitioner": "built-in uniform sticky (KIP-794)",
        "sticky_switch_bytes": 16384,
        "adaptive": True,
        "eligible_partitions": [p.id for p in topic.partitions if p.leader is not None],
        "clients": {name: null_key_rule(name, partitions) for name in names},
    }
