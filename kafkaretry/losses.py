"""Acknowledged, then lost: records the application was told were written that are gone.

A record counts as lost when the producer got an offset for it and the partition's leader at
the end of the run (the live leader with the newest leader epoch) does not hold it at that
offset. Kafka allows this only where the run made it legal: acks=1 (the leader answered
before any follower had the record) or an unclean leader election
(unclean.leader.election.enable chose a replica outside the ISR). A partition left without
a leader has lost nothing yet: its data waits on the dead brokers.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.trace import Trace


@dataclass(frozen=True, slots=True)
class LostRecord:
    record: int
    partition: int
    offset: int  # the offset the producer was told
    acknowledged_by: int
    acknowledged_at_ms: int
    leader_now: int  # the leader whose log does not hold it


def acknowledged_then_lost(trace: Trace) -> tuple[LostRecord, ...]:
    lost: list[LostRecord] = []
    for at, acked in trace.of_type(ev.RecordAcknowledged):
        if acked.offset < 0:
            continue  # acks=0: no offset was promised
        leader = trace.final.leader_replica(acked.topic, acked.partition)
        if leader is None:
            continue
        held = any(
            entry.offset == acked.offset and entry.record == acked.record for entry in leader.log
        )
        if not held:
            lost.append(
                LostRecord(
                    acked.record, acked.partition, acked.offset, acked.broker, at, leader.broker
                )
            )
    return tuple(lost)
