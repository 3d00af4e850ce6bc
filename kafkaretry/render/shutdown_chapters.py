"""Chapter rules of a graceful stop: controlled shutdown, the redirected producer, the exit,
the restart and the preferred leader's return.

They join chapters.RULES (same table, same rule shape) and claim only what the run's
analysis confirms: "moves the leadership" needs a committed controlled-shutdown leader change,
"exits" a recorded exit, "gives back" a committed preferred-leader election.
"""

from __future__ import annotations

from kafkaretry.render.chapter_rule import ChapterRule, Context
from kafkaretry.render.failure_chapters import leader_at
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
    role = "the leader" if leader_at(c, e.at_ms) == e.broker else "a follower"
    return (
        f"Broker {e.broker}, {role}, is stopped gracefully (SIGTERM): it stays up and asks "
        "the active controller for a controlled shutdown"
    )


def _moved(e: s.BrokerInControlledShutdown, c: Context) -> str:
    stop = _stop(c, e.broker, e.at_ms)
    mine = [
        ch
        for ch in c.analysis.cluster.leader_changes
        if ch.decided_at_ms == e.at_ms and (ch.topic, ch.partition) == (c.topic, c.partition)
    ]
    if stop is None or stop.moved_at_ms is None or not mine or mine[0].new_leader < 0:
        return f"The active controller takes broker {e.broker} out of every ISR it is in"
    return (
        f"The active controller moves partition {c.partition}'s leadership to broker "
        f"{mine[0].new_leader} once broker {e.broker}'s request reaches it: committed "
        f"{stop.moved_at_ms - stop.asked_at_ms} ms after the stop, no session timeout waited for"
    )


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


def _returned_to(e: s.LeaderImbalanceChecked, c: Context) -> int:
    """The preferred leader this check gave the story's partition back to (-1: none)."""
    return next(
        (
            p.leader
            for p in c.analysis.cluster.preferred_returns
            if p.decided_at_ms == e.at_ms and (p.topic, p.partition) == (c.topic, c.partition)
        ),
        -1,
    )


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
        lambda e, c: (
            "auto.leader.rebalance.enable: the controller's periodic check gives partition "
            f"{c.partition} back to its preferred leader, broker {_returned_to(e, c)}"
        ),
        when=lambda e, c: _returned_to(e, c) >= 0,
        cluster_on=k.MetadataRecordCommitted,
    ),
)
