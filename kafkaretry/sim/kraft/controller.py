"""The active controller's side of `__cluster_metadata`: write, flush, commit, replay.

The log keeps the records kafkaretry models (offset = index). The active controller replays
what it writes at once into `image` (QuorumController keeps uncommitted state in memory and
reverts it on failover); `committed` is the image at the high watermark, which is what brokers
may apply and what `KRaftControlPlane.partition()` shows. Records reach the followers only
when they commit, so the uncommitted tail of a leader that dies is lost with it.
NoOpRecords (one per metadata.max.idle.interval.ms) are not stored, only their timing is used.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue, Timer
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft import views
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.metadata import (
    LeaderChangeRecord,
    MetadataImage,
    MetadataRecord,
    PartitionChangeRecord,
    PartitionKey,
    describe_record,
)
from kafkaretry.sim.kraft.quorum import RaftQuorum
from kafkaretry.sim.settings import ClusterSettings
from kafkaretry.topology import Topology

FETCH_ROUND_TRIP_HOPS = 2  # the parked Fetch returns the batch, the next Fetch moves the HW
# Model assumption (README, "What the model covers"): a standby's raft thread handles the
# leader's Fetch response 0 to this many ms after its hop. Kafka's follower restarts its fetch
# timer when it handles the response, and on a busy host two JVMs do not do that in the same
# millisecond (their fetch timeouts ran out 10-15 ms apart in real runs); with 25 ms the
# model's first vote splits in 9 seeds of 100 (0..99), as Kafka's did in 1 run of 10.
FETCH_RESPONSE_JITTER_MS = 25


class MetadataLog:
    def __init__(
        self,
        topology: Topology,
        config: ClusterSettings,
        queue: EventQueue,
        emit: Callable[[ev.KRaftEvent], None],
        hop_ms: int,
        quorum: RaftQuorum,
        fetch_rng: random.Random,
    ) -> None:
        self._config, self._queue, self._emit, self._hop, self._quorum = (
            config,
            queue,
            emit,
            hop_ms,
            quorum,
        )
        self.records: list[MetadataRecord] = []
        self.high_watermark = -1  # offset of the last committed record
        self.committed = MetadataImage.bootstrap(topology)
        self.image = self.committed.copy()
        self.leader: int | None = None
        self.epoch = 0
        self.noop_anchor_ms = 0
        self._last_flush_ms = 0
        self._flush: Timer | None = None
        self._fetch_rng = fetch_rng  # a stream of its own: when standbys handle a response
        self.on_commit: Callable[[int, int], None] = lambda leader, epoch: None

    # -- timing ----------------------------------------------------------------------------
    def last_fetch_before(self, t: int) -> int:
        """When followers last got a Fetch response: the last append flush they saw."""
        idle = self._config.metadata_max_idle_interval_ms
        seen = t - self._hop
        noop = self.noop_anchor_ms + (seen - self.noop_anchor_ms) // idle * idle
        flush = self._last_flush_ms if self._last_flush_ms <= seen else noop
        return max(noop, flush) + self._hop

    def last_fetch_handler(self, t: int) -> Callable[[int], int]:
        """follower -> when it handled its last Fetch response before `t` (ms).

        KafkaRaftClient.handleFetchResponse -> FollowerState.resetFetchTimeoutForSuccessfulFetch
        restarts controller.quorum.fetch.timeout.ms at the follower's own clock reading, so two
        standbys' timers run out in different milliseconds and the later one usually wins the
        first round (quorum.py Rules 1-3). One draw per call, in the order followers are asked.
        """
        sent = self.last_fetch_before(t)
        return lambda follower: sent + self._fetch_rng.randrange(FETCH_RESPONSE_JITTER_MS + 1)

    # -- leadership ------------------------------------------------------------------------
    def begin_epoch(self, leader: int, epoch: int, *, committed: bool) -> None:
        """The new leader's log is the committed prefix plus its LeaderChange record."""
        del self.records[self.high_watermark + 1 :]
        self.image = self.committed.copy()
        self.leader, self.epoch = leader, epoch
        self._cancel_flush()
        self.records.append(LeaderChangeRecord(leader, epoch))
        if committed:
            self.high_watermark = len(self.records) - 1

    def abandon(self, leader: int) -> None:
        if self.leader == leader:
            self.leader = None
            self._cancel_flush()

    def _cancel_flush(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None

    # -- writing ---------------------------------------------------------------------------
    def write(self, records: list[MetadataRecord]) -> int:
        """Append as the active controller; returns the first offset. Commit comes later."""
        first = len(self.records)
        for record in records:
            key = _key(record)
            before = self.image.partitions.get(key) if key is not None else None
            self.image.apply(record)
            self.records.append(record)
            if isinstance(record, PartitionChangeRecord) and before is not None:
                self._emit_change(record, before, len(self.records) - 1)
        if self._flush is None and self.leader is not None:
            leader, epoch = self.leader, self.epoch
            linger = self._config.quorum_append_linger_ms
            self._flush = self._queue.after(linger, lambda: self._flushed(leader, epoch))
        return first

    def _emit_change(
        self, record: PartitionChangeRecord, before: views.PartitionView, offset: int
    ) -> None:
        after = self.image.partitions[(record.topic, record.partition)]
        now = self._queue.now_ms
        if record.leader is not None:
            self._emit(
                ev.PartitionLeaderElected(
                    now,
                    after.topic,
                    after.partition,
                    before.leader,
                    after.leader,
                    after.leader_epoch,
                    after.isr,
                    offset,
                    after.leader != views.NO_LEADER and after.leader not in before.isr,
                )
            )
        elif len(after.isr) > len(before.isr):
            added = next(iter(sorted(set(after.isr) - set(before.isr))), views.NO_LEADER)
            self._emit(ev.IsrExpanded(now, after.topic, after.partition, added, after.isr, offset))
        else:
            removed = next(iter(sorted(set(before.isr) - set(after.isr))), views.NO_LEADER)
            self._emit(ev.IsrShrunk(now, after.topic, after.partition, removed, after.isr, offset))

    def _flushed(self, leader: int, epoch: int) -> None:
        self._flush = None
        self._last_flush_ms = self._queue.now_ms
        delay = FETCH_ROUND_TRIP_HOPS * self._hop
        self._queue.after(delay, lambda: self.commit(leader, epoch))

    def commit(self, leader: int, epoch: int) -> None:
        """The high watermark moves if a majority of voters still follows this leader."""
        if self.leader != leader or self.epoch != epoch or not self._quorum.has_majority(leader):
            return  # stalls; check-quorum will make the leader resign
        now = self._queue.now_ms
        for offset in range(self.high_watermark + 1, len(self.records)):
            record = self.records[offset]
            self.committed.apply(record)
            self._emit(ev.MetadataRecordCommitted(now, offset, describe_record(record)))
        self.high_watermark = len(self.records) - 1
        log_end = (epoch, len(self.records))
        for voter in (leader, *self._quorum.following(leader)):
            self._quorum.voters[voter].log_end = log_end
        self.on_commit(leader, epoch)

    # -- brokers ---------------------------------------------------------------------------
    def apply_to(self, broker: BrokerState) -> list[PartitionKey]:
        """Replay committed records into a broker's cache; the partitions that changed."""
        changed: list[PartitionKey] = []
        for offset in range(broker.applied_offset + 1, self.high_watermark + 1):
            record = self.records[offset]
            broker.cache.apply(record)
            key = _key(record)
            if key is not None and key not in changed:
                changed.append(key)
        broker.applied_offset = max(broker.applied_offset, self.high_watermark)
        return changed


def _key(record: MetadataRecord) -> PartitionKey | None:
    if isinstance(record, PartitionChangeRecord):
        return (record.topic, record.partition)
    return None
