"""Faults that strike when something happens, not at a fixed millisecond.

A premise such as "the leader dies once its followers have copied attempt 1, before it can
answer" must hold for every seed and latency; a fixed time cannot promise that (the send
moves with the metadata round trips and the backoff jitter). A trigger watches the run's
events after each action and runs the fault right then, before any other scheduled action,
so nothing (no fetch, no produce response) slips in between.
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim import events as ev
from kafkaretry.sim.faults.target import FaultTarget
from kafkaretry.sim.settings import When

Action = Callable[[], None]


def describe_when(when: When) -> str:
    """The trigger as a fact for the FaultArmed event (its `detail`)."""
    attempt = f"attempt {when.attempt} of record {when.record}'s batch"
    match when.event:
        case "sent":
            return f"waits until {attempt} is sent"
        case "appended":
            return f"waits until the leader appends {attempt}"
        case "replicated":
            return f"waits until every live in-sync follower has copied {attempt}"
        case "acknowledged":
            return f"waits until record {when.record} is acknowledged"
        case "acknowledged-unreplicated":
            return (
                f"waits until a record (from record {when.record} on) is acknowledged "
                "that no follower has copied yet"
            )
        case "appended-unfetched":
            return (
                f"waits until the leader appends a record (from record {when.record} on) "
                "that no follower has fetched yet"
            )


def arm_trigger(when: When, sim: FaultTarget, kind: str, action: Action) -> None:
    """From now on, run `action` once the run shows `when` (see config/faults.py Trigger)."""
    sim.emit(ev.FaultArmed(kind, describe_when(when)))
    sim.watch(_Watcher(when, sim, action))


class _Watcher:
    """Follows record `when.record` to its batch, then waits for the wanted attempt's event."""

    def __init__(self, when: When, sim: FaultTarget, action: Action) -> None:
        self._when, self._sim, self._action = when, sim, action
        self._open: dict[tuple[str, int], int] = {}  # the batch a new record would join
        self._batch: int | None = None
        self._append: ev.RecordAppended | None = None
        self._waiting: set[int] = set()  # followers that have not copied the append yet
        # (topic, partition, follower) -> the last offset it has copied from its leader
        self._copied: dict[tuple[str, int, int], int] = {}

    def __call__(self, e: ev.TraceEvent) -> bool:  # noqa: PLR0911, PLR0912 - one per trigger
        """True once the fault has run (the watcher is then dropped)."""
        when = self._when
        match e:
            case ev.RecordPartitioned() if e.record == when.record:
                self._batch = self._open.get((e.topic, e.partition))  # joins the open batch
            case ev.BatchCreated():
                self._open[e.topic, e.partition] = e.batch
                if e.record == when.record:
                    self._batch = e.batch  # or opens a batch of its own
            case ev.ProduceRequestSent() if self._mine(e.batch, e.attempt, "sent"):
                return self._fire()
            case ev.RecordAppended() if self._mine(e.batch, e.attempt, "appended"):
                return self._fire()
            case ev.RecordAppended() if self._mine(e.batch, e.attempt, "replicated"):
                return self._appended(e)
            case ev.RecordAppended() if when.event == "appended-unfetched":
                return self._unfetched(e) and self._fire()
            case ev.FollowerReplicated() if when.event == "acknowledged-unreplicated":
                self._copied[e.topic, e.partition, e.broker] = e.last_offset
            case ev.RecordAcknowledged() if when.event == "acknowledged-unreplicated":
                return e.record >= when.record and self._unreplicated(e) and self._fire()
            case ev.FollowerReplicated() if self._append is not None:
                a = self._append
                if (e.leader, e.topic, e.partition) == (a.broker, a.topic, a.partition) and (
                    e.last_offset >= a.last_offset
                ):
                    self._waiting.discard(e.broker)
                    return not self._waiting and self._fire()
            case ev.RecordAcknowledged() if when.event == "acknowledged":
                return e.record == when.record and self._fire()
            case _:
                pass
        return False

    def _mine(self, batch: int, attempt: int, event: str) -> bool:
        when = self._when
        return when.event == event and batch == self._batch and attempt == when.attempt

    def _appended(self, e: ev.RecordAppended) -> bool:
        # The followers acks=all waits for: the in-sync replicas that are alive.
        isr = self._sim.control.partition(e.topic, e.partition).isr
        self._waiting = {b for b in isr if b != e.broker and self._sim.nodes.is_alive(b)}
        self._append = e
        return not self._waiting and self._fire()

    def _unreplicated(self, e: ev.RecordAcknowledged) -> bool:
        # acks=1 answers after the leader's own append (Partition.appendRecordsToLeader), so an
        # acknowledged offset may still be on the leader alone: the window acks=1 loses data in.
        if e.offset < 0:
            return False  # acks=0: no offset to compare
        followers = self._sim.control.partition(e.topic, e.partition).replicas
        return all(
            self._copied.get((e.topic, e.partition, b), -1) < e.offset
            for b in followers
            if b != e.broker
        )

    def _unfetched(self, e: ev.RecordAppended) -> bool:
        # Seen after the whole append: a follower whose Fetch was parked at the leader
        # (DelayedFetch) was answered with this batch in the same moment, so it has it.
        if self._batch is None or e.batch < self._batch:
            return False  # batches before record `when.record`'s
        leader = self._sim.replication.replica(e.broker, e.topic, e.partition)
        if leader is None:
            return False
        return all(
            leader.fetched.get(b, (-1, 0)) < (e.leader_epoch, e.base_offset + 1)
            for b in leader.replicas
            if b != e.broker
        )

    def _fire(self) -> bool:
        self._action()
        return True
