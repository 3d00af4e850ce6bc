"""Out of send order: records that sit in their partition's log after records sent later.

The application's send() calls are numbered in order (record ids), so within one partition
the log should hold them in increasing order. A retried batch can land behind batches sent
after it when the producer lets several batches be in flight at once
(max.in.flight.requests.per.connection > 1) without idempotence; with idempotence the leader
refuses a batch whose sequence number skips one (OUT_OF_ORDER_SEQUENCE_NUMBER) and the order
holds (KAFKA.md §3.3, ProducerConfig's `retries` documentation).
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.trace import Trace


@dataclass(frozen=True, slots=True)
class OutOfOrder:
    record: int
    partition: int
    offset: int  # where the record sits in the final leader's log (its first copy)
    overtaken_by: tuple[int, ...]  # records sent after it that sit at lower offsets


def out_of_send_order(trace: Trace) -> tuple[OutOfOrder, ...]:
    partitions = sorted({(e.topic, e.partition) for _, e in trace.of_type(ev.RecordPartitioned)})
    found: list[OutOfOrder] = []
    for topic, partition in partitions:
        leader = trace.final.leader_replica(topic, partition)
        if leader is None:
            continue
        first: dict[int, int] = {}
        for entry in leader.log:
            first.setdefault(entry.record, entry.offset)
        for record, offset in sorted(first.items(), key=lambda item: item[1]):
            later = tuple(sorted(r for r, o in first.items() if r > record and o < offset))
            if later:
                found.append(OutOfOrder(record, partition, offset, later))
    return tuple(found)
