"""The turning points of a run, as a rule table: which event opens which part of the story.

Each rule fires at most once, at the first event it matches, so any scenario (the shipped
ones or a user's) gets headings from what actually happened, never from its name. A title
may only state what the run's analysis confirms: "retries" needs a later attempt, "elects"
needs a committed election, "acknowledges" needs acks other than 0. The production failures'
rules (failure_chapters.py) join the table, with predicates that keep them and these apart.
"""

from __future__ import annotations

from kafkaretry.render.chapter_rule import ChapterRule, Context
from kafkaretry.render.failure_chapters import (
    FAILURE_RULES,
    acked_before_first,
    idle_leader_crash,
    live_follower_crash,
)
from kafkaretry.render.loss_chapters import LOSS_RULES, acked_uncopied, answer_in_flight
from kafkaretry.render.shutdown_chapters import SHUTDOWN_RULES, hinted_metadata
from kafkaretry.render.verdict import error_cause
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k

__all__ = ["RULES", "ChapterRule", "ChapterTracker", "Context"]


def _sees_new_leader(event: ev.MetadataReceived, context: Context) -> bool:
    return event.topic == context.topic and any(
        p == context.partition and epoch > context.first_epoch for p, _, epoch in event.leaders
    )


def _metadata_received(e: ev.MetadataReceived, c: Context) -> str:
    told = (
        f"The producer refreshes its metadata from broker {e.broker} (a broker, not a controller)"
    )
    leader = next(leader for p, leader, _ in e.leaders if p == c.partition)
    if leader < 0:  # PartitionRegistration.NO_LEADER
        # KRaftMetadataCache answers LEADER_NOT_AVAILABLE for a partition without a live
        # leader; the batch stays in the accumulator until a leader appears or it expires.
        return (
            f"{told}: partition {c.partition} has no leader (LEADER_NOT_AVAILABLE); the batch waits"
        )
    return f"{told} and sees the new leader"


def _broker_crash(e: k.BrokerCrashed, c: Context) -> str:
    title = f"Broker {e.broker} fails"
    retried = [
        r
        for r in c.analysis.records
        if any(a.at_ms > e.at_ms and a.attempt > 1 for a in r.attempts)
        and any(a.at_ms <= e.at_ms for a in r.attempts)
    ]
    if retried:
        title += (
            ". The producer keeps retrying the SAME partition: the batch is bound to it; "
            "only the broker it is sent to can change"
        )
    return title


def _controller_crash(e: k.ControllerCrashed, c: Context) -> str:
    same = any(at == e.at_ms for at, _ in c.analysis.cluster.broker_crashes)
    if same:
        return f"… and the active controller (controller {e.controller}) fails at the same moment"
    return f"The active controller (controller {e.controller}) fails"


def _controller_crash_numbered(e: k.ControllerCrashed, c: Context) -> bool:
    return e.was_active and not any(at == e.at_ms for at, _ in c.analysis.cluster.broker_crashes)


def _controller_crash_joined(e: k.ControllerCrashed, c: Context) -> bool:
    return e.was_active and any(at == e.at_ms for at, _ in c.analysis.cluster.broker_crashes)


def _fetch_timeout(e: k.FetchTimeoutExpired, c: Context) -> str:
    cluster = c.analysis.cluster
    if any(el.at_ms >= e.at_ms for el in cluster.controller_elections):
        return (
            "The standby controllers notice the silence and elect a new active "
            "controller by Raft (pre-vote, then vote)"
        )
    if cluster.no_quorum_at_ms is not None:
        return (
            "The standby controllers notice the silence, but fewer than a majority of "
            "controllers are alive: no new active controller can be elected"
        )
    return "A standby controller notices the silence (controller.quorum.fetch.timeout.ms)"


def _uncommitted_at(e: k.BrokerFenced, c: Context) -> bool:
    return any(at == e.at_ms for at, *_ in c.analysis.cluster.uncommitted_leader_changes)


def _fenced_uncommitted(e: k.BrokerFenced, c: Context) -> str:
    return (
        f"The active controller fences broker {e.broker} and elects new leaders, but these "
        "records never commit: a majority of controllers never has them"
    )


def _fenced(e: k.BrokerFenced, c: Context) -> str:
    changes = [ch for ch in c.analysis.cluster.leader_changes if ch.decided_at_ms == e.at_ms]
    title = f"The active controller fences broker {e.broker}"
    if any(ch.unclean for ch in changes):
        title += " and elects new leaders, one outside the ISR"
    elif any(ch.new_leader >= 0 for ch in changes):
        title += " and elects new leaders from the ISR"
    if any(ch.new_leader < 0 for ch in changes):
        title += "; a partition is left with no eligible leader"
    return title


def _timed_out(e: ev.ProduceRequestTimedOut, c: Context) -> str:
    retried = any(a.attempt > e.attempt for r in c.batch_records(e.batch) for a in r.attempts)
    title = "No answer within request.timeout.ms"
    return title + (": the producer retries the same batch" if retried else "")


def _acknowledged(e: ev.RecordAcknowledged, c: Context) -> str:
    if c.analysis.acks == 0:
        return f"The send of {c.record_word(e.record)} completes without any answer (acks=0)"
    return f"Broker {e.broker} acknowledges {c.record_word(e.record)}" + answer_in_flight(e, c)


def _failed(e: ev.RecordFailed, c: Context) -> str:
    retries = " (retries=0)" if c.analysis.retries == 0 else ""
    cause = error_cause(e.error, keyless=c.analysis.records[e.record].key is None)
    return (
        f"The producer gives up on {c.record_word(e.record)}{retries}: {cause}the callback gets "
        f"{e.error}"
    )


RULES: tuple[ChapterRule, ...] = (
    ChapterRule(
        k.BrokerCrashed,
        _broker_crash,
        when=lambda e, c: not idle_leader_crash(e, c) and not live_follower_crash(e, c),
    ),
    ChapterRule(
        k.ControllerCrashed, _controller_crash, when=_controller_crash_joined, numbered=False
    ),
    ChapterRule(k.ControllerCrashed, _controller_crash, when=_controller_crash_numbered),
    ChapterRule(k.FetchTimeoutExpired, _fetch_timeout, show_cluster=False),
    ChapterRule(
        k.NoQuorum,
        lambda e, c: (
            f"No quorum: only controller{'s' if len(e.alive) != 1 else ''} "
            f"{', '.join(map(str, e.alive)) or 'none'} alive, {e.needed} needed"
        ),
        show_cluster=False,
    ),
    ChapterRule(
        k.BrokerSessionsRenewed,
        lambda e, c: (
            f"… controller {e.controller} is the new active controller (epoch {e.epoch}); "
            "it gives every broker a fresh session"
        ),
        numbered=False,
    ),
    ChapterRule(k.BrokerFenced, _fenced_uncommitted, when=_uncommitted_at, show_cluster=False),
    ChapterRule(
        k.BrokerFenced,
        _fenced,
        when=lambda e, c: not _uncommitted_at(e, c),
        cluster_on=k.MetadataRecordCommitted,
    ),
    ChapterRule(
        ev.MetadataReceived,
        _metadata_received,
        when=lambda e, c: _sees_new_leader(e, c) and not hinted_metadata(e, c),
    ),
    ChapterRule(
        ev.ResponseDropped,
        lambda e, c: "The ACK is lost" if e.error == "NONE" else f"The {e.error} answer is lost",
        show_cluster=False,
    ),
    ChapterRule(
        ev.RequestDropped,
        lambda e, c: "The produce request is lost on its way",
        show_cluster=False,
    ),
    ChapterRule(ev.ProduceRequestTimedOut, _timed_out, show_cluster=False),
    ChapterRule(
        ev.MetadataWaitTimedOut,
        lambda e, c: (
            f"send() gives up on {c.record_word(e.record)} after max.block.ms ({e.max_block_ms} "
            f"ms) without {e.topic}'s metadata (KafkaProducer.waitOnMetadata): the callback "
            "gets TimeoutException"
        ),
        show_cluster=False,
    ),
    ChapterRule(
        ev.RecordAcknowledged,
        _acknowledged,
        when=lambda e, c: not acked_before_first(e, c) and not acked_uncopied(e, c),
    ),
    ChapterRule(ev.RecordFailed, _failed, show_cluster=False),
    ChapterRule(
        ev.RecordExpired,
        lambda e, c: (
            f"delivery.timeout.ms ({e.delivery_timeout_ms} ms) has passed: "
            f"{c.record_word(e.record)} expires and the callback gets TimeoutException"
        ),
        show_cluster=False,
    ),
    *FAILURE_RULES,
    *LOSS_RULES,
    *SHUTDOWN_RULES,
)


class ChapterTracker:
    """Feeds events through RULES; hands out each rule's chapter once, numbered in order."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._fired: set[int] = set()
        self._pending: list[type] = []  # overviews waiting for an event of these types
        self.count = 0
        # for each title the last chapters() call opened: the index of the event that opened it
        self.positions: list[int] = []

    def chapters(self, events: list[ev.TraceEvent]) -> tuple[list[str], bool]:
        """Numbered titles these events open, and whether this moment shows an overview."""
        opened, show = [], False
        self.positions = []
        for position, event in enumerate(events):
            for index, rule in enumerate(RULES):
                if index in self._fired or not isinstance(event, rule.kind):
                    continue
                if rule.when(event, self._context):
                    self._fired.add(index)
                    title = rule.title(event, self._context)
                    self.positions.append(position)
                    if rule.numbered:
                        self.count += 1
                        opened.append(f"Stage {self.count} · {title}")
                    else:
                        opened.append(title)
                    if rule.show_cluster and rule.cluster_on is None:
                        show = True
                    elif rule.show_cluster and rule.cluster_on is not None:
                        self._pending.append(rule.cluster_on)
        waiting = [kind for kind in self._pending if any(isinstance(e, kind) for e in events)]
        if waiting and not opened:
            self._pending = [kind for kind in self._pending if kind not in waiting]
            show = True
        return opened, show
