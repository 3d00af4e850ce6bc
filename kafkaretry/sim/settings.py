"""What the simulation is given: plain frozen inputs, and the Java producer's config rules.

The pydantic models (kafkaretry/config) are validated once at the boundary and turned into these
dataclasses by `kafkaretry.scenario`, so the core never imports pydantic or yaml.

Rule (ProducerConfig.postProcessAndValidateIdempotenceConfigs,
KafkaProducer.configureDeliveryTimeout):
a setting the user did not write down may be silently adjusted by the client; a setting the
user wrote down that contradicts another is a ConfigException.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from kafkaretry.errors import ConfigError
from kafkaretry.sim.fault_specs import (
    CrashBroker,
    CrashController,
    DropRequest,
    DropResponse,
    Fault,
    Heal,
    IsolateBroker,
    RestartBroker,
    RestartController,
    SlowBroker,
    StopBroker,
    TriggerEvent,
    When,
)
from kafkaretry.topology import Topology

__all__ = [
    "ACKS_ALL",
    "MAX_IN_FLIGHT_FOR_IDEMPOTENCE",
    "Adjustment",
    "ClusterSettings",
    "CrashBroker",
    "CrashController",
    "DropRequest",
    "DropResponse",
    "EffectiveProducer",
    "Fault",
    "Heal",
    "IsolateBroker",
    "ProducerSettings",
    "RecordSpec",
    "RestartBroker",
    "RestartController",
    "SimulationInputs",
    "SlowBroker",
    "StopBroker",
    "TriggerEvent",
    "When",
    "acks_from_text",
    "effective_producer",
]

# ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE: the broker caches the last
# 5 batches per producer (ProducerStateEntry.NUM_BATCHES_TO_RETAIN), so no more may be in flight.
MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5
ACKS_ALL = -1


@dataclass(frozen=True, slots=True)
class ProducerSettings:
    """The producer settings as written (file, scenario, --set); `explicit` names what was set."""

    acks: int  # -1 (all), 1 or 0, as ProducerConfig.parseAcks stores it
    enable_idempotence: bool | None
    retries: int
    max_in_flight: int
    request_timeout_ms: int
    delivery_timeout_ms: int
    linger_ms: int
    batch_size: int
    retry_backoff_ms: int
    retry_backoff_max_ms: int
    reconnect_backoff_ms: int
    reconnect_backoff_max_ms: int
    metadata_max_age_ms: int
    explicit: frozenset[str] = frozenset()  # Kafka names the user wrote down
    max_block_ms: int = 60_000  # ProducerConfig's default
    socket_connection_setup_timeout_ms: int = 10_000
    socket_connection_setup_timeout_max_ms: int = 30_000


@dataclass(frozen=True, slots=True)
class EffectiveProducer:
    """The settings the producer really runs with, after KafkaProducer's adjustments."""

    acks: int
    idempotence: bool
    retries: int
    max_in_flight: int
    request_timeout_ms: int
    delivery_timeout_ms: int
    linger_ms: int
    batch_size: int
    retry_backoff_ms: int
    retry_backoff_max_ms: int
    reconnect_backoff_ms: int
    reconnect_backoff_max_ms: int
    metadata_max_age_ms: int
    socket_connection_setup_timeout_ms: int = 10_000
    socket_connection_setup_timeout_max_ms: int = 30_000
    # Silent adjustments, as (rule, config, value) facts for ConfigNote events.
    adjustments: tuple[tuple[str, str, str], ...] = ()
    max_block_ms: int = 60_000

    def kafka_names(self) -> dict[str, str | int | bool]:
        """The effective settings under Kafka's own names (for --json `settings`)."""
        return {
            "acks": "all" if self.acks == ACKS_ALL else str(self.acks),
            "enable.idempotence": self.idempotence,
            "retries": self.retries,
            "max.in.flight.requests.per.connection": self.max_in_flight,
            "request.timeout.ms": self.request_timeout_ms,
            "delivery.timeout.ms": self.delivery_timeout_ms,
            "linger.ms": self.linger_ms,
            "batch.size": self.batch_size,
            "retry.backoff.ms": self.retry_backoff_ms,
            "retry.backoff.max.ms": self.retry_backoff_max_ms,
            "reconnect.backoff.ms": self.reconnect_backoff_ms,
            "reconnect.backoff.max.ms": self.reconnect_backoff_max_ms,
            "metadata.max.age.ms": self.metadata_max_age_ms,
            "max.block.ms": self.max_block_ms,
            "socket.connection.setup.timeout.ms": self.socket_connection_setup_timeout_ms,
            "socket.connection.setup.timeout.max.ms": self.socket_connection_setup_timeout_max_ms,
        }


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Broker settings the data plane reads; KRaft timings pass through for the control plane."""

    min_insync_replicas: int = 1
    replica_lag_time_max_ms: int = 30_000
    replica_fetch_wait_max_ms: int = 500
    broker_heartbeat_interval_ms: int = 2_000
    broker_session_timeout_ms: int = 9_000
    quorum_fetch_timeout_ms: int = 2_000
    quorum_election_timeout_ms: int = 1_000
    quorum_election_backoff_max_ms: int = 1_000
    quorum_request_timeout_ms: int = 2_000
    quorum_append_linger_ms: int = 25
    quorum_retry_backoff_ms: int = 20
    metadata_max_idle_interval_ms: int = 500
    unclean_leader_election_enable: bool = False
    auto_leader_rebalance_enable: bool = True
    leader_imbalance_check_interval_seconds: int = 300

    def kafka_names(self) -> dict[str, int | bool]:
        """Under Kafka's own names (for --json `cluster_settings` and the failure header)."""
        return {
            "broker.heartbeat.interval.ms": self.broker_heartbeat_interval_ms,
            "broker.session.timeout.ms": self.broker_session_timeout_ms,
            "controller.quorum.fetch.timeout.ms": self.quorum_fetch_timeout_ms,
            "controller.quorum.election.timeout.ms": self.quorum_election_timeout_ms,
            "controller.quorum.election.backoff.max.ms": self.quorum_election_backoff_max_ms,
            "controller.quorum.request.timeout.ms": self.quorum_request_timeout_ms,
            "controller.quorum.append.linger.ms": self.quorum_append_linger_ms,
            "controller.quorum.retry.backoff.ms": self.quorum_retry_backoff_ms,
            "metadata.max.idle.interval.ms": self.metadata_max_idle_interval_ms,
            "min.insync.replicas": self.min_insync_replicas,
            "replica.lag.time.max.ms": self.replica_lag_time_max_ms,
            "replica.fetch.wait.max.ms": self.replica_fetch_wait_max_ms,
            "unclean.leader.election.enable": self.unclean_leader_election_enable,
            "auto.leader.rebalance.enable": self.auto_leader_rebalance_enable,
            "leader.imbalance.check.interval.seconds": self.leader_imbalance_check_interval_seconds,
        }


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """One `send()` call: key bytes (None = keyless), when the application calls it."""

    key: str | None
    key_bytes: bytes | None
    topic: str
    send_at_ms: int = 0
    value_bytes: int = 100  # model assumption: payload size, only used to fill batches


@dataclass(frozen=True, slots=True)
class SimulationInputs:
    scenario: str
    topology: Topology
    producer: ProducerSettings
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    records: Sequence[RecordSpec] = ()
    faults: tuple[Fault, ...] = ()
    # Model assumption (not a Kafka setting): one-way delay of every network message.
    latency_ms: int = 1


def effective_producer(settings: ProducerSettings) -> EffectiveProducer:
    """Apply the Java client's config rules; ConfigError with Kafka's message where it throws."""
    idempotence, notes = _idempotence(settings)
    delivery, more = _delivery_timeout(settings)
    return EffectiveProducer(
        acks=settings.acks,
        idempotence=idempotence,
        retries=settings.retries,
        max_in_flight=settings.max_in_flight,
        request_timeout_ms=settings.request_timeout_ms,
        delivery_timeout_ms=delivery,
        linger_ms=settings.linger_ms,
        batch_size=max(settings.batch_size, 1),  # batch.size=0 means one record per batch
        retry_backoff_ms=settings.retry_backoff_ms,
        retry_backoff_max_ms=settings.retry_backoff_max_ms,
        reconnect_backoff_ms=settings.reconnect_backoff_ms,
        reconnect_backoff_max_ms=settings.reconnect_backoff_max_ms,
        metadata_max_age_ms=settings.metadata_max_age_ms,
        socket_connection_setup_timeout_ms=settings.socket_connection_setup_timeout_ms,
        socket_connection_setup_timeout_max_ms=settings.socket_connection_setup_timeout_max_ms,
        adjustments=notes + more,
        max_block_ms=settings.max_block_ms,
    )


Adjustment = tuple[tuple[str, str, str], ...]


def _idempotence(s: ProducerSettings) -> tuple[bool, Adjustment]:
    # enable.idempotence defaults to true since 3.0 (KIP-679); None means "not written down".
    if s.enable_idempotence is False:
        return False, ()
    explicit = s.enable_idempotence is True
    notes: list[tuple[str, str, str]] = []
    if s.retries == 0:
        if explicit:
            raise ConfigError("Must set retries to non-zero when using the idempotent producer.")
        notes.append(("idempotence-disabled", "retries", "0"))
    if s.acks != ACKS_ALL:
        if explicit:
            raise ConfigError(
                "Must set acks to all in order to use the idempotent producer. "
                "Otherwise we cannot guarantee idempotence."
            )
        notes.append(("idempotence-disabled", "acks", str(s.acks)))
    if s.max_in_flight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE:
        # Since 4.0 this throws even when idempotence was only on by default (KAFKA.md §3.1);
        # the check runs after the acks/retries ones, as in ProducerConfig.
        raise ConfigError(
            "To use the idempotent producer, max.in.flight.requests.per.connection must be "
            f"set to at most 5. Current value is {s.max_in_flight}."
        )
    return not notes, tuple(notes)


def _delivery_timeout(s: ProducerSettings) -> tuple[int, Adjustment]:
    floor = min(s.linger_ms + s.request_timeout_ms, 2**31 - 1)
    if s.delivery_timeout_ms >= floor:
        return s.delivery_timeout_ms, ()
    if "delivery.timeout.ms" in s.explicit:
        # KafkaProducer.configureDeliveryTimeout: Kafka's own sentence, then the values
        raise ConfigError(
            "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms",
            f"here {s.delivery_timeout_ms} < {s.linger_ms} + {s.request_timeout_ms}",
        )
    return floor, (("delivery-timeout-raised", "delivery.timeout.ms", str(floor)),)


def acks_from_text(text: str) -> Literal[-1, 0, 1]:
    """ProducerConfig.parseAcks: "all" is stored as -1."""
    return -1 if text == "all" else (1 if text == "1" else 0)
