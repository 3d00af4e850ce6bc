"""The analysis of a finished run: pure facts every view, --json and other commands read.

    from kafkaretry.sim.analysis import analyse, analysis_json
    result = analyse(trace)              # RunAnalysis (frozen dataclasses, model.py)
    result.records[0].status             # "acknowledged", "failed", "sent-without-ack", ...
    result.outcome.reason                # a VerdictKind, e.g. "deduplicated-retry"
    analysis_json(result)                # {"records": [...], "outcome": {...}, "cluster": {...}}

No wording lives here (render/ turns kinds into sentences); no Rich, no I/O. Computing it
reads the trace a few times: linear in its events.
"""

from __future__ import annotations

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis.cluster import cluster_facts
from kafkaretry.sim.analysis.jsonform import analysis_json, record_json
from kafkaretry.sim.analysis.model import (
    ClusterFacts,
    ControllerElection,
    GracefulStop,
    IdempotenceOff,
    IsrStall,
    LeaderChange,
    PreferredReturn,
    RecordOutcome,
    RunAnalysis,
    RunOutcome,
    RunStatus,
    Status,
    Truncation,
    VerdictKind,
)
from kafkaretry.sim.analysis.records import EXPIRED_ERROR, record_outcomes
from kafkaretry.sim.trace import Trace

# Which record kind tells a run's story when records differ: the most surprising first.
RUN_PRECEDENCE: tuple[VerdictKind, ...] = (
    "acked-then-lost",
    "duplicated",
    "failed-but-stored",
    "no-quorum",
    "expired",
    "failed",
    "no-leader",
    "sent-without-ack",
    "pending",
    "not-sent",
    "deduplicated-retry",
    "retried-single-append",
    "no-retry",
)


def analyse(trace: Trace) -> RunAnalysis:
    """What happened to every record and to the cluster in `trace` (see model.py's fields)."""
    cluster = cluster_facts(trace)
    records = record_outcomes(trace, no_quorum=cluster.no_quorum_at_ms is not None)
    settings = trace.settings
    return RunAnalysis(
        scenario=trace.scenario,
        seed=trace.seed,
        acks=settings.acks,
        idempotence=settings.idempotence,
        idempotence_off=_idempotence_off(trace),
        retries=settings.retries,
        records=records,
        cluster=cluster,
        outcome=run_outcome(records),
        end_ms=trace.final.at_ms,
    )


def run_outcome(records: tuple[RecordOutcome, ...]) -> RunOutcome:
    statuses = {r.status for r in records}
    status: RunStatus = records[0].status if len(statuses) == 1 else "mixed"
    kinds = {r.kind for r in records}
    reason = next(kind for kind in RUN_PRECEDENCE if kind in kinds)
    return RunOutcome(status, reason)


def _idempotence_off(trace: Trace) -> IdempotenceOff | None:
    if trace.settings.idempotence:
        return None
    for _, note in trace.of_type(ev.ConfigNote):
        if note.rule == "idempotence-disabled" and note.config in ("acks", "retries"):
            return "acks" if note.config == "acks" else "retries"
    return "explicit"


__all__ = [
    "EXPIRED_ERROR",
    "RUN_PRECEDENCE",
    "ClusterFacts",
    "ControllerElection",
    "GracefulStop",
    "IdempotenceOff",
    "IsrStall",
    "LeaderChange",
    "PreferredReturn",
    "RecordOutcome",
    "RunAnalysis",
    "RunOutcome",
    "RunStatus",
    "Status",
    "Truncation",
    "VerdictKind",
    "analyse",
    "analysis_json",
    "record_json",
    "run_outcome",
]
