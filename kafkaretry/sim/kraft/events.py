"""What a student can observe of the KRaft control plane: frozen events.

Events are plain facts with the simulated time they happened (`at_ms`); `KRaftEvent` is
their closed union, so a renderer that `match`es on it and ends in `assert_never` breaks
when a new event is added. What the control plane answers when asked lives in views.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim.kraft.shutdown_events import ShutdownEvent


@dataclass(frozen=True, slots=True)
class ControllerCrashed:
    at_ms: int
    controller: int
    was_active: bool


@dataclass(frozen=True, slots=True)
class ControllerRestarted:
    at_ms: int
    controller: int


@dataclass(frozen=True, slots=True)
class BrokerCrashed:
    at_ms: int
    broker: int


@dataclass(frozen=True, slots=True)
class BrokerRestarted:
    at_ms: int
    broker: int


@dataclass(frozen=True, slots=True)
class BrokerIsolated:
    """The broker's host is cut off: its process runs on, but no heartbeat reaches a controller."""

    at_ms: int
    broker: int


@dataclass(frozen=True, slots=True)
class BrokerHealed:
    """The isolated broker's links work again: it heartbeats and fetches metadata again."""

    at_ms: int
    broker: int


@dataclass(frozen=True, slots=True)
class FetchTimeoutExpired:
    """A standby heard nothing from the active controller for controller.quorum.fetch.timeout.ms."""

    at_ms: int
    controller: int
    last_fetch_ms: int


@dataclass(frozen=True, slots=True)
class PreVoteStarted:
    """KIP-996: the standby turns Prospective and asks for pre-votes; the epoch is not bumped."""

    at_ms: int
    controller: int
    epoch: int


@dataclass(frozen=True, slots=True)
class PreVoteGranted:
    at_ms: int
    voter: int
    prospective: int
    epoch: int


@dataclass(frozen=True, slots=True)
class PreVoteRejected:
    at_ms: int
    voter: int
    prospective: int
    epoch: int
    reason: str


@dataclass(frozen=True, slots=True)
class ElectionStarted:
    """A Candidate bumps the epoch, votes for itself and asks the other voters."""

    at_ms: int
    candidate: int
    epoch: int


@dataclass(frozen=True, slots=True)
class VoteGranted:
    at_ms: int
    voter: int
    candidate: int
    epoch: int


@dataclass(frozen=True, slots=True)
class VoteRejected:
    at_ms: int
    voter: int
    candidate: int
    epoch: int
    reason: str


@dataclass(frozen=True, slots=True)
class ElectionLost:
    """No majority (a majority said no, or the election timer ran out); 4.1 has no backoff.

    `pre_vote`: the Prospective's pre-vote round (else the Candidate's vote); `wait_ms`: how
    long until it turns Prospective again (0: at once); `then`: the state it waits in
    ("prospective", "follower" or "unattached"). KafkaRaftClient.maybeHandleElectionLoss,
    pollCandidate, prospectiveTransitionAfterElectionLoss (KAFKA-18345).
    """

    at_ms: int
    controller: int
    epoch: int
    pre_vote: bool
    timed_out: bool
    wait_ms: int
    then: str


@dataclass(frozen=True, slots=True)
class ControllerElected:
    """Raft leader of __cluster_metadata: writes a LeaderChange record, sends BeginQuorumEpoch."""

    at_ms: int
    new_active: int
    epoch: int
    votes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ControllerResigned:
    """Check-quorum (KAFKA-15489): no Fetch from a majority for 1.5 x fetch timeout."""

    at_ms: int
    controller: int
    epoch: int


@dataclass(frozen=True, slots=True)
class BrokerSessionsRenewed:
    """QuorumController.claim -> ClusterControlManager.activate: every lastContact = now."""

    at_ms: int
    controller: int
    epoch: int
    brokers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ActiveControllerDiscovered:
    """A broker's metadata fetch reached a voter that named the new leader."""

    at_ms: int
    broker: int
    controller: int
    epoch: int


@dataclass(frozen=True, slots=True)
class BrokerSessionExpired:
    """The active controller's periodic check (every `check_period_ms`) found it expired."""

    at_ms: int
    broker: int
    last_contact_ms: int
    session_timeout_ms: int
    check_period_ms: int


@dataclass(frozen=True, slots=True)
class BrokerFenced:
    at_ms: int
    broker: int
    offset: int


@dataclass(frozen=True, slots=True)
class BrokerRegistered:
    at_ms: int
    broker: int
    offset: int


@dataclass(frozen=True, slots=True)
class BrokerRegistrationRefused:
    """ClusterControlManager.registerBroker: the old incarnation's session is still valid
    (DUPLICATE_BROKER_REGISTRATION); BrokerLifecycleManager retries after `retry_ms`."""

    at_ms: int
    broker: int
    error: str
    session_expires_ms: int  # the old session's lastContact + broker.session.timeout.ms
    retry_ms: int


@dataclass(frozen=True, slots=True)
class BrokerUnfenced:
    at_ms: int
    broker: int
    offset: int


@dataclass(frozen=True, slots=True)
class PartitionLeaderElected:
    """The controller wrote a leader change; `new_leader` is NO_LEADER when none was eligible."""

    at_ms: int
    topic: str
    partition: int
    old_leader: int
    new_leader: int
    leader_epoch: int
    isr_after: tuple[int, ...]
    offset: int
    # unclean.leader.election.enable chose a replica outside the ISR: it may lack committed data.
    unclean: bool = False


@dataclass(frozen=True, slots=True)
class IsrShrunk:
    at_ms: int
    topic: str
    partition: int
    removed: int
    isr_after: tuple[int, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class IsrExpanded:
    """A caught-up follower rejoins the ISR (AlterPartition, Partition.maybeExpandIsr)."""

    at_ms: int
    topic: str
    partition: int
    added: int
    isr_after: tuple[int, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class MetadataRecordCommitted:
    """A majority of controllers has the record: the high watermark passed it."""

    at_ms: int
    offset: int
    what: str


@dataclass(frozen=True, slots=True)
class BrokerMetadataApplied:
    """The broker's metadata cache now reflects every record up to `offset`."""

    at_ms: int
    broker: int
    offset: int


@dataclass(frozen=True, slots=True)
class NoQuorum:
    """Fewer than a majority of voters are alive: no leader can be elected until one returns."""

    at_ms: int
    alive: tuple[int, ...]
    needed: int


KRaftEvent = (
    ControllerCrashed
    | ShutdownEvent
    | ControllerRestarted
    | BrokerCrashed
    | BrokerRestarted
    | BrokerIsolated
    | BrokerHealed
    | FetchTimeoutExpired
    | PreVoteStarted
    | PreVoteGranted
    | PreVoteRejected
    | ElectionStarted
    | VoteGranted
    | VoteRejected
    | ElectionLost
    | ControllerElected
    | ControllerResigned
    | BrokerSessionsRenewed
    | ActiveControllerDiscovered
    | BrokerSessionExpired
    | BrokerFenced
    | BrokerRegistered
    | BrokerRegistrationRefused
    | BrokerUnfenced
    | PartitionLeaderElected
    | IsrShrunk
    | IsrExpanded
    | MetadataRecordCommitted
    | BrokerMetadataApplied
    | NoQuorum
)
