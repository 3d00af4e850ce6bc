"""Chapter rules of the production failures: an unreachable host, a lagging follower, a
refused write, an unclean or impossible election, a retried batch overtaken by later ones.

Like chapters.RULES, each fires at most once, at the first event it matches, and claims only
what that event (and the story so far, `Context`) shows; the run loop tries these after those.
"""

from __future__ import annotations

from kafkaretry.render.chapters import ChapterRule, leader_of_record
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k

FAILURE_RULES: tuple[ChapterRule, ...] = (
    ChapterRule(
        k.BrokerCrashed,
        lambda e: (
            f"Broker {e.broker}, the leader, fails. No record is waiting for it: only missed "
            "heartbeats will tell the controller"
        ),
        when=lambda e, c: leader_of_record(e.broker, c) and c.unresolved == 0,
    ),
    ChapterRule(
        k.BrokerCrashed,
        lambda e: (
            f"Broker {e.broker}, a follower, fails. The leader goes on; the dead broker stays "
            "in the ISR until the controller fences it"
        ),
        when=lambda e, c: not leader_of_record(e.broker, c) and c.leader not in c.down,
    ),
    ChapterRule(
        k.BrokerIsolated,
        lambda e: (
            f"Broker {e.broker}'s host drops off the network. No TCP reset: nobody is told, "
            "every answer from it will simply never come"
        ),
    ),
    ChapterRule(
        k.PartitionLeaderElected,
        lambda e: (
            f"Unclean leader election: broker {e.new_leader}, not in the ISR, leads partition "
            f"{e.partition} (unclean.leader.election.enable=true)"
        ),
        when=lambda e, c: e.unclean and (e.topic, e.partition) == (c.topic, c.partition),
        cluster_on=k.MetadataRecordCommitted,
    ),
    ChapterRule(
        k.PartitionLeaderElected,
        lambda e: (
            f"No in-sync replica is left: partition {e.partition} goes offline (leader none) "
            "until one returns"
        ),
        when=lambda e, c: e.new_leader < 0 and (e.topic, e.partition) == (c.topic, c.partition),
        cluster_on=k.MetadataRecordCommitted,
    ),
    ChapterRule(
        ev.ReplicaFetchesDelayed,
        lambda e: (
            f"Broker {e.broker} falls behind: its replica fetches reach the leader late, while "
            "its heartbeats stay on time"
        ),
        when=lambda e, c: e.delay_ms > 0,
    ),
    ChapterRule(
        ev.AlterPartitionSent,
        lambda e: (
            f"Broker {e.broker} asks the controller to remove broker "
            f"{', '.join(map(str, e.out_of_sync))} from the ISR: not caught up for "
            "replica.lag.time.max.ms (AlterPartition)"
        ),
        when=lambda e, c: bool(e.out_of_sync),
        cluster_on=ev.LeaderIsrUpdated,
    ),
    ChapterRule(
        ev.AlterPartitionSent,
        lambda e: (
            f"Broker {next(r for r in e.proposed if r not in e.isr)} has caught up with the "
            "high watermark and rejoins the ISR (AlterPartition)"
        ),
        when=lambda e, c: not e.out_of_sync,
        cluster_on=k.IsrExpanded,
    ),
    ChapterRule(
        ev.NotEnoughReplicas,
        lambda e: (
            f"Broker {e.broker} refuses the write: ISR [{', '.join(map(str, e.isr))}] is below "
            f"min.insync.replicas={e.min_insync_replicas} (NOT_ENOUGH_REPLICAS)"
        ),
    ),
    ChapterRule(
        ev.RecordExpired,
        lambda e: (
            f"Record {e.record} expires: delivery.timeout.ms={e.delivery_timeout_ms} has passed "
            "since its batch was created"
        ),
        show_cluster=False,
    ),
    ChapterRule(
        ev.RequestDropped,
        lambda e: (
            f"The request of batch {e.batch} is lost on its way to broker {e.broker}: nothing "
            "is appended, and only request.timeout.ms will tell the producer"
        ),
        show_cluster=False,
    ),
    ChapterRule(
        ev.ProduceResponseReceived,
        lambda e: (
            f"Broker {e.broker} refuses batch {e.batch}: its sequence number skips a batch the "
            "broker has not received (OUT_OF_ORDER_SEQUENCE_NUMBER)"
        ),
        when=lambda e, c: e.error == "OUT_OF_ORDER_SEQUENCE_NUMBER",
        show_cluster=False,
    ),
    ChapterRule(
        ev.RecordAcknowledged,
        lambda e: (
            f"Broker {e.broker} acknowledges record {e.record}, sent after record 0, which "
            "still waits for an answer"
        ),
        when=lambda e, c: e.record != 0 and not c.first_resolved,
        show_cluster=False,
    ),
    ChapterRule(
        ev.RecordAppended,
        lambda e: (
            f"Batch {e.batch}'s retry lands at offset {e.base_offset}, after batches sent later: "
            "the log is out of send order"
        ),
        when=lambda e, c: e.batch < c.last_appended and e.attempt > 1,
        show_cluster=False,
    ),
)
