"""What the KRaft control plane answers when asked: frozen views, no live state.

`partition` and `broker_metadata` answer with these (a PartitionRegistration, a broker's
MetadataResponse), and `snapshot` freezes the whole control plane for the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NO_LEADER = -1  # PartitionRegistration.NO_LEADER: the partition is offline

ControllerRole = Literal["active", "standby", "prospective", "candidate", "resigned", "dead"]


@dataclass(frozen=True, slots=True)
class PartitionView:
    topic: str
    partition: int
    leader: int  # NO_LEADER (-1) when offline
    leader_epoch: int
    partition_epoch: int
    isr: tuple[int, ...]
    replicas: tuple[int, ...]  # assignment order

    @property
    def online(self) -> bool:
        return self.leader != NO_LEADER


@dataclass(frozen=True, slots=True)
class TopicMetadataView:
    """A MetadataResponse for one topic, as one broker answers it from its own cache."""

    answered_by: int
    metadata_offset: int
    brokers: tuple[int, ...]  # unfenced brokers only (MetadataCache skips fenced ones)
    partitions: tuple[PartitionView, ...]


@dataclass(frozen=True, slots=True)
class ControllerSnapshot:
    id: int
    role: ControllerRole
    epoch: int
    voted_for: int | None
    log_end_offset: int


@dataclass(frozen=True, slots=True)
class BrokerSnapshot:
    id: int
    alive: bool
    fenced: bool
    last_heartbeat_ms: int | None
    metadata_offset: int
    isolated: bool = False  # alive, but cut off from the network (no heartbeat arrives)


@dataclass(frozen=True, slots=True)
class KRaftSnapshot:
    at_ms: int
    active_controller: int | None
    epoch: int
    high_watermark: int
    controllers: tuple[ControllerSnapshot, ...]
    brokers: tuple[BrokerSnapshot, ...]
    partitions: tuple[PartitionView, ...]
