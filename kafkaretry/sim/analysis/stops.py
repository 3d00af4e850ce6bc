"""Graceful stops and preferred leaders' returns, read from a finished run (cluster.py's part).

A stop's leaderships count as moved when the controlled-shutdown write that moved them is
committed (a LeaderChange decided at the moment the broker entered controlled shutdown); a
preferred leader's return counts once its electPreferred write is committed.
"""

from __future__ import annotations

from kafkaretry.sim.analysis.model import GracefulStop, LeaderChange, PreferredReturn
from kafkaretry.sim.kraft import shutdown_events as s
from kafkaretry.sim.trace import Trace


def graceful_stops(trace: Trace, changes: tuple[LeaderChange, ...]) -> tuple[GracefulStop, ...]:
    asked: list[tuple[int, int]] = []
    entered: dict[int, list[int]] = {}
    exited: dict[int, list[int]] = {}
    for at, e in trace.timed_events():
        if isinstance(e, s.BrokerShutdownRequested):
            asked.append((at, e.broker))
        elif isinstance(e, s.BrokerInControlledShutdown):
            entered.setdefault(e.broker, []).append(at)
        elif isinstance(e, s.BrokerStopped):
            exited.setdefault(e.broker, []).append(at)
    out = []
    for at, broker in asked:
        start = next((t for t in entered.get(broker, []) if t >= at), None)
        moved = [
            ch.committed_at_ms
            for ch in changes
            if ch.old_leader == broker and start is not None and ch.decided_at_ms == start
        ]
        end = next((t for t in exited.get(broker, []) if t >= at), None)
        out.append(GracefulStop(broker, at, max(moved) if moved else None, end))
    return tuple(out)


def preferred_returns(
    trace: Trace, changes: tuple[LeaderChange, ...]
) -> tuple[PreferredReturn, ...]:
    out = []
    for at, e in trace.of_type(s.LeaderImbalanceChecked):
        for topic, partition, leader in e.elected:
            out += [
                PreferredReturn(topic, partition, leader, at, ch.committed_at_ms)
                for ch in changes
                if (ch.topic, ch.partition, ch.new_leader, ch.decided_at_ms)
                == (topic, partition, leader, at)
            ]
    return tuple(out)
