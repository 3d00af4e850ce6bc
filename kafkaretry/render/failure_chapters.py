"""Chapter rules of the production failures: an unreachable host, a lagging follower, a
refused write, an unclean or impossible election, a retried batch overtaken by later ones.

They join chapters.RULES (same table, same rule shape): each fires at most once, at the first
event it matches, and claims only what that event and the run's analysis show. The
predicates here also keep the general crash and acknowledgement rules apart from these.
"""

from __future__ import annotations

from kafkaretry.render.chapter_rule import ChapterRule, Context
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k


def leader_at(c: Context, at_ms: int) -> int:
    """Who leads the story's partition at `at_ms`, as far as committed changes show."""
    leader = c.first_leader
    for change in c.analysis.cluster.leader_changes:
        mine = (change.topic, change.partition) == (c.topic, c.partition)
        if mine and change.committed_at_ms <= at_ms:
            leader = change.new_leader
    return leader


def leader_of(c: Context, partition: int, at_ms: int) -> int:
    """Who leads `partition` of the story's topic at `at_ms`, as committed changes show."""
    leader = dict(c.first_leaders).get(partition, -1)
    for change in c.analysis.cluster.leader_changes:
        mine = (change.topic, change.partition) == (c.topic, partition)
        if mine and change.committed_at_ms <= at_ms:
            leader = change.new_leader
    return leader


def roles(c: Context, broker: int, at_ms: int) -> str:
    """What `broker` is to the story's topic at `at_ms`, the story's partition first:
    "a follower of partitions 0, 2 and the leader of partition 1"."""
    groups: dict[str, list[int]] = {}
    hosted = sorted((p != c.partition, p) for p, brokers in c.replicas if broker in brokers)
    for _, p in hosted:
        leader = leader_at(c, at_ms) if p == c.partition else leader_of(c, p, at_ms)
        groups.setdefault("the leader" if leader == broker else "a follower", []).append(p)
    if not groups:
        return f"no replica of partition {c.partition}"
    words = [
        f"{role} of partition{'s' if len(ps) > 1 else ''} {', '.join(map(str, ps))}"
        for role, ps in groups.items()
    ]
    return " and ".join(words)


def _waiting_at(c: Context, at_ms: int) -> bool:
    """A record has been sent and is not resolved yet at `at_ms`."""
    return any(
        r.attempts
        and r.attempts[0].at_ms <= at_ms
        and (r.resolved_at_ms is None or r.resolved_at_ms > at_ms)
        for r in c.analysis.records
    )


def _down_at(c: Context, broker: int, at_ms: int) -> bool:
    cluster = c.analysis.cluster
    crashed = max(
        (at for at, b in cluster.broker_crashes if b == broker and at <= at_ms), default=-1
    )
    restarted = max((at for at, b in cluster.broker_restarts if b == broker), default=-1)
    return crashed >= 0 and restarted < crashed


def _stopping(c: Context, broker: int, at_ms: int) -> bool:
    """`broker` is in a controlled shutdown at `at_ms` (shutdown_chapters tells that part)."""
    return any(
        g.broker == broker
        and g.asked_at_ms <= at_ms
        and (g.exited_at_ms is None or at_ms < g.exited_at_ms)
        for g in c.analysis.cluster.graceful_stops
    )


def idle_leader_crash(e: k.BrokerCrashed, c: Context) -> bool:
    """The story's leader fails while no record waits for it."""
    leader = leader_at(c, e.at_ms)
    return (leader < 0 or e.broker == leader) and not _waiting_at(c, e.at_ms)


def live_follower_crash(e: k.BrokerCrashed, c: Context) -> bool:
    """A follower of the story's partition fails while its leader lives on."""
    leader = leader_at(c, e.at_ms)
    return 0 <= leader != e.broker and not _down_at(c, leader, e.at_ms)


def acked_before_first(e: ev.RecordAcknowledged, c: Context) -> bool:
    """A later record is acknowledged while record 0 still waits for its answer."""
    if e.record == 0 or len(c.analysis.records) <= e.record:
        return False
    first, this = c.analysis.records[0], c.analysis.records[e.record]
    at = this.ack_at_ms if this.ack_at_ms is not None else -1
    return first.resolved_at_ms is None or first.resolved_at_ms > at


def _rejoined(e: ev.AlterPartitionSent, c: Context) -> bool:
    """A request to add a follower that the controller did commit (IsrExpanded)."""
    added = [r for r in e.proposed if r not in e.isr]
    return not e.out_of_sync and any(
        (t, p, b) == (e.topic, e.partition, added[0])
        for _, t, p, b in c.analysis.cluster.isr_expansions
    )


def _records_of(batch: int, c: Context) -> str:
    """'record 1' or 'records 1, 2': the records the batch carries (from the analysis)."""
    ids = [r.index for r in c.batch_records(batch)]
    if len(ids) == 1:
        return f"record {ids[0]}"
    return "records " + ", ".join(map(str, ids)) if ids else f"batch {batch}"


def _late_retry(e: ev.RecordAppended, c: Context) -> bool:
    """A retried batch appended after a batch created later (a higher batch id)."""
    return e.attempt > 1 and any(
        r.partition == e.partition
        and r.batch is not None
        and r.batch > e.batch
        and bool(r.copies)
        and min(r.copies) < e.base_offset
        for r in c.analysis.records
    )


def _ids(ids: tuple[int, ...]) -> str:
    return ", ".join(map(str, ids))


FAILURE_RULES: tuple[ChapterRule, ...] = (
    ChapterRule(
        k.BrokerCrashed,
        lambda e, c: (
            f"Broker {e.broker}, {roles(c, e.broker, e.at_ms)}, fails. No record is waiting for "
            "it: only missed heartbeats will tell the controller"
        ),
        when=idle_leader_crash,
    ),
    ChapterRule(
        k.BrokerCrashed,
        lambda e, c: (
            f"Broker {e.broker}, {roles(c, e.broker, e.at_ms)}, fails. Partition "
            f"{c.partition}'s leader goes on; the dead broker stays in its ISR until the "
            "controller fences it"
        ),
        when=live_follower_crash,
    ),
    ChapterRule(
        k.BrokerIsolated,
        lambda e, c: (
            f"Broker {e.broker}'s host drops off the network. No TCP reset: nobody is told, "
            "every answer from it will simply never come"
        ),
    ),
    ChapterRule(
        k.PartitionLeaderElected,
        lambda e, c: (
            f"Unclean leader election: broker {e.new_leader}, not in the ISR, leads partition "
            f"{e.partition} (unclean.leader.election.enable=true)"
        ),
        when=lambda e, c: e.unclean and (e.topic, e.partition) == (c.topic, c.partition),
        cluster_on=k.MetadataRecordCommitted,
    ),
    ChapterRule(
        k.PartitionLeaderElected,
        lambda e, c: (
            f"No in-sync replica is left: partition {e.partition} goes offline (leader none) "
            "until one returns"
        ),
        when=lambda e, c: (
            e.new_leader < 0
            and (e.topic, e.partition) == (c.topic, c.partition)
            and not _stopping(c, e.old_leader, e.at_ms)
        ),
        cluster_on=k.MetadataRecordCommitted,
    ),
    ChapterRule(
        ev.ReplicaFetchesDelayed,
        lambda e, c: (
            f"Broker {e.broker} falls behind: its replica fetches reach the leader late, while "
            "its heartbeats stay on time"
        ),
        when=lambda e, c: e.delay_ms > 0,
    ),
    ChapterRule(
        ev.AlterPartitionSent,
        lambda e, c: (
            f"Broker {e.broker} asks the controller to remove broker {_ids(e.out_of_sync)} "
            "from the ISR: not caught up for replica.lag.time.max.ms (AlterPartition)"
        ),
        when=lambda e, c: bool(e.out_of_sync),
        cluster_on=ev.LeaderIsrUpdated,
    ),
    ChapterRule(
        ev.AlterPartitionSent,
        lambda e, c: (
            f"Broker {next(r for r in e.proposed if r not in e.isr)} has caught up with the "
            "high watermark and rejoins the ISR (AlterPartition)"
        ),
        when=_rejoined,
        cluster_on=k.IsrExpanded,
    ),
    ChapterRule(
        ev.NotEnoughReplicas,
        lambda e, c: (
            f"Broker {e.broker} refuses the write: ISR [{_ids(e.isr)}] is below "
            f"min.insync.replicas={e.min_insync_replicas} (NOT_ENOUGH_REPLICAS)"
        ),
    ),
    ChapterRule(
        ev.ProduceResponseReceived,
        lambda e, c: (
            f"Broker {e.broker} refuses batch {e.batch}: its sequence number skips a batch the "
            "broker has not received (OUT_OF_ORDER_SEQUENCE_NUMBER)"
        ),
        when=lambda e, c: e.error == "OUT_OF_ORDER_SEQUENCE_NUMBER",
        show_cluster=False,
    ),
    ChapterRule(
        ev.RecordAcknowledged,
        lambda e, c: (
            f"Broker {e.broker} acknowledges record {e.record}, sent after record 0, which "
            "still waits for an answer"
        ),
        when=acked_before_first,
        show_cluster=False,
    ),
    ChapterRule(
        ev.RecordAppended,
        lambda e, c: (
            f"{_records_of(e.batch, c).capitalize()}'s retry (batch {e.batch}) lands at offset "
            f"{e.base_offset}, after batches sent later: the log is out of send order"
        ),
        when=_late_retry,
        show_cluster=False,
    ),
)
