"""Producer, broker and controller settings as the scenario file gives them.

Defaults are Apache Kafka 4.1's (KAFKA.md §3.1, §5, §6). Validation happens once, here;
the simulation reads these models and never mutates them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from kafkaretry.config.base import (
    INT_MAX,
    IdleIntervalMs,
    JavaBoolean,
    Model,
    ModelNonNegativeInt,
    ModelPositiveInt,
    ModelPositiveLong,
    NonNegativeInt,
    NonNegativeLong,
    NonNegativeMs,
    PositiveInt,
    PositiveLong,
)


class ProducerConfig(Model):
    """Java producer settings (ProducerConfig) that the simulation models."""

    acks: Literal["all", "1", "0"] = "all"  # KIP-679: `all` since 3.0
    # None = not set by the user; Kafka then enables idempotence unless acks/retries conflict.
    enable_idempotence: JavaBoolean | None = Field(None, alias="enable.idempotence")
    retries: NonNegativeInt = INT_MAX
    max_in_flight: PositiveInt = Field(5, alias="max.in.flight.requests.per.connection")
    request_timeout_ms: NonNegativeMs = Field(30_000, alias="request.timeout.ms")
    delivery_timeout_ms: NonNegativeMs = Field(120_000, alias="delivery.timeout.ms")
    linger_ms: NonNegativeLong = Field(5, alias="linger.ms")  # KIP-1030: 5 since 4.0
    batch_size: NonNegativeInt = Field(16_384, alias="batch.size")
    retry_backoff_ms: NonNegativeLong = Field(100, alias="retry.backoff.ms")
    retry_backoff_max_ms: NonNegativeLong = Field(1_000, alias="retry.backoff.max.ms")  # KIP-580
    reconnect_backoff_ms: NonNegativeLong = Field(50, alias="reconnect.backoff.ms")
    reconnect_backoff_max_ms: NonNegativeLong = Field(1_000, alias="reconnect.backoff.max.ms")
    # ClusterConnectionStates: a connection attempt that gets no answer is abandoned after
    # this, doubling per failed attempt (±20 % jitter) up to the .max.ms (CommonClientConfigs).
    socket_connection_setup_timeout_ms: ModelPositiveLong = Field(
        10_000, alias="socket.connection.setup.timeout.ms"
    )
    socket_connection_setup_timeout_max_ms: ModelPositiveLong = Field(
        30_000, alias="socket.connection.setup.timeout.max.ms"
    )
    metadata_max_age_ms: NonNegativeLong = Field(300_000, alias="metadata.max.age.ms")
    # How long send() may block in KafkaProducer.waitOnMetadata (ConfigDef: long, >= 0).
    max_block_ms: NonNegativeLong = Field(60_000, alias="max.block.ms")

    @field_validator("acks", mode="before")
    @classmethod
    def _acks_spelling(cls, value: Any) -> Any:
        # The Java client accepts "all", "-1", "1", "0" (and YAML gives ints for the last three).
        text = str(value).strip().lower()
        return "all" if text in ("all", "-1") else text


class ClusterConfig(Model):
    """Broker and KRaft controller settings that drive failure detection and elections."""

    broker_heartbeat_interval_ms: ModelPositiveInt = Field(
        2_000, alias="broker.heartbeat.interval.ms"
    )
    broker_session_timeout_ms: ModelPositiveInt = Field(9_000, alias="broker.session.timeout.ms")
    quorum_fetch_timeout_ms: NonNegativeMs = Field(
        2_000, alias="controller.quorum.fetch.timeout.ms"
    )
    quorum_election_timeout_ms: NonNegativeMs = Field(
        1_000, alias="controller.quorum.election.timeout.ms"
    )
    quorum_election_backoff_max_ms: NonNegativeMs = Field(
        1_000, alias="controller.quorum.election.backoff.max.ms"
    )
    quorum_request_timeout_ms: NonNegativeMs = Field(
        2_000, alias="controller.quorum.request.timeout.ms"
    )
    quorum_append_linger_ms: NonNegativeMs = Field(25, alias="controller.quorum.append.linger.ms")
    # QuorumConfig.DEFAULT_QUORUM_RETRY_BACKOFF_MS: an observer whose leader is unreachable asks
    # another voter after this backoff, which is how brokers find a new active controller.
    quorum_retry_backoff_ms: NonNegativeMs = Field(20, alias="controller.quorum.retry.backoff.ms")
    # KRaftConfigs.METADATA_MAX_IDLE_INTERVAL_MS_DEFAULT: the active controller appends a NoOpRecord
    # this often, so the voters' fetches keep returning (their fetch timeout measures from it).
    metadata_max_idle_interval_ms: IdleIntervalMs = Field(
        500, alias="metadata.max.idle.interval.ms"
    )
    replica_lag_time_max_ms: ModelPositiveLong = Field(30_000, alias="replica.lag.time.max.ms")
    replica_fetch_wait_max_ms: ModelNonNegativeInt = Field(500, alias="replica.fetch.wait.max.ms")
    min_insync_replicas: PositiveInt = Field(1, alias="min.insync.replicas")
    unclean_leader_election_enable: JavaBoolean = Field(
        False, alias="unclean.leader.election.enable"
    )
    # ReplicationConfigs: the controller's electPreferred task (kraft/leader_balance.py).
    auto_leader_rebalance_enable: JavaBoolean = Field(True, alias="auto.leader.rebalance.enable")
    leader_imbalance_check_interval_seconds: PositiveLong = Field(
        300, alias="leader.imbalance.check.interval.seconds"
    )


class NetworkConfig(Model):
    """Model assumptions, not Kafka settings: how long a message takes on the wire."""

    latency_ms: NonNegativeMs = Field(1, alias="network.latency.ms")  # one way, every link
