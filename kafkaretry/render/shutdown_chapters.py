"""Chapter rules of a graceful stop: controlled shutdown, the redirected producer, the exit,
the restart and the preferred leader's return.

They join chapters.RULES (same table, same rule shape) and claim only what the run's
analysis confirms: "moves the leadership" needs a committed controlled-shutdown leader change,
"exits" a recorded exit, "gives back" a committed preferred-leader election.
"""

from __future__ import annotations

from kafkaretry.render.chapter_rule import ChapterRule, Context
from kafkaretry.render.failure_chapters import roles
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import GracefulStop
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as s

NOT_LEADER_OR_FOLLOWER = "NOT_LEADER_OR_FOLLOWER"


def _stop(c: Context, broker: int, at_ms: int) -> GracefulStop | None:
    """The graceful stop of `broker` under way at `at_ms`."""
    stops = [g for g in c.analysis.cluster.graceful_stops if g.broker == broker]
    return next((g for g in reversed(stops) if g.asked_at_ms <= at_ms), None)


def _requested(e: s.BrokerShutdownRequested, c: Context) -> str:
    return (
        f"Broker {e.broker}, {roles(c, e.broker, e.at_ms)}, is stopped gracefully (SIGTERM): "
        "it stays up and asks the active controller for a controlled shutdown"
    )


def _moved(e: s.BrokerInControlledShutdown, c: Context) -> str:
    """What the controlled-shutdown write did to the broker's leaderships, as committed."""
    stop = _stop(c, e.broker, e.at_ms)
    changes = sorted(
        (
            ch
            for ch in c.analysis.cluster.leader_changes
            if ch.decided_at_ms == e.at_ms and ch.old_leader == e.broker
        ),
        key=lambda ch: ((ch.topic, ch.partition) != (c.topic, c.partition), ch.topic, ch.partition),
    )
    name = {
        (ch.topic, ch.partition): f"partition {ch.partition}"
        if ch.topic == c.topic
        else f"{ch.topic}/partition-{ch.partition}"
        for ch in changes
    }
    moved = [ch for ch in changes if ch.new_leader >= 0]
    offline = [ch for ch in changes if ch.new_leader < 0]
    said = []
    if moved:
        leaderships = " and ".join(
            f"{name[ch.topic, ch.partition]}'s leadership to broker {ch.new_leader}" for ch in moved
        )
        when = (
            f"committed {stop.moved_at_ms - stop.asked_at_ms} ms after the stop"
            if stop is not None and stop.moved_at_ms is not None
            else "committed"
        )
        said.append(
            f"The active controller moves {leaderships} once broker {e.broker}'s request "
            f"reaches it: {when}, no session timeout waited for"
        )
    for ch in offline:
        isr = ", ".join(map(str, ch.isr_after))
        said.append(
            f"{name[ch.topic, ch.partition]} has no other in-sync replica to take over from "
            f"broker {e.broker}: it goes offline (leader none) and keeps ISR [{isr}]"
        )
    if not said:
        return (
            f"The active controller puts broker {e.broker} in controlled shutdown; no "
            "leadership of it moves"
        )
    if not moved:
        said[0] = (
            f"The active controller puts broker {e.broker} in controlled shutdown, but {said[0]}"
        )
    return "; ".join(said)


def _redirected(e: ev.ProduceResponseReceived, c: Context) -> bool:
    """A NOT_LEADER_OR_FOLLOWER answer naming a leader, and the retry went there."""
    if e.error != NOT_LEADER_OR_FOLLOWER or e.current_leader < 0:
        return False
    attempts = [a for r in c.batch_records(e.batch) for a in r.attempts]
    return any(a.attempt == e.attempt + 1 and a.broker == e.current_leader for a in attempts)


def hinted_metadata(e: ev.MetadataReceived, c: Context) -> bool:
    """The leader this metadata shows was already named by a NOT_LEADER_OR_FOLLOWER answer
    the producer followed (KIP-951): the refresh is no turning point."""
    shown = {(p, leader) for p, leader, _ in e.leaders}
    for r in c.analysis.records:
        by_number = {a.attempt: a for a in r.attempts}
        for a in r.attempts:
            following = by_number.get(a.attempt + 1)
            if (
                a.outcome == NOT_LEADER_OR_FOLLOWER
                and following is not None
                and (a.partition, following.broker) in shown
            ):
                return True
    return False


def _granted(e: s.BrokerShutdownGranted, c: Context) -> str:
    stop = _stop(c, e.broker, e.at_ms)
    title = (
        f"Broker {e.broker} leads nothing and every broker has applied the new leaders: the "
        "controller lets it shut down"
    )
    if stop is not None and stop.exited_at_ms is not None:
        title += f"; it exits {stop.exited_at_ms - stop.asked_at_ms} ms after the stop"
    return title


def _returned(e: s.LeaderImbalanceChecked, c: Context) -> list[tuple[int, int]]:
    """(partition, preferred leader) this check gave back, of the story's topic, committed;
    the story's partition first."""
    return sorted(
        (
            (p.partition, p.leader)
            for p in c.analysis.cluster.preferred_returns
            if p.decided_at_ms == e.at_ms and p.topic == c.topic
        ),
        key=lambda pl: (pl[0] != c.partition, pl[0]),
    )


def _given_back(e: s.LeaderImbalanceChecked, c: Context) -> str:
    returned = _returned(e, c)
    told = "auto.leader.rebalance.enable: the controller's periodic check gives"
    if len(returned) == 1:
        [(partition, leader)] = returned
        return f"{told} partition {partition} back to its preferred leader, broker {leader}"
    back = " and ".join(f"partition {p} to broker {leader}" for p, leader in returned)
    return f"{told} partitions back to their preferred leaders: {back}"


SHUTDOWN_RULES: tuple[ChapterRule, ...] = (
    ChapterRule(s.BrokerShutdownRequested, _requested, show_cluster=False),
    ChapterRule(s.BrokerInControlledShutdown, _moved, cluster_on=k.MetadataRecordCommitted),
    ChapterRule(
        ev.ProduceResponseReceived,
        lambda e, c: (
            f"Broker {e.broker} no longer leads: it answers NOT_LEADER_OR_FOLLOWER naming broker "
            f"{e.current_leader} (KIP-951), and the producer retries there without a backoff"
        ),
        when=_redirected,
        show_cluster=False,
    ),
    ChapterRule(s.BrokerShutdownGranted, _granted, cluster_on=k.MetadataRecordCommitted),
    ChapterRule(
        k.BrokerRestarted,
        lambda e, c: (
            f"Broker {e.broker} restarts on its old log: it must register again and stays "
            "fenced until it has caught up with the metadata log"
        ),
        when=lambda e, c: any(g.broker == e.broker for g in c.analysis.cluster.graceful_stops),
        show_cluster=False,
    ),
    ChapterRule(
        s.LeaderImbalanceChecked,
        _given_back,
        when=lambda e, c: bool(_returned(e, c)),
        cluster_on=k.MetadataRecordCommitted,
    ),
)
