"""Where one key lands: the data behind `kafkaretry partition` (human and --json views)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafkaretry.partitioning.clients import client_names, client_partitions
from kafkaretry.partitioning.keys import display_key, serialize_key
from kafkaretry.partitioning.murmur2 import Murmur2Trace, murmur2_trace
from kafkaretry.topology import PartitionSpec, TopicSpec


@dataclass(frozen=True, slots=True)
class KeyPlacement:
    topic: str
    partitions: int
    key: str
    key_type: str
    key_bytes: bytes
    murmur: Murmur2Trace
    partition: int
    spec: PartitionSpec | None  # None when --partitions describes partitions the topic lacks
    clients: dict[str, int | None]
    existing_partitions: int

    @property
    def shown_key(self) -> str:
        return display_key(self.key, self.key_type)

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "partitions": self.partitions,
            "key": self.key,
            "key_type": self.key_type,
            "key_bytes_hex": self.key_bytes.hex(),
            "murmur2": self.murmur.signed,
            "positive": self.murmur.positive,
            "partition": self.partition,
            "leader": self.spec.leader if self.spec else None,
            "replicas": list(self.spec.replicas) if self.spec else None,
            "isr": list(self.spec.isr) if self.spec else None,
            "clients": self.clients,
        }


def place_key(
    topic: TopicSpec,
    key: str,
    key_type: str,
    *,
    partitions: int | None = None,
    clients: list[str] | None = None,
) -> KeyPlacement:
    """Serialize `key`, hash it as the Java producer does, and find its partition."""
    count = partitions if partitions is not None else len(topic.partitions)
    data = serialize_key(key, key_type)
    trace = murmur2_trace(data)
    partition = trace.positive % count
    # Adding partitions keeps the existing ones' replicas; a topic can never lose partitions
    # (CreatePartitions only grows), so a smaller count describes a different topic.
    existing = len(topic.partitions)
    spec = topic.partitions[partition] if partition < existing <= count else None
    return KeyPlacement(
        topic=topic.name,
        partitions=count,
        key=key,
        key_type=key_type,
        key_bytes=data,
        murmur=trace,
        partition=partition,
        spec=spec,
        clients=client_partitions(data, count, client_names(clients or [])),
        existing_partitions=existing,
    )
