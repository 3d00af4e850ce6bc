"""The scenario file's schema: pydantic v2 models, frozen, unknown keys rejected.

`settings` holds the producer, broker and controller settings under Kafka's own names,
`faults` the fault kinds, `book` the file as a whole with its cross-references, `base` the
model base they share. Validation happens once, at load time; the simulation reads plain
dataclasses built from these models (kafkaretry.scenario).
"""

from __future__ import annotations

from kafkaretry.config.book import (
    ClusterModel,
    InvalidReference,
    PartitionModel,
    RecordModel,
    ScenarioBook,
    ScenarioModel,
    TopicModel,
)
from kafkaretry.config.faults import (
    FAULT_KINDS,
    CrashBroker,
    CrashController,
    DropRequest,
    DropResponse,
    Fault,
    FaultModel,
    Heal,
    IsolateBroker,
    RestartBroker,
    RestartController,
    SlowBroker,
    StopBroker,
    Trigger,
)
from kafkaretry.config.settings import ClusterConfig, NetworkConfig, ProducerConfig

__all__ = [
    "FAULT_KINDS",
    "ClusterConfig",
    "ClusterModel",
    "CrashBroker",
    "CrashController",
    "DropRequest",
    "DropResponse",
    "Fault",
    "FaultModel",
    "Heal",
    "InvalidReference",
    "IsolateBroker",
    "NetworkConfig",
    "PartitionModel",
    "ProducerConfig",
    "RecordModel",
    "RestartBroker",
    "RestartController",
    "ScenarioBook",
    "ScenarioModel",
    "SlowBroker",
    "StopBroker",
    "TopicModel",
    "Trigger",
]
