"""What must hold on every trace, whatever the topology, settings and faults."""

from __future__ import annotations

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.trace import Trace


def violations(trace: Trace) -> list[str]:
    """Every broken invariant of `trace`, as a short sentence (empty when all hold)."""
    return _leaders(trace) + _partitions(trace) + _records(trace)


def _leaders(trace: Trace) -> list[str]:
    """At most one leader per partition and leader epoch, one active controller per epoch."""
    found: list[str] = []
    leaders: dict[tuple[str, int, int], int] = {}
    for at, e in trace.of_type(k.PartitionLeaderElected):
        key = (e.topic, e.partition, e.leader_epoch)
        if leaders.setdefault(key, e.new_leader) != e.new_leader:
            found.append(f"{at} ms: two leaders for {key}: {leaders[key]} and {e.new_leader}")
    actives: dict[int, int] = {}
    for at, c in trace.of_type(k.ControllerElected):
        if actives.setdefault(c.epoch, c.new_active) != c.new_active:
            found.append(f"{at} ms: two active controllers in epoch {c.epoch}")
    return found


def _partitions(trace: Trace) -> list[str]:
    """A batch goes, and a record is acknowledged, only by the partition chosen in send()."""
    found: list[str] = []
    partition_of = {e.record: e.partition for _, e in trace.of_type(ev.RecordPartitioned)}
    batch_partition = {b.batch: b.partition for _, b in trace.of_type(ev.BatchCreated)}
    for at, s in trace.of_type(ev.ProduceRequestSent):
        if batch_partition.get(s.batch) != s.partition:
            found.append(f"{at} ms: batch {s.batch} sent to partition {s.partition}")
    for _, a in trace.of_type(ev.RecordAcknowledged):
        if partition_of.get(a.record) != a.partition:
            found.append(f"record {a.record} acknowledged by another partition")
    return found


def _records(trace: Trace) -> list[str]:
    """Every fate decided; one copy with idempotence; acks=all acknowledged means kept.

    An acks=all acknowledged record stays in the final leader's log (acks=1 may lose one:
    that is its contract). It is committed there too, unless the leader's ISR is below
    min.insync.replicas, which holds the high watermark back (strict min ISR, KAFKA-15583).
    """
    found: list[str] = []
    partition_of = {e.record: e.partition for _, e in trace.of_type(ev.RecordPartitioned)}
    unclean = trace.cluster.unclean_leader_election_enable
    for record, spec in enumerate(trace.records):
        fate = trace.fate(record)
        if fate.outcome == "undecided":
            found.append(f"record {record} undecided")
        partition = partition_of.get(record)
        leader = None if partition is None else trace.final.leader_replica(spec.topic, partition)
        if leader is None or partition is None:
            continue
        copies = [entry.offset for entry in leader.log if entry.record == record]
        if trace.settings.idempotence and len(copies) > 1:
            found.append(f"record {record}: {len(copies)} copies with idempotence on")
        committed = [o for o in copies if o < leader.high_watermark]
        acked_all = fate.outcome == "acknowledged" and trace.settings.acks == -1
        if not acked_all or unclean:
            continue
        # Partition.appendRecordsToLeader: effective min ISR = min(min.insync.replicas, RF)
        min_isr = min(trace.cluster.min_insync_replicas, _replication(trace, spec.topic, partition))
        if not copies:
            found.append(f"record {record}: acknowledged with acks=all, gone from the final log")
        elif not committed and len(leader.isr) >= min_isr:
            found.append(f"record {record}: acknowledged with acks=all, not committed at the end")
    return found


def _replication(trace: Trace, topic: str, partition: int) -> int:
    """How many brokers hold a replica of the partition (its replication factor)."""
    return sum(
        1
        for b in trace.final.brokers
        for r in b.replicas
        if (r.topic, r.partition) == (topic, partition)
    )
