"""Where an acknowledged record went: who had copied it, and who later truncated it away.

An acks=1 leader answers once its own append is done (Partition.appendRecordsToLeader with
requiredAcks=1), so an acknowledged offset may sit on the leader alone. If a follower that
never fetched it becomes leader, the old leader, back as a follower, truncates its log to
where its last leader epoch ends in the new leader's log (leader epochs, KIP-101; since
KIP-320 the Fetch carries lastFetchedEpoch and Partition.readRecords answers a divergingEpoch;
AbstractFetcherThread.truncateOnFetchResponse -> ReplicaFetcherThread.truncate ->
Partition.truncateTo -> UnifiedLog.truncateTo). These facts say so record by record.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis.model import Truncation
from kafkaretry.sim.snapshot import ReplicaView
from kafkaretry.sim.trace import Trace


def truncations(trace: Trace) -> tuple[Truncation, ...]:
    return tuple(
        Truncation(at, e.broker, e.leader, e.topic, e.partition, e.log_end_offset, e.truncated_to)
        for at, e in trace.of_type(ev.ReplicaTruncated)
    )


@dataclass(frozen=True, slots=True)
class AckFate:
    copied_at_ack: tuple[int, ...]
    truncated: tuple[Truncation, ...]
    ack_offset_holds: int | None


class LossFacts:
    """Built once per analysis (one pass over the follower copies), asked once per record."""

    def __init__(self, trace: Trace) -> None:
        self._truncations = truncations(trace)
        # (leader, topic, partition, follower) -> times of its copies and, at each, the
        # highest offset copied so far: a bisect answers "had it by then?" per record.
        self._copies: dict[tuple[int, str, int, int], tuple[list[int], list[int]]] = {}
        for at, e in trace.of_type(ev.FollowerReplicated):
            times, highest = self._copies.setdefault(
                (e.leader, e.topic, e.partition, e.broker), ([], [])
            )
            times.append(at)
            highest.append(max(e.last_offset, highest[-1]) if highest else e.last_offset)
        self._followers: dict[tuple[int, str, int], list[int]] = {}
        for leader, topic, partition, follower in sorted(self._copies):
            self._followers.setdefault((leader, topic, partition), []).append(follower)

    def fate(
        self, ack: ev.RecordAcknowledged, ack_at_ms: int, final_leader: ReplicaView | None
    ) -> AckFate:
        offset, broker = ack.offset, ack.broker
        if offset < 0:  # acks=0: no offset was ever told
            return AckFate((), (), None)
        copied = []
        for follower in self._followers.get((broker, ack.topic, ack.partition), ()):
            times, highest = self._copies[broker, ack.topic, ack.partition, follower]
            i = bisect_right(times, ack_at_ms)
            if i and highest[i - 1] >= offset:
                copied.append(follower)
        truncated = tuple(
            t
            for t in self._truncations
            if (t.broker, t.topic, t.partition) == (broker, ack.topic, ack.partition)
            and t.at_ms >= ack_at_ms
            and t.truncated_to <= offset < t.log_end_offset
        )
        holds = None
        if final_leader is not None:
            log = final_leader.log
            holds = log[offset].record if offset < len(log) else None
        return AckFate(tuple(copied), truncated, holds)
