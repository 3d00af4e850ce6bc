"""The turning points of a run, as a rule table: which event opens which part of the story.

Each rule fires at most once, at the first event it matches, so any scenario (the shipped
ones or a user's) gets headings from what actually happened, never from its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules may look at besides the event itself."""

    topic: str
    partition: int  # the first record's partition
    first_epoch: int  # its leader epoch in the producer's first metadata
    # Kept up to date as the events go by (`follow`): who leads that partition as far as the
    # story has shown (-1: unknown), records sent but not yet resolved, brokers that crashed.
    leader: int = -1
    unresolved: int = 0
    down: frozenset[int] = frozenset()
    first_resolved: bool = False  # record 0 (the story's record) acknowledged, failed or expired
    last_appended: int = 0  # the highest batch id the leader of that partition appended


def follow(context: Context, event: ev.TraceEvent) -> Context:
    """The context after `event`: rules see the story as it stands before each event."""
    match event:
        case ev.RecordPartitioned():
            return replace(context, unresolved=context.unresolved + 1)
        case ev.RecordAcknowledged() | ev.RecordExpired() | ev.RecordFailed():
            first = context.first_resolved or event.record == 0
            return replace(context, unresolved=context.unresolved - 1, first_resolved=first)
        case ev.RecordAppended(topic=t, partition=p, batch=b) if (t, p) == (
            context.topic,
            context.partition,
        ):
            return replace(context, last_appended=max(context.last_appended, b))
        case k.BrokerCrashed(broker=b):
            return replace(context, down=context.down | {b})
        case k.PartitionLeaderElected(topic=t, partition=p, new_leader=new) if (t, p) == (
            context.topic,
            context.partition,
        ):
            return replace(context, leader=new)
        case _:
            return context


@dataclass(frozen=True, slots=True)
class ChapterRule:
    kind: type
    title: Callable[[Any], str]
    when: Callable[[Any, Context], bool] = lambda event, context: True
    show_cluster: bool = True  # an overview tree (runs with a failure only)
    # Show that tree at the first moment with this event (e.g. once the records commit).
    cluster_on: type | None = None
    numbered: bool = True  # False: a turn within the current stage, not a new one


def _sees_new_leader(event: ev.MetadataReceived, context: Context) -> bool:
    return event.topic == context.topic and any(
        p == context.partition and epoch > context.first_epoch for p, _, epoch in event.leaders
    )


def leader_of_record(broker: int, context: Context) -> bool:
    return context.leader < 0 or broker == context.leader


RULES: tuple[ChapterRule, ...] = (
    ChapterRule(
        k.BrokerCrashed,
        lambda e: (
            f"Broker {e.broker} fails. The producer keeps retrying the SAME partition: "
            "the batch is bound to it; only the broker it is sent to can change"
        ),
        when=lambda e, c: leader_of_record(e.broker, c) and c.unresolved > 0,
    ),
    ChapterRule(
        k.ControllerCrashed,
        lambda e: (
            f"… and the active controller (controller {e.controller}) fails at the same moment"
        ),
        when=lambda e, c: e.was_active,
        numbered=False,
    ),
    ChapterRule(
        k.FetchTimeoutExpired,
        lambda e: (
            "The standby controllers notice the silence and elect a new active "
            "controller by Raft (pre-vote, then vote)"
        ),
        show_cluster=False,
    ),
    ChapterRule(
        k.BrokerSessionsRenewed,
        lambda e: (
            f"… controller {e.controller} is the new active controller (epoch {e.epoch}); "
            "it gives every broker a fresh session"
        ),
        numbered=False,
    ),
    ChapterRule(
        k.BrokerFenced,
        lambda e: (
            f"The active controller fences broker {e.broker} and elects new leaders from the ISR"
        ),
        cluster_on=k.MetadataRecordCommitted,
    ),
    ChapterRule(
        ev.MetadataReceived,
        lambda e: (
            f"The producer refreshes its metadata from broker {e.broker} (a broker, not "
            "a controller) and sees the new leader"
        ),
        when=_sees_new_leader,
    ),
    ChapterRule(ev.ResponseDropped, lambda e: "The ACK is lost", show_cluster=False),
    ChapterRule(
        ev.ProduceRequestTimedOut,
        lambda e: "No answer within request.timeout.ms: the producer retries the same batch",
        show_cluster=False,
    ),
    ChapterRule(
        ev.RecordAcknowledged,
        lambda e: f"Broker {e.broker} acknowledges the record",
        when=lambda e, c: e.record == 0,
    ),
)


class ChapterTracker:
    """Feeds events through RULES; hands out each rule's chapter once, numbered in order."""

    def __init__(self, context: Context, rules: tuple[ChapterRule, ...] = RULES) -> None:
        self._context = context
        self._rules = rules
        self._fired: set[int] = set()
        self._pending: list[type] = []  # overviews waiting for an event of these types
        self.count = 0

    def chapters(self, events: list[ev.TraceEvent]) -> tuple[list[str], bool]:
        """Numbered titles these events open, and whether this moment shows an overview."""
        opened, show = [], False
        for event in events:
            for index, rule in enumerate(self._rules):
                if index in self._fired or not isinstance(event, rule.kind):
                    continue
                if rule.when(event, self._context):
                    self._fired.add(index)
                    if rule.numbered:
                        self.count += 1
                        opened.append(f"Stage {self.count} · {rule.title(event)}")
                    else:
                        opened.append(rule.title(event))
                    if rule.show_cluster and rule.cluster_on is None:
                        show = True
                    elif rule.show_cluster and rule.cluster_on is not None:
                        self._pending.append(rule.cluster_on)
            self._context = follow(self._context, event)
        waiting = [kind for kind in self._pending if any(isinstance(e, kind) for e in events)]
        if waiting and not opened:
            self._pending = [kind for kind in self._pending if kind not in waiting]
            show = True
        return opened, show
