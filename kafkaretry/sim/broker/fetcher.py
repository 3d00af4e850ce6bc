"""Followers fetching from their leaders, and the high watermark those fetches carry.

Rule 1: a follower's Fetch(fetch_offset) tells the leader the follower's log end offset,
        which may move the high watermark (Partition.updateFollowerFetchState).
Rule 2: a fetch with nothing new is parked up to replica.fetch.wait.max.ms (DelayedFetch)
        and answered at once when the leader appends; an expiry that would return nothing
        new is not simulated, one that tells the follower a newer high watermark is.
Rule 3: a follower appends what it receives, rebuilds producer state from those batches,
        takes min(leader's high watermark, its own log end offset) and fetches again
        (ReplicaFetcherThread.processPartitionData).
Rule 4: a Fetch carries the epoch of the follower's last batch (lastFetchedEpoch, KIP-320);
        when that epoch ends earlier in the leader's log, the leader answers with the epoch's
        end offset instead of records and the follower truncates to it (Partition.fetchRecords
        -> UnifiedLog.endOffsetForEpoch; AbstractFetcherThread.truncateOnFetchResponse).
Rule 5: every Fetch the leader receives goes to its ISR bookkeeping (isr.py), which removes
        followers that lag and takes back caught-up, ISR-eligible ones (AlterPartition).
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim import events as ev
from kafkaretry.sim.broker.partition import LogBatch, Replica
from kafkaretry.sim.broker.producer_state import rebuild_producer_state, remember_batches
from kafkaretry.sim.engine.clock import EventQueue, Timer
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.engine.network import Network
from kafkaretry.sim.events import Emit

# Once per fetch: built without the dataclass __init__ (engine/frozen.py says why).
_new_follower_replicated = fast_constructor(ev.FollowerReplicated)
_new_hw_advanced = fast_constructor(ev.HighWatermarkAdvanced)


class ReplicaFetchers:
    """Every follower's fetch loop; the ReplicaManager owns one and shares its replicas."""

    __slots__ = (
        "_advance_hw",
        "_emit",
        "_fetch_wait_ms",
        "_network",
        "_queue",
        "_replicas",
        "on_follower_fetch",
        "shutting_down",
    )

    def __init__(
        self,
        queue: EventQueue,
        emit: Emit,
        network: Network,
        replicas: dict[tuple[int, str, int], Replica],
        fetch_wait_ms: int,
        advance_hw: Callable[[Replica], None],
    ) -> None:
        self._queue = queue
        self._emit = emit
        self._network = network
        self._replicas = replicas  # (broker, topic, partition) -> replica, owned by ReplicaManager
        self._fetch_wait_ms = fetch_wait_ms
        self._advance_hw = advance_hw  # the leader's high-watermark rule (ReplicaManager)
        # The leader's ISR bookkeeping (isr.py): (leader, follower, fetch offset) per Fetch.
        self.on_follower_fetch: Callable[[Replica, int, int], None] = lambda r, f, o: None
        self.shutting_down: set[int] = set()  # brokers in controlled shutdown (lifecycle.py)

    def refresh_parked(self, leader: Replica) -> None:
        parked = leader.parked_fetches
        for follower, timer in sorted(parked.items()):
            if timer is None:  # it now has news: the long poll will expire with the new HW
                parked[follower] = self._expiry(
                    leader, follower, leader.follower_leo.get(follower, 0)
                )

    def wake_parked(self, leader: Replica) -> None:
        parked = leader.parked_fetches
        if not parked:
            return
        leader.parked_fetches = {}
        follower_leo = leader.follower_leo
        for follower, timer in sorted(parked.items()):
            if timer is not None:
                timer.cancel()
            self._answer_fetch(leader, follower, follower_leo.get(follower, 0))

    def fetch(self, follower: Replica, fetch_offset: int) -> None:
        """The follower's next Fetch(fetch_offset) travels to its leader."""
        if follower.broker in self.shutting_down and (
            follower.leader < 0 or follower.broker not in follower.isr
        ):
            return  # ReplicaManager.applyDelta in controlled shutdown: it stops fetching
        leader_id = follower.leader
        epoch = follower.leader_epoch
        key = (leader_id, follower.topic, follower.partition)
        last_epoch = follower.last_epoch()

        def arrive() -> None:
            if not self._network.nodes.accepts_connections(leader_id):
                return  # a restarted broker's listeners stay closed until it is unfenced
            leader = self._replicas.get(key)
            if leader is None or leader.leader != leader_id or leader.leader_epoch != epoch:
                return  # FENCED_LEADER_EPOCH / not leader: the control plane re-points it
            end = leader.end_offset_for_epoch(last_epoch)
            if end < fetch_offset:  # Rule 4: a diverging epoch, no records
                self._send_diverging(leader, follower, fetch_offset, end)
                return
            self._on_fetch(leader, follower.broker, fetch_offset)

        self._network.send("fetch", follower.broker, leader_id, arrive)

    def _send_diverging(
        self, leader: Replica, follower: Replica, fetch_offset: int, end: int
    ) -> None:
        epoch = leader.leader_epoch

        def arrive() -> None:
            if follower.leader_epoch != epoch or follower.log_end_offset != fetch_offset:
                return
            self._emit(
                ev.ReplicaTruncated(
                    follower.broker,
                    leader.broker,
                    follower.topic,
                    follower.partition,
                    fetch_offset,
                    end,
                )
            )
            follower.truncate_to(end)
            rebuild_producer_state(follower)  # UnifiedLog.truncateTo reloads producer state
            self.fetch(follower, follower.log_end_offset)

        self._network.send("fetch-response", leader.broker, follower.broker, arrive)

    def _on_fetch(self, leader: Replica, follower: int, fetch_offset: int) -> None:
        leader.follower_leo[follower] = fetch_offset  # the fetch offset is its log end offset
        self._advance_hw(leader)
        self.on_follower_fetch(leader, follower, fetch_offset)  # Rule 5
        if fetch_offset < leader.log_end_offset:
            self._answer_fetch(leader, follower, fetch_offset)
        else:
            self._park_fetch(leader, follower, fetch_offset)

    def _park_fetch(self, leader: Replica, follower: int, fetch_offset: int) -> None:
        # Long poll up to replica.fetch.wait.max.ms. An expiry that would return nothing new
        # is not simulated; one that tells the follower a newer high watermark is.
        follower_replica = self._replicas.get((follower, leader.topic, leader.partition))
        timer = None
        if follower_replica is not None and follower_replica.high_watermark < leader.high_watermark:
            timer = self._expiry(leader, follower, fetch_offset)
        leader.parked_fetches[follower] = timer

    def _expiry(self, leader: Replica, follower: int, fetch_offset: int) -> Timer:
        return self._queue.after(
            self._fetch_wait_ms, lambda: self._expire_fetch(leader, follower, fetch_offset)
        )

    def _expire_fetch(self, leader: Replica, follower: int, fetch_offset: int) -> None:
        if follower in leader.parked_fetches:
            del leader.parked_fetches[follower]
            self._answer_fetch(leader, follower, fetch_offset)

    def _answer_fetch(self, leader: Replica, follower: int, fetch_offset: int) -> None:
        target = self._replicas.get((follower, leader.topic, leader.partition))
        if target is None:
            return
        batches = leader.batches_from(fetch_offset)
        hw, epoch = leader.high_watermark, leader.leader_epoch
        leader.fetched[follower] = (epoch, leader.log_end_offset)

        def arrive() -> None:
            if target.leader_epoch == epoch and target.log_end_offset == fetch_offset:
                self._on_fetch_response(target, batches, hw)

        self._network.send("fetch-response", leader.broker, follower, arrive)

    def _on_fetch_response(self, follower: Replica, batches: list[LogBatch], hw: int) -> None:
        if batches:
            for batch in batches:
                follower.append_batch(batch)
            remember_batches(follower, batches)  # followers rebuild producer state from the log
            self._emit(
                _new_follower_replicated(
                    follower.broker,
                    follower.leader,
                    follower.topic,
                    follower.partition,
                    batches[0].base_offset,
                    batches[-1].last_offset,
                )
            )
        leo = follower.log_end_offset
        new_hw = hw if hw < leo else leo
        if new_hw > follower.high_watermark:
            follower.high_watermark = new_hw
            self._emit(
                _new_hw_advanced(follower.broker, follower.topic, follower.partition, new_hw)
            )
        self.fetch(follower, leo)
