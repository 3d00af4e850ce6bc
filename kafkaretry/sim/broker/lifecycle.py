"""A broker's lifecycle as its replicas see it: a crash, a restart and the rejoin after it.

Rule 1: a crashed broker's purgatory and parked fetches vanish with its process.
Rule 2: a restarted broker's logs survive on disk; it learns what it leads and follows from
        the metadata log once it has caught up (BrokerMetadataPublisher -> applyDelta), and
        as a follower it fetches, truncating first where its log diverged (fetcher Rule 4).
Rule 3: a leader rechecks its followers' ISR eligibility when its metadata shows a broker
        unfenced (isr.py Rule 4, KIP-841).
Rule 4 (ReplicaManager.beginControlledShutdown): a broker in controlled shutdown stops fetching
        for every partition whose ISR no longer holds it or that has no leader
        (applyDelta's partitionsToStopFetching), so it never asks to rejoin an ISR.
"""

from __future__ import annotations

from kafkaretry.sim.broker.fetcher import ReplicaFetchers
from kafkaretry.sim.broker.isr import IsrManager
from kafkaretry.sim.broker.partition import Replica


class ReplicaLifecycle:
    """Mixed into ReplicaManager, which owns these attributes."""

    __slots__ = ()

    replicas: dict[tuple[int, str, int], Replica]
    isr: IsrManager
    _fetchers: ReplicaFetchers
    _rejoining: set[int]

    def _maybe_advance_hw(self, leader: Replica) -> None:
        raise NotImplementedError

    def recheck_isr(self, leader_broker: int) -> None:
        """`leader_broker`'s metadata now shows another broker unfenced (isr.py Rule 4)."""
        for (owner, _, _), replica in sorted(self.replicas.items()):
            if owner == leader_broker and replica.is_leader:
                for follower in replica.replicas:
                    if follower != owner:
                        self.isr.maybe_expand(replica, follower)

    def begin_controlled_shutdown(self, broker: int) -> None:
        """SIGTERM reached `broker`: Rule 4 from now until it exits."""
        self._fetchers.shutting_down.add(broker)

    def restart_broker(self, broker: int) -> None:
        """Its logs survive on disk; what it leads or follows it learns from the metadata log."""
        self._fetchers.shutting_down.discard(broker)
        self._rejoining.add(broker)

    def rejoin(self, broker: int, states: list[tuple[str, int, int, int, tuple[int, ...]]]) -> None:
        """A restarted broker caught up with the metadata log: it becomes leader or follower
        of each replica as its metadata says (BrokerMetadataPublisher -> applyDelta); as a
        follower it fetches, truncating first where its log diverged (fetcher Rule 4)."""
        self._rejoining.discard(broker)
        for topic, partition, leader, epoch, isr in states:
            replica = self.replicas.get((broker, topic, partition))
            if replica is None:
                continue
            replica.leader, replica.leader_epoch, replica.isr = leader, epoch, isr
            replica.follower_leo, replica.parked_fetches, replica.delayed = {}, {}, []
            if leader == broker:
                replica.follower_leo = {b: 0 for b in replica.replicas if b != leader}
                self.isr.became_leader(replica)
                self._maybe_advance_hw(replica)
            elif leader >= 0:
                self._fetchers.fetch(replica, replica.log_end_offset)

    def stop_broker(self, broker: int) -> None:
        """A crashed broker's process is gone: its purgatory and parked fetches vanish with it."""
        for (owner, _, _), replica in sorted(self.replicas.items()):
            if owner != broker:
                continue
            for delayed in replica.delayed:
                if delayed.timer is not None:
                    delayed.timer.cancel()
            for timer in replica.parked_fetches.values():
                if timer is not None:
                    timer.cancel()
            replica.delayed, replica.parked_fetches = [], {}
