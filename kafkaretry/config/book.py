"""The scenario file as a whole: cluster, topics, records, scenarios and cross-references.

`ScenarioBook` checks what no single model can: that partitions, faults and records name
brokers, controllers and topics the file defines, each error with its place in the file.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from kafkaretry.config.base import Model, NodeId, NonNegativeMs
from kafkaretry.config.faults import Fault
from kafkaretry.config.settings import ClusterConfig, NetworkConfig, ProducerConfig
from kafkaretry.errors import KeyParseError
from kafkaretry.partitioning.keys import KEY_TYPES, serialize_key
from kafkaretry.topology import PartitionSpec, TopicSpec, Topology

_TOPIC_NAME = re.compile(r"[a-zA-Z0-9._-]{1,249}")  # Topic.validate: legal chars, max 249


class PartitionModel(Model):
    replicas: Annotated[list[NodeId], Field(min_length=1)]
    leader: NodeId | None = None  # default: the preferred replica (first in assignment order)
    isr: list[NodeId] | None = None  # default: every replica in sync

    @model_validator(mode="after")
    def _consistent(self) -> PartitionModel:
        if len(set(self.replicas)) != len(self.replicas):
            raise ValueError(f"replicas {self.replicas} name a broker twice")
        isr = self.isr if self.isr is not None else self.replicas
        if not set(isr) <= set(self.replicas):
            raise ValueError(f"isr {isr} must be a subset of replicas {self.replicas}")
        leader = self.leader if self.leader is not None else self.replicas[0]
        if leader not in isr:
            raise ValueError(f"leader {leader} must be in the isr {isr}")
        return self


class TopicModel(Model):
    name: str
    configs: dict[str, str | int | bool] = Field(default_factory=dict)
    partitions: Annotated[list[PartitionModel], Field(min_length=1)]

    @field_validator("name")
    @classmethod
    def _legal_name(cls, value: str) -> str:
        if value in (".", "..") or not _TOPIC_NAME.fullmatch(value):
            raise ValueError("topic names use only a-z A-Z 0-9 . _ - (1 to 249 characters)")
        return value


class ClusterModel(Model):
    # ZooKeeper mode was removed in Kafka 4.0 (KIP-833): KRaft is the only mode.
    mode: Literal["kraft"] = "kraft"
    controllers: Annotated[list[NodeId], Field(min_length=1)]
    brokers: Annotated[list[NodeId], Field(min_length=1)]
    configs: ClusterConfig = ClusterConfig()

    @model_validator(mode="after")
    def _ids(self) -> ClusterModel:
        for role, ids in (("controllers", self.controllers), ("brokers", self.brokers)):
            if len(set(ids)) != len(ids):
                raise ValueError(f"{role} {ids} repeat a node id")
        shared = sorted(set(self.controllers) & set(self.brokers))
        if shared:
            raise ValueError(
                f"node ids {shared} are both controller and broker; "
                "kafkaretry models dedicated controllers (process.roles=controller)"
            )
        return self


class RecordModel(Model):
    key: str | None = "1"
    key_type: str = "int"
    topic: str | None = None  # default: the first topic
    # Model assumptions: how many send() calls of this record, how far apart, payload size.
    count: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    interval_ms: NonNegativeMs = 0
    value_bytes: Annotated[int, Field(ge=0)] = 100

    @field_validator("key_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in KEY_TYPES:
            raise ValueError(f"unknown key_type {value!r}; one of {', '.join(KEY_TYPES)}")
        return value


class ScenarioModel(Model):
    description: str = ""
    record: RecordModel = RecordModel()
    producer: ProducerConfig = ProducerConfig()  # only the keys given here override
    cluster_configs: ClusterConfig = ClusterConfig()  # likewise
    faults: list[Fault] = Field(default_factory=list)


class InvalidReference(Exception):
    """A value that names something the file does not define, with its place in the file."""

    def __init__(self, loc: tuple[int | str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _check_fault_target(
    fault: Any, where: tuple[int | str, ...], brokers: set[int], controllers: set[int]
) -> None:
    broker = getattr(fault, "broker", None)
    if isinstance(broker, int) and broker not in brokers:
        raise InvalidReference(
            (*where, "broker"), f"{broker} is not a broker (brokers: {sorted(brokers)})"
        )
    controller = getattr(fault, "controller", None)
    if isinstance(controller, int) and controller not in controllers:
        raise InvalidReference(
            (*where, "controller"),
            f"{controller} is not a controller (controllers: {sorted(controllers)})",
        )


class ScenarioBook(Model):
    cluster: ClusterModel
    topics: Annotated[list[TopicModel], Field(min_length=1)]
    producer: ProducerConfig = ProducerConfig()
    network: NetworkConfig = NetworkConfig()
    scenarios: dict[str, ScenarioModel] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> ScenarioBook:
        # Raised as InvalidReference (not ValueError) so that the error keeps its exact
        # place in the file; pydantic would report a model-level ValueError at the top.
        brokers, controllers = set(self.cluster.brokers), set(self.cluster.controllers)
        names = [t.name for t in self.topics]
        for index, topic in enumerate(self.topics):
            if names.index(topic.name) != index:
                raise InvalidReference(("topics", index, "name"), f"topic {topic.name} twice")
            for pid, partition in enumerate(topic.partitions):
                unknown = sorted(set(partition.replicas) - brokers)
                if unknown:
                    raise InvalidReference(
                        ("topics", index, "partitions", pid, "replicas"),
                        f"{unknown} are not brokers (brokers: {sorted(brokers)})",
                    )
        for name, scenario in self.scenarios.items():
            where: tuple[int | str, ...] = ("scenarios", name)
            if scenario.record.topic is not None and scenario.record.topic not in names:
                raise InvalidReference(
                    (*where, "record", "topic"), f"unknown topic (topics: {', '.join(names)})"
                )
            for i, fault in enumerate(scenario.faults):
                _check_fault_target(fault, (*where, "faults", i), brokers, controllers)
            record = scenario.record
            for i, fault in enumerate(scenario.faults):
                if record.key is None and getattr(fault, "broker", None) == "partition-leader":
                    raise InvalidReference(
                        (*where, "faults", i, "broker"),
                        "partition-leader needs a keyed record (a keyless record has no "
                        "partition until the sticky partitioner picks one)",
                    )
            if record.key is not None:
                try:
                    serialize_key(record.key, record.key_type, "key_type")
                except KeyParseError as exc:
                    raise InvalidReference((*where, "record", "key"), exc.message) from None
        return self

    def topology(self) -> Topology:
        """The plain, import-light view of the cluster that commands and the simulation share."""
        return Topology(
            controllers=tuple(self.cluster.controllers),
            brokers=tuple(self.cluster.brokers),
            topics=tuple(
                TopicSpec(
                    name=t.name,
                    partitions=tuple(
                        PartitionSpec(
                            id=i,
                            replicas=tuple(p.replicas),
                            leader=p.leader if p.leader is not None else p.replicas[0],
                            isr=tuple(p.isr if p.isr is not None else p.replicas),
                        )
                        for i, p in enumerate(t.partitions)
                    ),
                    configs=tuple(sorted((k, str(v)) for k, v in t.configs.items())),
                )
                for t in self.topics
            ),
        )
