"""The analysis as JSON-ready dicts: `records`, `outcome` and `cluster` of `simulate --json`.

Field names and meanings are documented in the README (`simulate --json`).
"""

from __future__ import annotations

from typing import Any

from kafkaretry.sim.analysis.model import ClusterFacts, RecordOutcome, RunAnalysis, Truncation


def truncation_json(t: Truncation) -> dict[str, Any]:
    return {
        "at_ms": t.at_ms,
        "broker": t.broker,
        "leader": t.leader,
        "topic": t.topic,
        "partition": t.partition,
        "log_end_offset": t.log_end_offset,
        "truncated_to": t.truncated_to,
    }


def record_json(r: RecordOutcome) -> dict[str, Any]:
    return {
        "index": r.index,
        "key": r.key,
        "partition": r.partition,
        "status": r.status,
        "attempts": [
            {
                "attempt": a.attempt,
                "at_ms": a.at_ms,
                "partition": a.partition,
                "broker": a.broker,
                "outcome": a.outcome,
                "appended_offset": a.appended_offset,
            }
            for a in r.attempts
        ],
        "ack_offset": r.ack_offset,
        "acked_by": r.acked_by,
        "ack_at_ms": r.ack_at_ms,
        "error": r.error,
        "expired": r.expired,
        "copies": list(r.copies),
        "committed": list(r.committed),
        "in_final_log": r.in_final_log,
        "final_leader": r.final_leader,
        "lost": r.lost,
        "copied_at_ack": list(r.copied_at_ack),
        "truncated": [truncation_json(t) for t in r.truncated],
        "ack_offset_holds": r.ack_offset_holds,
        "held_by": list(r.held_by),
        "duplicated": r.duplicated,
        "reordered": r.reordered,
        "kind": r.kind,
    }


def cluster_json(c: ClusterFacts) -> dict[str, Any]:
    return {
        "broker_crashes": [{"at_ms": at, "broker": b} for at, b in c.broker_crashes],
        "broker_isolations": [{"at_ms": at, "broker": b} for at, b in c.broker_isolations],
        "broker_heals": [{"at_ms": at, "broker": b} for at, b in c.broker_heals],
        "isr_expansions": [
            {"at_ms": at, "topic": t, "partition": p, "broker": b}
            for at, t, p, b in c.isr_expansions
        ],
        "fetch_delays": [{"at_ms": at, "broker": b, "delay_ms": d} for at, b, d in c.fetch_delays],
        "controller_crashes": [
            {"at_ms": at, "controller": n, "was_active": active}
            for at, n, active in c.controller_crashes
        ],
        "controller_elections": [
            {"at_ms": e.at_ms, "new_active": e.new_active, "epoch": e.epoch, "votes": list(e.votes)}
            for e in c.controller_elections
        ],
        "no_quorum_at_ms": c.no_quorum_at_ms,
        "fenced": [
            {
                "at_ms": at,
                "broker": b,
                "reason": "controlled-shutdown"
                if (at, b) in c.fenced_in_shutdown
                else "session-expired",
            }
            for at, b in c.fenced
        ],
        "leader_changes": [
            {
                "topic": ch.topic,
                "partition": ch.partition,
                "old_leader": ch.old_leader,
                "new_leader": ch.new_leader,
                "leader_epoch": ch.leader_epoch,
                "isr_after": list(ch.isr_after),
                "decided_at_ms": ch.decided_at_ms,
                "committed_at_ms": ch.committed_at_ms,
                "unclean": ch.unclean,
            }
            for ch in c.leader_changes
        ],
        "uncommitted_leader_changes": [
            {"decided_at_ms": at, "topic": t, "partition": p, "new_leader": leader}
            for at, t, p, leader in c.uncommitted_leader_changes
        ],
        "graceful_stops": [
            {
                "broker": g.broker,
                "asked_at_ms": g.asked_at_ms,
                "moved_at_ms": g.moved_at_ms,
                "exited_at_ms": g.exited_at_ms,
            }
            for g in c.graceful_stops
        ],
        "preferred_returns": [
            {
                "topic": p.topic,
                "partition": p.partition,
                "leader": p.leader,
                "decided_at_ms": p.decided_at_ms,
                "committed_at_ms": p.committed_at_ms,
            }
            for p in c.preferred_returns
        ],
        "isr_stalls": [
            {
                "topic": s.topic,
                "partition": s.partition,
                "broker": s.broker,
                "from_ms": s.from_ms,
                "until_ms": s.until_ms,
            }
            for s in c.stalls
        ],
        "truncations": [truncation_json(t) for t in c.truncations],
    }


def analysis_json(a: RunAnalysis) -> dict[str, Any]:
    return {
        "records": [record_json(r) for r in a.records],
        "outcome": {"status": a.outcome.status, "reason": a.outcome.reason},
        "cluster": cluster_json(a.cluster),
    }
