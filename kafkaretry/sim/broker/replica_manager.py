"""The brokers' data plane: leader append, ISR, high watermark, acks.

Rule 1: only the leader appends; followers copy by fetching (fetcher.py,
        Partition.appendRecordsToLeader).
Rule 2: the high watermark is the smallest log end offset in the ISR, and it does not move
        while the ISR is smaller than min.insync.replicas (strict min ISR, KAFKA.md §5); the
        leader recomputes it when the ISR shrinks (Partition.makeLeader, maybeIncrementLeaderHW).
Rule 3: acks=all answers once the high watermark passes the batch (DelayedProduce), or
        REQUEST_TIMED_OUT after the request's timeout; acks=1 answers after the local append.
Leadership arrives only through `apply_partition_leadership`, the control plane's entry point.
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim import events as ev
from kafkaretry.sim.broker.fetcher import ReplicaFetchers
from kafkaretry.sim.broker.isr import AlterPartition, IsrManager
from kafkaretry.sim.broker.lifecycle import ReplicaLifecycle
from kafkaretry.sim.broker.partition import DelayedProduce, LogBatch, Replica
from kafkaretry.sim.broker.producer_state import (
    DUPLICATE,
    IN_SEQUENCE,
    check_sequence,
    duplicate_detected,
    remember_batch,
)
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.engine.network import Network
from kafkaretry.sim.events import Emit
from kafkaretry.sim.protocol import (
    INVALID_RECORD,
    NONE,
    NOT_ENOUGH_REPLICAS,
    NOT_LEADER_OR_FOLLOWER,
    OUT_OF_ORDER_SEQUENCE_NUMBER,
    REQUEST_TIMED_OUT,
)
from kafkaretry.sim.settings import ACKS_ALL, ClusterSettings
from kafkaretry.topology import Topology

Respond = Callable[[str, int], None]  # (error, base offset)
# Once per batch or fetch: built without the dataclass __init__ (engine/frozen.py says why).
_new_log_batch = fast_constructor(LogBatch)
_new_record_appended = fast_constructor(ev.RecordAppended)
_new_hw_advanced = fast_constructor(ev.HighWatermarkAdvanced)


class ReplicaManager(ReplicaLifecycle):
    """Every broker's replicas, keyed by (broker, topic, partition)."""

    __slots__ = (
        "_compacted",
        "_emit",
        "_fetchers",
        "_min_isr",
        "_network",
        "_queue",
        "_rejoining",
        "isr",
        "replicas",
    )

    def __init__(
        self,
        queue: EventQueue,
        emit: Emit,
        network: Network,
        topology: Topology,
        settings: ClusterSettings,
    ) -> None:
        self._queue = queue
        self._emit = emit
        self._network = network
        self._min_isr = settings.min_insync_replicas
        self.replicas: dict[tuple[int, str, int], Replica] = {}
        self._rejoining: set[int] = set()  # restarted, not yet caught up with the metadata log
        self._fetchers = ReplicaFetchers(
            queue,
            emit,
            network,
            self.replicas,
            settings.replica_fetch_wait_max_ms,
            self._maybe_advance_hw,
        )
        self._compacted = frozenset(t.name for t in topology.topics if t.compacted)
        self.isr = IsrManager(
            queue,
            emit,
            network,
            self.replicas,
            settings.replica_lag_time_max_ms,
            self._maybe_advance_hw,
        )
        self._fetchers.on_follower_fetch = self.isr.on_follower_fetch
        for topic in topology.topics:
            for p in topic.partitions:
                for broker in p.replicas:
                    self.replicas[broker, topic.name, p.id] = Replica(
                        broker, topic.name, p.id, p.replicas, -1, -1, ()
                    )

    def current_leader(self, broker: int, topic: str, partition: int) -> tuple[int, int] | None:
        """What `broker` puts in a NOT_LEADER_OR_FOLLOWER answer's CurrentLeader (KIP-951,
        KafkaApis.handleProduceRequest): the leader and epoch it knows, if another broker."""
        replica = self.replicas.get((broker, topic, partition))
        return None if replica is None else replica.known_leader()

    def wire_isr(self, eligible: Callable[[int, int], bool], alter: AlterPartition) -> None:
        """The control plane's answers to "is this follower unfenced?" and AlterPartition."""
        self.isr.isr_eligible, self.isr.alter_partition = eligible, alter

    def replica(self, broker: int, topic: str, partition: int) -> Replica | None:
        return self.replicas.get((broker, topic, partition))

    def apply_partition_leadership(
        self, topic: str, partition: int, leader: int, leader_epoch: int, isr: tuple[int, ...]
    ) -> None:
        """The control plane's decision reaches the brokers (ReplicaManager.applyDelta).

        A new leader epoch restarts replication from scratch (Partition.makeLeader/
        makeFollower); an ISR-only change keeps the followers' fetch state. Either way the
        leader recomputes its high watermark, since the ISR may now be down to itself
        (Partition.makeLeader: "ISR could be down to 1" -> maybeIncrementLeaderHW).
        """
        restarted = False
        for (owner, name, pid), replica in sorted(self.replicas.items()):
            if name != topic or pid != partition or not self._network.nodes.is_alive(owner):
                continue  # a crashed broker learns nothing until it restarts
            if not self._network.reachable(owner):
                continue  # nor does one cut off from the network, until it is healed
            if owner in self._rejoining:
                continue  # it learns the partition's state when it has caught up (rejoin)
            new_epoch = (replica.leader, replica.leader_epoch) != (leader, leader_epoch)
            was_leader = replica.is_leader
            replica.leader, replica.leader_epoch, replica.isr = leader, leader_epoch, isr
            if new_epoch and was_leader and leader != owner:
                self._demote(replica)  # its answers name the new leader (KIP-951)
            if new_epoch:
                restarted = True
                for timer in replica.parked_fetches.values():
                    if timer is not None:
                        timer.cancel()
                replica.parked_fetches = {}
                replica.follower_leo = (
                    {b: 0 for b in replica.replicas if b != leader}
                    if replica.broker == leader
                    else {}
                )
            if replica.broker == leader:
                self.isr.became_leader(replica)
                self._maybe_advance_hw(replica)
        if restarted:
            for follower in self._followers(topic, partition, leader):
                self._fetchers.fetch(follower, follower.log_end_offset)

    def _demote(self, replica: Replica) -> None:
        """A live leader becomes a follower: its parked produce requests are answered
        NOT_LEADER_OR_FOLLOWER at once (ReplicaManager.applyDelta ->
        completeDelayedOperationsWhenNotPartitionLeader; Partition.checkEnoughReplicasReachOffset).
        """
        delayed, replica.delayed = replica.delayed, []
        for d in delayed:
            if d.timer is not None:
                d.timer.cancel()
            d.respond(NOT_LEADER_OR_FOLLOWER, -1)  # type: ignore[operator]

    def _followers(self, topic: str, partition: int, leader: int) -> list[Replica]:
        return [
            r
            for (_, name, pid), r in sorted(self.replicas.items())
            if name == topic and pid == partition and r.broker != leader
        ]

    # -- produce ---------------------------------------------------------------------------

    def handle_produce(
        self,
        broker: int,
        request: ev.ProduceRequestSent,
        records: list[int],
        acks: int,
        timeout_ms: int,
        respond: Respond,
        *,
        keyless: bool = False,
    ) -> None:
        """A ProduceRequest arrives at `broker` (KafkaApis.handleProduceRequest); `keyless`:
        the batch holds a record without a key."""
        leader = self.replicas.get((broker, request.topic, request.partition))
        if leader is None or leader.leader != broker:
            respond(NOT_LEADER_OR_FOLLOWER, -1)
            return
        # Partition.appendRecordsToLeader: effective min ISR = min(min.insync.replicas, RF).
        min_isr = min(self._min_isr, len(leader.replicas))
        if acks == ACKS_ALL and len(leader.isr) < min_isr:
            self._emit(
                ev.NotEnoughReplicas(
                    broker, request.topic, request.partition, request.batch, leader.isr, min_isr
                )
            )
            respond(NOT_ENOUGH_REPLICAS, -1)  # checked before appending
            return
        if keyless and request.topic in self._compacted:
            # LogValidator.validateKey, before the producer-state check; nothing is written.
            respond(INVALID_RECORD, -1)
            return
        verdict, original = check_sequence(leader, request)
        if verdict == DUPLICATE:
            self._emit(duplicate_detected(broker, request, original))
            if acks == ACKS_ALL:
                # The duplicate gets the original offsets and, like any acks=all append,
                # waits in purgatory until the high watermark passes them (DelayedProduce).
                self._park(leader, original, len(records), timeout_ms, respond)
            else:
                respond(NONE, original)  # success with the first append's offset
            return
        if verdict != IN_SEQUENCE:
            respond(OUT_OF_ORDER_SEQUENCE_NUMBER, -1)
            return
        base = self._append(leader, request, records)
        if acks == ACKS_ALL:
            self._park(leader, base, len(records), timeout_ms, respond)
        else:
            respond(NONE, base)

    def _append(self, leader: Replica, request: ev.ProduceRequestSent, records: list[int]) -> int:
        base = leader.log_end_offset
        batch, epoch = request.batch, leader.leader_epoch
        appended = _new_log_batch(
            base,
            tuple(records),
            batch,
            epoch,
            request.producer_id,
            request.producer_epoch,
            request.base_sequence,
        )
        leader.append_batch(appended)
        remember_batch(leader, request, base)
        self._emit(
            _new_record_appended(
                leader.broker,
                leader.topic,
                leader.partition,
                batch,
                base,
                base + len(records) - 1,
                epoch,
                request.attempt,
            )
        )
        self._maybe_advance_hw(leader)
        self._fetchers.wake_parked(leader)
        return base

    def _park(
        self, leader: Replica, base: int, count: int, timeout_ms: int, respond: Respond
    ) -> None:
        if leader.high_watermark >= base + count:
            respond(NONE, base)
            return
        delayed = DelayedProduce(base + count, base, respond)

        def expire() -> None:
            if delayed in leader.delayed:
                leader.delayed.remove(delayed)
                respond(REQUEST_TIMED_OUT, -1)  # DelayedProduce.onExpiration

        delayed.timer = self._queue.after(timeout_ms, expire)
        leader.delayed.append(delayed)

    def _maybe_advance_hw(self, leader: Replica) -> None:
        isr = leader.isr
        if len(isr) < min(self._min_isr, len(leader.replicas)):
            return  # strict min ISR (KAFKA-15583): the HW waits for enough in-sync replicas
        # The smallest log end offset in the ISR, the leader's own included.
        follower_leo, me = leader.follower_leo, leader.broker
        new_hw = min([leader.log_end_offset, *[follower_leo.get(b, 0) for b in isr if b != me]])
        if new_hw <= leader.high_watermark:
            return
        leader.high_watermark = new_hw
        self._emit(_new_hw_advanced(me, leader.topic, leader.partition, new_hw))
        if leader.parked_fetches:
            self._fetchers.refresh_parked(leader)
        if leader.delayed:
            self._complete_delayed(leader, new_hw)

    def _complete_delayed(self, leader: Replica, new_hw: int) -> None:
        done = [d for d in leader.delayed if new_hw >= d.required_offset]
        if not done:
            return
        leader.delayed = [d for d in leader.delayed if new_hw < d.required_offset]
        for delayed in done:  # in the order they were parked
            if delayed.timer is not None:
                delayed.timer.cancel()
            delayed.respond(NONE, delayed.base_offset)  # type: ignore[operator]
