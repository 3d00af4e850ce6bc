"""The `__cluster_metadata` records kafkaretry models, the image they build, and the rules
the active controller follows when it writes them.

Rule 1 (ReplicationControlManager.handleBrokerFenced): fencing a broker removes it from every
ISR that holds it; where it led, the new leader is the first replica in *assignment order*
that is in the new ISR and "active" (registered and unfenced: ClusterControlManager.isActive).
The controller does not know which processes are alive: a dead broker whose session has not
expired yet still counts as active.
Rule 2 (PartitionChangeBuilder.build, ELR off): an ISR is never emptied. Fencing its last
member leaves ISR = {it} and the leader NO_LEADER (offline) until it returns. With KIP-966
ELR on (new 4.1 clusters) the ISR may empty and members move to the ELR; not modelled.
Rule 3 (PartitionRegistration.merge): every leader change, including to NO_LEADER, bumps the
leader epoch; an ISR-only shrink does not (metadata versions >= 3.6, KAFKA-15021).
Rule 4 (electAnyLeader, Election.UNCLEAN): only with unclean.leader.election.enable, an
out-of-ISR active replica (assignment order) may lead, with ISR = {it}; data may be lost.
Rule 5 (handleBrokerUnfenced): unfencing a broker re-elects leaderless partitions, the
unfenced broker being acceptable even though the image still shows it fenced.
Rule 6 (handleBrokerInControlledShutdown): a broker in controlled shutdown is marked so in its
registration (BrokerRegistrationChangeRecord inControlledShutdown) and leaves every ISR as a
fenced one does (Rule 1); it may no longer lead (ClusterControlManager.isActive: neither
fenced nor in controlled shutdown). A new registration clears the mark.
Rule 7 (maybeBalancePartitionLeaders, Election.PREFERRED): a partition whose leader is not its
first assigned replica gets that replica back as leader once it is in the ISR and active.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kafkaretry.sim.kraft.views import NO_LEADER, PartitionView
from kafkaretry.topology import Topology

PartitionKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class LeaderChangeRecord:
    """Raft control record a new leader writes first (KafkaRaftClient.onBecomeLeader)."""

    leader: int
    epoch: int


@dataclass(frozen=True, slots=True)
class RegisterBrokerRecord:
    broker: int  # a (re-)registered broker always starts fenced


@dataclass(frozen=True, slots=True)
class BrokerRegistrationChangeRecord:
    broker: int
    fenced: bool | None  # None: unchanged (BrokerRegistrationFencingChange.NONE)
    in_controlled_shutdown: bool = False


@dataclass(frozen=True, slots=True)
class PartitionChangeRecord:
    topic: str
    partition: int
    leader: int | None  # None = NO_LEADER_CHANGE
    isr: tuple[int, ...] | None  # None = unchanged


MetadataRecord = (
    LeaderChangeRecord
    | RegisterBrokerRecord
    | BrokerRegistrationChangeRecord
    | PartitionChangeRecord
)


def describe_record(record: MetadataRecord) -> str:
    match record:
        case LeaderChangeRecord(leader, epoch):
            return f"LeaderChange leader={leader} epoch={epoch}"
        case RegisterBrokerRecord(broker):
            return f"RegisterBroker broker={broker} fenced"
        case BrokerRegistrationChangeRecord(broker, None, _):
            return f"BrokerRegistrationChange broker={broker} inControlledShutdown"
        case BrokerRegistrationChangeRecord(broker, fenced, _):
            return f"BrokerRegistrationChange broker={broker} {'fence' if fenced else 'unfence'}"
        case PartitionChangeRecord(topic, partition, leader, isr):
            parts = [f"PartitionChange {topic}-{partition}"]
            if leader is not None:
                parts.append(f"leader={leader}")
            if isr is not None:
                parts.append(f"isr={list(isr)}")
            return " ".join(parts)


class MetadataImage:
    """Brokers and partitions as the records up to some offset describe them."""

    __slots__ = ("fenced", "partitions", "shutting_down")

    def __init__(
        self,
        fenced: dict[int, bool],
        partitions: dict[PartitionKey, PartitionView],
        shutting_down: frozenset[int] = frozenset(),
    ):
        self.fenced = fenced  # registered brokers only
        self.partitions = partitions
        self.shutting_down = shutting_down  # registrations in controlled shutdown (Rule 6)

    @classmethod
    def bootstrap(cls, topology: Topology) -> MetadataImage:
        """The cluster as the scenario describes it: every broker registered and unfenced."""
        partitions = {
            (t.name, p.id): PartitionView(t.name, p.id, p.leader, 0, 0, p.isr, p.replicas)
            for t in topology.topics
            for p in t.partitions
        }
        return cls(dict.fromkeys(sorted(topology.brokers), False), partitions)

    def copy(self) -> MetadataImage:
        return MetadataImage(dict(self.fenced), dict(self.partitions), self.shutting_down)

    def is_active(self, broker: int) -> bool:
        """ClusterControlManager.isActive: registered, unfenced, not in controlled shutdown."""
        return self.fenced.get(broker) is False and broker not in self.shutting_down

    def is_unfenced(self, broker: int) -> bool:
        """Registered and unfenced: its heartbeat session counts (in controlled shutdown too)."""
        return self.fenced.get(broker) is False

    def apply(self, record: MetadataRecord) -> None:
        match record:
            case LeaderChangeRecord():
                pass
            case RegisterBrokerRecord(broker):
                self.fenced[broker] = True
                self.shutting_down = self.shutting_down - {broker}
            case BrokerRegistrationChangeRecord(broker, fenced, in_controlled_shutdown):
                if fenced is not None:
                    self.fenced[broker] = fenced
                if in_controlled_shutdown:
                    self.shutting_down = self.shutting_down | {broker}
            case PartitionChangeRecord(topic, partition, leader, isr):
                old = self.partitions[(topic, partition)]
                self.partitions[(topic, partition)] = dataclasses.replace(
                    old,
                    leader=old.leader if leader is None else leader,
                    leader_epoch=old.leader_epoch + (0 if leader is None else 1),
                    partition_epoch=old.partition_epoch + 1,
                    isr=old.isr if isr is None else isr,
                )

    def sorted_partitions(self) -> Iterator[PartitionView]:
        for key in sorted(self.partitions):
            yield self.partitions[key]


def _elect(
    view: PartitionView,
    target_isr: tuple[int, ...],
    acceptable: Callable[[int], bool],
    unclean: bool,
) -> tuple[int, bool]:
    """(leader, unclean?) per PartitionChangeBuilder.electAnyLeader, ELR off."""
    if view.leader in target_isr and acceptable(view.leader):
        return view.leader, False
    for replica in view.replicas:  # assignment order, not ISR order
        if replica in target_isr and acceptable(replica):
            return replica, False
    if unclean:
        for replica in view.replicas:
            if acceptable(replica):
                return replica, True
    return NO_LEADER, False


def _change(
    view: PartitionView,
    target_isr: tuple[int, ...],
    acceptable: Callable[[int], bool],
    unclean: bool,
) -> PartitionChangeRecord | None:
    leader, was_unclean = _elect(view, target_isr, acceptable, unclean)
    new_leader = None if leader == view.leader else leader
    if was_unclean:
        new_isr: tuple[int, ...] | None = (leader,)
    elif target_isr and target_isr != view.isr:
        new_isr = target_isr
    else:
        new_isr = None  # Rule 2: never an empty ISR with ELR off
    if new_leader is None and new_isr is None:
        return None
    return PartitionChangeRecord(view.topic, view.partition, new_leader, new_isr)


def _leave_isrs(
    image: MetadataImage, broker: int, unclean: Callable[[str], bool]
) -> list[MetadataRecord]:
    """generateLeaderAndIsrUpdates: `broker` leaves every ISR; where it led, a new leader."""
    records: list[MetadataRecord] = []

    def acceptable(r: int) -> bool:
        return r != broker and image.is_active(r)

    for view in image.sorted_partitions():
        if broker in view.isr:
            target = tuple(r for r in view.isr if r != broker)
            change = _change(view, target, acceptable, unclean(view.topic))
            if change is not None:
                records.append(change)
    return records


def fence_records(
    image: MetadataImage, broker: int, unclean: Callable[[str], bool]
) -> list[MetadataRecord]:
    """ReplicationControlManager.maybeFenceOneStaleBroker -> handleBrokerFenced (Rule 1)."""
    records = _leave_isrs(image, broker, unclean)
    records.append(BrokerRegistrationChangeRecord(broker, fenced=True))
    return records


def controlled_shutdown_records(
    image: MetadataImage, broker: int, unclean: Callable[[str], bool]
) -> list[MetadataRecord]:
    """ReplicationControlManager.handleBrokerInControlledShutdown (Rule 6)."""
    records: list[MetadataRecord] = []
    if broker not in image.shutting_down:
        records.append(BrokerRegistrationChangeRecord(broker, None, in_controlled_shutdown=True))
    return records + _leave_isrs(image, broker, unclean)


def preferred_leader_records(image: MetadataImage) -> list[MetadataRecord]:
    """maybeBalancePartitionLeaders: Election.PREFERRED for every imbalanced partition (Rule 7)."""
    return [
        PartitionChangeRecord(view.topic, view.partition, view.replicas[0], None)
        for view in image.sorted_partitions()
        if preferred_electable(image, view)
    ]


def preferred_electable(image: MetadataImage, view: PartitionView) -> bool:
    """PartitionChangeBuilder.electPreferredLeader would move the leadership back."""
    preferred = view.replicas[0]
    return view.leader != preferred and preferred in view.isr and image.is_active(preferred)


def has_leaderships(image: MetadataImage, broker: int) -> bool:
    """BrokersToIsrs.hasLeaderships: `broker` still leads some partition."""
    return any(view.leader == broker for view in image.partitions.values())


def unfence_records(
    image: MetadataImage, broker: int, unclean: Callable[[str], bool]
) -> list[MetadataRecord]:
    """ReplicationControlManager.handleBrokerUnfenced (Rule 5)."""
    records: list[MetadataRecord] = [BrokerRegistrationChangeRecord(broker, fenced=False)]

    def acceptable(r: int) -> bool:
        return r == broker or image.is_active(r)

    for view in image.sorted_partitions():
        if view.leader == NO_LEADER:
            change = _change(view, view.isr, acceptable, unclean(view.topic))
            if change is not None:
                records.append(change)
    return records
