"""Stories for Kafka 4.1's rules, each built from the shipped cluster with faults of its own."""

from __future__ import annotations

import itertools
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.config import ScenarioBook
from kafkaretry.report import trace_json
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft.shutdown_events import LeaderImbalanceChecked
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import SCENARIOS


def story(
    faults: list[dict[str, Any]],
    seed: int = 0,
    cluster: dict[str, Any] | None = None,
    producer: dict[str, Any] | None = None,
    controllers: list[int] | None = None,
    **record: Any,
) -> Trace:
    """The shipped cluster and producer, record key 1 (partition 0, led by broker 4)."""
    data = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    if controllers is not None:
        data["cluster"]["controllers"] = controllers
    scenario: dict[str, Any] = {
        "description": "a story for a test",
        "record": {"key": "1", "key_type": "int", **record},
        "faults": faults,
    }
    if cluster:
        scenario["cluster_configs"] = cluster
    if producer:
        scenario["producer"] = producer
    data["scenarios"] = {"story": scenario}
    book = ScenarioBook.model_validate(data)
    return Simulation(scenario_inputs(book, "story"), seed).run()


def test_the_high_watermark_moves_when_the_isr_shrinks_to_the_leader_alone() -> None:
    # Both followers die before copying the record; min.insync.replicas=1.
    trace = story(
        [
            {"kind": "crash-broker", "broker": 5, "at_ms": 12},
            {"kind": "crash-broker", "broker": 6, "at_ms": 12},
        ]
    )
    data = trace_json(trace, "int")
    fenced = [at for at, e in trace.of_type(k.BrokerFenced)]
    assert len(fenced) == 2
    for at, expired in trace.of_type(k.BrokerSessionExpired):
        assert 0 <= at - expired.last_contact_ms - 9_000 < 1_125
    # Partition.makeLeader: the ISR is down to the leader, so its high watermark moves at once.
    hw = [(at, e.broker) for at, e in trace.of_type(ev.HighWatermarkAdvanced) if e.partition == 0]
    assert hw[0][1] == 4
    assert hw[0][0] > fenced[1]
    assert data["acked"] is True
    assert 7_000 <= data["ack_at_ms"] <= 11_200  # before: never (expired at 120 s)
    assert [(a["attempt"], a["outcome"]) for a in data["attempts"]] == [(1, "acknowledged")]
    assert data["log"]["copies"] == 1


def test_a_lone_controller_that_restarts_leads_again_at_once() -> None:
    trace = story(
        [
            {"kind": "crash-controller", "controller": 1, "at_ms": 13},
            {"kind": "restart-controller", "controller": 1, "at_ms": 5_000},
        ],
        controllers=[1],
    )
    elected = trace.of_type(k.ControllerElected)
    assert [(at, e.new_active, e.epoch) for at, e in elected] == [(5_000, 1, 2)]
    assert trace.final.control is not None
    assert trace.final.control.active_controller == 1


def _restart(crash_ms: int, restart_ms: int, seed: int = 0) -> Trace:
    return story(
        [
            {"kind": "crash-broker", "broker": 4, "at_ms": crash_ms},
            {"kind": "restart-broker", "broker": 4, "at_ms": restart_ms},
        ],
        seed,
    )


def test_a_quick_restart_is_refused_until_the_old_session_expires() -> None:
    trace = _restart(13, 100)
    data = trace_json(trace, "int")
    ((fenced_at, _),) = trace.of_type(k.BrokerFenced)
    refused = trace.of_type(k.BrokerRegistrationRefused)
    assert refused
    assert {e.error for _, e in refused} == {"DUPLICATE_BROKER_REGISTRATION"}
    assert all(at < fenced_at for at, _ in refused)
    # BrokerLifecycleManager retries every broker.heartbeat.interval.ms
    gaps = {b - a for (a, _), (b, _) in itertools.pairwise(refused)}
    assert gaps == {2_000}
    # Partition 0 moves when the periodic check fences the old session, not at the restart.
    assert data["leader_election"]["at_ms"] == fenced_at
    assert fenced_at > 7_000
    ((registered_at, _),) = trace.of_type(k.BrokerRegistered)
    ((unfenced_at, _),) = trace.of_type(k.BrokerUnfenced)
    assert fenced_at < registered_at < unfenced_at
    # It comes back as a follower and rejoins every ISR it left.
    rejoined = [(e.partition, e.isr_after) for _, e in trace.of_type(k.IsrExpanded)]
    assert rejoined == [(0, (5, 6, 4)), (1, (5, 6, 4)), (2, (6, 5, 4))]
    assert all(at > unfenced_at for at, _ in trace.of_type(k.IsrExpanded))
    # auto.leader.rebalance.enable: the next electPreferred run gives partition 0 back to 4.
    ((balanced_at, balanced),) = trace.of_type(LeaderImbalanceChecked)
    assert balanced.elected == (("kafka-study-topic", 0, 4),)
    assert max(at for at, _ in trace.of_type(k.IsrExpanded)) < balanced_at < unfenced_at + 300_000
    replica = trace.final.brokers[0].replicas[0]
    assert (replica.broker, replica.leader, replica.leader_epoch) == (4, 4, 2)
    assert [entry.record for entry in replica.log] == [0]
    assert data["ack_broker"] == 5
    assert data["ack_at_ms"] < 11_000  # before: REQUEST_TIMED_OUT from broker 4, ack at 30 s


def test_a_restarted_leader_never_answers_as_the_leader_it_no_longer_is() -> None:
    trace = _restart(13, 14)
    answers = [(at, e.broker) for at, e in trace.of_type(ev.ProduceResponseSent) if at > 13]
    assert answers
    assert {broker for _, broker in answers} == {5}
    # Closed to clients until it is unfenced (BrokerServer.startup), so every try is refused.
    ((unfenced_at, _),) = trace.of_type(k.BrokerUnfenced)
    opened = [at for at, e in trace.of_type(ev.ConnectionOpened) if e.broker == 4 and at > 13]
    assert all(at > unfenced_at for at in opened)
    assert trace_json(trace, "int")["log"]["copies"] == 1


def test_a_lost_request_breaks_its_connection_as_tcp_does() -> None:
    # Two records 14 ms apart on one connection: the second batch follows the lost first one.
    trace = story([{"kind": "drop-request", "attempt": 1, "at_ms": 0}], count=2, interval_ms=14)
    lost = [(e.batch, e.attempt) for _, e in trace.of_type(ev.RequestDropped)]
    assert lost == [(1, 1), (2, 1)]  # before: batch 2 arrived on the broken connection
    ((closed_at, timed_out),) = trace.of_type(ev.ProduceRequestTimedOut)
    assert (timed_out.batch, closed_at) == (1, 11 + 30_000)  # learnt only by request.timeout.ms
    assert [a.outcome for a in trace.attempts(0)] == ["request-lost", "acknowledged"]
    assert [a.outcome for a in trace.attempts(1)][-1] == "acknowledged"
    assert trace.copies(0) == (0,)
    assert trace.copies(1) == (1,)


@settings(max_examples=25, deadline=None)
@given(
    broker=st.sampled_from([4, 5, 6]),
    crash_ms=st.integers(0, 40),
    down_ms=st.sampled_from([1, 5, 50, 500, 3_000, 9_500, 20_000]),
    with_controller=st.booleans(),
    seed=st.integers(0, 99),
)
def test_any_crash_and_restart_keeps_committed_logs_equal_and_acked_records_once(
    broker: int, crash_ms: int, down_ms: int, with_controller: bool, seed: int
) -> None:
    faults: list[dict[str, Any]] = [
        {"kind": "crash-broker", "broker": broker, "at_ms": crash_ms},
        {"kind": "restart-broker", "broker": broker, "at_ms": crash_ms + down_ms},
    ]
    if with_controller:
        faults.append({"kind": "crash-controller", "controller": "active", "at_ms": crash_ms})
    trace = story(faults, seed, count=3, interval_ms=10)  # it ends: no valid input may hang
    live = [b for b in trace.final.brokers if b.alive]
    for partition in range(3):
        replicas = [r for b in live for r in b.replicas if r.partition == partition]
        leader = next((r for r in replicas if r.leader == r.broker), None)
        if leader is None:
            continue
        for replica in replicas:  # below the high watermark every replica holds the same log
            hw = min(replica.high_watermark, leader.high_watermark)
            assert [(e.record, e.batch) for e in replica.log[:hw]] == [
                (e.record, e.batch) for e in leader.log[:hw]
            ]
    for record in range(3):
        if trace.acknowledgement(record) is not None:
            assert len(trace.copies(record)) == 1  # acks=all + idempotence: exactly once
