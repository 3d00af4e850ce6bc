"""The cluster as plain frozen data: controllers, brokers, topics and partition assignments.

This is what `partition` and the simulation read. It is built from the validated pydantic
models (kafkaretry/config) and can round-trip through JSON, which lets `loading.load_topology`
serve it from a cache without importing pydantic or yaml on the `partition` path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafkaretry.errors import unknown_name

# The partition counts kafkaretry models. Kafka's only hard limit is Integer.MAX_VALUE, but
# every partition costs each of its replicas open files and memory, and a KRaft cluster is
# sized in hundreds of thousands of partitions in all; kafkaretry keeps counters per
# partition, so a count far beyond any real topic would only cost time and memory.
MAX_PARTITIONS = 100_000


@dataclass(frozen=True, slots=True)
class PartitionSpec:
    id: int
    replicas: tuple[int, ...]  # assignment order: the controller elects the first live ISR member
    leader: int
    isr: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: tuple[PartitionSpec, ...]
    configs: tuple[tuple[str, str], ...] = ()

    @property
    def replication_factor(self) -> int:
        return len(self.partitions[0].replicas)


@dataclass(frozen=True, slots=True)
class Topology:
    controllers: tuple[int, ...]
    brokers: tuple[int, ...]
    topics: tuple[TopicSpec, ...]

    def topic(self, name: str | None) -> TopicSpec:
        """The named topic, or the first one; UnknownNameError with suggestions otherwise."""
        if name is None:
            return self.topics[0]
        for topic in self.topics:
            if topic.name == name:
                return topic
        raise unknown_name("topic", name, [t.name for t in self.topics])

    def to_json(self) -> dict[str, Any]:
        return {
            "controllers": list(self.controllers),
            "brokers": list(self.brokers),
            "topics": [
                {
                    "name": t.name,
                    "configs": [list(kv) for kv in t.configs],
                    "partitions": [
                        [p.id, list(p.replicas), p.leader, list(p.isr)] for p in t.partitions
                    ],
                }
                for t in self.topics
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Topology:
        return cls(
            controllers=tuple(data["controllers"]),
            brokers=tuple(data["brokers"]),
            topics=tuple(
                TopicSpec(
                    name=t["name"],
                    configs=tuple((k, v) for k, v in t["configs"]),
                    partitions=tuple(
                        PartitionSpec(pid, tuple(replicas), leader, tuple(isr))
                        for pid, replicas, leader, isr in t["partitions"]
                    ),
                )
                for t in data["topics"]
            ),
        )
