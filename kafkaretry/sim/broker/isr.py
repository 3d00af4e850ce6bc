"""The leader's side of the ISR: removing followers that lag, taking back those that caught up.

Rule 1 (Replica.updateFetchStateOrThrow): a follower's Fetch at the leader's log end offset
        makes it caught up now; a Fetch at or past the log end offset of its previous Fetch
        makes it caught up as of that previous Fetch.
Rule 2 (Partition.getOutOfSyncReplicas, Replica.isCaughtUp): a follower is out of sync when
        the leader's log end offset is ahead of it and it has not been caught up for
        replica.lag.time.max.ms (30 s). The leader looks every replica.lag.time.max.ms / 2
        (the `isr-expiration` task, ReplicaManager.startup; its phase is the broker's start,
        drawn per seed here). A follower whose Fetch is parked at the log end is caught up:
        its long poll returns every replica.fetch.wait.max.ms and fetches again at once.
Rule 3 (Partition.maybeShrinkIsr, maybeExpandIsr, KIP-497): the leader never changes the ISR
        itself; it sends AlterPartition to the active controller, one at a time per partition,
        and takes the new ISR from the answer, which comes once the controller committed it.
        Until then the high watermark still waits for the old ISR; after it, it may move.
Rule 4 (Partition.maybeExpandIsr, isFollowerInSync): a follower outside the ISR rejoins once
        its log end offset reaches the high watermark and the start of the leader's epoch, and
        only if the leader's metadata shows it unfenced (Partition.isReplicaIsrEligible,
        KIP-841): a restarted broker is not eligible until the controller unfenced it. Kafka's
        leader checks again at the follower's next Fetch (within replica.fetch.wait.max.ms),
        kafkaretry as soon as the leader's metadata shows it unfenced (ReplicaManager.recheck_isr).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from kafkaretry.sim import events as ev
from kafkaretry.sim.broker.partition import Replica
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import Network
from kafkaretry.sim.events import Emit

Isr = tuple[int, ...]
# (leader broker, topic, partition, leader epoch, proposed ISR, answer(ISR or None on error))
AlterPartition = Callable[[int, str, int, int, Isr, Callable[[Isr | None], None]], None]
Key = tuple[int, str, int]


@dataclass(slots=True)
class FetchState:
    """Replica's fetch bookkeeping on the leader (lastCaughtUpTimeMs and its two helpers)."""

    caught_up_ms: int
    last_fetch_leader_leo: int
    last_fetch_ms: int
    log_end_offset: int = 0  # the follower's, as its last Fetch offset told the leader


def _no_controller(
    broker: int,
    topic: str,
    partition: int,
    epoch: int,
    isr: Isr,
    answer: Callable[[Isr | None], None],
) -> None:
    """Until the control plane is wired in: no controller ever answers (the ISR stays)."""


class IsrManager:
    """Every leader's ISR upkeep; the ReplicaManager owns one and shares its replicas."""

    __slots__ = (
        "_advance_hw",
        "_emit",
        "_epoch_start",
        "_epochs",
        "_in_flight",
        "_lag_ms",
        "_network",
        "_queue",
        "_replicas",
        "_states",
        "alter_partition",
        "isr_eligible",
    )

    def __init__(
        self,
        queue: EventQueue,
        emit: Emit,
        network: Network,
        replicas: dict[Key, Replica],
        lag_ms: int,
        advance_hw: Callable[[Replica], None],
    ) -> None:
        self._queue, self._emit, self._network = queue, emit, network
        self._replicas = replicas
        self._lag_ms = lag_ms  # replica.lag.time.max.ms
        self._advance_hw = advance_hw
        self._states: dict[Key, dict[int, FetchState]] = {}
        self._epoch_start: dict[Key, int] = {}  # the leader's log end offset when it took over
        self._epochs: dict[Key, int] = {}  # the leader epoch those states belong to
        self._in_flight: set[Key] = set()
        self.alter_partition: AlterPartition = _no_controller
        # Partition.isReplicaIsrEligible: (leader, follower) -> the leader's metadata shows the
        # follower registered and unfenced. Wired by the control plane.
        self.isr_eligible: Callable[[int, int], bool] = lambda leader, follower: True

    def start(self, brokers: tuple[int, ...], rng: random.Random) -> None:
        """Each broker's isr-expiration task, every replica.lag.time.max.ms / 2 from its start."""
        period = max(self._lag_ms // 2, 1)
        for broker in sorted(brokers):
            first = rng.randrange(period)
            self._queue.at(first, partial(self._expire, broker, period), background=True)

    def became_leader(self, leader: Replica) -> None:
        """Partition.makeLeader with a new leader epoch: every ISR member is caught up now."""
        key = (leader.broker, leader.topic, leader.partition)
        if self._epochs.get(key) == leader.leader_epoch:
            return  # only the ISR changed: the followers' fetch state stays
        self._epochs[key] = leader.leader_epoch
        now = self._queue.now_ms
        self._states[key] = {
            f: FetchState(now if f in leader.isr else 0, leader.log_end_offset, now)
            for f in leader.replicas
            if f != leader.broker
        }
        self._epoch_start[key] = leader.log_end_offset
        self._in_flight.discard(key)

    # -- follower fetches ------------------------------------------------------------------

    def on_follower_fetch(self, leader: Replica, follower: int, fetch_offset: int) -> None:
        """Rule 1, then Rule 4: called for every Fetch the leader receives."""
        state = self._state(leader, follower)
        now, leo = self._queue.now_ms, leader.log_end_offset
        if fetch_offset >= leo:
            state.caught_up_ms = max(state.caught_up_ms, now)
        elif fetch_offset >= state.last_fetch_leader_leo:
            state.caught_up_ms = max(state.caught_up_ms, state.last_fetch_ms)
        state.last_fetch_leader_leo, state.last_fetch_ms = leo, now
        state.log_end_offset = fetch_offset
        self.maybe_expand(leader, follower)

    def maybe_expand(self, leader: Replica, follower: int) -> None:
        """Rule 4: a caught-up, ISR-eligible follower outside the ISR is proposed to join."""
        key = (leader.broker, leader.topic, leader.partition)
        fetch_offset = leader.follower_leo.get(follower, -1)
        if (
            follower not in leader.isr
            and key not in self._in_flight
            and fetch_offset >= leader.high_watermark
            and fetch_offset >= self._epoch_start.get(key, 0)
            and self.isr_eligible(leader.broker, follower)
        ):
            self._request(leader, (*leader.isr, follower), ())

    def _state(self, leader: Replica, follower: int) -> FetchState:
        states = self._states.setdefault((leader.broker, leader.topic, leader.partition), {})
        state = states.get(follower)
        if state is None:
            now = self._queue.now_ms
            state = states[follower] = FetchState(0, leader.log_end_offset, now)
        return state

    # -- the isr-expiration task -------------------------------------------------------------

    def _expire(self, broker: int, period: int) -> None:
        nodes, network = self._network.nodes, self._network
        if nodes.is_alive(broker) and network.reachable(broker):
            for (owner, _, _), replica in sorted(self._replicas.items()):
                if owner == broker and replica.is_leader:
                    self._maybe_shrink(replica)
        self._queue.after(period, lambda: self._expire(broker, period), background=True)

    def _maybe_shrink(self, leader: Replica) -> None:
        key = (leader.broker, leader.topic, leader.partition)
        if key in self._in_flight:
            return
        now = self._queue.now_ms
        out = tuple(
            f for f in leader.isr if f != leader.broker and not self._caught_up(leader, f, now)
        )
        if out:
            self._request(leader, tuple(r for r in leader.isr if r not in out), out)

    def _caught_up(self, leader: Replica, follower: int, now: int) -> bool:
        if follower in leader.parked_fetches:
            return True
        state = self._state(leader, follower)
        if state.log_end_offset >= leader.log_end_offset:
            return True
        return now - state.caught_up_ms <= self._lag_ms

    # -- AlterPartition ----------------------------------------------------------------------

    def _request(self, leader: Replica, isr: Isr, removed: Isr) -> None:
        key = (leader.broker, leader.topic, leader.partition)
        self._in_flight.add(key)
        epoch = leader.leader_epoch
        caught_up = tuple(self._state(leader, f).caught_up_ms for f in removed)
        self._emit(
            ev.AlterPartitionSent(
                leader.broker, leader.topic, leader.partition, leader.isr, isr, removed, caught_up
            )
        )

        def answered(new_isr: Isr | None) -> None:
            self._in_flight.discard(key)
            if new_isr is None or leader.leader_epoch != epoch or not leader.is_leader:
                return  # a newer leader epoch or an error: the next check asks again
            leader.isr = new_isr
            self._emit(ev.LeaderIsrUpdated(leader.broker, leader.topic, leader.partition, new_isr))
            self._advance_hw(leader)

        self.alter_partition(leader.broker, leader.topic, leader.partition, epoch, isr, answered)
