"""The KRaft control plane: Raft quorum + active controller + brokers' metadata caches.

Timing rules (each a choice read from Kafka's source; the numbers are configs or constants):
1. The active controller batches records for controller.quorum.append.linger.ms, then the
   parked follower Fetches return them (1 hop) and the followers' next Fetch (1 hop) moves
   the high watermark: committed when a majority of voters (leader included) follows it.
2. A new leader's LeaderChange record is written without linger (onBecomeLeader); it commits
   after BeginQuorumEpoch + a Fetch round trip (4 hops). Only then does QuorumController claim
   leadership and give every registered broker a fresh session (ClusterControlManager.activate).
3. Brokers (Raft observers) long-poll Fetch, and since KIP-1166 (Kafka 4.1) the leader
   completes every parked Fetch as soon as its high watermark moves
   (KafkaRaftClient.onUpdateLeaderHighWatermark -> fetchPurgatory.completeAll), so a broker
   applies a committed record one hop after the commit, not at the next NoOpRecord.
4. A broker whose active controller died asks other voters every controller.quorum.retry.backoff.ms
   (the process crash resets the TCP connection, so the failure is immediate); after activation
   it learns the new leader within one backoff + a round trip, then heartbeats to it.
5. The active controller fences expired sessions by a periodic check (fencing.py, KAFKA-17793).
6. Registration and unfencing follow the broker's lifecycle (lifecycle.py), ISR changes the
   leaders' AlterPartition requests (alter_partition.py); a
   restarted broker opens its listeners only once unfenced (BrokerServer.startup waits for
   the unfencing before enableRequestProcessing).
7. A restarted broker learns what it leads and follows from the metadata log: its replicas
   take their state from its first catch-up (BrokerMetadataPublisher -> applyDelta).
8. Each standby's fetch timer runs from when it handled its own last Fetch response
   (controller.py, MetadataLog.last_fetch_handler).
9. A graceful stop is a controlled shutdown (controlled_shutdown.py); the active controller
   gives partitions back to their preferred leaders periodically (leader_balance.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft import views
from kafkaretry.sim.kraft.alter_partition import AlterPartitionHandler
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.controlled_shutdown import ControlledShutdown
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.fencing import PeriodicFenceCheck
from kafkaretry.sim.kraft.isolation import BrokerIsolation
from kafkaretry.sim.kraft.leader_balance import PeriodicLeaderBalance
from kafkaretry.sim.kraft.lifecycle import BrokerLifecycle
from kafkaretry.sim.kraft.quorum import RaftQuorum
from kafkaretry.sim.kraft.snapshot import take_snapshot
from kafkaretry.sim.settings import ClusterSettings
from kafkaretry.topology import Topology

DEFAULT_NETWORK_DELAY_MS = 1  # kafkaretry's one-way LAN hop; Kafka has no such setting
LEADER_CHANGE_COMMIT_HOPS = 4  # BeginQuorumEpoch, Fetch, FetchResponse, next Fetch

PartitionListener = Callable[[int, str, int, views.PartitionView], None]
PartitionState = tuple[str, int, int, int, tuple[int, ...]]  # topic, partition, leader, epoch, ISR


class KRaftControlPlane(BrokerIsolation, ControlledShutdown, AlterPartitionHandler):
    def __init__(
        self,
        topology: Topology,
        config: ClusterSettings,
        queue: EventQueue,
        rng: random.Random,
        emit: Callable[[ev.KRaftEvent], None],
        *,
        network_delay_ms: int = DEFAULT_NETWORK_DELAY_MS,
    ) -> None:
        self._topology, self._config, self._queue, self._emit = topology, config, queue, emit
        self._hop = network_delay_ms
        # Separate streams (STYLE §4): an extra election draw never shifts the broker phases.
        self._phase_rng = random.Random(rng.getrandbits(64))
        self._quorum = RaftQuorum(
            topology.controllers, config, queue, random.Random(rng.getrandbits(64)), emit, self._hop
        )
        self._quorum.on_elected = self._on_elected
        self._quorum.on_leader_lost = self._on_leader_lost
        # Drawn last from `rng`, so the streams above stay what they were before it existed.
        fetch_rng = random.Random(rng.getrandbits(64))
        self._log = MetadataLog(topology, config, queue, emit, self._hop, self._quorum, fetch_rng)
        self._log.on_commit = self._on_commit
        self._brokers = {
            b: BrokerState(b, self._log.committed.copy(), 0) for b in sorted(topology.brokers)
        }
        self._active: int | None = None
        self._epoch = 0
        self._lifecycle = BrokerLifecycle(
            config, queue, emit, self._log, self.active_controller, self._unclean
        )
        self._fencing = PeriodicFenceCheck(
            config, queue, emit, self._brokers, self._log, self._unclean
        )
        self._balance = PeriodicLeaderBalance(config, queue, emit, self._log)
        self._listeners: list[PartitionListener] = []
        # Wired by the publisher: a restarted broker caught up (its partitions' state as its
        # cache has it), and a restarted broker opens its listeners.
        self.on_caught_up: Callable[[int, list[PartitionState]], None] = lambda b, states: None
        self.on_listening: Callable[[int], None] = lambda broker: None
        self.on_unfenced_seen: Callable[[int], None] = lambda broker: None  # its cache
        self.on_shutting_down: Callable[[int], None] = lambda broker: None  # SIGTERM

    # -- the engine's controls -------------------------------------------------------------
    def start(self) -> None:
        """The cluster has been running: the first controller listed leads epoch 1."""
        leader = self._topology.controllers[0]
        self._quorum.start(leader)
        self._log.begin_epoch(leader, 1, committed=True)
        idle = self._config.metadata_max_idle_interval_ms
        self._log.noop_anchor_ms = self._phase_rng.randrange(idle) - idle
        self._active, self._epoch = leader, 1
        interval = self._config.broker_heartbeat_interval_ms
        for broker in self._brokers.values():
            broker.controller = leader
            broker.hb_anchor_ms = self._phase_rng.randrange(interval) - interval
            broker.session_start_ms = broker.hb_anchor_ms
        # Drawn after the heartbeat phases, so those stay what they were for every seed.
        self._fencing.activate(self._phase_rng.randrange(self._fencing.period_ms))
        self._balance.activate(self._phase_rng.randrange(self._balance.period_ms))

    def crash_controller(self, node_id: int) -> None:
        voter = self._quorum.voters[node_id]
        if not voter.alive:
            return
        now = self._queue.now_ms
        self._emit(ev.ControllerCrashed(now, node_id, was_active=node_id == self._active))
        self._quorum.crash(node_id, self._log.last_fetch_handler(now))

    def restart_controller(self, node_id: int) -> None:
        if self._quorum.voters[node_id].alive:
            return
        self._emit(ev.ControllerRestarted(self._queue.now_ms, node_id))
        self._quorum.restart(node_id)

    def crash_broker(self, node_id: int) -> None:
        broker = self._brokers[node_id]
        if not broker.alive:
            return
        broker.alive, broker.hb_stop_ms = False, self._queue.now_ms
        if broker.apply_timer is not None:
            broker.apply_timer.cancel()
            broker.apply_timer = None
        self._emit(ev.BrokerCrashed(self._queue.now_ms, node_id))
        self._fencing.reschedule()

    def restart_broker(self, node_id: int) -> None:
        """It must register again, and is refused while its old session is valid (Rule 6)."""
        broker = self._brokers[node_id]
        if broker.alive:
            return
        now = self._queue.now_ms
        # The old incarnation's session runs on from its last heartbeat until it is fenced.
        broker.session_start_ms = broker.last_contact_ms(
            now, self._config.broker_heartbeat_interval_ms
        )
        broker.alive, broker.hb_stop_ms = True, None
        broker.detach()
        broker.registration_offset = -1  # must register with whichever controller it finds
        broker.restarting = broker.listeners_closed = True
        self._emit(ev.BrokerRestarted(now, node_id))
        if self._active is not None:
            self._discover(broker, self._active, self._epoch)

    def isr_eligible(self, leader: int, follower: int) -> bool:
        """Partition.isReplicaIsrEligible: the leader's metadata shows the follower unfenced
        and not in controlled shutdown."""
        return self._brokers[leader].cache.is_active(follower)

    def subscribe(self, listener: PartitionListener) -> None:
        self._listeners.append(listener)

    # -- queries ---------------------------------------------------------------------------
    def active_controller(self) -> int | None:
        return self._active

    def controller_epoch(self) -> int:
        """Epoch of the active controller (of the last one while none is active)."""
        return self._epoch

    def broker_alive(self, node_id: int) -> bool:
        return self._brokers[node_id].alive

    def broker_fenced(self, node_id: int) -> bool:
        return self._log.committed.fenced.get(node_id, True)

    def partition(self, topic: str, partition: int) -> views.PartitionView:
        return self._log.committed.partitions[(topic, partition)]

    def broker_metadata(self, broker_id: int, topic: str) -> views.TopicMetadataView:
        """What `broker_id` answers from its own cache (stale until it applies new records)."""
        broker = self._brokers[broker_id]
        cache = broker.cache
        return views.TopicMetadataView(
            answered_by=broker_id,
            metadata_offset=broker.applied_offset,
            brokers=tuple(b for b in sorted(cache.fenced) if not cache.fenced[b]),
            partitions=tuple(v for v in cache.sorted_partitions() if v.topic == topic),
        )

    def snapshot(self) -> views.KRaftSnapshot:
        return take_snapshot(
            self._queue.now_ms,
            self._active,
            self._epoch,
            self._quorum,
            self._log,
            self._brokers,
            self._config.broker_heartbeat_interval_ms,
        )

    # -- Raft leadership -------------------------------------------------------------------
    def _on_elected(self, leader: int, epoch: int) -> None:
        self._log.begin_epoch(leader, epoch, committed=False)
        delay = LEADER_CHANGE_COMMIT_HOPS * self._hop
        self._queue.after(delay, lambda: self._log.commit(leader, epoch))

    def _on_leader_lost(self, leader: int) -> None:
        self._log.abandon(leader)
        if self._active != leader:
            return
        self._active = None
        self._fencing.deactivate()
        self._balance.deactivate()
        for broker in self._brokers.values():
            broker.detach()

    def _on_commit(self, leader: int, epoch: int) -> None:
        if self._active != leader:
            self._activate(leader, epoch)
        self._answer_alter_partitions()
        self._answer_shutdowns()
        self._balance.reschedule()
        for broker in self._brokers.values():
            self._schedule_apply(broker)

    def _activate(self, leader: int, epoch: int) -> None:
        """QuorumController.claim: the new active controller starts every session afresh."""
        now = self._queue.now_ms
        self._active, self._epoch = leader, epoch
        self._log.noop_anchor_ms = now + self._config.quorum_append_linger_ms
        registered = tuple(sorted(self._log.image.fenced))
        for broker in self._brokers.values():
            broker.session_start_ms = now
            broker.detach()
        self._emit(ev.BrokerSessionsRenewed(now, leader, epoch, registered))
        for broker in self._brokers.values():
            if broker.alive:
                self._discover(broker, leader, epoch)
        self._fencing.activate(now + self._fencing.period_ms)
        self._balance.activate(now + self._balance.period_ms)

    def _discover(self, broker: BrokerState, leader: int, epoch: int) -> None:
        delay = self._config.quorum_retry_backoff_ms + 2 * self._hop
        self._queue.after(delay, lambda: self._attach(broker, leader, epoch))

    def _attach(self, broker: BrokerState, leader: int, epoch: int) -> None:
        if not broker.alive or self._active != leader or broker.controller == leader:
            return
        broker.controller = leader
        self._emit(ev.ActiveControllerDiscovered(self._queue.now_ms, broker.id, leader, epoch))
        if broker.registration_offset == -1:
            self._queue.after(self._hop, lambda: self._lifecycle.register(broker, leader))
        else:
            broker.hb_anchor_ms = self._queue.now_ms + self._hop
        self._schedule_apply(broker)
        self._fencing.reschedule()

    # -- registration and fencing (lifecycle.py, fencing.py) ------------------------------------
    def _unclean(self, topic: str) -> bool:
        for key, value in self._topology.topic(topic).configs:
            if key == "unclean.leader.election.enable":
                return value.lower() == "true"
        return self._config.unclean_leader_election_enable

    # -- brokers' metadata caches ------------------------------------------------------------
    def _schedule_apply(self, broker: BrokerState) -> None:
        if not broker.alive or broker.controller is None or broker.apply_timer is not None:
            return
        if broker.applied_offset >= self._log.high_watermark:
            return
        # Rule 3 (KIP-1166): the parked Fetch returns with the new high watermark at once.
        broker.apply_timer = self._queue.after(self._hop, lambda: self._apply(broker))

    def _apply(self, broker: BrokerState) -> None:
        broker.apply_timer = None
        if not broker.alive:
            return
        fenced_before = {b for b, f in broker.cache.fenced.items() if f}
        changed = self._log.apply_to(broker)
        self._note_applied(broker)
        self._emit(ev.BrokerMetadataApplied(self._queue.now_ms, broker.id, broker.applied_offset))
        if broker.restarting:  # Rule 7: the restarted broker's replicas follow its metadata
            broker.restarting = False
            states = [
                (v.topic, v.partition, v.leader, v.leader_epoch, v.isr)
                for v in broker.cache.sorted_partitions()
            ]
            self.on_caught_up(broker.id, states)
        if broker.listeners_closed and broker.cache.fenced.get(broker.id) is False:
            broker.listeners_closed = False
            self.on_listening(broker.id)
        if any(broker.cache.fenced.get(b) is False for b in sorted(fenced_before)):
            self.on_unfenced_seen(broker.id)
        for topic, partition in changed:
            view = broker.cache.partitions[(topic, partition)]
            for listener in self._listeners:
                listener(broker.id, topic, partition, view)
        reg = broker.registration_offset
        if (
            reg is not None
            and reg >= 0
            and broker.applied_offset >= reg
            and self._active is not None
        ):
            leader = self._active  # BrokerLifecycleManager: heartbeat at once, wantFence=false
            self._queue.after(self._hop, lambda: self._lifecycle.unfence(broker, leader))
