"""The run analysis: checked against independent counts over the trace, for many runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import RunAnalysis, analyse
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import ROOT, SCENARIOS

STORIES = ROOT / "tests" / "data" / "stories.yaml"
NO_PLAN = FaultPlan()


def run(path: Path, name: str, seed: int = 0, plan: FaultPlan = NO_PLAN, **sets: str) -> Trace:
    overrides = {n.replace("_", "."): v for n, v in sets.items()}
    inputs = scenario_inputs(load_scenario_book(path), name, overrides=overrides, plan=plan)
    return Simulation(inputs, seed).run()


def _independent_status(trace: Trace, record: int) -> tuple[str, str | None]:
    """Status and error straight from the first terminal event of the record."""
    for _, e in trace.timed_events():
        if isinstance(e, ev.RecordAcknowledged) and e.record == record:
            return ("sent-without-ack" if trace.settings.acks == 0 else "acknowledged"), None
        if isinstance(e, ev.RecordFailed) and e.record == record:
            return "failed", e.error
        if isinstance(e, ev.RecordExpired) and e.record == record:
            return "failed", "TimeoutException"
    return "pending", None


def check_against_trace(trace: Trace, analysis: RunAnalysis) -> None:
    assert len(analysis.records) == len(trace.records)
    for r in analysis.records:
        assert (r.status, r.error) == _independent_status(trace, r.index)
        assert r.partition == trace.partition_of(r.index)
        if trace.batch_of(r.index) is not None:
            assert r.attempts == trace.attempts(r.index)  # the rescanning query agrees
        assert r.copies == trace.copies(r.index)
        ack = trace.acknowledgement(r.index)
        assert r.ack_at_ms == (None if ack is None else ack[0])
        assert r.lost == (
            r.status == "acknowledged" and r.final_leader is not None and not r.copies
        )
        assert r.duplicated == (len(r.copies) > 1)
        dedups = [e for _, e in trace.of_type(ev.DuplicateDetected) if e.batch == r.batch]
        if r.kind == "deduplicated-retry":
            assert dedups
            assert len(r.attempts) >= 2
        if r.kind == "no-retry":
            assert len(r.attempts) == 1
            assert r.attempts[0].outcome == "acknowledged"
    statuses = {r.status for r in analysis.records}
    expected = next(iter(statuses)) if len(statuses) == 1 else "mixed"
    assert analysis.outcome.status == expected
    crashes = trace.of_type(k.BrokerCrashed)
    assert [b for _, b in analysis.cluster.broker_crashes] == [e.broker for _, e in crashes]
    commits = {e.offset: at for at, e in trace.of_type(k.MetadataRecordCommitted)}
    for change in analysis.cluster.leader_changes:
        assert change.committed_at_ms >= change.decided_at_ms
        assert change.committed_at_ms in commits.values()


STORY_NAMES = (
    "quiet",
    "leader-dies-acks-1",
    "keyless",
    "no-quorum",
    "uncommitted-election",
    "reordered",
)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    name=st.sampled_from(STORY_NAMES),
    acks=st.sampled_from(["all", "1", "0"]),
    latency=st.integers(1, 4),
)
def test_the_analysis_agrees_with_the_trace_of_our_stories(
    seed: int, name: str, acks: str, latency: int
) -> None:
    trace = run(STORIES, name, seed, acks=acks, network_latency_ms=str(latency))
    check_against_trace(trace, analyse(trace))


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    name=st.sampled_from(["ack-loss", "broker-down"]),
    idempotence=st.sampled_from(["true", "false", "null"]),
    retries=st.sampled_from(["0", "3", "2147483647"]),
    acks=st.sampled_from(["all", "1"]),
)
def test_the_analysis_agrees_with_the_trace_of_the_shipped_stories(
    seed: int, name: str, idempotence: str, retries: str, acks: str
) -> None:
    if idempotence == "true" and (retries == "0" or acks == "1"):
        idempotence = "null"  # an explicit contradiction is a ConfigException, tested elsewhere
    trace = run(SCENARIOS, name, seed, enable_idempotence=idempotence, retries=retries, acks=acks)
    check_against_trace(trace, analyse(trace))


@pytest.mark.parametrize("latency", ["1", "2", "7", "50"])
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("with_controller", [False, True])
def test_broker_down_tells_the_same_story_for_every_seed_and_latency(
    latency: str, seed: int, with_controller: bool
) -> None:
    plan = FaultPlan(with_controller=with_controller)
    trace = run(SCENARIOS, "broker-down", seed, plan, network_latency_ms=latency)
    a = analyse(trace)
    [(_, crashed)] = a.cluster.broker_crashes
    r = a.records[0]
    assert len(r.attempts) >= 2
    assert r.attempts[0].broker == crashed
    assert r.status == "acknowledged"
    [change] = [c for c in a.cluster.leader_changes if c.partition == r.partition]
    assert r.acked_by == change.new_leader != crashed
    assert r.copies == (r.ack_offset,)
    assert a.outcome.reason == "deduplicated-retry"


def test_a_leader_change_that_never_committed_is_not_reported() -> None:
    trace = run(STORIES, "uncommitted-election", 0)
    written = [(e.at_ms, e.new_leader) for _, e in trace.of_type(k.PartitionLeaderElected)]
    assert written[0][0] == 8720  # written by controller 1, which dies at 8725
    analysis = analyse(trace)
    [change] = analysis.cluster.leader_changes
    assert change.decided_at_ms == written[1][0] > 8725
    assert analysis.cluster.uncommitted_leader_changes == ((8720, "kafka-study-topic", 0, 5),)
    assert change.committed_at_ms > change.decided_at_ms


def test_acks_1_acknowledged_then_lost() -> None:
    trace = run(STORIES, "acks-1-lost", 0, network_latency_ms="2")
    a = analyse(trace)
    assert [r.index for r in a.records if r.lost] == [7]
    lost = a.records[7]
    assert (lost.status, lost.acked_by, lost.copies, lost.kind) == (
        "acknowledged",
        4,
        (),
        "acked-then-lost",
    )
    assert a.outcome.reason == "acked-then-lost"


@pytest.mark.parametrize(
    ("sets", "status", "kind", "error"),
    [
        ({}, "acknowledged", "deduplicated-retry", None),
        ({"enable_idempotence": "false"}, "acknowledged", "duplicated", None),
        ({"acks": "1"}, "acknowledged", "duplicated", None),
        ({"acks": "0"}, "sent-without-ack", "sent-without-ack", None),
        ({"retries": "0"}, "failed", "failed-but-stored", "REQUEST_TIMED_OUT"),
        (
            {"request_timeout_ms": "5000", "delivery_timeout_ms": "5100"},
            "failed",
            "failed-but-stored",
            "TimeoutException",
        ),
    ],
)
def test_each_outcome_of_ack_loss(
    sets: dict[str, str], status: str, kind: str, error: str | None
) -> None:
    a = analyse(run(SCENARIOS, "ack-loss", 0, NO_PLAN, **sets))
    r = a.records[0]
    assert (r.status, r.kind, r.error) == (status, kind, error)
    assert a.outcome.status == status


def test_why_idempotence_is_off() -> None:
    assert analyse(run(SCENARIOS, "ack-loss", acks="1")).idempotence_off == "acks"
    assert analyse(run(SCENARIOS, "ack-loss", retries="0")).idempotence_off == "retries"
    off = analyse(run(SCENARIOS, "ack-loss", enable_idempotence="false")).idempotence_off
    assert off == "explicit"
    assert analyse(run(SCENARIOS, "ack-loss")).idempotence_off is None


def test_no_quorum_and_stalls() -> None:
    a = analyse(run(STORIES, "no-quorum"))
    assert a.cluster.no_quorum_at_ms is not None
    assert a.outcome.reason == "no-quorum"
    b = analyse(run(SCENARIOS, "broker-down"))
    assert [(s.partition, s.broker) for s in b.cluster.stalls] == [(1, 4), (2, 4)]
    assert all(s.until_ms == b.cluster.leader_changes[0].committed_at_ms for s in b.cluster.stalls)


def test_a_retry_overtaken_by_later_batches_breaks_per_key_order() -> None:
    a = analyse(run(STORIES, "reordered"))
    assert [r.reordered for r in a.records] == [False, True, True]
    # The lost request broke its connection: all three time out, fail oldest first and are
    # each put back at the front of the queue, so they land newest first.
    assert [r.copies for r in a.records] == [(2,), (1,), (0,)]
    # With idempotence the broker rejects the out-of-sequence batches until the first lands.
    b = analyse(run(STORIES, "reordered", enable_idempotence="true"))
    assert not any(r.reordered for r in b.records)
