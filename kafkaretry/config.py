"""The scenarios file's schema: pydantic v2 models, frozen, unknown keys rejected.

Kafka settings keep Kafka's own names (`request.timeout.ms`, `enable.idempotence`) through
aliases, so the file teaches the real configuration keys; in Python each duration is an
int whose name ends in `_ms`. Defaults are Apache Kafka 4.1's (KAFKA.md §3.1, §5, §6).
Validation happens once, here; the simulation reads these models and never mutates them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from kafkaretry.partitioning.keys import KEY_TYPES
from kafkaretry.topology import PartitionSpec, TopicSpec, Topology

NonNegativeMs = Annotated[int, Field(ge=0)]
PositiveMs = Annotated[int, Field(gt=0)]
NodeId = Annotated[int, Field(ge=0)]
INT_MAX = 2**31 - 1  # Java Integer.MAX_VALUE, ProducerConfig's default `retries`
_TOPIC_NAME = re.compile(r"[a-zA-Z0-9._-]{1,249}")  # Topic.validate: legal chars, max 249


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ProducerConfig(_Model):
    """Java producer settings (ProducerConfig) that the simulation models."""

    acks: Literal["all", "1", "0"] = "all"  # KIP-679: `all` since 3.0
    # None = not set by the user; Kafka then enables idempotence unless acks/retries conflict.
    enable_idempotence: bool | None = Field(None, alias="enable.idempotence")
    retries: Annotated[int, Field(ge=0, le=INT_MAX)] = INT_MAX
    max_in_flight: Annotated[int, Field(ge=1)] = Field(
        5, alias="max.in.flight.requests.per.connection"
    )
    request_timeout_ms: PositiveMs = Field(30_000, alias="request.timeout.ms")
    delivery_timeout_ms: PositiveMs = Field(120_000, alias="delivery.timeout.ms")
    linger_ms: NonNegativeMs = Field(5, alias="linger.ms")  # KIP-1030: 5 since 4.0
    batch_size: Annotated[int, Field(ge=0)] = Field(16_384, alias="batch.size")
    retry_backoff_ms: NonNegativeMs = Field(100, alias="retry.backoff.ms")
    retry_backoff_max_ms: NonNegativeMs = Field(1_000, alias="retry.backoff.max.ms")  # KIP-580
    reconnect_backoff_ms: NonNegativeMs = Field(50, alias="reconnect.backoff.ms")
    reconnect_backoff_max_ms: NonNegativeMs = Field(1_000, alias="reconnect.backoff.max.ms")
    socket_connection_setup_timeout_ms: PositiveMs = Field(
        10_000, alias="socket.connection.setup.timeout.ms"
    )
    metadata_max_age_ms: PositiveMs = Field(300_000, alias="metadata.max.age.ms")

    @field_validator("acks", mode="before")
    @classmethod
    def _acks_spelling(cls, value: Any) -> Any:
        # The Java client accepts "all", "-1", "1", "0" (and YAML gives ints for the last three).
        text = str(value).strip().lower()
        return "all" if text in ("all", "-1") else text


class ClusterConfig(_Model):
    """Broker and KRaft controller settings that drive failure detection and elections."""

    broker_heartbeat_interval_ms: PositiveMs = Field(2_000, alias="broker.heartbeat.interval.ms")
    broker_session_timeout_ms: PositiveMs = Field(9_000, alias="broker.session.timeout.ms")
    quorum_fetch_timeout_ms: PositiveMs = Field(2_000, alias="controller.quorum.fetch.timeout.ms")
    quorum_election_timeout_ms: PositiveMs = Field(
        1_000, alias="controller.quorum.election.timeout.ms"
    )
    quorum_election_backoff_max_ms: PositiveMs = Field(
        1_000, alias="controller.quorum.election.backoff.max.ms"
    )
    quorum_request_timeout_ms: PositiveMs = Field(
        2_000, alias="controller.quorum.request.timeout.ms"
    )
    quorum_append_linger_ms: NonNegativeMs = Field(25, alias="controller.quorum.append.linger.ms")
    # QuorumConfig.DEFAULT_QUORUM_RETRY_BACKOFF_MS: an observer whose leader is unreachable asks
    # another voter after this backoff, which is how brokers find a new active controller.
    quorum_retry_backoff_ms: NonNegativeMs = Field(20, alias="controller.quorum.retry.backoff.ms")
    # KRaftConfigs.METADATA_MAX_IDLE_INTERVAL_MS_DEFAULT: the active controller appends a NoOpRecord
    # this often, so parked metadata fetches return and brokers learn the new high watermark.
    metadata_max_idle_interval_ms: PositiveMs = Field(500, alias="metadata.max.idle.interval.ms")
    replica_lag_time_max_ms: PositiveMs = Field(30_000, alias="replica.lag.time.max.ms")
    replica_fetch_wait_max_ms: NonNegativeMs = Field(500, alias="replica.fetch.wait.max.ms")
    min_insync_replicas: Annotated[int, Field(ge=1)] = Field(1, alias="min.insync.replicas")
    unclean_leader_election_enable: bool = Field(False, alias="unclean.leader.election.enable")


class NetworkConfig(_Model):
    """Model assumptions, not Kafka settings: how long a message takes on the wire."""

    latency_ms: NonNegativeMs = Field(1, alias="network.latency.ms")  # one way, every link


class PartitionModel(_Model):
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


class TopicModel(_Model):
    name: str
    configs: dict[str, str | int | bool] = Field(default_factory=dict)
    partitions: Annotated[list[PartitionModel], Field(min_length=1)]

    @field_validator("name")
    @classmethod
    def _legal_name(cls, value: str) -> str:
        if value in (".", "..") or not _TOPIC_NAME.fullmatch(value):
            raise ValueError("topic names use only a-z A-Z 0-9 . _ - (1 to 249 characters)")
        return value


class ClusterModel(_Model):
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


class RecordModel(_Model):
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


class _Fault(_Model):
    at_ms: NonNegativeMs = 0


class DropResponse(_Fault):
    """The broker handles the request, but its response is lost on the way back."""

    kind: Literal["drop-response"]
    attempt: Annotated[int, Field(ge=1)] = 1


class DropRequest(_Fault):
    """The request is lost on the way to the broker: nothing is appended."""

    kind: Literal["drop-request"]
    attempt: Annotated[int, Field(ge=1)] = 1


def _node_or(symbol: str) -> Any:
    """A node id or one symbolic name, with one error message instead of one per union arm."""

    def check(value: Any) -> Any:
        if value == symbol or (
            isinstance(value, int) and not isinstance(value, bool) and value >= 0
        ):
            return value
        raise ValueError(f"expected a node id (an integer >= 0) or '{symbol}'")

    return BeforeValidator(check)


class CrashBroker(_Fault):
    kind: Literal["crash-broker"]
    # Default: whichever broker leads the record's partition when the fault fires.
    broker: Annotated[int | Literal["partition-leader"], _node_or("partition-leader")] = (
        "partition-leader"
    )


class RestartBroker(_Fault):
    kind: Literal["restart-broker"]
    broker: NodeId


class CrashController(_Fault):
    kind: Literal["crash-controller"]
    controller: Annotated[int | Literal["active"], _node_or("active")] = "active"


class RestartController(_Fault):
    kind: Literal["restart-controller"]
    controller: NodeId


Fault = Annotated[
    DropResponse | DropRequest | CrashBroker | RestartBroker | CrashController | RestartController,
    Field(discriminator="kind"),
]
# Each kind's tag, as it appears in the file and in pydantic's error locations.
FAULT_KINDS = frozenset(
    get_args(kind.model_fields["kind"].annotation)[0] for kind in get_args(get_args(Fault)[0])
)


class ScenarioModel(_Model):
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


class ScenarioBook(_Model):
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
