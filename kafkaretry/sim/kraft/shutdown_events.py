"""Control-plane events of a graceful stop and of the preferred leader's return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BrokerShutdownRequested:
    """The broker got SIGTERM: BrokerServer.shutdown begins a controlled shutdown and its
    next heartbeat, sent at once, carries wantShutDown=true (BrokerLifecycleManager)."""

    at_ms: int
    broker: int


@dataclass(frozen=True, slots=True)
class BrokerInControlledShutdown:
    """The active controller grants a controlled shutdown (BrokerControlState
    CONTROLLED_SHUTDOWN): its leaderships move at once; `offset` is the last record
    written for it (the broker's controlledShutdownOffset)."""

    at_ms: int
    broker: int
    offset: int


@dataclass(frozen=True, slots=True)
class ControlledShutdownPending:
    """A heartbeat of the stopping broker is answered shouldShutDown=false: some active
    broker's last heartbeat (`behind`) reported a metadata offset below `offset`, or the
    broker still leads a partition (BrokerHeartbeatManager.calculateNextBrokerState)."""

    at_ms: int
    broker: int
    offset: int
    behind: tuple[int, ...]
    still_leads: bool


@dataclass(frozen=True, slots=True)
class BrokerShutdownGranted:
    """SHUTDOWN_NOW: the controller fences the broker (handleBrokerFenced) and answers
    shouldShutDown=true once that is committed; `waited_ms` since wantShutDown arrived."""

    at_ms: int
    broker: int
    offset: int
    waited_ms: int


@dataclass(frozen=True, slots=True)
class BrokerStopped:
    """The stopped broker's process exits (BrokerServer.shutdown goes on past the
    controlledShutdownFuture): its sockets close, so clients see their connections end."""

    at_ms: int
    broker: int


@dataclass(frozen=True, slots=True)
class LeaderImbalanceChecked:
    """The active controller's electPreferred task (auto.leader.rebalance.enable, every
    leader.imbalance.check.interval.seconds) gives partitions back to their preferred
    (first assigned) replica: (topic, partition, preferred leader) for each."""

    at_ms: int
    interval_ms: int
    elected: tuple[tuple[str, int, int], ...]


ShutdownEvent = (
    BrokerShutdownRequested
    | BrokerInControlledShutdown
    | ControlledShutdownPending
    | BrokerShutdownGranted
    | BrokerStopped
    | LeaderImbalanceChecked
)
