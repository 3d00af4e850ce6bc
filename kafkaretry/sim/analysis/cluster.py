"""What the cluster did in a run: crashes, isolations, elections, fencing, leader changes.

A partition change counts once a majority of controllers has it (MetadataRecordCommitted at
its offset, for the same change): a change written by an active controller that died before
it committed is truncated by the next leader of the metadata quorum (KafkaRaftClient), so
no broker ever acts on it and it is not reported.
"""

from __future__ import annotations

from typing import Any

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis.loss import truncations
from kafkaretry.sim.analysis.model import ClusterFacts, ControllerElection, IsrStall, LeaderChange
from kafkaretry.sim.analysis.stops import graceful_stops, preferred_returns
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as s
from kafkaretry.sim.trace import Trace

PartitionChange = k.PartitionLeaderElected | k.IsrShrunk | k.IsrExpanded


def cluster_facts(trace: Trace) -> ClusterFacts:
    committed, never = _changes(trace)
    seen: dict[type, list[tuple[int, Any]]] = {kind: [] for kind in _FACTS}
    for at, e in trace.timed_events():
        found = seen.get(type(e))
        if found is not None:
            found.append((at, e))
    no_quorum = _no_quorum_at(trace, seen)
    session_fences = [(at, e.broker) for at, e in seen[k.BrokerFenced]]
    # A controlled shutdown ends in a fence too: once the broker may stop (SHUTDOWN_NOW),
    # ReplicationControlManager.processBrokerHeartbeat calls handleBrokerFenced, which writes
    # BrokerRegistrationChangeRecord(fenced=FENCED).
    shutdown_fences = [(at, e.broker) for at, e in seen[s.BrokerShutdownGranted]]
    changes = tuple(
        LeaderChange(
            e.topic,
            e.partition,
            e.old_leader,
            e.new_leader,
            e.leader_epoch,
            e.isr_after,
            e.at_ms,
            at,
            e.unclean,
        )
        for at, e in committed
        if isinstance(e, k.PartitionLeaderElected)
    )
    return ClusterFacts(
        broker_crashes=tuple((at, e.broker) for at, e in seen[k.BrokerCrashed]),
        broker_restarts=tuple((at, e.broker) for at, e in seen[k.BrokerRestarted]),
        controller_crashes=tuple(
            (at, e.controller, e.was_active) for at, e in seen[k.ControllerCrashed]
        ),
        controller_elections=tuple(
            ControllerElection(at, e.new_active, e.epoch, e.votes)
            for at, e in seen[k.ControllerElected]
        ),
        no_quorum_at_ms=no_quorum,
        fenced=tuple(sorted(session_fences + shutdown_fences)),
        fenced_in_shutdown=tuple(shutdown_fences),
        leader_changes=changes,
        uncommitted_leader_changes=tuple(
            (c.at_ms, c.topic, c.partition, c.new_leader) for c in never
        ),
        stalls=_stalls(trace, committed),
        broker_isolations=tuple((at, e.broker) for at, e in seen[k.BrokerIsolated]),
        broker_heals=tuple((at, e.broker) for at, e in seen[k.BrokerHealed]),
        fetch_delays=tuple((at, e.broker, e.delay_ms) for at, e in seen[ev.ReplicaFetchesDelayed]),
        isr_expansions=tuple(
            (at, c.topic, c.partition, c.added)
            for at, c in committed
            if isinstance(c, k.IsrExpanded)
        ),
        truncations=truncations(trace),
        graceful_stops=graceful_stops(trace, changes),
        preferred_returns=preferred_returns(trace, changes),
        auto_leader_rebalance=trace.cluster.auto_leader_rebalance_enable,
    )


# The event types the facts are read from, collected in one pass over the trace.
_FACTS = (
    k.BrokerCrashed,
    k.BrokerRestarted,
    k.ControllerCrashed,
    k.ControllerRestarted,
    k.ControllerElected,
    k.NoQuorum,
    k.BrokerFenced,
    s.BrokerShutdownGranted,
    k.BrokerIsolated,
    k.BrokerHealed,
    ev.ReplicaFetchesDelayed,
)


def _committed_changes(trace: Trace) -> list[tuple[int, PartitionChange]]:
    """(commit time, change) for every partition change a majority of controllers committed."""
    return _changes(trace)[0]


def _changes(
    trace: Trace,
) -> tuple[list[tuple[int, PartitionChange]], list[k.PartitionLeaderElected]]:
    """Committed changes with their commit time, and leader changes that never committed."""
    written: dict[int, PartitionChange] = {}
    out: list[tuple[int, PartitionChange]] = []
    lost: list[k.PartitionLeaderElected] = []
    for at, e in trace.timed_events():
        if isinstance(e, k.PartitionLeaderElected | k.IsrShrunk | k.IsrExpanded):
            replaced = written.get(e.offset)
            if isinstance(replaced, k.PartitionLeaderElected):
                lost.append(replaced)  # truncated by the next leader of the metadata quorum
            written[e.offset] = e
        elif isinstance(e, k.MetadataRecordCommitted) and e.offset in written:
            change = written.pop(e.offset)
            if e.what.startswith(_record_prefix(change)) and (
                isinstance(change, k.PartitionLeaderElected) or "leader=" not in e.what
            ):
                out.append((at, change))
            elif isinstance(change, k.PartitionLeaderElected):
                lost.append(change)
    lost += [c for c in written.values() if isinstance(c, k.PartitionLeaderElected)]
    return out, sorted(lost, key=lambda c: (c.at_ms, c.offset))


def _record_prefix(change: PartitionChange) -> str:
    base = f"PartitionChange {change.topic}-{change.partition}"
    if isinstance(change, k.PartitionLeaderElected):
        return f"{base} leader={change.new_leader}"
    return base


def _stalls(trace: Trace, committed: list[tuple[int, PartitionChange]]) -> tuple[IsrStall, ...]:
    """Partitions led by a live broker whose ISR still names a crashed one (until removed)."""
    out: list[IsrStall] = []
    crashes = {
        index: [e.broker for e in step.events if isinstance(e, k.BrokerCrashed)]
        for index, step in enumerate(trace.steps)
        if any(isinstance(e, k.BrokerCrashed) for e in step.events)
    }
    # The cluster right after each crash, rebuilt on demand (a trace keeps no picture per step).
    pictures = trace.snapshots_after(sorted(crashes)) if crashes else {}
    for index, crashed in sorted(crashes.items()):
        step, snapshot = trace.steps[index], pictures.get(index)
        if snapshot is None:
            continue
        for broker in crashed:
            for view in snapshot.brokers:
                for r in view.replicas:
                    if not (view.alive and r.is_leader and broker in r.isr and r.broker != broker):
                        continue
                    until = next(
                        (
                            at
                            for at, c in committed
                            if at >= step.at_ms
                            and (c.topic, c.partition) == (r.topic, r.partition)
                            and broker not in c.isr_after
                        ),
                        None,
                    )
                    out.append(IsrStall(r.topic, r.partition, broker, step.at_ms, until))
    return tuple(sorted(out, key=lambda s: (s.from_ms, s.topic, s.partition, s.broker)))


def _no_quorum_at(trace: Trace, seen: dict[type, list[tuple[int, Any]]]) -> int | None:
    """The first moment fewer than a majority of the controllers (Raft voters) were alive.

    The survivors only notice later (their fetch timeout, then a NoQuorum event); the fact
    itself starts with the crash that took the majority away."""
    voters = len(trace.final.control.controllers) if trace.final.control is not None else 0
    if not voters:
        return None
    changes = [(at, -1) for at, _ in seen[k.ControllerCrashed]]
    changes += [(at, +1) for at, _ in seen[k.ControllerRestarted]]
    alive = voters
    for at, delta in sorted(changes, key=lambda c: c[0]):
        alive += delta
        if alive < voters // 2 + 1:
            return at
    return None
